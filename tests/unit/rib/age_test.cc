// The age of a prefix's selection: set when the selected route changes, not when an unused
// candidate comes or goes.
#include <gtest/gtest.h>

#include "rib_test_util.h"

namespace vgw::rib {
namespace {

using namespace testing;

TEST(RibAge, CountsFromTheLastSelectionChange) {
  uint32_t now = 1000;
  Rib::Options opts;
  opts.seconds = [&now] { return now; };
  Rib rib(opts);
  Groups g(rib);
  EXPECT_FALSE(rib.age(P("192.0.2.0/24")).has_value());
  ASSERT_TRUE(rib.add(P("192.0.2.0/24"), spec(RouteSource::kStatic, g({"dev eth1"}))).ok());
  now += 30;
  EXPECT_EQ(rib.age(P("192.0.2.0/24")), 30u);
  // A worse candidate does not change the selection: the age keeps counting.
  RouteSpec backup = spec(RouteSource::kEbgp, g({"dev eth2"}));
  ASSERT_TRUE(rib.add(P("192.0.2.0/24"), backup).ok());
  now += 5;
  EXPECT_EQ(rib.age(P("192.0.2.0/24")), 35u);
  // Losing the static route selects the eBGP one: the age restarts.
  ASSERT_TRUE(rib.remove(P("192.0.2.0/24"), RouteSource::kStatic));
  now += 2;
  EXPECT_EQ(rib.age(P("192.0.2.0/24")), 2u);
}

}  // namespace
}  // namespace vgw::rib
