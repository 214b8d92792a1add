// The decision process: every tie-breaker with its reason text, MED between neighbour ASes,
// reachability, multipath (and multipath-relax), arrival-order independence.
#include <gtest/gtest.h>

#include "vgw/bgp/decision.h"
#include "vgw/rib/rib.h"

namespace vgw::bgp {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

struct Path {
  AttrSummary s;
  IpAddress peer;
  uint32_t router_id = 1;
  uint32_t igp = 0;
  bool external = true;
  bool local = false;
  bool reachable = true;
  NexthopId nexthop = 1;
};

Path path(const char* peer, uint16_t len = 2) {
  Path p;
  p.s.local_pref = 100;
  p.s.path_length = len;
  p.s.origin = wire::Origin::kIgp;
  p.s.neighbor_as = 65001;
  p.peer = ip(peer);
  return p;
}

class DecisionTest : public ::testing::Test {
 protected:
  const DecisionResult& run(std::vector<Path>& paths) {
    cands.clear();
    for (size_t i = 0; i < paths.size(); ++i) {
      Candidate c;
      c.attrs = &paths[i].s;
      c.peer_address = paths[i].local ? nullptr : &paths[i].peer;
      c.router_id = paths[i].router_id;
      c.igp_cost = paths[i].igp;
      c.external = paths[i].external;
      c.local = paths[i].local;
      c.reachable = paths[i].reachable;
      c.nexthop = paths[i].nexthop;
      c.peer = static_cast<PeerId>(i + 1);
      cands.push_back(c);
    }
    decide(cands, options, nullptr, result);
    return result;
  }
  std::string why() {
    return explain(cands[result.best], result.runner_up >= 0 ? &cands[result.runner_up] : nullptr,
                   result.reason);
  }

  DecisionOptions options;
  std::vector<Candidate> cands;
  DecisionResult result;
};

TEST_F(DecisionTest, OnlyPath) {
  std::vector<Path> p{path("10.0.0.1")};
  EXPECT_EQ(run(p).best, 0);
  EXPECT_EQ(why(), "only path");
}

TEST_F(DecisionTest, UnreachableNextHopIsNeverBest) {
  std::vector<Path> p{path("10.0.0.1")};
  p[0].reachable = false;
  EXPECT_EQ(run(p).best, -1);
  std::vector<Path> q{path("10.0.0.1", 1), path("10.0.0.2", 5)};
  q[0].reachable = false;
  EXPECT_EQ(run(q).best, 1);
  EXPECT_EQ(result.reason, Reason::kReachability);
}

TEST_F(DecisionTest, HighestWeightFirst) {
  std::vector<Path> p{path("10.0.0.1", 1), path("10.0.0.2", 5)};
  p[1].s.weight = 10;
  EXPECT_EQ(run(p).best, 1);
  EXPECT_EQ(why(), "weight 10 > 0 of 10.0.0.1");
}

TEST_F(DecisionTest, HighestLocalPreference) {
  std::vector<Path> p{path("10.0.0.1", 1), path("10.0.0.2", 5)};
  p[1].s.local_pref = 200;
  EXPECT_EQ(run(p).best, 1);
  EXPECT_EQ(why(), "local preference 200 > 100 of 10.0.0.1");
}

TEST_F(DecisionTest, LocallyOriginatedBeatsLearned) {
  std::vector<Path> p{path("10.0.0.1", 0), path("0.0.0.0", 0)};
  p[1].local = true;
  EXPECT_EQ(run(p).best, 1);
  EXPECT_EQ(why(), "locally originated over learned of 10.0.0.1");
}

TEST_F(DecisionTest, ShortestAsPath) {
  std::vector<Path> p{path("10.0.0.1", 3), path("10.0.0.2", 2)};
  EXPECT_EQ(run(p).best, 1);
  EXPECT_EQ(result.reason, Reason::kAsPathLength);
  EXPECT_EQ(why(), "AS path length 2 < 3 of 10.0.0.1");
}

TEST_F(DecisionTest, LowestOrigin) {
  std::vector<Path> p{path("10.0.0.1"), path("10.0.0.2")};
  p[0].s.origin = wire::Origin::kIncomplete;
  EXPECT_EQ(run(p).best, 1);
  EXPECT_EQ(why(), "origin IGP < incomplete of 10.0.0.1");
}

TEST_F(DecisionTest, LowestMedFromTheSameNeighbourAs) {
  std::vector<Path> p{path("10.0.0.1"), path("10.0.0.2")};
  p[0].s.med = 20;
  p[1].s.med = 10;
  EXPECT_EQ(run(p).best, 1);
  EXPECT_EQ(why(), "MED 10 < 20 of 10.0.0.1");
}

TEST_F(DecisionTest, MedIgnoredBetweenDifferentNeighbourAses) {
  std::vector<Path> p{path("10.0.0.1"), path("10.0.0.2")};
  p[0].s.med = 20;
  p[1].s.med = 10;
  p[1].s.neighbor_as = 65002;
  p[0].router_id = 1;
  p[1].router_id = 2;
  EXPECT_EQ(run(p).best, 0);  // decided by router ID instead
  EXPECT_EQ(result.reason, Reason::kRouterId);
  options.always_compare_med = true;
  EXPECT_EQ(run(p).best, 1);
  EXPECT_EQ(result.reason, Reason::kMed);
}

TEST_F(DecisionTest, ExternalOverInternal) {
  std::vector<Path> p{path("10.0.0.1"), path("10.0.0.2")};
  p[0].external = false;
  EXPECT_EQ(run(p).best, 1);
  EXPECT_EQ(why(), "eBGP over iBGP of 10.0.0.1");
}

TEST_F(DecisionTest, LowestIgpCost) {
  std::vector<Path> p{path("10.0.0.1"), path("10.0.0.2")};
  p[0].igp = 20;
  p[1].igp = 5;
  EXPECT_EQ(run(p).best, 1);
  EXPECT_EQ(why(), "IGP cost 5 < 20 of 10.0.0.1");
}

TEST_F(DecisionTest, LowestRouterIdThenOriginatorId) {
  std::vector<Path> p{path("10.0.0.1"), path("10.0.0.2")};
  p[0].router_id = 0x0a000009;
  p[1].router_id = 0x0a000003;
  EXPECT_EQ(run(p).best, 1);
  EXPECT_EQ(why(), "router ID 10.0.0.3 < 10.0.0.9 of 10.0.0.1");
  p[1].s.originator_id = 0x0b000000;  // a reflected route compares its ORIGINATOR_ID
  EXPECT_EQ(run(p).best, 0);
}

TEST_F(DecisionTest, ShortestClusterList) {
  std::vector<Path> p{path("10.0.0.1"), path("10.0.0.2")};
  p[0].s.cluster_length = 2;
  p[1].s.cluster_length = 1;
  EXPECT_EQ(run(p).best, 1);
  EXPECT_EQ(result.reason, Reason::kClusterLength);
}

TEST_F(DecisionTest, LowestPeerAddressLast) {
  std::vector<Path> p{path("10.0.0.7"), path("10.0.0.3")};
  EXPECT_EQ(run(p).best, 1);
  EXPECT_EQ(why(), "peer address 10.0.0.3 < 10.0.0.7");
}

TEST_F(DecisionTest, ReasonNamesTheRunnerUpAmongSeveral) {
  std::vector<Path> p{path("10.0.0.1", 4), path("10.0.0.2", 2), path("10.0.0.3", 3)};
  EXPECT_EQ(run(p).best, 1);
  EXPECT_EQ(result.runner_up, 2);
  EXPECT_EQ(why(), "AS path length 2 < 3 of 10.0.0.3");
}

TEST_F(DecisionTest, ResultDoesNotDependOnArrivalOrder) {
  // MED is not transitive: A(AS1, MED 10) vs B(AS1, MED 20) vs C(AS2, lower router ID).
  std::vector<Path> p{path("10.0.0.1"), path("10.0.0.2"), path("10.0.0.3")};
  p[0].s.med = 20;
  p[0].router_id = 1;
  p[1].s.med = 10;
  p[1].router_id = 3;
  p[2].s.neighbor_as = 65002;
  p[2].router_id = 2;
  const IpAddress first = p[run(p).best].peer;
  std::vector<Path> q{p[2], p[0], p[1]};
  EXPECT_EQ(q[run(q).best].peer, first);
  std::vector<Path> r{p[1], p[2], p[0]};
  EXPECT_EQ(r[run(r).best].peer, first);
}

TEST_F(DecisionTest, NoMultipathByDefault) {
  std::vector<Path> p{path("10.0.0.1"), path("10.0.0.2")};
  p[1].nexthop = 2;
  run(p);
  EXPECT_EQ(result.multipath.size(), 1u);
}

TEST_F(DecisionTest, MultipathTakesEqualPathsUpToTheLimit) {
  options.maximum_paths = 2;
  std::vector<Path> p{path("10.0.0.1"), path("10.0.0.2"), path("10.0.0.3")};
  for (size_t i = 0; i < p.size(); ++i) p[i].nexthop = static_cast<NexthopId>(i + 1);
  run(p);
  EXPECT_EQ(result.multipath.size(), 2u);
  EXPECT_EQ(result.multipath[0], result.best);
  options.maximum_paths = 8;
  run(p);
  EXPECT_EQ(result.multipath.size(), 3u);
}

TEST_F(DecisionTest, MultipathNeedsEqualAttributesToIgpCost) {
  options.maximum_paths = 4;
  std::vector<Path> p{path("10.0.0.1"), path("10.0.0.2"), path("10.0.0.3")};
  for (size_t i = 0; i < p.size(); ++i) p[i].nexthop = static_cast<NexthopId>(i + 1);
  p[1].igp = 10;   // worse IGP cost: not multipath
  p[2].s.med = 5;  // worse MED: not multipath
  run(p);
  EXPECT_EQ(result.multipath.size(), 1u);
}

TEST_F(DecisionTest, MultipathSkipsDuplicateNextHopsAndMixedKinds) {
  options.maximum_paths = 4;
  std::vector<Path> p{path("10.0.0.1"), path("10.0.0.2"), path("10.0.0.3")};
  p[1].nexthop = p[0].nexthop;  // same next-hop
  p[2].nexthop = 3;
  p[2].external = false;        // iBGP path does not join an eBGP best
  run(p);
  EXPECT_EQ(result.multipath.size(), 1u);
}

TEST_F(DecisionTest, MultipathRelaxAcceptsDifferentNeighbourAs) {
  options.maximum_paths = 2;
  std::vector<Path> p{path("10.0.0.1"), path("10.0.0.2")};
  p[1].nexthop = 2;
  p[1].s.neighbor_as = 65002;
  run(p);
  EXPECT_EQ(result.multipath.size(), 1u);
  options.multipath_relax = true;
  run(p);
  EXPECT_EQ(result.multipath.size(), 2u);
}

TEST_F(DecisionTest, MultipathComparesAsPathsExactlyThroughTheStore) {
  rib::Rib rib;
  NexthopTable nexthops(rib, false);
  AttributeStore store(nexthops, 100);
  auto attrs = [](std::vector<uint32_t> path) {
    wire::PathAttributes a;
    a.set_origin(wire::Origin::kIgp);
    a.set_as_path(wire::AsPath::sequence(path));
    return a;
  };
  AttrId x = store.intern(attrs({65001, 100}), ip("10.0.0.1"));
  AttrId y = store.intern(attrs({65001, 200}), ip("10.0.0.2"));  // same neighbour AS and length
  AttrId z = store.intern(attrs({65001, 100}), ip("10.0.0.3"));
  std::vector<AttrId> ids{x, y, z};
  std::vector<IpAddress> peers{ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3")};
  std::vector<Candidate> c(3);
  for (size_t i = 0; i < 3; ++i) {
    c[i].attrs = &store.summary(ids[i]);
    c[i].attr = ids[i];
    c[i].nexthop = store.nexthop(ids[i]);
    c[i].peer_address = &peers[i];
    c[i].external = true;
    c[i].peer = static_cast<PeerId>(i + 1);
  }
  options.maximum_paths = 4;
  decide(c, options, &store, result);
  EXPECT_EQ(result.best, 0);
  ASSERT_EQ(result.multipath.size(), 2u);  // x and z share the AS path; y differs
  EXPECT_EQ(result.multipath[1], 2);
  options.multipath_relax = true;
  decide(c, options, &store, result);
  EXPECT_EQ(result.multipath.size(), 3u);
  for (AttrId id : ids) store.release(id);
}

}  // namespace
}  // namespace vgw::bgp
