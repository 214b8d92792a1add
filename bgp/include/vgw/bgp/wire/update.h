// UPDATE (RFC 4271 4.3) with multiprotocol NLRI (RFC 4760): decoding with RFC 7606 error
// handling, single-message encoding, and packing many prefixes that share one attribute set
// into as few <= 4096-octet messages as possible.
//
// Decoding is built for full tables: parse_update() fills a caller-owned Update whose
// vectors keep their capacity, so steady-state decoding allocates nothing. An Update whose
// `action` is kTreatAsWithdraw still lists every NLRI it announced (nlri, mp_reach) so the
// session can withdraw them; only errors that leave the message unusable are returned as a
// ParseError (session reset or AFI/SAFI disable).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"
#include "vgw/bgp/wire/attributes.h"
#include "vgw/bgp/wire/error.h"
#include "vgw/bgp/wire/nlri.h"
#include "vgw/bgp/wire/session_context.h"

namespace vgw::bgp::wire {

// MP_REACH_NLRI next hop (RFC 4760 3): IPv4 (4 octets), IPv6 global (16) or IPv6 global +
// link-local (32, RFC 2545 3); IPv6 for IPv4 NLRI with RFC 8950.
struct MpNextHop {
  IpAddress global;
  IpAddress link_local;  // meaningful only when has_link_local
  bool has_link_local = false;
  friend bool operator==(const MpNextHop&, const MpNextHop&) = default;
};

struct MpReach {
  AfiSafi family;
  MpNextHop next_hop;
  std::vector<Ipv4Prefix> nlri4;  // AFI 1
  std::vector<Ipv6Prefix> nlri6;  // AFI 2
  friend bool operator==(const MpReach&, const MpReach&) = default;
};

struct MpUnreach {
  AfiSafi family;
  std::vector<Ipv4Prefix> withdrawn4;
  std::vector<Ipv6Prefix> withdrawn6;
  friend bool operator==(const MpUnreach&, const MpUnreach&) = default;
};

struct Update {
  std::vector<Ipv4Prefix> withdrawn;  // Withdrawn Routes field (IPv4 unicast)
  PathAttributes attributes;
  std::vector<Ipv4Prefix> nlri;       // NLRI field (IPv4 unicast)
  bool has_mp_reach = false;
  MpReach mp_reach;
  bool has_mp_unreach = false;
  MpUnreach mp_unreach;

  // Decoder output (not part of the message content, ignored by ==):
  // the most severe non-fatal action, and one entry per problem found.
  ErrorAction action = ErrorAction::kNone;
  std::vector<ParseError> errors;
  // Path attributes present on the wire, counting ones that were discarded.
  uint32_t attribute_count = 0;

  // True when the announced NLRI must be withdrawn instead (RFC 7606 2).
  bool treat_as_withdraw() const { return action == ErrorAction::kTreatAsWithdraw; }
  // RFC 4724 2: an UPDATE with nothing in it is End-of-RIB for IPv4 unicast; one holding only
  // an empty MP_UNREACH_NLRI is End-of-RIB for that family.
  std::optional<AfiSafi> end_of_rib() const;
  // Announced prefix count (IPv4 field + MP_REACH).
  size_t announced_count() const;
  // Clears content and diagnostics; keeps vector capacity.
  void clear();

  friend bool operator==(const Update& a, const Update& b);
};

// Decodes an UPDATE body (the octets after the 19-octet header) into out, replacing its
// content. Returns an error only for kSessionReset / kAfiSafiDisable; anything milder is in
// out.action / out.errors.
Result<void, ParseError> parse_update(std::span<const uint8_t> body, const SessionContext& ctx,
                                      Update& out);

// Encodes one complete UPDATE message (header included), appending to out. Attributes are
// written MP_UNREACH_NLRI first, then MP_REACH_NLRI (RFC 7606 5.1), then by type code; ASNs
// in 2 or 4 octets per ctx.four_octet_as (with AS4_PATH / AS4_AGGREGATOR when needed,
// RFC 6793 4.2.2). Fails, writing nothing, if the message would exceed 4096 octets.
Status serialize_update(const Update& u, const SessionContext& ctx, std::vector<uint8_t>& out);

// Encodes the path attributes alone (no MP attributes) as they would appear in an UPDATE.
// With a 4-octet context this is also a compact canonical form of the attribute set.
void write_path_attributes(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w);

// Packing: each call appends complete UPDATE messages (<= 4096 octets, header included) to
// out and returns how many it wrote. The attribute set is encoded once and repeated in each
// message; prefixes are taken in the order given. Fails, writing nothing, if the attributes
// leave no room for a single prefix. An empty prefix list writes no message.
Result<size_t> pack_announce(const SessionContext& ctx, const PathAttributes& attrs,
                             std::span<const Ipv4Prefix> nlri, std::vector<uint8_t>& out);
Result<size_t> pack_announce_mp(const SessionContext& ctx, const PathAttributes& attrs,
                                AfiSafi family, const MpNextHop& next_hop,
                                std::span<const Ipv4Prefix> nlri, std::vector<uint8_t>& out);
Result<size_t> pack_announce_mp(const SessionContext& ctx, const PathAttributes& attrs,
                                AfiSafi family, const MpNextHop& next_hop,
                                std::span<const Ipv6Prefix> nlri, std::vector<uint8_t>& out);
size_t pack_withdraw(std::span<const Ipv4Prefix> prefixes, std::vector<uint8_t>& out);
size_t pack_withdraw_mp(AfiSafi family, std::span<const Ipv4Prefix> prefixes,
                        std::vector<uint8_t>& out);
size_t pack_withdraw_mp(AfiSafi family, std::span<const Ipv6Prefix> prefixes,
                        std::vector<uint8_t>& out);
// RFC 4724 2: End-of-RIB for a family (empty UPDATE for IPv4 unicast).
void write_end_of_rib(AfiSafi family, std::vector<uint8_t>& out);

}  // namespace vgw::bgp::wire
