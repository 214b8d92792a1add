// BfdDriver (bfd_driver.h): sockets and timers around the BFD sessions.
#include "bfd_driver.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include "vgw/base/clock.h"
#include "vgw/base/log.h"
#include "vgw/bfd/single_hop.h"
#include "vgw/esp/dataplane/socket_address.h"

namespace vgw::routing {

namespace asio = boost::asio;
using udp = asio::ip::udp;

namespace {

constexpr uint32_t kSourcePortAttempts = 64;

std::string errno_text(int err) { return std::strerror(err); }

// Where to send (or bind): an IPv6 link-local address needs the interface as its scope.
esp::SocketAddress socket_address(const IpAddress& a, uint16_t port, uint32_t scope) {
  esp::SocketAddress sa(a, port);
  if (a.is_v6() && a.is_link_local()) reinterpret_cast<sockaddr_in6*>(&sa.storage)->sin6_scope_id = scope;
  return sa;
}

// A v4-mapped source cannot reach a V6ONLY socket; unmapped anyway for a clean key.
std::optional<IpAddress> address_of(const sockaddr_storage& ss, socklen_t len) {
  auto sa = esp::SocketAddress::from(reinterpret_cast<const sockaddr*>(&ss), len);
  if (sa.family() != AF_INET && sa.family() != AF_INET6) return std::nullopt;
  auto a = sa.address();
  return a.is_v4_mapped() ? a.unmapped() : a;
}

bfd::Micros ms(uint32_t v) { return bfd::Micros(int64_t{v} * 1000); }

uint32_t us(bfd::Micros v) { return static_cast<uint32_t>(v.count()); }

}  // namespace

struct BfdDriver::Receiver {
  explicit Receiver(asio::io_context& io) : socket(io) {}
  udp::socket socket;
};

struct BfdDriver::Entry {
  Entry(asio::io_context& io, uint32_t discriminator, const BfdSessionSpec& s, bfd::SessionConfig config,
        bfd::RandomSource& random)
      : spec(s), session(discriminator, config, random), timer(io), socket(io) {}
  BfdSessionSpec spec;
  bfd::BfdSession session;
  asio::steady_timer timer;
  std::optional<Clock::TimePoint> armed;
  uint64_t generation = 0;  // a timer handler of an older arming does nothing
  udp::socket socket;
  uint16_t source_port = 0;
  uint32_t ifindex = 0;
  std::optional<IpAddress> local_address;
  bfd::Diag remote_diag = bfd::Diag::kNone;
  bool peer_admin_down = false;
  std::string reason = "session created";
  int64_t since_unix_ms = 0;
  uint64_t send_errors = 0;
  std::string problem;
  std::vector<uint8_t> buffer;
};

BfdDriver::BfdDriver(asio::io_context& io, ChangeFn on_change) : io_(io), on_change_(std::move(on_change)) {
  std::random_device rd;
  random_ = std::make_unique<bfd::SplitMix64>((uint64_t{rd()} << 32) ^ rd());
  demux_ = std::make_unique<bfd::Demux>(*random_);
}

BfdDriver::~BfdDriver() {
  for (auto& [d, e] : sessions_) {
    e->timer.cancel();
    boost::system::error_code ec;
    e->socket.close(ec);
  }
  close_receivers();
}

// ---- configuration -------------------------------------------------------------------------

BfdDriver::Entry* BfdDriver::find(const BfdKey& key) const {
  for (const auto& [d, e] : sessions_) {
    if (e->spec.key() == key) return e.get();
  }
  return nullptr;
}

void BfdDriver::reconcile(const std::vector<BfdSessionSpec>& wanted) {
  std::map<BfdKey, const BfdSessionSpec*> by_key;
  for (const auto& s : wanted) by_key.emplace(s.key(), &s);
  std::vector<uint32_t> gone;
  for (const auto& [d, e] : sessions_) {
    auto it = by_key.find(e->spec.key());
    if (it == by_key.end() || it->second->local != e->spec.local) gone.push_back(d);
  }
  for (uint32_t d : gone) stop_session(d, true);
  for (const auto& s : wanted) {
    if (Entry* e = find(s.key())) {
      update_session(*e, s);
    } else {
      start_session(s);
    }
  }
  if (sessions_.empty()) {
    close_receivers();
  } else {
    open_receivers();
  }
}

void BfdDriver::start_session(const BfdSessionSpec& spec) {
  uint32_t ifindex = spec.interface.empty() ? 0 : if_nametoindex(spec.interface.c_str());
  auto d = demux_->add(bfd::PeerKey{spec.peer, ifindex});
  if (!d) {
    VGW_LOG(kError, "bfd") << "peer " << spec.peer.to_string() << ": " << d.error().message;
    return;
  }
  bfd::SessionConfig config;
  config.desired_min_tx = ms(spec.transmit_interval_ms);
  config.required_min_rx = ms(spec.receive_interval_ms);
  config.detect_mult = static_cast<uint8_t>(spec.detect_multiplier);
  config.admin_down = spec.shutdown;
  auto e = std::make_unique<Entry>(io_, *d, spec, config, *random_);
  e->ifindex = ifindex;
  e->since_unix_ms = unix_ms_now();
  Entry& ref = *e;
  sessions_.emplace(*d, std::move(e));
  open_sender(ref);
  VGW_LOG(kInfo, "bfd") << "peer " << spec.peer.to_string()
                        << (spec.interface.empty() ? "" : " interface " + spec.interface) << ": session started ("
                        << spec.transmit_interval_ms << "/" << spec.receive_interval_ms << " ms x"
                        << spec.detect_multiplier << ", local discriminator " << *d << ")";
  apply(ref, ref.session.start(SteadyClock::instance().now()));
}

void BfdDriver::update_session(Entry& e, const BfdSessionSpec& spec) {
  const auto now = SteadyClock::instance().now();
  bool timers = spec.transmit_interval_ms != e.spec.transmit_interval_ms ||
                spec.receive_interval_ms != e.spec.receive_interval_ms ||
                spec.detect_multiplier != e.spec.detect_multiplier;
  bool admin = spec.shutdown != e.spec.shutdown;
  e.spec = spec;
  if (timers) {
    apply(e, e.session.set_intervals(ms(spec.transmit_interval_ms), ms(spec.receive_interval_ms),
                                     static_cast<uint8_t>(spec.detect_multiplier), now));
  }
  if (admin) apply(e, e.session.set_admin_down(spec.shutdown, now));
}

void BfdDriver::stop_session(uint32_t discriminator, bool send_admin_down) {
  auto it = sessions_.find(discriminator);
  if (it == sessions_.end()) return;
  Entry& e = *it->second;
  if (send_admin_down && e.session.state() != bfd::State::kAdminDown) {
    // RFC 5880 6.8.16: AdminDown tells the peer this is no failure of the path.
    for (const auto& a : e.session.set_admin_down(true, SteadyClock::instance().now())) {
      if (const auto* s = std::get_if<bfd::Send>(&a)) send(e, s->packet);
    }
  }
  VGW_LOG(kInfo, "bfd") << "peer " << e.spec.peer.to_string()
                        << (e.spec.interface.empty() ? "" : " interface " + e.spec.interface) << ": session removed";
  e.timer.cancel();
  boost::system::error_code ec;
  e.socket.close(ec);
  demux_->remove(discriminator);
  sessions_.erase(it);
}

void BfdDriver::refresh_interfaces() {
  for (auto& [d, e] : sessions_) {
    if (e->spec.interface.empty()) continue;
    uint32_t ifindex = if_nametoindex(e->spec.interface.c_str());
    if (ifindex == e->ifindex) continue;
    if (auto st = demux_->rekey(d, bfd::PeerKey{e->spec.peer, ifindex}); !st) {
      e->problem = st.error().message;
      continue;
    }
    e->ifindex = ifindex;
    boost::system::error_code ec;
    e->socket.close(ec);
    open_sender(*e);  // SO_BINDTODEVICE holds the old index
  }
}

// ---- sockets -------------------------------------------------------------------------------

void BfdDriver::open_sender(Entry& e) {
  boost::system::error_code ec;
  e.problem.clear();
  const bool v6 = e.spec.peer.is_v6();
  e.socket.open(v6 ? udp::v6() : udp::v4(), ec);
  if (ec) {
    e.problem = "cannot open a UDP socket: " + ec.message();
    return;
  }
  int fd = e.socket.native_handle();
  int ttl = bfd::kSingleHopTtl;
  int on = 1;
  int tos = 0xc0;  // DSCP CS6 (network control), as routers send BFD, so queues favour it
  if (v6) {
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl);
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos);
  } else {
    ::setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    ::setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
  }
  // The local address may not exist yet (a tunnel's inside address before its interface):
  // bind anyway, the packets leave once it does.
  ::setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &on, sizeof on);
  if (!e.spec.interface.empty()) {
    if (e.ifindex == 0) {
      e.problem = "interface " + e.spec.interface + " does not exist";
    } else if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, e.spec.interface.c_str(),
                            static_cast<socklen_t>(e.spec.interface.size())) != 0) {
      e.problem = "cannot bind to interface " + e.spec.interface + ": " + errno_text(errno);
    }
  }
  IpAddress local = e.spec.local ? *e.spec.local : (v6 ? IpAddress::v6(std::array<uint8_t, 16>{}) : IpAddress::v4(0u));
  for (uint32_t attempt = 0; attempt < kSourcePortAttempts; ++attempt) {
    uint16_t port = bfd::source_port_for(e.session.local_discriminator(), attempt);
    auto sa = socket_address(local, port, e.ifindex);
    if (::bind(fd, sa.get(), sa.size) == 0) {
      e.source_port = port;
      e.local_address = e.spec.local;
      return;
    }
    if (errno != EADDRINUSE) {
      e.problem = "cannot bind " + local.to_string() + " port " + std::to_string(port) + ": " + errno_text(errno);
      return;
    }
  }
  e.problem = "no free source port in 49152-65535";
}

void BfdDriver::open_receivers() {
  auto open = [&](bool v6) -> std::shared_ptr<Receiver> {
    auto r = std::make_shared<Receiver>(io_);
    boost::system::error_code ec;
    r->socket.open(v6 ? udp::v6() : udp::v4(), ec);
    if (ec) return nullptr;
    int fd = r->socket.native_handle();
    int on = 1;
    if (v6) {
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on);
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
    } else {
      ::setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
      ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    }
    r->socket.set_option(udp::socket::reuse_address(true), ec);
    r->socket.non_blocking(true, ec);
    r->socket.bind(udp::endpoint(v6 ? udp::v6() : udp::v4(), bfd::kSingleHopControlPort), ec);
    if (ec) {
      problem_ = std::string("cannot receive BFD on UDP ") + (v6 ? "[::]" : "0.0.0.0") + ":3784: " + ec.message();
      VGW_LOG(kError, "bfd") << problem_;
      return nullptr;
    }
    receive(r);
    return r;
  };
  if (!rx4_) {
    problem_.clear();
    rx4_ = open(false);
  }
  if (!rx6_) rx6_ = open(true);  // a host without IPv6 has IPv4 sessions only
}

void BfdDriver::close_receivers() {
  for (auto* r : {&rx4_, &rx6_}) {
    if (!*r) continue;
    boost::system::error_code ec;
    (*r)->socket.close(ec);  // the pending wait completes with operation_aborted
    r->reset();
  }
}

void BfdDriver::receive(const std::shared_ptr<Receiver>& receiver) {
  std::weak_ptr<Receiver> weak = receiver;
  receiver->socket.async_wait(udp::socket::wait_read, [this, weak](const boost::system::error_code& ec) {
    auto rp = weak.lock();  // the receiver (and so the driver) still exists
    if (ec == asio::error::operation_aborted || !rp || !rp->socket.is_open()) return;
    Receiver& r = *rp;
    int fd = r.socket.native_handle();
    for (int n = 0; n < 64; ++n) {
      uint8_t data[512];
      alignas(cmsghdr) uint8_t control[256];
      sockaddr_storage from{};
      iovec iov{data, sizeof data};
      msghdr msg{};
      msg.msg_name = &from;
      msg.msg_namelen = sizeof from;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      ssize_t got = ::recvmsg(fd, &msg, MSG_DONTWAIT);
      if (got < 0) break;
      int ttl = -1;
      uint32_t ifindex = 0;
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
          std::memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
          in_pktinfo info;
          std::memcpy(&info, CMSG_DATA(c), sizeof info);
          ifindex = static_cast<uint32_t>(info.ipi_ifindex);
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
          std::memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
          in6_pktinfo info;
          std::memcpy(&info, CMSG_DATA(c), sizeof info);
          ifindex = info.ipi6_ifindex;
        }
      }
      auto src = address_of(from, msg.msg_namelen);
      if (!src) continue;
      handle_datagram(data, static_cast<size_t>(got), *src, ifindex, ttl);
      if (!r.socket.is_open()) return;  // a session change closed the receivers
    }
    receive(rp);
  });
}

void BfdDriver::handle_datagram(const uint8_t* data, size_t size, const IpAddress& from, uint32_t ifindex, int ttl) {
  ++stats_.received;
  if (ttl < 0 || ttl > 255 || !bfd::acceptable_single_hop_ttl(static_cast<uint8_t>(ttl))) {
    ++stats_.bad_ttl;  // RFC 5881 5: more than one hop away, or no TTL to check
    return;
  }
  auto p = bfd::decode_control_packet(std::span<const uint8_t>(data, size));
  if (!p) {
    ++stats_.malformed;
    ++stats_.dropped[static_cast<size_t>(p.error())];
    return;
  }
  auto d = demux_->find(*p, bfd::PeerKey{from, ifindex});
  if (!d) {
    ++stats_.no_session;
    ++stats_.dropped[static_cast<size_t>(d.error())];
    return;
  }
  auto it = sessions_.find(*d);
  if (it == sessions_.end()) return;
  Entry& e = *it->second;
  auto actions = e.session.on_packet(*p, SteadyClock::instance().now());
  bool accepted = true;
  for (const auto& a : actions) {
    if (std::holds_alternative<bfd::Dropped>(a)) accepted = false;
  }
  if (accepted) e.remote_diag = p->diag;
  apply(e, actions);
}

void BfdDriver::send(Entry& e, const bfd::ControlPacket& p) {
  if (!e.socket.is_open() || e.source_port == 0) {
    ++e.send_errors;
    return;
  }
  e.buffer.clear();
  bfd::serialize(p, e.buffer);
  auto to = socket_address(e.spec.peer, bfd::kSingleHopControlPort, e.ifindex);
  ssize_t n = ::sendto(e.socket.native_handle(), e.buffer.data(), e.buffer.size(), MSG_DONTWAIT, to.get(), to.size);
  if (n < 0) {
    ++e.send_errors;
    e.problem = "send to " + e.spec.peer.to_string() + ": " + errno_text(errno);
  } else if (!e.problem.empty() && e.problem.rfind("send to ", 0) == 0) {
    e.problem.clear();
  }
  if (!e.local_address && n >= 0) learn_local_address(e);
}

// The source the kernel chooses for the peer (no local address configured): what a connected
// UDP socket to the peer is bound to. Nothing is sent.
void BfdDriver::learn_local_address(Entry& e) {
  int fd = ::socket(e.spec.peer.is_v6() ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  if (!e.spec.interface.empty()) {
    ::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, e.spec.interface.c_str(),
                 static_cast<socklen_t>(e.spec.interface.size()));
  }
  auto to = socket_address(e.spec.peer, bfd::kSingleHopControlPort, e.ifindex);
  sockaddr_storage local{};
  socklen_t local_len = sizeof local;
  if (::connect(fd, to.get(), to.size) == 0 && ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0) {
    auto a = address_of(local, local_len);
    if (a && !a->is_unspecified()) e.local_address = a;
  }
  ::close(fd);
}

// ---- the engine's actions ------------------------------------------------------------------

void BfdDriver::apply(Entry& e, const bfd::Actions& actions) {
  for (const auto& a : actions) {
    if (const auto* s = std::get_if<bfd::Send>(&a)) {
      send(e, s->packet);
    } else if (const auto* c = std::get_if<bfd::StateChanged>(&a)) {
      e.reason = c->reason;
      e.since_unix_ms = unix_ms_now();
      // The peer's AdminDown holds until the session comes back, even once the peer has gone
      // quiet and its state is forgotten (RFC 5880 6.8.16, RFC 5882 3.2).
      if (c->remote_admin_down) e.peer_admin_down = true;
      if (c->to == bfd::State::kInit || c->to == bfd::State::kUp) e.peer_admin_down = false;
      BfdChange change{e.spec.peer, e.spec.interface, c->from, c->to, c->diag, c->reason, c->remote_admin_down};
      asio::post(io_, [this, life = std::weak_ptr<int>(life_), change] {
        if (!life.expired()) on_change_(change);
      });
    }
  }
  arm(e);
}

void BfdDriver::arm(Entry& e) {
  std::optional<Clock::TimePoint> at = e.session.next_tx_at();
  if (auto d = e.session.detect_at(); d && (!at || *d < *at)) at = d;
  if (at == e.armed) return;
  e.armed = at;
  ++e.generation;
  e.timer.cancel();
  if (!at) return;
  e.timer.expires_at(*at);
  e.timer.async_wait([this, life = std::weak_ptr<int>(life_), d = e.session.local_discriminator(),
                      gen = e.generation](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted || life.expired()) return;
    auto it = sessions_.find(d);
    if (it == sessions_.end() || it->second->generation != gen) return;
    Entry& entry = *it->second;
    entry.armed.reset();
    apply(entry, entry.session.on_timer(SteadyClock::instance().now()));
  });
}

// ---- views ---------------------------------------------------------------------------------

BfdSessionView BfdDriver::view(const Entry& e) const {
  BfdSessionView v;
  v.spec = e.spec;
  const auto& s = e.session;
  v.local_discriminator = s.local_discriminator();
  v.remote_discriminator = s.remote_discriminator();
  v.state = s.state();
  v.remote_state = s.remote_state();
  v.local_diag = s.local_diag();
  v.remote_diag = e.remote_diag;
  v.peer_admin_down = e.peer_admin_down;
  v.reason = e.reason;
  v.since_unix_ms = e.since_unix_ms;
  v.local_address = e.local_address;
  v.source_port = e.source_port;
  v.ifindex = e.ifindex;
  v.remote_detect_multiplier = s.remote_detect_mult();
  v.remote_receive_interval_us = us(s.remote_min_rx());
  v.remote_transmit_interval_us = us(s.remote_desired_min_tx());
  v.negotiated_tx_us = us(s.tx_interval());
  v.detection_time_us = us(s.detection_time());
  v.poll_in_progress = s.poll_in_progress();
  v.stats = s.stats();
  v.send_errors = e.send_errors;
  v.problem = e.problem;
  return v;
}

std::vector<BfdSessionView> BfdDriver::sessions() const {
  std::vector<BfdSessionView> out;
  for (const auto& [d, e] : sessions_) out.push_back(view(*e));
  std::sort(out.begin(), out.end(),
            [](const BfdSessionView& a, const BfdSessionView& b) { return a.spec.key() < b.spec.key(); });
  return out;
}

std::optional<BfdSessionView> BfdDriver::session(const BfdKey& key) const {
  if (const Entry* e = find(key)) return view(*e);
  return std::nullopt;
}

}  // namespace vgw::routing
