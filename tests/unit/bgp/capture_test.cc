// Real-world vectors: messages captured with tcpdump between FRR 8.4.4 (AS 65001) and
// BIRD 2.0.12 (AS 65002) in two network namespaces (Debian 12 packages). One session over
// IPv4 with BIRD's 4-octet AS support off (so FRR sends AS4_PATH), one over IPv6 with it on.
// FRR's outbound route-map prepends 4200000001 and sets communities, a large community and
// MED 50. Decoded field by field, then re-encoded and decoded again.
#include <gtest/gtest.h>

#include "wire_test_util.h"

namespace vgw::bgp::wire {
namespace {

using test::hex;

SessionContext old_session() {  // the IPv4 session: no 4-octet AS capability on BIRD's side
  SessionContext c;
  c.four_octet_as = false;
  return c;
}

Message must_parse(const test::Bytes& b, const SessionContext& ctx) {
  auto m = parse_message(b, ctx);
  EXPECT_TRUE(m.ok()) << to_string(m.error());
  return m.ok() ? std::move(*m) : Message(Keepalive{});
}

// Re-encodes and decodes again: the decoded content must survive.
void expect_round_trip(const Message& m, const SessionContext& ctx) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize(m, ctx, out).ok());
  auto back = parse_message(out, ctx);
  ASSERT_TRUE(back.ok()) << to_string(back.error());
  EXPECT_EQ(*back, m);
}

TEST(FrrCapture, OpenOverIpv4WithEveryCapabilityInItsOwnParameter) {
  const auto bytes = hex(
      "ffffffffffffffffffffffffffffffff00620104fde900090a634d01450206010400010001020280000202020002"
      "024600020641040000fde9020206000206450400010101020a49080677632d6672720002044002c07802094707"
      "00010180000000");
  Message m = must_parse(bytes, {});
  const Open& o = std::get<Open>(m);
  EXPECT_EQ(o.asn(), 65001u);
  EXPECT_EQ(o.hold_time, 9);
  EXPECT_EQ(IpAddress::v4(o.bgp_identifier).to_string(), "10.99.77.1");
  const Capabilities& c = o.capabilities;
  EXPECT_EQ(c.multiprotocol, std::vector<AfiSafi>{kIpv4Unicast});
  EXPECT_TRUE(c.route_refresh);
  EXPECT_TRUE(c.enhanced_route_refresh);
  ASSERT_TRUE(c.graceful_restart);
  EXPECT_TRUE(c.graceful_restart->restart_state);
  EXPECT_TRUE(c.graceful_restart->notification);
  EXPECT_EQ(c.graceful_restart->restart_time, 120);
  EXPECT_TRUE(c.graceful_restart->families.empty());
  // Kept opaque, in the order FRR sent them.
  std::vector<uint8_t> codes;
  for (const auto& r : c.other) codes.push_back(r.code);
  EXPECT_EQ(codes, (std::vector<uint8_t>{cap::kRouteRefreshCisco, cap::kExtendedMessage,
                                         cap::kAddPath, cap::kFqdn,
                                         cap::kLongLivedGracefulRestart}));
  EXPECT_EQ(test::to_hex(c.find(cap::kFqdn)->value), "0677632d66727200");  // "wc-frr", ""
  EXPECT_EQ(test::to_hex(c.find(cap::kAddPath)->value), "00010101");
  expect_round_trip(m, {});
}

TEST(FrrCapture, OpenOverIpv6) {
  const auto bytes = hex(
      "ffffffffffffffffffffffffffffffff00750104fde900090a634d01580206010400010001020601040002000102"
      "0280000202020002024600020641040000fde902020600020a45080001010100020101020a49080677632d6672"
      "720002044002c0780210470e0001018000000000020180000000");
  Message m = must_parse(bytes, {});
  const Capabilities& c = std::get<Open>(m).capabilities;
  EXPECT_EQ(c.multiprotocol, (std::vector<AfiSafi>{kIpv4Unicast, kIpv6Unicast}));
  EXPECT_EQ(test::to_hex(c.find(cap::kLongLivedGracefulRestart)->value),
            "0001018000000000020180000000");
  expect_round_trip(m, {});
}

TEST(FrrCapture, UpdateWithAs4PathToAnOldSpeaker) {
  // AS_PATH (Extended Length) 65001 23456 65002; AS4_PATH (Extended Length) 65001
  // 4200000001 65002; MED 50; 3 communities; a large community.
  const auto bytes = hex(
      "ffffffffffffffffffffffffffffffff006d020000004e40010100500200080203fde95ba0fdea4003040a634d01"
      "80040400000032c0080cfde90064fde900c8ffffff01c0200c0000fde90000000100000002d011000e02030000"
      "fde9fa56ea010000fdea1864400117644002");
  Message m = must_parse(bytes, old_session());
  const Update& u = std::get<Update>(m);
  EXPECT_EQ(u.action, ErrorAction::kNone);
  const PathAttributes& a = u.attributes;
  EXPECT_EQ(a.as_path.to_string(), "65001 4200000001 65002");
  EXPECT_EQ(IpAddress::v4(a.next_hop).to_string(), "10.99.77.1");
  EXPECT_EQ(a.med, 50u);
  EXPECT_EQ(a.communities, (std::vector<uint32_t>{0xfde90064, 0xfde900c8, 0xffffff01}));
  EXPECT_EQ(a.large_communities, (std::vector<LargeCommunity>{{65001, 1, 2}}));
  EXPECT_EQ(u.nlri,
            (std::vector<Ipv4Prefix>{test::p4("100.64.1.0/24"), test::p4("100.64.2.0/23")}));
  expect_round_trip(m, old_session());
  // The same octets on a 4-octet session would be misread; decoding them as such must
  // fail cleanly rather than crash (AS_PATH has 8 octets = one segment header + 1.5 ASNs).
  auto as_new = parse_message(bytes, {});
  ASSERT_TRUE(as_new.ok());
  EXPECT_EQ(std::get<Update>(*as_new).action, ErrorAction::kTreatAsWithdraw);
}

TEST(FrrCapture, UpdateOfItsOwnNetworks) {
  const auto bytes = hex(
      "ffffffffffffffffffffffffffffffff006d020000004840010100500200060202fde95ba04003040a634d0180"
      "040400000032c0080cfde90064fde900c8ffffff01c0200c0000fde90000000100000002d011000a02020000fd"
      "e9fa56ea0118c6336419cb00718019cb007100");
  Message m = must_parse(bytes, old_session());
  const Update& u = std::get<Update>(m);
  EXPECT_EQ(u.attributes.as_path.to_string(), "65001 4200000001");
  EXPECT_EQ(u.nlri, (std::vector<Ipv4Prefix>{test::p4("198.51.100.0/24"),
                                             test::p4("203.0.113.128/25"),
                                             test::p4("203.0.113.0/25")}));
  expect_round_trip(m, old_session());
}

TEST(FrrCapture, Ipv6UpdateWithLinkLocalNextHopAndEndOfRib) {
  const auto bytes = hex(
      "ffffffffffffffffffffffffffffffff00870200000070900e003500020120fd00007700000000000000000000"
      "0001fe80000000000000c8d562fffe95cc2f003020010db800014020010db800020000400101005002000a0202"
      "0000fde9fa56ea0180040400000032c0080cfde90064fde900c8ffffff01c0200c0000fde9000000010000"
      "0002");
  Message m = must_parse(bytes, {});
  const Update& u = std::get<Update>(m);
  EXPECT_EQ(u.action, ErrorAction::kNone);
  ASSERT_TRUE(u.has_mp_reach);
  EXPECT_EQ(u.mp_reach.next_hop.global.to_string(), "fd00:77::1");
  EXPECT_EQ(u.mp_reach.next_hop.link_local.to_string(), "fe80::c8d5:62ff:fe95:cc2f");
  EXPECT_EQ(u.mp_reach.nlri6,
            (std::vector<Ipv6Prefix>{test::p6("2001:db8:1::/48"), test::p6("2001:db8:2::/64")}));
  EXPECT_EQ(u.attributes.as_path.to_string(), "65001 4200000001");
  expect_round_trip(m, {});

  Message eor = must_parse(hex("ffffffffffffffffffffffffffffffff001d0200000006800f03000201"), {});
  EXPECT_EQ(std::get<Update>(eor).end_of_rib(), kIpv6Unicast);
}

TEST(BirdCapture, OpenWithoutFourOctetAs) {
  Message m = must_parse(hex("ffffffffffffffffffffffffffffffff002f0104fdea00090a634d0212021001"
                             "040001000102004002007846004700"),
                         {});
  const Open& o = std::get<Open>(m);
  EXPECT_EQ(o.asn(), 65002u);
  EXPECT_FALSE(o.capabilities.four_octet_as);
  ASSERT_TRUE(o.capabilities.graceful_restart);  // helper only: no families
  EXPECT_EQ(o.capabilities.graceful_restart->restart_time, 120);
  EXPECT_FALSE(o.capabilities.graceful_restart->restart_state);
  EXPECT_EQ(o.capabilities.other.size(), 1u);  // long-lived GR, empty
  expect_round_trip(m, {});
}

TEST(BirdCapture, Ipv4UpdateReencodesToTheSameOctets) {
  const auto bytes = hex(R"(
    ffffffffffffffffffffffffffffffff 0043 02 0000 0028
    40 01 01 00                              # ORIGIN IGP
    40 02 04 02 01 fdea                      # AS_PATH 65002 (2-octet session)
    40 03 04 0a634d02                        # NEXT_HOP 10.99.77.2
    c0 08 04 fdea0001                        # COMMUNITIES 65002:1
    c0 20 0c 0000fdea 00000003 00000004      # LARGE_COMMUNITY 65002:3:4
    18 644001                                # 100.64.1.0/24
  )");
  Message m = must_parse(bytes, old_session());
  const Update& u = std::get<Update>(m);
  EXPECT_EQ(u.attributes.as_path.to_string(), "65002");
  EXPECT_EQ(u.attributes.large_communities, (std::vector<LargeCommunity>{{65002, 3, 4}}));
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize(m, old_session(), out).ok());
  EXPECT_EQ(test::to_hex(out), test::to_hex(bytes));
}

TEST(BirdCapture, Ipv6Update) {
  Message m = must_parse(
      hex("ffffffffffffffffffffffffffffffff005b0200000044900e002c00020120fd000077000000000000000000"
          "000002fe80000000000000209e18fffe34bc97003020010db800994001010040020602010000fdeac00804fd"
          "ea0006"),
      {});
  const Update& u = std::get<Update>(m);
  EXPECT_EQ(u.mp_reach.nlri6, std::vector<Ipv6Prefix>{test::p6("2001:db8:99::/48")});
  EXPECT_EQ(u.mp_reach.next_hop.global.to_string(), "fd00:77::2");
  EXPECT_EQ(u.attributes.communities, std::vector<uint32_t>{0xfdea0006});
  expect_round_trip(m, {});
}

TEST(BirdCapture, ShutdownNotification) {
  Message m = must_parse(
      hex("ffffffffffffffffffffffffffffffff00260306021076677720776972652063617074757265"), {});
  const Notification& n = std::get<Notification>(m);
  EXPECT_EQ(n.shutdown_communication(), "vgw wire capture");
  std::vector<uint8_t> out;
  serialize_notification(Notification::shutdown(err::kAdministrativeShutdown, "vgw wire capture"),
                         out);
  EXPECT_EQ(test::to_hex(out),
            "ffffffffffffffffffffffffffffffff00260306021076677720776972652063617074757265");
}

}  // namespace
}  // namespace vgw::bgp::wire
