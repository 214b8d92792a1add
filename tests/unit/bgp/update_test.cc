// UPDATE codec: byte-exact vectors built by hand from RFC 4271 4.3 / RFC 4760 3-4 layouts,
// decode of every attribute, encode back to the same octets, End-of-RIB.
#include <gtest/gtest.h>

#include "wire_test_util.h"

namespace vgw::bgp::wire {
namespace {

using test::hex;

// iBGP IPv4 UPDATE carrying every attribute the codec decodes except the MP ones and
// EXTENDED_COMMUNITIES, in type-code order (the order the encoder writes).
const test::Bytes kFullIpv4Update = hex(R"(
  ffffffffffffffffffffffffffffffff  # Marker
  0088                              # Length 136
  02                                # Type UPDATE
  0000                              # Withdrawn Routes Length 0
  0064                              # Total Path Attribute Length 100
  40 01 01 00                       # ORIGIN (well-known transitive) IGP
  40 02 0e                          # AS_PATH, 14 octets
     02 03                          #   AS_SEQUENCE of 3
     0000fde9 0000fdea 00030d40     #   65001 65002 200000
  40 03 04 c0000201                 # NEXT_HOP 192.0.2.1
  80 04 04 00000064                 # MULTI_EXIT_DISC (optional) 100
  40 05 04 000000c8                 # LOCAL_PREF 200
  40 06 00                          # ATOMIC_AGGREGATE
  c0 07 08 0000fde9 c0000202        # AGGREGATOR (optional transitive) 65001 192.0.2.2
  c0 08 08 fde90001 ffffff01        # COMMUNITIES 65001:1 NO_EXPORT
  80 09 04 0a000001                 # ORIGINATOR_ID 10.0.0.1
  80 0a 08 0a000002 0a000003        # CLUSTER_LIST 10.0.0.2 10.0.0.3
  c0 20 0c 0000fde9 00000001 00000002  # LARGE_COMMUNITY 65001:1:2
  18 c63364                         # NLRI 198.51.100.0/24
  19 cb007180                       # NLRI 203.0.113.128/25
  10 0a01                           # NLRI 10.1.0.0/16
  00                                # NLRI 0.0.0.0/0
)");

SessionContext ibgp() {
  SessionContext c;
  c.peer = PeerKind::kInternal;
  return c;
}

TEST(UpdateVector, FullIpv4UpdateDecodes) {
  auto m = parse_message(kFullIpv4Update, ibgp());
  ASSERT_TRUE(m.ok()) << to_string(m.error());
  const Update& u = std::get<Update>(*m);
  EXPECT_EQ(u.action, ErrorAction::kNone);
  EXPECT_TRUE(u.errors.empty());
  EXPECT_TRUE(u.withdrawn.empty());
  const PathAttributes& a = u.attributes;
  EXPECT_EQ(a.origin, Origin::kIgp);
  EXPECT_EQ(a.as_path.to_string(), "65001 65002 200000");
  EXPECT_EQ(a.next_hop, 0xc0000201u);
  EXPECT_EQ(a.med, 100u);
  EXPECT_EQ(a.local_pref, 200u);
  EXPECT_TRUE(a.atomic_aggregate());
  EXPECT_EQ(a.aggregator, (Aggregator{65001, 0xc0000202}));
  EXPECT_EQ(a.communities, (std::vector<uint32_t>{0xfde90001, 0xffffff01}));
  EXPECT_EQ(a.originator_id, 0x0a000001u);
  EXPECT_EQ(a.cluster_list, (std::vector<uint32_t>{0x0a000002, 0x0a000003}));
  EXPECT_EQ(a.large_communities, (std::vector<LargeCommunity>{{65001, 1, 2}}));
  EXPECT_EQ(u.nlri, (std::vector<Ipv4Prefix>{test::p4("198.51.100.0/24"),
                                             test::p4("203.0.113.128/25"),
                                             test::p4("10.1.0.0/16"), test::p4("0.0.0.0/0")}));
  EXPECT_EQ(u.attribute_count, 11u);
  EXPECT_FALSE(u.end_of_rib());
  EXPECT_EQ(u.announced_count(), 4u);
}

TEST(UpdateVector, FullIpv4UpdateEncodesToSameOctets) {
  auto m = parse_message(kFullIpv4Update, ibgp());
  ASSERT_TRUE(m.ok());
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize(*m, ibgp(), out).ok());
  EXPECT_EQ(test::to_hex(out), test::to_hex(kFullIpv4Update));
}

TEST(UpdateVector, BuiltFromFieldsEncodesToSameOctets) {
  Update u;
  PathAttributes& a = u.attributes;
  a.set_origin(Origin::kIgp);
  const uint32_t path[] = {65001, 65002, 200000};
  a.set_as_path(AsPath::sequence(path));
  a.set_next_hop(0xc0000201);
  a.set_med(100);
  a.set_local_pref(200);
  a.set(attr::kAtomicAggregate);
  a.aggregator = {65001, 0xc0000202};
  a.set(attr::kAggregator);
  a.communities = {0xfde90001, 0xffffff01};
  a.set(attr::kCommunities);
  a.originator_id = 0x0a000001;
  a.set(attr::kOriginatorId);
  a.cluster_list = {0x0a000002, 0x0a000003};
  a.set(attr::kClusterList);
  a.large_communities = {{65001, 1, 2}};
  a.set(attr::kLargeCommunities);
  u.nlri = {test::p4("198.51.100.0/24"), test::p4("203.0.113.128/25"), test::p4("10.1.0.0/16"),
            test::p4("0.0.0.0/0")};
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize_update(u, ibgp(), out).ok());
  EXPECT_EQ(test::to_hex(out), test::to_hex(kFullIpv4Update));
}

// IPv6 announcement in MP_REACH_NLRI with a global + link-local next hop (RFC 2545 3).
const test::Bytes kIpv6Reach = hex(R"(
  ffffffffffffffffffffffffffffffff 0063 02  # header, length 99, UPDATE
  0000                                      # no withdrawn routes
  004c                                      # Total Path Attribute Length 76
  80 0e 35                                  # MP_REACH_NLRI (optional non-transitive), 53
     0002 01                                #   AFI IPv6, SAFI unicast
     20                                     #   next hop length 32
     20010db8000000000000000000000001       #   global 2001:db8::1
     fe800000000000000000000000000001       #   link-local fe80::1
     00                                     #   reserved
     30 20010db80001                        #   2001:db8:1::/48
     40 20010db800020000                    #   2001:db8:2::/64
  40 01 01 00                               # ORIGIN IGP
  40 02 06 02 01 0000fde9                   # AS_PATH [65001]
  80 04 04 00000000                         # MULTI_EXIT_DISC 0
)");

TEST(UpdateVector, Ipv6ReachDecodesAndEncodes) {
  SessionContext ctx;
  auto m = parse_message(kIpv6Reach, ctx);
  ASSERT_TRUE(m.ok()) << to_string(m.error());
  const Update& u = std::get<Update>(*m);
  EXPECT_EQ(u.action, ErrorAction::kNone);
  ASSERT_TRUE(u.has_mp_reach);
  EXPECT_EQ(u.mp_reach.family, kIpv6Unicast);
  EXPECT_EQ(u.mp_reach.next_hop.global.to_string(), "2001:db8::1");
  ASSERT_TRUE(u.mp_reach.next_hop.has_link_local);
  EXPECT_EQ(u.mp_reach.next_hop.link_local.to_string(), "fe80::1");
  EXPECT_EQ(u.mp_reach.nlri6,
            (std::vector<Ipv6Prefix>{test::p6("2001:db8:1::/48"), test::p6("2001:db8:2::/64")}));
  EXPECT_TRUE(u.nlri.empty());
  EXPECT_FALSE(u.attributes.has(attr::kNextHop));  // not needed with MP_REACH only
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize(*m, ctx, out).ok());
  EXPECT_EQ(test::to_hex(out), test::to_hex(kIpv6Reach));
}

const test::Bytes kIpv6Unreach = hex(R"(
  ffffffffffffffffffffffffffffffff 002d 02  # header, length 45, UPDATE
  0000                                      # no withdrawn routes
  0016                                      # Total Path Attribute Length 22
  80 0f 13                                  # MP_UNREACH_NLRI, 19
     0002 01                                #   IPv6 unicast
     30 20010db80001                        #   2001:db8:1::/48
     40 20010db800020000                    #   2001:db8:2::/64
)");

TEST(UpdateVector, Ipv6UnreachDecodesAndEncodes) {
  SessionContext ctx;
  auto m = parse_message(kIpv6Unreach, ctx);
  ASSERT_TRUE(m.ok());
  const Update& u = std::get<Update>(*m);
  ASSERT_TRUE(u.has_mp_unreach);
  EXPECT_EQ(u.mp_unreach.family, kIpv6Unicast);
  EXPECT_EQ(u.mp_unreach.withdrawn6.size(), 2u);
  EXPECT_FALSE(u.end_of_rib());
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize(*m, ctx, out).ok());
  EXPECT_EQ(test::to_hex(out), test::to_hex(kIpv6Unreach));
}

TEST(UpdateVector, Ipv4WithdrawDecodesAndEncodes) {
  const auto bytes = hex(R"(
    ffffffffffffffffffffffffffffffff 001f 02  # header, length 31
    0008                                      # Withdrawn Routes Length 8
    18 c63364                                 # 198.51.100.0/24
    18 cb0071                                 # 203.0.113.0/24
    0000                                      # no path attributes
  )");
  auto m = parse_message(bytes, {});
  ASSERT_TRUE(m.ok());
  const Update& u = std::get<Update>(*m);
  EXPECT_EQ(u.withdrawn,
            (std::vector<Ipv4Prefix>{test::p4("198.51.100.0/24"), test::p4("203.0.113.0/24")}));
  EXPECT_EQ(u.action, ErrorAction::kNone);  // nothing announced: no mandatory attributes
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize(*m, {}, out).ok());
  EXPECT_EQ(out, bytes);
}

TEST(UpdateVector, ExtendedCommunitiesAndPartialUnknownAttribute) {
  const auto attrs = test::cat({test::basic_attrs(), hex(R"(
    c0 10 08 0002fde900000064            # EXTENDED_COMMUNITIES route-target 65001:100
    e0 63 03 010203                      # unknown attribute 99, optional transitive, Partial
  )")});
  Update u;
  ASSERT_TRUE(parse_update(test::update_body({}, attrs, hex("18c63364")), {}, u).ok());
  EXPECT_EQ(u.attributes.extended_communities, (std::vector<uint64_t>{0x0002fde900000064}));
  auto unknown = u.attributes.unknown_attributes();
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].type, 99);
  EXPECT_EQ(test::to_hex(unknown[0].value), "010203");
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize_update(u, {}, out).ok());
  EXPECT_EQ(test::to_hex(out),
            test::to_hex(test::message(MessageType::kUpdate,
                                       test::update_body({}, attrs, hex("18c63364")))));
}

TEST(EndOfRib, Ipv4IsTheEmptyUpdate) {
  const auto bytes = hex("ffffffffffffffffffffffffffffffff 0017 02 0000 0000");
  auto m = parse_message(bytes, {});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(std::get<Update>(*m).end_of_rib(), kIpv4Unicast);
  std::vector<uint8_t> out;
  write_end_of_rib(kIpv4Unicast, out);
  EXPECT_EQ(out, bytes);
}

TEST(EndOfRib, Ipv6IsAnEmptyMpUnreach) {
  const auto bytes = hex(R"(
    ffffffffffffffffffffffffffffffff 001d 02  # length 29
    0000 0006                                 # no withdrawn, 6 octets of attributes
    80 0f 03 0002 01                          # MP_UNREACH_NLRI IPv6 unicast, no NLRI
  )");
  auto m = parse_message(bytes, {});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(std::get<Update>(*m).end_of_rib(), kIpv6Unicast);
  std::vector<uint8_t> out;
  write_end_of_rib(kIpv6Unicast, out);
  EXPECT_EQ(out, bytes);
}

TEST(EndOfRib, NotWhenOtherAttributesArePresent) {
  const auto attrs = test::cat({hex("800f03000201"), hex("40010100")});
  Update u;
  ASSERT_TRUE(parse_update(test::update_body({}, attrs, {}), {}, u).ok());
  EXPECT_FALSE(u.end_of_rib());
}

TEST(UpdateDecode, ReusedUpdateIsFullyReplaced) {
  SessionContext ctx = ibgp();
  Update u;
  ASSERT_TRUE(parse_update(std::span(kFullIpv4Update).subspan(19), ctx, u).ok());
  ASSERT_TRUE(parse_update(std::span(kIpv6Unreach).subspan(19), ctx, u).ok());
  Update fresh;
  ASSERT_TRUE(parse_update(std::span(kIpv6Unreach).subspan(19), ctx, fresh).ok());
  EXPECT_EQ(u, fresh);
  EXPECT_EQ(u.attributes, PathAttributes{});
  EXPECT_EQ(hash_value(u.attributes), hash_value(PathAttributes{}));
}

TEST(UpdateDecode, HostBitsInNlriAreCleared) {
  Update u;
  ASSERT_TRUE(
      parse_update(test::update_body({}, test::basic_attrs(), hex("17 c63365")), {}, u).ok());
  EXPECT_EQ(u.nlri[0].to_string(), "198.51.100.0/23");
}

TEST(UpdateEncode, TooLargeFailsAndWritesNothing) {
  Update u;
  u.attributes.set_origin(Origin::kIgp);
  for (uint32_t i = 0; i < 1100; ++i) u.attributes.communities.push_back(i);
  u.attributes.set(attr::kCommunities);
  std::vector<uint8_t> out = {1, 2, 3};
  auto s = serialize_update(u, {}, out);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(out, (std::vector<uint8_t>{1, 2, 3}));
}

}  // namespace
}  // namespace vgw::bgp::wire
