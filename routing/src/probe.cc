#include "probe.h"

#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

namespace vgw::routing {

namespace {

using Clock = std::chrono::steady_clock;

constexpr uint16_t kTraceBasePort = 33434;  // traceroute's customary first port

socklen_t to_sockaddr(const IpAddress& a, uint16_t port, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (a.is_v4()) {
    auto* s = reinterpret_cast<sockaddr_in*>(&ss);
    s->sin_family = AF_INET;
    s->sin_port = htons(port);
    std::memcpy(&s->sin_addr, a.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* s = reinterpret_cast<sockaddr_in6*>(&ss);
  s->sin6_family = AF_INET6;
  s->sin6_port = htons(port);
  std::memcpy(&s->sin6_addr, a.data(), 16);
  return sizeof(sockaddr_in6);
}

std::optional<IpAddress> from_sockaddr(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) {
    const auto* s = reinterpret_cast<const sockaddr_in*>(sa);
    std::array<uint8_t, 4> b;
    std::memcpy(b.data(), &s->sin_addr, 4);
    return IpAddress::v4(b);
  }
  if (sa->sa_family == AF_INET6) {
    const auto* s = reinterpret_cast<const sockaddr_in6*>(sa);
    std::array<uint8_t, 16> b;
    std::memcpy(b.data(), &s->sin6_addr, 16);
    auto a = IpAddress::v6(b);
    if (a.is_v4_mapped()) return IpAddress::v4({b[12], b[13], b[14], b[15]});
    return a;
  }
  return std::nullopt;
}

uint16_t checksum(const uint8_t* p, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t(p[i]) << 8) | p[i + 1];
  if (n & 1) sum += uint32_t(p[n - 1]) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// One recvmsg into buf and control; the sender (or the errored datagram's destination) in from.
struct Received {
  ssize_t bytes = -1;
  msghdr msg{};
  sockaddr_storage from{};
  iovec iov{};
};
void receive(int fd, uint8_t* buf, size_t len, char* control, size_t control_len, int flags, Received& r) {
  r.iov = {buf, len};
  r.msg = msghdr{};
  r.msg.msg_name = &r.from;
  r.msg.msg_namelen = sizeof r.from;
  r.msg.msg_iov = &r.iov;
  r.msg.msg_iovlen = 1;
  r.msg.msg_control = control;
  r.msg.msg_controllen = control_len;
  r.bytes = ::recvmsg(fd, &r.msg, flags);
}

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// The ICMP error an answer other than the expected one stands for, in ping/traceroute's words.
std::string unreachable_words(bool v4, uint8_t type, uint8_t code) {
  if (v4) {
    if (type == ICMP_TIME_EXCEEDED) return "Time to live exceeded";
    if (type != ICMP_DEST_UNREACH) return "ICMP type " + std::to_string(type) + " code " + std::to_string(code);
    switch (code) {
      case ICMP_NET_UNREACH: return "Destination Net Unreachable";
      case ICMP_HOST_UNREACH: return "Destination Host Unreachable";
      case ICMP_PROT_UNREACH: return "Destination Protocol Unreachable";
      case ICMP_PORT_UNREACH: return "Destination Port Unreachable";
      case ICMP_FRAG_NEEDED: return "Frag needed";
      case ICMP_NET_ANO:
      case ICMP_HOST_ANO:
      case ICMP_PKT_FILTERED: return "Communication administratively prohibited";
      default: return "Destination Unreachable, code " + std::to_string(code);
    }
  }
  if (type == ICMPV6_TIME_EXCEED) return "Time exceeded: Hop limit";
  if (type == ICMPV6_PKT_TOOBIG) return "Packet too big";
  if (type != ICMPV6_DEST_UNREACH) return "ICMPv6 type " + std::to_string(type) + " code " + std::to_string(code);
  switch (code) {
    case ICMPV6_NOROUTE: return "Destination unreachable: No route";
    case ICMPV6_ADM_PROHIBITED: return "Destination unreachable: Administratively prohibited";
    case ICMPV6_ADDR_UNREACH: return "Destination unreachable: Address unreachable";
    case ICMPV6_PORT_UNREACH: return "Destination unreachable: Port unreachable";
    default: return "Destination unreachable, code " + std::to_string(code);
  }
}

}  // namespace

ProbeRun::ProbeRun(boost::asio::io_context& io, Mode mode, ProbeOptions o, Callback cb)
    : mode_(mode), options_(std::move(o)), callback_(std::move(cb)), socket_(io), send_timer_(io),
      deadline_(io) {
  std::random_device rd;
  id_ = static_cast<uint16_t>(rd());
}

ProbeRun::~ProbeRun() { *alive_ = false; }

Result<std::unique_ptr<ProbeRun>> ProbeRun::ping(boost::asio::io_context& io, const ProbeOptions& o, Callback cb) {
  std::unique_ptr<ProbeRun> run(new ProbeRun(io, Mode::kPing, o, std::move(cb)));
  if (auto st = run->open(); !st) return fail(st.error());
  run->wait_readable();
  run->send_next();
  return run;
}

Result<std::unique_ptr<ProbeRun>> ProbeRun::traceroute(boost::asio::io_context& io, const ProbeOptions& o,
                                                       Callback cb) {
  std::unique_ptr<ProbeRun> run(new ProbeRun(io, Mode::kTrace, o, std::move(cb)));
  if (auto st = run->open(); !st) return fail(st.error());
  run->ttl_ = o.first_ttl;
  run->hop_.kind = ProbeEvent::Kind::kHop;
  run->hop_.sequence = run->ttl_;
  run->wait_readable();
  run->send_next();
  return run;
}

Status ProbeRun::open() {
  const bool v4 = options_.destination.is_v4();
  const int family = v4 ? AF_INET : AF_INET6;
  const int icmp = v4 ? int{IPPROTO_ICMP} : int{IPPROTO_ICMPV6};
  int fd = mode_ == Mode::kPing ? ::socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, icmp)
                                : ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(Error::unavailable(std::string("probe socket: ") + std::strerror(errno)));
  socket_.assign(fd);
  int on = 1;
  if (mode_ == Mode::kTrace) {
    if (v4) {
      ::setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on);
    } else {
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on);
    }
  } else if (!v4) {
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on);
  }
  if (!options_.interface.empty() &&
      ::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, options_.interface.data(),
                   static_cast<socklen_t>(options_.interface.size())) != 0) {
    return fail(Error::invalid("interface " + options_.interface + ": " + std::strerror(errno)));
  }
  if (options_.source) {
    sockaddr_storage ss;
    socklen_t len = to_sockaddr(*options_.source, 0, ss);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
      return fail(Error::invalid("source " + options_.source->to_string() + ": " + std::strerror(errno)));
    }
  }
  return {};
}

void ProbeRun::report(const ProbeEvent& e) {
  if (callback_) callback_(e);
}

void ProbeRun::send_next() {
  if (done_) return;
  const bool v4 = options_.destination.is_v4();
  const int fd = socket_.native_handle();
  const uint32_t seq = next_sequence_++;
  sockaddr_storage to;
  socklen_t to_len;
  int rc;
  if (mode_ == Mode::kPing) {
    std::vector<uint8_t> packet(8 + options_.size);
    packet[0] = v4 ? ICMP_ECHO : ICMPV6_ECHO_REQUEST;
    packet[4] = static_cast<uint8_t>(id_ >> 8);
    packet[5] = static_cast<uint8_t>(id_);
    packet[6] = static_cast<uint8_t>(seq >> 8);
    packet[7] = static_cast<uint8_t>(seq);
    for (size_t i = 8; i < packet.size(); ++i) packet[i] = static_cast<uint8_t>(i);
    if (v4) {  // the kernel computes ICMPv6's checksum, not ICMP's
      uint16_t c = checksum(packet.data(), packet.size());
      packet[2] = static_cast<uint8_t>(c >> 8);
      packet[3] = static_cast<uint8_t>(c);
    }
    to_len = to_sockaddr(options_.destination, 0, to);
    rc = static_cast<int>(::sendto(fd, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&to), to_len));
  } else {
    int ttl = static_cast<int>(ttl_);
    if (v4) {
      ::setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    } else {
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl);
    }
    uint8_t payload[8] = {static_cast<uint8_t>(seq >> 24), static_cast<uint8_t>(seq >> 16),
                          static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq),
                          static_cast<uint8_t>(id_ >> 8), static_cast<uint8_t>(id_), 0, 0};
    to_len = to_sockaddr(options_.destination, static_cast<uint16_t>(kTraceBasePort + seq % 1000), to);
    rc = static_cast<int>(::sendto(fd, payload, sizeof payload, 0, reinterpret_cast<sockaddr*>(&to), to_len));
    ++hop_probes_sent_;
  }
  ++sent_;
  outstanding_.push_back({seq, Clock::now(), false});
  if (rc < 0) {
    // Not sent (no route, ...): say so now instead of waiting for the timeout.
    ProbeEvent e;
    e.kind = mode_ == Mode::kPing ? ProbeEvent::Kind::kTimeout : ProbeEvent::Kind::kHop;
    outstanding_.back().answered = true;
    if (mode_ == Mode::kPing) {
      e.sequence = seq;
      e.note = std::strerror(errno);
      report(e);
    } else {
      ++hop_.lost;
      hop_.note = std::strerror(errno);
    }
  }
  // Ping: the next echo after the interval; traceroute: the next probe once this one is
  // answered or timed out (on_deadline / read_errors call send_next).
  if (mode_ == Mode::kPing && sent_ < options_.count) {
    send_timer_.expires_after(options_.interval);
    std::weak_ptr<bool> alive = alive_;
    send_timer_.async_wait([this, alive](const boost::system::error_code& ec) {
      if (ec || !alive.lock() || !*alive.lock()) return;
      send_next();
    });
  }
  on_deadline();
}

void ProbeRun::on_deadline() {
  if (done_) return;
  const auto now = Clock::now();
  std::optional<Clock::time_point> next;
  for (auto& o : outstanding_) {
    if (o.answered) continue;
    if (now - o.sent >= options_.timeout) {
      o.answered = true;
      if (mode_ == Mode::kPing) {
        ProbeEvent e;
        e.kind = ProbeEvent::Kind::kTimeout;
        e.sequence = o.sequence;
        report(e);
      } else {
        ++hop_.lost;
      }
      continue;
    }
    auto due = o.sent + options_.timeout;
    if (!next || due < *next) next = due;
  }
  std::erase_if(outstanding_, [](const Outstanding& o) { return o.answered; });
  if (mode_ == Mode::kTrace && outstanding_.empty()) {
    finish_hop();
    return;
  }
  if (mode_ == Mode::kPing && outstanding_.empty() && sent_ >= options_.count) {
    done_ = true;
    ProbeEvent e;
    e.kind = ProbeEvent::Kind::kDone;
    e.sent = sent_;
    e.received = received_;
    report(e);
    return;
  }
  if (!next) return;
  deadline_.expires_at(*next);
  std::weak_ptr<bool> alive = alive_;
  deadline_.async_wait([this, alive](const boost::system::error_code& ec) {
    if (ec || !alive.lock() || !*alive.lock()) return;
    on_deadline();
  });
}

void ProbeRun::finish_hop() {
  if (hop_probes_sent_ < options_.probes) {  // every probe of the hop, the last one too
    send_next();
    return;
  }
  ProbeEvent hop = hop_;
  const bool last = hop.reached || ttl_ >= options_.count;
  hop.last = last;
  report(hop);
  if (last) {
    done_ = true;
    ProbeEvent e;
    e.kind = ProbeEvent::Kind::kDone;
    e.sent = sent_;
    e.received = received_;
    e.reached = hop.reached;
    report(e);
    return;
  }
  ++ttl_;
  hop_probes_sent_ = 0;
  hop_ = ProbeEvent{};
  hop_.kind = ProbeEvent::Kind::kHop;
  hop_.sequence = ttl_;
  send_next();
}

void ProbeRun::wait_readable() {
  std::weak_ptr<bool> alive = alive_;
  socket_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                     [this, alive](const boost::system::error_code& ec) {
                       if (ec || !alive.lock() || !*alive.lock()) return;
                       if (mode_ == Mode::kPing) {
                         read_replies();
                       } else {
                         read_errors();
                       }
                       if (!done_) wait_readable();
                     });
}

void ProbeRun::read_replies() {
  const bool v4 = options_.destination.is_v4();
  const int fd = socket_.native_handle();
  uint8_t buf[65536];
  alignas(cmsghdr) char control[256];
  Received got;
  while (!done_) {
    receive(fd, buf, sizeof buf, control, sizeof control, 0, got);
    const ssize_t n = got.bytes;
    msghdr& msg = got.msg;
    if (n < 0) return;  // EAGAIN: all read
    const uint8_t* icmp = buf;
    size_t len = static_cast<size_t>(n);
    uint32_t ttl = 0;
    if (v4) {  // a raw IPv4 socket hands over the IP header too
      if (len < sizeof(iphdr)) continue;
      size_t ihl = (buf[0] & 0x0f) * 4u;
      if (ihl < sizeof(iphdr) || len < ihl + 8) continue;
      ttl = buf[8];
      icmp += ihl;
      len -= ihl;
    } else {
      if (len < 8) continue;
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
          int h;
          std::memcpy(&h, CMSG_DATA(c), sizeof h);
          ttl = static_cast<uint32_t>(h);
        }
      }
    }
    const uint8_t type = icmp[0], code = icmp[1];
    const uint8_t* echo = icmp;  // the echo header this answer is about
    std::string note;
    if (type == (v4 ? ICMP_ECHOREPLY : ICMPV6_ECHO_REPLY)) {
      // ours if the identifier matches
    } else if (v4 && (type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED)) {
      // The error quotes our IP header and the echo's first 8 bytes.
      if (len < 8 + sizeof(iphdr)) continue;
      size_t inner_ihl = (icmp[8] & 0x0f) * 4u;
      if (inner_ihl < sizeof(iphdr) || len < 8 + inner_ihl + 8 || icmp[8 + 9] != IPPROTO_ICMP) continue;
      echo = icmp + 8 + inner_ihl;
      if (echo[0] != ICMP_ECHO) continue;
      note = unreachable_words(true, type, code);
    } else if (!v4 && (type == ICMPV6_DEST_UNREACH || type == ICMPV6_TIME_EXCEED || type == ICMPV6_PKT_TOOBIG)) {
      if (len < 8 + 40 + 8 || icmp[8 + 6] != IPPROTO_ICMPV6) continue;  // no extension headers
      echo = icmp + 8 + 40;
      if (echo[0] != ICMPV6_ECHO_REQUEST) continue;
      note = unreachable_words(false, type, code);
    } else {
      continue;
    }
    const uint16_t id = static_cast<uint16_t>((echo[4] << 8) | echo[5]);
    const uint16_t seq16 = static_cast<uint16_t>((echo[6] << 8) | echo[7]);
    if (id != id_) continue;
    auto it = std::find_if(outstanding_.begin(), outstanding_.end(), [&](const Outstanding& o) {
      return !o.answered && static_cast<uint16_t>(o.sequence) == seq16;
    });
    if (it == outstanding_.end()) continue;  // late (already timed out) or a duplicate
    it->answered = true;
    ProbeEvent e;
    e.kind = ProbeEvent::Kind::kReply;
    e.sequence = it->sequence;
    e.from = from_sockaddr(reinterpret_cast<sockaddr*>(&got.from));
    e.note = note;
    if (note.empty()) {
      ++received_;
      e.bytes = static_cast<uint32_t>(len);
      e.ttl = ttl;
      e.rtt_ms.push_back(ms_since(it->sent));
    }
    report(e);
  }
  on_deadline();
}

void ProbeRun::read_errors() {
  const bool v4 = options_.destination.is_v4();
  const int fd = socket_.native_handle();
  uint8_t buf[512];
  alignas(cmsghdr) char control[512];
  Received got;
  while (!done_) {
    receive(fd, buf, sizeof buf, control, sizeof control, MSG_ERRQUEUE, got);
    const ssize_t n = got.bytes;
    msghdr& msg = got.msg;
    if (n < 0) {
      // Nothing (more) on the error queue; drop ordinary data (a host that answers UDP).
      while (::recv(fd, buf, sizeof buf, 0) > 0) {
      }
      break;
    }
    if (n < 6) continue;
    // Our payload comes back: the probe's sequence and our identifier.
    const uint32_t seq = (uint32_t(buf[0]) << 24) | (uint32_t(buf[1]) << 16) | (uint32_t(buf[2]) << 8) | buf[3];
    if (static_cast<uint16_t>((buf[4] << 8) | buf[5]) != id_) continue;
    const sock_extended_err* ee = nullptr;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
          (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)) {
        ee = reinterpret_cast<const sock_extended_err*>(CMSG_DATA(c));
      }
    }
    if (ee == nullptr) continue;
    auto it = std::find_if(outstanding_.begin(), outstanding_.end(),
                           [&](const Outstanding& o) { return !o.answered && o.sequence == seq; });
    if (it == outstanding_.end()) continue;
    it->answered = true;
    if (ee->ee_origin != SO_EE_ORIGIN_ICMP && ee->ee_origin != SO_EE_ORIGIN_ICMP6) {
      ++hop_.lost;
      hop_.note = std::strerror(static_cast<int>(ee->ee_errno));
      continue;
    }
    ++received_;
    hop_.from = from_sockaddr(SO_EE_OFFENDER(ee));
    hop_.rtt_ms.push_back(ms_since(it->sent));
    const bool port_unreachable = v4 ? (ee->ee_type == ICMP_DEST_UNREACH && ee->ee_code == ICMP_PORT_UNREACH)
                                     : (ee->ee_type == ICMPV6_DEST_UNREACH && ee->ee_code == ICMPV6_PORT_UNREACH);
    const bool time_exceeded = v4 ? ee->ee_type == ICMP_TIME_EXCEEDED : ee->ee_type == ICMPV6_TIME_EXCEED;
    if (port_unreachable) {
      hop_.reached = true;
    } else if (!time_exceeded) {
      hop_.note = unreachable_words(v4, ee->ee_type, ee->ee_code);
      hop_.reached = true;  // an unreachable ends the trace, as traceroute's !H / !N do
    }
  }
  on_deadline();
}

}  // namespace vgw::routing
