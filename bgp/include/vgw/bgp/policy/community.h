// Communities as text, and community-lists: FRR `bgp community-list standard NAME ...`
// (RFC 1997 communities) and `bgp large-community-list standard NAME ...` (RFC 8092).
//
// Text forms: a community is "ASN:VALUE" (two 16-bit numbers) or a well-known name (below); a
// large community is "GLOBAL:LOCAL1:LOCAL2" (three 32-bit numbers). Lists of either are
// separated by spaces.
//
// Semantics (FRR standard lists): an entry matches a route when every value it names is among
// the route's communities; an entry naming `internet` matches every route. The matching entry
// with the lowest seq decides; no match = deny. For `set comm-list NAME delete`, each community
// of the route is looked up on its own: the lowest-seq entry naming it decides, and it is
// removed when that entry permits (see route_map.h).
// Standard and large lists live in separate namespaces, as in FRR (PolicySet keeps two maps).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/bgp/policy/action.h"
#include "vgw/bgp/wire/attributes.h"

namespace vgw::bgp::policy {

// Well-known communities (IANA "BGP Well-known Communities" registry) and their FRR names.
namespace well_known {
inline constexpr uint32_t kInternet = 0x00000000;          // "internet"
inline constexpr uint32_t kGracefulShutdown = 0xFFFF0000;  // RFC 8326, "graceful-shutdown"
inline constexpr uint32_t kAcceptOwn = 0xFFFF0001;         // RFC 7611, "accept-own"
inline constexpr uint32_t kLlgrStale = 0xFFFF0006;         // RFC 9494, "llgr-stale"
inline constexpr uint32_t kNoLlgr = 0xFFFF0007;            // RFC 9494, "no-llgr"
inline constexpr uint32_t kBlackhole = 0xFFFF029A;         // RFC 7999, "blackhole"
inline constexpr uint32_t kNoExport = 0xFFFFFF01;          // RFC 1997, "no-export"
inline constexpr uint32_t kNoAdvertise = 0xFFFFFF02;       // RFC 1997, "no-advertise"
inline constexpr uint32_t kLocalAs = 0xFFFFFF03;           // RFC 1997 NO_EXPORT_SUBCONFED, "local-AS"
inline constexpr uint32_t kNoPeer = 0xFFFFFF04;            // RFC 3765, "no-peer"
}  // namespace well_known

// "65000:1", or a well-known name: internet, graceful-shutdown, accept-own, llgr-stale,
// no-llgr, blackhole, no-export, no-advertise, local-AS (also no-export-subconfed), no-peer.
Result<uint32_t> parse_community(std::string_view text);
// The FRR name for well-known values, else "ASN:VALUE".
std::string format_community(uint32_t value);
// Space-separated; at least one.
Result<std::vector<uint32_t>> parse_communities(std::string_view text);
std::string format_communities(std::span<const uint32_t> values);

// "65000:1:2".
Result<wire::LargeCommunity> parse_large_community(std::string_view text);
std::string format_large_community(const wire::LargeCommunity& value);
Result<std::vector<wire::LargeCommunity>> parse_large_communities(std::string_view text);
std::string format_large_communities(std::span<const wire::LargeCommunity> values);

struct CommunityListEntry {
  uint32_t seq = 0;
  Action action = Action::kPermit;
  std::vector<uint32_t> values;  // all must be present
  friend bool operator==(const CommunityListEntry&, const CommunityListEntry&) = default;
};

struct CommunityList {
  std::string name;
  std::vector<CommunityListEntry> entries;
  friend bool operator==(const CommunityList&, const CommunityList&) = default;
};

struct LargeCommunityListEntry {
  uint32_t seq = 0;
  Action action = Action::kPermit;
  std::vector<wire::LargeCommunity> values;  // all must be present
  friend bool operator==(const LargeCommunityListEntry&, const LargeCommunityListEntry&) = default;
};

struct LargeCommunityList {
  std::string name;
  std::vector<LargeCommunityListEntry> entries;
  friend bool operator==(const LargeCommunityList&, const LargeCommunityList&) = default;
};

// Name is a single word, seqs unique, every entry names at least one value.
Status validate(const CommunityList& list);
Status validate(const LargeCommunityList& list);

// The verdict for a route carrying these communities.
Action evaluate(const CommunityList& list, std::span<const uint32_t> communities);
Action evaluate(const LargeCommunityList& list, std::span<const wire::LargeCommunity> communities);

// `bgp community-list standard NAME seq 5 permit 65000:1 no-export` /
// `bgp large-community-list standard NAME seq 5 permit 65000:1:2`, in seq order.
std::string config_line(const std::string& list_name, const CommunityListEntry& e);
std::vector<std::string> config_lines(const CommunityList& list);
std::string config_line(const std::string& list_name, const LargeCommunityListEntry& e);
std::vector<std::string> config_lines(const LargeCommunityList& list);

}  // namespace vgw::bgp::policy
