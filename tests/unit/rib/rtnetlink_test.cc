// rtnetlink parsers: real kernel dumps (tests/fuzz/corpus/rtnetlink, written by
// tests/fuzz/rtnetlink_seeds.sh) and hand-made malformed messages.
#include "vgw/rib/fib/rtnetlink.h"

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include <gtest/gtest.h>

namespace vgw::rib::fib {
namespace {

// A corpus seed: the protocol byte, then one datagram.
std::vector<uint32_t> seed(const std::string& name) {
  std::ifstream in(std::string(VGW_SOURCE_DIR) + "/tests/fuzz/corpus/rtnetlink/" + name, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  EXPECT_GT(bytes.size(), 1u) << name;
  std::vector<uint32_t> out((bytes.size() + 2) / 4 + 1);
  std::memcpy(out.data(), bytes.data() + 1, bytes.size() - 1);
  out.resize((bytes.size() - 1 + 3) / 4);
  out.push_back(static_cast<uint32_t>(bytes.size() - 1));  // the length, last
  return out;
}

template <typename Fn>
void each(const std::vector<uint32_t>& s, Fn fn) {
  rtnetlink::for_each_message(s.data(), s.back(), fn);
}

std::vector<KernelRoute> routes_of(const std::string& name) {
  std::vector<KernelRoute> out;
  each(seed(name), [&](const nlmsghdr* m) {
    if (auto r = rtnetlink::parse_route(m, kRouteProtocol)) out.push_back(*r);
  });
  return out;
}

const KernelRoute* find(const std::vector<KernelRoute>& routes, const char* prefix) {
  for (const auto& r : routes) {
    if (r.prefix == *Prefix::parse(prefix)) return &r;
  }
  return nullptr;
}

TEST(Rtnetlink, LinksAndAddressesFromAKernelDump) {
  std::vector<InterfaceEvent> events;
  for (const char* name : {"links-0", "links-1", "addrs-0"}) {
    each(seed(name), [&](const nlmsghdr* m) {
      if (auto ev = rtnetlink::parse_interface(m)) events.push_back(*ev);
    });
  }
  bool d0 = false, p2p = false, v6 = false;
  for (const auto& ev : events) {
    if (ev.kind == InterfaceEvent::Kind::kLink && ev.link.name == "d0") {
      d0 = true;
      EXPECT_EQ(ev.link.mtu, 1400u);
      EXPECT_TRUE(ev.link.admin_up);
    }
    if (ev.kind == InterfaceEvent::Kind::kAddressAdded) {
      // The point-to-point address is our own (IFA_LOCAL), not the peer's (IFA_ADDRESS).
      if (ev.address.to_string() == "10.0.0.1/32") p2p = true;
      if (ev.address.to_string() == "2001:db8::1/64") v6 = true;
      EXPECT_NE(ev.address.to_string(), "10.0.0.2/32");
    }
  }
  EXPECT_TRUE(d0);
  EXPECT_TRUE(p2p);
  EXPECT_TRUE(v6);
}

TEST(Rtnetlink, RoutesFromAKernelDump) {
  auto routes = routes_of("routes-0");
  const auto* gw = find(routes, "198.51.100.0/24");
  ASSERT_NE(gw, nullptr);
  ASSERT_EQ(gw->nexthops.size(), 1u);
  EXPECT_EQ(gw->nexthops[0].gateway->to_string(), "192.0.2.2");
  EXPECT_EQ(gw->metric, 20u);
  const auto* multi = find(routes, "203.0.113.0/24");
  ASSERT_NE(multi, nullptr);
  EXPECT_EQ(multi->table, 1000u);
  ASSERT_EQ(multi->nexthops.size(), 2u);
  EXPECT_EQ(multi->nexthops[0].weight, 3);
  EXPECT_EQ(multi->nexthops[1].weight, 255);  // rtnh_hops 254
  const auto* v6 = find(routes, "2001:db8:1::/48");
  ASSERT_NE(v6, nullptr);
  EXPECT_EQ(v6->nexthops.size(), 2u);
  ASSERT_NE(find(routes, "100.64.0.0/10"), nullptr);
  EXPECT_EQ(find(routes, "100.64.0.0/10")->type, KernelRouteType::kBlackhole);
  EXPECT_EQ(find(routes, "198.18.0.0/15")->type, KernelRouteType::kUnreachable);
  // Routes of other protocols (the kernel's connected routes) are not ours.
  EXPECT_EQ(find(routes, "192.0.2.0/24"), nullptr);
}

TEST(Rtnetlink, ExtendedAckWithAndWithoutTheQuotedRequest) {
  for (const char* name : {"refused-0", "refused-uncapped-0"}) {
    int acks = 0;
    each(seed(name), [&](const nlmsghdr* m) {
      auto ack = rtnetlink::parse_ack(m);
      ASSERT_TRUE(ack);
      ++acks;
      EXPECT_EQ(ack->error, ENETUNREACH) << name;  // the kernel's answer to an off-link gateway
      EXPECT_EQ(ack->message, "Nexthop has invalid gateway") << name;
    });
    EXPECT_EQ(acks, 1) << name;
  }
}

// Builds one message: header, fixed part, attributes (type, payload).
struct Msg {
  std::vector<uint32_t> words;
  size_t len = 0;
  Msg(uint16_t type, const void* fixed, size_t fixed_len) {
    append(nullptr, sizeof(nlmsghdr));
    append(fixed, fixed_len);
    header()->nlmsg_type = type;
  }
  nlmsghdr* header() { return reinterpret_cast<nlmsghdr*>(words.data()); }
  void append(const void* p, size_t n) {
    size_t at = len;
    len += NLMSG_ALIGN(n);
    words.resize((len + 3) / 4);
    if (p) std::memcpy(reinterpret_cast<char*>(words.data()) + at, p, n);
    header()->nlmsg_len = static_cast<uint32_t>(len);
  }
  void attr(uint16_t type, const void* p, uint16_t n) {
    nlattr a{static_cast<uint16_t>(sizeof(nlattr) + n), type};
    std::vector<char> b(sizeof a + n);
    std::memcpy(b.data(), &a, sizeof a);
    if (n) std::memcpy(b.data() + sizeof a, p, n);
    append(b.data(), b.size());
  }
};

rtmsg our_route(uint8_t family, uint8_t dst_len) {
  rtmsg rtm{};
  rtm.rtm_family = family;
  rtm.rtm_dst_len = dst_len;
  rtm.rtm_protocol = kRouteProtocol;
  rtm.rtm_table = RT_TABLE_MAIN;
  rtm.rtm_type = RTN_UNICAST;
  return rtm;
}

TEST(Rtnetlink, MalformedRoutesAreIgnoredOrReadWithinTheirBounds) {
  {  // a prefix length beyond the family's bits is no route
    rtmsg rtm = our_route(AF_INET, 200);
    Msg m(RTM_NEWROUTE, &rtm, sizeof rtm);
    EXPECT_FALSE(rtnetlink::parse_route(m.header(), kRouteProtocol));
  }
  {  // shorter than its rtmsg
    rtmsg rtm = our_route(AF_INET, 24);
    Msg m(RTM_NEWROUTE, &rtm, 4);
    m.header()->nlmsg_len = NLMSG_LENGTH(4);
    EXPECT_FALSE(rtnetlink::parse_route(m.header(), kRouteProtocol));
  }
  {  // a 2-byte RTA_PRIORITY / RTA_OIF is not read as 4 bytes
    rtmsg rtm = our_route(AF_INET, 24);
    Msg m(RTM_NEWROUTE, &rtm, sizeof rtm);
    uint8_t dst[4] = {198, 51, 100, 0};
    uint16_t two = 7;
    m.attr(RTA_DST, dst, 4);
    m.attr(RTA_PRIORITY, &two, 2);
    auto r = rtnetlink::parse_route(m.header(), kRouteProtocol);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->prefix.to_string(), "198.51.100.0/24");
    EXPECT_EQ(r->metric, 0u);
  }
  {  // multipath: rtnh_hops 255 is weight 256 in the kernel; ours stop at 255, never wrap to 0
    rtmsg rtm = our_route(AF_INET, 24);
    Msg m(RTM_NEWROUTE, &rtm, sizeof rtm);
    rtnexthop nh{};
    nh.rtnh_len = sizeof nh;
    nh.rtnh_hops = 255;
    nh.rtnh_ifindex = 3;
    m.attr(RTA_MULTIPATH, &nh, sizeof nh);
    auto r = rtnetlink::parse_route(m.header(), kRouteProtocol);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->nexthops.size(), 1u);
    EXPECT_EQ(r->nexthops[0].weight, 255);
  }
  {  // an address with a prefix length beyond 128 is no address
    ifaddrmsg ifa{};
    ifa.ifa_family = AF_INET6;
    ifa.ifa_prefixlen = 129;
    Msg m(RTM_NEWADDR, &ifa, sizeof ifa);
    uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8};
    m.attr(IFA_ADDRESS, a, 16);
    EXPECT_FALSE(rtnetlink::parse_interface(m.header()));
  }
}

TEST(Rtnetlink, AnAckQuotingMoreThanItHoldsKeepsItsErrorOnly) {
  nlmsgerr err{};
  err.error = -EEXIST;
  err.msg.nlmsg_len = 0xfffffff0u;  // claims a request far longer than the message
  Msg m(NLMSG_ERROR, &err, sizeof err);
  m.header()->nlmsg_flags = NLM_F_ACK_TLVS;  // not capped: the quote would come first
  auto ack = rtnetlink::parse_ack(m.header());
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->error, EEXIST);
  EXPECT_EQ(ack->message, "");
  err.error = INT32_MIN;  // not an errno
  Msg n(NLMSG_ERROR, &err, sizeof err);
  EXPECT_EQ(rtnetlink::parse_ack(n.header())->error, EPROTO);
}

TEST(Rtnetlink, ADatagramIsWalkedOnlyOverWholeMessages) {
  rtmsg rtm = our_route(AF_INET, 24);
  Msg m(RTM_NEWROUTE, &rtm, sizeof rtm);
  std::vector<uint32_t> two(m.words);
  two.insert(two.end(), m.words.begin(), m.words.end());
  int seen = 0;
  // The second message cut short by 4 bytes: only the first is whole.
  rtnetlink::for_each_message(two.data(), two.size() * 4 - 4, [&](const nlmsghdr*) { ++seen; });
  EXPECT_EQ(seen, 1);
  seen = 0;
  rtnetlink::for_each_message(two.data(), two.size() * 4, [&](const nlmsghdr*) { ++seen; });
  EXPECT_EQ(seen, 2);
  seen = 0;
  reinterpret_cast<nlmsghdr*>(two.data())->nlmsg_len = 8;  // shorter than a header
  rtnetlink::for_each_message(two.data(), two.size() * 4, [&](const nlmsghdr*) { ++seen; });
  EXPECT_EQ(seen, 0);
}

}  // namespace
}  // namespace vgw::rib::fib
