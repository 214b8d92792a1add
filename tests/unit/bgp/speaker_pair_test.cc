// Two Speakers, each on its own io thread, peering over real loopback TCP: routes both ways
// (IPv4 and IPv6 transport), withdrawal, route refresh, TCP MD5 (same and mismatched
// passwords), hold timer expiry when one side stops reading (its thread is blocked) and
// recovery, shutdown communication, peer removal.
#include <gtest/gtest.h>

#include <thread>

#include "speaker_test_util.h"

namespace vgw::bgp {
namespace {

using namespace testing_util;
using session::State;
namespace err = wire::err;

struct Pair {
  // a: AS 65001 on a_addr, b: AS 65002 on b_addr (the same address works too: ports differ).
  Pair(const char* a_addr, const char* b_addr, const std::string& a_password = "",
       const std::string& b_password = "", uint16_t hold = 90)
      : a(base_config(65001, "10.0.0.1", a_addr)), b(base_config(65002, "10.0.0.2", b_addr)),
        a_addr_(a_addr), b_addr_(b_addr) {
    a.start();
    b.start();
    PeerConfig pa = peer_config(b_addr, 65002, b.port, false);
    pa.source_address = ip(a_addr);
    pa.password = a_password;
    pa.hold_time = hold;
    PeerConfig pb = peer_config(a_addr, 65001, a.port, false);
    pb.source_address = ip(b_addr);
    pb.password = b_password;
    a.add_peer(pa);
    b.add_peer(pb);
  }
  bool established(std::chrono::milliseconds timeout = 10s) {
    return a.wait_state(b_addr_, State::kEstablished, timeout) &&
           b.wait_state(a_addr_, State::kEstablished, timeout);
  }
  SpeakerNode a;
  SpeakerNode b;
  const char* a_addr_;
  const char* b_addr_;
};

wire::PathAttributes tagged() {
  wire::PathAttributes x;
  x.communities = {0xfde90064, 0xfde900c8};  // 65001:100 65001:200
  x.set(wire::attr::kCommunities);
  x.large_communities = {{65001, 1, 2}};
  x.set(wire::attr::kLargeCommunities);
  return x;
}

TEST(SpeakerPairTest, RoutesBothWaysAndWithdrawal) {
  Pair p("127.0.0.1", "127.0.0.2");
  ASSERT_TRUE(p.established());
  wire::PathAttributes extra = tagged();
  ASSERT_TRUE(p.a.io.call([&] { return p.a.speaker->add_network(pfx("198.51.100.0/24"), &extra); }).ok());
  ASSERT_TRUE(p.b.io.call([&] { return p.b.speaker->add_network(pfx("203.0.113.0/24")); }).ok());
  ASSERT_TRUE(p.b.wait([&] { return p.b.rib->selected(pfx("198.51.100.0/24")).active(); }));
  ASSERT_TRUE(p.a.wait([&] { return p.a.rib->selected(pfx("203.0.113.0/24")).active(); }));
  auto in = p.b.io.call([&] { return p.b.speaker->adj_rib_in(ip("127.0.0.1"), Family::kIpv4, std::nullopt, 10); });
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].attributes.as_path.to_string(), "65001");
  EXPECT_EQ(in[0].attributes.communities, extra.communities);
  EXPECT_EQ(in[0].attributes.large_communities, extra.large_communities);
  EXPECT_EQ(in[0].next_hop, ip("127.0.0.1"));
  EXPECT_EQ(p.b.selected("198.51.100.0/24").source, rib::RouteSource::kEbgp);
  // Our own route is not installed in our RIB by BGP (it is the source).
  EXPECT_FALSE(p.a.has_route("198.51.100.0/24"));

  ASSERT_TRUE(p.a.io.call([&] { return p.a.speaker->remove_network(pfx("198.51.100.0/24")); }).ok());
  EXPECT_TRUE(p.b.wait([&] { return !p.b.rib->selected(pfx("198.51.100.0/24")).active(); }));
  EXPECT_EQ(p.b.peer("127.0.0.1").accepted_ipv4, 0u);
  EXPECT_EQ(p.a.peer("127.0.0.2").advertised_ipv4, 0u);
}

TEST(SpeakerPairTest, Ipv6TransportAndRoutes) {
  Pair p("::1", "::1");
  ASSERT_TRUE(p.established());
  ASSERT_TRUE(p.a.io.call([&] { return p.a.speaker->add_network(pfx("2001:db8:a::/48")); }).ok());
  ASSERT_TRUE(p.b.wait([&] { return p.b.rib->selected(pfx("2001:db8:a::/48")).active(); }));
  auto paths = p.b.io.call([&] { return p.b.speaker->paths(pfx("2001:db8:a::/48")); });
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_EQ(paths[0].next_hop, ip("::1"));
  EXPECT_EQ(paths[0].attributes.as_path.to_string(), "65001");
  PeerStatus s = p.a.peer("::1");
  EXPECT_EQ(s.local_address, ip("::1"));
  EXPECT_TRUE(s.negotiated->ipv6_unicast);
}

TEST(SpeakerPairTest, RouteRefreshAsksThePeerToResend) {
  Pair p("127.0.0.1", "127.0.0.2");
  ASSERT_TRUE(p.established());
  ASSERT_TRUE(p.a.io.call([&] { return p.a.speaker->add_network(pfx("198.51.100.0/24")); }).ok());
  ASSERT_TRUE(p.b.wait([&] { return p.b.rib->selected(pfx("198.51.100.0/24")).active(); }));
  uint64_t updates = p.b.peer("127.0.0.1").counters.received.update;
  ASSERT_TRUE(p.b.io.call([&] { return p.b.speaker->soft_reset_in(ip("127.0.0.1")); }).ok());
  ASSERT_TRUE(p.a.wait([&] { return p.a.speaker->peer(ip("127.0.0.2"))->counters.received.route_refresh > 0; }));
  // Enhanced route refresh on both sides: BoRR, the route again, EoRR.
  ASSERT_TRUE(p.b.wait([&] {
    auto s = *p.b.speaker->peer(ip("127.0.0.1"));
    return s.counters.received.update > updates && s.counters.received.route_refresh >= 4;
  }));
  EXPECT_TRUE(p.b.has_route("198.51.100.0/24"));
  EXPECT_EQ(p.b.peer("127.0.0.1").accepted_ipv4, 1u);
}

TEST(SpeakerPairTest, Md5WithTheSamePasswordEstablishes) {
  Pair p("127.0.0.1", "127.0.0.2", "s3cret-key", "s3cret-key");
  EXPECT_TRUE(p.established());
}

TEST(SpeakerPairTest, Md5WithDifferentPasswordsNeverEstablishes) {
  Pair p("127.0.0.1", "127.0.0.2", "s3cret-key", "other-key");
  // Signed SYNs with the wrong key are dropped by the kernel: attempts keep failing.
  ASSERT_TRUE(p.a.wait([&] { return p.a.speaker->peer(ip("127.0.0.2"))->counters.connect_attempts >= 3; }, 20s));
  EXPECT_NE(p.a.peer("127.0.0.2").state, State::kEstablished);
  EXPECT_NE(p.b.peer("127.0.0.1").state, State::kEstablished);
  EXPECT_EQ(p.a.peer("127.0.0.2").established_transitions, 0u);
  EXPECT_EQ(p.b.peer("127.0.0.1").established_transitions, 0u);
}

TEST(SpeakerPairTest, Md5OnOneSideOnlyNeverEstablishes) {
  Pair p("127.0.0.1", "127.0.0.2", "s3cret-key", "");
  ASSERT_TRUE(p.a.wait([&] { return p.a.speaker->peer(ip("127.0.0.2"))->counters.connect_attempts >= 3; }, 20s));
  EXPECT_EQ(p.a.peer("127.0.0.2").established_transitions, 0u);
  EXPECT_EQ(p.b.peer("127.0.0.1").established_transitions, 0u);
}

TEST(SpeakerPairTest, TtlSecurityOnBothSidesEstablishes) {
  SpeakerNode a(base_config(65001, "10.0.0.1", "127.0.0.1"));
  SpeakerNode b(base_config(65002, "10.0.0.2", "127.0.0.2"));
  a.start();
  b.start();
  PeerConfig pa = peer_config("127.0.0.2", 65002, b.port, false);
  pa.source_address = ip("127.0.0.1");
  pa.ttl_security = true;
  PeerConfig pb = peer_config("127.0.0.1", 65001, a.port, false);
  pb.source_address = ip("127.0.0.2");
  pb.ttl_security = true;
  a.add_peer(pa);
  b.add_peer(pb);
  EXPECT_TRUE(a.wait_state("127.0.0.2", State::kEstablished));
}

TEST(SpeakerPairTest, TtlSecurityDropsAPeerThatSendsWithTtlOne) {
  SpeakerNode a(base_config(65001, "10.0.0.1", "127.0.0.1"));
  SpeakerNode b(base_config(65002, "10.0.0.2", "127.0.0.2"));
  a.start();
  b.start();
  PeerConfig pa = peer_config("127.0.0.2", 65002, b.port, false);
  pa.source_address = ip("127.0.0.1");
  pa.ttl_security = true;
  PeerConfig pb = peer_config("127.0.0.1", 65001, a.port, false);
  pb.source_address = ip("127.0.0.2");  // eBGP, TTL 1
  a.add_peer(pa);
  b.add_peer(pb);
  // Both send OPENs, but a drops b's packets (TTL 1 < 254): b's connections are refused on
  // their SYN's TTL, and on a's own connection b's segments never pass the minimum TTL.
  ASSERT_TRUE(b.wait([&] { return b.speaker->peer(ip("127.0.0.1"))->counters.sent.open >= 1; }));
  ASSERT_TRUE(a.wait([&] { return a.speaker->peer(ip("127.0.0.2"))->counters.sent.open >= 1; }));
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(a.peer("127.0.0.2").counters.received.open, 0u);
  EXPECT_GE(a.peer("127.0.0.2").counters.connections_rejected, 1u);
  EXPECT_EQ(a.peer("127.0.0.2").established_transitions, 0u);
  EXPECT_EQ(b.peer("127.0.0.1").established_transitions, 0u);
}

TEST(SpeakerPairTest, HoldTimerExpiresWhenThePeerStopsReadingAndTheSessionRecovers) {
  Pair p("127.0.0.1", "127.0.0.2", "", "", 3);
  ASSERT_TRUE(p.established());
  // Block b's control-plane thread: it neither reads nor sends keepalives.
  std::promise<void> release;
  auto released = release.get_future().share();
  boost::asio::post(p.b.io.io(), [released] { released.wait(); });
  ASSERT_TRUE(p.a.wait([&] {
    return p.a.speaker->peer(ip("127.0.0.2"))->last_error.code == err::kHoldTimerExpired;
  }));
  PeerStatus s = p.a.peer("127.0.0.2");
  EXPECT_EQ(s.last_error.origin, session::LastError::Origin::kSent);
  EXPECT_NE(s.state, State::kEstablished);
  release.set_value();
  // b reads the NOTIFICATION it missed; both come back.
  ASSERT_TRUE(p.b.wait([&] {
    return p.b.speaker->peer(ip("127.0.0.1"))->last_error.code == err::kHoldTimerExpired;
  }));
  EXPECT_EQ(p.b.peer("127.0.0.1").last_error.origin, session::LastError::Origin::kReceived);
  EXPECT_TRUE(p.established(15s));
  EXPECT_GE(p.a.peer("127.0.0.2").established_transitions, 2u);
}

TEST(SpeakerPairTest, ShutdownCommunicationReachesThePeer) {
  Pair p("127.0.0.1", "127.0.0.2");
  ASSERT_TRUE(p.established());
  PeerConfig pa = peer_config("127.0.0.2", 65002, p.b.port, false);
  pa.source_address = ip("127.0.0.1");
  pa.shutdown = true;
  pa.shutdown_message = "upgrade to 2.0";
  ASSERT_TRUE(p.a.io.call([&] { return p.a.speaker->update_peer(pa); }).ok());
  ASSERT_TRUE(p.b.wait([&] {
    return p.b.speaker->peer(ip("127.0.0.1"))->last_error.origin == session::LastError::Origin::kReceived;
  }));
  session::LastError e = p.b.peer("127.0.0.1").last_error;
  EXPECT_EQ(e.subcode, err::kAdministrativeShutdown);
  EXPECT_EQ(e.text, "upgrade to 2.0");
  EXPECT_EQ(e.to_string(),
            "received Cease / Administrative Shutdown: \"upgrade to 2.0\" (in Established)");
}

TEST(SpeakerPairTest, RemovingThePeerWithdrawsItsRoutes) {
  Pair p("127.0.0.1", "127.0.0.2");
  ASSERT_TRUE(p.established());
  ASSERT_TRUE(p.a.io.call([&] { return p.a.speaker->add_network(pfx("198.51.100.0/24")); }).ok());
  ASSERT_TRUE(p.b.wait([&] { return p.b.rib->selected(pfx("198.51.100.0/24")).active(); }));
  ASSERT_TRUE(p.b.io.call([&] { return p.b.speaker->remove_peer(ip("127.0.0.1")); }).ok());
  EXPECT_TRUE(p.b.wait([&] { return !p.b.rib->selected(pfx("198.51.100.0/24")).active(); }));
  ASSERT_TRUE(p.a.wait([&] {
    return p.a.speaker->peer(ip("127.0.0.2"))->last_error.subcode == err::kPeerDeconfigured;
  }));
}

}  // namespace
}  // namespace vgw::bgp
