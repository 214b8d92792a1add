// The Control packet codec (RFC 5880 4.1-4.4) against hand-built bytes, field by field:
// decoding, encoding, round trips, every truncation, and each reason parse_control_packet
// and validate() give for a packet 6.8.6 says to discard.
#include <gtest/gtest.h>

#include "bfd_test_util.h"
#include "vgw/bfd/single_hop.h"
#include "vgw/bfd/wire.h"

namespace vgw::bfd {
namespace {

using test::bytes;

// An Up packet as FRR sends it once the session is established.
const std::vector<uint8_t> kUp = bytes(
    "20"           // Vers 1 (001), Diag 0 (00000)
    "c0"           // Sta Up (11), P F C A D M all clear
    "03"           // Detect Mult 3
    "18"           // Length 24
    "11223344"     // My Discriminator
    "55667788"     // Your Discriminator
    "000493e0"     // Desired Min TX 300000 us
    "000493e0"     // Required Min RX 300000 us
    "0000c350");   // Required Min Echo RX 50000 us

ControlPacket up_packet() {
  ControlPacket p;
  p.state = State::kUp;
  p.detect_mult = 3;
  p.my_discriminator = 0x11223344;
  p.your_discriminator = 0x55667788;
  p.desired_min_tx_us = 300000;
  p.required_min_rx_us = 300000;
  p.required_min_echo_rx_us = 50000;
  return p;
}

TEST(BfdWire, DecodesEveryFieldOfTheMandatorySection) {
  auto p = parse_control_packet(kUp);
  ASSERT_TRUE(p.ok()) << drop_reason_name(p.error());
  EXPECT_EQ(*p, up_packet());
  EXPECT_FALSE(validate(*p).has_value());
}

TEST(BfdWire, EncodesByteForByte) {
  EXPECT_EQ(serialize(up_packet()), kUp);
}

TEST(BfdWire, FlagBitsSitWhereFigureOfSection4_1PutsThem) {
  struct Case {
    const char* name;
    bool ControlPacket::*flag;
    uint8_t bit;
  };
  const Case cases[] = {
      {"P", &ControlPacket::poll, 0x20},
      {"F", &ControlPacket::final, 0x10},
      {"C", &ControlPacket::control_plane_independent, 0x08},
      {"D", &ControlPacket::demand, 0x02},
      {"M", &ControlPacket::multipoint, 0x01},
  };
  for (const Case& c : cases) {
    ControlPacket p = up_packet();
    p.*c.flag = true;
    auto b = serialize(p);
    EXPECT_EQ(b[1], 0xc0 | c.bit) << c.name;
    auto back = parse_control_packet(b);
    ASSERT_TRUE(back.ok()) << c.name;
    EXPECT_EQ(*back, p) << c.name;
  }
}

TEST(BfdWire, DiagAndStateShareTheirOctetsWithVersionAndFlags) {
  // AdminDown with Diag 7 (Administratively Down), Poll set.
  auto b = bytes("27" "20" "05" "18" "00000001" "00000000" "000f4240" "000f4240" "00000000");
  auto p = parse_control_packet(b);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->diag, Diag::kAdministrativelyDown);
  EXPECT_EQ(p->state, State::kAdminDown);
  EXPECT_TRUE(p->poll);
  EXPECT_EQ(p->detect_mult, 5);
  EXPECT_EQ(p->desired_min_tx_us, kSlowTxIntervalUs);
  EXPECT_EQ(serialize(*p), b);
  // A reserved diagnostic (31) survives the round trip.
  b[0] = 0x3f;
  auto r = parse_control_packet(b);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(static_cast<int>(r->diag), 31);
  EXPECT_STREQ(diag_name(r->diag), "Reserved");
  EXPECT_EQ(serialize(*r), b);
}

TEST(BfdWire, EveryTruncationOfTheMandatorySectionIsRefused) {
  for (size_t n = 0; n < kUp.size(); ++n) {
    auto p = parse_control_packet(std::span(kUp).first(n));
    ASSERT_FALSE(p.ok()) << n;
    EXPECT_EQ(p.error(), DropReason::kTruncated) << n;
  }
}

TEST(BfdWire, OctetsAfterLengthAreIgnored) {
  auto b = kUp;
  b.push_back(0xee);  // UDP padding beyond Length
  b.push_back(0xee);
  auto p = parse_control_packet(b);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, up_packet());
}

TEST(BfdWire, LengthChecksOf6_8_6) {
  auto b = kUp;
  b[3] = 23;  // Length below 24
  EXPECT_EQ(parse_control_packet(b).error(), DropReason::kBadLength);
  b[3] = 25;  // Length beyond the 24-octet payload
  EXPECT_EQ(parse_control_packet(b).error(), DropReason::kLengthExceedsPayload);
  b = kUp;
  b[1] |= 0x04;  // A bit with Length 24: below the 26 an authenticated packet needs
  EXPECT_EQ(parse_control_packet(b).error(), DropReason::kBadLength);
}

TEST(BfdWire, VersionOtherThanOneIsRefusedBeforeAnythingElse) {
  auto b = kUp;
  b[0] = 0x00;  // BFD version 0 (the pre-RFC draft)
  b[3] = 0;     // and a bad Length, which must not be the reason given
  EXPECT_EQ(parse_control_packet(b).error(), DropReason::kBadVersion);
  b[0] = 0x40;  // version 2
  EXPECT_EQ(parse_control_packet(b).error(), DropReason::kBadVersion);
}

TEST(BfdWire, KeyedSha1SectionIsKeptOpaque) {
  // RFC 5880 4.4: Auth Type 4, Auth Len 28, Key ID, Reserved, Sequence Number, 20-octet hash.
  auto b = bytes(
      "20" "44" "03" "34"       // Vers 1, Sta Down + A, Detect Mult 3, Length 52
      "0000000a" "00000000"     // My 10, Your 0
      "000f4240" "000f4240" "00000000"
      "04"                      // Auth Type: Keyed SHA1
      "1c"                      // Auth Len 28
      "07"                      // Auth Key ID 7
      "00"                      // Reserved
      "0000002a"                // Sequence Number 42
      "000102030405060708090a0b0c0d0e0f10111213");  // Auth Key/Hash
  auto p = parse_control_packet(b);
  ASSERT_TRUE(p.ok()) << drop_reason_name(p.error());
  ASSERT_TRUE(p->auth.has_value());
  EXPECT_TRUE(p->auth_present);
  EXPECT_EQ(p->auth->type, AuthType::kKeyedSha1);
  EXPECT_EQ(p->auth->key_id, 7);
  EXPECT_EQ(p->auth->data.size(), 25u);
  EXPECT_EQ(p->auth->sequence_number(), 42u);
  EXPECT_FALSE(validate(*p).has_value());
  EXPECT_EQ(serialize(*p), b);
  // Every truncation of the authenticated packet: the mandatory part, then Length.
  for (size_t n = 0; n < b.size(); ++n) {
    auto t = parse_control_packet(std::span(b).first(n));
    ASSERT_FALSE(t.ok()) << n;
    EXPECT_EQ(t.error(), n < 24 ? DropReason::kTruncated : DropReason::kLengthExceedsPayload)
        << n;
  }
}

TEST(BfdWire, SimplePasswordAndMd5Sections) {
  // 4.2: Auth Type 1, Auth Len 3 + password length, Key ID, password.
  auto simple = bytes("20" "44" "03" "23" "0000000a" "00000000" "000f4240" "000f4240" "00000000"
                      "01" "0b" "02" "7061737377307264");  // "passw0rd"
  auto p = parse_control_packet(simple);
  ASSERT_TRUE(p.ok()) << drop_reason_name(p.error());
  EXPECT_EQ(p->auth->type, AuthType::kSimplePassword);
  EXPECT_EQ(p->auth->key_id, 2);
  EXPECT_EQ(std::string(p->auth->data.begin(), p->auth->data.end()), "passw0rd");
  EXPECT_FALSE(p->auth->sequence_number().has_value());
  EXPECT_EQ(serialize(*p), simple);

  // 4.3: Meticulous Keyed MD5, Auth Len 24.
  auto md5 = bytes("20" "44" "03" "30" "0000000a" "00000000" "000f4240" "000f4240" "00000000"
                   "03" "18" "01" "00" "ffffffff" "00112233445566778899aabbccddeeff");
  auto m = parse_control_packet(md5);
  ASSERT_TRUE(m.ok()) << drop_reason_name(m.error());
  EXPECT_EQ(m->auth->type, AuthType::kMeticulousKeyedMd5);
  EXPECT_EQ(m->auth->sequence_number(), 0xffffffffu);
  EXPECT_EQ(serialize(*m), md5);
}

TEST(BfdWire, AuthSectionMustFillLengthAndMatchItsType) {
  const auto head = [](uint8_t length) {
    return bytes("20" "44" "03") + std::vector<uint8_t>{length} +
           bytes("0000000a" "00000000" "000f4240" "000f4240" "00000000");
  };
  // Auth Len 28 (SHA1) but Length says 24 + 24.
  auto b = head(48) + bytes("04" "1c" "01" "00" "00000001") + std::vector<uint8_t>(16, 0xaa);
  EXPECT_EQ(parse_control_packet(b).error(), DropReason::kBadAuthSection);
  // Keyed MD5 with Auth Len 28 (and Length agreeing): wrong size for the type.
  b = head(52) + bytes("02" "1c" "01" "00" "00000001") + std::vector<uint8_t>(20, 0xaa);
  EXPECT_EQ(parse_control_packet(b).error(), DropReason::kBadAuthSection);
  // Simple password of 0 octets (Auth Len 3) and of 17 octets (Auth Len 20).
  b = head(27) + bytes("01" "03" "01");
  EXPECT_EQ(parse_control_packet(b).error(), DropReason::kBadAuthSection);
  b = head(44) + bytes("01" "14" "01") + std::vector<uint8_t>(17, 'x');
  EXPECT_EQ(parse_control_packet(b).error(), DropReason::kBadAuthSection);
  // Auth Len 2: no room for the Key ID.
  b = head(26) + bytes("00" "02");
  EXPECT_EQ(parse_control_packet(b).error(), DropReason::kBadAuthSection);
  // A reserved type with a Key ID and two octets is structurally fine (and kept opaque).
  b = head(29) + bytes("09" "05" "01" "abcd");
  auto p = parse_control_packet(b);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(static_cast<int>(p->auth->type), 9);
  EXPECT_EQ(serialize(*p), b);
}

TEST(BfdWire, ValidateGivesEachReasonOf6_8_6) {
  const auto reason = [](auto mutate) {
    ControlPacket p = up_packet();
    mutate(p);
    return validate(p);
  };
  EXPECT_EQ(reason([](ControlPacket&) {}), std::nullopt);
  EXPECT_EQ(reason([](ControlPacket& p) { p.version = 0; }), DropReason::kBadVersion);
  EXPECT_EQ(reason([](ControlPacket& p) { p.detect_mult = 0; }), DropReason::kZeroDetectMult);
  EXPECT_EQ(reason([](ControlPacket& p) { p.multipoint = true; }), DropReason::kMultipoint);
  EXPECT_EQ(reason([](ControlPacket& p) { p.my_discriminator = 0; }),
            DropReason::kZeroMyDiscriminator);
  EXPECT_EQ(reason([](ControlPacket& p) { p.your_discriminator = 0; }),
            DropReason::kZeroYourDiscriminator);
  EXPECT_EQ(reason([](ControlPacket& p) { p.your_discriminator = 0; p.state = State::kInit; }),
            DropReason::kZeroYourDiscriminator);
  EXPECT_EQ(reason([](ControlPacket& p) { p.your_discriminator = 0; p.state = State::kDown; }),
            std::nullopt);
  EXPECT_EQ(reason([](ControlPacket& p) { p.your_discriminator = 0; p.state = State::kAdminDown; }),
            std::nullopt);
  EXPECT_EQ(reason([](ControlPacket& p) { p.auth_present = true; }), DropReason::kAuthBitMismatch);
  EXPECT_EQ(reason([](ControlPacket& p) { p.auth = AuthSection{}; }), DropReason::kAuthBitMismatch);
}

TEST(BfdWire, DecodeRunsParseThenValidate) {
  auto b = kUp;
  b[2] = 0;  // Detect Mult 0: parses, fails validation
  ASSERT_TRUE(parse_control_packet(b).ok());
  EXPECT_EQ(decode_control_packet(b).error(), DropReason::kZeroDetectMult);
  b = kUp;
  b[1] |= 0x01;  // M bit
  EXPECT_EQ(decode_control_packet(b).error(), DropReason::kMultipoint);
  b = kUp;
  std::fill(b.begin() + 4, b.begin() + 8, 0);  // My Discriminator 0
  EXPECT_EQ(decode_control_packet(b).error(), DropReason::kZeroMyDiscriminator);
  b = kUp;
  std::fill(b.begin() + 8, b.begin() + 12, 0);  // Your Discriminator 0 while Up
  EXPECT_EQ(decode_control_packet(b).error(), DropReason::kZeroYourDiscriminator);
  EXPECT_TRUE(decode_control_packet(kUp).ok());
}

TEST(BfdWire, SerializeKeepsTheABitConsistentAndCutsOversizedAuth) {
  ControlPacket p = up_packet();
  p.auth_present = true;  // without a section: A is not written
  EXPECT_EQ(serialize(p)[1], 0xc0);
  p.auth = AuthSection{AuthType::kSimplePassword, 1, std::vector<uint8_t>(300, 'x')};
  auto b = serialize(p);
  EXPECT_EQ(b.size(), 255u);
  EXPECT_EQ(b[3], 255);
  EXPECT_EQ(b[25], 231);  // Auth Len
}

TEST(BfdWire, NamesForLogs) {
  EXPECT_STREQ(state_name(State::kInit), "Init");
  EXPECT_STREQ(diag_name(Diag::kControlDetectionTimeExpired), "Control Detection Time Expired");
  EXPECT_STREQ(drop_reason_name(DropReason::kYourDiscriminatorMismatch),
               "your-discriminator-mismatch");
  ControlPacket p = up_packet();
  p.poll = true;
  EXPECT_EQ(p.to_string(),
            "Up diag=0 my=0x11223344 your=0x55667788 tx=300000 rx=300000 echo=50000 mult=3 P");
}

TEST(BfdSingleHop, Rfc5881Constants) {
  EXPECT_EQ(kSingleHopControlPort, 3784);
  EXPECT_TRUE(acceptable_single_hop_ttl(255));
  EXPECT_FALSE(acceptable_single_hop_ttl(254));
  for (uint32_t d : {0u, 1u, 16383u, 16384u, 0xffffffffu}) {
    EXPECT_GE(source_port_for(d), kSourcePortMin);
    EXPECT_LE(source_port_for(d), kSourcePortMax);
  }
  EXPECT_NE(source_port_for(7), source_port_for(7, 1));
}

}  // namespace
}  // namespace vgw::bfd
