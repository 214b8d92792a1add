#include "vgw/rib/fib/interfaces.h"

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace vgw::rib::fib {

namespace {

constexpr size_t kReceiveBytes = 64 * 1024;

Error netlink_error(const char* what) {
  return Error::unavailable(std::string("netlink ") + what + ": " + std::strerror(errno));
}

// Calls fn(attr) for each attribute after a fixed header of `header` bytes.
template <typename Fn>
void for_each_attr(const nlmsghdr* nlh, size_t header, Fn fn) {
  const char* begin = static_cast<const char*>(mnl_nlmsg_get_payload_offset(nlh, header));
  int len = static_cast<int>(reinterpret_cast<const char*>(nlh) + nlh->nlmsg_len - begin);
  for (auto* a = reinterpret_cast<const nlattr*>(begin); mnl_attr_ok(a, len);
       len -= MNL_ALIGN(a->nla_len), a = mnl_attr_next(a)) {
    fn(a);
  }
}

std::optional<InterfaceEvent> parse(const nlmsghdr* nlh) {
  InterfaceEvent ev;
  if (nlh->nlmsg_type == RTM_NEWLINK || nlh->nlmsg_type == RTM_DELLINK) {
    if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(ifinfomsg))) return std::nullopt;
    const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
    ev.kind = nlh->nlmsg_type == RTM_NEWLINK ? InterfaceEvent::Kind::kLink
                                             : InterfaceEvent::Kind::kLinkRemoved;
    ev.link.ifindex = ifi->ifi_index;
    ev.link.admin_up = ifi->ifi_flags & IFF_UP;
    ev.link.oper_up = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);
    for_each_attr(nlh, sizeof(ifinfomsg), [&](const nlattr* a) {
      switch (mnl_attr_get_type(a)) {
        case IFLA_IFNAME:
          ev.link.name.assign(static_cast<const char*>(mnl_attr_get_payload(a)),
                              strnlen(static_cast<const char*>(mnl_attr_get_payload(a)),
                                      mnl_attr_get_payload_len(a)));
          break;
        case IFLA_MTU:
          if (mnl_attr_get_payload_len(a) >= 4) ev.link.mtu = mnl_attr_get_u32(a);
          break;
        default: break;
      }
    });
    return ev;
  }
  if (nlh->nlmsg_type == RTM_NEWADDR || nlh->nlmsg_type == RTM_DELADDR) {
    if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(ifaddrmsg))) return std::nullopt;
    const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
    if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) return std::nullopt;
    ev.kind = nlh->nlmsg_type == RTM_NEWADDR ? InterfaceEvent::Kind::kAddressAdded
                                             : InterfaceEvent::Kind::kAddressRemoved;
    ev.ifindex = static_cast<int>(ifa->ifa_index);
    std::optional<IpAddress> local, address;
    for_each_attr(nlh, sizeof(ifaddrmsg), [&](const nlattr* a) {
      uint16_t type = mnl_attr_get_type(a);
      if (type != IFA_LOCAL && type != IFA_ADDRESS) return;
      const auto* p = static_cast<const uint8_t*>(mnl_attr_get_payload(a));
      size_t len = mnl_attr_get_payload_len(a);
      std::optional<IpAddress> ip;
      if (ifa->ifa_family == AF_INET && len == 4) ip = IpAddress::v4({p[0], p[1], p[2], p[3]});
      if (ifa->ifa_family == AF_INET6 && len == 16) {
        std::array<uint8_t, 16> b;
        std::memcpy(b.data(), p, 16);
        ip = IpAddress::v6(b);
      }
      (type == IFA_LOCAL ? local : address) = ip;
    });
    // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer on point-to-point
    // links (and the same as IFA_LOCAL elsewhere). IPv6 sends only IFA_ADDRESS.
    auto own = local ? local : address;
    if (!own) return std::nullopt;
    ev.address = InterfaceAddress{*own, ifa->ifa_prefixlen};
    return ev;
  }
  return std::nullopt;
}

}  // namespace

InterfaceWatcher::InterfaceWatcher(mnl_socket* events, mnl_socket* requests)
    : events_(events), requests_(requests) {}

InterfaceWatcher::~InterfaceWatcher() {
  mnl_socket_close(events_);
  mnl_socket_close(requests_);
}

Result<std::unique_ptr<InterfaceWatcher>> InterfaceWatcher::open() {
  mnl_socket* ev = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (!ev) return fail(netlink_error("socket"));
  unsigned groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
  if (mnl_socket_bind(ev, groups, MNL_SOCKET_AUTOPID) < 0) {
    Error e = netlink_error("bind");
    mnl_socket_close(ev);
    return fail(e);
  }
  int rcvbuf = 4 * 1024 * 1024;
  if (setsockopt(mnl_socket_get_fd(ev), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0) {
    setsockopt(mnl_socket_get_fd(ev), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  }
  mnl_socket* rq = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
  if (!rq || mnl_socket_bind(rq, 0, MNL_SOCKET_AUTOPID) < 0) {
    Error e = netlink_error("socket");
    if (rq) mnl_socket_close(rq);
    mnl_socket_close(ev);
    return fail(e);
  }
  return std::unique_ptr<InterfaceWatcher>(new InterfaceWatcher(ev, rq));
}

int InterfaceWatcher::event_fd() const { return mnl_socket_get_fd(events_); }

Result<std::vector<InterfaceEvent>> InterfaceWatcher::dump() {
  std::vector<InterfaceEvent> out;
  std::vector<char> buf(kReceiveBytes);
  for (uint16_t type : {uint16_t{RTM_GETLINK}, uint16_t{RTM_GETADDR}}) {
    alignas(nlmsghdr) char req[256];
    nlmsghdr* nlh = mnl_nlmsg_put_header(req);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    nlh->nlmsg_seq = seq_++;
    if (type == RTM_GETLINK) {
      static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)))->ifi_family = AF_UNSPEC;
    } else {
      static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)))->ifa_family = AF_UNSPEC;
    }
    if (mnl_socket_sendto(requests_, nlh, nlh->nlmsg_len) < 0) return fail(netlink_error("dump"));
    bool done = false;
    while (!done) {
      ssize_t n = mnl_socket_recvfrom(requests_, buf.data(), buf.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return fail(netlink_error("dump"));
      }
      int remaining = static_cast<int>(n);
      for (auto* m = reinterpret_cast<const nlmsghdr*>(buf.data()); mnl_nlmsg_ok(m, remaining);
           m = mnl_nlmsg_next(m, &remaining)) {
        if (m->nlmsg_seq != nlh->nlmsg_seq) continue;
        if (m->nlmsg_type == NLMSG_DONE) {
          done = true;
          break;
        }
        if (m->nlmsg_type == NLMSG_ERROR) {
          errno = -static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(m))->error;
          return fail(netlink_error("dump"));
        }
        if (auto ev = parse(m)) out.push_back(std::move(*ev));
      }
    }
  }
  return out;
}

Result<InterfaceWatcher::Changes> InterfaceWatcher::read() {
  Changes changes;
  std::vector<char> buf(kReceiveBytes);
  while (true) {
    ssize_t n = mnl_socket_recvfrom(events_, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return changes;
      if (errno == ENOBUFS) {
        changes.overrun = true;
        continue;
      }
      return fail(netlink_error("receive"));
    }
    int remaining = static_cast<int>(n);
    for (auto* m = reinterpret_cast<const nlmsghdr*>(buf.data()); mnl_nlmsg_ok(m, remaining);
         m = mnl_nlmsg_next(m, &remaining)) {
      if (auto ev = parse(m)) changes.events.push_back(std::move(*ev));
    }
  }
}

}  // namespace vgw::rib::fib
