#include "vgw/rib/fib/interfaces.h"

#include "vgw/rib/fib/rtnetlink.h"

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
      std::optional<int> error;
      rtnetlink::for_each_message(buf.data(), static_cast<size_t>(n), [&](const nlmsghdr* m) {
        if (done || error || m->nlmsg_seq != nlh->nlmsg_seq) return;
        if (m->nlmsg_type == NLMSG_DONE) {
          done = true;
        } else if (auto ack = rtnetlink::parse_ack(m)) {
          error = ack->error ? ack->error : EPROTO;
        } else if (auto ev = rtnetlink::parse_interface(m)) {
          out.push_back(std::move(*ev));
        }
      });
      if (error) {
        errno = *error;
        return fail(netlink_error("dump"));
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
    rtnetlink::for_each_message(buf.data(), static_cast<size_t>(n), [&](const nlmsghdr* m) {
      if (auto ev = rtnetlink::parse_interface(m)) changes.events.push_back(std::move(*ev));
    });
  }
}

}  // namespace vgw::rib::fib
