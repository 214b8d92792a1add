// Interned path attribute sets: every distinct (PathAttributes, next-hop, weight) is stored once,
// refcounted, under a 32-bit AttrId, so that a full table of 1M prefixes with ~290k distinct sets
// holds 290k sets, not 1M.
//
// Compact form: a set is kept as its canonical wire encoding (write_path_attributes with 4-octet
// ASNs - PathAttributes is canonical, so equal sets encode equally) in one heap block, plus an
// AttrSummary of the few values the decision process reads (local-pref, MED, AS path length,
// origin, neighbour AS ...), the interned next-hop and the weight. About 60 bytes plus the
// encoding per set. Lookup is an open-addressing hash table (at most 3/4 full) of ids keyed by
// a hash of the encoding. decode() turns a set back into PathAttributes for export and show.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/bgp/nexthop_table.h"
#include "vgw/bgp/wire/attributes.h"
#include "vgw/rib/chunked_pool.h"

namespace vgw::bgp {

using AttrId = uint32_t;
inline constexpr AttrId kNoAttr = 0;

// RFC 1997 well-known communities.
inline constexpr uint32_t kNoExport = 0xFFFFFF01;
inline constexpr uint32_t kNoAdvertise = 0xFFFFFF02;
inline constexpr uint32_t kNoExportSubconfed = 0xFFFFFF03;

struct AttrSummary {
  uint32_t local_pref = 0;  // LOCAL_PREF, or the configured default when absent
  uint32_t med = 0;         // MULTI_EXIT_DISC, 0 when absent (RFC 4271 9.1.2.2 c)
  uint32_t neighbor_as = 0;  // first ASN of the AS_PATH (0: empty or starts with a set)
  uint32_t originator_id = 0;
  uint32_t weight = 0;
  uint16_t path_length = 0;  // RFC 4271 9.1.2.2 a
  uint8_t cluster_length = 0;
  wire::Origin origin = wire::Origin::kIncomplete;
  bool has_med = false;
  bool no_export = false;     // NO_EXPORT or NO_EXPORT_SUBCONFED
  bool no_advertise = false;  // NO_ADVERTISE
};

class AttributeStore {
 public:
  AttributeStore(NexthopTable& nexthops, uint32_t default_local_pref);
  ~AttributeStore();
  AttributeStore(const AttributeStore&) = delete;
  AttributeStore& operator=(const AttributeStore&) = delete;

  // The id of this set with one new reference owned by the caller.
  AttrId intern(const wire::PathAttributes& attrs, const IpAddress& next_hop, uint32_t weight = 0);
  void ref(AttrId id) { ++sets_[id].refs; }
  void release(AttrId id);

  const AttrSummary& summary(AttrId id) const { return sets_[id].summary; }
  NexthopId nexthop(AttrId id) const { return sets_[id].nexthop; }
  uint32_t refs(AttrId id) const { return sets_[id].refs; }
  // The canonical encoding (path attributes as in an UPDATE, 4-octet ASNs).
  std::span<const uint8_t> encoded(AttrId id) const {
    return {sets_[id].bytes.get(), sets_[id].size};
  }
  // The AS_PATH attribute as encoded (empty if absent): equal bytes = equal paths.
  std::span<const uint8_t> as_path_bytes(AttrId id) const;
  // The attributes back as a value (replaces out's content; false only on internal corruption).
  bool decode(AttrId id, wire::PathAttributes& out) const;

  size_t size() const { return count_; }
  size_t memory_bytes() const;
  uint32_t default_local_pref() const { return default_local_pref_; }

 private:
  struct Set {
    AttrSummary summary;
    std::unique_ptr<uint8_t[]> bytes;
    uint32_t hash = 0;
    uint32_t refs = 0;
    NexthopId nexthop = kNoNexthop;
    uint16_t size = 0;
  };
  // A slot holds (hash << 32 | id), so probing compares hashes without touching the sets.
  static uint64_t slot_value(uint32_t hash, AttrId id) { return uint64_t{hash} << 32 | id; }
  static AttrId slot_id(uint64_t v) { return static_cast<AttrId>(v); }
  static uint32_t slot_hash(uint64_t v) { return static_cast<uint32_t>(v >> 32); }
  size_t slot_of(uint32_t hash, size_t i) const { return (hash + i) & (slots_.size() - 1); }
  void grow();
  void erase_slot(AttrId id);

  NexthopTable& nexthops_;
  uint32_t default_local_pref_;
  rib::ChunkedPool<Set> sets_;
  std::vector<uint64_t> slots_;  // open addressing, linear probing; id 0 = empty
  size_t count_ = 0;
  size_t heap_bytes_ = 0;
  std::vector<uint8_t> scratch_;
};

}  // namespace vgw::bgp
