#include "tunnel_health.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cerrno>
#include <cstring>
#include <random>

#include "vgw/base/clock.h"
#include "vgw/base/log.h"

namespace vgw::routing {

namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// The probe's payload after the 8-octet ICMP header: a marker and the send time.
constexpr std::array<uint8_t, 8> kMarker = {'v', 'g', 'w', '-', 'h', 'c', 0, 1};
constexpr size_t kProbeSize = 8 + kMarker.size() + 8;

uint16_t icmp_checksum(const uint8_t* p, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (n & 1) sum += static_cast<uint32_t>(p[n - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Fills a sockaddr for `a`; returns its length.
socklen_t to_sockaddr(const IpAddress& a, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (a.is_v4()) {
    auto* s = reinterpret_cast<sockaddr_in*>(&ss);
    s->sin_family = AF_INET;
    std::memcpy(&s->sin_addr, a.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* s = reinterpret_cast<sockaddr_in6*>(&ss);
  s->sin6_family = AF_INET6;
  std::memcpy(&s->sin6_addr, a.data(), 16);
  return sizeof(sockaddr_in6);
}

}  // namespace

struct TunnelHealth::Probe {
  Probe(boost::asio::io_context& io, HealthCheckSpec spec, uint16_t id)
      : spec(spec), id(id), timer(io), deadline(io) {}
  HealthCheckSpec spec;
  uint16_t id;
  uint16_t seq = 0;
  boost::asio::steady_timer timer;     // the next probe
  boost::asio::steady_timer deadline;  // the detection time after the last answer
  bool deadline_armed = false;
  std::unique_ptr<boost::asio::posix::stream_descriptor> socket;  // bound to the interface
  int socket_ifindex = 0;
  Input input;
  SteadyTime last_answer{};  // or when probing (re)started, whichever is later
  bool answered_since_start = false;
  uint64_t sent = 0;
  uint64_t answered = 0;
  int64_t last_rtt_us = -1;
  SteadyTime last_sent{};  // UDP probes: what an ICMP port unreachable answers
  std::string socket_error;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  std::chrono::milliseconds detection() const { return spec.interval * spec.retries; }
};

TunnelHealth::TunnelHealth(boost::asio::io_context& io, ChangeFn on_change)
    : io_(io), on_change_(std::move(on_change)), next_id_(static_cast<uint16_t>(std::random_device{}())) {}

TunnelHealth::~TunnelHealth() {
  for (auto& [name, e] : tunnels_) {
    if (e->probe) *e->probe->alive = false;
  }
}

void TunnelHealth::set_input(Input& in, bool ok, std::string detail) {
  if (in.ok != ok || in.since_unix_ms == 0) in.since_unix_ms = unix_ms_now();
  in.ok = ok;
  in.detail = std::move(detail);
}

void TunnelHealth::set_tunnel(const std::string& name, const std::string& interface_name, int ifindex,
                              std::optional<HealthCheckSpec> check) {
  auto& slot = tunnels_[name];
  if (!slot) {
    slot = std::make_unique<Entry>();
    slot->name = name;
    set_input(slot->keys, false, "no SAs yet");
  }
  Entry& e = *slot;
  e.interface_name = interface_name;
  bool new_interface = e.ifindex != ifindex;
  e.ifindex = ifindex;
  if (!check) {
    if (e.probe) *e.probe->alive = false;
    e.probe.reset();
  } else if (!e.probe || !(e.probe->spec == *check)) {
    start_probe(e, *check);
  } else if (new_interface) {
    open_socket(e);
  }
  evaluate(e);
}

void TunnelHealth::remove_tunnel(const std::string& name) {
  auto it = tunnels_.find(name);
  if (it == tunnels_.end()) return;
  if (it->second->probe) *it->second->probe->alive = false;
  tunnels_.erase(it);
}

void TunnelHealth::set_keys(const std::string& name, bool ok, const std::string& detail) {
  auto it = tunnels_.find(name);
  if (it == tunnels_.end()) return;
  Entry& e = *it->second;
  bool changed = e.keys.ok != ok;
  set_input(e.keys, ok, ok ? "" : detail);
  if (changed) on_keys_changed(e);
  evaluate(e);
}

void TunnelHealth::set_admin_down(const std::string& name, bool down) {
  auto it = tunnels_.find(name);
  if (it == tunnels_.end()) return;
  Entry& e = *it->second;
  if (down == e.admin.has_value()) return;
  if (down) {
    e.admin = Input{};
    set_input(*e.admin, false, "shut down by the operator");
  } else {
    e.admin.reset();
  }
  evaluate(e);
}

void TunnelHealth::set_optional_input(const std::string& name, std::optional<Input> Entry::*input,
                                      std::optional<std::pair<bool, std::string>> state) {
  auto it = tunnels_.find(name);
  if (it == tunnels_.end()) return;
  Entry& e = *it->second;
  auto& in = e.*input;
  if (!state) {
    in.reset();
  } else {
    if (!in) in = Input{};
    set_input(*in, state->first, state->first ? "" : state->second);
  }
  evaluate(e);
}

void TunnelHealth::set_bgp(const std::string& name, std::optional<std::pair<bool, std::string>> state) {
  set_optional_input(name, &Entry::bgp, std::move(state));
}

void TunnelHealth::set_bfd(const std::string& name, std::optional<std::pair<bool, std::string>> state) {
  set_optional_input(name, &Entry::bfd, std::move(state));
}

// Keys came or went: the health check starts over (a reply must follow the new SAs).
void TunnelHealth::on_keys_changed(Entry& e) {
  if (!e.probe) return;
  Probe& p = *e.probe;
  p.answered_since_start = false;
  p.last_answer = std::chrono::steady_clock::now();
  if (!e.keys.ok) {
    set_input(p.input, false, "not probing: the tunnel has no SAs");
    return;
  }
  set_input(p.input, false, "waiting for the first answer from " + p.spec.destination.to_string());
  send_probe(e);  // do not wait for the next tick: the tunnel comes up at the first answer
  arm_deadline(e);
}

void TunnelHealth::evaluate(Entry& e) {
  bool up = !e.admin && e.keys.ok && (!e.probe || e.probe->input.ok) && (!e.bfd || e.bfd->ok) &&
            (!e.bgp || e.bgp->ok);
  std::string reason;
  if (e.admin) {
    reason = "admin: " + e.admin->detail;
  } else if (!e.keys.ok) {
    reason = "keys: " + e.keys.detail;
  } else if (e.probe && !e.probe->input.ok) {
    reason = "health check: " + e.probe->input.detail;
  } else if (e.bfd && !e.bfd->ok) {
    reason = "bfd: " + e.bfd->detail;
  } else if (e.bgp && !e.bgp->ok) {
    reason = "bgp: " + e.bgp->detail;
  }
  if (e.reported && up == e.up) {
    if (!up) e.reason = reason;  // still down, perhaps for another reason now
    return;
  }
  bool first = !e.reported;
  if (!first) ++e.transitions;
  e.reported = true;
  e.up = up;
  e.reason = reason;
  e.since_unix_ms = unix_ms_now();
  if (on_change_) on_change_(HealthChange{e.name, e.interface_name, up, reason, first});
}

void TunnelHealth::start_probe(Entry& e, const HealthCheckSpec& spec) {
  if (e.probe) *e.probe->alive = false;
  e.probe = std::make_unique<Probe>(io_, spec, next_id_++);
  Probe& p = *e.probe;
  p.last_answer = std::chrono::steady_clock::now();
  if (e.up) {
    // A check added to (or changed on) a tunnel that carries traffic does not interrupt it: the
    // tunnel stays up unless the detection time passes without an answer.
    set_input(p.input, true, "");
  } else {
    set_input(p.input, false,
              e.keys.ok ? "waiting for the first answer from " + spec.destination.to_string()
                        : "not probing: the tunnel has no SAs");
  }
  open_socket(e);
  if (e.keys.ok) send_probe(e);
  tick(e);
  arm_deadline(e);
}

void TunnelHealth::open_socket(Entry& e) {
  Probe& p = *e.probe;
  p.socket.reset();
  p.socket_ifindex = 0;
  bool v4 = p.spec.destination.is_v4();
  const bool udp = p.spec.udp_port != 0;
  int fd = udp ? ::socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)
               : ::socket(v4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          v4 ? int{IPPROTO_ICMP} : int{IPPROTO_ICMPV6});
  if (fd < 0) {
    p.socket_error = errno_text(udp ? "UDP socket" : "raw ICMP socket");
    return;
  }
  auto fail = [&](const char* what) {
    p.socket_error = errno_text(what);
    ::close(fd);
  };
  if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, e.interface_name.c_str(),
                   static_cast<socklen_t>(e.interface_name.size())) != 0) {
    return fail(("binding to interface " + e.interface_name).c_str());
  }
  if (!v4 && !udp) {
    icmp6_filter filter;
    ICMP6_FILTER_SETBLOCKALL(&filter);
    ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
    ::setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter);
  }
  sockaddr_storage ss;
  socklen_t len = to_sockaddr(p.spec.source, ss);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    return fail(("source " + p.spec.source.to_string()).c_str());
  }
  if (udp) {  // connected: only the destination's datagrams arrive, and its port unreachable
              // comes back as ECONNREFUSED
    len = to_sockaddr(p.spec.destination, ss);
    if (v4) {
      reinterpret_cast<sockaddr_in*>(&ss)->sin_port = htons(p.spec.udp_port);
    } else {
      reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port = htons(p.spec.udp_port);
    }
    if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
      return fail(("destination " + p.spec.destination.to_string()).c_str());
    }
  }
  p.socket_error.clear();
  p.socket = std::make_unique<boost::asio::posix::stream_descriptor>(io_, fd);
  p.socket_ifindex = e.ifindex;
  if (udp) {
    read_udp_replies(e);
  } else {
    read_replies(e);
  }
}

// Probes go out every interval while the tunnel has SAs.
void TunnelHealth::tick(Entry& e) {
  Probe& p = *e.probe;
  p.timer.expires_after(p.spec.interval);
  p.timer.async_wait([this, &e, alive = p.alive](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    if (e.keys.ok) send_probe(e);
    tick(e);
  });
}

// The detection deadline: interval x retries after the last answer (or after probing started),
// checked at that instant rather than at the next probe, so a failure is seen within the
// detection time of the last answer.
void TunnelHealth::arm_deadline(Entry& e) {
  Probe& p = *e.probe;
  if (p.deadline_armed || !e.keys.ok) return;
  p.deadline_armed = true;
  p.deadline.expires_at(p.last_answer + p.detection());
  p.deadline.async_wait([this, &e, alive = p.alive](const boost::system::error_code& ec) {
    if (!*alive) return;
    Probe& q = *e.probe;
    q.deadline_armed = false;
    if (ec || !e.keys.ok) return;
    auto now = std::chrono::steady_clock::now();
    auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(now - q.last_answer);
    if (silent < q.detection()) {  // answered meanwhile
      arm_deadline(e);
      return;
    }
    std::string detail = q.answered_since_start
                             ? "no answer from " + q.spec.destination.to_string() + " for " +
                                   std::to_string(silent.count()) + " ms (" + std::to_string(q.spec.retries) + " x " +
                                   std::to_string(q.spec.interval.count()) + " ms)"
                             : "no answer from " + q.spec.destination.to_string() + " yet";
    if (!q.socket_error.empty()) detail += "; " + q.socket_error;
    if (q.input.ok) {
      set_input(q.input, false, detail);
    } else {
      q.input.detail = detail;  // still failing: only the words change
    }
    evaluate(e);
  });
}

void TunnelHealth::send_probe(Entry& e) {
  Probe& p = *e.probe;
  if (!p.socket || p.socket_ifindex != e.ifindex) open_socket(e);
  if (!p.socket) return;
  std::array<uint8_t, kProbeSize> m{};
  bool v4 = p.spec.destination.is_v4();
  if (p.spec.udp_port) {  // the marker and the send time, for an echo service to return
    std::memcpy(m.data() + 8, kMarker.data(), kMarker.size());
    p.last_sent = std::chrono::steady_clock::now();
    int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(p.last_sent.time_since_epoch()).count();
    std::memcpy(m.data() + 8 + kMarker.size(), &ns, sizeof ns);
    if (::send(p.socket->native_handle(), m.data(), m.size(), 0) < 0 && errno != ECONNREFUSED) {
      p.socket_error = errno_text("sending");
      return;
    }
    p.socket_error.clear();
    ++p.sent;
    return;
  }
  m[0] = v4 ? uint8_t{ICMP_ECHO} : uint8_t{ICMP6_ECHO_REQUEST};
  m[4] = static_cast<uint8_t>(p.id >> 8);
  m[5] = static_cast<uint8_t>(p.id);
  ++p.seq;
  m[6] = static_cast<uint8_t>(p.seq >> 8);
  m[7] = static_cast<uint8_t>(p.seq);
  std::memcpy(m.data() + 8, kMarker.data(), kMarker.size());
  int64_t sent_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now().time_since_epoch())
                        .count();
  std::memcpy(m.data() + 8 + kMarker.size(), &sent_ns, sizeof sent_ns);
  if (v4) {  // the kernel computes ICMPv6 checksums itself (RFC 3542 3.1)
    uint16_t sum = icmp_checksum(m.data(), m.size());
    m[2] = static_cast<uint8_t>(sum >> 8);
    m[3] = static_cast<uint8_t>(sum);
  }
  sockaddr_storage ss;
  socklen_t len = to_sockaddr(p.spec.destination, ss);
  if (::sendto(p.socket->native_handle(), m.data(), m.size(), 0, reinterpret_cast<sockaddr*>(&ss), len) < 0) {
    p.socket_error = errno_text("sending");
    return;
  }
  p.socket_error.clear();
  ++p.sent;
}

void TunnelHealth::read_replies(Entry& e) {
  Probe& p = *e.probe;
  p.socket->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                       [this, &e, alive = p.alive, sock = p.socket.get()](const boost::system::error_code& ec) {
                         if (ec || !*alive || e.probe->socket.get() != sock) return;
                         Probe& q = *e.probe;
                         bool v4 = q.spec.destination.is_v4();
                         std::array<uint8_t, 1500> buf;
                         for (;;) {
                           sockaddr_storage from;
                           socklen_t flen = sizeof from;
                           ssize_t n = ::recvfrom(sock->native_handle(), buf.data(), buf.size(), 0,
                                                  reinterpret_cast<sockaddr*>(&from), &flen);
                           if (n < 0) break;  // EAGAIN: all read
                           size_t off = 0;
                           if (v4) {  // raw IPv4 sockets deliver the IP header too
                             if (n < 20) continue;
                             off = static_cast<size_t>(buf[0] & 0x0f) * 4;
                           }
                           if (static_cast<size_t>(n) < off + kProbeSize) continue;
                           const uint8_t* m = buf.data() + off;
                           if (m[0] != (v4 ? uint8_t{ICMP_ECHOREPLY} : uint8_t{ICMP6_ECHO_REPLY}) || m[1] != 0) continue;
                           if ((m[4] << 8 | m[5]) != q.id) continue;
                           if (std::memcmp(m + 8, kMarker.data(), kMarker.size()) != 0) continue;
                           sockaddr_storage want;
                           to_sockaddr(q.spec.destination, want);
                           bool from_destination =
                               v4 ? std::memcmp(&reinterpret_cast<sockaddr_in*>(&from)->sin_addr,
                                                &reinterpret_cast<sockaddr_in*>(&want)->sin_addr, 4) == 0
                                  : std::memcmp(&reinterpret_cast<sockaddr_in6*>(&from)->sin6_addr,
                                                &reinterpret_cast<sockaddr_in6*>(&want)->sin6_addr, 16) == 0;
                           if (!from_destination) continue;
                           int64_t sent_ns;
                           std::memcpy(&sent_ns, m + 8 + kMarker.size(), sizeof sent_ns);
                           auto now = std::chrono::steady_clock::now();
                           int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                now.time_since_epoch())
                                                .count();
                           answered(e, now, (now_ns - sent_ns) / 1000);
                         }
                         if (*alive && e.probe->socket.get() == sock) read_replies(e);
                       });
}

void TunnelHealth::answered(Entry& e, std::chrono::steady_clock::time_point now, int64_t rtt_us) {
  Probe& q = *e.probe;
  ++q.answered;
  q.last_rtt_us = rtt_us;
  if (!e.keys.ok) return;  // an answer to a probe sent before the SAs went
  q.last_answer = now;
  q.answered_since_start = true;
  if (!q.input.ok) {
    set_input(q.input, true, "");
    evaluate(e);
  }
  arm_deadline(e);
}

// UDP probes: a datagram from the destination (the connected socket takes no other) or its ICMP
// port unreachable (ECONNREFUSED) answers the last probe; other ICMP errors (host or network
// unreachable) answer nothing and are kept as the probe's error.
void TunnelHealth::read_udp_replies(Entry& e) {
  Probe& p = *e.probe;
  p.socket->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                       [this, &e, alive = p.alive, sock = p.socket.get()](const boost::system::error_code& ec) {
                         if (ec || !*alive || e.probe->socket.get() != sock) return;
                         Probe& q = *e.probe;
                         std::array<uint8_t, 1500> buf;
                         for (;;) {
                           ssize_t n = ::recv(sock->native_handle(), buf.data(), buf.size(), 0);
                           if (n < 0 && errno == EAGAIN) break;
                           auto now = std::chrono::steady_clock::now();
                           int64_t rtt_us = std::chrono::duration_cast<std::chrono::microseconds>(now - q.last_sent).count();
                           if (n < 0 && errno != ECONNREFUSED) {
                             q.socket_error = errno_text("probe");
                             break;
                           }
                           if (n >= static_cast<ssize_t>(kProbeSize) &&
                               std::memcmp(buf.data() + 8, kMarker.data(), kMarker.size()) == 0) {
                             int64_t sent_ns;  // an echo of our probe: its own send time
                             std::memcpy(&sent_ns, buf.data() + 8 + kMarker.size(), sizeof sent_ns);
                             rtt_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                          now.time_since_epoch() - std::chrono::nanoseconds(sent_ns))
                                          .count();
                           }
                           answered(e, now, rtt_us);
                         }
                         if (*alive && e.probe->socket.get() == sock) read_udp_replies(e);
                       });
}

std::optional<bool> TunnelHealth::is_up(const std::string& name) const {
  auto it = tunnels_.find(name);
  if (it == tunnels_.end()) return std::nullopt;
  return it->second->up;
}

std::optional<HealthView> TunnelHealth::view(const std::string& name) const {
  auto it = tunnels_.find(name);
  if (it == tunnels_.end()) return std::nullopt;
  const Entry& e = *it->second;
  HealthView v;
  v.up = e.up;
  v.reason = e.reason;
  v.since_unix_ms = e.since_unix_ms;
  v.transitions = e.transitions;
  if (e.admin) v.inputs.push_back({"admin", false, e.admin->detail, e.admin->since_unix_ms});
  v.inputs.push_back({"keys", e.keys.ok, e.keys.detail, e.keys.since_unix_ms});
  if (e.probe) {
    const Probe& p = *e.probe;
    v.inputs.push_back({"health-check", p.input.ok, p.input.detail, p.input.since_unix_ms});
    v.probing = true;
    v.probes_sent = p.sent;
    v.probes_answered = p.answered;
    v.last_rtt_us = p.last_rtt_us;
  }
  if (e.bfd) v.inputs.push_back({"bfd", e.bfd->ok, e.bfd->detail, e.bfd->since_unix_ms});
  if (e.bgp) v.inputs.push_back({"bgp", e.bgp->ok, e.bgp->detail, e.bgp->since_unix_ms});
  return v;
}

}  // namespace vgw::routing
