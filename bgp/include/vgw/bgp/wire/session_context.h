// The few facts about a session that change how its UPDATEs are encoded and decoded:
// negotiated capabilities and the kind of peer. The session fills one in after OPEN.
#pragma once

#include "vgw/bgp/wire/constants.h"

namespace vgw::bgp::wire {

enum class PeerKind : uint8_t {
  kExternal,       // eBGP outside any confederation of ours
  kInternal,       // iBGP
  kConfederation,  // eBGP to another member AS of our confederation (RFC 5065)
};

struct SessionContext {
  // RFC 6793: both sides sent the 4-octet AS capability. Otherwise AS_PATH/AGGREGATOR carry
  // 2-octet ASNs and AS4_PATH/AS4_AGGREGATOR carry the full ones (RFC 6793 4.2).
  bool four_octet_as = true;
  PeerKind peer = PeerKind::kExternal;
  // Families whose MP_REACH_NLRI/MP_UNREACH_NLRI are decoded; others are ignored (attribute
  // discard). The IPv4 Withdrawn Routes and NLRI fields are always decoded.
  bool ipv4_unicast = true;
  bool ipv6_unicast = true;
  // RFC 8950: IPv4 unicast NLRI may come in MP_REACH_NLRI with an IPv6 next hop.
  bool extended_next_hop_ipv4 = false;

  bool enabled(AfiSafi f) const {
    if (f == kIpv4Unicast) return ipv4_unicast;
    if (f == kIpv6Unicast) return ipv6_unicast;
    return false;
  }
};

}  // namespace vgw::bgp::wire
