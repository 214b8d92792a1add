// Socket options of a BGP transport connection: TCP MD5 signatures (RFC 2385, TCP_MD5SIG),
// the TTL of eBGP sessions (1 by default, N with multihop), the Generalized TTL Security
// Mechanism (RFC 5082: send with TTL 255 and accept only TTL >= 254, IP_MINTTL /
// IPV6_MINHOPCOUNT) and TCP_NODELAY. Plain setsockopt calls on a file descriptor, so the
// same code serves connecting, accepted and listening sockets.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"

namespace vgw::bgp::transport {

struct SocketOptions {
  std::string password;    // TCP MD5 key (RFC 2385); empty: none
  int ttl = 1;             // outgoing TTL / hop limit (1 = directly connected eBGP)
  bool ttl_security = false;  // GTSM: TTL 255 out, minimum 254 in (overrides ttl)
  bool no_delay = true;
};

inline constexpr int kGtsmMinTtl = 254;

// Installs (or with an empty key removes) the MD5 key for peer on fd. On a listening socket
// this makes the kernel accept only signed connections from that peer.
Status set_md5_key(int fd, Family socket_family, const IpAddress& peer, std::string_view key);
// TTL / hop limit, GTSM minimum TTL and TCP_NODELAY (not the MD5 key).
Status set_ttl_options(int fd, Family socket_family, const SocketOptions& options);

// GTSM on the passive side: the minimum TTL can only be set on an accepted socket, after the
// peer's first segments may already have been queued. So listening sockets keep each SYN
// (TCP_SAVE_SYN) and the TTL / hop limit the peer's SYN arrived with is checked on accept.
Status enable_saved_syn(int listen_fd);
// The TTL (IPv4) or hop limit (IPv6) of the SYN that opened this accepted connection.
std::optional<int> saved_syn_ttl(int fd);

}  // namespace vgw::bgp::transport
