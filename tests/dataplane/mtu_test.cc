// MTU arithmetic of the dataplane (mtu.h): the largest inner packet per transform, outer family
// and encapsulation, checked against the sizes the codec really produces.
#include "vgw/esp/dataplane/mtu.h"

#include <gtest/gtest.h>

#include <vector>

#include "vgw/esp/codec.h"
#include "vgw/esp/sa.h"

namespace vgw::esp {
namespace {

const Transform kGcm{Encryption::kAesGcm16, 128, Integrity::kNone};
const Transform kChaCha{Encryption::kChaCha20Poly1305, 256, Integrity::kNone};
const Transform kCbc256{Encryption::kAesCbc, 128, Integrity::kHmacSha256_128};
const Transform kCbc512{Encryption::kAesCbc, 256, Integrity::kHmacSha512_256};

TEST(Mtu, WorkedExamples) {
  // 1500 - 20 - 8 - 8 - 8 - 16 = 1440 -> 1438 (a multiple of 4 already).
  EXPECT_EQ(inner_mtu(1500, Family::kIpv4, Encapsulation::kUdp, kGcm), 1438u);
  EXPECT_EQ(inner_mtu(1500, Family::kIpv4, Encapsulation::kEsp, kGcm), 1446u);
  EXPECT_EQ(inner_mtu(1500, Family::kIpv6, Encapsulation::kUdp, kGcm), 1418u);
  EXPECT_EQ(inner_mtu(1500, Family::kIpv4, Encapsulation::kUdp, kChaCha), 1438u);
  // 1500 - 28 - 8 - 16 - 16 = 1432 -> 1424 (16-octet blocks) -> 1422.
  EXPECT_EQ(inner_mtu(1500, Family::kIpv4, Encapsulation::kUdp, kCbc256), 1422u);
  // 1500 - 28 - 8 - 16 - 32 = 1416 -> 1408 -> 1406.
  EXPECT_EQ(inner_mtu(1500, Family::kIpv4, Encapsulation::kUdp, kCbc512), 1406u);
}

TEST(Mtu, WorstTransformWins) {
  const std::vector<Transform> both = {kGcm, kCbc256};
  EXPECT_EQ(inner_mtu(1500, Family::kIpv4, Encapsulation::kUdp, both), 1422u);
  EXPECT_EQ(inner_mtu(1500, Family::kIpv4, Encapsulation::kUdp, std::span<const Transform>{}),
            1406u);  // every supported transform: CBC + SHA-512 is the worst
}

TEST(Mtu, TinyPathCarriesNothing) {
  EXPECT_EQ(inner_mtu(40, Family::kIpv4, Encapsulation::kUdp, kGcm), 0u);
  EXPECT_EQ(inner_mtu(0, Family::kIpv6, Encapsulation::kEsp, kCbc512), 0u);
}

// The MTU is exact: an inner packet of inner_mtu octets fills the path MTU or falls short by
// less than a block, and one octet more would not fit.
TEST(Mtu, MatchesTheCodec) {
  for (const Transform& t : supported_transforms()) {
    std::vector<uint8_t> enc(t.encryption_key_size(), 1), integ(t.integrity_key_size(), 2);
    SaConfig c;
    c.spi = 0x1000;
    c.transform = t;
    c.encryption_key = enc;
    c.integrity_key = integ;
    auto sa = OutboundSa::create(c);
    ASSERT_TRUE(sa) << t.name();
    for (uint32_t path : {576u, 1280u, 1500u, 9000u}) {
      for (Encapsulation e : {Encapsulation::kUdp, Encapsulation::kEsp}) {
        const uint32_t outer = 20 + (e == Encapsulation::kUdp ? 8 : 0);
        const uint32_t m = inner_mtu(path, Family::kIpv4, e, t);
        EXPECT_LE(sa->encapsulated_size(m) + outer, path) << t.name() << " " << path;
        EXPECT_GT(sa->encapsulated_size(m + 1) + outer, path) << t.name() << " " << path;
      }
    }
  }
}

TEST(Mtu, FixedOverhead) {
  EXPECT_EQ(fixed_overhead(kGcm, Family::kIpv4, Encapsulation::kUdp), 62u);
  EXPECT_EQ(fixed_overhead(kCbc512, Family::kIpv6, Encapsulation::kEsp), 98u);
}

}  // namespace
}  // namespace vgw::esp
