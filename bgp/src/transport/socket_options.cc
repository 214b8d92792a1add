// setsockopt wrappers for BGP: TCP_MD5SIG (RFC 2385, Linux struct tcp_md5sig), IP_TTL /
// IPV6_UNICAST_HOPS, IP_MINTTL / IPV6_MINHOPCOUNT (RFC 5082) and TCP_NODELAY.
#include "vgw/bgp/transport/socket_options.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace vgw::bgp::transport {
namespace {

Status sockopt(int fd, int level, int name, const void* value, socklen_t len, const char* what) {
  if (setsockopt(fd, level, name, value, len) != 0) {
    return fail(Error::internal(std::string("setsockopt ") + what + ": " + std::strerror(errno)));
  }
  return {};
}

Status int_opt(int fd, int level, int name, int value, const char* what) {
  return sockopt(fd, level, name, &value, sizeof value, what);
}

}  // namespace

Status set_md5_key(int fd, Family socket_family, const IpAddress& peer, std::string_view key) {
  if (key.size() > TCP_MD5SIG_MAXKEYLEN) {
    return fail(Error::invalid("TCP MD5 password longer than 80 octets"));
  }
  struct tcp_md5sig sig;
  std::memset(&sig, 0, sizeof sig);
  if (peer.is_v4() && socket_family == Family::kIpv4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&sig.tcpm_addr);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, peer.data(), 4);
  } else {
    // An IPv6 socket sees IPv4 peers as v4-mapped addresses.
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&sig.tcpm_addr);
    sin6->sin6_family = AF_INET6;
    if (peer.is_v4()) {
      sin6->sin6_addr.s6_addr[10] = 0xff;
      sin6->sin6_addr.s6_addr[11] = 0xff;
      std::memcpy(&sin6->sin6_addr.s6_addr[12], peer.data(), 4);
    } else {
      std::memcpy(&sin6->sin6_addr, peer.data(), 16);
    }
  }
  sig.tcpm_keylen = static_cast<uint16_t>(key.size());
  std::memcpy(sig.tcpm_key, key.data(), key.size());
  if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof sig) != 0) {
    // Removing a key that is not there is not an error.
    if (key.empty() && errno == ENOENT) return {};
    return fail(Error::internal(std::string("setsockopt TCP_MD5SIG: ") + std::strerror(errno)));
  }
  return {};
}

Status set_ttl_options(int fd, Family socket_family, const SocketOptions& o) {
  int ttl = o.ttl_security ? 255 : (o.ttl < 1 ? 1 : (o.ttl > 255 ? 255 : o.ttl));
  if (socket_family == Family::kIpv4) {
    if (auto s = int_opt(fd, IPPROTO_IP, IP_TTL, ttl, "IP_TTL"); !s) return s;
    if (o.ttl_security) {
      if (auto s = int_opt(fd, IPPROTO_IP, IP_MINTTL, kGtsmMinTtl, "IP_MINTTL"); !s) return s;
    }
  } else {
    if (auto s = int_opt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl, "IPV6_UNICAST_HOPS"); !s)
      return s;
    if (o.ttl_security) {
      if (auto s = int_opt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, kGtsmMinTtl, "IPV6_MINHOPCOUNT");
          !s)
        return s;
    }
  }
  if (o.no_delay) return int_opt(fd, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
  return {};
}

}  // namespace vgw::bgp::transport

namespace vgw::bgp::transport {

Status enable_saved_syn(int listen_fd) {
  return int_opt(listen_fd, IPPROTO_TCP, TCP_SAVE_SYN, 1, "TCP_SAVE_SYN");
}

std::optional<int> saved_syn_ttl(int fd) {
  uint8_t headers[512];
  socklen_t len = sizeof headers;
  if (getsockopt(fd, IPPROTO_TCP, TCP_SAVED_SYN, headers, &len) != 0 || len < 20) {
    return std::nullopt;
  }
  // RFC 791: TTL is octet 8 of the IPv4 header; RFC 8200: Hop Limit is octet 7 of IPv6's.
  int version = headers[0] >> 4;
  if (version == 4) return headers[8];
  if (version == 6 && len >= 40) return headers[7];
  return std::nullopt;
}

}  // namespace vgw::bgp::transport
