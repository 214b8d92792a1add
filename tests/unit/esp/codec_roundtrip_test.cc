// Encapsulate -> decapsulate round trips for every transform, with and without ESN, IPv4 and
// IPv6 inner packets of many sizes (odd ones included): sizes, alignment, padding, sequence
// numbering, counters, in-place operation and the ESN wrap.
#include <gtest/gtest.h>

#include "esp_fixtures.h"
#include "vgw/esp/codec.h"

namespace vgw::esp {
namespace {

using testing::all_transforms;
using testing::ipv4_packet;
using testing::ipv6_packet;
using testing::Keys;

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

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string n = info.param.transform.name() + (info.param.esn ? "_esn" : "");
  for (char& c : n)
    if (c == '-') c = '_';
  return n;
}

class CodecRoundTrip : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    auto pair = testing::make_pair(testing::sa_config(GetParam().transform, keys_, GetParam().esn));
    ASSERT_TRUE(pair.has_value());
    pair_.emplace(std::move(*pair));
  }
  OutboundSa& out() { return pair_->out; }
  InboundSa& in() { return pair_->in; }

  // Encapsulates inner, checks the wire layout, decapsulates and checks the result.
  void round_trip(const std::vector<uint8_t>& inner, uint8_t expected_next_header) {
    const Transform& t = GetParam().transform;
    const uint64_t seq = out().last_sequence() + 1;
    std::vector<uint8_t> buf(out().encapsulated_size(inner.size()) + 7, 0xEE);
    auto size = encapsulate(out(), inner, buf);
    ASSERT_TRUE(size.ok()) << encap_error_name(size.error());
    ASSERT_EQ(*size, out().encapsulated_size(inner.size()));
    EXPECT_EQ(buf[*size], 0xEE) << "wrote past the packet";

    // Layout: SPI, low sequence half, IV, whole blocks of ciphertext, ICV.
    const size_t encrypted = *size - 8 - t.iv_size() - t.icv_size();
    EXPECT_EQ(encrypted % t.block_size(), 0u);
    EXPECT_EQ(*size % 4, 0u);  // RFC 4303 2.4: the packet ends on a 4-octet boundary
    const size_t pad = encrypted - inner.size() - 2;
    EXPECT_LT(pad, t.block_size());  // minimal padding
    EXPECT_EQ(buf[0] << 24 | buf[1] << 16 | buf[2] << 8 | buf[3], 0x1000);
    EXPECT_EQ(uint32_t(buf[4] << 24 | buf[5] << 16 | buf[6] << 8 | buf[7]),
              static_cast<uint32_t>(seq));
    if (t.is_aead()) {
      // IV = the full 64-bit sequence number (RFC 4106 8.1): the ESN high half is there,
      // though never in the header.
      uint64_t iv = 0;
      for (int i = 0; i < 8; ++i) iv = iv << 8 | buf[8 + i];
      EXPECT_EQ(iv, seq);
    }
    // Ciphertext is not the plaintext.
    if (inner.size() >= 32) {
      EXPECT_FALSE(std::equal(inner.begin() + 16, inner.begin() + 32,
                              buf.begin() + static_cast<long>(8 + t.iv_size() + 16)));
    }

    const InboundCounters before = in().counters();
    auto r = decapsulate(in(), std::span<uint8_t>(buf.data(), *size));
    ASSERT_EQ(r.status, DecapStatus::kOk) << decap_status_name(r.status) << " " << r.reason;
    EXPECT_EQ(r.next_header, expected_next_header);
    EXPECT_EQ(r.seq, seq);
    EXPECT_EQ(std::vector<uint8_t>(r.inner.begin(), r.inner.end()), inner);
    // Zero copy: the inner packet is where the ciphertext was.
    EXPECT_EQ(r.inner.data(), buf.data() + 8 + t.iv_size());
    EXPECT_EQ(in().counters().packets, before.packets + 1);
    EXPECT_EQ(in().counters().bytes, before.bytes + inner.size());
    EXPECT_EQ(in().replay_window().top(), seq);
  }

  Keys keys_{GetParam().transform};
  std::optional<testing::SaPair> pair_;
};

TEST_P(CodecRoundTrip, Ipv4AllSizes) {
  uint64_t bytes = 0;
  size_t n = 0;
  for (size_t size = 20; size <= 1500; size += (size < 80 ? 1 : 97)) {
    auto inner = ipv4_packet(size, static_cast<uint8_t>(size));
    round_trip(inner, kNextHeaderIpv4);
    bytes += size;
    ++n;
  }
  round_trip(ipv4_packet(1500), kNextHeaderIpv4);
  bytes += 1500;
  ++n;
  EXPECT_EQ(out().counters().packets, n);
  EXPECT_EQ(out().counters().bytes, bytes);
  EXPECT_EQ(out().last_sequence(), n);
}

TEST_P(CodecRoundTrip, Ipv6AllSizes) {
  for (size_t size = 40; size <= 1500; size += (size < 100 ? 1 : 89))
    round_trip(ipv6_packet(size, static_cast<uint8_t>(size)), kNextHeaderIpv6);
  round_trip(ipv6_packet(1500), kNextHeaderIpv6);
}

TEST_P(CodecRoundTrip, MixedFamiliesOnOneSa) {
  for (int i = 0; i < 10; ++i) {
    round_trip(ipv4_packet(61 + i), kNextHeaderIpv4);
    round_trip(ipv6_packet(77 + i), kNextHeaderIpv6);
  }
}

TEST_P(CodecRoundTrip, InPlaceEqualsCopy) {
  // The same inner packet, once copied from elsewhere and once already sitting at
  // header_size() in the output buffer, produces the same decapsulated result.
  auto inner = ipv4_packet(333, 9);
  std::vector<uint8_t> copied(out().encapsulated_size(inner.size()));
  auto a = encapsulate(out(), inner, copied);
  ASSERT_TRUE(a.ok());
  std::vector<uint8_t> in_place(out().encapsulated_size(inner.size()));
  std::copy(inner.begin(), inner.end(), in_place.begin() + static_cast<long>(out().header_size()));
  auto b = encapsulate(
      out(), std::span<const uint8_t>(in_place.data() + out().header_size(), inner.size()),
      in_place);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
  for (auto* pkt : {&copied, &in_place}) {
    auto r = decapsulate(in(), *pkt);
    ASSERT_TRUE(r.ok()) << decap_status_name(r.status);
    EXPECT_EQ(std::vector<uint8_t>(r.inner.begin(), r.inner.end()), inner);
  }
}

TEST_P(CodecRoundTrip, OutOfOrderDeliveryWithinTheWindow) {
  std::vector<std::vector<uint8_t>> packets;
  for (int i = 0; i < 50; ++i) {
    auto inner = ipv4_packet(100 + i);
    std::vector<uint8_t> buf(out().encapsulated_size(inner.size()));
    ASSERT_TRUE(encapsulate(out(), inner, buf).ok());
    packets.push_back(buf);
  }
  // Deliver in reverse; then everything again, which is now replayed.
  for (int i = 49; i >= 0; --i) {
    auto copy = packets[static_cast<size_t>(i)];
    auto r = decapsulate(in(), copy);
    ASSERT_TRUE(r.ok()) << i << " " << decap_status_name(r.status);
    EXPECT_EQ(r.seq, static_cast<uint64_t>(i + 1));
  }
  for (auto& p : packets) EXPECT_EQ(decapsulate(in(), p).status, DecapStatus::kReplayed);
  EXPECT_EQ(in().counters().packets, 50u);
  EXPECT_EQ(in().counters().replayed, 50u);
}

TEST_P(CodecRoundTrip, DummyPacketIsDroppedSilently) {
  for (size_t payload : {0, 1, 17, 100}) {
    std::vector<uint8_t> buf(out().encapsulated_size(payload));
    auto size = encapsulate_dummy(out(), payload, buf);
    ASSERT_TRUE(size.ok());
    auto r = decapsulate(in(), std::span<uint8_t>(buf.data(), *size));
    EXPECT_EQ(r.status, DecapStatus::kDummy);
    EXPECT_EQ(r.next_header, kNextHeaderNone);
    EXPECT_TRUE(r.inner.empty());
  }
  EXPECT_EQ(out().counters().dummy, 4u);
  EXPECT_EQ(out().counters().packets, 0u);
  EXPECT_EQ(in().counters().dummy, 4u);
  EXPECT_EQ(in().counters().packets, 0u);
  EXPECT_EQ(in().counters().malformed, 0u);
  EXPECT_EQ(in().replay_window().top(), 4u);  // authentic dummies advance the window
  // Replaying a dummy is still a replay.
  std::vector<uint8_t> buf(out().encapsulated_size(0));
  auto size = encapsulate_dummy(out(), 0, buf);
  ASSERT_TRUE(size.ok());
  auto copy = buf;
  EXPECT_EQ(decapsulate(in(), buf).status, DecapStatus::kDummy);
  EXPECT_EQ(decapsulate(in(), copy).status, DecapStatus::kReplayed);
}

TEST_P(CodecRoundTrip, RefusesNonIpInnerAndSmallBuffers) {
  std::vector<uint8_t> buf(2000);
  for (auto inner :
       {std::vector<uint8_t>{}, std::vector<uint8_t>(19, 0x45), std::vector<uint8_t>(39, 0x60),
        std::vector<uint8_t>(100, 0x50), std::vector<uint8_t>(100, 0x00)}) {
    auto r = encapsulate(out(), inner, buf);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), EncapError::kInvalidPacket);
  }
  auto inner = ipv4_packet(100);
  std::vector<uint8_t> small(out().encapsulated_size(inner.size()) - 1);
  auto r = encapsulate(out(), inner, small);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), EncapError::kBufferTooSmall);
  auto d = encapsulate_dummy(out(), SIZE_MAX - 4, buf);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error(), EncapError::kBufferTooSmall);
  EXPECT_EQ(out().last_sequence(), 0u);  // refusals consume no sequence number
  EXPECT_EQ(out().counters().invalid, 7u);
}

TEST_P(CodecRoundTrip, TfcPaddedInnerIsTrimmedToItsOwnLength) {
  // An inner packet followed by traffic flow confidentiality padding (RFC 4303 2.7): the
  // receiver hands over only what the inner IP header says.
  auto inner = ipv4_packet(60);
  auto sent = inner;
  sent.insert(sent.end(), 40, 0);  // the codec sees a 100-octet payload
  std::vector<uint8_t> buf(out().encapsulated_size(sent.size()));
  ASSERT_TRUE(encapsulate(out(), sent, buf).ok());
  auto r = decapsulate(in(), buf);
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(std::vector<uint8_t>(r.inner.begin(), r.inner.end()), inner);
}

TEST_P(CodecRoundTrip, AcrossTheLowHalfWrap) {
  // Start both ends just below 2^32. With ESN the sender goes on to 0x1_00000000 and the
  // receiver infers the high half; without ESN the sender stops (see lifetime_test).
  SaConfig c = testing::sa_config(GetParam().transform, keys_, GetParam().esn);
  c.last_sequence = 0xFFFFFFFD;
  auto pair = testing::make_pair(c);
  ASSERT_TRUE(pair.has_value());
  pair_.emplace(std::move(*pair));
  in().replay_window().commit(0xFFFFFFF0);
  round_trip(ipv4_packet(64), kNextHeaderIpv4);  // 0xFFFFFFFE
  round_trip(ipv4_packet(65), kNextHeaderIpv4);  // 0xFFFFFFFF
  auto inner = ipv4_packet(66);
  std::vector<uint8_t> buf(out().encapsulated_size(inner.size()));
  auto size = encapsulate(out(), inner, buf);
  if (!GetParam().esn) {
    ASSERT_FALSE(size.ok());
    EXPECT_EQ(size.error(), EncapError::kSequenceExhausted);
    return;
  }
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(buf[4] | buf[5] | buf[6] | buf[7], 0);  // only the low half, 0, on the wire
  auto r = decapsulate(in(), buf);
  ASSERT_TRUE(r.ok()) << decap_status_name(r.status);
  EXPECT_EQ(r.seq, 0x1'00000000u);
  round_trip(ipv6_packet(99), kNextHeaderIpv6);  // 0x1_00000001
}

INSTANTIATE_TEST_SUITE_P(AllTransforms, CodecRoundTrip, ::testing::ValuesIn(all_cases()),
                         case_name);

}  // namespace
}  // namespace vgw::esp
