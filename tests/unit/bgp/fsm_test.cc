// The session FSM (RFC 4271 8) driven by hand with a FakeClock: each transition, timer expiry,
// OPEN validation and capability negotiation, NOTIFICATION codes, last_error.
#include <gtest/gtest.h>

#include "vgw/base/asn.h"
#include "vgw/bgp/session/fsm.h"

namespace vgw::bgp::session {
namespace {

using namespace std::chrono_literals;
namespace err = wire::err;

FsmConfig config(bool passive = false) {
  FsmConfig c;
  c.local.local_as = 65001;
  c.local.router_id = 0x0a000001;
  c.local.remote_as = 65002;
  c.local.hold_time = 90;
  c.local.keepalive_time = 30;
  c.passive = passive;
  c.connect_retry = 120s;
  c.idle_hold = 5s;
  return c;
}

wire::Open peer_open(uint32_t asn = 65002, uint16_t hold = 90, uint32_t id = 0x0a000002) {
  wire::Open o;
  o.set_asn(asn);
  o.hold_time = hold;
  o.bgp_identifier = id;
  o.capabilities.multiprotocol = {wire::kIpv4Unicast, wire::kIpv6Unicast};
  o.capabilities.route_refresh = true;
  return o;
}

std::vector<ActionKind> kinds(const Actions& a) {
  std::vector<ActionKind> k;
  for (const Action& x : a) k.push_back(x.kind);
  return k;
}

class FsmTest : public ::testing::Test {
 protected:
  Actions run(EventKind k) {
    Actions a;
    fsm.handle(Event::of(k), a);
    return a;
  }
  Actions open(const wire::Open& o) {
    Event e = Event::of(EventKind::kBgpOpen);
    e.open = &o;
    Actions a;
    fsm.handle(e, a);
    return a;
  }
  Actions advance(Clock::Duration d) {
    clock.advance(d);
    Actions a;
    fsm.poll_timers(a);
    return a;
  }
  // Idle -> Connect -> OpenSent -> OpenConfirm -> Established.
  void establish(const wire::Open& o = peer_open()) {
    run(EventKind::kManualStart);
    run(EventKind::kTcpConnectionConfirmed);
    open(o);
    auto a = run(EventKind::kKeepAliveMsg);
    ASSERT_EQ(fsm.state(), State::kEstablished);
    ASSERT_EQ(kinds(a), std::vector<ActionKind>{ActionKind::kEstablished});
  }

  FakeClock clock;
  Fsm fsm{config(), clock};
};

TEST_F(FsmTest, StartsIdleAndIgnoresMessagesThere) {
  EXPECT_EQ(fsm.state(), State::kIdle);
  EXPECT_TRUE(run(EventKind::kKeepAliveMsg).empty());
  EXPECT_TRUE(run(EventKind::kTcpConnectionConfirmed).empty());
  EXPECT_EQ(fsm.state(), State::kIdle);
}

TEST_F(FsmTest, ManualStartConnectsAndArmsConnectRetry) {
  auto a = run(EventKind::kManualStart);
  EXPECT_EQ(fsm.state(), State::kConnect);
  EXPECT_EQ(kinds(a), std::vector<ActionKind>{ActionKind::kConnect});
  EXPECT_TRUE(fsm.timers().running(Timer::kConnectRetry));
  EXPECT_EQ(*fsm.next_deadline(), clock.now() + 120s);
}

TEST_F(FsmTest, PassiveStartWaitsInActive) {
  Fsm passive(config(true), clock);
  Actions a;
  passive.handle(Event::of(EventKind::kManualStart), a);
  EXPECT_EQ(passive.state(), State::kActive);
  EXPECT_TRUE(a.empty());
  // ConnectRetry expiry does not connect a passive session.
  clock.advance(121s);
  a.clear();
  passive.poll_timers(a);
  EXPECT_EQ(passive.state(), State::kActive);
  EXPECT_TRUE(a.empty());
}

TEST_F(FsmTest, ConnectFailureMovesToActiveAndRetryReconnects) {
  run(EventKind::kManualStart);
  auto a = run(EventKind::kTcpConnectionFails);
  EXPECT_EQ(fsm.state(), State::kActive);
  EXPECT_TRUE(a.empty());
  a = advance(120s);
  EXPECT_EQ(fsm.state(), State::kConnect);
  EXPECT_EQ(kinds(a), std::vector<ActionKind>{ActionKind::kConnect});
}

TEST_F(FsmTest, ConnectRetryExpiryInConnectRestartsTheAttempt) {
  run(EventKind::kManualStart);
  auto a = advance(120s);
  EXPECT_EQ(fsm.state(), State::kConnect);
  EXPECT_EQ(kinds(a), std::vector<ActionKind>{ActionKind::kConnect});
}

TEST_F(FsmTest, ConnectionConfirmedSendsOpenWithLargeHoldTimer) {
  run(EventKind::kManualStart);
  auto a = run(EventKind::kTcpConnectionConfirmed);
  EXPECT_EQ(fsm.state(), State::kOpenSent);
  EXPECT_EQ(kinds(a), std::vector<ActionKind>{ActionKind::kSendOpen});
  EXPECT_FALSE(fsm.timers().running(Timer::kConnectRetry));
  EXPECT_EQ(fsm.timers().deadline(Timer::kHold), clock.now() + 240s);
  // The OPEN we send.
  const wire::Open& o = fsm.open_message();
  EXPECT_EQ(o.asn(), 65001u);
  EXPECT_EQ(o.hold_time, 90);
  EXPECT_EQ(o.bgp_identifier, 0x0a000001u);
  EXPECT_TRUE(o.capabilities.supports(wire::kIpv4Unicast));
  EXPECT_TRUE(o.capabilities.supports(wire::kIpv6Unicast));
  EXPECT_TRUE(o.capabilities.route_refresh);
  EXPECT_TRUE(o.capabilities.enhanced_route_refresh);
  ASSERT_TRUE(o.capabilities.graceful_restart.has_value());
  EXPECT_TRUE(o.capabilities.graceful_restart->families.empty());
  EXPECT_EQ(o.capabilities.four_octet_as, 65001u);
}

TEST_F(FsmTest, OpenInOpenSentNegotiatesAndSendsKeepalive) {
  run(EventKind::kManualStart);
  run(EventKind::kTcpConnectionConfirmed);
  auto a = open(peer_open(65002, 9));
  EXPECT_EQ(fsm.state(), State::kOpenConfirm);
  EXPECT_EQ(kinds(a), std::vector<ActionKind>{ActionKind::kSendKeepalive});
  ASSERT_NE(fsm.negotiated(), nullptr);
  EXPECT_EQ(fsm.negotiated()->hold_time, 9);       // min(90, 9)
  EXPECT_EQ(fsm.negotiated()->keepalive_time, 3);  // min(30, 9 / 3)
  EXPECT_EQ(fsm.timers().deadline(Timer::kHold), clock.now() + 9s);
  EXPECT_EQ(fsm.timers().deadline(Timer::kKeepalive), clock.now() + 3s);
  EXPECT_TRUE(fsm.negotiated()->four_octet_as);
  EXPECT_TRUE(fsm.negotiated()->ipv4_unicast);
  EXPECT_TRUE(fsm.negotiated()->ipv6_unicast);
  EXPECT_TRUE(fsm.negotiated()->route_refresh);
  EXPECT_FALSE(fsm.negotiated()->enhanced_route_refresh);
  EXPECT_FALSE(fsm.negotiated()->graceful_restart);
}

TEST_F(FsmTest, KeepaliveInOpenConfirmEstablishes) {
  establish();
  EXPECT_EQ(fsm.established_count(), 1u);
}

TEST_F(FsmTest, KeepaliveTimerSendsKeepalivesInOpenConfirmAndEstablished) {
  run(EventKind::kManualStart);
  run(EventKind::kTcpConnectionConfirmed);
  open(peer_open());
  auto a = advance(30s);
  EXPECT_EQ(kinds(a), std::vector<ActionKind>{ActionKind::kSendKeepalive});
  run(EventKind::kKeepAliveMsg);
  a = advance(30s);
  EXPECT_EQ(kinds(a), std::vector<ActionKind>{ActionKind::kSendKeepalive});
  EXPECT_EQ(fsm.state(), State::kEstablished);
}

TEST_F(FsmTest, HoldTimeZeroMeansNoKeepalivesAndNoHoldTimer) {
  run(EventKind::kManualStart);
  run(EventKind::kTcpConnectionConfirmed);
  open(peer_open(65002, 0));
  EXPECT_EQ(fsm.negotiated()->hold_time, 0);
  EXPECT_FALSE(fsm.timers().running(Timer::kHold));
  EXPECT_FALSE(fsm.timers().running(Timer::kKeepalive));
  run(EventKind::kKeepAliveMsg);
  EXPECT_TRUE(advance(1h).empty());
  EXPECT_EQ(fsm.state(), State::kEstablished);
}

TEST_F(FsmTest, MessagesRestartTheHoldTimer) {
  establish(peer_open(65002, 9));
  clock.advance(8s);
  run(EventKind::kUpdateMsg);
  clock.advance(8s);
  run(EventKind::kKeepAliveMsg);
  Actions a;
  fsm.poll_timers(a);  // keepalives due, but no hold expiry
  EXPECT_EQ(fsm.state(), State::kEstablished);
}

TEST_F(FsmTest, HoldTimerExpirySendsNotificationAndRecordsIt) {
  establish(peer_open(65002, 9));
  clock.advance(9s);
  Actions a;
  fsm.poll_timers(a);
  EXPECT_EQ(fsm.state(), State::kIdle);
  std::vector<ActionKind> k = kinds(a);
  ASSERT_FALSE(k.empty());
  ASSERT_NE(std::find(k.begin(), k.end(), ActionKind::kSendNotification), k.end());
  for (const Action& x : a) {
    if (x.kind == ActionKind::kSendNotification) {
      EXPECT_EQ(x.notification.code, err::kHoldTimerExpired);
    }
  }
  EXPECT_NE(std::find(k.begin(), k.end(), ActionKind::kSessionDown), k.end());
  EXPECT_EQ(k.back(), ActionKind::kDisconnect);
  EXPECT_EQ(fsm.last_error().origin, LastError::Origin::kSent);
  EXPECT_EQ(fsm.last_error().code, err::kHoldTimerExpired);
  EXPECT_EQ(fsm.last_error().state, State::kEstablished);
  EXPECT_EQ(fsm.last_error().time, clock.now());
  EXPECT_EQ(fsm.last_error().to_string(), "sent Hold Timer Expired (in Established)");
}

TEST_F(FsmTest, HoldTimerExpiresInOpenSentAfterFourMinutes) {
  run(EventKind::kManualStart);
  run(EventKind::kTcpConnectionConfirmed);
  auto a = advance(240s);
  EXPECT_EQ(fsm.state(), State::kIdle);
  EXPECT_EQ(a.front().kind, ActionKind::kSendNotification);
  EXPECT_EQ(a.front().notification.code, err::kHoldTimerExpired);
}

TEST_F(FsmTest, AutomaticRestartAfterIdleHold) {
  establish();
  run(EventKind::kTcpConnectionFails);
  EXPECT_EQ(fsm.state(), State::kIdle);
  EXPECT_TRUE(fsm.timers().running(Timer::kIdleHold));
  EXPECT_EQ(fsm.last_error().origin, LastError::Origin::kLocal);
  auto a = advance(5s);
  EXPECT_EQ(fsm.state(), State::kConnect);
  EXPECT_EQ(kinds(a), std::vector<ActionKind>{ActionKind::kConnect});
}

TEST_F(FsmTest, IncomingConnectionWhileWaitingToRestartIsTaken) {
  establish();
  run(EventKind::kTcpConnectionFails);
  auto a = run(EventKind::kAutomaticStartPassive);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(fsm.state(), State::kActive);
  EXPECT_FALSE(fsm.timers().running(Timer::kIdleHold));
  a = run(EventKind::kTcpConnectionConfirmed);
  EXPECT_EQ(kinds(a), std::vector<ActionKind>{ActionKind::kSendOpen});
}

TEST_F(FsmTest, IncomingConnectionAfterManualStopIsNotTaken) {
  run(EventKind::kManualStart);
  run(EventKind::kManualStop);
  run(EventKind::kAutomaticStartPassive);
  EXPECT_EQ(fsm.state(), State::kIdle);
}

TEST_F(FsmTest, ManualStopInEstablishedSendsAdministrativeShutdownWithMessage) {
  establish();
  wire::Notification n = wire::Notification::shutdown(err::kAdministrativeShutdown, "maintenance");
  Event e = Event::of(EventKind::kManualStop);
  e.notification = &n;
  Actions a;
  fsm.handle(e, a);
  EXPECT_EQ(fsm.state(), State::kIdle);
  EXPECT_EQ(kinds(a), (std::vector<ActionKind>{ActionKind::kSendNotification,
                                               ActionKind::kSessionDown, ActionKind::kDisconnect}));
  EXPECT_EQ(a[0].notification.code, err::kCease);
  EXPECT_EQ(a[0].notification.subcode, err::kAdministrativeShutdown);
  EXPECT_EQ(a[0].notification.shutdown_communication(), "maintenance");
  EXPECT_EQ(fsm.last_error().text, "maintenance");
  EXPECT_FALSE(fsm.enabled());
  EXPECT_FALSE(fsm.timers().next_deadline().has_value());  // no automatic restart
}

TEST_F(FsmTest, ManualStopInConnectDropsTheAttemptQuietly) {
  run(EventKind::kManualStart);
  wire::Notification n = wire::Notification::shutdown(err::kAdministrativeShutdown, "");
  Event e = Event::of(EventKind::kManualStop);
  e.notification = &n;
  Actions a;
  fsm.handle(e, a);
  EXPECT_EQ(fsm.state(), State::kIdle);
  EXPECT_EQ(kinds(a), std::vector<ActionKind>{ActionKind::kDisconnect});
}

TEST_F(FsmTest, AutomaticStopRestartsAfterTheGivenDelay) {
  establish();
  wire::Notification n{err::kCease, err::kMaximumPrefixes, {}};
  Event e = Event::of(EventKind::kAutomaticStop);
  e.notification = &n;
  e.restart_after = 60s;
  Actions a;
  fsm.handle(e, a);
  EXPECT_EQ(fsm.state(), State::kIdle);
  EXPECT_EQ(a[0].notification.subcode, err::kMaximumPrefixes);
  EXPECT_TRUE(advance(59s).empty());
  auto b = advance(1s);
  EXPECT_EQ(fsm.state(), State::kConnect);
}

TEST_F(FsmTest, AutomaticStopWithoutRestartStaysDown) {
  establish();
  wire::Notification n{err::kCease, err::kMaximumPrefixes, {}};
  Event e = Event::of(EventKind::kAutomaticStop);
  e.notification = &n;
  Actions a;
  fsm.handle(e, a);
  EXPECT_FALSE(fsm.enabled());
  EXPECT_TRUE(advance(1h).empty());
  EXPECT_EQ(fsm.state(), State::kIdle);
}

TEST_F(FsmTest, NotificationReceivedIsRecorded) {
  establish();
  wire::Notification n = wire::Notification::shutdown(err::kAdministrativeShutdown, "bye");
  Event e = Event::of(EventKind::kNotifMsg);
  e.notification = &n;
  Actions a;
  fsm.handle(e, a);
  EXPECT_EQ(fsm.state(), State::kIdle);
  EXPECT_EQ(kinds(a), (std::vector<ActionKind>{ActionKind::kSessionDown, ActionKind::kDisconnect}));
  EXPECT_EQ(fsm.last_error().origin, LastError::Origin::kReceived);
  EXPECT_EQ(fsm.last_error().code, err::kCease);
  EXPECT_EQ(fsm.last_error().subcode, err::kAdministrativeShutdown);
  EXPECT_EQ(fsm.last_error().text, "bye");
  EXPECT_EQ(fsm.last_error().to_string(),
            "received Cease / Administrative Shutdown: \"bye\" (in Established)");
}

TEST_F(FsmTest, UpdateErrorSendsItsNotification) {
  establish();
  wire::ParseError pe;
  pe.code = err::kUpdateMessage;
  pe.subcode = err::kMalformedAsPath;
  Event e = Event::of(EventKind::kUpdateMsgErr);
  e.error = &pe;
  Actions a;
  fsm.handle(e, a);
  EXPECT_EQ(fsm.state(), State::kIdle);
  EXPECT_EQ(a[0].notification.code, err::kUpdateMessage);
  EXPECT_EQ(a[0].notification.subcode, err::kMalformedAsPath);
}

TEST_F(FsmTest, HeaderErrorInOpenSentSendsItsNotification) {
  run(EventKind::kManualStart);
  run(EventKind::kTcpConnectionConfirmed);
  wire::ParseError pe;
  pe.code = err::kMessageHeader;
  pe.subcode = err::kBadMessageLength;
  Event e = Event::of(EventKind::kBgpHeaderErr);
  e.error = &pe;
  Actions a;
  fsm.handle(e, a);
  EXPECT_EQ(fsm.state(), State::kIdle);
  EXPECT_EQ(a[0].notification.code, err::kMessageHeader);
}

// RFC 6608 subcodes for unexpected messages.
TEST_F(FsmTest, UpdateInOpenSentIsAnFsmError) {
  run(EventKind::kManualStart);
  run(EventKind::kTcpConnectionConfirmed);
  auto a = run(EventKind::kUpdateMsg);
  EXPECT_EQ(fsm.state(), State::kIdle);
  EXPECT_EQ(a[0].notification.code, err::kFsm);
  EXPECT_EQ(a[0].notification.subcode, kFsmErrorOpenSent);
}

TEST_F(FsmTest, UpdateInOpenConfirmIsAnFsmError) {
  run(EventKind::kManualStart);
  run(EventKind::kTcpConnectionConfirmed);
  open(peer_open());
  auto a = run(EventKind::kUpdateMsg);
  EXPECT_EQ(a[0].notification.code, err::kFsm);
  EXPECT_EQ(a[0].notification.subcode, kFsmErrorOpenConfirm);
}

TEST_F(FsmTest, SecondOpenInEstablishedIsAnFsmError) {
  establish();
  auto a = open(peer_open());
  EXPECT_EQ(a[0].notification.code, err::kFsm);
  EXPECT_EQ(a[0].notification.subcode, kFsmErrorEstablished);
  EXPECT_EQ(fsm.state(), State::kIdle);
}

TEST_F(FsmTest, CollisionDumpSendsCeaseSeven) {
  run(EventKind::kManualStart);
  run(EventKind::kTcpConnectionConfirmed);
  open(peer_open());
  auto a = run(EventKind::kOpenCollisionDump);
  EXPECT_EQ(fsm.state(), State::kIdle);
  EXPECT_EQ(a[0].notification.code, err::kCease);
  EXPECT_EQ(a[0].notification.subcode, err::kConnectionCollisionResolution);
  EXPECT_FALSE(fsm.timers().running(Timer::kIdleHold));  // the dumped connection just ends
}

TEST_F(FsmTest, TcpFailureInOpenSentReturnsToActive) {
  run(EventKind::kManualStart);
  run(EventKind::kTcpConnectionConfirmed);
  auto a = run(EventKind::kTcpConnectionFails);
  EXPECT_EQ(fsm.state(), State::kActive);
  EXPECT_EQ(kinds(a), std::vector<ActionKind>{ActionKind::kDisconnect});
  EXPECT_TRUE(fsm.timers().running(Timer::kConnectRetry));
}

// ---- OPEN validation (RFC 4271 6.2, RFC 6793, RFC 6286) ----

class OpenCheckTest : public FsmTest {
 protected:
  Actions open_in_open_sent(const wire::Open& o) {
    run(EventKind::kManualStart);
    run(EventKind::kTcpConnectionConfirmed);
    return open(o);
  }
};

TEST_F(OpenCheckTest, WrongPeerAsIsBadPeerAs) {
  auto a = open_in_open_sent(peer_open(65099));
  EXPECT_EQ(fsm.state(), State::kIdle);
  ASSERT_EQ(a[0].kind, ActionKind::kSendNotification);
  EXPECT_EQ(a[0].notification.code, err::kOpenMessage);
  EXPECT_EQ(a[0].notification.subcode, err::kBadPeerAs);
  EXPECT_EQ(fsm.last_error().subcode, err::kBadPeerAs);
  EXPECT_NE(fsm.last_error().text.find("expected 65002"), std::string::npos);
}

TEST_F(OpenCheckTest, RemoteAsExternalAcceptsAnyAsButOurs) {
  FsmConfig c = config();
  c.local.remote_as = 0;
  c.local.any_external_as = true;  // FRR's `remote-as external`
  fsm.set_config(c);
  open_in_open_sent(peer_open(65099));
  EXPECT_EQ(fsm.state(), State::kOpenConfirm);
  EXPECT_EQ(fsm.negotiated()->remote_as, 65099u);
}

TEST_F(OpenCheckTest, RemoteAsExternalRefusesOurOwnAs) {
  FsmConfig c = config();
  c.local.remote_as = 0;
  c.local.any_external_as = true;
  fsm.set_config(c);
  auto a = open_in_open_sent(peer_open(65001));  // ours: that would be iBGP
  ASSERT_EQ(a[0].kind, ActionKind::kSendNotification);
  EXPECT_EQ(a[0].notification.subcode, err::kBadPeerAs);
  EXPECT_NE(fsm.last_error().text.find("an AS other than ours"), std::string::npos) << fsm.last_error().text;
}

TEST_F(OpenCheckTest, FourOctetPeerAsThroughTheCapability) {
  FsmConfig c = config();
  c.local.remote_as = 4200000001u;
  fsm.set_config(c);
  auto a = open_in_open_sent(peer_open(4200000001u));
  EXPECT_EQ(fsm.state(), State::kOpenConfirm);
  EXPECT_EQ(fsm.open_message().my_as, 65001);
}

TEST_F(OpenCheckTest, AsTransWithoutTheCapabilityIsRefused) {
  wire::Open o = peer_open();
  o.my_as = static_cast<uint16_t>(kAsTrans);
  o.capabilities.four_octet_as.reset();
  auto a = open_in_open_sent(o);
  EXPECT_EQ(a[0].notification.subcode, err::kBadPeerAs);
}

TEST_F(OpenCheckTest, TwoOctetPeerWithoutCapabilityIsAccepted) {
  wire::Open o = peer_open();
  o.capabilities.four_octet_as.reset();
  open_in_open_sent(o);
  EXPECT_EQ(fsm.state(), State::kOpenConfirm);
  EXPECT_FALSE(fsm.negotiated()->four_octet_as);
}

TEST_F(OpenCheckTest, CapabilityAndMyAsDisagree) {
  wire::Open o = peer_open();
  o.my_as = 65003;  // capability says 65002
  auto a = open_in_open_sent(o);
  EXPECT_EQ(a[0].notification.subcode, err::kBadPeerAs);
}

TEST_F(OpenCheckTest, InternalPeerWithOurIdentifierIsBadBgpIdentifier) {
  FsmConfig c = config();
  c.local.remote_as = 65001;
  fsm.set_config(c);
  auto a = open_in_open_sent(peer_open(65001, 90, 0x0a000001));
  EXPECT_EQ(a[0].notification.subcode, err::kBadBgpIdentifier);
}

TEST_F(OpenCheckTest, ExternalPeerMayShareOurIdentifier) {
  open_in_open_sent(peer_open(65002, 90, 0x0a000001));
  EXPECT_EQ(fsm.state(), State::kOpenConfirm);
}

TEST_F(OpenCheckTest, HoldTimeOfTwoSecondsIsUnacceptable) {
  auto a = open_in_open_sent(peer_open(65002, 2));
  EXPECT_EQ(a[0].notification.code, err::kOpenMessage);
  EXPECT_EQ(a[0].notification.subcode, err::kUnacceptableHoldTime);
}

TEST_F(OpenCheckTest, NoCommonFamilyIsUnsupportedCapability) {
  FsmConfig c = config();
  c.local.ipv4_unicast = false;
  fsm.set_config(c);
  wire::Open o = peer_open();
  o.capabilities.multiprotocol = {wire::kIpv4Unicast};
  auto a = open_in_open_sent(o);
  EXPECT_EQ(a[0].notification.subcode, err::kUnsupportedCapability);
  // The data names the capability we need: MP IPv6 unicast.
  EXPECT_EQ(a[0].notification.data, (std::vector<uint8_t>{1, 4, 0, 2, 0, 1}));
}

TEST_F(OpenCheckTest, NoMultiprotocolCapabilityMeansIpv4Only) {
  wire::Open o = peer_open();
  o.capabilities.multiprotocol.clear();
  open_in_open_sent(o);
  EXPECT_TRUE(fsm.negotiated()->ipv4_unicast);
  EXPECT_FALSE(fsm.negotiated()->ipv6_unicast);
}

TEST_F(OpenCheckTest, CapabilitiesNegotiated) {
  wire::Open o = peer_open();
  o.capabilities.enhanced_route_refresh = true;
  wire::GracefulRestart gr;
  gr.restart_time = 120;
  gr.families.push_back({wire::kIpv4Unicast, true});
  o.capabilities.graceful_restart = gr;
  open_in_open_sent(o);
  const Negotiated& n = *fsm.negotiated();
  EXPECT_TRUE(n.enhanced_route_refresh);
  EXPECT_TRUE(n.graceful_restart);
  ASSERT_TRUE(n.peer_graceful_restart.has_value());
  EXPECT_EQ(n.peer_graceful_restart->restart_time, 120);
  wire::SessionContext ctx = n.context(false);
  EXPECT_TRUE(ctx.four_octet_as);
  EXPECT_EQ(ctx.peer, wire::PeerKind::kExternal);
}

TEST(CollisionTest, HigherIdentifierKeepsItsConnection) {
  EXPECT_TRUE(keep_locally_initiated(0x0a000002, 0x0a000001));
  EXPECT_FALSE(keep_locally_initiated(0x0a000001, 0x0a000002));
  // Compared as unsigned host-order numbers (RFC 4271 6.8): 192.0.2.1 > 10.0.0.1.
  EXPECT_TRUE(keep_locally_initiated(0xc0000201, 0x0a000001));
}

TEST(TimerSetTest, PopsInDeadlineOrder) {
  FakeClock clock;
  TimerSet<Timer> t;
  t.start(Timer::kHold, clock.now() + 3s);
  t.start(Timer::kKeepalive, clock.now() + 1s);
  EXPECT_EQ(*t.next_deadline(), clock.now() + 1s);
  clock.advance(5s);
  EXPECT_EQ(t.pop_expired(clock.now()), Timer::kKeepalive);
  EXPECT_EQ(t.pop_expired(clock.now()), Timer::kHold);
  EXPECT_EQ(t.pop_expired(clock.now()), std::nullopt);
}

}  // namespace
}  // namespace vgw::bgp::session
