// NLRI <length, prefix> tuples (RFC 4271 4.3, RFC 4760 5.1): the hot loop of UPDATE
// decoding. Bounds are checked by hand against the field's end before every read.
#include "vgw/bgp/wire/nlri.h"

#include <cstring>

namespace vgw::bgp::wire {

Ipv4Prefix Ipv4Prefix::make(uint32_t address, int length) {
  if (length < 0) length = 0;
  if (length > 32) length = 32;
  uint32_t mask = length == 0 ? 0 : ~uint32_t{0} << (32 - length);
  return {address & mask, static_cast<uint8_t>(length)};
}

std::string Ipv4Prefix::to_string() const { return to_prefix().to_string(); }

Ipv6Prefix Ipv6Prefix::make(const std::array<uint8_t, 16>& address, int length) {
  if (length < 0) length = 0;
  if (length > 128) length = 128;
  Ipv6Prefix p;
  p.length = static_cast<uint8_t>(length);
  int full = length / 8;
  std::memcpy(p.address.data(), address.data(), static_cast<size_t>(full));
  if (length % 8) p.address[full] = address[full] & static_cast<uint8_t>(0xff << (8 - length % 8));
  return p;
}

Ipv6Prefix Ipv6Prefix::from(const Prefix& p) {
  std::array<uint8_t, 16> a{};
  std::memcpy(a.data(), p.address().data(), 16);
  return make(a, p.length());
}

std::string Ipv6Prefix::to_string() const { return to_prefix().to_string(); }

const char* parse_ipv4_nlri(std::span<const uint8_t> field, std::vector<Ipv4Prefix>& out) {
  const uint8_t* p = field.data();
  const uint8_t* end = p + field.size();
  while (p < end) {
    unsigned len = *p++;
    if (len > 32) return "prefix length above 32";
    size_t n = (len + 7) / 8;
    if (static_cast<size_t>(end - p) < n) return "prefix runs past the end of the field";
    uint32_t a = 0;
    for (size_t i = 0; i < n; ++i) a |= uint32_t{p[i]} << (24 - 8 * i);
    p += n;
    if (len < 32) a &= len == 0 ? 0 : ~uint32_t{0} << (32 - len);
    out.push_back({a, static_cast<uint8_t>(len)});
  }
  return nullptr;
}

const char* parse_ipv6_nlri(std::span<const uint8_t> field, std::vector<Ipv6Prefix>& out) {
  const uint8_t* p = field.data();
  const uint8_t* end = p + field.size();
  while (p < end) {
    unsigned len = *p++;
    if (len > 128) return "prefix length above 128";
    size_t n = (len + 7) / 8;
    if (static_cast<size_t>(end - p) < n) return "prefix runs past the end of the field";
    Ipv6Prefix& q = out.emplace_back();
    q.length = static_cast<uint8_t>(len);
    std::memcpy(q.address.data(), p, n);
    if (len % 8) q.address[n - 1] &= static_cast<uint8_t>(0xff << (8 - len % 8));
    p += n;
  }
  return nullptr;
}

void write_nlri(const Ipv4Prefix& p, ByteWriter& w) {
  w.u8(p.length);
  size_t n = (size_t{p.length} + 7) / 8;
  for (size_t i = 0; i < n; ++i) w.u8(static_cast<uint8_t>(p.address >> (24 - 8 * i)));
}

void write_nlri(const Ipv6Prefix& p, ByteWriter& w) {
  w.u8(p.length);
  w.bytes(std::span<const uint8_t>(p.address.data(), (size_t{p.length} + 7) / 8));
}

}  // namespace vgw::bgp::wire
