// Attribute set interning (see attribute_store.h). The hash table is linear probing over ids
// with backward-shift deletion, kept at most 3/4 full.
#include "vgw/bgp/attribute_store.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <string_view>

#include "vgw/base/bytes.h"
#include "vgw/bgp/wire/constants.h"
#include "vgw/bgp/wire/session_context.h"
#include "vgw/bgp/wire/update.h"

namespace vgw::bgp {
namespace {

// Stored sets are encoded as if for an internal peer with 4-octet ASNs: everything is kept.
wire::SessionContext storage_context() {
  wire::SessionContext ctx;
  ctx.four_octet_as = true;
  ctx.peer = wire::PeerKind::kInternal;
  return ctx;
}

// The next-hop is not hashed (IPv4 sets carry it in their bytes); it is compared.
uint32_t hash_of(std::span<const uint8_t> bytes, uint32_t weight) {
  size_t h = std::hash<std::string_view>()(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  h ^= uint64_t{weight} * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  return static_cast<uint32_t>(h ^ (h >> 32));
}

AttrSummary summarize(const wire::PathAttributes& a, uint32_t weight, uint32_t default_lp) {
  AttrSummary s;
  s.local_pref = a.has(wire::attr::kLocalPref) ? a.local_pref : default_lp;
  s.has_med = a.has(wire::attr::kMultiExitDisc);
  s.med = s.has_med ? a.med : 0;
  s.neighbor_as = a.as_path.first_asn().value_or(0);
  s.path_length = static_cast<uint16_t>(std::min<size_t>(a.as_path.path_length(), 0xffff));
  s.origin = a.has(wire::attr::kOrigin) ? a.origin : wire::Origin::kIncomplete;
  s.originator_id = a.has(wire::attr::kOriginatorId) ? a.originator_id : 0;
  s.cluster_length = static_cast<uint8_t>(std::min<size_t>(a.cluster_list.size(), 0xff));
  s.weight = weight;
  for (uint32_t c : a.communities) {
    if (c == kNoExport || c == kNoExportSubconfed) s.no_export = true;
    if (c == kNoAdvertise) s.no_advertise = true;
  }
  return s;
}

}  // namespace

AttributeStore::AttributeStore(NexthopTable& nexthops, uint32_t default_local_pref)
    : nexthops_(nexthops), default_local_pref_(default_local_pref), slots_(1024, 0) {
  sets_.allocate();  // id 0 is never a set
}

AttributeStore::~AttributeStore() {
  for (uint32_t id = 1; id < sets_.capacity_used(); ++id) {
    if (sets_[id].refs > 0) nexthops_.release(sets_[id].nexthop);
  }
}

AttrId AttributeStore::intern(const wire::PathAttributes& attrs, const IpAddress& next_hop,
                              uint32_t weight) {
  scratch_.clear();
  ByteWriter w(scratch_);
  wire::write_path_attributes(attrs, storage_context(), w);
  uint32_t h = hash_of(scratch_, weight);
  // A full table brings mostly new sets: the first probe is a cache miss; start it early.
  __builtin_prefetch(&slots_[slot_of(h, 0)]);
  NexthopId nh = nexthops_.acquire(next_hop);
  size_t i = 0;
  for (;; ++i) {
    uint64_t v = slots_[slot_of(h, i)];
    AttrId id = slot_id(v);
    if (id == kNoAttr) break;
    if (slot_hash(v) != h) continue;
    const Set& s = sets_[id];
    if (s.nexthop == nh && s.summary.weight == weight && s.size == scratch_.size() &&
        std::memcmp(s.bytes.get(), scratch_.data(), s.size) == 0) {
      nexthops_.release(nh);
      ++sets_[id].refs;
      return id;
    }
  }
  AttrId id = sets_.allocate();
  Set& s = sets_[id];
  s.summary = summarize(attrs, weight, default_local_pref_);
  s.size = static_cast<uint16_t>(std::min<size_t>(scratch_.size(), 0xffff));
  s.bytes.reset(new uint8_t[s.size]);
  std::memcpy(s.bytes.get(), scratch_.data(), s.size);
  s.hash = h;
  s.refs = 1;
  s.nexthop = nh;
  heap_bytes_ += s.size;
  slots_[slot_of(h, i)] = slot_value(h, id);
  if (++count_ * 4 > slots_.size() * 3) grow();  // at most 3/4 full
  return id;
}

void AttributeStore::release(AttrId id) {
  if (id == kNoAttr) return;
  Set& s = sets_[id];
  if (--s.refs > 0) return;
  erase_slot(id);
  heap_bytes_ -= s.size;
  nexthops_.release(s.nexthop);
  sets_.release(id);
  --count_;
}

void AttributeStore::grow() {
  std::vector<uint64_t> old(slots_.size() * 2, 0);
  std::swap(old, slots_);
  for (uint64_t v : old) {
    if (slot_id(v) == kNoAttr) continue;
    for (size_t i = 0;; ++i) {
      size_t k = slot_of(slot_hash(v), i);
      if (slot_id(slots_[k]) == kNoAttr) {
        slots_[k] = v;
        break;
      }
    }
  }
}

// Removes id and shifts later members of its probe run back (no tombstones).
void AttributeStore::erase_slot(AttrId id) {
  const size_t mask = slots_.size() - 1;
  size_t i = sets_[id].hash & mask;
  while (slot_id(slots_[i]) != id) i = (i + 1) & mask;
  size_t j = i;
  while (true) {
    j = (j + 1) & mask;
    uint64_t other = slots_[j];
    if (slot_id(other) == kNoAttr) break;
    size_t home = slot_hash(other) & mask;
    // Move `other` into the hole at i unless its home lies cyclically in (i, j].
    bool stays = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
    if (!stays) {
      slots_[i] = other;
      i = j;
    }
  }
  slots_[i] = 0;
}

std::span<const uint8_t> AttributeStore::as_path_bytes(AttrId id) const {
  std::span<const uint8_t> all = encoded(id);
  ByteReader r(all);
  while (r.remaining() >= 3) {
    size_t start = r.position();
    uint8_t flags = *r.u8();
    uint8_t type = *r.u8();
    size_t len = (flags & wire::attr_flag::kExtendedLength) ? r.u16().value_or(0) : r.u8().value_or(0);
    if (!r.skip(len)) break;
    if (type == wire::attr::kAsPath) return all.subspan(start, r.position() - start);
    if (type > wire::attr::kAsPath) break;  // attributes are written in type order
  }
  return {};
}

bool AttributeStore::decode(AttrId id, wire::PathAttributes& out) const {
  thread_local std::vector<uint8_t> body;
  thread_local wire::Update update;
  std::span<const uint8_t> bytes = encoded(id);
  body.clear();
  ByteWriter w(body);
  w.u16(0);  // no withdrawn routes
  w.u16(static_cast<uint16_t>(bytes.size()));
  w.bytes(bytes);
  auto r = wire::parse_update(body, storage_context(), update);
  if (!r) return false;
  std::swap(out, update.attributes);
  return true;
}

size_t AttributeStore::memory_bytes() const {
  // Heap blocks carry malloc's header (8 bytes) and round to 16.
  return sets_.memory_bytes() + slots_.capacity() * sizeof(uint64_t) + heap_bytes_ +
         count_ * 16;
}

}  // namespace vgw::bgp
