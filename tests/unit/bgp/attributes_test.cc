// The value types: compact NLRI prefixes, AsPath (canonical form, queries) and
// PathAttributes (equality and hashing for interning, unknown-attribute storage).
#include <gtest/gtest.h>

#include <unordered_set>

#include "wire_test_util.h"

namespace vgw::bgp::wire {
namespace {

using test::hex;

TEST(Nlri, Ipv4DecodeClearsHostBitsAndChecksSyntax) {
  std::vector<Ipv4Prefix> v;
  EXPECT_EQ(parse_ipv4_nlri(hex("00 08 0a 20 c0000201 17 c63365"), v), nullptr);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].to_string(), "0.0.0.0/0");
  EXPECT_EQ(v[1].to_string(), "10.0.0.0/8");
  EXPECT_EQ(v[2].to_string(), "192.0.2.1/32");
  EXPECT_EQ(v[3].to_string(), "198.51.100.0/23");  // trailing bit cleared
  v.clear();
  EXPECT_NE(parse_ipv4_nlri(hex("21 c0000201 00"), v), nullptr);
  EXPECT_NE(parse_ipv4_nlri(hex("18 c633"), v), nullptr);
}

TEST(Nlri, Ipv6DecodeAndEncode) {
  std::vector<Ipv6Prefix> v;
  EXPECT_EQ(parse_ipv6_nlri(hex("80 20010db8000000000000000000000001 31 20010db80001ff"), v),
            nullptr);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].to_string(), "2001:db8::1/128");
  EXPECT_EQ(v[1].to_string(), "2001:db8:1:8000::/49");
  std::vector<uint8_t> out;
  ByteWriter w(out);
  write_nlri(v[1], w);
  EXPECT_EQ(test::to_hex(out), "3120010db8000180");
  EXPECT_NE(parse_ipv6_nlri(hex("81 00"), v), nullptr);
  EXPECT_EQ(Ipv6Prefix::from(v[0].to_prefix()), v[0]);
}

TEST(Nlri, CompactPrefixesAreSmall) {
  EXPECT_EQ(sizeof(Ipv4Prefix), 8u);
  EXPECT_EQ(sizeof(Ipv6Prefix), 17u);
}

TEST(AsPath, AdjacentSequencesMergeSoEqualPathsCompareEqual) {
  AsPath a;
  const uint32_t x[] = {1, 2};
  const uint32_t y[] = {3};
  a.append(SegmentType::kSequence, x);
  a.append(SegmentType::kSequence, y);
  const uint32_t all[] = {1, 2, 3};
  EXPECT_EQ(a, AsPath::sequence(all));
  AsPath s;
  s.append(SegmentType::kSet, x);
  s.append(SegmentType::kSet, y);  // sets do not merge
  EXPECT_EQ(s.to_string(), "{1,2} {3}");
  EXPECT_EQ(s.path_length(), 2u);
}

TEST(AsPath, Queries) {
  AsPath p;
  const uint32_t confed[] = {65010, 65011};
  const uint32_t seq[] = {65001, 4200000001};
  const uint32_t set[] = {7, 8};
  p.append(SegmentType::kConfedSequence, confed);
  p.append(SegmentType::kSequence, seq);
  p.append(SegmentType::kSet, set);
  EXPECT_EQ(p.to_string(), "(65010 65011) 65001 4200000001 {7,8}");
  EXPECT_EQ(p.path_length(), 3u);
  EXPECT_FALSE(p.first_asn());  // starts with a confed segment
  EXPECT_FALSE(p.origin_asn());  // ends with a set
  EXPECT_TRUE(p.contains(8));
  EXPECT_FALSE(p.contains(9));
  EXPECT_TRUE(p.has_confed_segments());
  EXPECT_TRUE(p.has_four_octet_asn());
  p.prepend(65000);
  EXPECT_EQ(p.to_string(), "65000 (65010 65011) 65001 4200000001 {7,8}");
  EXPECT_EQ(p.first_asn(), 65000u);
  AsPath q = AsPath::sequence(seq);
  q.prepend(65000);
  EXPECT_EQ(q.to_string(), "65000 65001 4200000001");
  EXPECT_EQ(q.origin_asn(), 4200000001u);
  AsPath e;
  e.prepend(5);
  EXPECT_EQ(e.to_string(), "5");
  const uint32_t more[] = {6};
  e.append(SegmentType::kSequence, more);  // still merges after a prepend into an empty path
  EXPECT_EQ(e, AsPath::sequence(std::vector<uint32_t>{5, 6}));
}

TEST(PathAttributes, EqualSetsHashEqualWhateverTheWireForm) {
  // The same attributes: one with AS_PATH split in two segments and 1-octet lengths, one
  // with a single segment and extended lengths.
  const auto a = hex(R"(
    40 01 01 00
    40 02 0c 02 01 0000fde9 02 01 0000fdea
    40 03 04 c0000201
    c0 08 04 fde90001
  )");
  const auto b = hex(R"(
    50 01 0001 00
    50 02 000a 02 02 0000fde9 0000fdea
    50 03 0004 c0000201
    d0 08 0004 fde90001
  )");
  Update ua, ub;
  ASSERT_TRUE(parse_update(test::update_body({}, a, hex("18c63364")), {}, ua).ok());
  ASSERT_TRUE(parse_update(test::update_body({}, b, hex("18c63364")), {}, ub).ok());
  EXPECT_EQ(ua.action, ErrorAction::kNone);
  EXPECT_EQ(ub.action, ErrorAction::kNone);
  EXPECT_EQ(ua.attributes, ub.attributes);
  EXPECT_EQ(hash_value(ua.attributes), hash_value(ub.attributes));
  std::unordered_set<PathAttributes> interned;
  interned.insert(ua.attributes);
  interned.insert(ub.attributes);
  EXPECT_EQ(interned.size(), 1u);
}

TEST(PathAttributes, DifferentSetsDiffer) {
  PathAttributes a;
  a.set_origin(Origin::kIgp);
  PathAttributes b = a;
  b.set_med(0);  // MED 0 present is not the same as no MED
  EXPECT_NE(a, b);
  EXPECT_NE(hash_value(a), hash_value(b));
  PathAttributes c = a;
  c.communities = {1};
  c.set(attr::kCommunities);
  PathAttributes d = a;
  d.communities = {2};
  d.set(attr::kCommunities);
  EXPECT_NE(c, d);
  EXPECT_NE(hash_value(c), hash_value(d));
}

TEST(PathAttributes, UnknownAttributesSortedAndReplaced) {
  PathAttributes a;
  const uint8_t v1[] = {1};
  const uint8_t v2[] = {2, 2};
  std::vector<uint8_t> big(300, 9);
  a.add_unknown(0xc0, 99, v1);
  a.add_unknown(0xc0, 40, v2);
  a.add_unknown(0xc0, 200, big);
  a.add_unknown(0xc0, 99, v2);  // replaces
  auto u = a.unknown_attributes();
  ASSERT_EQ(u.size(), 3u);
  EXPECT_EQ(u[0].type, 40);
  EXPECT_EQ(u[1].type, 99);
  EXPECT_EQ(u[1].value.size(), 2u);
  EXPECT_EQ(u[2].type, 200);
  EXPECT_EQ(u[2].value.size(), 300u);
  EXPECT_EQ(u[2].flags, 0xf0);  // Partial and Extended Length set
  EXPECT_EQ(u[0].flags, 0xe0);
}

TEST(PathAttributes, ClearKeepsCapacityAndResetsValues) {
  PathAttributes a;
  a.communities.assign(100, 1);
  a.set(attr::kCommunities);
  a.set_med(5);
  size_t cap = a.communities.capacity();
  a.clear();
  EXPECT_EQ(a, PathAttributes{});
  EXPECT_EQ(a.communities.capacity(), cap);
  EXPECT_GE(a.heap_bytes(), 400u);
}

TEST(PathAttributes, ToString) {
  PathAttributes a;
  a.set_origin(Origin::kIgp);
  const uint32_t path[] = {65001, 65002};
  a.set_as_path(AsPath::sequence(path));
  a.set_next_hop(0xc0000201);
  a.communities = {0xfde90001};
  a.set(attr::kCommunities);
  EXPECT_EQ(to_string(a),
            "origin igp as-path [65001 65002] next-hop 192.0.2.1 communities 65001:1");
}

TEST(Names, ProtocolNumbers) {
  EXPECT_EQ(attribute_name(attr::kLargeCommunities), "LARGE_COMMUNITY");
  EXPECT_EQ(attribute_name(99), "attribute 99");
  EXPECT_EQ(capability_name(cap::kLongLivedGracefulRestart), "long-lived-graceful-restart");
  EXPECT_EQ(capability_name(250), "capability 250");
  EXPECT_EQ(afi_safi_name(kIpv6Unicast), "ipv6-unicast");
  EXPECT_EQ(afi_safi_name({static_cast<Afi>(25), static_cast<Safi>(70)}), "afi 25 safi 70");
  EXPECT_STREQ(message_type_name(MessageType::kRouteRefresh), "ROUTE-REFRESH");
}

}  // namespace
}  // namespace vgw::bgp::wire
