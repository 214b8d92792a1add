// Per-attribute decoders of the descriptor table. The UPDATE loop (update_decode.cc) has
// already checked the flags and the table's length rule, so a decoder of a kFixed or
// kNonZeroMultiple attribute may index its value directly; kAny decoders check every read.
// A decoder writes into the Update only when it returns ok (or a deliberate discard).
#include <cstring>

#include "attribute_table.h"
#include "vgw/base/asn.h"

namespace vgw::bgp::wire::detail {
namespace {

inline uint16_t load16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t load32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
inline uint64_t load64(const uint8_t* p) { return uint64_t{load32(p)} << 32 | load32(p + 4); }

constexpr const char* kNotEnabled = "address family not enabled on this session; ignored";
constexpr const char* kFromNewSpeaker =
    "received from a 4-octet AS speaker; discarded (RFC 6793 6)";

}  // namespace

const char* parse_as_path(std::span<const uint8_t> v, bool four_octet, ConfedSegments confed,
                          AsPath& out, bool* skipped) {
  const size_t asn_size = four_octet ? 4 : 2;
  size_t i = 0;
  bool seen_ordinary = false;
  while (i < v.size()) {
    if (v.size() - i < 2) return "truncated segment header";
    unsigned type = v[i];
    size_t count = v[i + 1];
    i += 2;
    if (type < 1 || type > 4) return "unknown segment type";
    if (count == 0) return "zero-length segment";
    size_t n = count * asn_size;
    if (v.size() - i < n) return "segment runs past the attribute";
    auto st = static_cast<SegmentType>(type);
    if (is_confed(st)) {
      if (confed == ConfedSegments::kReject) return "confederation segment from an external peer";
      if (confed == ConfedSegments::kSkip) {
        if (skipped) *skipped = true;
        i += n;
        continue;
      }
      if (seen_ordinary) return "confederation segment after an AS_SET/AS_SEQUENCE";
    } else {
      seen_ordinary = true;
    }
    out.begin_segment(st);
    const uint8_t* p = v.data() + i;
    for (size_t k = 0; k < count; ++k, p += asn_size) {
      uint32_t asn = four_octet ? load32(p) : load16(p);
      if (asn == 0) return "AS 0 in the path (RFC 7607)";
      out.push_asn(asn);
    }
    i += n;
  }
  return nullptr;
}

Outcome decode_origin(UpdateDecoder& d, std::span<const uint8_t> v) {
  if (v[0] > 2) return Outcome::malformed("undefined ORIGIN value");
  d.out.attributes.origin = static_cast<Origin>(v[0]);
  d.out.attributes.set(attr::kOrigin);
  return Outcome::ok();
}

Outcome decode_as_path(UpdateDecoder& d, std::span<const uint8_t> v) {
  AsPath& path = d.out.attributes.as_path;
  path.clear();
  auto confed = d.ctx.peer == PeerKind::kExternal ? ConfedSegments::kReject
                                                  : ConfedSegments::kAllowLeading;
  if (const char* why = parse_as_path(v, d.ctx.four_octet_as, confed, path)) {
    path.clear();
    return Outcome::malformed(why);
  }
  d.out.attributes.set(attr::kAsPath);
  return Outcome::ok();
}

Outcome decode_next_hop(UpdateDecoder& d, std::span<const uint8_t> v) {
  d.out.attributes.next_hop = load32(v.data());
  d.out.attributes.set(attr::kNextHop);
  return Outcome::ok();
}

Outcome decode_med(UpdateDecoder& d, std::span<const uint8_t> v) {
  d.out.attributes.med = load32(v.data());
  d.out.attributes.set(attr::kMultiExitDisc);
  return Outcome::ok();
}

Outcome decode_local_pref(UpdateDecoder& d, std::span<const uint8_t> v) {
  d.out.attributes.local_pref = load32(v.data());
  d.out.attributes.set(attr::kLocalPref);
  return Outcome::ok();
}

Outcome decode_atomic_aggregate(UpdateDecoder& d, std::span<const uint8_t>) {
  d.out.attributes.set(attr::kAtomicAggregate);
  return Outcome::ok();
}

Outcome decode_aggregator(UpdateDecoder& d, std::span<const uint8_t> v) {
  // Length is 6 (2-octet session) or 8, checked by the table (kFixedPlusAsn).
  Aggregator& a = d.out.attributes.aggregator;
  if (d.ctx.four_octet_as) {
    a.asn = load32(v.data());
    a.address = load32(v.data() + 4);
  } else {
    a.asn = load16(v.data());
    a.address = load32(v.data() + 2);
  }
  d.out.attributes.set(attr::kAggregator);
  return Outcome::ok();
}

Outcome decode_communities(UpdateDecoder& d, std::span<const uint8_t> v) {
  auto& c = d.out.attributes.communities;
  c.resize(v.size() / 4);
  for (size_t i = 0; i < c.size(); ++i) c[i] = load32(v.data() + 4 * i);
  d.out.attributes.set(attr::kCommunities);
  return Outcome::ok();
}

Outcome decode_originator_id(UpdateDecoder& d, std::span<const uint8_t> v) {
  d.out.attributes.originator_id = load32(v.data());
  d.out.attributes.set(attr::kOriginatorId);
  return Outcome::ok();
}

Outcome decode_cluster_list(UpdateDecoder& d, std::span<const uint8_t> v) {
  auto& c = d.out.attributes.cluster_list;
  c.resize(v.size() / 4);
  for (size_t i = 0; i < c.size(); ++i) c[i] = load32(v.data() + 4 * i);
  d.out.attributes.set(attr::kClusterList);
  return Outcome::ok();
}

Outcome decode_extended_communities(UpdateDecoder& d, std::span<const uint8_t> v) {
  auto& c = d.out.attributes.extended_communities;
  c.resize(v.size() / 8);
  for (size_t i = 0; i < c.size(); ++i) c[i] = load64(v.data() + 8 * i);
  d.out.attributes.set(attr::kExtendedCommunities);
  return Outcome::ok();
}

Outcome decode_large_communities(UpdateDecoder& d, std::span<const uint8_t> v) {
  auto& c = d.out.attributes.large_communities;
  c.resize(v.size() / 12);
  for (size_t i = 0; i < c.size(); ++i) {
    const uint8_t* p = v.data() + 12 * i;
    c[i] = {load32(p), load32(p + 4), load32(p + 8)};
  }
  d.out.attributes.set(attr::kLargeCommunities);
  return Outcome::ok();
}

namespace {

// RFC 4760 3 next hop; RFC 2545 3 (IPv6 global [+ link-local]); RFC 8950 (IPv6 for IPv4).
bool decode_next_hop_field(const SessionContext& ctx, AfiSafi f, std::span<const uint8_t> nh,
                           MpNextHop& out) {
  out = {};
  bool v6 = f.afi == Afi::kIpv6 || (ctx.extended_next_hop_ipv4 && nh.size() != 4);
  if (!v6) {
    if (nh.size() != 4) return false;
    out.global = IpAddress::v4(load32(nh.data()));
    return true;
  }
  if (nh.size() != 16 && nh.size() != 32) return false;
  std::array<uint8_t, 16> a{};
  std::memcpy(a.data(), nh.data(), 16);
  out.global = IpAddress::v6(a);
  if (nh.size() == 32) {
    std::memcpy(a.data(), nh.data() + 16, 16);
    out.link_local = IpAddress::v6(a);
    out.has_link_local = true;
  }
  return true;
}

const char* parse_family_nlri(AfiSafi f, std::span<const uint8_t> field,
                              std::vector<Ipv4Prefix>& v4, std::vector<Ipv6Prefix>& v6) {
  return f.afi == Afi::kIpv4 ? parse_ipv4_nlri(field, v4) : parse_ipv6_nlri(field, v6);
}

}  // namespace

// RFC 4760 3: AFI (2) | SAFI (1) | Next Hop Length (1) | Next Hop | Reserved (1) | NLRI.
Outcome decode_mp_reach(UpdateDecoder& d, std::span<const uint8_t> v) {
  if (v.size() < 5)
    return Outcome::malformed("shorter than 5 octets", ErrorAction::kSessionReset,
                              err::kAttributeLengthError);
  AfiSafi f{static_cast<Afi>(load16(v.data())), static_cast<Safi>(v[2])};
  d.mp_family = f;
  if (!d.ctx.enabled(f)) return Outcome::discard(kNotEnabled);
  size_t nh_len = v[3];
  if (v.size() < 4 + nh_len + 1) return Outcome::malformed("next hop runs past the attribute");
  MpReach& r = d.out.mp_reach;
  if (!decode_next_hop_field(d.ctx, f, v.subspan(4, nh_len), r.next_hop))
    return Outcome::malformed("next hop length invalid for the address family");
  r.family = f;
  r.nlri4.clear();
  r.nlri6.clear();
  // v[4 + nh_len] is the Reserved octet, ignored on receipt (RFC 4760 3).
  if (const char* why = parse_family_nlri(f, v.subspan(5 + nh_len), r.nlri4, r.nlri6)) {
    r.nlri4.clear();
    r.nlri6.clear();
    return Outcome::malformed(why);
  }
  d.out.has_mp_reach = true;
  return Outcome::ok();
}

// RFC 4760 4: AFI (2) | SAFI (1) | Withdrawn Routes.
Outcome decode_mp_unreach(UpdateDecoder& d, std::span<const uint8_t> v) {
  if (v.size() < 3)
    return Outcome::malformed("shorter than 3 octets", ErrorAction::kSessionReset,
                              err::kAttributeLengthError);
  AfiSafi f{static_cast<Afi>(load16(v.data())), static_cast<Safi>(v[2])};
  d.mp_family = f;
  if (!d.ctx.enabled(f)) return Outcome::discard(kNotEnabled);
  MpUnreach& u = d.out.mp_unreach;
  u.family = f;
  u.withdrawn4.clear();
  u.withdrawn6.clear();
  if (const char* why = parse_family_nlri(f, v.subspan(3), u.withdrawn4, u.withdrawn6)) {
    u.withdrawn4.clear();
    u.withdrawn6.clear();
    return Outcome::malformed(why);
  }
  d.out.has_mp_unreach = true;
  return Outcome::ok();
}

// RFC 6793 6.
Outcome decode_as4_path(UpdateDecoder& d, std::span<const uint8_t> v) {
  if (d.ctx.four_octet_as) return Outcome::discard(kFromNewSpeaker);
  if (v.size() < 6 || v.size() % 2) return Outcome::malformed("length below 6 or odd");
  d.as4_path.clear();
  bool skipped = false;
  if (const char* why = parse_as_path(v, true, ConfedSegments::kSkip, d.as4_path, &skipped)) {
    d.as4_path.clear();
    return Outcome::malformed(why);
  }
  d.has_as4_path = true;
  if (skipped) return Outcome::discard("confederation segments removed (RFC 6793 6)");
  return Outcome::ok();
}

Outcome decode_as4_aggregator(UpdateDecoder& d, std::span<const uint8_t> v) {
  if (d.ctx.four_octet_as) return Outcome::discard(kFromNewSpeaker);
  d.as4_aggregator = {load32(v.data()), load32(v.data() + 4)};
  d.has_as4_aggregator = true;
  return Outcome::ok();
}

}  // namespace vgw::bgp::wire::detail
