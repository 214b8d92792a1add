// RFC 3948 classification of UDP 4500 payloads: ESP, IKE behind the Non-ESP Marker,
// NAT-keepalive, and what is none of them.
#include "vgw/esp/udp_encap.h"

#include <gtest/gtest.h>

#include "esp_fixtures.h"

namespace vgw::esp {
namespace {

using testing::hex;

UdpEncapKind kind(std::string_view h) { return classify_udp_encap(hex(h)); }

TEST(UdpEncap, Keepalive) {
  EXPECT_EQ(kind("ff"), UdpEncapKind::kKeepalive);  // RFC 3948 2.3: one octet 0xFF
  EXPECT_EQ(kind("fe"), UdpEncapKind::kInvalid);
  EXPECT_EQ(kind("ffff"), UdpEncapKind::kInvalid);
  EXPECT_EQ(kind("00"), UdpEncapKind::kInvalid);
}

TEST(UdpEncap, NonEspMarkerMeansIke) {
  // RFC 3948 2.2: four zero octets, then the IKE header (here the start of one).
  EXPECT_EQ(kind("00000000 0011223344556677 0000000000000000 2120 2208 00000000 000000ec"),
            UdpEncapKind::kIke);
  EXPECT_EQ(kind("0000000001"), UdpEncapKind::kIke);    // the IKE codec judges what follows
  EXPECT_EQ(kind("00000000"), UdpEncapKind::kInvalid);  // a bare marker carries nothing
  EXPECT_EQ(kNonEspMarkerSize, 4u);
}

TEST(UdpEncap, Esp) {
  EXPECT_EQ(kind("c0ffee01 00000001"), UdpEncapKind::kEsp);
  EXPECT_EQ(kind("00000100 00000001 aabbccdd"), UdpEncapKind::kEsp);      // SPI 256: first valid
  EXPECT_EQ(kind("000000ff 00000001 aabbccdd"), UdpEncapKind::kInvalid);  // reserved SPI
  EXPECT_EQ(kind("00000001 00000001"), UdpEncapKind::kInvalid);
  EXPECT_EQ(kind("c0ffee01 000000"), UdpEncapKind::kInvalid);  // shorter than SPI + sequence
  EXPECT_EQ(kind("ff000000 00000001"), UdpEncapKind::kEsp);    // 0xFF first is fine when longer
}

TEST(UdpEncap, ShortAndEmpty) {
  EXPECT_EQ(kind(""), UdpEncapKind::kInvalid);
  EXPECT_EQ(kind("000000"), UdpEncapKind::kInvalid);
  EXPECT_EQ(kind("c0ffee"), UdpEncapKind::kInvalid);
}

TEST(UdpEncap, Names) {
  EXPECT_STREQ(udp_encap_kind_name(UdpEncapKind::kEsp), "esp");
  EXPECT_STREQ(udp_encap_kind_name(UdpEncapKind::kIke), "ike");
  EXPECT_STREQ(udp_encap_kind_name(UdpEncapKind::kKeepalive), "keepalive");
  EXPECT_STREQ(udp_encap_kind_name(UdpEncapKind::kInvalid), "invalid");
}

TEST(EspSpi, ReadsTheFirstWord) {
  EXPECT_EQ(esp_spi(hex("c0ffee01 00000001")), 0xc0ffee01u);
  EXPECT_FALSE(esp_spi(hex("c0ffee")).has_value());
}

}  // namespace
}  // namespace vgw::esp
