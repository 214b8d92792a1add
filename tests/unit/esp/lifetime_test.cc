// SA lifetimes and limits: soft/hard by packets, bytes and time (FakeClock), sequence-number
// exhaustion with and without ESN, inbound hard limits, and the soft/hard/cause reporting.
#include <gtest/gtest.h>

#include <chrono>

#include "esp_fixtures.h"
#include "vgw/base/clock.h"
#include "vgw/esp/codec.h"

namespace vgw::esp {
namespace {

using namespace std::chrono_literals;
using testing::ipv4_packet;
using testing::Keys;

const Transform kGcm{Encryption::kAesGcm16, 128, Integrity::kNone};
const Transform kCbc{Encryption::kAesCbc, 128, Integrity::kHmacSha256_128};

Result<size_t, EncapError> send(OutboundSa& sa, size_t size = 100) {
  auto inner = ipv4_packet(size);
  std::vector<uint8_t> buf(sa.encapsulated_size(size));
  return encapsulate(sa, inner, buf);
}

TEST(OutboundLifetime, PacketLimits) {
  Keys keys(kGcm);
  SaConfig c = testing::sa_config(kGcm, keys, false);
  c.lifetime.soft_packets = 3;
  c.lifetime.hard_packets = 5;
  auto sa = OutboundSa::create(c);
  ASSERT_TRUE(sa.ok());
  FakeClock clock;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(sa->lifetime_status(clock).state, LifetimeState::kActive);
    ASSERT_TRUE(send(*sa).ok());
  }
  EXPECT_EQ(sa->lifetime_status(clock),
            (LifetimeStatus{LifetimeState::kSoftExpired, LifetimeCause::kPackets}));
  ASSERT_TRUE(send(*sa).ok());  // soft only asks for a rekey
  ASSERT_TRUE(send(*sa).ok());
  EXPECT_EQ(sa->lifetime_status(clock),
            (LifetimeStatus{LifetimeState::kHardExpired, LifetimeCause::kPackets}));
  auto r = send(*sa);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), EncapError::kExpired);
  EXPECT_EQ(sa->counters().packets, 5u);
  EXPECT_EQ(sa->counters().expired, 1u);
  EXPECT_EQ(sa->last_sequence(), 5u);  // the refused packet took no number
}

TEST(OutboundLifetime, ByteLimits) {
  Keys keys(kCbc);
  SaConfig c = testing::sa_config(kCbc, keys, true);
  c.lifetime.soft_bytes = 1000;
  c.lifetime.hard_bytes = 2000;
  auto sa = OutboundSa::create(c);
  ASSERT_TRUE(sa.ok());
  FakeClock clock;
  ASSERT_TRUE(send(*sa, 400).ok());
  ASSERT_TRUE(send(*sa, 400).ok());
  EXPECT_EQ(sa->lifetime_status(clock).state, LifetimeState::kActive);
  ASSERT_TRUE(send(*sa, 400).ok());  // 1200
  EXPECT_EQ(sa->lifetime_status(clock),
            (LifetimeStatus{LifetimeState::kSoftExpired, LifetimeCause::kBytes}));
  ASSERT_TRUE(send(*sa, 400).ok());  // 1600
  ASSERT_TRUE(send(*sa, 400).ok());  // 2000: the limit is reached, this packet still went
  EXPECT_EQ(sa->lifetime_status(clock),
            (LifetimeStatus{LifetimeState::kHardExpired, LifetimeCause::kBytes}));
  auto r = send(*sa, 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), EncapError::kExpired);
  EXPECT_EQ(sa->counters().bytes, 2000u);
}

TEST(OutboundLifetime, TimeLimitsFollowTheClock) {
  Keys keys(kGcm);
  FakeClock clock;
  SaConfig c = testing::sa_config(kGcm, keys, false);
  c.lifetime.soft_expiry = clock.now() + 3000s;
  c.lifetime.hard_expiry = clock.now() + 3600s;
  auto sa = OutboundSa::create(c);
  ASSERT_TRUE(sa.ok());
  EXPECT_EQ(sa->lifetime_status(clock).state, LifetimeState::kActive);
  clock.advance(2999s);
  EXPECT_EQ(sa->lifetime_status(clock).state, LifetimeState::kActive);
  clock.advance(1s);
  EXPECT_EQ(sa->lifetime_status(clock),
            (LifetimeStatus{LifetimeState::kSoftExpired, LifetimeCause::kTime}));
  clock.advance(599s);
  EXPECT_EQ(sa->lifetime_status(clock).state, LifetimeState::kSoftExpired);
  clock.advance(1s);
  EXPECT_EQ(sa->lifetime_status(clock),
            (LifetimeStatus{LifetimeState::kHardExpired, LifetimeCause::kTime}));
}

TEST(OutboundLifetime, HardBeatsSoftAndTimeIsReportedFirst) {
  Keys keys(kGcm);
  FakeClock clock;
  SaConfig c = testing::sa_config(kGcm, keys, false);
  c.lifetime.soft_expiry = clock.now();  // soft by time already
  c.lifetime.hard_packets = 1;
  auto sa = OutboundSa::create(c);
  ASSERT_TRUE(sa.ok());
  EXPECT_EQ(sa->lifetime_status(clock),
            (LifetimeStatus{LifetimeState::kSoftExpired, LifetimeCause::kTime}));
  ASSERT_TRUE(send(*sa).ok());
  EXPECT_EQ(sa->lifetime_status(clock),
            (LifetimeStatus{LifetimeState::kHardExpired, LifetimeCause::kPackets}));
  c.lifetime.hard_expiry = clock.now();
  auto sa2 = OutboundSa::create(c);
  ASSERT_TRUE(sa2.ok());
  ASSERT_TRUE(send(*sa2).ok());
  EXPECT_EQ(sa2->lifetime_status(clock),
            (LifetimeStatus{LifetimeState::kHardExpired, LifetimeCause::kTime}));
}

TEST(OutboundSequence, StopsAtTwoToTheThirtyTwoMinusOneWithoutEsn) {
  for (const Transform& t : {kGcm, kCbc}) {
    Keys keys(t);
    SaConfig c = testing::sa_config(t, keys, false);
    c.last_sequence = 0xFFFFFFFD;
    auto sa = OutboundSa::create(c);
    ASSERT_TRUE(sa.ok());
    FakeClock clock;
    EXPECT_EQ(sa->max_sequence(), 0xFFFFFFFFu);
    EXPECT_EQ(sa->lifetime_status(clock),
              (LifetimeStatus{LifetimeState::kSoftExpired, LifetimeCause::kSequence}));
    ASSERT_TRUE(send(*sa).ok());  // 0xFFFFFFFE
    ASSERT_TRUE(send(*sa).ok());  // 0xFFFFFFFF, the last one
    EXPECT_EQ(sa->last_sequence(), 0xFFFFFFFFu);
    EXPECT_EQ(sa->lifetime_status(clock),
              (LifetimeStatus{LifetimeState::kHardExpired, LifetimeCause::kSequence}));
    for (int i = 0; i < 3; ++i) {
      auto r = send(*sa);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error(), EncapError::kSequenceExhausted);
    }
    std::vector<uint8_t> buf(100);
    auto d = encapsulate_dummy(*sa, 0, buf);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error(), EncapError::kSequenceExhausted);
    EXPECT_EQ(sa->last_sequence(), 0xFFFFFFFFu);  // never wrapped to 0
    EXPECT_EQ(sa->counters().packets, 2u);
    EXPECT_EQ(sa->counters().expired, 4u);
  }
}

TEST(OutboundSequence, SoftLimitAtFifteenSixteenthsOfTheSpace) {
  Keys keys(kGcm);
  FakeClock clock;
  SaConfig c = testing::sa_config(kGcm, keys, false);
  c.last_sequence = 0xF0000000 - 2;
  auto sa = OutboundSa::create(c);
  ASSERT_TRUE(sa.ok());
  EXPECT_EQ(sa->lifetime_status(clock).state, LifetimeState::kActive);
  ASSERT_TRUE(send(*sa).ok());
  EXPECT_EQ(sa->lifetime_status(clock).state, LifetimeState::kActive);
  ASSERT_TRUE(send(*sa).ok());  // 0xF0000000 = max - max / 16
  EXPECT_EQ(sa->lifetime_status(clock),
            (LifetimeStatus{LifetimeState::kSoftExpired, LifetimeCause::kSequence}));
}

TEST(OutboundSequence, EsnRunsToTwoToTheSixtyFourMinusOne) {
  Keys keys(kGcm);
  FakeClock clock;
  SaConfig c = testing::sa_config(kGcm, keys, true);
  c.last_sequence = UINT64_MAX - 1;
  auto sa = OutboundSa::create(c);
  ASSERT_TRUE(sa.ok());
  EXPECT_EQ(sa->max_sequence(), UINT64_MAX);
  ASSERT_TRUE(send(*sa).ok());
  EXPECT_EQ(sa->last_sequence(), UINT64_MAX);
  auto r = send(*sa);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), EncapError::kSequenceExhausted);
  EXPECT_EQ(sa->lifetime_status(clock).cause, LifetimeCause::kSequence);
  // A 32-bit SA cannot start beyond its space.
  c.esn = false;
  c.last_sequence = 0x1'00000000;
  EXPECT_FALSE(OutboundSa::create(c).ok());
}

TEST(InboundLifetime, HardPacketAndByteLimitsRefuse) {
  Keys keys(kGcm);
  SaConfig c = testing::sa_config(kGcm, keys, false);
  c.lifetime.soft_packets = 1;
  c.lifetime.hard_packets = 2;
  auto pair = testing::make_pair(c);
  ASSERT_TRUE(pair.has_value());
  FakeClock clock;
  std::vector<std::vector<uint8_t>> packets;
  c.lifetime = {};
  auto sender = OutboundSa::create(c);  // a sender without limits
  ASSERT_TRUE(sender.ok());
  for (int i = 0; i < 3; ++i) {
    auto inner = ipv4_packet(100);
    std::vector<uint8_t> buf(sender->encapsulated_size(100));
    ASSERT_TRUE(encapsulate(*sender, inner, buf).ok());
    packets.push_back(buf);
  }
  InboundSa& in = pair->in;
  auto p = packets[0];  // decapsulation works in place: keep the originals for in2 below
  EXPECT_TRUE(decapsulate(in, p).ok());
  EXPECT_EQ(in.lifetime_status(clock),
            (LifetimeStatus{LifetimeState::kSoftExpired, LifetimeCause::kPackets}));
  p = packets[1];
  EXPECT_TRUE(decapsulate(in, p).ok());
  EXPECT_EQ(in.lifetime_status(clock),
            (LifetimeStatus{LifetimeState::kHardExpired, LifetimeCause::kPackets}));
  p = packets[2];
  EXPECT_EQ(decapsulate(in, p).status, DecapStatus::kExpired);
  EXPECT_EQ(in.counters().expired, 1u);
  EXPECT_EQ(in.counters().packets, 2u);

  SaConfig b = testing::sa_config(kGcm, keys, false);
  b.lifetime.hard_bytes = 150;
  auto in2 = InboundSa::create(b);
  ASSERT_TRUE(in2.ok());
  p = packets[0];
  EXPECT_TRUE(decapsulate(*in2, p).ok());
  p = packets[1];
  EXPECT_TRUE(decapsulate(*in2, p).ok());  // 200 >= 150 after this one
  p = packets[2];
  EXPECT_EQ(decapsulate(*in2, p).status, DecapStatus::kExpired);
  EXPECT_EQ(in2->lifetime_status(clock).cause, LifetimeCause::kBytes);
}

TEST(InboundLifetime, TimeLimits) {
  Keys keys(kCbc);
  FakeClock clock;
  SaConfig c = testing::sa_config(kCbc, keys, false);
  c.lifetime.soft_expiry = clock.now() + 10s;
  c.lifetime.hard_expiry = clock.now() + 20s;
  auto sa = InboundSa::create(c);
  ASSERT_TRUE(sa.ok());
  EXPECT_EQ(sa->lifetime_status(clock).state, LifetimeState::kActive);
  clock.advance(10s);
  EXPECT_EQ(sa->lifetime_status(clock).state, LifetimeState::kSoftExpired);
  clock.advance(10s);
  EXPECT_EQ(sa->lifetime_status(clock),
            (LifetimeStatus{LifetimeState::kHardExpired, LifetimeCause::kTime}));
}

TEST(Lifetime, Names) {
  EXPECT_STREQ(lifetime_state_name(LifetimeState::kSoftExpired), "soft-expired");
  EXPECT_STREQ(lifetime_state_name(LifetimeState::kHardExpired), "hard-expired");
  EXPECT_STREQ(lifetime_cause_name(LifetimeCause::kSequence), "sequence");
  EXPECT_STREQ(lifetime_cause_name(LifetimeCause::kBytes), "bytes");
}

}  // namespace
}  // namespace vgw::esp
