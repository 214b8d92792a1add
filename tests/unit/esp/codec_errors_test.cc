// Inbound failure paths for every transform: tampering anywhere (header, IV, ciphertext, ICV),
// truncation at every length, padding and next-header errors in authentic packets (built with
// seal_raw so that only the checked field is wrong), and what each does to counters and the
// replay window.
#include <gtest/gtest.h>

#include "esp_fixtures.h"
#include "vgw/esp/codec.h"

namespace vgw::esp {
namespace {

using testing::all_transforms;
using testing::ipv4_packet;
using testing::ipv6_packet;
using testing::Keys;
using testing::padded_body;
using testing::seal_raw;

struct Case {
  Transform transform;
  bool esn;
};

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const auto& t : all_transforms())
    for (bool esn : {false, true}) cases.push_back({t, esn});
  return cases;
}

class CodecErrors : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    auto pair = testing::make_pair(testing::sa_config(t(), keys_, GetParam().esn));
    ASSERT_TRUE(pair.has_value());
    pair_.emplace(std::move(*pair));
  }
  const Transform& t() const { return GetParam().transform; }
  OutboundSa& out() { return pair_->out; }
  InboundSa& in() { return pair_->in; }

  std::vector<uint8_t> packet(size_t inner_size = 200) {
    auto inner = ipv4_packet(inner_size);
    std::vector<uint8_t> buf(out().encapsulated_size(inner.size()));
    auto size = encapsulate(out(), inner, buf);
    EXPECT_TRUE(size.ok());
    return buf;
  }
  // An authentic packet (next sequence number) whose encrypted part is body.
  std::vector<uint8_t> raw(const std::vector<uint8_t>& body) {
    return seal_raw(t(), keys_, 0x1000, ++raw_seq_, GetParam().esn, body);
  }
  // Decapsulates (in place) a copy kept alive in packet_, which the result's inner points into.
  DecapResult decap(std::vector<uint8_t> p) {
    packet_ = std::move(p);
    return decapsulate(in(), packet_);
  }

  Keys keys_{GetParam().transform};
  std::optional<testing::SaPair> pair_;
  uint64_t raw_seq_ = 0;
  std::vector<uint8_t> packet_;
};

TEST_P(CodecErrors, AnyFlippedBitFailsIntegrityAndLeavesTheWindow) {
  const auto good = packet();
  const size_t spi_end = 4;
  // Every octet after the SPI: sequence number, IV, ciphertext, padding, ICV.
  for (size_t i = spi_end; i < good.size(); ++i) {
    auto bad = good;
    bad[i] ^= 0x02;  // (0x01 would turn sequence number 1 into 0, a replay verdict)
    auto r = decap(bad);
    ASSERT_EQ(r.status, DecapStatus::kIntegrityFailed) << "octet " << i;
  }
  EXPECT_EQ(in().counters().integrity_failed, good.size() - spi_end);
  EXPECT_EQ(in().counters().packets, 0u);
  EXPECT_EQ(in().replay_window().top(), 0u);
  // The genuine packet still gets through afterwards: failures did not mark it seen.
  auto r = decap(good);
  EXPECT_EQ(r.status, DecapStatus::kOk) << decap_status_name(r.status);
}

TEST_P(CodecErrors, ForgedHighSequenceDoesNotMoveTheWindow) {
  auto p1 = packet();
  auto p2 = packet();
  auto forged = p2;
  forged[4] = 0x7f;  // sequence number 0x7f000002: ahead of everything
  forged[forged.size() - 1] ^= 0xff;
  EXPECT_EQ(decap(forged).status, DecapStatus::kIntegrityFailed);
  EXPECT_EQ(in().replay_window().top(), 0u);
  EXPECT_TRUE(decap(p1).ok());
  EXPECT_TRUE(decap(p2).ok());
}

TEST_P(CodecErrors, SpiIsCoveredByTheIcv) {
  // An SA with another SPI but the same keys: the SPI matches, the ICV (which covers the
  // SPI) does not.
  auto good = packet();
  SaConfig c = testing::sa_config(t(), keys_, GetParam().esn, 0x2000);
  auto other = InboundSa::create(c);
  ASSERT_TRUE(other.ok());
  auto bad = good;
  bad[2] = 0x20;
  bad[3] = 0x00;
  EXPECT_EQ(decapsulate(*other, bad).status, DecapStatus::kIntegrityFailed);
  // Handed to the wrong SA, the SPI mismatch is caught before anything else.
  auto r = decap(bad);
  EXPECT_EQ(r.status, DecapStatus::kNoSuchSpi);
  EXPECT_EQ(in().counters().malformed + in().counters().integrity_failed, 0u);
  EXPECT_EQ(esp_spi(bad), 0x2000u);
}

TEST_P(CodecErrors, TruncatedAtEveryLength) {
  const auto good = packet(120);
  const size_t minimum = 8 + t().iv_size() + t().icv_size() + (t().is_aead() ? 2 : 16);
  for (size_t len = 0; len < good.size(); ++len) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<long>(len));
    auto r = decap(cut);
    // Too short for header/IV/trailer/ICV (or misaligned for CBC): malformed without any
    // crypto; otherwise the ICV lands elsewhere and fails.
    if (len < minimum || (!t().is_aead() && (len - 8 - 16 - t().icv_size()) % 16 != 0))
      ASSERT_EQ(r.status, DecapStatus::kMalformed) << len;
    else
      ASSERT_EQ(r.status, DecapStatus::kIntegrityFailed) << len;
  }
  EXPECT_EQ(in().counters().packets, 0u);
  EXPECT_EQ(in().counters().malformed + in().counters().integrity_failed, good.size());
  EXPECT_TRUE(decap(good).ok());
}

TEST_P(CodecErrors, ExtendedPacketFailsIntegrity) {
  auto longer = packet();
  longer.insert(longer.end(), t().block_size(), 0);
  EXPECT_EQ(decap(longer).status, DecapStatus::kIntegrityFailed);
}

TEST_P(CodecErrors, ReplayedPacketIsCountedAndDropped) {
  auto p = packet();
  auto copy = p;
  EXPECT_TRUE(decap(p).ok());
  auto r = decap(copy);
  EXPECT_EQ(r.status, DecapStatus::kReplayed);
  EXPECT_EQ(r.seq, 1u);
  EXPECT_EQ(in().counters().replayed, 1u);
  EXPECT_EQ(in().counters().packets, 1u);
}

TEST_P(CodecErrors, ReferenceBodyIsAccepted) {
  // seal_raw with correct padding: the baseline the following tests break one field of.
  auto inner = ipv4_packet(45);
  auto r = decap(raw(padded_body(inner, kNextHeaderIpv4, t().block_size())));
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(std::vector<uint8_t>(r.inner.begin(), r.inner.end()), inner);
}

TEST_P(CodecErrors, BadPaddingContent) {
  auto inner = ipv4_packet(45);  // 45 + 2: 1 pad octet for AEAD, 1 for CBC (47 -> 48)
  auto body = padded_body(inner, kNextHeaderIpv4, t().block_size());
  ASSERT_GE(body[body.size() - 2], 1);
  body[inner.size()] = 0;  // padding must start at 1
  auto r = decap(raw(body));
  EXPECT_EQ(r.status, DecapStatus::kMalformed);
  EXPECT_STREQ(r.reason, "padding is not 1, 2, 3, ...");
  EXPECT_EQ(in().counters().malformed, 1u);
  // The packet was authentic: the window recorded it (RFC 4303 3.4.3 commits after the ICV).
  EXPECT_EQ(in().replay_window().top(), raw_seq_);
}

TEST_P(CodecErrors, LongPaddingIsAccepted) {
  // Senders may pad more than needed (up to 255, RFC 4303 2.4), e.g. to hide lengths.
  auto inner = ipv6_packet(48);
  std::vector<uint8_t> body(inner.begin(), inner.end());
  const size_t pad = 254;
  for (size_t i = 1; i <= pad; ++i) body.push_back(static_cast<uint8_t>(i));
  body.push_back(static_cast<uint8_t>(pad));
  body.push_back(kNextHeaderIpv6);
  ASSERT_EQ(body.size() % 16, 0u);  // 48 + 254 + 2 = 304
  auto r = decap(raw(body));
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(std::vector<uint8_t>(r.inner.begin(), r.inner.end()), inner);
}

TEST_P(CodecErrors, PadLengthBeyondThePayload) {
  std::vector<uint8_t> body(t().block_size(), 0);
  body[body.size() - 2] = static_cast<uint8_t>(body.size() - 1);  // pad + 2 > body
  body.back() = kNextHeaderIpv4;
  auto r = decap(raw(body));
  EXPECT_EQ(r.status, DecapStatus::kMalformed);
  EXPECT_STREQ(r.reason, "pad length exceeds the payload");
}

TEST_P(CodecErrors, UnexpectedNextHeader) {
  auto inner = ipv4_packet(46);
  for (uint8_t nh : {0, 6, 17, 50, 255}) {
    auto r = decap(raw(padded_body(inner, nh, t().block_size())));
    EXPECT_EQ(r.status, DecapStatus::kMalformed) << int(nh);
    EXPECT_STREQ(r.reason, "next header is not IPv4, IPv6 or no-next-header");
  }
  EXPECT_EQ(in().counters().malformed, 5u);
}

TEST_P(CodecErrors, InnerPacketMustMatchNextHeader) {
  auto v4 = ipv4_packet(60);
  auto v6 = ipv6_packet(60);
  EXPECT_EQ(decap(raw(padded_body(v6, kNextHeaderIpv4, t().block_size()))).status,
            DecapStatus::kMalformed);
  EXPECT_EQ(decap(raw(padded_body(v4, kNextHeaderIpv6, t().block_size()))).status,
            DecapStatus::kMalformed);
  // Too short for its header.
  std::vector<uint8_t> stub(10, 0x45);
  EXPECT_EQ(decap(raw(padded_body(stub, kNextHeaderIpv4, t().block_size()))).status,
            DecapStatus::kMalformed);
  // Its own length claims more than the payload holds.
  auto longer = ipv4_packet(60);
  longer[3] = 61;
  auto r = decap(raw(padded_body(longer, kNextHeaderIpv4, t().block_size())));
  EXPECT_EQ(r.status, DecapStatus::kMalformed);
  EXPECT_STREQ(r.reason, "inner IPv4 total length does not fit");
  auto longer6 = ipv6_packet(60);
  longer6[5] = 21;
  r = decap(raw(padded_body(longer6, kNextHeaderIpv6, t().block_size())));
  EXPECT_EQ(r.status, DecapStatus::kMalformed);
  EXPECT_STREQ(r.reason, "inner IPv6 payload length does not fit");
  EXPECT_EQ(in().counters().malformed, 5u);
  EXPECT_EQ(in().counters().packets, 0u);
}

TEST_P(CodecErrors, AuthenticDummyWithPayload) {
  std::vector<uint8_t> junk(33, 0xAB);
  auto r = decap(raw(padded_body(junk, kNextHeaderNone, t().block_size())));
  EXPECT_EQ(r.status, DecapStatus::kDummy);
  EXPECT_EQ(in().counters().dummy, 1u);
  EXPECT_EQ(in().counters().malformed, 0u);
}

TEST_P(CodecErrors, ForgedDummyIsAnIntegrityFailure) {
  std::vector<uint8_t> buf(out().encapsulated_size(0));
  ASSERT_TRUE(encapsulate_dummy(out(), 0, buf).ok());
  buf.back() ^= 1;
  EXPECT_EQ(decap(buf).status, DecapStatus::kIntegrityFailed);
  EXPECT_EQ(in().counters().dummy, 0u);
}

INSTANTIATE_TEST_SUITE_P(AllTransforms, CodecErrors, ::testing::ValuesIn(all_cases()),
                         [](const auto& param_info) {
                           std::string n = param_info.param.transform.name() +
                                           (param_info.param.esn ? "_esn" : "");
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

TEST(CodecErrorsCbc, MisalignedCiphertextIsMalformedBeforeCrypto) {
  const Transform t{Encryption::kAesCbc, 128, Integrity::kHmacSha256_128};
  Keys keys(t);
  auto sa = InboundSa::create(testing::sa_config(t, keys, false));
  ASSERT_TRUE(sa.ok());
  // SPI, seq, IV, 17 octets of "ciphertext", ICV.
  std::vector<uint8_t> p(8 + 16 + 17 + 16, 0);
  p[2] = 0x10;
  p[7] = 1;
  auto r = decapsulate(*sa, p);
  EXPECT_EQ(r.status, DecapStatus::kMalformed);
  EXPECT_STREQ(r.reason, "ciphertext is not a whole number of cipher blocks");
  EXPECT_EQ(sa->counters().malformed, 1u);
}

TEST(CodecErrorsAead, UnalignedButAuthenticIsAccepted) {
  // The AEADs are not held to the 4-octet alignment (see codec.cc): an authentic packet with
  // a 3-octet encrypted part (payload 1, no padding) reaches the inner-packet check.
  const Transform t{Encryption::kAesGcm16, 128, Integrity::kNone};
  Keys keys(t);
  auto sa = InboundSa::create(testing::sa_config(t, keys, false));
  ASSERT_TRUE(sa.ok());
  std::vector<uint8_t> body = {0x45, 0, kNextHeaderIpv4};
  auto p = seal_raw(t, keys, 0x1000, 1, false, body);
  auto r = decapsulate(*sa, p);
  EXPECT_EQ(r.status, DecapStatus::kMalformed);
  EXPECT_STREQ(r.reason, "inner packet is not IPv4");
  EXPECT_EQ(sa->replay_window().top(), 1u);
}

}  // namespace
}  // namespace vgw::esp
