// RouteSocket against the real kernel, in a private network namespace: single, multipath and
// weighted routes, replace on change, per-route errors, removal, dump and stale cleanup.
#include "vgw/rib/fib/route_socket.h"

#include <net/if.h>

#include <cstdlib>

#include <gtest/gtest.h>

#include "kernel_table.h"

namespace vgw::rib::fib {
namespace {

using test::field;
using test::kernel_routes;

class RouteSocketTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Two veth pairs (both ends here): uplinks vfa0 (10.1.0.1/24) and vfb0 (10.2.0.1/24).
    ASSERT_EQ(std::system("ip link add vfa0 type veth peer name vfa1 && ip link add vfb0 type veth peer name vfb1 && "
                          "ip addr add 10.1.0.1/24 dev vfa0 && ip addr add 10.2.0.1/24 dev vfb0 && "
                          "ip -6 addr add 2001:db8:1::1/64 dev vfa0 nodad && "
                          "ip -6 addr add 2001:db8:2::1/64 dev vfb0 nodad && "
                          "for i in vfa0 vfa1 vfb0 vfb1; do ip link set $i up; done"),
              0);
  }
  void SetUp() override {
    auto s = RouteSocket::open();
    ASSERT_TRUE(s.ok()) << s.error().message;
    sock_ = std::move(*s);
    ASSERT_TRUE(sock_->remove_all().ok());
  }
  static KernelNexthop via(const char* gw, const char* dev, uint8_t weight = 1) {
    return {*IpAddress::parse(gw), static_cast<int>(if_nametoindex(dev)), weight};
  }
  static Prefix pfx(const char* p) { return *Prefix::parse(p); }
  std::unique_ptr<RouteSocket> sock_;
};

TEST_F(RouteSocketTest, InstallsSingleAndMultipathRoutesWithWeights) {
  sock_->replace({pfx("192.0.2.0/24"), {via("10.1.0.2", "vfa0")}});
  sock_->replace({pfx("198.51.100.0/24"), {via("10.1.0.2", "vfa0", 3), via("10.2.0.2", "vfb0", 1)}});
  sock_->replace({pfx("2001:db8:100::/48"), {via("2001:db8:1::2", "vfa0"), via("2001:db8:2::2", "vfb0")}});
  auto failures = sock_->commit();
  ASSERT_TRUE(failures.ok()) << failures.error().message;
  EXPECT_TRUE(failures->empty());

  auto v4 = kernel_routes("route show proto 199");
  ASSERT_EQ(v4.values_size(), 2);
  EXPECT_EQ(field(v4.values(0), "dst"), "192.0.2.0/24");
  EXPECT_EQ(field(v4.values(0), "gateway"), "10.1.0.2");
  EXPECT_EQ(field(v4.values(0), "dev"), "vfa0");
  EXPECT_EQ(field(v4.values(0), "metric"), "20");
  const auto& mp = v4.values(1);
  EXPECT_EQ(field(mp, "dst"), "198.51.100.0/24");
  const auto& hops = mp.struct_value().fields().at("nexthops").list_value();
  ASSERT_EQ(hops.values_size(), 2);
  EXPECT_EQ(field(hops.values(0), "gateway"), "10.1.0.2");
  EXPECT_EQ(field(hops.values(0), "weight"), "3");
  EXPECT_EQ(field(hops.values(1), "gateway"), "10.2.0.2");
  EXPECT_EQ(field(hops.values(1), "weight"), "1");

  auto v6 = kernel_routes("-6 route show proto 199");
  ASSERT_EQ(v6.values_size(), 1);
  EXPECT_EQ(field(v6.values(0), "dst"), "2001:db8:100::/48");
  EXPECT_EQ(v6.values(0).struct_value().fields().at("nexthops").list_value().values_size(), 2);

  // Our own dump reads back exactly what was installed.
  auto dumped = sock_->dump();
  ASSERT_TRUE(dumped.ok());
  ASSERT_EQ(dumped->size(), 3u);
}

TEST_F(RouteSocketTest, ReplacesInPlaceOnChange) {
  sock_->replace({pfx("203.0.113.0/24"), {via("10.1.0.2", "vfa0"), via("10.2.0.2", "vfb0")}});
  ASSERT_TRUE(sock_->commit().ok());
  // ECMP shrinks to one path, then moves: each a replace, never two routes for one prefix.
  sock_->replace({pfx("203.0.113.0/24"), {via("10.2.0.2", "vfb0")}});
  ASSERT_TRUE(sock_->commit().ok());
  auto r = kernel_routes("route show proto 199");
  ASSERT_EQ(r.values_size(), 1);
  EXPECT_EQ(field(r.values(0), "gateway"), "10.2.0.2");
  EXPECT_EQ(r.values(0).struct_value().fields().count("nexthops"), 0u);
  sock_->replace({pfx("203.0.113.0/24"), {via("10.1.0.2", "vfa0")}});
  ASSERT_TRUE(sock_->commit().ok());
  r = kernel_routes("route show proto 199");
  ASSERT_EQ(r.values_size(), 1);
  EXPECT_EQ(field(r.values(0), "dev"), "vfa0");
}

TEST_F(RouteSocketTest, ReportsKernelRefusalsPerRoute) {
  sock_->replace({pfx("192.0.2.0/24"), {via("10.1.0.2", "vfa0")}});
  sock_->replace({pfx("192.0.2.128/25"), {via("10.9.9.9", "vfa0")}});  // gateway not on-link
  sock_->replace({pfx("198.51.100.0/24"), {via("10.2.0.2", "vfb0")}});
  auto failures = sock_->commit();
  ASSERT_TRUE(failures.ok());
  ASSERT_EQ(failures->size(), 1u);
  EXPECT_EQ((*failures)[0].prefix.to_string(), "192.0.2.128/25");
  EXPECT_NE((*failures)[0].error, 0);
  EXPECT_FALSE((*failures)[0].message.empty());
  EXPECT_EQ(kernel_routes("route show proto 199").values_size(), 2);  // the others went in
}

TEST_F(RouteSocketTest, RemovesOnlyItsOwnRoutes) {
  ASSERT_EQ(std::system("ip route add 192.0.2.0/24 via 10.1.0.2 proto static"), 0);
  sock_->replace({pfx("192.0.2.0/24"), {via("10.2.0.2", "vfb0")}, kMainTable, 30});
  ASSERT_TRUE(sock_->commit().ok());
  sock_->remove(pfx("192.0.2.0/24"));
  auto failures = sock_->commit();
  ASSERT_TRUE(failures.ok());
  EXPECT_TRUE(failures->empty());
  EXPECT_EQ(kernel_routes("route show proto 199").values_size(), 0);
  EXPECT_EQ(kernel_routes("route show proto static").values_size(), 1);  // not ours: untouched
  ASSERT_EQ(std::system("ip route del 192.0.2.0/24 proto static"), 0);
}

TEST_F(RouteSocketTest, CleansStaleRoutesOfItsProtocolInBulk) {
  // Stale routes from a "previous run", installed by someone else's tool with our protocol.
  ASSERT_EQ(std::system("for i in $(seq 0 199); do echo \"route add 100.64.$i.0/24 via 10.1.0.2 proto 199\"; done"
                        " | ip -batch -"),
            0);
  ASSERT_EQ(std::system("ip -6 route add 2001:db8:ff::/48 via 2001:db8:1::2 proto 199"), 0);
  auto removed = sock_->remove_all();
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 201u);
  EXPECT_EQ(kernel_routes("route show proto 199").values_size(), 0);
  EXPECT_EQ(kernel_routes("-6 route show proto 199").values_size(), 0);
}

TEST_F(RouteSocketTest, ProgramsManyRoutesInBatches) {
  constexpr int kRoutes = 20000;
  for (int i = 0; i < kRoutes; ++i) {
    uint32_t addr = 0x64000000u + (static_cast<uint32_t>(i) << 8);  // 100.0.0.0 + i/24
    sock_->replace({Prefix(IpAddress::v4(addr), 24), {via("10.1.0.2", "vfa0"), via("10.2.0.2", "vfb0")}});
  }
  auto failures = sock_->commit();
  ASSERT_TRUE(failures.ok());
  EXPECT_TRUE(failures->empty());
  EXPECT_EQ(test::run_command("ip route show proto 199 | grep -c '^100\\.'"), std::to_string(kRoutes) + "\n");
  auto removed = sock_->remove_all();
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, static_cast<size_t>(kRoutes));
}

}  // namespace
}  // namespace vgw::rib::fib
