// The BFD session state machine (RFC 5880 6.2, 6.8) on fake time: the three-way handshake
// stepped packet by packet, detection to the microsecond, AdminDown both ways, the Poll/Final
// interval change, remote Demand mode and Required Min RX 0, and the packets 6.8.6 discards.
#include <gtest/gtest.h>

#include "bfd_test_util.h"
#include "vgw/bfd/session.h"

namespace vgw::bfd {
namespace {

using namespace std::chrono_literals;
using test::all_of;
using test::deliver;
using test::sent;

SessionConfig cfg(Micros tx = 300ms, Micros rx = 300ms, uint8_t mult = 3) {
  SessionConfig c;
  c.desired_min_tx = tx;
  c.required_min_rx = rx;
  c.detect_mult = mult;
  return c;
}

// Zero jitter: every interval is exactly the negotiated one.
test::ScriptedRandom no_jitter;

class SessionTest : public ::testing::Test {
 protected:
  Clock::TimePoint now() const { return clock.now(); }

  // Brings a and b Up by hand and completes both Poll sequences.
  void bring_up() {
    auto a0 = a.start(now());
    b.start(now());
    auto b1 = deliver(a0, b, now());       // b: Down -> Init
    auto a2 = deliver(b1, a, now());       // a: Down -> Up, Poll
    auto b3 = deliver(a2, b, now());       // b: Init -> Up, Final for a's Poll
    deliver(b3, a, now());                 // a: Poll done
    ASSERT_EQ(a.state(), State::kUp);
    ASSERT_EQ(b.state(), State::kUp);
    ASSERT_FALSE(a.poll_in_progress());
    ASSERT_TRUE(b.poll_in_progress());     // b's own Poll rides on its next packet
    clock.advance(*b.next_tx_at() - now());
    auto b5 = b.on_timer(now());
    ASSERT_TRUE(sent(b5).at(0).poll);
    auto a6 = deliver(b5, a, now());       // a answers Final
    deliver(a6, b, now());
    ASSERT_FALSE(b.poll_in_progress());
  }

  FakeClock clock;
  BfdSession a{0xaaaa0001, cfg(), no_jitter};
  BfdSession b{0xbbbb0002, cfg(), no_jitter};
};

TEST_F(SessionTest, StartsDownAndSendsASlowDownPacketAtOnce) {
  auto out = a.start(now());
  auto pkts = sent(out);
  ASSERT_EQ(pkts.size(), 1u);
  const ControlPacket& p = pkts[0];
  EXPECT_EQ(p.state, State::kDown);
  EXPECT_EQ(p.diag, Diag::kNone);
  EXPECT_EQ(p.my_discriminator, 0xaaaa0001u);
  EXPECT_EQ(p.your_discriminator, 0u);
  EXPECT_EQ(p.desired_min_tx_us, 1'000'000u);  // 6.8.3: at least 1 s while not Up
  EXPECT_EQ(p.required_min_rx_us, 300'000u);
  EXPECT_EQ(p.required_min_echo_rx_us, 0u);
  EXPECT_EQ(p.detect_mult, 3);
  EXPECT_FALSE(p.poll || p.final || p.demand || p.auth_present);
  EXPECT_FALSE(validate(p).has_value());
  auto timers = all_of<ArmTimers>(out);
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers[0].next_tx_at, now() + 1s);
  EXPECT_EQ(timers[0].detect_at, std::nullopt);  // nothing received yet
}

TEST_F(SessionTest, ThreeWayHandshakeDownInitUp) {
  auto a0 = a.start(now());
  b.start(now());

  // b hears a's Down: Down -> Init, and says so at once with a's discriminator.
  auto b1 = deliver(a0, b, now());
  ASSERT_EQ(b.state(), State::kInit);
  auto bc = all_of<StateChanged>(b1);
  ASSERT_EQ(bc.size(), 1u);
  EXPECT_EQ(bc[0].from, State::kDown);
  EXPECT_EQ(bc[0].to, State::kInit);
  auto bp = sent(b1);
  ASSERT_EQ(bp.size(), 1u);
  EXPECT_EQ(bp[0].state, State::kInit);
  EXPECT_EQ(bp[0].your_discriminator, 0xaaaa0001u);
  EXPECT_EQ(b.detect_at(), now() + 3s);  // 3 x max(300 ms, a's 1 s)

  // a hears Init: Down -> Up; the configured 300 ms is below the 1 s used so far: Poll.
  auto a2 = deliver(b1, a, now());
  ASSERT_EQ(a.state(), State::kUp);
  auto ac = all_of<StateChanged>(a2);
  ASSERT_EQ(ac.size(), 1u);
  EXPECT_EQ(ac[0].to, State::kUp);
  EXPECT_EQ(ac[0].diag, Diag::kNone);
  EXPECT_EQ(ac[0].reason, "neighbor is Init");
  auto ap = sent(a2);
  ASSERT_EQ(ap.size(), 1u);
  EXPECT_EQ(ap[0].state, State::kUp);
  EXPECT_TRUE(ap[0].poll);
  EXPECT_EQ(ap[0].desired_min_tx_us, 300'000u);
  EXPECT_EQ(ap[0].your_discriminator, 0xbbbb0002u);

  // b hears Up with Poll: Init -> Up, and the answer carries Final (and not Poll).
  auto b3 = deliver(a2, b, now());
  ASSERT_EQ(b.state(), State::kUp);
  auto bp3 = sent(b3);
  ASSERT_EQ(bp3.size(), 1u);
  EXPECT_TRUE(bp3[0].final);
  EXPECT_FALSE(bp3[0].poll);
  EXPECT_EQ(bp3[0].state, State::kUp);

  deliver(b3, a, now());
  EXPECT_FALSE(a.poll_in_progress());
  EXPECT_EQ(a.stats().up_count, 1u);
  EXPECT_EQ(b.stats().up_count, 1u);
}

TEST_F(SessionTest, BothEndsStartingTogetherComeUpOnTheLink) {
  test::Link link(cfg(), cfg(), no_jitter, 1ms);
  link.start();
  link.run_for(5s);
  EXPECT_EQ(link.a().session.state(), State::kUp);
  EXPECT_EQ(link.b().session.state(), State::kUp);
  EXPECT_FALSE(link.a().session.poll_in_progress());
  EXPECT_EQ(link.a().session.tx_interval(), 300ms);
  EXPECT_EQ(link.a().session.detection_time(), 900ms);
  EXPECT_EQ(link.b().session.tx_interval(), 300ms);
  // Exactly one transition to Up each, well within the first second.
  ASSERT_EQ(link.a().changes.back().change.to, State::kUp);
  EXPECT_LT(link.a().changes.back().at - (link.now() - 5s), 10ms);
  EXPECT_EQ(link.a().session.stats().up_count, 1u);
}

TEST_F(SessionTest, SilentPeerIsDeclaredDownAfterExactlyTheDetectionTime) {
  test::Link link(cfg(), cfg(), no_jitter);
  link.start();
  link.run_for(3s);
  ASSERT_EQ(link.a().session.state(), State::kUp);
  auto& A = link.a();
  auto& B = link.b();
  const size_t a_changes = A.changes.size(), b_changes = B.changes.size();

  link.cut_b_to_a(true);  // b keeps talking, a hears nothing
  const Clock::TimePoint last = *link.last_rx(A);
  link.run_for(2s);

  ASSERT_EQ(A.changes.size(), a_changes + 1);
  const auto& down = A.changes.back();
  EXPECT_EQ(down.change.to, State::kDown);
  EXPECT_EQ(down.change.diag, Diag::kControlDetectionTimeExpired);
  EXPECT_EQ(down.at - last, 900ms);  // Detect Mult 3 x 300 ms, to the microsecond
  EXPECT_EQ(down.change.reason, "no Control packet for 900 ms (Detect Mult 3 x 300 ms)");
  EXPECT_EQ(A.session.remote_discriminator(), 0u);  // forgotten with the remote state

  // a's Down packet (Your Discriminator 0) reaches b at once: Neighbor Signaled Session Down.
  ASSERT_GE(B.changes.size(), b_changes + 1);
  const auto& peer = B.changes[b_changes];
  EXPECT_EQ(peer.at, down.at);
  EXPECT_EQ(peer.change.from, State::kUp);
  EXPECT_EQ(peer.change.to, State::kDown);
  EXPECT_EQ(peer.change.diag, Diag::kNeighborSignaledSessionDown);
  EXPECT_FALSE(peer.change.remote_admin_down);
}

TEST_F(SessionTest, DetectionTimeUsesTheRemoteMultiplierAndTheSlowerInterval) {
  test::Link link(cfg(300ms, 300ms, 3), cfg(100ms, 500ms, 5), no_jitter);
  link.start();
  link.run_for(3s);
  auto& A = link.a().session;
  auto& B = link.b().session;
  ASSERT_EQ(A.state(), State::kUp);
  // a: b's Detect Mult 5 x max(a's RequiredMinRx 300, b's DesiredMinTx 100) = 1500 ms.
  EXPECT_EQ(A.detection_time(), 1500ms);
  // a transmits at max(300, b's RequiredMinRx 500); b at max(100, 300).
  EXPECT_EQ(A.tx_interval(), 500ms);
  EXPECT_EQ(B.tx_interval(), 300ms);
  EXPECT_EQ(B.detection_time(), 3 * 500ms);
  EXPECT_EQ(A.detect_at(), *link.last_rx(link.a()) + 1500ms);
}

TEST_F(SessionTest, AdminDownLocallyAndSignalledByThePeer) {
  bring_up();
  auto out = a.set_admin_down(true, now());
  ASSERT_EQ(a.state(), State::kAdminDown);
  auto ac = all_of<StateChanged>(out);
  ASSERT_EQ(ac.size(), 1u);
  EXPECT_EQ(ac[0].diag, Diag::kAdministrativelyDown);
  auto ap = sent(out);
  ASSERT_EQ(ap.size(), 1u);
  EXPECT_EQ(ap[0].state, State::kAdminDown);
  EXPECT_EQ(ap[0].diag, Diag::kAdministrativelyDown);
  EXPECT_EQ(a.detect_at(), std::nullopt);  // no detection in AdminDown
  EXPECT_EQ(a.next_tx_at(), now() + 1s);   // keeps telling the peer, slowly

  auto bo = deliver(out, b, now());
  ASSERT_EQ(b.state(), State::kDown);
  auto bc = all_of<StateChanged>(bo);
  ASSERT_EQ(bc.size(), 1u);
  EXPECT_EQ(bc[0].diag, Diag::kNeighborSignaledSessionDown);
  EXPECT_TRUE(bc[0].remote_admin_down);  // RFC 5882 3.2: not a path failure
  // b stays Down while a is AdminDown; a ignores what b sends.
  for (int i = 0; i < 5; ++i) {
    clock.advance(1s);
    auto bt = b.on_timer(now());
    auto at = deliver(bt, a, now());
    EXPECT_TRUE(all_of<StateChanged>(at).empty());
    EXPECT_TRUE(sent(at).empty());
    auto back = deliver(a.on_timer(now()), b, now());
    EXPECT_TRUE(all_of<StateChanged>(back).empty());
  }
  EXPECT_EQ(a.state(), State::kAdminDown);
  EXPECT_EQ(b.state(), State::kDown);

  // no shutdown: a goes Down and the handshake brings both Up again.
  auto en = a.set_admin_down(false, now());
  ASSERT_EQ(a.state(), State::kDown);
  auto e1 = deliver(en, b, now());
  auto e2 = deliver(e1, a, now());
  deliver(e2, b, now());
  EXPECT_EQ(a.state(), State::kUp);
  EXPECT_EQ(b.state(), State::kUp);
  EXPECT_EQ(a.local_diag(), Diag::kNone);
}

TEST_F(SessionTest, AdminDownFromInitTakesThePeerDownToo) {
  auto a0 = a.start(now());
  b.start(now());
  deliver(a0, b, now());
  ASSERT_EQ(b.state(), State::kInit);
  deliver(a.set_admin_down(true, now()), b, now());
  EXPECT_EQ(b.state(), State::kDown);
  EXPECT_EQ(b.local_diag(), Diag::kNeighborSignaledSessionDown);
  // A session configured AdminDown starts that way.
  SessionConfig c = cfg();
  c.admin_down = true;
  BfdSession s(7, c, no_jitter);
  EXPECT_EQ(s.state(), State::kAdminDown);
  EXPECT_EQ(sent(s.start(now())).at(0).diag, Diag::kAdministrativelyDown);
}

TEST_F(SessionTest, PollFinalFrom300To50AppliesOnlyAfterFinal) {
  bring_up();
  ASSERT_EQ(a.detection_time(), 900ms);
  ASSERT_EQ(b.detection_time(), 900ms);

  auto pa = a.set_intervals(50ms, 50ms, 3, now());
  auto pb = b.set_intervals(50ms, 50ms, 3, now());
  // Each sends its Poll at once, carrying the new values.
  ASSERT_EQ(sent(pa).size(), 1u);
  EXPECT_TRUE(sent(pa)[0].poll);
  EXPECT_EQ(sent(pa)[0].desired_min_tx_us, 50'000u);
  EXPECT_EQ(sent(pa)[0].required_min_rx_us, 50'000u);
  // Before any Final: the shorter RequiredMinRx does not shorten detection yet, and the peer
  // still asks for 300 ms, so nothing transmits faster.
  EXPECT_EQ(a.detection_time(), 900ms);
  EXPECT_EQ(b.detection_time(), 900ms);
  EXPECT_EQ(a.tx_interval(), 300ms);
  EXPECT_EQ(b.tx_interval(), 300ms);

  // b gets a's Poll: a asked for 50 ms, so b transmits faster at once (6.8.3), and answers
  // Final. b's own detection still waits for b's Poll to end.
  auto fb = deliver(pa, b, now());
  ASSERT_EQ(sent(fb).size(), 1u);
  EXPECT_TRUE(sent(fb)[0].final);
  EXPECT_EQ(b.tx_interval(), 50ms);
  EXPECT_EQ(b.next_tx_at(), now() + 50ms);
  EXPECT_EQ(b.detection_time(), 900ms);

  // a gets the Final: a's Poll is over; b already advertises 50 ms, so a detects in 150 ms.
  deliver(fb, a, now());
  EXPECT_FALSE(a.poll_in_progress());
  EXPECT_EQ(a.detection_time(), 150ms);
  EXPECT_EQ(a.detect_at(), now() + 150ms);
  EXPECT_EQ(a.tx_interval(), 50ms);

  // a gets b's Poll, answers Final; only now does b's detection shrink.
  clock.advance(10ms);
  auto fa = deliver(pb, a, now());
  ASSERT_TRUE(sent(fa).at(0).final);
  EXPECT_EQ(b.detection_time(), 900ms);
  deliver(fa, b, now());
  EXPECT_FALSE(b.poll_in_progress());
  EXPECT_EQ(b.detection_time(), 150ms);
  EXPECT_EQ(b.detect_at(), now() + 150ms);

  // And at the new rate a silent a is detected by b after exactly 150 ms.
  clock.advance(150ms - 1us);
  EXPECT_TRUE(all_of<StateChanged>(b.on_timer(now())).empty());
  clock.advance(1us);
  auto down = all_of<StateChanged>(b.on_timer(now()));
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].diag, Diag::kControlDetectionTimeExpired);
}

TEST_F(SessionTest, SlowingDownWaitsForFinalButLongerDetectionAppliesAtOnce) {
  bring_up();
  auto p = a.set_intervals(1s, 1s, 3, now());
  ASSERT_TRUE(sent(p).at(0).poll);
  // 6.8.3: a larger DesiredMinTx must not be used before the Poll ends; a larger
  // RequiredMinRx lengthens a's detection time at once (3 x max(1 s, b's 300 ms)).
  EXPECT_EQ(a.tx_interval(), 300ms);
  EXPECT_EQ(a.detection_time(), 3s);
  auto f = deliver(p, b, now());
  EXPECT_EQ(b.tx_interval(), 1s);         // b honours a's new RequiredMinRx
  EXPECT_EQ(b.detection_time(), 3s);      // 3 x max(300 ms, a's new 1 s)
  deliver(f, a, now());
  EXPECT_EQ(a.tx_interval(), 1s);
  // A change during a Poll is polled again after the Final.
  auto p1 = a.set_intervals(500ms, 500ms, 3, now());
  auto p2 = a.set_intervals(400ms, 400ms, 3, now());
  EXPECT_TRUE(sent(p2).empty());          // the first Poll is still running
  auto f1 = deliver(p1, b, now());
  deliver(f1, a, now());
  EXPECT_TRUE(a.poll_in_progress());      // 400 ms was never acknowledged
  clock.advance(*a.next_tx_at() - now());
  auto again = a.on_timer(now());
  ASSERT_TRUE(sent(again).at(0).poll);
  EXPECT_EQ(sent(again)[0].desired_min_tx_us, 400'000u);
  deliver(deliver(again, b, now()), a, now());
  EXPECT_FALSE(a.poll_in_progress());
  EXPECT_EQ(a.tx_interval(), 400ms);
}

TEST_F(SessionTest, ReceivedPollIsAnsweredAtOnceInEveryState) {
  a.start(now());
  ControlPacket p;
  p.state = State::kDown;
  p.detect_mult = 3;
  p.my_discriminator = 99;
  p.desired_min_tx_us = 1'000'000;
  p.required_min_rx_us = 1'000'000;
  p.poll = true;
  auto out = a.on_packet(p, now());
  ASSERT_EQ(a.state(), State::kInit);
  auto pk = sent(out);
  ASSERT_EQ(pk.size(), 1u);  // one packet: the Final also announces Init
  EXPECT_TRUE(pk[0].final);
  EXPECT_EQ(pk[0].state, State::kInit);
}

TEST_F(SessionTest, JitterStaysWithinSection6_8_7Bounds) {
  SplitMix64 rng(20261231);
  Clock::Duration lo3 = 1h, hi3{0}, lo1 = 1h, hi1{0};
  for (int i = 0; i < 20000; ++i) {
    auto d3 = jittered_interval(300ms, 3, rng);
    auto d1 = jittered_interval(300ms, 1, rng);
    lo3 = std::min(lo3, d3), hi3 = std::max(hi3, d3);
    lo1 = std::min(lo1, d1), hi1 = std::max(hi1, d1);
  }
  EXPECT_GE(lo3, 225ms);  // 75 %
  EXPECT_LE(hi3, 300ms);
  EXPECT_LT(lo3, 226ms);  // and the whole range is used
  EXPECT_GT(hi3, 299ms);
  EXPECT_GE(lo1, 225ms);  // DetectMult 1: 75 %-90 %
  EXPECT_LE(hi1, 270ms);
  EXPECT_GT(hi1, 269ms);

  // On the wire: every gap between periodic packets of an Up session, over a minute.
  SplitMix64 link_rng(7);
  test::Link link(cfg(), cfg(), link_rng);
  link.start();
  link.run_for(3s);
  ASSERT_EQ(link.a().session.state(), State::kUp);
  const size_t first = link.a().sent.size();
  link.run_for(60s);
  const auto& s = link.a().sent;
  ASSERT_GT(s.size() - first, 200u);
  for (size_t i = first + 1; i < s.size(); ++i) {
    auto gap = s[i].first - s[i - 1].first;
    EXPECT_GE(gap, 225ms) << i;
    EXPECT_LE(gap, 300ms) << i;
  }
  EXPECT_EQ(link.a().session.state(), State::kUp);
  EXPECT_EQ(link.b().session.state(), State::kUp);
}

TEST_F(SessionTest, EveryDiscardedPacketIsCountedAndChangesNothing) {
  bring_up();
  const auto before_detect = b.detect_at();
  const auto before_tx = b.next_tx_at();
  ControlPacket good;
  good.state = State::kDown;  // would take b Down if it were accepted
  good.detect_mult = 3;
  good.my_discriminator = a.local_discriminator();
  good.your_discriminator = b.local_discriminator();
  good.desired_min_tx_us = good.required_min_rx_us = 300'000;

  struct Case {
    DropReason reason;
    void (*mutate)(ControlPacket&);
  };
  const Case cases[] = {
      {DropReason::kBadVersion, [](ControlPacket& p) { p.version = 2; }},
      {DropReason::kZeroDetectMult, [](ControlPacket& p) { p.detect_mult = 0; }},
      {DropReason::kMultipoint, [](ControlPacket& p) { p.multipoint = true; }},
      {DropReason::kZeroMyDiscriminator, [](ControlPacket& p) { p.my_discriminator = 0; }},
      {DropReason::kZeroYourDiscriminator,
       [](ControlPacket& p) { p.your_discriminator = 0; p.state = State::kUp; }},
      {DropReason::kAuthBitMismatch, [](ControlPacket& p) { p.auth_present = true; }},
      {DropReason::kYourDiscriminatorMismatch, [](ControlPacket& p) { p.your_discriminator = 5; }},
      {DropReason::kAuthNotInUse,
       [](ControlPacket& p) {
         p.auth_present = true;
         p.auth = AuthSection{AuthType::kKeyedSha1, 1, std::vector<uint8_t>(25)};
       }},
  };
  for (const Case& c : cases) {
    ControlPacket p = good;
    c.mutate(p);
    clock.advance(1ms);
    auto out = b.on_packet(p, now());
    ASSERT_EQ(out.size(), 1u) << drop_reason_name(c.reason);
    auto* d = std::get_if<Dropped>(&out[0]);
    ASSERT_NE(d, nullptr) << drop_reason_name(c.reason);
    EXPECT_EQ(d->reason, c.reason);
    EXPECT_EQ(b.stats().dropped[static_cast<size_t>(c.reason)], 1u) << drop_reason_name(c.reason);
    EXPECT_EQ(b.state(), State::kUp);
    EXPECT_EQ(b.detect_at(), before_detect);  // not "received" for 6.8.4 either
    EXPECT_EQ(b.next_tx_at(), before_tx);
    EXPECT_EQ(b.remote_state(), State::kUp);
  }
  // The unmutated packet is accepted and takes b Down.
  b.on_packet(good, now());
  EXPECT_EQ(b.state(), State::kDown);
}

TEST_F(SessionTest, PeerRestartWithYourDiscriminatorZeroTakesTheSessionDown) {
  bring_up();
  ControlPacket p;
  p.state = State::kDown;
  p.diag = Diag::kNone;
  p.detect_mult = 3;
  p.my_discriminator = 0x12345678;  // a new incarnation
  p.desired_min_tx_us = p.required_min_rx_us = 1'000'000;
  auto out = b.on_packet(p, now());
  auto c = all_of<StateChanged>(out);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].to, State::kDown);
  EXPECT_EQ(c[0].diag, Diag::kNeighborSignaledSessionDown);
  EXPECT_EQ(b.remote_discriminator(), 0x12345678u);
  EXPECT_EQ(sent(out).at(0).your_discriminator, 0x12345678u);
  EXPECT_EQ(b.tx_interval(), 1s);  // back to the slow rate
}

TEST_F(SessionTest, DetectionInDownForgetsTheRemoteDiscriminator) {
  a.start(now());
  ControlPacket p;
  p.state = State::kAdminDown;
  p.detect_mult = 3;
  p.my_discriminator = 77;
  p.desired_min_tx_us = p.required_min_rx_us = 1'000'000;
  a.on_packet(p, now());
  ASSERT_EQ(a.state(), State::kDown);
  ASSERT_EQ(a.remote_discriminator(), 77u);
  ASSERT_EQ(a.detect_at(), now() + 3s);
  clock.advance(3s);
  auto out = a.on_timer(now());
  EXPECT_TRUE(all_of<StateChanged>(out).empty());
  EXPECT_EQ(a.remote_discriminator(), 0u);
  EXPECT_EQ(a.detect_at(), std::nullopt);
}

TEST_F(SessionTest, RemoteDemandModeAndRequiredMinRxZeroStopPeriodicTransmission) {
  bring_up();
  ControlPacket p;
  p.state = State::kUp;
  p.detect_mult = 3;
  p.my_discriminator = a.local_discriminator();
  p.your_discriminator = b.local_discriminator();
  p.desired_min_tx_us = p.required_min_rx_us = 300'000;
  p.demand = true;
  auto out = b.on_packet(p, now());
  EXPECT_EQ(b.next_tx_at(), std::nullopt);
  auto t = all_of<ArmTimers>(out);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].next_tx_at, std::nullopt);
  EXPECT_EQ(t[0].detect_at, now() + 900ms);
  // Demand off, then Required Min RX 0 (6.8.18: send nothing).
  p.demand = false;
  b.on_packet(p, now());
  EXPECT_EQ(b.next_tx_at(), now() + 300ms);
  p.required_min_rx_us = 0;
  b.on_packet(p, now());
  EXPECT_EQ(b.next_tx_at(), std::nullopt);
  EXPECT_EQ(b.tx_interval(), Micros(0));
  // A Poll is still answered.
  p.poll = true;
  EXPECT_TRUE(sent(b.on_packet(p, now())).at(0).final);
}

TEST_F(SessionTest, ArmTimersOnlyWhenADeadlineMoves) {
  bring_up();
  clock.advance(*b.next_tx_at() - now());
  auto out = b.on_timer(now());
  EXPECT_EQ(all_of<ArmTimers>(out).size(), 1u);  // the next transmission moved
  auto again = b.on_timer(now());  // nothing due
  EXPECT_TRUE(again.empty());
}

}  // namespace
}  // namespace vgw::bfd
