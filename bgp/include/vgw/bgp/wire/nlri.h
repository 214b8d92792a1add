// NLRI: the <length, prefix> lists of UPDATE (RFC 4271 4.3) and MP_REACH/MP_UNREACH
// (RFC 4760 5.1), decoded into compact fixed-size prefixes so that a full table needs no
// per-prefix heap allocation (an IPv4 prefix is 8 bytes, an IPv6 prefix 17).
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "vgw/base/bytes.h"
#include "vgw/base/ip.h"

namespace vgw::bgp::wire {

struct Ipv4Prefix {
  uint32_t address = 0;  // host order, bits past `length` are zero
  uint8_t length = 0;    // 0..32

  // Clears host bits; length is clamped to 32.
  static Ipv4Prefix make(uint32_t address, int length);
  // p must be IPv4.
  static Ipv4Prefix from(const Prefix& p) { return make(p.address().v4_host_order(), p.length()); }
  Prefix to_prefix() const { return Prefix(IpAddress::v4(address), length); }
  std::string to_string() const;

  friend auto operator<=>(const Ipv4Prefix&, const Ipv4Prefix&) = default;
  friend bool operator==(const Ipv4Prefix&, const Ipv4Prefix&) = default;
};

struct Ipv6Prefix {
  std::array<uint8_t, 16> address{};  // network order, bits past `length` are zero
  uint8_t length = 0;                 // 0..128

  static Ipv6Prefix make(const std::array<uint8_t, 16>& address, int length);
  // p must be IPv6.
  static Ipv6Prefix from(const Prefix& p);
  Prefix to_prefix() const { return Prefix(IpAddress::v6(address), length); }
  std::string to_string() const;

  friend auto operator<=>(const Ipv6Prefix&, const Ipv6Prefix&) = default;
  friend bool operator==(const Ipv6Prefix&, const Ipv6Prefix&) = default;
};

// Octets a prefix takes on the wire: the length octet plus ceil(length / 8).
inline size_t nlri_size(uint8_t length) { return 1 + (size_t{length} + 7) / 8; }

// Decodes a whole NLRI (or withdrawn routes) field, appending to out. Trailing bits beyond
// the prefix length are ignored (RFC 4271 4.3) and cleared. Returns nullptr on success or a
// static description of the syntax error (length > 32/128, prefix overruns the field), in
// which case out may hold the prefixes decoded before the error.
const char* parse_ipv4_nlri(std::span<const uint8_t> field, std::vector<Ipv4Prefix>& out);
const char* parse_ipv6_nlri(std::span<const uint8_t> field, std::vector<Ipv6Prefix>& out);

void write_nlri(const Ipv4Prefix& p, ByteWriter& w);
void write_nlri(const Ipv6Prefix& p, ByteWriter& w);

}  // namespace vgw::bgp::wire

template <>
struct std::hash<vgw::bgp::wire::Ipv4Prefix> {
  size_t operator()(const vgw::bgp::wire::Ipv4Prefix& p) const {
    return std::hash<uint64_t>()(uint64_t{p.address} << 8 | p.length);
  }
};
template <>
struct std::hash<vgw::bgp::wire::Ipv6Prefix> {
  size_t operator()(const vgw::bgp::wire::Ipv6Prefix& p) const {
    size_t h = p.length;
    for (uint8_t b : p.address) h = h * 131 + b;
    return h;
  }
};
