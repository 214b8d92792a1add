// Per-attribute encoders of the descriptor table, and write_path_attributes() which runs
// them in type-code order interleaved with the kept unknown attributes. On 2-octet
// sessions ASNs above 65535 become AS_TRANS in AS_PATH/AGGREGATOR and the real ones go in
// AS4_PATH/AS4_AGGREGATOR (RFC 6793 4.2.2).
#include "attribute_table.h"
#include "vgw/base/asn.h"

namespace vgw::bgp::wire {
namespace detail {
namespace {

constexpr uint8_t kWellKnown = attr_flag::kTransitive;
constexpr uint8_t kOptTrans = attr_flag::kOptional | attr_flag::kTransitive;
constexpr uint8_t kOptNonTrans = attr_flag::kOptional;
constexpr size_t kMaxSegment = 255;  // ASNs per wire segment (1-octet count)

uint8_t opt_trans_flags(const PathAttributes& a, uint8_t type) {
  return (a.partial >> type & 1) ? kOptTrans | attr_flag::kPartial : kOptTrans;
}

uint16_t as2(uint32_t asn) { return asn > 0xffff ? static_cast<uint16_t>(kAsTrans) : asn & 0xffff; }

// Encoded size of a path's segments (split at 255 ASNs), optionally without confed ones.
size_t path_size(const AsPath& p, size_t asn_size, bool skip_confed) {
  size_t n = 0;
  for (AsPath::Segment s : p) {
    if (skip_confed && is_confed(s.type)) continue;
    size_t chunks = (s.asns.size() + kMaxSegment - 1) / kMaxSegment;
    n += 2 * chunks + asn_size * s.asns.size();
  }
  return n;
}

void write_path(const AsPath& p, bool four_octet, bool skip_confed, ByteWriter& w) {
  for (AsPath::Segment s : p) {
    if (skip_confed && is_confed(s.type)) continue;
    for (size_t i = 0; i < s.asns.size(); i += kMaxSegment) {
      size_t n = std::min(kMaxSegment, s.asns.size() - i);
      w.u8(static_cast<uint8_t>(s.type));
      w.u8(static_cast<uint8_t>(n));
      for (size_t k = i; k < i + n; ++k) {
        if (four_octet) w.u32(s.asns[k]);
        else w.u16(as2(s.asns[k]));
      }
    }
  }
}

bool has_mappable_only(const AsPath& p) {
  for (AsPath::Segment s : p) {
    if (is_confed(s.type)) continue;
    for (uint32_t a : s.asns)
      if (a > 0xffff) return false;
  }
  return true;
}

void write_u32_list(const std::vector<uint32_t>& v, uint8_t flags, uint8_t type, ByteWriter& w) {
  write_attribute_header(w, flags, type, v.size() * 4);
  for (uint32_t x : v) w.u32(x);
}

}  // namespace

void encode_origin(const PathAttributes& a, const SessionContext&, ByteWriter& w) {
  if (!a.has(attr::kOrigin)) return;
  write_attribute_header(w, kWellKnown, attr::kOrigin, 1);
  w.u8(static_cast<uint8_t>(a.origin));
}

void encode_as_path(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w) {
  if (!a.has(attr::kAsPath)) return;
  size_t asn_size = ctx.four_octet_as ? 4 : 2;
  write_attribute_header(w, kWellKnown, attr::kAsPath, path_size(a.as_path, asn_size, false));
  write_path(a.as_path, ctx.four_octet_as, false, w);
}

void encode_next_hop(const PathAttributes& a, const SessionContext&, ByteWriter& w) {
  if (!a.has(attr::kNextHop)) return;
  write_attribute_header(w, kWellKnown, attr::kNextHop, 4);
  w.u32(a.next_hop);
}

void encode_med(const PathAttributes& a, const SessionContext&, ByteWriter& w) {
  if (!a.has(attr::kMultiExitDisc)) return;
  write_attribute_header(w, kOptNonTrans, attr::kMultiExitDisc, 4);
  w.u32(a.med);
}

void encode_local_pref(const PathAttributes& a, const SessionContext&, ByteWriter& w) {
  if (!a.has(attr::kLocalPref)) return;
  write_attribute_header(w, kWellKnown, attr::kLocalPref, 4);
  w.u32(a.local_pref);
}

void encode_atomic_aggregate(const PathAttributes& a, const SessionContext&, ByteWriter& w) {
  if (!a.has(attr::kAtomicAggregate)) return;
  write_attribute_header(w, kWellKnown, attr::kAtomicAggregate, 0);
}

void encode_aggregator(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w) {
  if (!a.has(attr::kAggregator)) return;
  uint8_t flags = opt_trans_flags(a, attr::kAggregator);
  if (ctx.four_octet_as) {
    write_attribute_header(w, flags, attr::kAggregator, 8);
    w.u32(a.aggregator.asn);
  } else {
    write_attribute_header(w, flags, attr::kAggregator, 6);
    w.u16(as2(a.aggregator.asn));
  }
  w.u32(a.aggregator.address);
}

void encode_communities(const PathAttributes& a, const SessionContext&, ByteWriter& w) {
  if (!a.has(attr::kCommunities) || a.communities.empty()) return;
  write_u32_list(a.communities, opt_trans_flags(a, attr::kCommunities), attr::kCommunities, w);
}

void encode_originator_id(const PathAttributes& a, const SessionContext&, ByteWriter& w) {
  if (!a.has(attr::kOriginatorId)) return;
  write_attribute_header(w, kOptNonTrans, attr::kOriginatorId, 4);
  w.u32(a.originator_id);
}

void encode_cluster_list(const PathAttributes& a, const SessionContext&, ByteWriter& w) {
  if (!a.has(attr::kClusterList) || a.cluster_list.empty()) return;
  write_u32_list(a.cluster_list, kOptNonTrans, attr::kClusterList, w);
}

void encode_extended_communities(const PathAttributes& a, const SessionContext&, ByteWriter& w) {
  if (!a.has(attr::kExtendedCommunities) || a.extended_communities.empty()) return;
  write_attribute_header(w, opt_trans_flags(a, attr::kExtendedCommunities),
                         attr::kExtendedCommunities, a.extended_communities.size() * 8);
  for (uint64_t c : a.extended_communities) w.u64(c);
}

// RFC 6793 4.2.2: only when the path holds an ASN that does not fit in 2 octets; never with
// confederation segments.
void encode_as4_path(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w) {
  if (ctx.four_octet_as || !a.has(attr::kAsPath) || has_mappable_only(a.as_path)) return;
  write_attribute_header(w, kOptTrans, attr::kAs4Path, path_size(a.as_path, 4, true));
  write_path(a.as_path, true, true, w);
}

void encode_as4_aggregator(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w) {
  if (ctx.four_octet_as || !a.has(attr::kAggregator) || a.aggregator.asn <= 0xffff) return;
  write_attribute_header(w, kOptTrans, attr::kAs4Aggregator, 8);
  w.u32(a.aggregator.asn);
  w.u32(a.aggregator.address);
}

void encode_large_communities(const PathAttributes& a, const SessionContext&, ByteWriter& w) {
  if (!a.has(attr::kLargeCommunities) || a.large_communities.empty()) return;
  write_attribute_header(w, opt_trans_flags(a, attr::kLargeCommunities), attr::kLargeCommunities,
                         a.large_communities.size() * 12);
  for (const LargeCommunity& c : a.large_communities) {
    w.u32(c.global_administrator);
    w.u32(c.local_data_1);
    w.u32(c.local_data_2);
  }
}

}  // namespace detail

void write_path_attributes(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w) {
  std::span<const uint8_t> unknown = a.unknown;
  size_t ui = 0;
  // Copies kept unknown TLVs whose type code is below `limit` (they are sorted by type).
  auto copy_unknown_below = [&](unsigned limit) {
    while (ui + 3 <= unknown.size() && unknown[ui + 1] < limit) {
      size_t hdr = (unknown[ui] & attr_flag::kExtendedLength) ? 4 : 3;
      if (ui + hdr > unknown.size()) break;
      size_t len = hdr == 4 ? (size_t{unknown[ui + 2]} << 8 | unknown[ui + 3]) : unknown[ui + 2];
      size_t n = std::min(hdr + len, unknown.size() - ui);
      w.bytes(unknown.subspan(ui, n));
      ui += n;
    }
  };
  for (uint8_t type : detail::encoded_attribute_types()) {
    copy_unknown_below(type);
    detail::attribute_descriptor(type).encode(a, ctx, w);
  }
  copy_unknown_below(256);
}

}  // namespace vgw::bgp::wire
