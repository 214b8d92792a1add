// Compact prefix keys for the RIB's tables: an IPv4 address as a uint32_t and an IPv6 address
// as an unsigned 128-bit integer, both in host order so that bit 0 is the most significant bit
// of the address. KeyTraits<Key> gives the few bit operations a binary trie needs, and the
// conversions to and from vgw::IpAddress / vgw::Prefix used at the RIB's API boundary.
#pragma once

#include <bit>
#include <cstdint>

#include "vgw/base/ip.h"

namespace vgw::rib {

__extension__ typedef unsigned __int128 Uint128;

using Ipv4Key = uint32_t;
using Ipv6Key = Uint128;

template <typename Key>
struct KeyTraits;

template <>
struct KeyTraits<Ipv4Key> {
  static constexpr int kBits = 32;
  static constexpr Family kFamily = Family::kIpv4;
  static int clz(Ipv4Key x) { return x == 0 ? 32 : std::countl_zero(x); }
  static int ctz(Ipv4Key x) { return x == 0 ? 32 : std::countr_zero(x); }
  static Ipv4Key from_address(const IpAddress& a) { return a.v4_host_order(); }
  static IpAddress to_address(Ipv4Key k) { return IpAddress::v4(k); }
};

template <>
struct KeyTraits<Ipv6Key> {
  static constexpr int kBits = 128;
  static constexpr Family kFamily = Family::kIpv6;
  static int clz(Ipv6Key x) {
    auto hi = static_cast<uint64_t>(x >> 64);
    if (hi != 0) return std::countl_zero(hi);
    auto lo = static_cast<uint64_t>(x);
    return lo == 0 ? 128 : 64 + std::countl_zero(lo);
  }
  static int ctz(Ipv6Key x) {
    auto lo = static_cast<uint64_t>(x);
    if (lo != 0) return std::countr_zero(lo);
    auto hi = static_cast<uint64_t>(x >> 64);
    return hi == 0 ? 128 : 64 + std::countr_zero(hi);
  }
  static Ipv6Key from_address(const IpAddress& a) {
    Ipv6Key k = 0;
    for (int i = 0; i < 16; ++i) k = (k << 8) | a.data()[i];
    return k;
  }
  static IpAddress to_address(Ipv6Key k) {
    std::array<uint8_t, 16> b{};
    for (int i = 15; i >= 0; --i, k >>= 8) b[i] = static_cast<uint8_t>(k);
    return IpAddress::v6(b);
  }
};

// Bit i of key (0 = most significant).
template <typename Key>
inline int key_bit(Key k, int i) {
  return static_cast<int>((k >> (KeyTraits<Key>::kBits - 1 - i)) & 1);
}

// The key with every bit from len on cleared.
template <typename Key>
inline Key key_mask(Key k, int len) {
  constexpr int kBits = KeyTraits<Key>::kBits;
  if (len <= 0) return 0;
  if (len >= kBits) return k;
  return k & ~((~Key{0}) >> len);
}

// The key with every bit from len on set (the last address of the prefix).
template <typename Key>
inline Key key_last(Key k, int len) {
  constexpr int kBits = KeyTraits<Key>::kBits;
  if (len <= 0) return ~Key{0};
  if (len >= kBits) return k;
  return k | ((~Key{0}) >> len);
}

// Length of the common leading bits of a and b.
template <typename Key>
inline int key_common_length(Key a, Key b) {
  return KeyTraits<Key>::clz(a ^ b);
}

template <typename Key>
inline Prefix key_to_prefix(Key k, int len) {
  return Prefix(KeyTraits<Key>::to_address(k), len);
}

}  // namespace vgw::rib
