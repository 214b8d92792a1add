// Recursive next-hop resolution and next-hop tracking: chains (BGP via static via connected),
// withdrawal of dependants, more-specifics taking over, the layering rule (BGP never via BGP,
// static only on-link), partial ECMP, flapping without leaks, IPv4 over IPv6 next-hops.
#include <gtest/gtest.h>

#include "rib_test_util.h"
#include "vgw/rib/rib.h"

namespace vgw::rib {
namespace {

using testing::A;
using testing::Groups;
using testing::P;
using testing::spec;

class Resolution : public ::testing::Test {
 protected:
  std::string installed(const char* prefix) {
    return rib_.groups().to_string(rib_.selected(P(prefix)).group);
  }
  Rib rib_;
  Groups g_{rib_};
};

TEST_F(Resolution, BgpViaStaticViaConnected) {
  ASSERT_TRUE(rib_.add(P("192.0.2.0/24"), spec(RouteSource::kConnected, g_({"dev eth0"}))).ok());
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, g_({"via 192.0.2.1"}))).ok());
  ASSERT_TRUE(
      rib_.add(P("203.0.113.0/24"), spec(RouteSource::kEbgp, g_({"via 10.1.1.1"}))).ok());
  EXPECT_EQ(installed("10.0.0.0/8"), "{via 192.0.2.1 dev eth0}");
  EXPECT_EQ(installed("203.0.113.0/24"), "{via 192.0.2.1 dev eth0}");
  auto rs = rib_.routes(P("203.0.113.0/24"));
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rib_.groups().to_string(rs[0].resolved), "{via 192.0.2.1 dev eth0}");

  auto tracked = rib_.tracked_nexthops();
  ASSERT_EQ(tracked.size(), 2u);
  EXPECT_EQ(tracked[0].address, A("10.1.1.1"));
  EXPECT_EQ(tracked[0].mode, ResolveMode::kRecursive);
  EXPECT_EQ(tracked[0].resolved_via, P("10.0.0.0/8"));
  EXPECT_EQ(tracked[1].address, A("192.0.2.1"));
  EXPECT_EQ(tracked[1].resolved_via, P("192.0.2.0/24"));

  // The connected network goes: the static route and the BGP route through it go too.
  ASSERT_TRUE(rib_.remove(P("192.0.2.0/24"), RouteSource::kConnected));
  EXPECT_FALSE(rib_.selected(P("10.0.0.0/8")).active());
  EXPECT_FALSE(rib_.selected(P("203.0.113.0/24")).active());
  EXPECT_EQ(rib_.routes(P("203.0.113.0/24"))[0].status, RouteStatus::kUnresolvable);
  EXPECT_FALSE(rib_.lookup(A("203.0.113.9")).has_value());

  // And it comes back.
  ASSERT_TRUE(rib_.add(P("192.0.2.0/24"), spec(RouteSource::kConnected, g_({"dev eth1"}))).ok());
  EXPECT_EQ(installed("203.0.113.0/24"), "{via 192.0.2.1 dev eth1}");
}

TEST_F(Resolution, MoreSpecificTakesOverAndHandsBack) {
  ASSERT_TRUE(rib_.add(P("192.0.2.0/24"), spec(RouteSource::kConnected, g_({"dev eth0"}))).ok());
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, g_({"via 192.0.2.1"}))).ok());
  ASSERT_TRUE(
      rib_.add(P("203.0.113.0/24"), spec(RouteSource::kIbgp, g_({"via 10.1.1.1"}))).ok());
  EXPECT_EQ(installed("203.0.113.0/24"), "{via 192.0.2.1 dev eth0}");
  ASSERT_TRUE(rib_.add(P("10.1.1.0/30"), spec(RouteSource::kConnected, g_({"dev t1"}))).ok());
  EXPECT_EQ(installed("203.0.113.0/24"), "{via 10.1.1.1 dev t1}");
  // An unrelated more-specific elsewhere changes nothing.
  ASSERT_TRUE(rib_.add(P("10.2.0.0/16"), spec(RouteSource::kConnected, g_({"dev t2"}))).ok());
  EXPECT_EQ(installed("203.0.113.0/24"), "{via 10.1.1.1 dev t1}");
  ASSERT_TRUE(rib_.remove(P("10.1.1.0/30"), RouteSource::kConnected));
  EXPECT_EQ(installed("203.0.113.0/24"), "{via 192.0.2.1 dev eth0}");
}

TEST_F(Resolution, BgpNeverResolvesThroughBgp) {
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kEbgp, g_({"dev t1"}))).ok());
  ASSERT_TRUE(rib_.add(P("20.0.0.0/8"), spec(RouteSource::kEbgp, g_({"via 10.1.1.1"}))).ok());
  EXPECT_FALSE(rib_.selected(P("20.0.0.0/8")).active());
  // resolve() answers as add() resolves (what BGP's next-hop tracking asks).
  EXPECT_FALSE(rib_.resolve(A("10.1.1.1"), ResolveMode::kRecursive).has_value());
  EXPECT_TRUE(rib_.lookup(A("10.1.1.1")).has_value());  // forwarding has a route, BGP's
  // A static route under the BGP one makes it resolvable.
  RouteSpec under = spec(RouteSource::kStatic, g_({"dev t2"}));
  under.metric = 5;
  ASSERT_TRUE(rib_.add(P("10.1.0.0/16"), under).ok());
  EXPECT_EQ(installed("20.0.0.0/8"), "{via 10.1.1.1 dev t2}");
  auto r = rib_.resolve(A("10.1.1.1"), ResolveMode::kRecursive);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->via, P("10.1.0.0/16"));
  EXPECT_EQ(r->source, RouteSource::kStatic);
  EXPECT_EQ(r->metric, 5u);
  EXPECT_FALSE(rib_.resolve(A("10.1.1.1"), ResolveMode::kOnLink).has_value());  // not connected
  // Where BGP wins for forwarding, a non-BGP route at the same prefix still resolves.
  RouteSpec floating = spec(RouteSource::kStatic, g_({"dev t3"}));
  floating.distance = 250;
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), floating).ok());
  ASSERT_TRUE(rib_.add(P("10.1.0.0/16"), spec(RouteSource::kEbgp, g_({"dev t4"}))).ok());
  ASSERT_TRUE(rib_.remove(P("10.1.0.0/16"), RouteSource::kStatic));
  EXPECT_EQ(rib_.selected(P("10.1.0.0/16")).source, RouteSource::kEbgp);
  EXPECT_EQ(rib_.selected(P("10.0.0.0/8")).source, RouteSource::kEbgp);
  EXPECT_EQ(installed("20.0.0.0/8"), "{via 10.1.1.1 dev t3}");
  r = rib_.resolve(A("10.1.1.1"), ResolveMode::kRecursive);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->via, P("10.0.0.0/8"));  // the floating static, not the selected BGP route
  EXPECT_EQ(r->source, RouteSource::kStatic);
  auto tracked = rib_.tracked_nexthops();
  ASSERT_EQ(tracked.size(), 1u);
  EXPECT_EQ(tracked[0].resolved_via, P("10.0.0.0/8"));
  ASSERT_TRUE(rib_.remove(P("10.0.0.0/8"), RouteSource::kStatic));
  EXPECT_FALSE(rib_.selected(P("20.0.0.0/8")).active());
}

TEST_F(Resolution, WatchersHearOfRoutesThatCanResolveAndNotOfBgpOnlyOnes) {
  int heard = 0;
  uint32_t id = rib_.watch_resolvers([&] { ++heard; });
  ASSERT_TRUE(rib_.add(P("203.0.113.0/24"), spec(RouteSource::kEbgp, g_({"via 10.1.1.1"}))).ok());
  ASSERT_TRUE(rib_.add(P("198.51.100.0/24"), spec(RouteSource::kIbgp, g_({"dev t1"}))).ok());
  EXPECT_EQ(heard, 0);  // BGP-only prefixes never resolve BGP next-hops
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, g_({"dev t1"}))).ok());
  EXPECT_GE(heard, 1);
  heard = 0;
  ASSERT_TRUE(rib_.add(P("192.0.2.0/24"), spec(RouteSource::kConnected, g_({"dev eth0"}))).ok());
  EXPECT_GE(heard, 1);
  heard = 0;
  ASSERT_TRUE(rib_.remove(P("10.0.0.0/8"), RouteSource::kStatic));
  EXPECT_GE(heard, 1);
  rib_.unwatch_resolvers(id);
  heard = 0;
  ASSERT_TRUE(rib_.remove(P("192.0.2.0/24"), RouteSource::kConnected));
  EXPECT_EQ(heard, 0);
}

TEST_F(Resolution, ConnectedRoutesMustNameInterfaces) {
  auto r = rib_.add(P("10.0.0.0/8"), spec(RouteSource::kConnected, g_({"via 192.0.2.1"})));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(Resolution, ResolutionDoesNotDependOnSelectionAtTheSameLayer) {
  // A static route that beats the connected route of its own prefix, with its gateway inside
  // that prefix, resolves through the connected route (and so stays selected) instead of
  // flapping between "selected" and "unresolvable".
  RouteSpec st = spec(RouteSource::kStatic, g_({"via 10.0.0.1"}));
  RouteSpec conn = spec(RouteSource::kConnected, g_({"dev t1"}));
  conn.distance = 200;
  ASSERT_TRUE(rib_.add(P("10.0.0.0/24"), conn).ok());
  ASSERT_TRUE(rib_.add(P("10.0.0.0/24"), st).ok());
  EXPECT_EQ(rib_.selected(P("10.0.0.0/24")).source, RouteSource::kStatic);
  EXPECT_EQ(installed("10.0.0.0/24"), "{via 10.0.0.1 dev t1}");
}

TEST_F(Resolution, StaticGatewaysResolveOnlyOnLink) {
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, g_({"dev t1"}))).ok());
  ASSERT_TRUE(rib_.add(P("20.0.0.0/8"), spec(RouteSource::kStatic, g_({"via 10.1.1.1"}))).ok());
  EXPECT_FALSE(rib_.selected(P("20.0.0.0/8")).active());
  EXPECT_NE(rib_.explain(P("20.0.0.0/8")).find("no active connected route covers it"),
            std::string::npos);
  ASSERT_TRUE(rib_.add(P("10.1.1.0/24"), spec(RouteSource::kConnected, g_({"dev t2"}))).ok());
  EXPECT_EQ(installed("20.0.0.0/8"), "{via 10.1.1.1 dev t2}");
}

TEST_F(Resolution, UnresolvableRouteLetsTheNextOneWin) {
  auto via = g_({"via 172.16.0.1"});
  RouteSpec floating = spec(RouteSource::kStatic, g_({"dev backup"}));
  floating.distance = 250;
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kIbgp, via)).ok());
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), floating).ok());
  EXPECT_EQ(installed("10.0.0.0/8"), "{dev backup}");
  auto rs = rib_.routes(P("10.0.0.0/8"));
  EXPECT_EQ(rs[1].source, RouteSource::kIbgp);
  EXPECT_EQ(rs[1].status, RouteStatus::kUnresolvable);
  ASSERT_TRUE(rib_.add(P("172.16.0.0/12"), spec(RouteSource::kConnected, g_({"dev lan"}))).ok());
  EXPECT_EQ(rib_.selected(P("10.0.0.0/8")).source, RouteSource::kIbgp);
  EXPECT_EQ(installed("10.0.0.0/8"), "{via 172.16.0.1 dev lan}");
  EXPECT_EQ(rib_.routes(P("10.0.0.0/8"))[1].status, RouteStatus::kHigherDistance);
}

TEST_F(Resolution, EcmpUsesTheMembersThatResolve) {
  ASSERT_TRUE(
      rib_.add(P("169.254.10.0/30"), spec(RouteSource::kConnected, g_({"dev t1"}))).ok());
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"),
                       spec(RouteSource::kEbgp, g_({"via 169.254.10.2", "via 169.254.20.2"})))
                  .ok());
  EXPECT_EQ(installed("10.0.0.0/8"), "{via 169.254.10.2 dev t1}");
  ASSERT_TRUE(
      rib_.add(P("169.254.20.0/30"), spec(RouteSource::kConnected, g_({"dev t2"}))).ok());
  EXPECT_EQ(installed("10.0.0.0/8"), "{via 169.254.10.2 dev t1, via 169.254.20.2 dev t2}");
  // Tunnel 1 fails: the group shrinks to one member.
  ASSERT_TRUE(rib_.remove(P("169.254.10.0/30"), RouteSource::kConnected));
  EXPECT_EQ(installed("10.0.0.0/8"), "{via 169.254.20.2 dev t2}");
}

TEST_F(Resolution, GatewayResolutionKeepsGatewayAndMultipliesWeights) {
  ASSERT_TRUE(rib_.add(P("192.0.2.0/24"), spec(RouteSource::kConnected, g_({"dev eth0"}))).ok());
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"),
                       spec(RouteSource::kStatic, g_({"via 192.0.2.1 weight 2", "via 192.0.2.2"})))
                  .ok());
  ASSERT_TRUE(
      rib_.add(P("203.0.113.0/24"), spec(RouteSource::kEbgp, g_({"via 10.9.9.9 weight 3"})))
          .ok());
  EXPECT_EQ(installed("203.0.113.0/24"),
            "{via 192.0.2.1 dev eth0 weight 6, via 192.0.2.2 dev eth0 weight 3}");
}

TEST_F(Resolution, FlappingLeavesNoTraceBehind) {
  auto conn = g_({"dev t1"});
  auto bgp = g_({"via 169.254.10.2"});
  for (int i = 0; i < 50; ++i) {
    Prefix p(IpAddress::v4(0x0a000000u + (static_cast<uint32_t>(i) << 8)), 24);
    ASSERT_TRUE(rib_.add(p, spec(RouteSource::kEbgp, bgp)).ok());
  }
  size_t groups_before = rib_.groups().size();  // conn, bgp (no resolution yet)
  for (int flap = 0; flap < 100; ++flap) {
    ASSERT_TRUE(rib_.add(P("169.254.10.0/30"), spec(RouteSource::kConnected, conn)).ok());
    ASSERT_EQ(installed("10.0.49.0/24"), "{via 169.254.10.2 dev t1}");
    ASSERT_TRUE(rib_.remove(P("169.254.10.0/30"), RouteSource::kConnected));
    ASSERT_FALSE(rib_.selected(P("10.0.49.0/24")).active());
  }
  EXPECT_EQ(rib_.groups().size(), groups_before);
  EXPECT_EQ(rib_.groups().refs(conn), 1u);
  // Withdraw everything: no tracking entries, no groups but the caller's.
  for (int i = 0; i < 50; ++i) {
    Prefix p(IpAddress::v4(0x0a000000u + (static_cast<uint32_t>(i) << 8)), 24);
    ASSERT_TRUE(rib_.remove(p, RouteSource::kEbgp));
  }
  EXPECT_TRUE(rib_.tracked_nexthops().empty());
  EXPECT_EQ(rib_.groups().refs(bgp), 1u);
  g_.release_all();
  EXPECT_EQ(rib_.groups().size(), 0u);
}

TEST_F(Resolution, Ipv4RouteOverIpv6Nexthop) {
  ASSERT_TRUE(rib_.add(P("2001:db8:1::/64"), spec(RouteSource::kConnected, g_({"dev t1"}))).ok());
  ASSERT_TRUE(
      rib_.add(P("198.51.100.0/24"), spec(RouteSource::kEbgp, g_({"via 2001:db8:1::2"}))).ok());
  EXPECT_EQ(installed("198.51.100.0/24"), "{via 2001:db8:1::2 dev t1}");
  ASSERT_TRUE(rib_.remove(P("2001:db8:1::/64"), RouteSource::kConnected));
  EXPECT_FALSE(rib_.selected(P("198.51.100.0/24")).active());
}

TEST_F(Resolution, SameNexthopDifferentModesResolveDifferently) {
  // 10.1.1.1 is on-link nowhere, but reachable through a static route: a static route via it
  // is unresolvable while a BGP route via it resolves.
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, g_({"dev t1"}))).ok());
  auto via = g_({"via 10.1.1.1"});
  ASSERT_TRUE(rib_.add(P("20.0.0.0/8"), spec(RouteSource::kStatic, via)).ok());
  ASSERT_TRUE(rib_.add(P("30.0.0.0/8"), spec(RouteSource::kEbgp, via)).ok());
  EXPECT_FALSE(rib_.selected(P("20.0.0.0/8")).active());
  EXPECT_EQ(installed("30.0.0.0/8"), "{via 10.1.1.1 dev t1}");
  EXPECT_EQ(rib_.tracked_nexthops().size(), 2u);
}

}  // namespace
}  // namespace vgw::rib
