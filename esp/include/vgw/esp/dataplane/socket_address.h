// An IPv4/IPv6 address and port as the socket calls want it (sockaddr_in / sockaddr_in6).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "vgw/base/ip.h"

namespace vgw::esp {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t size = 0;

  SocketAddress() = default;
  SocketAddress(const IpAddress& address, uint16_t port);
  // From what recvmsg filled in; an unknown family gives the zero address.
  static SocketAddress from(const sockaddr* sa, socklen_t len);

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
  int family() const { return storage.ss_family; }
  IpAddress address() const;
  uint16_t port() const;
  std::string to_string() const;  // "192.0.2.1:4500", "[2001:db8::1]:4500"
};

}  // namespace vgw::esp
