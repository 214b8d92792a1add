// Attribute interning and the path table: one set per distinct (attributes, next-hop, weight),
// reference counts, decode round trip, hash table churn; destinations with several paths.
#include <gtest/gtest.h>

#include <random>

#include "vgw/bgp/attribute_store.h"
#include "vgw/bgp/path_table.h"
#include "vgw/rib/rib.h"

namespace vgw::bgp {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

wire::PathAttributes attrs(std::vector<uint32_t> path, uint32_t med = 0) {
  wire::PathAttributes a;
  a.set_origin(wire::Origin::kIgp);
  a.set_as_path(wire::AsPath::sequence(path));
  a.set_next_hop(0x0a000001);
  if (med) a.set_med(med);
  return a;
}

class AttributeStoreTest : public ::testing::Test {
 protected:
  rib::Rib rib;
  NexthopTable nexthops{rib, false};
  AttributeStore store{nexthops, 100};
};

TEST_F(AttributeStoreTest, EqualSetsShareOneId) {
  AttrId a = store.intern(attrs({65001, 65002}), ip("10.0.0.1"));
  AttrId b = store.intern(attrs({65001, 65002}), ip("10.0.0.1"));
  EXPECT_EQ(a, b);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.refs(a), 2u);
  EXPECT_NE(store.intern(attrs({65001, 65003}), ip("10.0.0.1")), a);
  EXPECT_NE(store.intern(attrs({65001, 65002}), ip("10.0.0.2")), a);     // next-hop differs
  EXPECT_NE(store.intern(attrs({65001, 65002}), ip("10.0.0.1"), 7), a);  // weight differs
  EXPECT_EQ(store.size(), 4u);
}

TEST_F(AttributeStoreTest, ReleaseFreesTheLastReference) {
  AttrId a = store.intern(attrs({65001}), ip("10.0.0.1"));
  store.ref(a);
  store.release(a);
  EXPECT_EQ(store.size(), 1u);
  store.release(a);
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(nexthops.size(), 0u);
}

TEST_F(AttributeStoreTest, SummaryHoldsWhatTheDecisionReads) {
  wire::PathAttributes a = attrs({65001, 65002, 65003}, 50);
  a.communities = {kNoExport, 0x00010002};
  a.set(wire::attr::kCommunities);
  AttrId id = store.intern(a, ip("10.0.0.1"), 5);
  const AttrSummary& s = store.summary(id);
  EXPECT_EQ(s.local_pref, 100u);  // default
  EXPECT_EQ(s.med, 50u);
  EXPECT_TRUE(s.has_med);
  EXPECT_EQ(s.path_length, 3);
  EXPECT_EQ(s.neighbor_as, 65001u);
  EXPECT_EQ(s.weight, 5u);
  EXPECT_EQ(s.origin, wire::Origin::kIgp);
  EXPECT_TRUE(s.no_export);
  EXPECT_FALSE(s.no_advertise);
  EXPECT_EQ(nexthops.address(store.nexthop(id)), ip("10.0.0.1"));
}

TEST_F(AttributeStoreTest, DecodeGivesTheAttributesBack) {
  wire::PathAttributes a = attrs({65001, 4200000000u}, 7);
  a.set_local_pref(300);
  a.large_communities = {{65001, 1, 2}};
  a.set(wire::attr::kLargeCommunities);
  a.communities = {0xfde80064};
  a.set(wire::attr::kCommunities);
  AttrId id = store.intern(a, ip("10.0.0.1"));
  wire::PathAttributes back;
  ASSERT_TRUE(store.decode(id, back));
  EXPECT_EQ(back, a);
  EXPECT_FALSE(store.as_path_bytes(id).empty());
}

TEST_F(AttributeStoreTest, SurvivesChurnOfManySets) {
  std::mt19937 rng(7);
  std::vector<AttrId> live;
  for (int round = 0; round < 20000; ++round) {
    if (!live.empty() && rng() % 3 == 0) {
      size_t i = rng() % live.size();
      store.release(live[i]);
      live[i] = live.back();
      live.pop_back();
    } else {
      uint32_t x = 1 + rng() % 5000;  // AS 0 is invalid (RFC 7607)
      live.push_back(store.intern(attrs({65001, x}), ip("10.0.0.1")));
    }
  }
  // Every live id still finds itself.
  for (AttrId id : live) {
    wire::PathAttributes a;
    ASSERT_TRUE(store.decode(id, a));
    EXPECT_EQ(store.intern(a, ip("10.0.0.1")), id);
    store.release(id);
  }
  for (AttrId id : live) store.release(id);
  EXPECT_EQ(store.size(), 0u);
}

TEST_F(AttributeStoreTest, PathTableKeepsOnePathPerPeer) {
  PathTable<rib::Ipv4Key> t;
  AttrId a = store.intern(attrs({65001}), ip("10.0.0.1"));
  AttrId b = store.intern(attrs({65002}), ip("10.0.0.2"));
  auto r1 = t.set(0x0a010000, 16, 1, a);
  EXPECT_EQ(r1.old, kNoAttr);
  auto r2 = t.set(0x0a010000, 16, 2, b);
  EXPECT_EQ(r2.dest, r1.dest);
  auto r3 = t.set(0x0a010000, 16, 1, b);
  EXPECT_EQ(r3.old, a);
  EXPECT_EQ(t.path_count(r1.dest), 2u);
  EXPECT_EQ(t.size(), 1u);
  // Removing the first (inline) path moves the chained one up; installed state stays.
  t.head(r1.dest).installed = 1;
  Path gone = t.remove(r1.dest, 1);
  EXPECT_EQ(gone.attr, b);
  EXPECT_EQ(t.path_count(r1.dest), 1u);
  EXPECT_EQ(t.head(r1.dest).peer, 2);
  EXPECT_EQ(t.head(r1.dest).installed, 1);
  EXPECT_EQ(t.remove(r1.dest, 7).attr, kNoAttr);
  t.remove(r1.dest, 2);
  t.erase_if_empty(r1.dest);
  EXPECT_EQ(t.size(), 1u);  // still installed
  t.head(r1.dest).installed = 0;
  t.erase_if_empty(r1.dest);
  EXPECT_EQ(t.size(), 0u);
  store.release(a);
  store.release(b);
}

TEST_F(AttributeStoreTest, PathTableChunkedWalkVisitsEveryDestination) {
  PathTable<rib::Ipv4Key> t;
  AttrId a = store.intern(attrs({65001}), ip("10.0.0.1"));
  for (uint32_t i = 0; i < 1000; ++i) t.set(0x0a000000 + (i << 8), 24, static_cast<PeerId>(1 + i % 3), a);
  size_t seen = 0;
  uint32_t cursor = 0;
  while (cursor < t.handle_limit()) cursor = t.walk_from(cursor, 64, [&](uint32_t) { ++seen; });
  EXPECT_EQ(seen, 1000u);
  store.release(a);
}

}  // namespace
}  // namespace vgw::bgp
