// The TUN MTU: the largest inner packet that still fits the path MTU once ESP wraps it.
//
// One ESP packet on the wire (RFC 4303 2, RFC 3948 2.1):
//   outer IPv4 header 20 (IPv6: 40)
//   + UDP header 8 when encapsulated for NAT traversal (RFC 3948), 0 for IP protocol 50
//   + SPI 4 + sequence number 4
//   + IV: 8 (AES-GCM, ChaCha20-Poly1305) or 16 (AES-CBC)
//   + inner packet + padding + Pad Length 1 + Next Header 1, together a multiple of the block:
//     4 for the AEADs, 16 for AES-CBC (so up to 3 or 15 octets of padding)
//   + ICV: 16 (AEAD tag, HMAC-SHA-256-128), 24 (HMAC-SHA-384-192), 32 (HMAC-SHA-512-256)
// So with room = path_mtu - outer - udp - 8 - iv - icv, the largest inner packet is
//   floor(room / block) * block - 2.
// Examples for a 1500-octet path over IPv4 + UDP: AES-GCM 1438, AES-CBC + SHA-256 1422,
// AES-CBC + SHA-512 1406; over IPv4 with bare ESP add 8 to each.
#pragma once

#include <cstdint>
#include <span>

#include "vgw/base/ip.h"
#include "vgw/esp/dataplane/tunnel.h"
#include "vgw/esp/transform.h"

namespace vgw::esp {

// Octets in front of and behind the inner packet apart from padding: outer headers, ESP header,
// IV, Pad Length, Next Header and ICV.
uint32_t fixed_overhead(const Transform& t, Family outer, Encapsulation e);
// Largest inner packet for one transform (0 if the path MTU cannot carry any).
uint32_t inner_mtu(uint32_t path_mtu, Family outer, Encapsulation e, const Transform& t);
// The smallest inner_mtu over `transforms`; over every transform the codec supports if empty.
uint32_t inner_mtu(uint32_t path_mtu, Family outer, Encapsulation e,
                   std::span<const Transform> transforms);
// Every transform the codec supports, one per size class that matters for the MTU.
std::span<const Transform> supported_transforms();

// IPv6 needs at least 1280 (RFC 8200 5); IPv4 at least 68 (RFC 791). Buffers hold at most
// kMaxInnerMtu octets of inner packet.
inline constexpr uint32_t kMinInnerMtuIpv4 = 68;
inline constexpr uint32_t kMinInnerMtuIpv6 = 1280;
inline constexpr uint32_t kMaxInnerMtu = 9000;

}  // namespace vgw::esp
