// OPEN and capabilities (RFC 4271 4.2, RFC 5492, RFC 4760 8, RFC 2918, RFC 8950, RFC 4724,
// RFC 6793, RFC 7313, RFC 9072): byte-exact vector, round trips and errors.
#include <gtest/gtest.h>

#include "wire_test_util.h"

namespace vgw::bgp::wire {
namespace {

using test::hex;

const test::Bytes kOpen = hex(R"(
  ffffffffffffffffffffffffffffffff 004e 01  # header, length 78, OPEN
  04                                        # Version 4
  fde9                                      # My Autonomous System 65001
  00b4                                      # Hold Time 180
  c0000201                                  # BGP Identifier 192.0.2.1
  31                                        # Opt Parm Len 49
  02 2f                                     # Capabilities parameter, 47 octets
     01 04 0001 00 01                       #   multiprotocol IPv4 unicast
     01 04 0002 00 01                       #   multiprotocol IPv6 unicast
     02 00                                  #   route refresh
     05 06 0001 0001 0002                   #   extended next hop: IPv4 unicast over IPv6
     40 06 8078 0001 01 80                  #   graceful restart R, 120 s; IPv4 unicast F
     41 04 0000fde9                         #   4-octet AS 65001
     46 00                                  #   enhanced route refresh
     49 07 05 7667772d61 00                 #   FQDN "vgw-a", no domain (opaque)
)");

TEST(OpenVector, Decodes) {
  auto m = parse_message(kOpen, {});
  ASSERT_TRUE(m.ok()) << to_string(m.error());
  const Open& o = std::get<Open>(*m);
  EXPECT_EQ(o.version, 4);
  EXPECT_EQ(o.my_as, 65001);
  EXPECT_EQ(o.hold_time, 180);
  EXPECT_EQ(o.bgp_identifier, 0xc0000201u);
  const Capabilities& c = o.capabilities;
  EXPECT_EQ(c.multiprotocol, (std::vector<AfiSafi>{kIpv4Unicast, kIpv6Unicast}));
  EXPECT_TRUE(c.supports(kIpv6Unicast));
  EXPECT_TRUE(c.route_refresh);
  EXPECT_TRUE(c.enhanced_route_refresh);
  ASSERT_EQ(c.extended_next_hop.size(), 1u);
  EXPECT_EQ(c.extended_next_hop[0], (ExtendedNextHop{Afi::kIpv4, 1, Afi::kIpv6}));
  ASSERT_TRUE(c.graceful_restart);
  EXPECT_TRUE(c.graceful_restart->restart_state);
  EXPECT_FALSE(c.graceful_restart->notification);
  EXPECT_EQ(c.graceful_restart->restart_time, 120);
  ASSERT_EQ(c.graceful_restart->families.size(), 1u);
  EXPECT_TRUE(c.graceful_restart->families[0].forwarding_preserved);
  EXPECT_EQ(c.four_octet_as, 65001u);
  EXPECT_EQ(o.asn(), 65001u);
  ASSERT_EQ(c.other.size(), 1u);
  EXPECT_EQ(c.other[0].code, cap::kFqdn);
  EXPECT_EQ(test::to_hex(c.other[0].value), "057667772d6100");
  EXPECT_NE(c.find(cap::kFqdn), nullptr);
  EXPECT_EQ(c.find(cap::kAddPath), nullptr);
}

TEST(OpenVector, EncodesToSameOctets) {
  auto m = parse_message(kOpen, {});
  ASSERT_TRUE(m.ok());
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize(*m, {}, out).ok());
  EXPECT_EQ(test::to_hex(out), test::to_hex(kOpen));
}

TEST(Open, FourOctetAsnUsesAsTrans) {
  Open o;
  o.set_asn(4200000001);
  o.hold_time = 90;
  o.bgp_identifier = 0x0a000001;
  EXPECT_EQ(o.my_as, 23456);
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize_open(o, out).ok());
  auto back = parse_message(out, {});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<Open>(*back), o);
  EXPECT_EQ(std::get<Open>(*back).asn(), 4200000001u);
}

TEST(Open, NoCapabilitiesAtAll) {
  const auto bytes = hex("ffffffffffffffffffffffffffffffff 001d 01 04 fde9 0000 0a000001 00");
  auto m = parse_message(bytes, {});
  ASSERT_TRUE(m.ok());
  const Open& o = std::get<Open>(*m);
  EXPECT_EQ(o.capabilities, Capabilities{});
  EXPECT_EQ(o.hold_time, 0);
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize_open(o, out).ok());
  EXPECT_EQ(out, bytes);
}

TEST(Open, CapabilitiesSpreadOverSeveralParametersAsFrrSendsThem) {
  const auto body = hex(R"(
    04 fde9 00b4 c0000201 0c
    02 06 01 04 0002 00 01      # one capability per parameter
    02 02 02 00
  )");
  auto o = parse_open(body);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->capabilities.multiprotocol, std::vector<AfiSafi>{kIpv6Unicast});
  EXPECT_TRUE(o->capabilities.route_refresh);
}

TEST(Open, ManyCapabilitiesUseSeveralParametersOrRfc9072) {
  Open o;
  o.set_asn(65001);
  o.hold_time = 90;
  o.bgp_identifier = 1;
  for (int i = 0; i < 60; ++i) o.capabilities.other.push_back({200, {1, 2, 3}});  // 5 each
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize_open(o, out).ok());
  // 300+ octets of capabilities do not fit Opt Parm Len: RFC 9072 extended form.
  EXPECT_EQ(out[19 + 9], 255);
  EXPECT_EQ(out[19 + 10], 255);
  auto back = parse_message(out, {});
  ASSERT_TRUE(back.ok()) << to_string(back.error());
  EXPECT_EQ(std::get<Open>(*back), o);
}

TEST(Open, LastGracefulRestartInstanceCounts) {
  const auto body = hex("04 fde9 00b4 c0000201 0a 02 08 40 02 0001 40 02 0002");
  auto o = parse_open(body);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->capabilities.graceful_restart->restart_time, 2);
}

struct OpenErrorCase {
  const char* name;
  const char* body;
  uint8_t subcode;
};

TEST(Open, Errors) {
  const OpenErrorCase cases[] = {
      {"version 3", "03 fde9 00b4 c0000201 00", err::kUnsupportedVersionNumber},
      {"hold time 2", "04 fde9 0002 c0000201 00", err::kUnacceptableHoldTime},
      {"identifier 0", "04 fde9 00b4 00000000 00", err::kBadBgpIdentifier},
      {"AS 0", "04 0000 00b4 c0000201 00", err::kBadPeerAs},
      {"4-octet AS 0", "04 5ba0 00b4 c0000201 08 02 06 41 04 00000000", err::kBadPeerAs},
      {"param type 1", "04 fde9 00b4 c0000201 04 01 02 0000", err::kUnsupportedOptionalParameter},
      {"short", "04 fde9 00b4 c000", err::kUnspecific},
      {"opt len too long", "04 fde9 00b4 c0000201 09 02 02 02 00", err::kUnspecific},
      {"opt len too short", "04 fde9 00b4 c0000201 02 02 02 02 00", err::kUnspecific},
      {"capability overrun", "04 fde9 00b4 c0000201 04 02 02 41 04", err::kUnspecific},
      {"MP length 3", "04 fde9 00b4 c0000201 07 02 05 01 03 000100", err::kUnspecific},
      {"4-octet AS length 2", "04 fde9 00b4 c0000201 06 02 04 41 02 fde9", err::kUnspecific},
      {"GR length 3", "04 fde9 00b4 c0000201 07 02 05 40 03 000000", err::kUnspecific},
      {"route refresh with value", "04 fde9 00b4 c0000201 05 02 03 02 01 00", err::kUnspecific},
  };
  for (const auto& c : cases) {
    auto o = parse_open(hex(c.body));
    ASSERT_FALSE(o.ok()) << c.name;
    EXPECT_EQ(o.error().action, ErrorAction::kSessionReset) << c.name;
    EXPECT_EQ(o.error().code, err::kOpenMessage) << c.name;
    EXPECT_EQ(o.error().subcode, c.subcode) << c.name << ": " << to_string(o.error());
  }
  // RFC 4271 6.2: Unsupported Version Number carries the largest supported version.
  EXPECT_EQ(parse_open(hex("03 fde9 00b4 c0000201 00")).error().data,
            (std::vector<uint8_t>{0, 4}));
}

TEST(Open, UnknownCapabilitiesRoundTripInOrder) {
  Open o;
  o.set_asn(65001);
  o.hold_time = 3;
  o.bgp_identifier = 7;
  o.capabilities.other = {{cap::kAddPath, {0, 1, 1, 3}}, {250, {}}, {cap::kRouteRefreshCisco, {}}};
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize_open(o, out).ok());
  auto back = parse_open(std::span(out).subspan(19));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, o);
}

}  // namespace
}  // namespace vgw::bgp::wire
