// ICMP Fragmentation Needed and ICMPv6 Packet Too Big for oversized inner packets (icmp.h).
#include "vgw/esp/dataplane/icmp.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "vgw/base/bytes.h"

namespace vgw::esp {
namespace {

constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoIcmpv6 = 58;
constexpr size_t kMaxIcmpv4Size = 576;  // RFC 1812 4.3.2.3

struct Ipv4Fields {
  uint8_t ihl_bytes;
  uint16_t flags_fragment;
  uint8_t protocol;
  IpAddress source, destination;
};

std::optional<Ipv4Fields> read_ipv4(std::span<const uint8_t> p) {
  ByteReader r(p);
  auto vihl = r.u8();
  if (!vihl || (*vihl >> 4) != 4 || (*vihl & 0xf) < 5) return std::nullopt;
  Ipv4Fields f;
  f.ihl_bytes = static_cast<uint8_t>((*vihl & 0xf) * 4);
  r.skip(5);  // TOS, total length, identification
  auto frag = r.u16();
  r.skip(1);  // TTL
  auto proto = r.u8();
  r.skip(2);  // header checksum
  auto src = r.bytes(4);
  auto dst = r.bytes(4);
  if (!frag || !proto || !src || !dst || p.size() < f.ihl_bytes) return std::nullopt;
  f.flags_fragment = *frag;
  f.protocol = *proto;
  f.source = IpAddress::v4(std::array<uint8_t, 4>{(*src)[0], (*src)[1], (*src)[2], (*src)[3]});
  f.destination =
      IpAddress::v4(std::array<uint8_t, 4>{(*dst)[0], (*dst)[1], (*dst)[2], (*dst)[3]});
  return f;
}

struct Ipv6Fields {
  uint8_t next_header;
  IpAddress source, destination;
};

std::optional<Ipv6Fields> read_ipv6(std::span<const uint8_t> p) {
  ByteReader r(p);
  auto first = r.u8();
  if (!first || (*first >> 4) != 6) return std::nullopt;
  r.skip(5);  // traffic class, flow label, payload length
  auto nh = r.u8();
  r.skip(1);  // hop limit
  auto src = r.bytes(16);
  auto dst = r.bytes(16);
  if (!nh || !src || !dst) return std::nullopt;
  std::array<uint8_t, 16> s{}, d{};
  std::memcpy(s.data(), src->data(), 16);
  std::memcpy(d.data(), dst->data(), 16);
  return Ipv6Fields{*nh, IpAddress::v6(s), IpAddress::v6(d)};
}

bool ipv4_may_answer(std::span<const uint8_t> p, const Ipv4Fields& f) {
  if ((f.flags_fragment & 0x1fff) != 0) return false;  // not the first fragment
  if (f.destination.is_multicast() || f.destination.is_v4_broadcast()) return false;
  if (f.source.is_unspecified() || f.source.is_multicast() || f.source.is_loopback() ||
      f.source.is_v4_broadcast())
    return false;
  if (f.protocol == kProtoIcmp) {
    ByteReader r(p.subspan(f.ihl_bytes));
    auto type = r.u8();
    if (!type) return false;
    // Errors: destination unreachable, source quench, redirect, time exceeded, parameter problem.
    if (*type == 3 || *type == 4 || *type == 5 || *type == 11 || *type == 12) return false;
  }
  return true;
}

bool ipv6_may_answer(std::span<const uint8_t> p, const Ipv6Fields& f) {
  if (f.source.is_unspecified() || f.source.is_multicast()) return false;
  if (f.destination.is_multicast()) return false;  // it would become the error's source
  if (f.next_header == kProtoIcmpv6) {
    ByteReader r(p.subspan(40));
    auto type = r.u8();
    if (!type || *type < 128) return false;  // ICMPv6 errors are types 0..127 (RFC 4443 2.1)
  }
  return true;
}

size_t finish(std::vector<uint8_t>& bytes, std::span<uint8_t> out) {
  if (out.size() < bytes.size()) return 0;
  std::memcpy(out.data(), bytes.data(), bytes.size());
  return bytes.size();
}

}  // namespace

uint32_t checksum_add(std::span<const uint8_t> data, uint32_t sum) {
  size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += static_cast<uint32_t>(data[i] << 8 | data[i + 1]);
  if (i < data.size()) sum += static_cast<uint32_t>(data[i] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

uint16_t checksum_finish(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

TooBigAction classify_size(std::span<const uint8_t> packet, uint32_t mtu) {
  if (packet.size() <= mtu) return TooBigAction::kFits;
  if (auto f = read_ipv4(packet)) {
    if ((f->flags_fragment & 0x4000) == 0) return TooBigAction::kSend;  // DF clear
    return ipv4_may_answer(packet, *f) ? TooBigAction::kAnswer : TooBigAction::kDrop;
  }
  if (auto f = read_ipv6(packet))
    return ipv6_may_answer(packet, *f) ? TooBigAction::kAnswer : TooBigAction::kDrop;
  return TooBigAction::kDrop;
}

size_t write_too_big(std::span<const uint8_t> packet, uint32_t mtu, std::span<uint8_t> out) {
  std::vector<uint8_t> bytes;
  ByteWriter w(bytes);
  if (auto f = read_ipv4(packet)) {
    if (!ipv4_may_answer(packet, *f)) return 0;
    // RFC 792 / RFC 1191 4: IP header, type 3 code 4, checksum, unused 16 bits, next-hop MTU,
    // then as much of the original datagram as fits in 576 octets (RFC 1812 4.3.2.3).
    const size_t quoted = std::min(packet.size(), kMaxIcmpv4Size - 28);
    const auto total = static_cast<uint16_t>(28 + quoted);
    w.u8(0x45);
    w.u8(0);
    w.u16(total);
    w.u32(0);  // identification, flags, fragment offset
    w.u8(64);  // TTL
    w.u8(kProtoIcmp);
    w.u16(0);  // header checksum, below
    w.bytes(std::span<const uint8_t>(f->destination.data(), 4));
    w.bytes(std::span<const uint8_t>(f->source.data(), 4));
    w.u8(3);
    w.u8(4);
    w.u16(0);  // ICMP checksum, below
    w.u16(0);
    w.u16(static_cast<uint16_t>(std::min<uint32_t>(mtu, 0xffff)));
    w.bytes(packet.first(quoted));
    w.patch_u16(10, checksum_finish(checksum_add(std::span(bytes).first(20))));
    w.patch_u16(22, checksum_finish(checksum_add(std::span(bytes).subspan(20))));
    return finish(bytes, out);
  }
  if (auto f = read_ipv6(packet)) {
    if (!ipv6_may_answer(packet, *f)) return 0;
    // RFC 4443 3.2: type 2, code 0, checksum, MTU (32 bits), as much of the packet as fits in
    // the minimum IPv6 MTU (2.4 c).
    const size_t quoted = std::min(packet.size(), kMaxTooBigSize - 48);
    const auto length = static_cast<uint16_t>(8 + quoted);
    w.u32(0x60000000);
    w.u16(length);
    w.u8(kProtoIcmpv6);
    w.u8(64);  // hop limit
    w.bytes(std::span<const uint8_t>(f->destination.data(), 16));
    w.bytes(std::span<const uint8_t>(f->source.data(), 16));
    w.u8(2);
    w.u8(0);
    w.u16(0);  // checksum, below
    w.u32(mtu);
    w.bytes(packet.first(quoted));
    // Pseudo-header (RFC 8200 8.1): source, destination, upper-layer length, next header.
    uint32_t sum = checksum_add(std::span(bytes).subspan(8, 32));
    const uint8_t tail[8] = {0, 0, static_cast<uint8_t>(length >> 8),
                             static_cast<uint8_t>(length), 0, 0, 0, kProtoIcmpv6};
    sum = checksum_add(tail, sum);
    sum = checksum_add(std::span(bytes).subspan(40), sum);
    w.patch_u16(42, checksum_finish(sum));
    return finish(bytes, out);
  }
  return 0;
}

}  // namespace vgw::esp
