// UDP encapsulation of ESP for NAT traversal (RFC 3948): what a datagram on port 4500 carries.
//
// RFC 3948 section 2: an ESP packet starts with its SPI, which is never 0; IKE messages on the
// same port are prefixed with the 4-octet Non-ESP Marker (zeros); a NAT-keepalive is a single
// 0xFF octet (section 2.3). Anything else is dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace vgw::esp {

inline constexpr uint16_t kNatTraversalPort = 4500;
inline constexpr size_t kNonEspMarkerSize = 4;

enum class UdpEncapKind : uint8_t {
  kEsp,        // the whole payload is an ESP packet
  kIke,        // an IKE message follows the Non-ESP Marker, at offset kNonEspMarkerSize
  kKeepalive,  // NAT-keepalive, nothing to do
  kInvalid,    // none of these (empty, too short for an ESP header, bare marker, reserved SPI)
};

UdpEncapKind classify_udp_encap(std::span<const uint8_t> udp_payload);
const char* udp_encap_kind_name(UdpEncapKind kind);

}  // namespace vgw::esp
