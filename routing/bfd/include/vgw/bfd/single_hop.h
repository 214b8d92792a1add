// BFD for IPv4 and IPv6 single hop (RFC 5881): the transport facts the socket driver needs.
//
// The driver (routing/, not this library) opens one UDP socket on port 3784 to receive and
// one socket per session to send (RFC 5881 4: the source port stays the same for the life of
// the session and lies in 49152-65535). Every packet is sent with TTL / Hop Limit 255, and a
// received packet whose TTL / Hop Limit is not 255 is dropped (RFC 5881 5, the Generalized
// TTL Security Mechanism of RFC 5082): a single-hop peer cannot be more than one hop away, so
// nothing off-link can inject state changes. RFC 5881 5 allows skipping that check when the
// packet is authenticated; vgw does not authenticate, so it always checks.
#pragma once

#include <cstdint>

namespace vgw::bfd {

inline constexpr uint16_t kSingleHopControlPort = 3784;  // RFC 5881 4: destination port
inline constexpr uint16_t kSingleHopEchoPort = 3785;     // RFC 5881 4 (echo: not implemented)
inline constexpr uint16_t kSourcePortMin = 49152;        // RFC 5881 4: source port range
inline constexpr uint16_t kSourcePortMax = 65535;
inline constexpr uint8_t kSingleHopTtl = 255;            // RFC 5881 5: sent and required

// RFC 5881 5: the only TTL / Hop Limit a received single-hop packet may carry.
constexpr bool acceptable_single_hop_ttl(uint8_t ttl) { return ttl == kSingleHopTtl; }

// A source port in 49152-65535 for a session, derived from its local discriminator so that it
// stays fixed for the session (RFC 5881 4). The driver tries the next one if bind fails.
constexpr uint16_t source_port_for(uint32_t local_discriminator, uint32_t attempt = 0) {
  constexpr uint32_t span = uint32_t{kSourcePortMax} - kSourcePortMin + 1;
  return static_cast<uint16_t>(kSourcePortMin + (local_discriminator + attempt) % span);
}

}  // namespace vgw::bfd
