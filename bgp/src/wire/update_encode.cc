// UPDATE encoding: one message from an Update (serialize_update), and packing many
// prefixes with one attribute set into as many <= 4096-octet messages as needed. The
// Update value helpers (clear, End-of-RIB, ==) are here too.
#include "attribute_table.h"

namespace vgw::bgp::wire {
namespace {

constexpr uint8_t kMpFlags = attr_flag::kOptional;  // MP_* are optional non-transitive

// Message header with a zero length (patched by finish_message).
size_t begin_message(ByteWriter& w, MessageType type) {
  size_t start = w.size();
  for (size_t i = 0; i < kMarkerSize; ++i) w.u8(0xff);
  w.u16(0);
  w.u8(static_cast<uint8_t>(type));
  return start;
}

void finish_message(ByteWriter& w, size_t start) {
  w.patch_u16(start + kMarkerSize, static_cast<uint16_t>(w.size() - start));
}

size_t next_hop_size(const MpNextHop& nh) {
  if (nh.global.is_v4()) return 4;
  return nh.has_link_local ? 32 : 16;
}

void write_next_hop(const MpNextHop& nh, ByteWriter& w) {
  w.bytes(std::span<const uint8_t>(nh.global.data(), nh.global.size()));
  if (!nh.global.is_v4() && nh.has_link_local)
    w.bytes(std::span<const uint8_t>(nh.link_local.data(), 16));
}

template <typename P>
size_t nlri_bytes(std::span<const P> v) {
  size_t n = 0;
  for (const P& p : v) n += nlri_size(p.length);
  return n;
}

template <typename P>
size_t max_nlri_size(std::span<const P> v) {
  size_t m = 0;
  for (const P& p : v) m = std::max(m, nlri_size(p.length));
  return m;
}

// Writes prefixes from v[i..] while the message (started at `start`) stays within
// 4096 - reserve octets. Returns the new i.
template <typename P>
size_t fill_nlri(std::span<const P> v, size_t i, ByteWriter& w, size_t start, size_t reserve) {
  const size_t limit = kMaxMessageSize - reserve;
  for (; i < v.size(); ++i) {
    if (w.size() - start + nlri_size(v[i].length) > limit) break;
    write_nlri(v[i], w);
  }
  return i;
}

std::vector<uint8_t>& attribute_scratch(const PathAttributes& attrs, const SessionContext& ctx) {
  thread_local std::vector<uint8_t> buf;
  buf.clear();
  ByteWriter w(buf);
  write_path_attributes(attrs, ctx, w);
  return buf;
}

template <typename P>
Result<size_t> announce_mp(const SessionContext& ctx, const PathAttributes& attrs, AfiSafi family,
                           const MpNextHop& nh, std::span<const P> nlri,
                           std::vector<uint8_t>& out) {
  if (nlri.empty()) return size_t{0};
  const std::vector<uint8_t>& rest = attribute_scratch(attrs, ctx);
  // header + lengths + MP_REACH header (extended length) + AFI/SAFI/NH len + NH + reserved
  const size_t fixed = kHeaderSize + 4 + 4 + 4 + next_hop_size(nh) + 1 + rest.size();
  if (fixed + max_nlri_size(nlri) > kMaxMessageSize)
    return fail(Error{ErrorCode::kOutOfRange, "path attributes leave no room for NLRI"});
  ByteWriter w(out);
  size_t count = 0;
  for (size_t i = 0; i < nlri.size(); ++count) {
    size_t start = begin_message(w, MessageType::kUpdate);
    w.u16(0);  // no withdrawn routes
    size_t alen_at = w.size();
    w.u16(0);
    w.u8(kMpFlags | attr_flag::kExtendedLength);
    w.u8(attr::kMpReachNlri);
    size_t mp_len_at = w.size();
    w.u16(0);
    w.u16(static_cast<uint16_t>(family.afi));
    w.u8(static_cast<uint8_t>(family.safi));
    w.u8(static_cast<uint8_t>(next_hop_size(nh)));
    write_next_hop(nh, w);
    w.u8(0);  // reserved
    i = fill_nlri(nlri, i, w, start, rest.size());
    w.patch_u16(mp_len_at, static_cast<uint16_t>(w.size() - mp_len_at - 2));
    w.bytes(rest);
    w.patch_u16(alen_at, static_cast<uint16_t>(w.size() - alen_at - 2));
    finish_message(w, start);
  }
  return count;
}

template <typename P>
size_t withdraw_mp(AfiSafi family, std::span<const P> v, std::vector<uint8_t>& out) {
  ByteWriter w(out);
  size_t count = 0;
  for (size_t i = 0; i < v.size(); ++count) {
    size_t start = begin_message(w, MessageType::kUpdate);
    w.u16(0);
    size_t alen_at = w.size();
    w.u16(0);
    w.u8(kMpFlags | attr_flag::kExtendedLength);
    w.u8(attr::kMpUnreachNlri);
    size_t mp_len_at = w.size();
    w.u16(0);
    w.u16(static_cast<uint16_t>(family.afi));
    w.u8(static_cast<uint8_t>(family.safi));
    i = fill_nlri(v, i, w, start, 0);
    w.patch_u16(mp_len_at, static_cast<uint16_t>(w.size() - mp_len_at - 2));
    w.patch_u16(alen_at, static_cast<uint16_t>(w.size() - alen_at - 2));
    finish_message(w, start);
  }
  return count;
}

}  // namespace

// ---- Update value helpers ----

std::optional<AfiSafi> Update::end_of_rib() const {
  if (!withdrawn.empty() || !nlri.empty() || has_mp_reach) return std::nullopt;
  if (attribute_count == 0) return kIpv4Unicast;
  if (attribute_count == 1 && has_mp_unreach && mp_unreach.withdrawn4.empty() &&
      mp_unreach.withdrawn6.empty() && attributes.present == 0 && attributes.unknown.empty())
    return mp_unreach.family;
  return std::nullopt;
}

size_t Update::announced_count() const {
  return nlri.size() + (has_mp_reach ? mp_reach.nlri4.size() + mp_reach.nlri6.size() : 0);
}

void Update::clear() {
  withdrawn.clear();
  attributes.clear();
  nlri.clear();
  has_mp_reach = false;
  mp_reach.family = {};
  mp_reach.next_hop = {};
  mp_reach.nlri4.clear();
  mp_reach.nlri6.clear();
  has_mp_unreach = false;
  mp_unreach.family = {};
  mp_unreach.withdrawn4.clear();
  mp_unreach.withdrawn6.clear();
  action = ErrorAction::kNone;
  errors.clear();
  attribute_count = 0;
}

bool operator==(const Update& a, const Update& b) {
  return a.withdrawn == b.withdrawn && a.attributes == b.attributes && a.nlri == b.nlri &&
         a.has_mp_reach == b.has_mp_reach && (!a.has_mp_reach || a.mp_reach == b.mp_reach) &&
         a.has_mp_unreach == b.has_mp_unreach &&
         (!a.has_mp_unreach || a.mp_unreach == b.mp_unreach);
}

// ---- Encoding ----

Status serialize_update(const Update& u, const SessionContext& ctx, std::vector<uint8_t>& out) {
  const size_t original = out.size();
  ByteWriter w(out);
  size_t start = begin_message(w, MessageType::kUpdate);
  size_t wlen_at = w.size();
  w.u16(0);
  for (const Ipv4Prefix& p : u.withdrawn) write_nlri(p, w);
  size_t wlen = w.size() - wlen_at - 2;
  size_t alen_at = w.size();
  w.u16(0);
  if (u.has_mp_unreach) {
    const MpUnreach& m = u.mp_unreach;
    size_t len = 3 + nlri_bytes<Ipv4Prefix>(m.withdrawn4) + nlri_bytes<Ipv6Prefix>(m.withdrawn6);
    detail::write_attribute_header(w, kMpFlags, attr::kMpUnreachNlri, len);
    w.u16(static_cast<uint16_t>(m.family.afi));
    w.u8(static_cast<uint8_t>(m.family.safi));
    for (const auto& p : m.withdrawn4) write_nlri(p, w);
    for (const auto& p : m.withdrawn6) write_nlri(p, w);
  }
  if (u.has_mp_reach) {
    const MpReach& m = u.mp_reach;
    size_t len = 5 + next_hop_size(m.next_hop) + nlri_bytes<Ipv4Prefix>(m.nlri4) +
                 nlri_bytes<Ipv6Prefix>(m.nlri6);
    detail::write_attribute_header(w, kMpFlags, attr::kMpReachNlri, len);
    w.u16(static_cast<uint16_t>(m.family.afi));
    w.u8(static_cast<uint8_t>(m.family.safi));
    w.u8(static_cast<uint8_t>(next_hop_size(m.next_hop)));
    write_next_hop(m.next_hop, w);
    w.u8(0);
    for (const auto& p : m.nlri4) write_nlri(p, w);
    for (const auto& p : m.nlri6) write_nlri(p, w);
  }
  write_path_attributes(u.attributes, ctx, w);
  size_t alen = w.size() - alen_at - 2;
  for (const Ipv4Prefix& p : u.nlri) write_nlri(p, w);
  if (w.size() - start > kMaxMessageSize) {
    size_t size = w.size() - start;
    out.resize(original);
    return fail(Error{ErrorCode::kOutOfRange,
                      "UPDATE would be " + std::to_string(size) + " octets (max 4096)"});
  }
  w.patch_u16(wlen_at, static_cast<uint16_t>(wlen));
  w.patch_u16(alen_at, static_cast<uint16_t>(alen));
  finish_message(w, start);
  return {};
}

Result<size_t> pack_announce(const SessionContext& ctx, const PathAttributes& attrs,
                             std::span<const Ipv4Prefix> nlri, std::vector<uint8_t>& out) {
  if (nlri.empty()) return size_t{0};
  const std::vector<uint8_t>& encoded = attribute_scratch(attrs, ctx);
  if (kHeaderSize + 4 + encoded.size() + max_nlri_size(nlri) > kMaxMessageSize)
    return fail(Error{ErrorCode::kOutOfRange, "path attributes leave no room for NLRI"});
  ByteWriter w(out);
  size_t count = 0;
  for (size_t i = 0; i < nlri.size(); ++count) {
    size_t start = begin_message(w, MessageType::kUpdate);
    w.u16(0);
    w.u16(static_cast<uint16_t>(encoded.size()));
    w.bytes(encoded);
    i = fill_nlri(nlri, i, w, start, 0);
    finish_message(w, start);
  }
  return count;
}

Result<size_t> pack_announce_mp(const SessionContext& ctx, const PathAttributes& attrs,
                                AfiSafi family, const MpNextHop& next_hop,
                                std::span<const Ipv4Prefix> nlri, std::vector<uint8_t>& out) {
  return announce_mp(ctx, attrs, family, next_hop, nlri, out);
}

Result<size_t> pack_announce_mp(const SessionContext& ctx, const PathAttributes& attrs,
                                AfiSafi family, const MpNextHop& next_hop,
                                std::span<const Ipv6Prefix> nlri, std::vector<uint8_t>& out) {
  return announce_mp(ctx, attrs, family, next_hop, nlri, out);
}

size_t pack_withdraw(std::span<const Ipv4Prefix> prefixes, std::vector<uint8_t>& out) {
  ByteWriter w(out);
  size_t count = 0;
  for (size_t i = 0; i < prefixes.size(); ++count) {
    size_t start = begin_message(w, MessageType::kUpdate);
    size_t wlen_at = w.size();
    w.u16(0);
    i = fill_nlri(prefixes, i, w, start, 2);  // 2: the Total Path Attribute Length after it
    w.patch_u16(wlen_at, static_cast<uint16_t>(w.size() - wlen_at - 2));
    w.u16(0);
    finish_message(w, start);
  }
  return count;
}

size_t pack_withdraw_mp(AfiSafi family, std::span<const Ipv4Prefix> prefixes,
                        std::vector<uint8_t>& out) {
  return withdraw_mp(family, prefixes, out);
}

size_t pack_withdraw_mp(AfiSafi family, std::span<const Ipv6Prefix> prefixes,
                        std::vector<uint8_t>& out) {
  return withdraw_mp(family, prefixes, out);
}

void write_end_of_rib(AfiSafi family, std::vector<uint8_t>& out) {
  ByteWriter w(out);
  size_t start = begin_message(w, MessageType::kUpdate);
  w.u16(0);
  if (family == kIpv4Unicast) {
    w.u16(0);
  } else {
    w.u16(6);
    detail::write_attribute_header(w, kMpFlags, attr::kMpUnreachNlri, 3);
    w.u16(static_cast<uint16_t>(family.afi));
    w.u8(static_cast<uint8_t>(family.safi));
  }
  finish_message(w, start);
}

}  // namespace vgw::bgp::wire
