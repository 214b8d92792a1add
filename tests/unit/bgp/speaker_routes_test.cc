// Routes through the speaker with scripted peers over loopback TCP: Adj-RIB-In and RIB
// install/withdraw, IPv6, multipath -> one ECMP route in the RIB, the best-path reason, next-hop
// reachability, import/export policies, graceful restart helper (RFC 4724) stale handling.
#include <atomic>
#include <gtest/gtest.h>

#include "speaker_test_util.h"
#include "vgw/bgp/attribute_store.h"
#include "vgw/bgp_fake_peer.h"

namespace vgw::bgp {
namespace {

using namespace testing_util;
using session::State;
using test::BgpFakePeer;

class RoutesTest : public ::testing::Test {
 protected:
  void SetUp() override { start(base_config(65001, "10.0.0.1", "127.0.0.1")); }
  // A static route via the first fake peer's address; call on the speaker's thread.
  void add_static(const char* prefix, uint32_t metric = 0) {
    auto g = *node->rib->groups().intern({rib::Nexthop{ip("127.0.0.2"), "", 0, 1}});
    rib::RouteSpec spec;
    spec.source = rib::RouteSource::kStatic;
    spec.group = g;
    spec.metric = metric;
    EXPECT_TRUE(node->rib->add(pfx(prefix), spec).ok());
    node->rib->groups().release(g);
  }
  void start(Config c) {
    fakes.clear();
    node.reset();
    node = std::make_unique<SpeakerNode>(std::move(c));
    node->start();
  }
  // Fake peer n (1-based) at 127.0.0.(n+1), AS 65000 + n + 1.
  BgpFakePeer& peer(int n, wire::Open open = {}, PeerConfig p = {}) {
    std::string addr = "127.0.0." + std::to_string(n + 1);
    uint32_t as = 65001 + static_cast<uint32_t>(n);
    if (p.remote_as == 0) p = peer_config(addr.c_str(), as);
    if (open.bgp_identifier == 0) open = BgpFakePeer::make_open(as, 0x0a000000u + static_cast<uint32_t>(n) + 1);
    node->add_peer(p);
    fakes.push_back(std::make_unique<BgpFakePeer>());
    BgpFakePeer& f = *fakes.back();
    EXPECT_TRUE(f.connect(ip(addr.c_str()), ip("127.0.0.1"), node->port));
    EXPECT_TRUE(f.establish(open));
    EXPECT_TRUE(node->wait_state(addr.c_str(), State::kEstablished));
    return f;
  }
  size_t accepted(const char* addr) { return node->peer(addr).accepted_ipv4; }
  bool wait_accepted(const char* addr, size_t n) {
    return node->wait([&] { return node->speaker->peer(ip(addr))->accepted_ipv4 == n; });
  }
  std::vector<PathView> paths(const char* prefix) {
    return node->io.call([&] { return node->speaker->paths(pfx(prefix)); });
  }

  std::unique_ptr<SpeakerNode> node;
  std::vector<std::unique_ptr<BgpFakePeer>> fakes;
};

TEST_F(RoutesTest, AnnouncedRoutesReachTheRibAndWithdrawalsLeaveIt) {
  BgpFakePeer& f = peer(1);
  auto attrs = BgpFakePeer::attributes({65002, 64512}, ip("127.0.0.2"));
  attrs.communities = {0xfde80064};
  attrs.set(wire::attr::kCommunities);
  f.announce({pfx("198.51.100.0/24"), pfx("198.51.101.0/24"), pfx("203.0.113.0/25")}, attrs);
  ASSERT_TRUE(wait_accepted("127.0.0.2", 3));
  rib::Selected s = node->selected("198.51.100.0/24");
  ASSERT_TRUE(s.active());
  EXPECT_EQ(s.source, rib::RouteSource::kEbgp);
  EXPECT_EQ(node->group_size("198.51.100.0/24"), 1u);
  auto in = node->io.call([&] {
    return node->speaker->adj_rib_in(ip("127.0.0.2"), Family::kIpv4, std::nullopt, 10);
  });
  ASSERT_EQ(in.size(), 3u);
  EXPECT_EQ(in[0].prefix, pfx("198.51.100.0/24"));
  EXPECT_EQ(in[0].attributes.as_path.to_string(), "65002 64512");
  EXPECT_EQ(in[0].attributes.communities, std::vector<uint32_t>{0xfde80064});
  EXPECT_EQ(in[0].next_hop, ip("127.0.0.2"));
  EXPECT_TRUE(in[0].best);
  // One attribute set for the three prefixes.
  EXPECT_EQ(node->io.call([&] { return node->speaker->stats().attribute_sets; }), 1u);

  f.withdraw({pfx("198.51.100.0/24")});
  ASSERT_TRUE(wait_accepted("127.0.0.2", 2));
  EXPECT_FALSE(node->has_route("198.51.100.0/24"));
  EXPECT_TRUE(node->has_route("198.51.101.0/24"));
  EXPECT_EQ(node->peer("127.0.0.2").counters.prefixes_withdrawn, 1u);
}

TEST_F(RoutesTest, Ipv6RoutesOverMpReach) {
  BgpFakePeer& f = peer(1);
  auto attrs = BgpFakePeer::attributes({65002}, ip("127.0.0.2"));
  attrs.unset(wire::attr::kNextHop);
  f.announce({pfx("2001:db8:1::/48")}, attrs, ip("::1"));
  ASSERT_TRUE(node->wait([&] { return node->speaker->peer(ip("127.0.0.2"))->accepted_ipv6 == 1; }));
  EXPECT_TRUE(node->has_route("2001:db8:1::/48"));
  auto p = paths("2001:db8:1::/48");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].next_hop, ip("::1"));
}

TEST_F(RoutesTest, AsPathLoopIsRejected) {
  BgpFakePeer& f = peer(1);
  f.announce({pfx("198.51.100.0/24")}, BgpFakePeer::attributes({65002, 65001, 64512}, ip("127.0.0.2")));
  ASSERT_TRUE(node->wait([&] { return node->speaker->peer(ip("127.0.0.2"))->counters.as_path_loops == 1; }));
  EXPECT_EQ(accepted("127.0.0.2"), 0u);
}

// RFC 4271 6.3 / RFC 7606 7.2 (enforce-first-as): an eBGP peer's path must start with its AS.
TEST_F(RoutesTest, EbgpPathNotStartingWithThePeersAsIsIgnored) {
  BgpFakePeer& f = peer(1);  // AS 65002
  f.announce({pfx("198.51.100.0/24")}, BgpFakePeer::attributes({65099, 64512}, ip("127.0.0.2")));
  f.announce({pfx("198.51.101.0/24")}, BgpFakePeer::attributes({}, ip("127.0.0.2")));
  f.announce({pfx("198.51.102.0/24")}, BgpFakePeer::attributes({65002, 64512}, ip("127.0.0.2")));
  ASSERT_TRUE(wait_accepted("127.0.0.2", 1));  // the last UPDATE: the others came before it
  EXPECT_EQ(node->peer("127.0.0.2").counters.first_as_mismatch, 2u);
  EXPECT_TRUE(paths("198.51.100.0/24").empty());
  EXPECT_TRUE(paths("198.51.101.0/24").empty());
  EXPECT_EQ(paths("198.51.102.0/24").size(), 1u);
  EXPECT_EQ(node->peer("127.0.0.2").state, State::kEstablished);  // ignored, not reset
}

// RFC 4271 6.3: a NEXT_HOP that is our own address or that no host can have is ignored (the
// session stays up): our end of the session, 0/8, multicast, class E, the limited broadcast and
// the directed broadcast of a connected subnet. An ordinary host of that subnet is accepted.
TEST_F(RoutesTest, MartianNextHopsAreIgnored) {
  node->io.call([&] { node->add_connected("192.0.2.0/24"); });
  BgpFakePeer& f = peer(1);
  const char* martians[] = {"127.0.0.1", "0.0.0.0", "0.1.2.3", "224.0.0.5", "240.0.0.1",
                            "255.255.255.255", "192.0.2.255"};
  uint8_t third = 0;
  for (const char* hop : martians) {
    const std::string prefix = "198.51." + std::to_string(third++) + ".0/24";
    f.announce({pfx(prefix.c_str())}, BgpFakePeer::attributes({65002}, ip(hop)));
  }
  f.announce({pfx("203.0.113.0/24")}, BgpFakePeer::attributes({65002}, ip("192.0.2.7")));
  // UPDATEs are handled in order: once the last one is in, so are the others.
  ASSERT_TRUE(node->wait([&] { return !node->speaker->paths(pfx("203.0.113.0/24")).empty(); }));
  EXPECT_EQ(accepted("127.0.0.2"), 1u);
  EXPECT_EQ(node->peer("127.0.0.2").counters.martian_next_hop, std::size(martians));
  EXPECT_EQ(paths("203.0.113.0/24").size(), 1u);
  for (int i = 0; i < 7; ++i) {
    const std::string prefix = "198.51." + std::to_string(i) + ".0/24";
    EXPECT_TRUE(paths(prefix.c_str()).empty()) << martians[i];
  }
  EXPECT_EQ(node->peer("127.0.0.2").state, State::kEstablished);
}

TEST_F(RoutesTest, BestPathReasonIsRecorded) {
  BgpFakePeer& a = peer(1);
  BgpFakePeer& b = peer(2);
  a.announce({pfx("198.51.100.0/24")}, BgpFakePeer::attributes({65002, 64512, 64513}, ip("127.0.0.2")));
  b.announce({pfx("198.51.100.0/24")}, BgpFakePeer::attributes({65003, 64512}, ip("127.0.0.3")));
  ASSERT_TRUE(wait_accepted("127.0.0.2", 1));
  ASSERT_TRUE(wait_accepted("127.0.0.3", 1));
  auto p = paths("198.51.100.0/24");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_TRUE(p[0].best);
  EXPECT_EQ(p[0].peer, ip("127.0.0.3"));
  EXPECT_EQ(p[0].reason, "AS path length 2 < 3 of 127.0.0.2");
  EXPECT_FALSE(p[1].best);
  EXPECT_EQ(p[1].reason, "best path wins on AS path length 2 < 3 of 127.0.0.2");
  // The RIB follows the best path; when it is withdrawn, the other takes over.
  b.withdraw({pfx("198.51.100.0/24")});
  ASSERT_TRUE(wait_accepted("127.0.0.3", 0));
  p = paths("198.51.100.0/24");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].peer, ip("127.0.0.2"));
  EXPECT_EQ(p[0].reason, "only path");
  EXPECT_TRUE(node->has_route("198.51.100.0/24"));
}

TEST_F(RoutesTest, MultipathGivesTheRibOneEcmpRoute) {
  Config c = base_config(65001, "10.0.0.1", "127.0.0.1");
  c.maximum_paths = 4;
  c.multipath_relax = true;  // the peers are in different ASes
  start(c);
  BgpFakePeer& a = peer(1);
  BgpFakePeer& b = peer(2);
  a.announce({pfx("198.51.100.0/24")}, BgpFakePeer::attributes({65002, 64512}, ip("127.0.0.2")));
  b.announce({pfx("198.51.100.0/24")}, BgpFakePeer::attributes({65003, 64512}, ip("127.0.0.3")));
  ASSERT_TRUE(node->wait([&] {
    auto s = node->rib->selected(pfx("198.51.100.0/24"));
    return s.active() && node->rib->groups().members(s.group).size() == 2;
  }));
  auto p = paths("198.51.100.0/24");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_TRUE(p[0].best);
  EXPECT_TRUE(p[1].multipath);
  // Without relax, different neighbour ASes do not share.
  c.multipath_relax = false;
  start(c);
  BgpFakePeer& a2 = peer(1);
  BgpFakePeer& b2 = peer(2);
  a2.announce({pfx("198.51.100.0/24")}, BgpFakePeer::attributes({65002, 64512}, ip("127.0.0.2")));
  b2.announce({pfx("198.51.100.0/24")}, BgpFakePeer::attributes({65003, 64512}, ip("127.0.0.3")));
  ASSERT_TRUE(wait_accepted("127.0.0.3", 1));
  ASSERT_TRUE(wait_accepted("127.0.0.2", 1));
  EXPECT_EQ(node->group_size("198.51.100.0/24"), 1u);
}

TEST_F(RoutesTest, MultipathSettingsChangeInPlaceForEveryPrefix) {
  Config c = base_config(65001, "10.0.0.1", "127.0.0.1");
  c.multipath_relax = true;
  start(c);
  BgpFakePeer& a = peer(1);
  BgpFakePeer& b = peer(2);
  const std::vector<const char*> prefixes = {"198.51.100.0/24", "203.0.113.0/24", "192.0.2.0/25"};
  for (const char* x : prefixes) {
    a.announce({pfx(x)}, BgpFakePeer::attributes({65002, 64512}, ip("127.0.0.2")));
    b.announce({pfx(x)}, BgpFakePeer::attributes({65003, 64512}, ip("127.0.0.3")));
  }
  ASSERT_TRUE(wait_accepted("127.0.0.2", 3));
  ASSERT_TRUE(wait_accepted("127.0.0.3", 3));
  auto all_groups_of = [&](size_t n) {  // polled on the speaker's thread
    return node->wait([&] {
      for (const char* x : prefixes) {
        rib::Selected s = node->rib->selected(pfx(x));
        if (!s.active() || node->rib->groups().members(s.group).size() != n) return false;
      }
      return true;
    });
  };
  ASSERT_TRUE(all_groups_of(1));
  node->io.call([&] { node->speaker->set_multipath(4, 4, true); });
  EXPECT_TRUE(all_groups_of(2));
  node->io.call([&] { node->speaker->set_multipath(4, 4, false); });  // different neighbour ASes
  EXPECT_TRUE(all_groups_of(1));
  node->io.call([&] { node->speaker->set_multipath(4, 4, true); });
  EXPECT_TRUE(all_groups_of(2));
  node->io.call([&] { node->speaker->set_multipath(1, 1, true); });
  EXPECT_TRUE(all_groups_of(1));
  // The sessions stayed up all along.
  EXPECT_EQ(node->io.call([&] { return node->speaker->peer(ip("127.0.0.2"))->established_transitions; }), 1u);
}

TEST_F(RoutesTest, AMultipathChangeDuringANextHopWalkKeepsThatWalksPrefixes) {
  BgpFakePeer& f = peer(1);
  f.announce({pfx("198.51.100.0/24"), pfx("203.0.113.0/24")}, BgpFakePeer::attributes({65002}, ip("192.0.2.77")));
  ASSERT_TRUE(wait_accepted("127.0.0.2", 2));
  EXPECT_FALSE(node->has_route("198.51.100.0/24"));
  node->io.call([&] {
    add_static("192.0.2.0/24");
    node->speaker->nexthops_changed();        // the walk for 192.0.2.77 starts ...
    node->speaker->set_multipath(4, 4, true);  // ... and a walk of every prefix takes over
  });
  // Single-path prefixes are not part of the multipath walk: they come from the first one.
  EXPECT_TRUE(node->wait([&] {
    return node->rib->selected(pfx("198.51.100.0/24")).active() && node->rib->selected(pfx("203.0.113.0/24")).active();
  }));
}

TEST_F(RoutesTest, UnreachableNextHopIsNotSelectedUntilItResolves) {
  BgpFakePeer& f = peer(1);
  f.announce({pfx("198.51.100.0/24")}, BgpFakePeer::attributes({65002}, ip("192.0.2.77")));
  ASSERT_TRUE(wait_accepted("127.0.0.2", 1));
  EXPECT_FALSE(node->has_route("198.51.100.0/24"));
  auto p = paths("198.51.100.0/24");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_FALSE(p[0].reachable);
  EXPECT_FALSE(p[0].best);
  EXPECT_EQ(p[0].reason, "next-hop unreachable");
  // A static route makes it reachable; the speaker re-checks when told.
  node->io.call([&] {
    add_static("192.0.2.0/24");
    node->speaker->nexthops_changed();
  });
  EXPECT_TRUE(node->wait([&] { return node->rib->selected(pfx("198.51.100.0/24")).active(); }));
}

TEST_F(RoutesTest, NextHopCoveredOnlyByABgpRouteIsUnreachableAsTheRibSaysUntilAStaticResolvesIt) {
  BgpFakePeer& f = peer(1);
  // 192.0.2.0/24 from BGP itself (its next-hop, the peer, is reachable), then a route whose
  // next-hop lies inside it: the RIB never resolves a BGP next-hop through a BGP route.
  f.announce({pfx("192.0.2.0/24")}, BgpFakePeer::attributes({65002}, ip("127.0.0.2")));
  ASSERT_TRUE(node->wait([&] { return node->rib->selected(pfx("192.0.2.0/24")).active(); }));
  f.announce({pfx("198.51.100.0/24")}, BgpFakePeer::attributes({65002}, ip("192.0.2.77")));
  ASSERT_TRUE(wait_accepted("127.0.0.2", 2));
  node->io.call([&] { node->speaker->nexthops_changed(); });
  auto p = paths("198.51.100.0/24");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_FALSE(p[0].reachable);
  EXPECT_FALSE(p[0].best);  // selected, it would be advertised yet missing from the RIB
  EXPECT_EQ(p[0].reason, "next-hop unreachable");
  EXPECT_FALSE(node->has_route("198.51.100.0/24"));
  // A static route (a non-BGP route) for the next-hop's network resolves it; the RIB tells
  // the speaker (no periodic scan in this test, no nexthops_changed()).
  node->io.call([&] { add_static("192.0.2.64/26", 7); });
  EXPECT_TRUE(node->wait([&] { return node->rib->selected(pfx("198.51.100.0/24")).active(); }));
  p = paths("198.51.100.0/24");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_TRUE(p[0].best);
  EXPECT_EQ(p[0].igp_cost, 7u);  // the metric of the route that resolves it
  // And it goes when that route goes.
  node->io.call([&] { node->rib->remove(pfx("192.0.2.64/26"), rib::RouteSource::kStatic); });
  EXPECT_TRUE(node->wait([&] { return !node->rib->selected(pfx("198.51.100.0/24")).active(); }));
  EXPECT_EQ(paths("198.51.100.0/24")[0].reason, "next-hop unreachable");
}

TEST_F(RoutesTest, ImportPolicyCanEditAndReject) {
  PeerConfig pc = peer_config("127.0.0.2", 65002);
  pc.import_policy = [](const PolicyContext& ctx, PolicyRoute& r) {
    if (ctx.prefix.length() > 24) return PolicyResult::kReject;
    r.attributes.set_local_pref(250);
    r.attributes.large_communities.push_back({65001, 1, 2});
    r.attributes.set(wire::attr::kLargeCommunities);
    return PolicyResult::kAccept;
  };
  BgpFakePeer& f = peer(1, {}, pc);
  f.announce({pfx("198.51.100.0/24"), pfx("198.51.101.0/25")},
             BgpFakePeer::attributes({65002}, ip("127.0.0.2")));
  ASSERT_TRUE(node->wait([&] { return node->speaker->peer(ip("127.0.0.2"))->counters.denied_by_policy == 1; }));
  ASSERT_TRUE(wait_accepted("127.0.0.2", 1));
  auto p = paths("198.51.100.0/24");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].local_pref, 250u);
  ASSERT_EQ(p[0].attributes.large_communities.size(), 1u);
  EXPECT_FALSE(node->has_route("198.51.101.0/25"));
}

TEST_F(RoutesTest, TransitAdvertisesWithPrependAndNextHopSelf) {
  BgpFakePeer& a = peer(1);
  BgpFakePeer& b = peer(2);
  auto attrs = BgpFakePeer::attributes({65002, 64512}, ip("127.0.0.2"));
  attrs.set_med(50);
  attrs.large_communities = {{65002, 7, 8}};
  attrs.set(wire::attr::kLargeCommunities);
  a.announce({pfx("198.51.100.0/24")}, attrs);
  ASSERT_TRUE(b.read_until([&] { return b.routes.count(pfx("198.51.100.0/24")) == 1; }, 5s));
  const wire::PathAttributes& got = b.routes[pfx("198.51.100.0/24")];
  EXPECT_EQ(got.as_path.to_string(), "65001 65002 64512");
  EXPECT_EQ(b.next_hops[pfx("198.51.100.0/24")], ip("127.0.0.1"));
  EXPECT_FALSE(got.has(wire::attr::kMultiExitDisc));  // RFC 4271 5.1.4
  EXPECT_EQ(got.large_communities, attrs.large_communities);
  // Not back to the peer it came from.
  a.read_until([] { return false; }, 300ms);
  EXPECT_EQ(a.routes.count(pfx("198.51.100.0/24")), 0u);
  // Withdrawn at the source: withdrawn at the other peer.
  a.withdraw({pfx("198.51.100.0/24")});
  ASSERT_TRUE(b.read_until([&] { return b.routes.empty(); }, 5s));
  auto out = node->io.call([&] {
    return node->speaker->adj_rib_out(ip("127.0.0.3"), Family::kIpv4, std::nullopt, 10);
  });
  EXPECT_TRUE(out.empty());
}

TEST_F(RoutesTest, NoExportCommunityStaysInside) {
  BgpFakePeer& a = peer(1);
  BgpFakePeer& b = peer(2);
  auto attrs = BgpFakePeer::attributes({65002}, ip("127.0.0.2"));
  attrs.communities = {kNoExport};
  attrs.set(wire::attr::kCommunities);
  a.announce({pfx("198.51.100.0/24")}, attrs);
  a.announce({pfx("198.51.101.0/24")}, BgpFakePeer::attributes({65002}, ip("127.0.0.2")));
  ASSERT_TRUE(b.read_until([&] { return b.routes.count(pfx("198.51.101.0/24")) == 1; }, 5s));
  EXPECT_EQ(b.routes.count(pfx("198.51.100.0/24")), 0u);
}

TEST_F(RoutesTest, ExportPolicyCanRejectAndEdit) {
  PeerConfig pc = peer_config("127.0.0.3", 65003);
  pc.export_policy = [](const PolicyContext& ctx, PolicyRoute& r) {
    if (ctx.prefix.address().data()[2] == 101) return PolicyResult::kReject;
    r.attributes.communities.push_back(0xfde90001);
    r.attributes.set(wire::attr::kCommunities);
    return PolicyResult::kAccept;
  };
  BgpFakePeer& a = peer(1);
  BgpFakePeer& b = peer(2, {}, pc);
  a.announce({pfx("198.51.100.0/24"), pfx("198.51.101.0/24"), pfx("198.51.102.0/24")},
             BgpFakePeer::attributes({65002}, ip("127.0.0.2")));
  ASSERT_TRUE(b.read_until([&] { return b.routes.size() == 2; }, 5s));
  EXPECT_EQ(b.routes.count(pfx("198.51.101.0/24")), 0u);
  EXPECT_EQ(b.routes[pfx("198.51.100.0/24")].communities, std::vector<uint32_t>{0xfde90001});
  // Soft reset out after a policy change sends only the difference.
  pc.export_policy = accept_all();
  ASSERT_TRUE(node->io.call([&] { return node->speaker->update_peer(pc); }).ok());
  ASSERT_TRUE(b.read_until([&] { return b.routes.size() == 3; }, 5s));
  EXPECT_TRUE(b.routes[pfx("198.51.100.0/24")].communities.empty());
}

TEST_F(RoutesTest, UpdateGroupEvaluatesTheExportPolicyOncePerChange) {
  // Three eBGP peers of one AS with the same route-map out (same export_policy_id) and the same
  // local address: one update group. The policy runs once per change, not once per peer.
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto group_peer = [&](int n) {
    std::string addr = "127.0.0." + std::to_string(n + 1);
    PeerConfig pc = peer_config(addr.c_str(), 65010);
    pc.export_policy = [calls](const PolicyContext&, PolicyRoute& r) {
      ++*calls;
      r.attributes.communities.push_back(0xfdea0007);
      r.attributes.set(wire::attr::kCommunities);
      return PolicyResult::kAccept;
    };
    pc.export_policy_id = "OUT@1";
    return &peer(n, BgpFakePeer::make_open(65010, 0x0a000000u + static_cast<uint32_t>(n) + 1), pc);
  };
  BgpFakePeer& src = peer(1);
  std::vector<BgpFakePeer*> group = {group_peer(2), group_peer(3), group_peer(4)};
  const int before = calls->load();  // initial table walks (nothing to send yet)
  src.announce({pfx("198.51.100.0/24"), pfx("198.51.101.0/24"), pfx("198.51.102.0/24")},
               BgpFakePeer::attributes({65002}, ip("127.0.0.2")));
  for (BgpFakePeer* f : group) {
    ASSERT_TRUE(f->read_until([&] { return f->routes.size() == 3; }, 5s));
    EXPECT_EQ(f->routes[pfx("198.51.101.0/24")].communities, std::vector<uint32_t>{0xfdea0007});
    EXPECT_EQ(f->routes[pfx("198.51.101.0/24")].as_path.to_string(), "65001 65002");
  }
  EXPECT_EQ(calls->load() - before, 3);
  SpeakerStats st = node->io.call([&] { return node->speaker->stats(); });
  EXPECT_GE(st.export_shared, 6u);
  EXPECT_EQ(st.update_groups, 2u);  // the source's own, and the three
  // A member's own route: to the source peer, not back to the member (split horizon) and not
  // to the other members (their AS is in the path), although the group shares the evaluation.
  group[0]->announce({pfx("203.0.113.0/24")}, BgpFakePeer::attributes({65010}, ip("127.0.0.3")));
  ASSERT_TRUE(src.read_until([&] { return src.routes.count(pfx("203.0.113.0/24")) == 1; }, 5s));
  for (BgpFakePeer* f : group) {
    f->read_until([] { return false; }, 300ms);
    EXPECT_EQ(f->routes.count(pfx("203.0.113.0/24")), 0u);
  }
}

// ---- Graceful restart helper (RFC 4724) ----

wire::Open gr_open(uint32_t as, uint32_t id, uint16_t restart_time, bool forwarding) {
  wire::Open o = BgpFakePeer::make_open(as, id);
  wire::GracefulRestart gr;
  gr.restart_time = restart_time;
  gr.families.push_back({wire::kIpv4Unicast, forwarding});
  o.capabilities.graceful_restart = gr;
  return o;
}

TEST_F(RoutesTest, GracefulRestartKeepsRoutesStaleUntilEndOfRib) {
  BgpFakePeer& f = peer(1, gr_open(65002, 0x0a000002, 30, true));
  ASSERT_TRUE(node->peer("127.0.0.2").negotiated->graceful_restart);
  auto attrs = BgpFakePeer::attributes({65002}, ip("127.0.0.2"));
  f.announce({pfx("198.51.100.0/24"), pfx("198.51.101.0/24"), pfx("198.51.102.0/24")}, attrs);
  ASSERT_TRUE(wait_accepted("127.0.0.2", 3));
  f.close();  // the peer's control plane restarts: TCP drops, no NOTIFICATION
  ASSERT_TRUE(node->wait([&] { return node->speaker->peer(ip("127.0.0.2"))->graceful_restart_helping; }));
  PeerStatus s = node->peer("127.0.0.2");
  EXPECT_EQ(s.stale, 3u);
  EXPECT_TRUE(node->has_route("198.51.100.0/24"));  // still forwarding
  auto p = paths("198.51.100.0/24");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_TRUE(p[0].stale);
  // It comes back, re-announces two of the three, End-of-RIB: the third goes.
  ASSERT_TRUE(f.connect(ip("127.0.0.2"), ip("127.0.0.1"), node->port));
  ASSERT_TRUE(f.establish(gr_open(65002, 0x0a000002, 30, true)));
  ASSERT_TRUE(node->wait_state("127.0.0.2", State::kEstablished));
  EXPECT_EQ(node->peer("127.0.0.2").stale, 3u);
  f.announce({pfx("198.51.100.0/24"), pfx("198.51.101.0/24")}, attrs);
  f.send_end_of_rib();
  ASSERT_TRUE(wait_accepted("127.0.0.2", 2));
  s = node->peer("127.0.0.2");
  EXPECT_EQ(s.stale, 0u);
  EXPECT_FALSE(s.graceful_restart_helping);
  EXPECT_TRUE(s.end_of_rib_ipv4);
  EXPECT_TRUE(node->has_route("198.51.100.0/24"));
  EXPECT_FALSE(node->has_route("198.51.102.0/24"));
}

TEST_F(RoutesTest, GracefulRestartTimerExpiryDropsStaleRoutes) {
  BgpFakePeer& f = peer(1, gr_open(65002, 0x0a000002, 1, true));
  f.announce({pfx("198.51.100.0/24")}, BgpFakePeer::attributes({65002}, ip("127.0.0.2")));
  ASSERT_TRUE(wait_accepted("127.0.0.2", 1));
  f.close();
  ASSERT_TRUE(node->wait([&] { return node->speaker->peer(ip("127.0.0.2"))->graceful_restart_helping; }));
  // Restart time 1 s: the peer does not return, its routes go.
  ASSERT_TRUE(wait_accepted("127.0.0.2", 0));
  EXPECT_FALSE(node->has_route("198.51.100.0/24"));
}

TEST_F(RoutesTest, RestartWithoutForwardingStateDropsStaleRoutesAtOnce) {
  BgpFakePeer& f = peer(1, gr_open(65002, 0x0a000002, 30, true));
  f.announce({pfx("198.51.100.0/24")}, BgpFakePeer::attributes({65002}, ip("127.0.0.2")));
  ASSERT_TRUE(wait_accepted("127.0.0.2", 1));
  f.close();
  ASSERT_TRUE(node->wait([&] { return node->speaker->peer(ip("127.0.0.2"))->graceful_restart_helping; }));
  ASSERT_TRUE(f.connect(ip("127.0.0.2"), ip("127.0.0.1"), node->port));
  ASSERT_TRUE(f.establish(gr_open(65002, 0x0a000002, 30, false)));  // F bit clear
  ASSERT_TRUE(wait_accepted("127.0.0.2", 0));
  EXPECT_FALSE(node->has_route("198.51.100.0/24"));
}

TEST_F(RoutesTest, WithoutGracefulRestartRoutesGoWithTheSession) {
  BgpFakePeer& f = peer(1);
  f.announce({pfx("198.51.100.0/24")}, BgpFakePeer::attributes({65002}, ip("127.0.0.2")));
  ASSERT_TRUE(wait_accepted("127.0.0.2", 1));
  f.close();
  ASSERT_TRUE(wait_accepted("127.0.0.2", 0));
  EXPECT_FALSE(node->has_route("198.51.100.0/24"));
  EXPECT_FALSE(node->peer("127.0.0.2").graceful_restart_helping);
}

TEST_F(RoutesTest, RemovedPeerTakesItsRoutes) {
  BgpFakePeer& f = peer(1);
  f.announce({pfx("198.51.100.0/24")}, BgpFakePeer::attributes({65002}, ip("127.0.0.2")));
  ASSERT_TRUE(wait_accepted("127.0.0.2", 1));
  ASSERT_TRUE(node->io.call([&] { return node->speaker->remove_peer(ip("127.0.0.2")); }).ok());
  ASSERT_TRUE(f.expect(wire::MessageType::kNotification, 5s));
  EXPECT_EQ(f.notifications.back().subcode, wire::err::kPeerDeconfigured);
  EXPECT_TRUE(node->wait([&] { return !node->rib->selected(pfx("198.51.100.0/24")).active(); }));
  EXPECT_FALSE(node->io.call([&] { return node->speaker->peer(ip("127.0.0.2")).has_value(); }));
}

}  // namespace
}  // namespace vgw::bgp
