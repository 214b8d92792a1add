// Bad input never crashes an IkeSa and is never answered when it cannot be authenticated
// (RFC 7296 2.21): tampered ciphertext is counted and dropped; every truncation of every
// message of a full exchange, and random octets, are fed to endpoints in every state.
#include <gtest/gtest.h>

#include <random>

#include "sa_test_util.h"

namespace vgw::ike::test {
namespace {

Pair make_pair() {
  return Pair(make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes256-sha256"),
              make_config(Role::kResponder, "aes256-sha256-modp2048", "aes256-sha256"));
}

TEST(Robustness, TamperedCiphertextIsDroppedAndCounted) {
  Pair p = make_pair();
  p.start();
  p.deliver(p.i, p.r);
  p.deliver(p.r, p.i);
  std::vector<uint8_t> auth = p.i.outbox.front().datagram;
  for (size_t at : {auth.size() - 1, auth.size() / 2, size_t{60}}) {
    std::vector<uint8_t> bad = auth;
    bad[at] ^= 0x01;
    p.r.take(p.r.sa->on_datagram(bad, p.now()));
  }
  EXPECT_EQ(p.r.sa->counters().integrity_failures, 3u);
  EXPECT_TRUE(p.r.outbox.empty());  // never answered
  EXPECT_EQ(p.r.sa->state(), IkeSaState::kInitDone);
  p.run();  // the genuine one still works
  EXPECT_EQ(p.r.sa->state(), IkeSaState::kEstablished);
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kEstablished);
}

// Every message of: IKE_SA_INIT, IKE_AUTH, a Child SA rekey with its Delete, DPD, Delete.
std::vector<std::vector<uint8_t>> full_exchange_messages() {
  std::vector<std::vector<uint8_t>> all;
  Pair p = make_pair();
  auto shuttle = [&] {
    for (int n = 0; n < 50 && (!p.i.outbox.empty() || !p.r.outbox.empty()); ++n) {
      if (!p.i.outbox.empty()) all.push_back(p.deliver(p.i, p.r));
      if (!p.r.outbox.empty()) all.push_back(p.deliver(p.r, p.i));
    }
  };
  p.start();
  shuttle();
  p.i.take(p.i.sa->rekey_child(p.now()));
  shuttle();
  p.r.take(p.r.sa->rekey_ike(p.now()));
  shuttle();
  p.i.take(p.i.sa->dpd_check(p.now()));
  shuttle();
  p.i.take(p.i.sa->delete_sa(p.now()));
  shuttle();
  return all;
}

TEST(Robustness, EveryTruncationOfEveryMessageIsSurvived) {
  const auto messages = full_exchange_messages();
  ASSERT_GE(messages.size(), 12u);
  // Endpoints in each state: fresh responder, responder after IKE_SA_INIT, both established.
  Pair fresh = make_pair();
  Pair half = make_pair();
  half.start();
  half.deliver(half.i, half.r);
  Pair up = make_pair();
  up.establish();
  ASSERT_EQ(up.i.sa->state(), IkeSaState::kEstablished);
  for (const auto& m : messages)
    for (size_t len = 0; len <= m.size(); ++len) {
      std::span<const uint8_t> cut(m.data(), len);
      for (Pair* p : {&fresh, &half, &up}) {
        p->r.take(p->r.sa->on_datagram(cut, p->now()));
        p->i.take(p->i.sa->on_datagram(cut, p->now()));
      }
    }
  // Truncated messages fail the header length check: nothing was answered.
  EXPECT_EQ(up.i.sa->state(), IkeSaState::kEstablished);
  EXPECT_EQ(up.r.sa->state(), IkeSaState::kEstablished);
}

TEST(Robustness, RandomOctetsAndFlippedBitsAreSurvived) {
  const auto messages = full_exchange_messages();
  std::mt19937 rng(7296);
  Pair up = make_pair();
  up.establish();
  Pair fresh = make_pair();
  for (int n = 0; n < 3000; ++n) {
    std::vector<uint8_t> m = messages[n % messages.size()];
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) m[rng() % m.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    if (n % 5 == 0) {  // now and then pure noise with a plausible header length
      m.resize(28 + rng() % 200);
      for (auto& b : m) b = static_cast<uint8_t>(rng());
    }
    for (Pair* p : {&up, &fresh}) {
      p->r.take(p->r.sa->on_datagram(m, p->now()));
      p->i.take(p->i.sa->on_datagram(m, p->now()));
    }
  }
  SUCCEED();
}

}  // namespace
}  // namespace vgw::ike::test
