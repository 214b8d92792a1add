// Next-hop group interning: identical groups are shared, member order does not matter,
// duplicates merge, reference counts free groups, bad members are refused.
#include "vgw/rib/nexthop.h"

#include <gtest/gtest.h>

#include "rib_test_util.h"

namespace vgw::rib {
namespace {

using testing::N;

TEST(NexthopGroupTable, IdenticalGroupsAreSharedWhateverTheOrder) {
  NexthopGroupTable t;
  auto a = t.intern({N("via 169.254.10.2 dev t1"), N("via 169.254.20.2 dev t2")});
  auto b = t.intern({N("via 169.254.20.2 dev t2"), N("via 169.254.10.2 dev t1")});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(t.refs(*a), 2u);
  EXPECT_EQ(t.size(), 1u);
  auto c = t.intern({N("via 169.254.10.2 dev t1"), N("via 169.254.20.2 dev t2 weight 2")});
  ASSERT_TRUE(c.ok());
  EXPECT_NE(*c, *a);  // weights are part of the identity
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.to_string(*c), "{via 169.254.10.2 dev t1, via 169.254.20.2 dev t2 weight 2}");
}

TEST(NexthopGroupTable, DuplicateMembersMergeByAddingWeights) {
  NexthopGroupTable t;
  auto g = t.intern({N("dev t1 weight 200"), N("dev t2"), N("dev t1 weight 100")});
  ASSERT_TRUE(g.ok());
  auto m = t.members(*g);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].interface, "t1");
  EXPECT_EQ(m[0].weight, 255);  // capped
  EXPECT_FALSE(t.is_recursive(*g));
}

TEST(NexthopGroupTable, LastReleaseFreesAndTheIdIsReused) {
  NexthopGroupTable t;
  auto g = *t.intern({N("via 10.0.0.1")});
  EXPECT_TRUE(t.is_recursive(g));
  t.ref(g);
  t.release(g);
  EXPECT_TRUE(t.is_live(g));
  t.release(g);
  EXPECT_FALSE(t.is_live(g));
  EXPECT_EQ(t.size(), 0u);
  auto h = *t.intern({N("via 10.0.0.2")});
  EXPECT_EQ(h, g);
  EXPECT_EQ(t.members(h)[0].address->to_string(), "10.0.0.2");
  // A freed group is no longer found by its members.
  auto again = *t.intern({N("via 10.0.0.1")});
  EXPECT_NE(again, h);
}

TEST(NexthopGroupTable, RefusesBadMembers) {
  NexthopGroupTable t;
  EXPECT_FALSE(t.intern({}).ok());
  EXPECT_FALSE(t.intern({Nexthop{}}).ok());  // neither address nor interface
  Nexthop zero = N("dev t1");
  zero.weight = 0;
  EXPECT_FALSE(t.intern({zero}).ok());
  std::vector<Nexthop> many;
  for (int i = 0; i < 300; ++i) {
    Nexthop n;
    n.address = IpAddress::v4(0x0a000000u + static_cast<uint32_t>(i));
    many.push_back(n);
  }
  auto r = t.intern(many);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(t.size(), 0u);
}

TEST(NexthopGroupTable, RefHandleCountsCopies) {
  NexthopGroupTable t;
  auto id = *t.intern({N("dev t1")});
  {
    auto r = NexthopGroupRef::adopt(t, id);
    NexthopGroupRef copy = r;
    EXPECT_EQ(t.refs(id), 2u);
    NexthopGroupRef moved = std::move(copy);
    EXPECT_EQ(t.refs(id), 2u);
  }
  EXPECT_FALSE(t.is_live(id));
}

}  // namespace
}  // namespace vgw::rib
