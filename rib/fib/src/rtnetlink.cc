#include "vgw/rib/fib/rtnetlink.h"

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace vgw::rib::fib::rtnetlink {

namespace {

// True if a whole message starts at m within `remaining` bytes.
bool whole(const nlmsghdr* m, size_t remaining) {
  return remaining >= sizeof(nlmsghdr) && m->nlmsg_len >= sizeof(nlmsghdr) &&
         m->nlmsg_len <= remaining;
}

// Calls fn(attr) for each whole attribute of the message after a fixed header of `header`
// bytes (the caller has checked that the message holds the header).
template <typename Fn>
void for_each_attr(const nlmsghdr* nlh, size_t header, Fn fn) {
  size_t offset = NLMSG_HDRLEN + MNL_ALIGN(header);
  if (offset >= nlh->nlmsg_len) return;
  const char* begin = reinterpret_cast<const char*>(nlh) + offset;
  int len = static_cast<int>(nlh->nlmsg_len - offset);
  for (auto* a = reinterpret_cast<const nlattr*>(begin); mnl_attr_ok(a, len);
       len -= MNL_ALIGN(a->nla_len), a = mnl_attr_next(a)) {
    fn(a);
  }
}

std::optional<uint32_t> u32_of(const nlattr* a) {
  if (mnl_attr_get_payload_len(a) < sizeof(uint32_t)) return std::nullopt;
  return mnl_attr_get_u32(a);
}

std::optional<IpAddress> address_from(const uint8_t* p, size_t len, int family) {
  if (family == AF_INET && len == 4) return IpAddress::v4({p[0], p[1], p[2], p[3]});
  if (family == AF_INET6 && len == 16) {
    std::array<uint8_t, 16> b;
    std::memcpy(b.data(), p, 16);
    return IpAddress::v6(b);
  }
  return std::nullopt;
}

std::optional<IpAddress> address_from(const nlattr* a, int family) {
  return address_from(static_cast<const uint8_t*>(mnl_attr_get_payload(a)),
                      mnl_attr_get_payload_len(a), family);
}

int max_length(int family) { return family == AF_INET ? 32 : 128; }

std::string string_of(const nlattr* a) {
  const char* p = static_cast<const char*>(mnl_attr_get_payload(a));
  return std::string(p, strnlen(p, mnl_attr_get_payload_len(a)));
}

}  // namespace

const nlmsghdr* first_message(const void* data, size_t len, size_t& remaining) {
  remaining = len;
  const auto* m = static_cast<const nlmsghdr*>(data);
  return whole(m, remaining) ? m : nullptr;
}

const nlmsghdr* next_message(const nlmsghdr* nlh, size_t& remaining) {
  size_t step = NLMSG_ALIGN(nlh->nlmsg_len);
  if (step >= remaining) {
    remaining = 0;
    return nullptr;
  }
  remaining -= step;
  const auto* m = reinterpret_cast<const nlmsghdr*>(reinterpret_cast<const char*>(nlh) + step);
  return whole(m, remaining) ? m : nullptr;
}

std::optional<InterfaceEvent> parse_interface(const nlmsghdr* nlh) {
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
        case IFLA_IFNAME: ev.link.name = string_of(a); break;
        case IFLA_MTU:
          if (auto v = u32_of(a)) ev.link.mtu = *v;
          break;
        default: break;
      }
    });
    return ev;
  }
  if (nlh->nlmsg_type == RTM_NEWADDR || nlh->nlmsg_type == RTM_DELADDR) {
    if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(ifaddrmsg))) return std::nullopt;
    const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
    int family = ifa->ifa_family;
    if (family != AF_INET && family != AF_INET6) return std::nullopt;
    if (ifa->ifa_prefixlen > max_length(family)) return std::nullopt;
    ev.kind = nlh->nlmsg_type == RTM_NEWADDR ? InterfaceEvent::Kind::kAddressAdded
                                             : InterfaceEvent::Kind::kAddressRemoved;
    ev.ifindex = static_cast<int>(ifa->ifa_index);
    std::optional<IpAddress> local, address;
    for_each_attr(nlh, sizeof(ifaddrmsg), [&](const nlattr* a) {
      uint16_t type = mnl_attr_get_type(a);
      if (type == IFA_LOCAL) local = address_from(a, family);
      if (type == IFA_ADDRESS) address = address_from(a, family);
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

std::optional<KernelRoute> parse_route(const nlmsghdr* nlh, uint8_t protocol) {
  if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(rtmsg))) {
    return std::nullopt;
  }
  const auto* rtm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(nlh));
  if (rtm->rtm_protocol != protocol || (rtm->rtm_flags & RTM_F_CLONED)) return std::nullopt;
  int family = rtm->rtm_family;
  if (family != AF_INET && family != AF_INET6) return std::nullopt;
  if (rtm->rtm_dst_len > max_length(family)) return std::nullopt;
  KernelRoute r;
  if (rtm->rtm_type == RTN_BLACKHOLE) r.type = KernelRouteType::kBlackhole;
  if (rtm->rtm_type == RTN_UNREACHABLE) r.type = KernelRouteType::kUnreachable;
  r.table = rtm->rtm_table;
  r.metric = 0;  // no RTA_PRIORITY means metric 0
  IpAddress dst = family == AF_INET ? IpAddress::v4(0u) : IpAddress::v6({});
  KernelNexthop single;
  bool has_single = false;
  for_each_attr(nlh, sizeof(rtmsg), [&](const nlattr* attr) {
    switch (mnl_attr_get_type(attr)) {
      case RTA_DST:
        if (auto a = address_from(attr, family)) dst = *a;
        break;
      case RTA_TABLE:
        if (auto v = u32_of(attr)) r.table = *v;
        break;
      case RTA_PRIORITY:
        if (auto v = u32_of(attr)) r.metric = *v;
        break;
      case RTA_GATEWAY:
        single.gateway = address_from(attr, family);
        has_single = true;
        break;
      case RTA_OIF:
        if (auto v = u32_of(attr)) single.ifindex = static_cast<int>(*v);
        has_single = true;
        break;
      case RTA_MULTIPATH: {
        // A list of rtnexthop, each followed by its own attributes, inside the attribute.
        const char* p = static_cast<const char*>(mnl_attr_get_payload(attr));
        const char* end = p + mnl_attr_get_payload_len(attr);
        while (static_cast<size_t>(end - p) >= sizeof(rtnexthop)) {
          const auto* rtnh = reinterpret_cast<const rtnexthop*>(p);
          if (rtnh->rtnh_len < sizeof(rtnexthop) || rtnh->rtnh_len > end - p) break;
          KernelNexthop nh;
          nh.ifindex = rtnh->rtnh_ifindex;
          // rtnh_hops is weight - 1 (0..255); our weights stop at 255.
          nh.weight = static_cast<uint8_t>(std::min(rtnh->rtnh_hops + 1, 255));
          const char* nh_end = p + rtnh->rtnh_len;
          const char* a = p + RTNH_ALIGN(sizeof(rtnexthop));
          while (a < nh_end && static_cast<size_t>(nh_end - a) >= sizeof(nlattr)) {
            const auto* na = reinterpret_cast<const nlattr*>(a);
            if (na->nla_len < sizeof(nlattr) || na->nla_len > nh_end - a) break;
            if (mnl_attr_get_type(na) == RTA_GATEWAY) {
              nh.gateway = address_from(reinterpret_cast<const uint8_t*>(a) + MNL_ATTR_HDRLEN,
                                        na->nla_len - MNL_ATTR_HDRLEN, family);
            }
            a += MNL_ALIGN(na->nla_len);
          }
          r.nexthops.push_back(nh);
          size_t step = RTNH_ALIGN(rtnh->rtnh_len);
          if (step >= static_cast<size_t>(end - p)) break;
          p += step;
        }
        break;
      }
      default: break;
    }
  });
  if (has_single && r.nexthops.empty()) r.nexthops.push_back(single);
  r.prefix = Prefix(dst, rtm->rtm_dst_len);
  return r;
}

std::optional<Ack> parse_ack(const nlmsghdr* nlh) {
  if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) {
    return std::nullopt;
  }
  const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
  Ack ack;
  // The kernel sends -errno; anything out of range is kept as EPROTO rather than negated
  // (INT_MIN has no positive counterpart).
  ack.error = err->error <= 0 && err->error > -4096 ? -err->error : EPROTO;
  if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return ack;
  // The extended ack's attributes follow the quoted request: its header only when the
  // kernel capped the quote (NETLINK_CAP_ACK), else the whole request.
  size_t offset = sizeof(nlmsgerr);
  if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
    if (err->msg.nlmsg_len < sizeof(nlmsghdr)) return ack;
    offset += err->msg.nlmsg_len - sizeof(nlmsghdr);
  }
  size_t start = NLMSG_HDRLEN + MNL_ALIGN(offset);
  if (offset > nlh->nlmsg_len || start >= nlh->nlmsg_len) return ack;
  const char* p = reinterpret_cast<const char*>(nlh) + start;
  int len = static_cast<int>(nlh->nlmsg_len - start);
  for (auto* a = reinterpret_cast<const nlattr*>(p); mnl_attr_ok(a, len);
       len -= MNL_ALIGN(a->nla_len), a = mnl_attr_next(a)) {
    if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG) {
      ack.message = string_of(a);
      break;
    }
  }
  return ack;
}

}  // namespace vgw::rib::fib::rtnetlink
