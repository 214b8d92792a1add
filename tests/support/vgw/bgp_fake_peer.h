// A scripted BGP peer for tests: plain blocking sockets driven from the test thread, messages
// built and read with the wire codec. It connects (optionally with a TCP MD5 key) or listens,
// sends exactly what the test says - OPEN with chosen capabilities, KEEPALIVE, UPDATEs,
// NOTIFICATION, ROUTE-REFRESH - or goes silent, and keeps what the speaker sent: the routes it
// advertised (applied like an Adj-RIB-In), End-of-RIB markers, NOTIFICATIONs, ROUTE-REFRESHes.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/bgp/transport/socket_options.h"
#include "vgw/bgp/wire/wire.h"

namespace vgw::test {

class BgpFakePeer {
 public:
  using Ms = std::chrono::milliseconds;

  BgpFakePeer() = default;
  ~BgpFakePeer() {
    close();
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }
  BgpFakePeer(const BgpFakePeer&) = delete;
  BgpFakePeer& operator=(const BgpFakePeer&) = delete;

  // ---- Transport ----
  bool connect(const IpAddress& local, const IpAddress& remote, uint16_t port,
               const std::string& md5 = "") {
    close();
    fd_ = ::socket(remote.is_v4() ? AF_INET : AF_INET6, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    if (!md5.empty() &&
        !bgp::transport::set_md5_key(fd_, remote.family(), remote, md5)) {
      return false;
    }
    sockaddr_storage la = sockaddr_of(local, 0), ra = sockaddr_of(remote, port);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&la), len_of(local)) != 0) return false;
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&ra), len_of(remote)) != 0) {
      close();
      return false;
    }
    reset_session();
    return true;
  }

  // Listens on local (port 0: any); the speaker's MD5 peer key may be given.
  bool listen(const IpAddress& local, const std::string& md5 = "",
              const std::optional<IpAddress>& md5_peer = std::nullopt) {
    listen_fd_ = ::socket(local.is_v4() ? AF_INET : AF_INET6, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (!md5.empty() && md5_peer &&
        !bgp::transport::set_md5_key(listen_fd_, local.family(), *md5_peer, md5)) {
      return false;
    }
    sockaddr_storage la = sockaddr_of(local, 0);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&la), len_of(local)) != 0) return false;
    if (::listen(listen_fd_, 4) != 0) return false;
    sockaddr_storage got{};
    socklen_t n = sizeof got;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&got), &n);
    port_ = ntohs(got.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&got)->sin_port
                                           : reinterpret_cast<sockaddr_in6*>(&got)->sin6_port);
    return true;
  }
  uint16_t port() const { return port_; }

  bool accept(Ms timeout) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    close();
    fd_ = ::accept(listen_fd_, nullptr, nullptr);
    reset_session();
    return fd_ >= 0;
  }

  // Drops the connection without a NOTIFICATION (like a crash).
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    rx_.clear();
  }
  bool connected() const { return fd_ >= 0 && !eof_; }
  bool eof() const { return eof_; }

  void send(const std::vector<uint8_t>& bytes) {
    size_t off = 0;
    while (fd_ >= 0 && off < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }

  // The next whole message, or nullopt on timeout / end of stream.
  std::optional<std::vector<uint8_t>> receive(Ms timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      if (rx_.size() >= bgp::wire::kHeaderSize) {
        size_t len = size_t{rx_[16]} << 8 | rx_[17];
        if (len >= bgp::wire::kHeaderSize && rx_.size() >= len) {
          std::vector<uint8_t> m(rx_.begin(), rx_.begin() + static_cast<std::ptrdiff_t>(len));
          rx_.erase(rx_.begin(), rx_.begin() + static_cast<std::ptrdiff_t>(len));
          return m;
        }
      }
      if (fd_ < 0 || eof_) return std::nullopt;
      auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      uint8_t buf[65536];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        eof_ = true;
        continue;
      }
      rx_.insert(rx_.end(), buf, buf + n);
    }
  }

  // ---- Messages ----
  static bgp::wire::Open make_open(uint32_t asn, uint32_t id, uint16_t hold = 90) {
    bgp::wire::Open o;
    o.set_asn(asn);
    o.hold_time = hold;
    o.bgp_identifier = id;
    o.capabilities.multiprotocol = {bgp::wire::kIpv4Unicast, bgp::wire::kIpv6Unicast};
    o.capabilities.route_refresh = true;
    return o;
  }
  void send_open(const bgp::wire::Open& o) {
    std::vector<uint8_t> b;
    (void)bgp::wire::serialize_open(o, b);
    send(b);
  }
  void send_keepalive() {
    std::vector<uint8_t> b;
    bgp::wire::serialize_keepalive(b);
    send(b);
  }
  void send_notification(const bgp::wire::Notification& n) {
    std::vector<uint8_t> b;
    bgp::wire::serialize_notification(n, b);
    send(b);
  }
  void send_route_refresh(bgp::wire::AfiSafi f, bgp::wire::RefreshSubtype t = bgp::wire::RefreshSubtype::kNormal) {
    std::vector<uint8_t> b;
    bgp::wire::serialize_route_refresh({f, t}, b);
    send(b);
  }
  static bgp::wire::PathAttributes attributes(std::vector<uint32_t> as_path, const IpAddress& next_hop) {
    bgp::wire::PathAttributes a;
    a.set_origin(bgp::wire::Origin::kIgp);
    a.set_as_path(bgp::wire::AsPath::sequence(as_path));
    if (next_hop.is_v4()) a.set_next_hop(next_hop.v4_host_order());
    return a;
  }
  void announce(const std::vector<Prefix>& prefixes, const bgp::wire::PathAttributes& attrs,
                const std::optional<IpAddress>& v6_next_hop = std::nullopt) {
    std::vector<bgp::wire::Ipv4Prefix> v4;
    std::vector<bgp::wire::Ipv6Prefix> v6;
    for (const Prefix& p : prefixes) {
      if (p.family() == Family::kIpv4) {
        v4.push_back(bgp::wire::Ipv4Prefix::from(p));
      } else {
        v6.push_back(bgp::wire::Ipv6Prefix::from(p));
      }
    }
    std::vector<uint8_t> b;
    (void)bgp::wire::pack_announce(ctx_, attrs, v4, b);
    if (!v6.empty()) {
      bgp::wire::MpNextHop nh;
      nh.global = v6_next_hop.value_or(IpAddress::v6({}));
      (void)bgp::wire::pack_announce_mp(ctx_, attrs, bgp::wire::kIpv6Unicast, nh,
                                        std::span<const bgp::wire::Ipv6Prefix>(v6), b);
    }
    send(b);
  }
  void withdraw(const std::vector<Prefix>& prefixes) {
    std::vector<bgp::wire::Ipv4Prefix> v4;
    for (const Prefix& p : prefixes) v4.push_back(bgp::wire::Ipv4Prefix::from(p));
    std::vector<uint8_t> b;
    bgp::wire::pack_withdraw(v4, b);
    send(b);
  }
  void send_end_of_rib(bgp::wire::AfiSafi f = bgp::wire::kIpv4Unicast) {
    std::vector<uint8_t> b;
    bgp::wire::write_end_of_rib(f, b);
    send(b);
  }

  // Sends OPEN, waits for the speaker's OPEN and KEEPALIVE, answers KEEPALIVE.
  bool establish(const bgp::wire::Open& o, Ms timeout = Ms(5000)) {
    send_open(o);
    auto open = expect(bgp::wire::MessageType::kOpen, timeout);
    if (!open) return false;
    auto parsed = bgp::wire::parse_open(std::span<const uint8_t>(*open).subspan(bgp::wire::kHeaderSize));
    if (!parsed) return false;
    peer_open = *parsed;
    if (!expect(bgp::wire::MessageType::kKeepalive, timeout)) return false;
    send_keepalive();
    return true;
  }

  // Reads (and applies) messages until one of the type arrives.
  std::optional<std::vector<uint8_t>> expect(bgp::wire::MessageType type, Ms timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto m = receive(left);
      if (!m) return std::nullopt;
      apply(*m);
      if (static_cast<bgp::wire::MessageType>((*m)[18]) == type) return m;
    }
  }

  // Reads and applies messages until pred() holds (checked after each) or timeout.
  bool read_until(const std::function<bool()>& pred, Ms timeout) {
    if (pred()) return true;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return pred();
      auto m = receive(std::min(left, Ms(100)));
      if (m) apply(*m);
      if (pred()) return true;
      if (!m && eof_) return pred();
    }
  }

  // What the speaker sent.
  std::map<Prefix, bgp::wire::PathAttributes> routes;
  std::map<Prefix, IpAddress> next_hops;
  std::vector<bgp::wire::AfiSafi> end_of_rib;
  std::vector<bgp::wire::Notification> notifications;
  std::vector<bgp::wire::RouteRefresh> refreshes;
  size_t updates = 0;
  size_t keepalives = 0;
  bgp::wire::Open peer_open;

 private:
  void reset_session() {
    eof_ = false;
    rx_.clear();
  }
  void apply(const std::vector<uint8_t>& m) {
    auto type = static_cast<bgp::wire::MessageType>(m[18]);
    std::span<const uint8_t> body = std::span<const uint8_t>(m).subspan(bgp::wire::kHeaderSize);
    switch (type) {
      case bgp::wire::MessageType::kUpdate: {
        ++updates;
        bgp::wire::Update u;
        if (!bgp::wire::parse_update(body, ctx_, u)) return;
        if (auto f = u.end_of_rib()) {
          end_of_rib.push_back(*f);
          return;
        }
        for (auto& p : u.withdrawn) erase(p.to_prefix());
        if (u.has_mp_unreach) {
          for (auto& p : u.mp_unreach.withdrawn4) erase(p.to_prefix());
          for (auto& p : u.mp_unreach.withdrawn6) erase(p.to_prefix());
        }
        for (auto& p : u.nlri) {
          routes[p.to_prefix()] = u.attributes;
          next_hops[p.to_prefix()] = IpAddress::v4(u.attributes.next_hop);
        }
        if (u.has_mp_reach) {
          for (auto& p : u.mp_reach.nlri6) {
            routes[p.to_prefix()] = u.attributes;
            next_hops[p.to_prefix()] = u.mp_reach.next_hop.global;
          }
        }
        return;
      }
      case bgp::wire::MessageType::kNotification:
        if (auto n = bgp::wire::parse_notification(body)) notifications.push_back(*n);
        return;
      case bgp::wire::MessageType::kRouteRefresh:
        if (auto r = bgp::wire::parse_route_refresh(m)) refreshes.push_back(*r);
        return;
      case bgp::wire::MessageType::kKeepalive:
        ++keepalives;
        return;
      case bgp::wire::MessageType::kOpen:
        return;
    }
  }
  void erase(const Prefix& p) {
    routes.erase(p);
    next_hops.erase(p);
  }
  static sockaddr_storage sockaddr_of(const IpAddress& a, uint16_t port) {
    sockaddr_storage s{};
    if (a.is_v4()) {
      auto* in = reinterpret_cast<sockaddr_in*>(&s);
      in->sin_family = AF_INET;
      in->sin_port = htons(port);
      std::memcpy(&in->sin_addr, a.data(), 4);
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&s);
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons(port);
      std::memcpy(&in6->sin6_addr, a.data(), 16);
    }
    return s;
  }
  static socklen_t len_of(const IpAddress& a) {
    return a.is_v4() ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  }

  int fd_ = -1;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  bool eof_ = false;
  std::vector<uint8_t> rx_;
  bgp::wire::SessionContext ctx_{};
};

}  // namespace vgw::test
