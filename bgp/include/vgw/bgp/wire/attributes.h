// PathAttributes: the decoded path attributes of one UPDATE, everything except
// MP_REACH_NLRI/MP_UNREACH_NLRI (which carry NLRI and live in Update) and AS4_PATH /
// AS4_AGGREGATOR (which the decoder folds into AS_PATH / AGGREGATOR, RFC 6793 4.2.3).
//
// The struct is canonical, so it can key an intern table: fields of absent attributes hold
// their default values, ASNs are always 4-octet, AS paths are merged (as_path.h), and
// unrecognised optional transitive attributes are kept as their wire TLVs, ordered by type
// code, with the Partial bit already set for re-advertisement (RFC 4271 5). operator== and
// hash_value() cover every field. Vectors keep their capacity across clear(), so a decoder
// that reuses one PathAttributes allocates nothing in steady state.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "vgw/bgp/wire/as_path.h"
#include "vgw/bgp/wire/constants.h"

namespace vgw::bgp::wire {

enum class Origin : uint8_t { kIgp = 0, kEgp = 1, kIncomplete = 2 };  // RFC 4271 4.3 a

// AGGREGATOR (RFC 4271 5.1.7) with the ASN in 4 octets (RFC 6793).
struct Aggregator {
  uint32_t asn = 0;
  uint32_t address = 0;  // host order IPv4
  friend bool operator==(const Aggregator&, const Aggregator&) = default;
};

// RFC 8092 2.
struct LargeCommunity {
  uint32_t global_administrator = 0;
  uint32_t local_data_1 = 0;
  uint32_t local_data_2 = 0;
  friend auto operator<=>(const LargeCommunity&, const LargeCommunity&) = default;
  friend bool operator==(const LargeCommunity&, const LargeCommunity&) = default;
};

struct PathAttributes {
  // Bit (1 << type code) for each decoded attribute present (attr::kOrigin .. kLargeCommunities).
  uint64_t present = 0;
  // Bit (1 << type code) for known optional transitive attributes received with Partial set
  // (RFC 4271 5: the bit stays set when the attribute is passed on).
  uint64_t partial = 0;

  Origin origin = Origin::kIgp;
  AsPath as_path;
  uint32_t next_hop = 0;  // NEXT_HOP, host order IPv4
  uint32_t med = 0;       // MULTI_EXIT_DISC
  uint32_t local_pref = 0;
  Aggregator aggregator;
  uint32_t originator_id = 0;               // RFC 4456
  std::vector<uint32_t> cluster_list;       // RFC 4456
  std::vector<uint32_t> communities;        // RFC 1997, in received order
  std::vector<uint64_t> extended_communities;   // RFC 4360, 8 octets each as a big-endian number
  std::vector<LargeCommunity> large_communities;  // RFC 8092
  // Other optional transitive attributes, as wire TLVs (flags with Partial set, type, length
  // in 1 or 2 octets as needed, value), sorted by type code.
  std::vector<uint8_t> unknown;

  bool has(uint8_t type) const { return type < 64 && (present >> type & 1); }
  void set(uint8_t type) { present |= uint64_t{1} << type; }
  void unset(uint8_t type) { present &= ~(uint64_t{1} << type); }
  bool atomic_aggregate() const { return has(attr::kAtomicAggregate); }

  // Setters that also mark the attribute present.
  void set_origin(Origin o) { origin = o; set(attr::kOrigin); }
  void set_as_path(AsPath p) { as_path = std::move(p); set(attr::kAsPath); }
  void set_next_hop(uint32_t nh) { next_hop = nh; set(attr::kNextHop); }
  void set_med(uint32_t v) { med = v; set(attr::kMultiExitDisc); }
  void set_local_pref(uint32_t v) { local_pref = v; set(attr::kLocalPref); }

  // Adds an unrecognised optional transitive attribute (kept sorted; Partial is set; a type
  // already present is replaced).
  void add_unknown(uint8_t flags, uint8_t type, std::span<const uint8_t> value);
  struct UnknownAttribute {
    uint8_t flags;
    uint8_t type;
    std::span<const uint8_t> value;
  };
  std::vector<UnknownAttribute> unknown_attributes() const;

  // Back to "no attributes" (keeps vector capacity).
  void clear();

  // Heap memory held by the vectors (capacity), for memory accounting.
  size_t heap_bytes() const;

  friend bool operator==(const PathAttributes&, const PathAttributes&) = default;
};

size_t hash_value(const PathAttributes& a);

// One line for logs: "origin igp as-path 65001 65002 next-hop 192.0.2.1 med 10 ...".
std::string to_string(const PathAttributes& a);

}  // namespace vgw::bgp::wire

template <>
struct std::hash<vgw::bgp::wire::PathAttributes> {
  size_t operator()(const vgw::bgp::wire::PathAttributes& a) const {
    return vgw::bgp::wire::hash_value(a);
  }
};
