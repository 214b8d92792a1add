// SocketAddress conversions (see socket_address.h).
#include "vgw/esp/dataplane/socket_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace vgw::esp {

SocketAddress::SocketAddress(const IpAddress& address, uint16_t port) {
  if (address.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    std::memcpy(&sin->sin_addr, address.data(), 4);
    size = sizeof(sockaddr_in);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    std::memcpy(&sin6->sin6_addr, address.data(), 16);
    size = sizeof(sockaddr_in6);
  }
}

SocketAddress SocketAddress::from(const sockaddr* sa, socklen_t len) {
  SocketAddress out;
  if ((sa->sa_family == AF_INET && len >= sizeof(sockaddr_in)) ||
      (sa->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6))) {
    const socklen_t n = sa->sa_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    std::memcpy(&out.storage, sa, n);
    out.size = n;
  }
  return out;
}

IpAddress SocketAddress::address() const {
  if (family() == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&storage);
    std::array<uint8_t, 4> b;
    std::memcpy(b.data(), &sin->sin_addr, 4);
    return IpAddress::v4(b);
  }
  if (family() == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&storage);
    std::array<uint8_t, 16> b;
    std::memcpy(b.data(), &sin6->sin6_addr, 16);
    return IpAddress::v6(b);
  }
  return {};
}

uint16_t SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
  if (family() == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  return 0;
}

std::string SocketAddress::to_string() const {
  const std::string a = address().to_string();
  return (family() == AF_INET6 ? "[" + a + "]" : a) + ":" + std::to_string(port());
}

}  // namespace vgw::esp
