// "Packet too big" answers for inner packets that exceed the tunnel MTU, written back into the
// TUN so the sender's stack learns the path MTU (RFC 1191, RFC 8201).
//
// The kernel normally sends these itself: it will not route a packet larger than the TUN's MTU
// into the TUN (forwarded DF packets get ICMP from the router, local ones EMSGSIZE). The
// dataplane checks anyway, because the TUN MTU can be raised behind its back (ip link set mtu):
//   IPv4 with DF   -> ICMP Destination Unreachable, Fragmentation Needed (type 3 code 4) with
//                     the next-hop MTU in the second half of the unused word (RFC 1191 4)
//   IPv4 without DF -> sent anyway; the outer packet is fragmented by the kernel
//   IPv6            -> ICMPv6 Packet Too Big (type 2, RFC 4443 3.2) with the MTU
// No error answers an ICMP error, a non-first fragment, or a multicast/broadcast source or
// destination (RFC 1812 4.3.2.7, RFC 4443 2.4 e).
//
// The error's source is the oversized packet's destination, as if the tunnel's far side
// answered. It cannot be the tunnel's inside address: that address is local to this host, and
// the kernel drops packets that arrive on an interface with a local source address (martian).
// Hosts match a too-big message to the connection by the quoted header, not by its source.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "vgw/base/ip.h"

namespace vgw::esp {

enum class TooBigAction : uint8_t {
  kFits,     // packet <= mtu
  kSend,     // IPv4 without DF: encrypt and send, the outer packet gets fragmented
  kAnswer,   // drop and answer with ICMP / ICMPv6 (write_too_big)
  kDrop,     // drop silently (no error allowed, or not an IP packet)
};
TooBigAction classify_size(std::span<const uint8_t> packet, uint32_t mtu);

// IPv4: at most 576 octets (RFC 1812 4.3.2.3); IPv6: at most 1280 (RFC 4443 2.4 c).
inline constexpr size_t kMaxTooBigSize = 1280;

// Writes the error for packet into out (>= kMaxTooBigSize octets) and returns its size, or 0 if
// none may be sent.
size_t write_too_big(std::span<const uint8_t> packet, uint32_t mtu, std::span<uint8_t> out);

// The Internet checksum (RFC 1071) of data, folded, not inverted; `initial` continues a sum.
uint32_t checksum_add(std::span<const uint8_t> data, uint32_t initial = 0);
uint16_t checksum_finish(uint32_t sum);

}  // namespace vgw::esp
