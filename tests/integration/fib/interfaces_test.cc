// InterfaceWatcher against the real kernel in a private network namespace.
#include "vgw/rib/fib/interfaces.h"

#include <net/if.h>
#include <poll.h>

#include <algorithm>
#include <cstdlib>

#include <gtest/gtest.h>

namespace vgw::rib::fib {
namespace {

using Kind = InterfaceEvent::Kind;

// Waits for events until pred is satisfied by the accumulated list (or 5 s pass).
template <typename Pred>
std::vector<InterfaceEvent> wait_for(InterfaceWatcher& w, Pred pred) {
  std::vector<InterfaceEvent> all;
  for (int i = 0; i < 50 && !pred(all); ++i) {
    pollfd p{w.event_fd(), POLLIN, 0};
    poll(&p, 1, 100);
    auto c = w.read();
    EXPECT_TRUE(c.ok());
    if (c.ok()) all.insert(all.end(), c->events.begin(), c->events.end());
  }
  return all;
}

bool has(const std::vector<InterfaceEvent>& evs, Kind kind, const std::string& name_or_addr) {
  return std::any_of(evs.begin(), evs.end(), [&](const InterfaceEvent& e) {
    if (e.kind != kind) return false;
    if (kind == Kind::kLink || kind == Kind::kLinkRemoved) return e.link.name == name_or_addr;
    return e.address.to_string() == name_or_addr;
  });
}

TEST(InterfaceWatcher, DumpsLinksAndAddresses) {
  ASSERT_EQ(std::system("ip link add ifw0 type veth peer name ifw1 && ip addr add 10.7.0.1/30 dev ifw0 && "
                        "ip -6 addr add 2001:db8:7::1/64 dev ifw0 nodad && ip link set ifw0 up && ip link set ifw1 up"),
            0);
  auto w = InterfaceWatcher::open();
  ASSERT_TRUE(w.ok()) << w.error().message;
  auto d = (*w)->dump();
  ASSERT_TRUE(d.ok());
  auto link = std::find_if(d->begin(), d->end(),
                           [](const InterfaceEvent& e) { return e.kind == Kind::kLink && e.link.name == "ifw0"; });
  ASSERT_NE(link, d->end());
  EXPECT_TRUE(link->link.admin_up);
  EXPECT_EQ(link->link.ifindex, static_cast<int>(if_nametoindex("ifw0")));
  EXPECT_GT(link->link.mtu, 0u);
  EXPECT_TRUE(has(*d, Kind::kAddressAdded, "10.7.0.1/30"));
  EXPECT_TRUE(has(*d, Kind::kAddressAdded, "2001:db8:7::1/64"));
  EXPECT_TRUE(has(*d, Kind::kAddressAdded, "127.0.0.1/8"));
  ASSERT_EQ(std::system("ip link del ifw0"), 0);
}

TEST(InterfaceWatcher, StreamsChanges) {
  auto w = InterfaceWatcher::open();
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(std::system("ip link add ifs0 type veth peer name ifs1 && ip link set ifs0 up && ip link set ifs1 up && "
                        "ip addr add 10.8.0.1/24 dev ifs0"),
            0);
  auto evs = wait_for(**w, [](auto& all) { return has(all, Kind::kAddressAdded, "10.8.0.1/24"); });
  EXPECT_TRUE(has(evs, Kind::kLink, "ifs0"));
  EXPECT_TRUE(has(evs, Kind::kAddressAdded, "10.8.0.1/24"));

  ASSERT_EQ(std::system("ip link set ifs0 down"), 0);
  evs = wait_for(**w, [](auto& all) {
    return std::any_of(all.begin(), all.end(), [](auto& e) {
      return e.kind == Kind::kLink && e.link.name == "ifs0" && !e.link.admin_up;
    });
  });
  EXPECT_TRUE(std::any_of(evs.begin(), evs.end(), [](auto& e) {
    return e.kind == Kind::kLink && e.link.name == "ifs0" && !e.link.admin_up && !e.link.oper_up;
  }));

  ASSERT_EQ(std::system("ip addr del 10.8.0.1/24 dev ifs0 && ip link del ifs0"), 0);
  evs = wait_for(**w, [](auto& all) { return has(all, Kind::kLinkRemoved, "ifs0"); });
  EXPECT_TRUE(has(evs, Kind::kAddressRemoved, "10.8.0.1/24"));
  EXPECT_TRUE(has(evs, Kind::kLinkRemoved, "ifs0"));
}

}  // namespace
}  // namespace vgw::rib::fib
