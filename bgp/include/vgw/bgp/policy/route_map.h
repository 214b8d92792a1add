// Route-maps (FRR `route-map NAME permit|deny SEQ` with `match` and `set` clauses): the model
// and its FRR-syntax rendering. Evaluation lives in the compiled form (policy.h).
//
// Semantics (FRR): entries are tried in seq order; an entry matches when all its match clauses
// match (an entry without any matches everything). The first matching entry decides: permit
// applies its sets and accepts the route, deny rejects it. No matching entry: reject (the
// implicit deny). A match clause naming a list that does not exist does not match (FRR's
// RMAP_NOMATCH), so its entry is skipped and evaluation moves on; a `set comm-list` naming a
// missing list deletes nothing.
//
// Match clauses (one of each kind per entry, like FRR):
//   match ip address prefix-list NAME      IPv4 routes whose prefix the list permits
//   match ipv6 address prefix-list NAME    IPv6 routes whose prefix the list permits
//   match ip next-hop prefix-list NAME     IPv4 routes whose NEXT_HOP (as a /32) it permits
//   match ipv6 next-hop prefix-list NAME   IPv6 routes whose next-hop (PolicyRoute::next_hop_v6,
//                                          as a /128) it permits; no next-hop known: no match
//   match as-path NAME                     the as-path access-list permits the AS path
//   match community NAME                   the community-list permits the communities
//   match large-community NAME             the large-community-list permits them
//
// Set clauses of a permit entry, applied in this fixed order (one of each kind per entry):
//   set weight N
//   set local-preference N
//   set metric N                           MULTI_EXIT_DISC
//   set as-path prepend ASN...             "prepend 1 2" on path "3" gives "1 2 3"
//   set as-path prepend last-as N          the leftmost ASN again N (1..10) times; none: no-op
//   set comm-list NAME delete              before `set community`, so additive values stay
//   set community VALUES [additive] | none replace, add (values not yet present, appended),
//                                          or remove all
//   set large-community VALUES [additive] | none
//   set ip next-hop ADDRESS | peer-address IPv4 routes only. peer-address: on import the peer's
//                                          address, on export our own address on the session
//                                          (PolicyContext::local_address; unknown: unchanged),
//                                          only when that address is IPv4
//   set ipv6 next-hop global ADDRESS       IPv6 routes only (PolicyRoute::next_hop_v6)
// A deny entry's sets are ignored (FRR keeps but never applies them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"
#include "vgw/bgp/policy/action.h"
#include "vgw/bgp/wire/attributes.h"

namespace vgw::bgp::policy {

struct RouteMapMatch {
  std::optional<std::string> ip_address_prefix_list;
  std::optional<std::string> ipv6_address_prefix_list;
  std::optional<std::string> ip_next_hop_prefix_list;
  std::optional<std::string> ipv6_next_hop_prefix_list;
  std::optional<std::string> as_path;
  std::optional<std::string> community;
  std::optional<std::string> large_community;
  friend bool operator==(const RouteMapMatch&, const RouteMapMatch&) = default;
};

// `set as-path prepend`: either ASNs or last-as (FRR keeps one of the two).
struct AsPathPrepend {
  std::vector<uint32_t> asns;  // in the order written
  uint8_t last_as = 0;         // 1..10 when asns is empty
  friend bool operator==(const AsPathPrepend&, const AsPathPrepend&) = default;
};

// `set community VALUES [additive]`; no values (and not additive) = `set community none`.
struct CommunitySet {
  std::vector<uint32_t> values;
  bool additive = false;
  friend bool operator==(const CommunitySet&, const CommunitySet&) = default;
};

struct LargeCommunitySet {
  std::vector<wire::LargeCommunity> values;
  bool additive = false;
  friend bool operator==(const LargeCommunitySet&, const LargeCommunitySet&) = default;
};

// `set ip next-hop ADDRESS` or `set ip next-hop peer-address`.
struct IpNextHop {
  bool peer_address = false;
  IpAddress address;  // IPv4, when !peer_address
  friend bool operator==(const IpNextHop&, const IpNextHop&) = default;
};

struct RouteMapSet {
  std::optional<uint32_t> weight;
  std::optional<uint32_t> local_preference;
  std::optional<uint32_t> metric;
  std::optional<AsPathPrepend> as_path_prepend;
  std::optional<std::string> comm_list_delete;  // a standard community-list name
  std::optional<CommunitySet> community;
  std::optional<LargeCommunitySet> large_community;
  std::optional<IpNextHop> ip_next_hop;
  std::optional<IpAddress> ipv6_next_hop_global;
  friend bool operator==(const RouteMapSet&, const RouteMapSet&) = default;
};

struct RouteMapEntry {
  uint32_t seq = 10;
  Action action = Action::kPermit;
  RouteMapMatch match;
  RouteMapSet set;
  friend bool operator==(const RouteMapEntry&, const RouteMapEntry&) = default;
};

struct RouteMap {
  std::string name;
  std::vector<RouteMapEntry> entries;  // any order; seqs unique
  friend bool operator==(const RouteMap&, const RouteMap&) = default;
};

// Name is one word, seqs unique, set values in range (ip next-hop IPv4, ipv6 next-hop global
// IPv6 and not link-local, prepend ASNs non-zero or last-as 1..10, `additive` with values,
// list names one word). Does not look the named lists up (see undefined_references()).
Status validate(const RouteMap& map);

// "route-map NAME permit 10", then " match ..." and " set ..." lines, then "exit" (as FRR
// 8+ prints it), for each entry in seq order.
std::vector<std::string> config_lines(const RouteMap& map);

// A name a route-map uses, and where.
struct Reference {
  enum class Kind : uint8_t { kRouteMap, kPrefixList, kAsPathList, kCommunityList, kLargeCommunityList };
  Kind kind = Kind::kPrefixList;
  std::string name;
  std::string where;  // e.g. "route-map RM permit 10: match ip address prefix-list"
  friend bool operator==(const Reference&, const Reference&) = default;
};
const char* reference_kind_name(Reference::Kind kind);  // "prefix-list", "as-path access-list", ...

// Every list the route-map's entries name, in entry and clause order.
std::vector<Reference> references(const RouteMap& map);

}  // namespace vgw::bgp::policy
