// IPv4/IPv6 addresses and prefixes: parsing (strict), formatting (RFC 5952 for IPv6),
// comparison and hashing. No protocol knowledge.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "vgw/base/result.h"

namespace vgw {

enum class Family : uint8_t { kIpv4 = 4, kIpv6 = 6 };

class IpAddress {
 public:
  IpAddress() = default;  // 0.0.0.0
  static IpAddress v4(uint32_t host_order);
  static IpAddress v4(std::array<uint8_t, 4> bytes);
  static IpAddress v6(const std::array<uint8_t, 16>& bytes);
  // Strict: dotted-quad IPv4 (no octal, no short forms) or any RFC 4291 IPv6 text form.
  static Result<IpAddress> parse(std::string_view text);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::kIpv4; }
  bool is_v6() const { return family_ == Family::kIpv6; }
  int bit_length() const { return is_v4() ? 32 : 128; }
  // Network-order bytes: 4 for IPv4, 16 for IPv6.
  const uint8_t* data() const { return bytes_.data(); }
  size_t size() const { return is_v4() ? 4 : 16; }
  uint32_t v4_host_order() const;

  bool is_unspecified() const;
  bool is_loopback() const;
  bool is_multicast() const;
  bool is_link_local() const;
  bool is_v4_broadcast() const;  // 255.255.255.255
  bool is_v4_mapped() const;     // ::ffff:A.B.C.D (RFC 4291 2.5.5.2)
  // The IPv4 address an IPv4-mapped IPv6 address carries; any other address unchanged.
  IpAddress unmapped() const;

  // Bit i (0 = most significant).
  bool bit(int i) const { return (bytes_[i / 8] >> (7 - i % 8)) & 1; }
  // This address with all bits from len on cleared.
  IpAddress masked(int len) const;

  std::string to_string() const;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  Family family_ = Family::kIpv4;
  std::array<uint8_t, 16> bytes_{};  // IPv4 uses the first 4
};

class Prefix {
 public:
  Prefix() = default;
  // The host bits of addr are cleared.
  Prefix(IpAddress addr, int len);
  // "A.B.C.D/N" or "X:X::X/N". Host bits set is an error unless allow_host_bits.
  static Result<Prefix> parse(std::string_view text, bool allow_host_bits = false);

  const IpAddress& address() const { return addr_; }
  int length() const { return len_; }
  Family family() const { return addr_.family(); }
  bool contains(const IpAddress& a) const;
  bool contains(const Prefix& p) const;
  std::string to_string() const;

  friend auto operator<=>(const Prefix&, const Prefix&) = default;
  friend bool operator==(const Prefix&, const Prefix&) = default;

 private:
  IpAddress addr_;
  int len_ = 0;
};

// An address with the length of the network it sits on, e.g. an interface address
// "169.254.10.1/30" (host bits are the point here, so they are kept).
struct InterfaceAddress {
  IpAddress address;
  int length = 0;
  static Result<InterfaceAddress> parse(std::string_view text);
  Prefix network() const { return Prefix(address, length); }
  std::string to_string() const;
  friend bool operator==(const InterfaceAddress&, const InterfaceAddress&) = default;
};

size_t hash_value(const IpAddress& a);

}  // namespace vgw

template <>
struct std::hash<vgw::IpAddress> {
  size_t operator()(const vgw::IpAddress& a) const { return vgw::hash_value(a); }
};
template <>
struct std::hash<vgw::Prefix> {
  size_t operator()(const vgw::Prefix& p) const {
    return vgw::hash_value(p.address()) * 131 + static_cast<size_t>(p.length());
  }
};
