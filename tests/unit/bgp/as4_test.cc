// 2-octet AS sessions (RFC 6793): AS4_PATH / AS4_AGGREGATOR reconstruction on receipt
// (section 4.2.3) and AS_TRANS + AS4_* generation when sending (section 4.2.2).
#include <gtest/gtest.h>

#include "wire_test_util.h"

namespace vgw::bgp::wire {
namespace {

using test::Bytes;
using test::cat;
using test::hex;

SessionContext two_octet(PeerKind peer = PeerKind::kExternal) {
  SessionContext c;
  c.four_octet_as = false;
  c.peer = peer;
  return c;
}

const Bytes kOrigin = hex("40 01 01 00");
const Bytes kNextHop = hex("40 03 04 c0000201");
const Bytes kNlri = hex("18 c63364");

Update decode2(const Bytes& attrs, PeerKind peer = PeerKind::kExternal) {
  Update u;
  auto r = parse_update(test::update_body({}, attrs, kNlri), two_octet(peer), u);
  EXPECT_TRUE(r.ok()) << to_string(r.error());
  return u;
}

TEST(As4Reconstruction, Section423MergesTheLeadingPart) {
  auto u = decode2(cat({kOrigin,
                        hex("40 02 0a 02 04 fde9 5ba0 5ba0 fdea"),  // 65001 AS_TRANS AS_TRANS 65002
                        kNextHop,
                        hex("c0 11 0e 02 03 00030d40 000493e0 0000fdea")}));  // 200000 300000 65002
  EXPECT_EQ(u.action, ErrorAction::kNone);
  EXPECT_EQ(u.attributes.as_path.to_string(), "65001 200000 300000 65002");
}

TEST(As4Reconstruction, As4PathLongerThanAsPathIsIgnored) {
  auto u = decode2(cat({kOrigin, hex("40 02 04 02 01 5ba0"), kNextHop,
                        hex("c0 11 0a 02 02 00030d40 000493e0")}));
  EXPECT_EQ(u.attributes.as_path.to_string(), "23456");
}

TEST(As4Reconstruction, AggregatorWithAsTransTakesAs4Aggregator) {
  auto u = decode2(cat({kOrigin, hex("40 02 06 02 02 fde9 5ba0"), kNextHop,
                        hex("c0 07 06 5ba0 c0000202"),            // AGGREGATOR AS_TRANS
                        hex("c0 11 0a 02 02 0000fde9 00030d40"),  // AS4_PATH 65001 200000
                        hex("c0 12 08 00030d40 c0000202")}));     // AS4_AGGREGATOR 200000
  EXPECT_EQ(u.attributes.aggregator, (Aggregator{200000, 0xc0000202}));
  EXPECT_EQ(u.attributes.as_path.to_string(), "65001 200000");
}

TEST(As4Reconstruction, AggregatorWithoutAsTransIgnoresBothAs4Attributes) {
  auto u = decode2(cat({kOrigin, hex("40 02 06 02 02 fde9 5ba0"), kNextHop,
                        hex("c0 07 06 fdea c0000202"),  // set by an OLD speaker: 65002
                        hex("c0 11 0a 02 02 0000fde9 00030d40"),
                        hex("c0 12 08 00030d40 c0000202")}));
  EXPECT_EQ(u.attributes.aggregator, (Aggregator{65002, 0xc0000202}));
  EXPECT_EQ(u.attributes.as_path.to_string(), "65001 23456");
}

TEST(As4Reconstruction, AsSetCountsOneAndIsTakenWhole) {
  // AS_PATH: {1,2} 65001 AS_TRANS (length 3); AS4_PATH: 65001 200000 (length 2).
  auto u = decode2(cat({kOrigin, hex("40 02 0c 01 02 0001 0002 02 02 fde9 5ba0"), kNextHop,
                        hex("c0 11 0a 02 02 0000fde9 00030d40")}));
  EXPECT_EQ(u.attributes.as_path.to_string(), "{1,2} 65001 200000");
}

TEST(As4Reconstruction, LeadingConfederationSegmentsAreKept) {
  auto u = decode2(cat({kOrigin, hex("40 02 0a 03 01 fe00 02 02 fde9 5ba0"), kNextHop,
                        hex("c0 11 0a 02 02 0000fde9 00030d40")}),
                   PeerKind::kConfederation);
  EXPECT_EQ(u.attributes.as_path.to_string(), "(65024) 65001 200000");
}

TEST(As4Reconstruction, ConfederationSegmentsInAs4PathAreRemoved) {
  auto u = decode2(cat({kOrigin, hex("40 02 06 02 02 fde9 5ba0"), kNextHop,
                        hex("c0 11 10 03 01 0000fe00 02 02 0000fde9 00030d40")}));
  EXPECT_EQ(u.attributes.as_path.to_string(), "65001 200000");
  ASSERT_EQ(u.errors.size(), 1u);  // logged (RFC 6793 6)
  EXPECT_EQ(u.action, ErrorAction::kAttributeDiscard);
}

TEST(As4Reconstruction, MalformedAs4PathIsDiscardedAndAsPathUsed) {
  for (const char* bad : {"c0 11 05 02 01 0000fd",        // too short / odd
                          "c0 11 06 02 00 00000000",      // zero-length segment
                          "c0 11 06 07 01 0000fdea",      // bad segment type
                          "c0 11 06 02 01 00000000"}) {   // AS 0
    auto u = decode2(cat({kOrigin, hex("40 02 04 02 01 5ba0"), kNextHop, hex(bad)}));
    EXPECT_EQ(u.action, ErrorAction::kAttributeDiscard) << bad;
    EXPECT_EQ(u.attributes.as_path.to_string(), "23456") << bad;
  }
  auto g = decode2(cat({kOrigin, hex("40 02 04 02 01 5ba0"), kNextHop,
                        hex("c0 07 06 5ba0 c0000202"), hex("c0 12 06 0000fdea 0000")}));
  EXPECT_EQ(g.action, ErrorAction::kAttributeDiscard);
  EXPECT_EQ(g.attributes.aggregator, (Aggregator{23456, 0xc0000202}));
}

// Sending to an OLD speaker (RFC 6793 4.2.2).
TEST(As4Encoding, FourOctetAsnsBecomeAsTransWithAs4Path) {
  Update u;
  u.attributes.set_origin(Origin::kIgp);
  const uint32_t path[] = {65001, 200000, 65002};
  u.attributes.set_as_path(AsPath::sequence(path));
  u.attributes.set_next_hop(0xc0000201);
  u.attributes.aggregator = {200000, 0xc0000202};
  u.attributes.set(attr::kAggregator);
  u.nlri = {test::p4("198.51.100.0/24")};
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize_update(u, two_octet(), out).ok());
  const Bytes expected = test::message(
      MessageType::kUpdate,
      test::update_body({},
                        hex(R"(
        40 01 01 00                            # ORIGIN IGP
        40 02 08 02 03 fde9 5ba0 fdea          # AS_PATH 65001 AS_TRANS 65002 (2-octet)
        40 03 04 c0000201                      # NEXT_HOP
        c0 07 06 5ba0 c0000202                 # AGGREGATOR AS_TRANS 192.0.2.2
        c0 11 0e 02 03 0000fde9 00030d40 0000fdea  # AS4_PATH 65001 200000 65002
        c0 12 08 00030d40 c0000202             # AS4_AGGREGATOR 200000 192.0.2.2
      )"),
                        kNlri));
  EXPECT_EQ(test::to_hex(out), test::to_hex(expected));
  // And an OLD-session receiver reconstructs the original.
  Update back;
  ASSERT_TRUE(parse_update(std::span(out).subspan(19), two_octet(), back).ok());
  EXPECT_EQ(back, u);
}

TEST(As4Encoding, NoAs4PathWhenEveryAsnFitsTwoOctets) {
  Update u;
  u.attributes.set_origin(Origin::kIgp);
  const uint32_t path[] = {65001, 65002};
  u.attributes.set_as_path(AsPath::sequence(path));
  u.attributes.set_next_hop(0xc0000201);
  u.nlri = {test::p4("198.51.100.0/24")};
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize_update(u, two_octet(), out).ok());
  EXPECT_EQ(test::to_hex(out).find("c011"), std::string::npos);
  EXPECT_NE(test::to_hex(out).find("4002060202fde9fdea"), std::string::npos);
}

TEST(As4Encoding, ConfederationSegmentsStayOutOfAs4Path) {
  Update u;
  u.attributes.set_origin(Origin::kIgp);
  const uint32_t confed[] = {65024};
  const uint32_t seq[] = {200000};
  u.attributes.as_path.append(SegmentType::kConfedSequence, confed);
  u.attributes.as_path.append(SegmentType::kSequence, seq);
  u.attributes.set(attr::kAsPath);
  u.attributes.set_next_hop(0xc0000201);
  u.nlri = {test::p4("198.51.100.0/24")};
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize_update(u, two_octet(PeerKind::kConfederation), out).ok());
  std::string h = test::to_hex(out);
  EXPECT_NE(h.find("40020803" "01fe00" "0201" "5ba0"), std::string::npos);  // AS_PATH
  EXPECT_NE(h.find("c01106" "0201" "00030d40"), std::string::npos);         // AS4_PATH
  Update back;
  ASSERT_TRUE(
      parse_update(std::span(out).subspan(19), two_octet(PeerKind::kConfederation), back).ok());
  EXPECT_EQ(back.attributes.as_path, u.attributes.as_path);
}

TEST(As4Encoding, LongPathsSplitIntoSegmentsOf255AndMergeBack) {
  Update u;
  u.attributes.set_origin(Origin::kIgp);
  std::vector<uint32_t> path;
  for (uint32_t i = 0; i < 300; ++i) path.push_back(64512 + i % 1000);
  u.attributes.set_as_path(AsPath::sequence(path));
  u.attributes.set_next_hop(0xc0000201);
  u.nlri = {test::p4("198.51.100.0/24")};
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize_update(u, {}, out).ok());
  // AS_PATH: extended length (2 + 255*4 + 2 + 45*4 = 1204 octets), two AS_SEQUENCE segments.
  EXPECT_NE(test::to_hex(out).find("500204b402ff"), std::string::npos);
  Update back;
  ASSERT_TRUE(parse_update(std::span(out).subspan(19), {}, back).ok());
  EXPECT_EQ(back.attributes.as_path.path_length(), 300u);
  EXPECT_EQ(back, u);
}

}  // namespace
}  // namespace vgw::bgp::wire
