// Route selection: distance, metric, ECMP within one source, source order, promotion of the
// next route when one is removed, replacement, explanations, lookups and listings.
#include <gtest/gtest.h>

#include "rib_test_util.h"
#include "vgw/rib/rib.h"

namespace vgw::rib {
namespace {

using testing::A;
using testing::Groups;
using testing::P;
using testing::spec;

class Selection : public ::testing::Test {
 protected:
  Rib rib_;
  Groups g_{rib_};
};

TEST_F(Selection, LowerDistanceWins) {
  auto t1 = g_({"dev t1"});
  auto t2 = g_({"dev t2"});
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kEbgp, t1)).ok());
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, t2)).ok());
  Selected s = rib_.selected(P("10.0.0.0/8"));
  EXPECT_EQ(s.source, RouteSource::kStatic);
  EXPECT_EQ(s.distance, 1);
  EXPECT_EQ(s.group, t2);
  auto rs = rib_.routes(P("10.0.0.0/8"));
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].source, RouteSource::kStatic);
  EXPECT_EQ(rs[0].status, RouteStatus::kSelected);
  EXPECT_EQ(rs[1].status, RouteStatus::kHigherDistance);
  EXPECT_EQ(describe_status(rs[1], &rs[0]),
            "inactive: distance 20 is higher than 1 of the selected static route");
}

TEST_F(Selection, LowerMetricWinsAtEqualDistance) {
  auto t1 = g_({"dev t1"});
  auto t2 = g_({"dev t2"});
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kVpn, t1, 10, 1)).ok());
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kVpn, t2, 5, 2)).ok());
  EXPECT_EQ(rib_.selected(P("10.0.0.0/8")).group, t2);
  auto rs = rib_.routes(P("10.0.0.0/8"));
  EXPECT_EQ(rs[1].status, RouteStatus::kHigherMetric);
  EXPECT_NE(rib_.explain(P("10.0.0.0/8")).find("metric 10 is higher than 5"), std::string::npos);
}

TEST_F(Selection, EqualRoutesOfOneSourceFormOneEcmpGroup) {
  auto t1 = g_({"dev t1"});
  auto t2 = g_({"dev t2"});
  auto both = g_({"dev t1", "dev t2"});
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kVpn, t1, 0, 1)).ok());
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kVpn, t2, 0, 2)).ok());
  Selected s = rib_.selected(P("10.0.0.0/8"));
  EXPECT_EQ(s.group, both);  // the merged group is interned like any other
  for (const Route& r : rib_.routes(P("10.0.0.0/8"))) EXPECT_EQ(r.status, RouteStatus::kSelected);
  // Standby: the second connection's route with a higher distance leaves the ECMP set.
  RouteSpec standby = spec(RouteSource::kVpn, t2, 0, 2);
  standby.distance = 100;
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), standby).ok());
  EXPECT_EQ(rib_.selected(P("10.0.0.0/8")).group, t1);
  // The active tunnel's route goes away: the standby takes over.
  EXPECT_TRUE(rib_.remove(P("10.0.0.0/8"), RouteSource::kVpn, 1));
  EXPECT_EQ(rib_.selected(P("10.0.0.0/8")).group, t2);
  EXPECT_EQ(rib_.selected(P("10.0.0.0/8")).distance, 100);
}

TEST_F(Selection, NoEcmpAcrossSources) {
  auto t1 = g_({"dev t1"});
  auto t2 = g_({"dev t2"});
  RouteSpec st = spec(RouteSource::kStatic, t1);
  st.distance = 20;
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kEbgp, t2)).ok());
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), st).ok());
  EXPECT_EQ(rib_.selected(P("10.0.0.0/8")).group, t1);
  auto rs = rib_.routes(P("10.0.0.0/8"));
  EXPECT_EQ(rs[1].source, RouteSource::kEbgp);
  EXPECT_EQ(rs[1].status, RouteStatus::kTieBreak);
}

TEST_F(Selection, RemovingTheBestPromotesTheNext) {
  auto t1 = g_({"dev t1"});
  auto t2 = g_({"dev t2"});
  auto t3 = g_({"dev t3"});
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kConnected, t1)).ok());
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kEbgp, t2)).ok());
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kIbgp, t3)).ok());
  EXPECT_EQ(rib_.selected(P("10.0.0.0/8")).source, RouteSource::kConnected);
  EXPECT_TRUE(rib_.remove(P("10.0.0.0/8"), RouteSource::kConnected));
  EXPECT_EQ(rib_.selected(P("10.0.0.0/8")).source, RouteSource::kEbgp);
  EXPECT_TRUE(rib_.remove(P("10.0.0.0/8"), RouteSource::kEbgp));
  EXPECT_EQ(rib_.selected(P("10.0.0.0/8")).source, RouteSource::kIbgp);
  EXPECT_FALSE(rib_.remove(P("10.0.0.0/8"), RouteSource::kEbgp));
  EXPECT_EQ(rib_.prefix_count(Family::kIpv4), 1u);
  EXPECT_TRUE(rib_.remove(P("10.0.0.0/8"), RouteSource::kIbgp));
  EXPECT_FALSE(rib_.selected(P("10.0.0.0/8")).active());
  EXPECT_EQ(rib_.prefix_count(Family::kIpv4), 0u);
  EXPECT_TRUE(rib_.routes(P("10.0.0.0/8")).empty());
}

TEST_F(Selection, DistancesComeFromOptions) {
  Rib::Options o;
  o.distance[static_cast<size_t>(RouteSource::kVpn)] = 250;
  Rib rib(o);
  Groups g(rib);
  ASSERT_TRUE(rib.add(P("10.0.0.0/8"), spec(RouteSource::kVpn, g({"dev t1"}))).ok());
  ASSERT_TRUE(rib.add(P("10.0.0.0/8"), spec(RouteSource::kIbgp, g({"dev t2"}))).ok());
  EXPECT_EQ(rib.selected(P("10.0.0.0/8")).source, RouteSource::kIbgp);
  EXPECT_EQ(rib.routes(P("10.0.0.0/8"))[1].distance, 250);
}

TEST_F(Selection, AddingAgainReplacesTheRouteOfThatSource) {
  auto t1 = g_({"dev t1"});
  auto t2 = g_({"dev t2"});
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, t1)).ok());
  EXPECT_EQ(rib_.groups().refs(t1), 3u);  // caller, route, installed
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, t2, 7)).ok());
  EXPECT_EQ(rib_.routes(P("10.0.0.0/8")).size(), 1u);
  EXPECT_EQ(rib_.selected(P("10.0.0.0/8")).metric, 7u);
  EXPECT_EQ(rib_.groups().refs(t1), 1u);
  EXPECT_EQ(rib_.groups().refs(t2), 3u);
}

TEST_F(Selection, RefusesADeadGroup) {
  auto r = rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, 42));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(rib_.prefix_count(Family::kIpv4), 0u);
}

TEST_F(Selection, ManyRoutesShareAFewGroups) {
  auto c1 = g_({"dev t1"});
  auto c2 = g_({"dev t2"});
  auto bgp = g_({"via 169.254.10.2", "via 169.254.20.2"});
  ASSERT_TRUE(rib_.add(P("169.254.10.0/30"), spec(RouteSource::kConnected, c1)).ok());
  ASSERT_TRUE(rib_.add(P("169.254.20.0/30"), spec(RouteSource::kConnected, c2)).ok());
  for (uint32_t i = 0; i < 20000; ++i) {
    Prefix p(IpAddress::v4(0x01000000u + (i << 8)), 24);
    ASSERT_TRUE(rib_.add(p, spec(RouteSource::kEbgp, bgp)).ok());
  }
  // dev t1, dev t2, the BGP group and its resolution.
  EXPECT_EQ(rib_.groups().size(), 4u);
  Selected s = rib_.selected(P("1.0.7.0/24"));
  EXPECT_EQ(rib_.groups().to_string(s.group),
            "{via 169.254.10.2 dev t1, via 169.254.20.2 dev t2}");
  EXPECT_EQ(rib_.groups().refs(bgp), 20001u);
  for (uint32_t i = 0; i < 20000; ++i) {
    Prefix p(IpAddress::v4(0x01000000u + (i << 8)), 24);
    ASSERT_TRUE(rib_.remove(p, RouteSource::kEbgp));
  }
  EXPECT_EQ(rib_.groups().refs(bgp), 1u);
  EXPECT_EQ(rib_.groups().size(), 3u);  // the resolution went with the last route
  EXPECT_EQ(rib_.prefix_count(Family::kIpv4), 2u);
}

TEST_F(Selection, LookupAndListSeeOnlyActivePrefixes) {
  auto t1 = g_({"dev t1"});
  auto dead = g_({"via 198.51.100.1"});  // nothing resolves it
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, t1)).ok());
  ASSERT_TRUE(rib_.add(P("10.1.0.0/16"), spec(RouteSource::kStatic, dead)).ok());
  ASSERT_TRUE(rib_.add(P("10.1.2.0/24"), spec(RouteSource::kStatic, t1)).ok());
  ASSERT_TRUE(rib_.add(P("2001:db8::/32"), spec(RouteSource::kStatic, t1)).ok());
  EXPECT_EQ(rib_.lookup(A("10.1.2.3"))->prefix, P("10.1.2.0/24"));
  EXPECT_EQ(rib_.lookup(A("10.1.3.3"))->prefix, P("10.0.0.0/8"));  // /16 is unresolvable
  EXPECT_FALSE(rib_.lookup(A("11.0.0.1")).has_value());
  EXPECT_EQ(rib_.lookup(A("2001:db8::1"))->prefix, P("2001:db8::/32"));

  auto page1 = rib_.list(Family::kIpv4, std::nullopt, 1);
  ASSERT_EQ(page1.size(), 1u);
  EXPECT_EQ(page1[0].prefix, P("10.0.0.0/8"));
  auto page2 = rib_.list(Family::kIpv4, page1.back().prefix, 10);
  ASSERT_EQ(page2.size(), 1u);
  EXPECT_EQ(page2[0].prefix, P("10.1.2.0/24"));
  EXPECT_EQ(rib_.list(Family::kIpv6, std::nullopt, 10).size(), 1u);

  std::string why = rib_.explain(P("10.1.0.0/16"));
  EXPECT_NE(why.find("no usable route"), std::string::npos) << why;
  EXPECT_NE(why.find("next-hop unresolvable (no active connected route covers it)"),
            std::string::npos)
      << why;
}

TEST_F(Selection, RemoveAllTakesEverythingOfOneSourceInstance) {
  auto t1 = g_({"dev t1"});
  for (const char* p : {"10.0.0.0/8", "10.1.0.0/16", "2001:db8::/32"}) {
    ASSERT_TRUE(rib_.add(P(p), spec(RouteSource::kVpn, t1, 0, 3)).ok());
    ASSERT_TRUE(rib_.add(P(p), spec(RouteSource::kVpn, t1, 0, 4)).ok());
  }
  EXPECT_EQ(rib_.remove_all(RouteSource::kVpn, 3), 3u);
  EXPECT_EQ(rib_.routes(P("10.1.0.0/16")).size(), 1u);
  EXPECT_EQ(rib_.remove_all(RouteSource::kVpn, 4), 3u);
  EXPECT_EQ(rib_.prefix_count(Family::kIpv4) + rib_.prefix_count(Family::kIpv6), 0u);
}

}  // namespace
}  // namespace vgw::rib
