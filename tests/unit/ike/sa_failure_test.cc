// How IKE SA establishment fails, and that both ends say why (RFC 7296 2.21): wrong PSK,
// wrong identity, no common proposal for the IKE SA or the Child SA, unacceptable traffic
// selectors, a silent peer (retransmission back-off, 2.1), and a retransmitted request
// answered from the response cache.
#include <gtest/gtest.h>

#include <cmath>

#include "sa_test_util.h"
#include "vgw/ike/wire/wire.h"

namespace vgw::ike::test {
namespace {

TEST(Failure, WrongPskIsAuthenticationFailedOnBothSides) {
  Pair p(make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes128gcm16", "one key"),
         make_config(Role::kResponder, "aes256-sha256-modp2048", "aes128gcm16", "another key"));
  p.start();
  p.deliver(p.i, p.r);  // IKE_SA_INIT -->
  p.deliver(p.r, p.i);  // <-- IKE_SA_INIT
  p.deliver(p.i, p.r);  // IKE_AUTH -->
  // <--  HDR, SK {N(AUTHENTICATION_FAILED)}; the responder is done with it.
  EXPECT_EQ(p.r.sa->state(), IkeSaState::kClosed);
  EXPECT_EQ(p.r.closed, "peer's AUTH did not verify (pre-shared key mismatch?)");
  p.deliver(p.r, p.i);
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kClosed);
  EXPECT_EQ(p.i.closed, "peer answered AUTHENTICATION_FAILED");
  EXPECT_EQ(p.i.sa->reason(), "peer answered AUTHENTICATION_FAILED");
  EXPECT_TRUE(p.i.installed.empty());
  EXPECT_TRUE(p.r.installed.empty());
  EXPECT_EQ(p.i.established + p.r.established, 0);
}

TEST(Failure, InitiatorRejectsTheResponderIdentity) {
  auto ic = make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes128gcm16");
  ic.remote_id = *Identity::parse("fqdn:gw.example.com");
  auto rc = make_config(Role::kResponder, "aes256-sha256-modp2048", "aes128gcm16");
  Pair p(std::move(ic), std::move(rc));
  p.establish();
  // HDR, SK {N(AUTHENTICATION_FAILED)}  -->  (INFORMATIONAL; the initiator does not wait)
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kClosed);
  EXPECT_EQ(p.i.closed, "peer's identity 198.51.100.1 is not the expected fqdn:gw.example.com");
  EXPECT_EQ(p.r.sa->state(), IkeSaState::kClosed);
  EXPECT_EQ(p.r.closed, "peer reported AUTHENTICATION_FAILED");
  // The responder had installed the Child SA and removed it again.
  ASSERT_EQ(p.r.installed.size(), 1u);
  ASSERT_EQ(p.r.removed.size(), 1u);
  EXPECT_EQ(p.r.removed[0], p.r.installed[0].spis);
}

TEST(Failure, ResponderRejectsTheInitiatorIdentity) {
  auto rc = make_config(Role::kResponder, "aes256-sha256-modp2048", "aes128gcm16");
  rc.remote_id = *Identity::parse("fqdn:branch.example.com");
  Pair p(make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes128gcm16"), std::move(rc));
  p.establish();
  EXPECT_EQ(p.r.closed, "peer's identity 192.0.2.1 is not the expected fqdn:branch.example.com");
  EXPECT_EQ(p.i.closed, "peer answered AUTHENTICATION_FAILED");
}

TEST(Failure, NoCommonIkeProposal) {
  Pair p(make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes128gcm16"),
         make_config(Role::kResponder, "aes128gcm16-prfsha256-ecp256", "aes128gcm16"));
  p.establish();
  EXPECT_EQ(p.i.closed, "NO_PROPOSAL_CHOSEN: we offered aes256-sha256-modp2048, peer none");
  EXPECT_EQ(p.r.closed,
            "NO_PROPOSAL_CHOSEN: peer offered AES_CBC_256/PRF_HMAC_SHA2_256/HMAC_SHA2_256_128/"
            "MODP_2048, we accept aes128gcm16-prfsha256-ecp256");
}

TEST(Failure, NoCommonEspProposalDeletesTheIkeSa) {
  Pair p(make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes256-sha256"),
         make_config(Role::kResponder, "aes256-sha256-modp2048", "aes128gcm16"));
  p.establish();
  EXPECT_EQ(p.i.closed, "Child SA: peer answered NO_PROPOSAL_CHOSEN");
  EXPECT_EQ(p.r.closed, "deleted by peer");
  EXPECT_EQ(p.r.sa->reason(), "deleted by peer");
  EXPECT_TRUE(p.i.installed.empty());
  EXPECT_TRUE(p.r.installed.empty());
}

TEST(Failure, TrafficSelectorsUnacceptable) {
  auto ic = make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes128gcm16");
  ic.remote_ts = {wire::TrafficSelector::from_prefix(*Prefix::parse("192.168.0.0/24"))};
  auto rc = make_config(Role::kResponder, "aes256-sha256-modp2048", "aes128gcm16");
  rc.local_ts = {wire::TrafficSelector::from_prefix(*Prefix::parse("10.0.0.0/24"))};
  Pair p(std::move(ic), std::move(rc));
  p.establish();
  EXPECT_EQ(p.i.closed, "Child SA: peer answered TS_UNACCEPTABLE");
  EXPECT_TRUE(p.r.is_closed);
}

TEST(Failure, SilentPeerRetransmitsWithBackoffThenGivesUp) {
  Pair p(make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes128gcm16"),
         make_config(Role::kResponder, "aes256-sha256-modp2048", "aes128gcm16"));
  const Clock::TimePoint t0 = p.now();
  p.start();
  const std::vector<uint8_t> first = p.drop(p.i);
  // Sends at 0, then after 2, 3.6, 6.48, 11.664, 20.9952 s (timeout * 1.8^n); given up
  // 37.79 s after the fifth retransmission.
  std::vector<double> sends;
  double expect = 0;
  for (int n = 0; n < 5; ++n) {
    ASSERT_TRUE(p.i.timer);
    expect += 2 * std::pow(1.8, n);
    EXPECT_NEAR(std::chrono::duration<double>(*p.i.timer - t0).count(), expect, 1e-3);
    p.advance(*p.i.timer - p.now());
    ASSERT_EQ(p.i.outbox.size(), 1u) << "retransmission " << n + 1;
    EXPECT_EQ(p.drop(p.i), first);  // the same octets
  }
  expect += 2 * std::pow(1.8, 5);
  ASSERT_TRUE(p.i.timer);
  EXPECT_NEAR(std::chrono::duration<double>(*p.i.timer - t0).count(), expect, 1e-3);
  p.advance(*p.i.timer - p.now() - 1ms);
  EXPECT_FALSE(p.i.is_closed);
  p.advance(1ms);
  EXPECT_TRUE(p.i.is_closed);
  EXPECT_EQ(p.i.closed, "IKE_SA_INIT request: retransmits exhausted (5 tries, 2 s base)");
  EXPECT_EQ(p.i.sa->counters().retransmits, 5u);
  EXPECT_TRUE(p.i.outbox.empty());
}

TEST(Failure, LostResponseIsRetransmittedAndAnsweredFromCache) {
  Pair p(make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes128gcm16"),
         make_config(Role::kResponder, "aes256-sha256-modp2048", "aes128gcm16"));
  p.start();
  p.deliver(p.i, p.r);
  p.deliver(p.r, p.i);
  p.deliver(p.i, p.r);                       // IKE_AUTH -->
  const auto lost = p.drop(p.r);             // <-- IKE_AUTH, lost
  EXPECT_EQ(p.r.installed.size(), 1u);
  p.advance(2s);                             // IKE_AUTH --> again
  ASSERT_EQ(p.i.outbox.size(), 1u);
  p.deliver(p.i, p.r);
  EXPECT_EQ(p.r.sa->counters().duplicate_requests, 1u);
  EXPECT_EQ(p.r.installed.size(), 1u);       // processed once
  ASSERT_EQ(p.r.outbox.size(), 1u);
  EXPECT_EQ(p.r.outbox.front().datagram, lost);  // the cached response, octet for octet
  p.run();
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kEstablished);
  EXPECT_EQ(p.i.installed.size(), 1u);
}

TEST(Failure, DuplicateIkeSaInitRequestGetsTheSameResponse) {
  Pair p(make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes128gcm16"),
         make_config(Role::kResponder, "aes256-sha256-modp2048", "aes128gcm16"));
  p.start();
  const auto req = p.i.outbox.front().datagram;
  p.deliver(p.i, p.r);
  const auto resp = p.drop(p.r);
  p.r.take(p.r.sa->on_datagram(req, p.now()));
  ASSERT_EQ(p.r.outbox.size(), 1u);
  EXPECT_EQ(p.r.outbox.front().datagram, resp);
  EXPECT_EQ(p.r.sa->counters().duplicate_requests, 1u);
}

TEST(Failure, ResponseToNothingOutstandingIsDropped) {
  Pair p(make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes128gcm16"),
         make_config(Role::kResponder, "aes256-sha256-modp2048", "aes128gcm16"));
  p.start();
  p.deliver(p.i, p.r);
  const auto resp = p.r.outbox.front().datagram;
  p.run();
  ASSERT_EQ(p.i.sa->state(), IkeSaState::kEstablished);
  p.i.take(p.i.sa->on_datagram(resp, p.now()));  // the IKE_SA_INIT response once more
  EXPECT_TRUE(p.i.outbox.empty());
  EXPECT_EQ(p.i.sa->counters().unexpected_responses, 1u);
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kEstablished);
}

}  // namespace
}  // namespace vgw::ike::test
