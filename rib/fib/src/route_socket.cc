#include "vgw/rib/fib/route_socket.h"

#include "vgw/rib/fib/rtnetlink.h"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace vgw::rib::fib {

namespace {

constexpr size_t kBatchBytes = 256 * 1024;
constexpr size_t kMaxMessageBytes = 8192;  // one route with up to ~250 next-hops
constexpr size_t kReceiveBytes = 64 * 1024;

int family_of(const Prefix& p) { return p.family() == Family::kIpv4 ? AF_INET : AF_INET6; }

void put_address(nlmsghdr* nlh, uint16_t type, const IpAddress& a) {
  mnl_attr_put(nlh, type, a.size(), a.data());
}

// Appends one RTM_NEWROUTE / RTM_DELROUTE for `op` at `where`; returns its length.
size_t build_message(char* where, bool remove, bool with_metric, const KernelRoute& r,
                     uint8_t protocol, uint32_t seq, bool ack) {
  nlmsghdr* nlh = mnl_nlmsg_put_header(where);
  nlh->nlmsg_type = remove ? RTM_DELROUTE : RTM_NEWROUTE;
  nlh->nlmsg_flags = NLM_F_REQUEST | (remove ? 0 : NLM_F_CREATE | NLM_F_REPLACE) | (ack ? NLM_F_ACK : 0);
  nlh->nlmsg_seq = seq;
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rtm->rtm_family = static_cast<uint8_t>(family_of(r.prefix));
  rtm->rtm_dst_len = static_cast<uint8_t>(r.prefix.length());
  rtm->rtm_protocol = protocol;
  // A delete matches any type (RTN_UNSPEC): the prefix of a drop route is removed knowing only
  // the prefix, as `ip route del` does.
  switch (remove ? KernelRouteType::kUnicast : r.type) {
    case KernelRouteType::kUnicast: rtm->rtm_type = remove ? RTN_UNSPEC : RTN_UNICAST; break;
    case KernelRouteType::kBlackhole: rtm->rtm_type = RTN_BLACKHOLE; break;
    case KernelRouteType::kUnreachable: rtm->rtm_type = RTN_UNREACHABLE; break;
  }
  rtm->rtm_table = static_cast<uint8_t>(r.table < 256 ? r.table : RT_TABLE_UNSPEC);
  if (r.table >= 256) mnl_attr_put_u32(nlh, RTA_TABLE, r.table);
  bool any_gateway = false;
  for (const auto& nh : r.nexthops) any_gateway |= nh.gateway.has_value();
  const bool drop = r.type != KernelRouteType::kUnicast;
  rtm->rtm_scope = remove ? RT_SCOPE_NOWHERE
                          : (any_gateway || drop ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
  if (r.prefix.length() > 0) put_address(nlh, RTA_DST, r.prefix.address());
  if (with_metric) mnl_attr_put_u32(nlh, RTA_PRIORITY, r.metric);
  if (remove || drop) return nlh->nlmsg_len;

  if (r.nexthops.size() == 1) {
    const auto& nh = r.nexthops[0];
    if (nh.gateway) put_address(nlh, RTA_GATEWAY, *nh.gateway);
    if (nh.ifindex) mnl_attr_put_u32(nlh, RTA_OIF, static_cast<uint32_t>(nh.ifindex));
  } else if (r.nexthops.size() > 1) {
    nlattr* nest = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
    for (const auto& nh : r.nexthops) {
      auto* rtnh = static_cast<rtnexthop*>(mnl_nlmsg_get_payload_tail(nlh));
      std::memset(rtnh, 0, sizeof(rtnexthop));
      nlh->nlmsg_len += MNL_ALIGN(sizeof(rtnexthop));
      rtnh->rtnh_ifindex = nh.ifindex;
      rtnh->rtnh_hops = static_cast<uint8_t>(nh.weight > 0 ? nh.weight - 1 : 0);
      if (nh.gateway) put_address(nlh, RTA_GATEWAY, *nh.gateway);
      rtnh->rtnh_len = static_cast<unsigned short>(
          static_cast<char*>(mnl_nlmsg_get_payload_tail(nlh)) - reinterpret_cast<char*>(rtnh));
    }
    mnl_attr_nest_end(nlh, nest);
  }
  return nlh->nlmsg_len;
}

}  // namespace

RouteSocket::RouteSocket(mnl_socket* socket, uint8_t protocol)
    : socket_(socket), protocol_(protocol), port_id_(mnl_socket_get_portid(socket)) {
  buffer_.resize(kBatchBytes + kMaxMessageBytes);
}

RouteSocket::~RouteSocket() { mnl_socket_close(socket_); }

Result<std::unique_ptr<RouteSocket>> RouteSocket::open(uint8_t protocol) {
  mnl_socket* s = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
  if (!s) return fail(Error::unavailable(std::string("netlink socket: ") + std::strerror(errno)));
  if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
    std::string e = std::strerror(errno);
    mnl_socket_close(s);
    return fail(Error::unavailable("netlink bind: " + e));
  }
  int on = 1;
  mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &on, sizeof on);
  mnl_socket_setsockopt(s, NETLINK_EXT_ACK, &on, sizeof on);
  int rcvbuf = 8 * 1024 * 1024;
  // Many refused routes in one batch mean many error messages: make room for them.
  if (setsockopt(mnl_socket_get_fd(s), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0) {
    setsockopt(mnl_socket_get_fd(s), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  }
  return std::unique_ptr<RouteSocket>(new RouteSocket(s, protocol));
}

void RouteSocket::replace(const KernelRoute& route) { ops_.push_back({false, route}); }

void RouteSocket::remove(const Prefix& prefix, uint32_t table, std::optional<uint32_t> metric) {
  KernelRoute r;
  r.prefix = prefix;
  r.table = table;
  r.metric = metric.value_or(0);
  ops_.push_back({true, std::move(r), metric.has_value()});
}

Result<std::vector<RouteFailure>> RouteSocket::commit() {
  std::vector<RouteFailure> failures;
  size_t begin = 0;
  while (begin < ops_.size()) {
    // Fill one batch.
    size_t used = 0, end = begin;
    while (end < ops_.size() && used < kBatchBytes) {
      used += MNL_ALIGN(sizeof(nlmsghdr)) + MNL_ALIGN(sizeof(rtmsg)) + 64 +
              ops_[end].route.nexthops.size() * 32;
      ++end;
    }
    auto r = send_batch(begin, end);
    if (!r) {
      ops_.clear();
      return fail(r.error());
    }
    failures.insert(failures.end(), r->begin(), r->end());
    begin = end;
  }
  ops_.clear();
  return failures;
}

Result<std::vector<RouteFailure>> RouteSocket::send_batch(size_t begin, size_t end) {
  char* buf = buffer_.data();
  size_t len = 0;
  uint32_t first_seq = seq_;
  for (size_t i = begin; i < end; ++i) {
    const Op& op = ops_[i];
    len += build_message(buf + len, op.remove, op.metric_known, op.route, protocol_, seq_++,
                         i + 1 == end);
  }
  uint32_t last_seq = seq_ - 1;
  if (mnl_socket_sendto(socket_, buf, len) < 0) {
    return fail(Error::unavailable(std::string("netlink send: ") + std::strerror(errno)));
  }
  std::vector<RouteFailure> failures;
  std::vector<char> rbuf(kReceiveBytes);
  bool done = false;
  while (!done) {
    ssize_t n = mnl_socket_recvfrom(socket_, rbuf.data(), rbuf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Error::unavailable(std::string("netlink receive: ") + std::strerror(errno)));
    }
    rtnetlink::for_each_message(rbuf.data(), static_cast<size_t>(n), [&](const nlmsghdr* nlh) {
      if (nlh->nlmsg_pid != port_id_) return;
      if (nlh->nlmsg_seq < first_seq || nlh->nlmsg_seq > last_seq) return;
      auto ack = rtnetlink::parse_ack(nlh);
      if (!ack) return;
      if (ack->error != 0) {
        const Op& op = ops_[begin + (nlh->nlmsg_seq - first_seq)];
        std::string msg = std::strerror(ack->error);
        if (!ack->message.empty()) msg += " (" + ack->message + ")";
        failures.push_back({op.route.prefix, op.remove, ack->error, msg});
      }
      if (nlh->nlmsg_seq == last_seq) done = true;
    });
  }
  return failures;
}

Result<std::vector<KernelRoute>> RouteSocket::dump() {
  alignas(nlmsghdr) char req[1024];
  nlmsghdr* nlh = mnl_nlmsg_put_header(req);
  nlh->nlmsg_type = RTM_GETROUTE;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  nlh->nlmsg_seq = seq_++;
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rtm->rtm_family = AF_UNSPEC;
  if (mnl_socket_sendto(socket_, nlh, nlh->nlmsg_len) < 0) {
    return fail(Error::unavailable(std::string("netlink dump: ") + std::strerror(errno)));
  }
  std::vector<KernelRoute> routes;
  std::vector<char> rbuf(kReceiveBytes * 4);
  uint32_t seq = nlh->nlmsg_seq;
  while (true) {
    ssize_t n = mnl_socket_recvfrom(socket_, rbuf.data(), rbuf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Error::unavailable(std::string("netlink dump: ") + std::strerror(errno)));
    }
    bool done = false;
    std::optional<int> error;
    rtnetlink::for_each_message(rbuf.data(), static_cast<size_t>(n), [&](const nlmsghdr* m) {
      if (done || error || m->nlmsg_seq != seq) return;
      if (m->nlmsg_type == NLMSG_DONE) {
        done = true;
      } else if (auto ack = rtnetlink::parse_ack(m)) {
        error = ack->error ? ack->error : EPROTO;
      } else if (auto r = rtnetlink::parse_route(m, protocol_)) {
        routes.push_back(std::move(*r));
      }
    });
    if (error) return fail(Error::unavailable(std::string("netlink dump: ") + std::strerror(*error)));
    if (done) return routes;
  }
}

Result<size_t> RouteSocket::remove_all() {
  auto routes = dump();
  if (!routes) return fail(routes.error());
  for (const auto& r : *routes) remove(r.prefix, r.table, r.metric);
  auto failures = commit();
  if (!failures) return fail(failures.error());
  return routes->size() - failures->size();
}

}  // namespace vgw::rib::fib
