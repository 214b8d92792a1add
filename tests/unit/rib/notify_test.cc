// Change notification: coalescing per subscriber (newest state wins, flaps that end where
// they started vanish), the has-pending callback, replay on subscribe, independent
// subscribers, batching with drain(max), lifetime of group ids in drained changes.
#include <gtest/gtest.h>

#include "rib_test_util.h"
#include "vgw/rib/rib.h"

namespace vgw::rib {
namespace {

using testing::Groups;
using testing::P;
using testing::spec;

class Notify : public ::testing::Test {
 protected:
  std::vector<RouteChange> drain(SubscriberId id, size_t max = 1000) {
    std::vector<RouteChange> out;
    rib_.drain(id, max, out);
    return out;
  }
  Rib rib_;
  Groups g_{rib_};
};

TEST_F(Notify, ManyChangesToOnePrefixCoalesceIntoOne) {
  int wakeups = 0;
  SubscriberId id = rib_.subscribe([&] { ++wakeups; });
  auto t1 = g_({"dev t1"});
  auto t2 = g_({"dev t2"});
  for (uint32_t m = 0; m < 10; ++m) {
    ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, m % 2 ? t1 : t2, m)).ok());
  }
  EXPECT_EQ(wakeups, 1);
  EXPECT_EQ(rib_.pending(id), 1u);
  auto changes = drain(id);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].prefix, P("10.0.0.0/8"));
  EXPECT_EQ(changes[0].kind, ChangeKind::kAdd);
  EXPECT_FALSE(changes[0].before.active());
  EXPECT_EQ(changes[0].after.group, t1);
  EXPECT_EQ(changes[0].after.metric, 9u);
  EXPECT_EQ(rib_.pending(id), 0u);
  // The next change wakes the subscriber again.
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, t2, 9)).ok());
  EXPECT_EQ(wakeups, 2);
  changes = drain(id);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, ChangeKind::kChange);
  EXPECT_EQ(changes[0].before.group, t1);
  EXPECT_EQ(changes[0].after.group, t2);
}

TEST_F(Notify, ChangesOfNonBgpRoutesAreDrainedBeforeBgpOnes) {
  // A tunnel failing changes thousands of BGP routes and one static route in the same turn;
  // the static route must not wait behind the BGP ones on its way to the kernel.
  auto t1 = g_({"dev t1"});
  auto t2 = g_({"dev t2"});
  for (int i = 0; i < 50; ++i) {
    auto p = Prefix(IpAddress::v4(0x0a000000u + (static_cast<uint32_t>(i) << 8)), 24);
    ASSERT_TRUE(rib_.add(p, spec(RouteSource::kEbgp, t1)).ok());
  }
  ASSERT_TRUE(rib_.add(P("192.0.2.0/24"), spec(RouteSource::kStatic, t1)).ok());
  SubscriberId id = rib_.subscribe(nullptr);
  ASSERT_EQ(drain(id).size(), 51u);  // the replay
  for (int i = 0; i < 50; ++i) {
    auto p = Prefix(IpAddress::v4(0x0a000000u + (static_cast<uint32_t>(i) << 8)), 24);
    ASSERT_TRUE(rib_.add(p, spec(RouteSource::kEbgp, t2)).ok());
  }
  ASSERT_TRUE(rib_.add(P("192.0.2.0/24"), spec(RouteSource::kStatic, t2)).ok());
  EXPECT_EQ(rib_.pending(id), 51u);
  auto first = drain(id, 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].prefix, P("192.0.2.0/24"));
  EXPECT_EQ(first[0].after.group, t2);
  EXPECT_EQ(rib_.pending(id), 50u);
  auto rest = drain(id);
  ASSERT_EQ(rest.size(), 50u);
  EXPECT_EQ(rest[0].prefix, P("10.0.0.0/24"));
  EXPECT_EQ(rib_.pending(id), 0u);
}

TEST_F(Notify, AFlapThatEndsWhereItStartedIsNotReported) {
  auto t1 = g_({"dev t1"});
  auto t2 = g_({"dev t2"});
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, t1)).ok());
  SubscriberId id = rib_.subscribe(nullptr);
  ASSERT_EQ(drain(id).size(), 1u);  // the replayed add
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, t2)).ok());
  ASSERT_TRUE(rib_.remove(P("10.0.0.0/8"), RouteSource::kStatic));
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, t1)).ok());
  EXPECT_EQ(rib_.pending(id), 1u);
  EXPECT_TRUE(drain(id).empty());
  // Added and withdrawn between two drains: nothing to say, and nothing kept.
  ASSERT_TRUE(rib_.add(P("10.9.0.0/16"), spec(RouteSource::kStatic, t1)).ok());
  ASSERT_TRUE(rib_.remove(P("10.9.0.0/16"), RouteSource::kStatic));
  EXPECT_EQ(rib_.pending(id), 1u);
  EXPECT_TRUE(drain(id).empty());
  EXPECT_EQ(rib_.prefix_count(Family::kIpv4), 1u);
}

TEST_F(Notify, DeleteIsReportedWithTheStateBefore) {
  auto t1 = g_({"dev t1"});
  SubscriberId id = rib_.subscribe(nullptr, /*replay=*/false);
  ASSERT_TRUE(rib_.add(P("2001:db8::/32"), spec(RouteSource::kVpn, t1, 0, 1)).ok());
  ASSERT_EQ(drain(id).size(), 1u);
  ASSERT_TRUE(rib_.remove(P("2001:db8::/32"), RouteSource::kVpn, 1));
  auto changes = drain(id);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, ChangeKind::kDelete);
  EXPECT_EQ(changes[0].before.source, RouteSource::kVpn);
  EXPECT_EQ(changes[0].before.group, t1);
  EXPECT_FALSE(changes[0].after.active());
}

TEST_F(Notify, ReplayOnlyWhenAsked) {
  auto t1 = g_({"dev t1"});
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, t1)).ok());
  ASSERT_TRUE(rib_.add(P("2001:db8::/32"), spec(RouteSource::kStatic, t1)).ok());
  ASSERT_TRUE(rib_.add(P("10.1.0.0/16"), spec(RouteSource::kStatic, g_({"via 192.0.2.1"}))).ok());
  int woke = 0;
  SubscriberId quiet = rib_.subscribe([&] { ++woke; }, false);
  EXPECT_EQ(rib_.pending(quiet), 0u);
  EXPECT_EQ(woke, 0);
  SubscriberId full = rib_.subscribe([&] { ++woke; });
  EXPECT_EQ(woke, 1);
  auto changes = drain(full);
  ASSERT_EQ(changes.size(), 2u);  // the unresolvable /16 is not active
  for (const auto& c : changes) EXPECT_EQ(c.kind, ChangeKind::kAdd);
}

TEST_F(Notify, SubscribersAreIndependent) {
  auto t1 = g_({"dev t1"});
  SubscriberId fast = rib_.subscribe(nullptr);
  SubscriberId slow = rib_.subscribe(nullptr);
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, t1)).ok());
  EXPECT_TRUE(rib_.is_pending(fast, P("10.0.0.0/8")));
  EXPECT_FALSE(rib_.is_pending(fast, P("10.0.0.0/9")));  // not in the table
  EXPECT_EQ(drain(fast).size(), 1u);
  EXPECT_FALSE(rib_.is_pending(fast, P("10.0.0.0/8")));
  EXPECT_TRUE(rib_.is_pending(slow, P("10.0.0.0/8")));
  ASSERT_TRUE(rib_.remove(P("10.0.0.0/8"), RouteSource::kStatic));
  auto f = drain(fast);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].kind, ChangeKind::kDelete);
  // The slow one never saw the prefix: nothing to tell it. The table forgets the prefix now.
  EXPECT_EQ(rib_.pending(slow), 1u);
  EXPECT_TRUE(drain(slow).empty());
  EXPECT_TRUE(rib_.list(Family::kIpv4, std::nullopt, 10).empty());
  EXPECT_EQ(rib_.memory().subscribers > 0, true);
}

TEST_F(Notify, DrainsInBatchesInMarkOrder) {
  auto t1 = g_({"dev t1"});
  SubscriberId id = rib_.subscribe(nullptr);
  for (uint32_t i = 0; i < 2500; ++i) {
    Prefix p(IpAddress::v4(0x0a000000u + ((2499 - i) << 8)), 24);
    ASSERT_TRUE(rib_.add(p, spec(RouteSource::kStatic, t1)).ok());
  }
  std::vector<RouteChange> out;
  size_t total = 0;
  uint32_t expect = 2499;
  while (size_t n = rib_.drain(id, 1000, out)) {
    EXPECT_LE(n, 1000u);
    for (size_t i = total; i < total + n; ++i) {
      EXPECT_EQ(out[i].prefix.address().v4_host_order(), 0x0a000000u + (expect-- << 8));
    }
    total += n;
  }
  EXPECT_EQ(total, 2500u);
  EXPECT_EQ(rib_.pending(id), 0u);
}

TEST_F(Notify, ASubscriberThatNeverCatchesUpKeepsItsOrder) {
  // Drained entries are dropped from the front of the log once they are the larger part.
  auto t1 = g_({"dev t1"});
  SubscriberId id = rib_.subscribe(nullptr);
  auto prefix = [](uint32_t i) { return Prefix(IpAddress::v4(0x0a000000u + (i << 8)), 24); };
  uint32_t added = 0, seen = 0;
  std::vector<RouteChange> out;
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i < 40000; ++i, ++added) {
      ASSERT_TRUE(rib_.add(prefix(added), spec(RouteSource::kStatic, t1)).ok());
    }
    while (rib_.pending(id) > 5000) {
      out.clear();
      rib_.drain(id, 1000, out);
      for (const RouteChange& c : out) ASSERT_EQ(c.prefix, prefix(seen++));
    }
  }
  out.clear();
  while (rib_.drain(id, 1000, out) > 0) {
  }
  for (const RouteChange& c : out) ASSERT_EQ(c.prefix, prefix(seen++));
  EXPECT_EQ(seen, added);
}

TEST_F(Notify, GroupIdsStayValidUntilTheNextDrain) {
  SubscriberId id = rib_.subscribe(nullptr);
  auto t1 = g_({"dev t1"});
  auto t2 = g_({"dev t2"});
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kVpn, t1, 0, 1)).ok());
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kVpn, t2, 0, 2)).ok());
  ASSERT_EQ(drain(id).size(), 1u);
  // The merged ECMP group is held only by the prefix (and the drained batch).
  NexthopGroupId ecmp = rib_.selected(P("10.0.0.0/8")).group;
  ASSERT_TRUE(rib_.remove(P("10.0.0.0/8"), RouteSource::kVpn, 2));
  auto changes = drain(id);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].before.group, ecmp);
  ASSERT_TRUE(rib_.groups().is_live(ecmp));
  EXPECT_EQ(rib_.groups().to_string(ecmp), "{dev t1, dev t2}");
  EXPECT_TRUE(drain(id).empty());
  EXPECT_FALSE(rib_.groups().is_live(ecmp));
}

TEST_F(Notify, UnsubscribeReleasesEverything) {
  auto t1 = g_({"dev t1"});
  SubscriberId id = rib_.subscribe(nullptr);
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, t1)).ok());
  ASSERT_EQ(drain(id).size(), 1u);
  ASSERT_TRUE(rib_.remove(P("10.0.0.0/8"), RouteSource::kStatic));
  EXPECT_EQ(rib_.groups().refs(t1), 3u);  // caller, pending "before", drained batch
  rib_.unsubscribe(id);
  EXPECT_EQ(rib_.groups().refs(t1), 1u);
  EXPECT_EQ(rib_.pending(id), 0u);
  std::vector<RouteChange> out;
  EXPECT_EQ(rib_.drain(id, 10, out), 0u);
  ASSERT_TRUE(rib_.add(P("10.0.0.0/8"), spec(RouteSource::kStatic, t1)).ok());
  EXPECT_EQ(rib_.pending(id), 0u);
}

}  // namespace
}  // namespace vgw::rib
