// PathAttributes value operations: unknown-attribute storage, hashing, clearing, printing.
#include "vgw/bgp/wire/attributes.h"

#include "vgw/base/bytes.h"
#include "vgw/base/ip.h"

namespace vgw::bgp::wire {
namespace {

// Walks the canonical unknown-attribute TLVs (always well formed: we wrote them).
template <typename F>
void for_each_unknown(std::span<const uint8_t> buf, F&& f) {
  size_t i = 0;
  while (i + 3 <= buf.size()) {
    uint8_t flags = buf[i];
    uint8_t type = buf[i + 1];
    size_t hdr = (flags & attr_flag::kExtendedLength) ? 4 : 3;
    if (i + hdr > buf.size()) return;
    size_t len = hdr == 4 ? (size_t{buf[i + 2]} << 8 | buf[i + 3]) : buf[i + 2];
    if (i + hdr + len > buf.size()) return;  // only if filled by hand, not by the decoder
    f(i, hdr + len, PathAttributes::UnknownAttribute{flags, type, buf.subspan(i + hdr, len)});
    i += hdr + len;
  }
}

struct Hasher {
  uint64_t h = 0x9e3779b97f4a7c15ull;
  void add(uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
};

}  // namespace

void PathAttributes::add_unknown(uint8_t flags, uint8_t type, std::span<const uint8_t> value) {
  // Find the insertion point (and any same-type entry to replace).
  size_t at = unknown.size();
  size_t replace_len = 0;
  bool found = false;
  for_each_unknown(unknown, [&](size_t off, size_t len, const UnknownAttribute& u) {
    if (found) return;
    if (u.type >= type) {
      at = off;
      if (u.type == type) replace_len = len;
      found = true;
    }
  });
  std::vector<uint8_t> tlv;
  ByteWriter w(tlv);
  uint8_t f = static_cast<uint8_t>((flags & ~attr_flag::kExtendedLength) | attr_flag::kPartial);
  if (value.size() > 255) f |= attr_flag::kExtendedLength;
  w.u8(f);
  w.u8(type);
  if (value.size() > 255) w.u16(static_cast<uint16_t>(value.size()));
  else w.u8(static_cast<uint8_t>(value.size()));
  w.bytes(value);
  auto pos = unknown.begin() + static_cast<std::ptrdiff_t>(at);
  pos = unknown.erase(pos, pos + static_cast<std::ptrdiff_t>(replace_len));
  unknown.insert(pos, tlv.begin(), tlv.end());
}

std::vector<PathAttributes::UnknownAttribute> PathAttributes::unknown_attributes() const {
  std::vector<UnknownAttribute> out;
  for_each_unknown(unknown, [&](size_t, size_t, const UnknownAttribute& u) { out.push_back(u); });
  return out;
}

void PathAttributes::clear() {
  present = 0;
  partial = 0;
  origin = Origin::kIgp;
  as_path.clear();
  next_hop = 0;
  med = 0;
  local_pref = 0;
  aggregator = {};
  originator_id = 0;
  cluster_list.clear();
  communities.clear();
  extended_communities.clear();
  large_communities.clear();
  unknown.clear();
}

size_t PathAttributes::heap_bytes() const {
  return as_path.heap_bytes() + cluster_list.capacity() * 4 + communities.capacity() * 4 +
         extended_communities.capacity() * 8 +
         large_communities.capacity() * sizeof(LargeCommunity) + unknown.capacity();
}

size_t hash_value(const PathAttributes& a) {
  Hasher h;
  h.add(a.present);
  h.add(a.partial);
  h.add(static_cast<uint64_t>(a.origin) << 32 | a.next_hop);
  h.add(uint64_t{a.med} << 32 | a.local_pref);
  h.add(uint64_t{a.aggregator.asn} << 32 | a.aggregator.address);
  h.add(a.originator_id);
  auto words = a.as_path.words();
  h.add(words.size());
  for (uint32_t w : words) h.add(w);
  h.add(a.cluster_list.size());
  for (uint32_t c : a.cluster_list) h.add(c);
  h.add(a.communities.size());
  for (uint32_t c : a.communities) h.add(c);
  h.add(a.extended_communities.size());
  for (uint64_t c : a.extended_communities) h.add(c);
  h.add(a.large_communities.size());
  for (const auto& c : a.large_communities) {
    h.add(c.global_administrator);
    h.add(uint64_t{c.local_data_1} << 32 | c.local_data_2);
  }
  h.add(a.unknown.size());
  for (uint8_t b : a.unknown) h.add(b);
  return static_cast<size_t>(h.h);
}

std::string to_string(const PathAttributes& a) {
  std::string s;
  auto add = [&](const std::string& x) {
    if (!s.empty()) s += ' ';
    s += x;
  };
  if (a.has(attr::kOrigin)) {
    static const char* kNames[] = {"igp", "egp", "incomplete"};
    add(std::string("origin ") + kNames[static_cast<int>(a.origin) % 3]);
  }
  if (a.has(attr::kAsPath)) add("as-path [" + a.as_path.to_string() + "]");
  if (a.has(attr::kNextHop)) add("next-hop " + IpAddress::v4(a.next_hop).to_string());
  if (a.has(attr::kMultiExitDisc)) add("med " + std::to_string(a.med));
  if (a.has(attr::kLocalPref)) add("local-pref " + std::to_string(a.local_pref));
  if (a.atomic_aggregate()) add("atomic-aggregate");
  if (a.has(attr::kAggregator))
    add("aggregator " + std::to_string(a.aggregator.asn) + " " +
        IpAddress::v4(a.aggregator.address).to_string());
  if (!a.communities.empty()) {
    std::string c = "communities";
    for (uint32_t v : a.communities)
      c += " " + std::to_string(v >> 16) + ":" + std::to_string(v & 0xffff);
    add(c);
  }
  if (a.has(attr::kOriginatorId))
    add("originator-id " + IpAddress::v4(a.originator_id).to_string());
  if (!a.cluster_list.empty()) {
    std::string c = "cluster-list";
    for (uint32_t v : a.cluster_list) c += " " + IpAddress::v4(v).to_string();
    add(c);
  }
  if (!a.extended_communities.empty())
    add("extended-communities " + std::to_string(a.extended_communities.size()));
  if (!a.large_communities.empty()) {
    std::string c = "large-communities";
    for (const auto& l : a.large_communities)
      c += " " + std::to_string(l.global_administrator) + ":" + std::to_string(l.local_data_1) +
           ":" + std::to_string(l.local_data_2);
    add(c);
  }
  for (const auto& u : a.unknown_attributes())
    add("attribute " + std::to_string(u.type) + " (" + std::to_string(u.value.size()) + " octets)");
  return s;
}

}  // namespace vgw::bgp::wire
