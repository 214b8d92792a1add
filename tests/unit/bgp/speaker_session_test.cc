// The speaker against a scripted peer over real loopback TCP: session establishment and
// End-of-RIB, OPEN errors, hold timer expiry, administrative shutdown (RFC 8203), RFC 8212,
// maximum-prefix, connection collision (RFC 4271 6.8), route refresh (RFC 2918 / RFC 7313).
#include <gtest/gtest.h>

#include "speaker_test_util.h"
#include "vgw/base/asn.h"
#include "vgw/bgp_fake_peer.h"

#include <thread>

namespace vgw::bgp {
namespace {

using namespace testing_util;
using session::State;
using test::BgpFakePeer;
namespace err = wire::err;

constexpr uint32_t kFakeId = 0x0a0000fe;  // 10.0.0.254

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node = std::make_unique<SpeakerNode>(base_config(65001, "10.0.0.1", "127.0.0.1"));
    node->start();
  }
  // A passive speaker-side peer 127.0.0.2 (AS 65002) and the fake connected to it.
  void connect_fake(PeerConfig p = peer_config("127.0.0.2", 65002)) {
    node->add_peer(std::move(p));
    ASSERT_TRUE(fake.connect(ip("127.0.0.2"), ip("127.0.0.1"), node->port));
  }
  void establish(PeerConfig p = peer_config("127.0.0.2", 65002),
                 wire::Open open = BgpFakePeer::make_open(65002, kFakeId)) {
    connect_fake(std::move(p));
    ASSERT_TRUE(fake.establish(open));
    ASSERT_TRUE(node->wait_state("127.0.0.2", State::kEstablished));
  }

  std::unique_ptr<SpeakerNode> node;
  BgpFakePeer fake;
};

TEST_F(SessionTest, EstablishesNegotiatesAndSendsEndOfRib) {
  establish();
  EXPECT_EQ(fake.peer_open.asn(), 65001u);
  EXPECT_EQ(fake.peer_open.bgp_identifier, 0x0a000001u);
  EXPECT_TRUE(fake.peer_open.capabilities.enhanced_route_refresh);
  // RFC 4724 2: End-of-RIB for each negotiated family after the (here empty) initial table.
  ASSERT_TRUE(fake.read_until([&] { return fake.end_of_rib.size() == 2; }, 5s));
  PeerStatus s = node->peer("127.0.0.2");
  EXPECT_EQ(s.state, State::kEstablished);
  ASSERT_TRUE(s.negotiated.has_value());
  EXPECT_TRUE(s.negotiated->four_octet_as);
  EXPECT_TRUE(s.negotiated->ipv4_unicast);
  EXPECT_TRUE(s.negotiated->ipv6_unicast);
  EXPECT_TRUE(s.negotiated->route_refresh);
  EXPECT_EQ(s.negotiated->hold_time, 90);
  EXPECT_EQ(s.remote_id, kFakeId);
  EXPECT_EQ(s.counters.received.open, 1u);
  EXPECT_EQ(s.counters.sent.open, 1u);
  EXPECT_EQ(s.established_transitions, 1u);
}

TEST_F(SessionTest, ConnectionFromAnUnknownAddressIsRefused) {
  node->add_peer(peer_config("127.0.0.2", 65002));
  ASSERT_TRUE(fake.connect(ip("127.0.0.9"), ip("127.0.0.1"), node->port));
  fake.send_open(BgpFakePeer::make_open(65002, kFakeId));
  EXPECT_FALSE(fake.receive(3s).has_value());
  EXPECT_TRUE(fake.eof());
}

TEST_F(SessionTest, WrongPeerAsGetsBadPeerAs) {
  connect_fake();
  fake.send_open(BgpFakePeer::make_open(65099, kFakeId));
  ASSERT_TRUE(fake.expect(wire::MessageType::kNotification, 5s));
  ASSERT_EQ(fake.notifications.size(), 1u);
  EXPECT_EQ(fake.notifications[0].code, err::kOpenMessage);
  EXPECT_EQ(fake.notifications[0].subcode, err::kBadPeerAs);
  PeerStatus s = node->peer("127.0.0.2");
  EXPECT_EQ(s.last_error.origin, session::LastError::Origin::kSent);
  EXPECT_EQ(s.last_error.code, err::kOpenMessage);
  EXPECT_EQ(s.last_error.subcode, err::kBadPeerAs);
  EXPECT_NE(s.state, State::kEstablished);
}

TEST_F(SessionTest, HoldTimerExpiresWhenThePeerFallsSilent) {
  establish(peer_config("127.0.0.2", 65002), BgpFakePeer::make_open(65002, kFakeId, 3));
  // The fake sends nothing more; the negotiated hold time is 3 s.
  ASSERT_TRUE(fake.expect(wire::MessageType::kNotification, 10s));
  EXPECT_EQ(fake.notifications.back().code, err::kHoldTimerExpired);
  ASSERT_TRUE(node->wait([&] {
    return node->speaker->peer(ip("127.0.0.2"))->last_error.code == err::kHoldTimerExpired;
  }));
  PeerStatus s = node->peer("127.0.0.2");
  EXPECT_EQ(s.last_error.origin, session::LastError::Origin::kSent);
  EXPECT_EQ(s.last_error.state, State::kEstablished);
  EXPECT_EQ(s.last_error.to_string(), "sent Hold Timer Expired (in Established)");
}

TEST_F(SessionTest, KeepalivesFlowAtAThirdOfTheHoldTime) {
  establish(peer_config("127.0.0.2", 65002), BgpFakePeer::make_open(65002, kFakeId, 3));
  size_t before = fake.keepalives;
  ASSERT_TRUE(fake.read_until([&] {
    if (fake.keepalives >= before + 2) return true;
    fake.send_keepalive();
    return false;
  }, 6s));
  EXPECT_EQ(node->peer("127.0.0.2").state, State::kEstablished);
}

TEST_F(SessionTest, AdministrativeShutdownSendsTheMessageAndRestartClears) {
  establish();
  PeerConfig p = peer_config("127.0.0.2", 65002);
  p.shutdown = true;
  p.shutdown_message = "maintenance until 18:00";
  ASSERT_TRUE(node->io.call([&] { return node->speaker->update_peer(p); }).ok());
  ASSERT_TRUE(fake.expect(wire::MessageType::kNotification, 5s));
  const wire::Notification& n = fake.notifications.back();
  EXPECT_EQ(n.code, err::kCease);
  EXPECT_EQ(n.subcode, err::kAdministrativeShutdown);
  EXPECT_EQ(n.shutdown_communication(), "maintenance until 18:00");
  PeerStatus s = node->peer("127.0.0.2");
  EXPECT_EQ(s.state, State::kIdle);
  EXPECT_TRUE(s.admin_shutdown);
  EXPECT_EQ(s.last_error.text, "maintenance until 18:00");
  // Refused while shut down.
  ASSERT_TRUE(fake.connect(ip("127.0.0.2"), ip("127.0.0.1"), node->port));
  fake.send_open(BgpFakePeer::make_open(65002, kFakeId));
  EXPECT_FALSE(fake.expect(wire::MessageType::kOpen, 2s).has_value());
  // Back up.
  p.shutdown = false;
  ASSERT_TRUE(node->io.call([&] { return node->speaker->update_peer(p); }).ok());
  ASSERT_TRUE(fake.connect(ip("127.0.0.2"), ip("127.0.0.1"), node->port));
  ASSERT_TRUE(fake.establish(BgpFakePeer::make_open(65002, kFakeId)));
  EXPECT_TRUE(node->wait_state("127.0.0.2", State::kEstablished));
}

TEST_F(SessionTest, ReceivedNotificationIsTheLastError) {
  establish();
  fake.send_notification(wire::Notification::shutdown(err::kAdministrativeShutdown, "bye"));
  ASSERT_TRUE(node->wait([&] {
    return node->speaker->peer(ip("127.0.0.2"))->last_error.origin ==
           session::LastError::Origin::kReceived;
  }));
  PeerStatus s = node->peer("127.0.0.2");
  EXPECT_EQ(s.last_error.code, err::kCease);
  EXPECT_EQ(s.last_error.subcode, err::kAdministrativeShutdown);
  EXPECT_EQ(s.last_error.text, "bye");
  EXPECT_NE(s.state, State::kEstablished);
}

TEST_F(SessionTest, MalformedUpdateResetsTheSession) {
  establish();
  // An UPDATE whose Withdrawn Routes Length runs past the message (RFC 4271 6.3 / RFC 7606).
  std::vector<uint8_t> m = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                           0xff, 0xff, 0xff, 0xff, 0,    23,   2,    0,    0x10, 0,    0};
  fake.send(m);
  ASSERT_TRUE(fake.expect(wire::MessageType::kNotification, 5s));
  EXPECT_EQ(fake.notifications.back().code, err::kUpdateMessage);
  EXPECT_EQ(fake.notifications.back().subcode, err::kMalformedAttributeList);
}

TEST_F(SessionTest, HardResetSendsAdministrativeResetAndComesBack) {
  establish();
  ASSERT_TRUE(node->io.call([&] { return node->speaker->hard_reset(ip("127.0.0.2")); }).ok());
  ASSERT_TRUE(fake.expect(wire::MessageType::kNotification, 5s));
  EXPECT_EQ(fake.notifications.back().code, err::kCease);
  EXPECT_EQ(fake.notifications.back().subcode, err::kAdministrativeReset);
  // The session restarts by itself (passive here: it takes our next connection).
  ASSERT_TRUE(fake.connect(ip("127.0.0.2"), ip("127.0.0.1"), node->port));
  ASSERT_TRUE(fake.establish(BgpFakePeer::make_open(65002, kFakeId)));
  ASSERT_TRUE(node->wait_state("127.0.0.2", State::kEstablished));
  EXPECT_EQ(node->peer("127.0.0.2").established_transitions, 2u);
}

TEST_F(SessionTest, LocalAsOverrideIsWhatThePeerSees) {
  PeerConfig p = peer_config("127.0.0.2", 65002);
  p.local_as = 4200000001u;
  p.export_policy = accept_all();
  ASSERT_TRUE(node->io.call([&] { return node->speaker->add_network(pfx("192.0.2.0/24")); }).ok());
  establish(p);
  EXPECT_EQ(fake.peer_open.asn(), 4200000001u);
  EXPECT_EQ(fake.peer_open.my_as, kAsTrans);
  ASSERT_TRUE(fake.read_until([&] { return fake.routes.count(pfx("192.0.2.0/24")) == 1; }, 5s));
  EXPECT_EQ(fake.routes[pfx("192.0.2.0/24")].as_path.to_string(), "4200000001");
  EXPECT_EQ(node->peer("127.0.0.2").local_as, 4200000001u);
}

TEST_F(SessionTest, OversizedKeepaliveIsBadMessageLength) {
  establish();
  std::vector<uint8_t> m(16, 0xff);
  m.push_back(0);
  m.push_back(20);
  m.push_back(4);
  m.push_back(0);
  fake.send(m);
  ASSERT_TRUE(fake.expect(wire::MessageType::kNotification, 5s));
  EXPECT_EQ(fake.notifications.back().code, err::kMessageHeader);
  EXPECT_EQ(fake.notifications.back().subcode, err::kBadMessageLength);
  EXPECT_EQ(fake.notifications.back().data, (std::vector<uint8_t>{0, 20}));
}

// ---- RFC 8212 ----

TEST_F(SessionTest, EbgpWithoutPolicyAcceptsAndSendsNothingByDefault) {
  node.reset();
  Config c = base_config(65001, "10.0.0.1", "127.0.0.1");
  c.ebgp_requires_policy = true;  // the default
  node = std::make_unique<SpeakerNode>(c);
  node->start();
  ASSERT_TRUE(node->io.call([&] { return node->speaker->add_network(pfx("192.0.2.0/24")); }).ok());
  establish();
  fake.announce({pfx("198.51.100.0/24"), pfx("198.51.101.0/24")},
                BgpFakePeer::attributes({65002}, ip("127.0.0.2")));
  ASSERT_TRUE(node->wait([&] {
    return node->speaker->peer(ip("127.0.0.2"))->counters.denied_by_policy == 2;
  }));
  PeerStatus s = node->peer("127.0.0.2");
  EXPECT_EQ(s.accepted_ipv4, 0u);
  EXPECT_TRUE(s.policy_blocks_import);
  EXPECT_TRUE(s.policy_blocks_export);
  EXPECT_FALSE(node->has_route("198.51.100.0/24"));
  ASSERT_TRUE(fake.read_until([&] { return fake.end_of_rib.size() == 2; }, 5s));
  EXPECT_TRUE(fake.routes.empty());  // our network is not sent either

  // With policies both ways the same session exchanges routes (soft reset through update).
  PeerConfig p = peer_config("127.0.0.2", 65002);
  p.import_policy = accept_all();
  p.export_policy = accept_all();
  ASSERT_TRUE(node->io.call([&] { return node->speaker->update_peer(p); }).ok());
  ASSERT_TRUE(fake.read_until([&] { return fake.routes.count(pfx("192.0.2.0/24")) == 1; }, 5s));
  // The update asked us (ROUTE-REFRESH) to send our routes again.
  ASSERT_FALSE(fake.refreshes.empty());
  fake.announce({pfx("198.51.100.0/24"), pfx("198.51.101.0/24")},
                BgpFakePeer::attributes({65002}, ip("127.0.0.2")));
  EXPECT_TRUE(node->wait([&] { return node->speaker->peer(ip("127.0.0.2"))->accepted_ipv4 == 2; }));
  EXPECT_TRUE(node->has_route("198.51.100.0/24"));

  // Policies removed again: what we sent is withdrawn; what the peer resends on our
  // ROUTE-REFRESH is refused, so its routes go.
  size_t refreshes = fake.refreshes.size();
  ASSERT_TRUE(node->io.call([&] { return node->speaker->update_peer(peer_config("127.0.0.2", 65002)); }).ok());
  ASSERT_TRUE(fake.read_until([&] { return fake.routes.empty() && fake.refreshes.size() > refreshes; }, 5s));
  fake.announce({pfx("198.51.100.0/24"), pfx("198.51.101.0/24")},
                BgpFakePeer::attributes({65002}, ip("127.0.0.2")));
  EXPECT_TRUE(node->wait([&] { return node->speaker->peer(ip("127.0.0.2"))->accepted_ipv4 == 0; }));
  EXPECT_FALSE(node->has_route("198.51.100.0/24"));
}

// ---- maximum-prefix ----

TEST_F(SessionTest, MaximumPrefixTearsDownWithCeaseOne) {
  PeerConfig p = peer_config("127.0.0.2", 65002);
  p.maximum_prefix = 5;
  establish(p);
  std::vector<Prefix> six;
  for (int i = 0; i < 6; ++i) six.push_back(pfx(("198.51." + std::to_string(i) + ".0/24").c_str()));
  fake.announce(six, BgpFakePeer::attributes({65002}, ip("127.0.0.2")));
  ASSERT_TRUE(fake.expect(wire::MessageType::kNotification, 5s));
  const wire::Notification& n = fake.notifications.back();
  EXPECT_EQ(n.code, err::kCease);
  EXPECT_EQ(n.subcode, err::kMaximumPrefixes);
  // RFC 4486 4: AFI 1, SAFI 1, the limit 5.
  EXPECT_EQ(n.data, (std::vector<uint8_t>{0, 1, 1, 0, 0, 0, 5}));
  ASSERT_TRUE(node->wait_state("127.0.0.2", State::kIdle));
  PeerStatus s = node->peer("127.0.0.2");
  EXPECT_TRUE(s.maximum_prefix_exceeded);
  EXPECT_EQ(s.last_error.subcode, err::kMaximumPrefixes);
  // Its routes are gone and it stays down (no restart timer configured).
  EXPECT_TRUE(node->wait([&] { return !node->rib->selected(pfx("198.51.0.0/24")).active(); }));
  ASSERT_TRUE(fake.connect(ip("127.0.0.2"), ip("127.0.0.1"), node->port));
  fake.send_open(BgpFakePeer::make_open(65002, kFakeId));
  EXPECT_FALSE(fake.expect(wire::MessageType::kOpen, 2s).has_value());
}

TEST_F(SessionTest, MaximumPrefixWarningOnlyKeepsTheSession) {
  PeerConfig p = peer_config("127.0.0.2", 65002);
  p.maximum_prefix = 5;
  p.maximum_prefix_warning_only = true;
  establish(p);
  std::vector<Prefix> six;
  for (int i = 0; i < 6; ++i) six.push_back(pfx(("198.51." + std::to_string(i) + ".0/24").c_str()));
  fake.announce(six, BgpFakePeer::attributes({65002}, ip("127.0.0.2")));
  ASSERT_TRUE(node->wait([&] { return node->speaker->peer(ip("127.0.0.2"))->accepted_ipv4 == 6; }));
  PeerStatus s = node->peer("127.0.0.2");
  EXPECT_TRUE(s.maximum_prefix_exceeded);
  EXPECT_EQ(s.state, State::kEstablished);
}

// ---- Send queue backpressure ----

TEST(BackpressureTest, UpdateGenerationPausesAboveTheHighWaterMarkAndResumes) {
  Config c = base_config(65001, "10.0.0.1", "127.0.0.1");
  c.send_high_water = 64 * 1024;
  c.send_low_water = 16 * 1024;
  c.walk_budget = 500;
  SpeakerNode node(c);
  node.start();
  constexpr int kRoutes = 60000;
  node.io.call([&] {
    for (int i = 0; i < kRoutes; ++i) {
      uint32_t a = 0x64000000u + (static_cast<uint32_t>(i) << 8);  // 100.x.y.0/24
      // Different MEDs: one attribute set per prefix, so the UPDATEs are many; large
      // communities make them big: ~20 MB in all, more than the kernel's socket buffers.
      wire::PathAttributes extra;
      extra.set_med(static_cast<uint32_t>(i));
      for (uint32_t k = 0; k < 25; ++k) extra.large_communities.push_back({65001, k, static_cast<uint32_t>(i)});
      extra.set(wire::attr::kLargeCommunities);
      (void)node.speaker->add_network(Prefix(IpAddress::v4(a), 24), &extra);
    }
  });
  PeerConfig p = peer_config("127.0.0.2", 65002);
  p.export_policy = accept_all();
  node.add_peer(p);
  BgpFakePeer fake;
  ASSERT_TRUE(fake.connect(ip("127.0.0.2"), ip("127.0.0.1"), node.port));
  ASSERT_TRUE(fake.establish(BgpFakePeer::make_open(65002, kFakeId)));
  // The fake does not read: the queue stops near the high-water mark, far below the table.
  std::this_thread::sleep_for(1s);
  PeerStatus s = node.peer("127.0.0.2");
  EXPECT_LT(s.send_queue_bytes, 4 * c.send_high_water);
  EXPECT_LT(s.counters.sent.update, static_cast<uint64_t>(kRoutes));
  // Reading again drains everything, then End-of-RIB.
  ASSERT_TRUE(fake.read_until([&] { return fake.routes.size() == kRoutes && fake.end_of_rib.size() == 2; }, 60s));
  EXPECT_EQ(node.peer("127.0.0.2").advertised_ipv4, static_cast<size_t>(kRoutes));
}

TEST(MraiTest, AdvertisementIntervalStillDeliversEverything) {
  SpeakerNode node(base_config(65001, "10.0.0.1", "127.0.0.1"));
  node.start();
  PeerConfig p = peer_config("127.0.0.2", 65002);
  p.export_policy = accept_all();
  p.advertisement_interval_ms = 300;
  node.add_peer(p);
  BgpFakePeer fake;
  ASSERT_TRUE(fake.connect(ip("127.0.0.2"), ip("127.0.0.1"), node.port));
  ASSERT_TRUE(fake.establish(BgpFakePeer::make_open(65002, kFakeId)));
  for (const char* n : {"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"}) {
    ASSERT_TRUE(node.io.call([&] { return node.speaker->add_network(pfx(n)); }).ok());
  }
  ASSERT_TRUE(fake.read_until([&] { return fake.routes.size() == 3; }, 10s));
  ASSERT_TRUE(node.io.call([&] { return node.speaker->remove_network(pfx("192.0.2.0/24")); }).ok());
  EXPECT_TRUE(fake.read_until([&] { return fake.routes.size() == 2; }, 10s));
}

// ---- Connection collision (RFC 4271 6.8) ----

// The speaker connects to the fake (outgoing) while the fake also connects to the speaker
// (incoming); both OPENs cross. The connection initiated by the higher BGP Identifier stays.
void run_collision(bool speaker_id_higher) {
  SpeakerNode node(base_config(65001, speaker_id_higher ? "10.0.0.200" : "10.0.0.1", "127.0.0.1"));
  node.start();
  BgpFakePeer out_side;  // accepts the speaker's connection
  BgpFakePeer in_side;   // connects to the speaker
  ASSERT_TRUE(out_side.listen(ip("127.0.0.2")));
  node.add_peer(peer_config("127.0.0.2", 65002, out_side.port(), false));
  ASSERT_TRUE(out_side.accept(5s));
  ASSERT_TRUE(out_side.expect(wire::MessageType::kOpen, 5s));  // speaker in OpenSent
  ASSERT_TRUE(in_side.connect(ip("127.0.0.2"), ip("127.0.0.1"), node.port));
  ASSERT_TRUE(in_side.expect(wire::MessageType::kOpen, 5s));   // second session in OpenSent
  const uint32_t fake_id = 0x0a000064;  // 10.0.0.100
  out_side.send_open(BgpFakePeer::make_open(65002, fake_id));
  BgpFakePeer& loser = speaker_id_higher ? in_side : out_side;
  BgpFakePeer& winner = speaker_id_higher ? out_side : in_side;
  if (!speaker_id_higher) winner.send_open(BgpFakePeer::make_open(65002, fake_id));
  ASSERT_TRUE(loser.expect(wire::MessageType::kNotification, 5s));
  EXPECT_EQ(loser.notifications.back().code, err::kCease);
  EXPECT_EQ(loser.notifications.back().subcode, err::kConnectionCollisionResolution);
  ASSERT_TRUE(winner.expect(wire::MessageType::kKeepalive, 5s));
  winner.send_keepalive();
  ASSERT_TRUE(node.wait_state("127.0.0.2", State::kEstablished));
  PeerStatus s = node.peer("127.0.0.2");
  EXPECT_EQ(s.counters.collisions, 1u);
  EXPECT_EQ(s.established_transitions, 1u);  // per peer, whichever connection won
  EXPECT_EQ(s.remote_id, fake_id);
  EXPECT_TRUE(winner.notifications.empty());
}

TEST(CollisionSessionTest, HigherLocalIdentifierKeepsTheOutgoingConnection) { run_collision(true); }
TEST(CollisionSessionTest, LowerLocalIdentifierKeepsTheIncomingConnection) { run_collision(false); }

// ---- Route refresh ----

class RefreshTest : public SessionTest {
 protected:
  void SetUp() override {
    SessionTest::SetUp();
    ASSERT_TRUE(node->io.call([&] { return node->speaker->add_network(pfx("192.0.2.0/24")); }).ok());
  }
};

TEST_F(RefreshTest, RouteRefreshResendsTheAdjRibOut) {
  establish();
  ASSERT_TRUE(fake.read_until([&] { return fake.end_of_rib.size() == 2; }, 5s));
  ASSERT_EQ(fake.routes.count(pfx("192.0.2.0/24")), 1u);
  // What we sent: our AS prepended, next-hop self, ORIGIN IGP.
  const wire::PathAttributes& a = fake.routes[pfx("192.0.2.0/24")];
  EXPECT_EQ(a.as_path.to_string(), "65001");
  EXPECT_EQ(fake.next_hops[pfx("192.0.2.0/24")], ip("127.0.0.1"));
  EXPECT_FALSE(a.has(wire::attr::kLocalPref));
  fake.routes.clear();
  size_t updates = fake.updates;
  fake.send_route_refresh(wire::kIpv4Unicast);
  ASSERT_TRUE(fake.read_until([&] { return fake.routes.count(pfx("192.0.2.0/24")) == 1; }, 5s));
  EXPECT_GT(fake.updates, updates);
  EXPECT_TRUE(fake.refreshes.empty());  // not enhanced: no BoRR/EoRR
  EXPECT_EQ(node->peer("127.0.0.2").counters.received.route_refresh, 1u);
}

TEST_F(RefreshTest, EnhancedRouteRefreshIsFramedByBorrAndEorr) {
  wire::Open o = BgpFakePeer::make_open(65002, kFakeId);
  o.capabilities.enhanced_route_refresh = true;
  establish(peer_config("127.0.0.2", 65002), o);
  ASSERT_TRUE(fake.read_until([&] { return fake.end_of_rib.size() == 2; }, 5s));
  fake.routes.clear();
  fake.send_route_refresh(wire::kIpv4Unicast);
  ASSERT_TRUE(fake.read_until([&] { return fake.refreshes.size() == 2; }, 5s));
  EXPECT_EQ(fake.refreshes[0].subtype, wire::RefreshSubtype::kBegin);
  EXPECT_EQ(fake.refreshes[1].subtype, wire::RefreshSubtype::kEnd);
  EXPECT_EQ(fake.routes.count(pfx("192.0.2.0/24")), 1u);
}

TEST_F(RefreshTest, SoftResetInSendsRouteRefresh) {
  establish();
  ASSERT_TRUE(node->io.call([&] { return node->speaker->soft_reset_in(ip("127.0.0.2")); }).ok());
  ASSERT_TRUE(fake.read_until([&] { return !fake.refreshes.empty(); }, 5s));
  EXPECT_EQ(fake.refreshes[0].subtype, wire::RefreshSubtype::kNormal);
  EXPECT_EQ(node->peer("127.0.0.2").counters.sent.route_refresh, 2u);  // IPv4 and IPv6
}

TEST_F(RefreshTest, PeerBorrEorrSweepsRoutesItDidNotResend) {
  wire::Open o = BgpFakePeer::make_open(65002, kFakeId);
  o.capabilities.enhanced_route_refresh = true;
  establish(peer_config("127.0.0.2", 65002), o);
  auto attrs = BgpFakePeer::attributes({65002}, ip("127.0.0.2"));
  fake.announce({pfx("198.51.100.0/24"), pfx("198.51.101.0/24")}, attrs);
  ASSERT_TRUE(node->wait([&] { return node->speaker->peer(ip("127.0.0.2"))->accepted_ipv4 == 2; }));
  fake.send_route_refresh(wire::kIpv4Unicast, wire::RefreshSubtype::kBegin);
  fake.announce({pfx("198.51.100.0/24")}, attrs);
  fake.send_route_refresh(wire::kIpv4Unicast, wire::RefreshSubtype::kEnd);
  ASSERT_TRUE(node->wait([&] { return node->speaker->peer(ip("127.0.0.2"))->accepted_ipv4 == 1; }));
  EXPECT_TRUE(node->has_route("198.51.100.0/24"));
  EXPECT_FALSE(node->has_route("198.51.101.0/24"));
}

// A BoRR marks the peer's paths stale in chunks of the work loop (not in one turn, which would
// stall the loop for a full table), and nothing the peer sends after the BoRR is handled before
// the mark is done: a re-announced path is never marked stale behind its back and swept.
TEST(ChunkedStaleMarkTest, BorrMarksInChunksAndKeepsWhatThePeerResends) {
  Config c = base_config(65001, "10.0.0.1", "127.0.0.1");
  c.walk_budget = 1;  // one destination per loop turn
  SpeakerNode node(std::move(c));
  node.start();
  node.add_peer(peer_config("127.0.0.2", 65002));
  BgpFakePeer fake;
  ASSERT_TRUE(fake.connect(ip("127.0.0.2"), ip("127.0.0.1"), node.port));
  wire::Open o = BgpFakePeer::make_open(65002, kFakeId);
  o.capabilities.enhanced_route_refresh = true;
  ASSERT_TRUE(fake.establish(o));
  ASSERT_TRUE(node.wait_state("127.0.0.2", State::kEstablished));
  constexpr uint32_t kRoutes = 20000;
  std::vector<Prefix> all, resent;
  for (uint32_t i = 0; i < kRoutes; ++i) {
    all.push_back(Prefix(IpAddress::v4(0x0a000000u + (i << 8)), 24));  // 10.x.y.0/24
    if (i % 2 == 0) resent.push_back(all.back());
  }
  auto attrs = BgpFakePeer::attributes({65002}, ip("127.0.0.2"));
  fake.announce(all, attrs);
  ASSERT_TRUE(node.wait([&] { return node.speaker->peer(ip("127.0.0.2"))->accepted_ipv4 == kRoutes; }, 30s));
  auto status = [&] { return node.peer("127.0.0.2"); };                    // from this thread
  auto on_loop = [&] { return *node.speaker->peer(ip("127.0.0.2")); };     // inside wait()
  // A BoRR alone: the mark is seen from outside the loop part-way (some paths stale, not all).
  fake.send_route_refresh(wire::kIpv4Unicast, wire::RefreshSubtype::kBegin);
  bool seen_part_way = false;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  for (PeerStatus st = status(); st.stale < kRoutes && std::chrono::steady_clock::now() < deadline;
       st = status()) {
    if (st.stale > 0) seen_part_way = true;
  }
  EXPECT_TRUE(seen_part_way);
  ASSERT_EQ(status().stale, kRoutes);
  fake.announce(resent, attrs);
  fake.send_route_refresh(wire::kIpv4Unicast, wire::RefreshSubtype::kEnd);
  ASSERT_TRUE(node.wait([&] { return on_loop().accepted_ipv4 == resent.size() && on_loop().stale == 0; }, 60s));
  // BoRR, resend and EoRR back to back: the resend waits for the mark, so what it refreshed
  // stays and only the rest is swept.
  std::vector<Prefix> again;
  for (size_t i = 0; i < resent.size(); i += 2) again.push_back(resent[i]);
  fake.send_route_refresh(wire::kIpv4Unicast, wire::RefreshSubtype::kBegin);
  fake.announce(again, attrs);
  fake.send_route_refresh(wire::kIpv4Unicast, wire::RefreshSubtype::kEnd);
  EXPECT_TRUE(node.wait([&] { return on_loop().accepted_ipv4 == again.size() && on_loop().stale == 0; }, 60s))
      << status().accepted_ipv4 << " accepted, " << status().stale << " stale";
  EXPECT_TRUE(node.has_route("10.0.0.0/24"));   // resent both times
  EXPECT_FALSE(node.has_route("10.0.2.0/24"));  // resent once: swept by the second refresh
  EXPECT_FALSE(node.has_route("10.0.1.0/24"));  // never resent
}

}  // namespace
}  // namespace vgw::bgp
