// An established IKE SA over time: dead peer detection (RFC 7296 2.4), Delete (1.4.1),
// Child SA rekey with and without PFS (1.3.3, 2.17), simultaneous Child SA rekeys (2.8.1),
// IKE SA rekey (1.3.2, 2.18), and rekeys that the lifetimes trigger.
#include <gtest/gtest.h>

#include "sa_test_util.h"

namespace vgw::ike::test {
namespace {

Pair established(const char* esp = "aes128gcm16", Clock::Duration dpd = 0s) {
  auto ic = make_config(Role::kInitiator, "aes256gcm16-prfsha384-x25519", esp);
  auto rc = make_config(Role::kResponder, "aes256gcm16-prfsha384-x25519", esp);
  ic.dpd_interval = dpd;
  rc.dpd_interval = dpd;
  return Pair(std::move(ic), std::move(rc));
}

// The Child SAs both ends have now (installed and not removed), matched crosswise.
void expect_one_live_pair(const Pair& p) {
  ASSERT_EQ(p.i.sa->children().size(), 1u);
  ASSERT_EQ(p.r.sa->children().size(), 1u);
  const ChildSpis si = p.i.sa->children()[0].spis;
  const ChildSpis sr = p.r.sa->children()[0].spis;
  EXPECT_EQ(si.inbound, sr.outbound);
  EXPECT_EQ(si.outbound, sr.inbound);
  const ChildSa* ci = p.i.installed_by_inbound(si.inbound);
  const ChildSa* cr = p.r.installed_by_inbound(sr.inbound);
  ASSERT_TRUE(ci && cr);
  EXPECT_TRUE(same_keys(ci->outbound_keys, cr->inbound_keys));
  EXPECT_TRUE(same_keys(ci->inbound_keys, cr->outbound_keys));
}

TEST(Dpd, SilentPeerDeclaredDeadAfterIntervalTimesRetries) {
  Pair p = established("aes128gcm16", 10s);
  p.establish();
  ASSERT_EQ(p.i.sa->state(), IkeSaState::kEstablished);
  const Clock::TimePoint t0 = p.now();
  // The responder goes silent. Liveness checks at 10, 20, 30 s; dead at 40 s.
  int checks = 0;
  while (!p.i.is_closed && p.now() - t0 < 60s) {
    p.advance(1s);
    while (!p.i.outbox.empty()) {
      p.drop(p.i);
      ++checks;
    }
  }
  EXPECT_EQ(checks, 3);
  EXPECT_EQ(p.now() - t0, 40s);
  EXPECT_EQ(p.i.closed, "DPD: no answer to 3 liveness checks");
  ASSERT_EQ(p.i.removed.size(), 1u);  // its Child SA left with it
}

TEST(Dpd, AnsweredLivenessCheckKeepsTheSa) {
  Pair p = established();
  p.establish();
  // HDR, SK {}  -->  <--  HDR, SK {}
  p.i.take(p.i.sa->dpd_check(p.now()));
  ASSERT_EQ(p.i.outbox.size(), 1u);
  p.run();
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kEstablished);
  EXPECT_EQ(p.r.sa->state(), IkeSaState::kEstablished);
  p.advance(60s);
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kEstablished);
}

TEST(Delete, IkeSaDeleteRemovesEverythingOnBothSides) {
  Pair p = established();
  p.establish();
  // HDR, SK {D(IKE)}  -->  <--  HDR, SK {}
  p.i.take(p.i.sa->delete_sa(p.now()));
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kDeleting);
  p.run();
  EXPECT_EQ(p.i.closed, "deleted locally");
  EXPECT_EQ(p.r.closed, "deleted by peer");
  EXPECT_EQ(p.i.removed.size(), 1u);
  EXPECT_EQ(p.r.removed.size(), 1u);
}

TEST(InitialContact, EachEndLearnsWhetherThePeerSentIt) {
  Pair with = established();
  with.establish();
  EXPECT_TRUE(with.r.initial_contact);   // the initiator's IKE_AUTH request carried it
  EXPECT_FALSE(with.i.initial_contact);  // a responder does not send it
  auto ic = make_config(Role::kInitiator, "aes256gcm16-prfsha384-x25519", "aes128gcm16");
  auto rc = make_config(Role::kResponder, "aes256gcm16-prfsha384-x25519", "aes128gcm16");
  ic.initial_contact = false;
  Pair without(std::move(ic), std::move(rc));
  without.establish();
  ASSERT_EQ(without.r.established, 1);
  EXPECT_FALSE(without.r.initial_contact);
}

TEST(Abandon, OneDeleteNoWaitAndThePeerThatStillHasTheSaDeletesItToo) {
  Pair p = established();
  p.establish();
  p.r.take(p.r.sa->abandon(p.now(), "replaced"));
  // Closed at once, its Child SA removed, one Delete out.
  EXPECT_TRUE(p.r.is_closed);
  EXPECT_EQ(p.r.closed, "replaced");
  EXPECT_EQ(p.r.removed.size(), 1u);
  ASSERT_EQ(p.r.outbox.size(), 1u);
  p.deliver(p.r, p.i);
  EXPECT_EQ(p.i.closed, "deleted by peer");
  EXPECT_EQ(p.i.removed.size(), 1u);
  // The answer finds nothing outstanding: dropped; nothing is ever retransmitted.
  p.run();
  p.advance(120s);
  EXPECT_TRUE(p.r.outbox.empty());
}

TEST(Abandon, WithARequestOutstandingItClosesWithoutADelete) {
  Pair p = established();
  p.establish();
  p.i.take(p.i.sa->dpd_check(p.now()));
  ASSERT_EQ(p.i.outbox.size(), 1u);
  p.drop(p.i);  // the peer is gone; the liveness check waits for its answer
  p.i.take(p.i.sa->abandon(p.now(), "replaced"));
  EXPECT_TRUE(p.i.is_closed);
  EXPECT_TRUE(p.i.outbox.empty());
  EXPECT_EQ(p.i.removed.size(), 1u);
}

void child_rekey(const char* esp) {
  Pair p = established(esp);
  p.establish();
  const ChildSpis old_i = p.i.sa->children()[0].spis;
  // HDR, SK {N(REKEY_SA), SA, Ni, [KEi,] TSi, TSr}  -->
  p.i.take(p.i.sa->rekey_child(p.now()));
  p.deliver(p.i, p.r);
  // The responder has the new pair in before its answer goes out, and still the old one.
  ASSERT_EQ(p.r.installed.size(), 2u);
  ASSERT_EQ(p.r.log.back(), "send");
  EXPECT_EQ(p.r.log[p.r.log.size() - 2], "install " + std::to_string(p.r.installed[1].spis.inbound));
  EXPECT_TRUE(p.r.removed.empty());
  // <--  HDR, SK {SA, Nr, [KEr,] TSi, TSr}
  p.deliver(p.r, p.i);
  ASSERT_EQ(p.i.installed.size(), 2u);
  EXPECT_TRUE(p.i.removed.empty());  // the old pair stays until its Delete is answered
  // HDR, SK {D(ESP, old)}  -->  <--  HDR, SK {D(ESP, old)}
  p.deliver(p.i, p.r);
  ASSERT_EQ(p.r.removed.size(), 1u);
  EXPECT_EQ(p.r.removed[0].outbound, old_i.inbound);
  p.deliver(p.r, p.i);
  ASSERT_EQ(p.i.removed.size(), 1u);
  EXPECT_EQ(p.i.removed[0], old_i);
  expect_one_live_pair(p);
  EXPECT_NE(p.i.sa->children()[0].spis.inbound, old_i.inbound);
  // The new keys are new.
  EXPECT_FALSE(same_keys(p.i.installed[0].outbound_keys, p.i.installed[1].outbound_keys));
}

TEST(ChildRekey, WithoutPfs) { child_rekey("aes128gcm16"); }
TEST(ChildRekey, WithPfs) { child_rekey("aes256-sha256-ecp256"); }

TEST(ChildRekey, SimultaneousRekeysResolveTheSameWayOnBothSides) {
  for (int round = 0; round < 8; ++round) {  // nonces are random: several draws
    Pair p = established();
    p.establish();
    // Both send HDR, SK {N(REKEY_SA), SA, Ni, TSi, TSr} at the same time.
    p.i.take(p.i.sa->rekey_child(p.now()));
    p.r.take(p.r.sa->rekey_child(p.now()));
    p.deliver(p.i, p.r);  // each answers the other's request
    p.deliver(p.r, p.i);
    p.deliver(p.i, p.r);  // and gets the answer to its own: they include the responses
    p.deliver(p.r, p.i);
    p.run();             // the Deletes of the redundant and the old pair
    SCOPED_TRACE(round);
    expect_one_live_pair(p);
    EXPECT_EQ(p.i.sa->state(), IkeSaState::kEstablished);
    EXPECT_EQ(p.r.sa->state(), IkeSaState::kEstablished);
  }
}

TEST(IkeRekey, NewSaCarriesOnAndTheOldGoesAfterItsDelete) {
  Pair p = established();
  p.establish();
  const IkeSpis old_spis = p.i.sa->spis();
  // HDR, SK {SA(new SPIi), Ni, KEi}  -->
  p.i.take(p.i.sa->rekey_ike(p.now()));
  p.deliver(p.i, p.r);
  ASSERT_EQ(p.r.rekeyed.size(), 1u);
  EXPECT_TRUE(p.r.sa->rekeyed_sa_pending());
  // <--  HDR, SK {SA(new SPIr), Nr, KEr}
  p.deliver(p.r, p.i);
  ASSERT_EQ(p.i.rekeyed.size(), 1u);
  EXPECT_EQ(p.i.rekeyed[0].old_spis, old_spis);
  EXPECT_EQ(p.i.rekeyed[0].new_spis, p.r.rekeyed[0].new_spis);
  EXPECT_EQ(p.i.sa->spis(), p.r.sa->spis());
  EXPECT_NE(p.i.sa->spis(), old_spis);
  EXPECT_TRUE(p.i.sa->rekeyed_sa_pending());
  // HDR(old), SK {D(IKE)}  -->  <--  HDR(old), SK {}
  p.run();
  EXPECT_FALSE(p.i.sa->rekeyed_sa_pending());
  EXPECT_FALSE(p.r.sa->rekeyed_sa_pending());
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kEstablished);
  EXPECT_EQ(p.r.sa->state(), IkeSaState::kEstablished);
  EXPECT_TRUE(p.i.removed.empty());  // the Child SA moved over
  EXPECT_TRUE(p.r.removed.empty());
  // The new SA works both ways: a Child SA rekey from the responder, a DPD from the initiator.
  p.r.take(p.r.sa->rekey_child(p.now()));
  p.run();
  expect_one_live_pair(p);
  p.i.take(p.i.sa->dpd_check(p.now()));
  p.run();
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kEstablished);
  EXPECT_EQ(p.i.sa->counters().integrity_failures + p.r.sa->counters().integrity_failures, 0u);
}

TEST(Lifetime, ChildAndIkeRekeyedWhenTheirTimeComes) {
  auto ic = make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes128gcm16");
  auto rc = make_config(Role::kResponder, "aes256-sha256-modp2048", "aes128gcm16");
  ic.child_lifetime = rc.child_lifetime = 600s;
  ic.ike_lifetime = rc.ike_lifetime = 1000s;
  Pair p(std::move(ic), std::move(rc));
  p.establish();
  const uint32_t first = p.i.sa->children()[0].spis.inbound;
  for (int s = 0; s < 700; ++s) {
    p.advance(1s);
    p.run();
  }
  expect_one_live_pair(p);
  EXPECT_NE(p.i.sa->children()[0].spis.inbound, first);
  const IkeSpis before = p.i.sa->spis();
  for (int s = 0; s < 400; ++s) {
    p.advance(1s);
    p.run();
  }
  EXPECT_NE(p.i.sa->spis(), before);
  EXPECT_EQ(p.i.sa->spis(), p.r.sa->spis());
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kEstablished);
  expect_one_live_pair(p);
}

}  // namespace
}  // namespace vgw::ike::test
