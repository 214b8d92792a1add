// Per address family glue (private): the PathTable key type of each family, its wire prefix
// type and AFI/SAFI, and conversions between them, so the speaker's code is written once as
// templates over rib::Ipv4Key / rib::Ipv6Key.
#pragma once

#include <cstring>

#include "vgw/base/ip.h"
#include "vgw/bgp/wire/constants.h"
#include "vgw/bgp/wire/nlri.h"
#include "vgw/rib/prefix_key.h"

namespace vgw::bgp {

template <typename Key>
struct FamilyTraits;

template <>
struct FamilyTraits<rib::Ipv4Key> {
  using WirePrefix = wire::Ipv4Prefix;
  static constexpr int kIndex = 0;
  static constexpr wire::AfiSafi kAfiSafi = wire::kIpv4Unicast;
  static constexpr Family kFamily = Family::kIpv4;
  static rib::Ipv4Key key(const WirePrefix& p) { return p.address; }
  static WirePrefix wire_prefix(rib::Ipv4Key k, int len) { return WirePrefix::make(k, len); }
  static Prefix prefix(rib::Ipv4Key k, int len) { return Prefix(IpAddress::v4(k), len); }
};

template <>
struct FamilyTraits<rib::Ipv6Key> {
  using WirePrefix = wire::Ipv6Prefix;
  static constexpr int kIndex = 1;
  static constexpr wire::AfiSafi kAfiSafi = wire::kIpv6Unicast;
  static constexpr Family kFamily = Family::kIpv6;
  static rib::Ipv6Key key(const WirePrefix& p) {
    rib::Ipv6Key k = 0;
    for (uint8_t b : p.address) k = (k << 8) | b;
    return k;
  }
  static WirePrefix wire_prefix(rib::Ipv6Key k, int len) {
    std::array<uint8_t, 16> b{};
    for (int i = 15; i >= 0; --i, k >>= 8) b[i] = static_cast<uint8_t>(k);
    return WirePrefix::make(b, len);
  }
  static Prefix prefix(rib::Ipv6Key k, int len) {
    return Prefix(rib::KeyTraits<rib::Ipv6Key>::to_address(k), len);
  }
};

inline int family_index(wire::AfiSafi f) { return f == wire::kIpv4Unicast ? 0 : 1; }
inline wire::AfiSafi family_of_index(int i) { return i == 0 ? wire::kIpv4Unicast : wire::kIpv6Unicast; }

}  // namespace vgw::bgp
