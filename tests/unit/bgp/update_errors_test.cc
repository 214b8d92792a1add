// Malformed UPDATEs: one case per RFC 7606 / RFC 4271 6.3 rule, checking the action, the
// NOTIFICATION code/subcode/data and that the NLRI are still reported for withdrawal.
#include <gtest/gtest.h>

#include "wire_test_util.h"

namespace vgw::bgp::wire {
namespace {

using test::attr;
using test::Bytes;
using test::cat;
using test::hex;

constexpr uint8_t kWK = attr_flag::kTransitive;
constexpr uint8_t kOT = attr_flag::kOptional | attr_flag::kTransitive;
constexpr uint8_t kON = attr_flag::kOptional;

const Bytes kOrigin = hex("40 01 01 00");
const Bytes kAsPath = hex("40 02 06 02 01 0000fde9");
const Bytes kNextHop = hex("40 03 04 c0000201");
const Bytes kNlri = hex("18 c63364");  // 198.51.100.0/24

struct Decoded {
  bool ok = false;
  Update update;
  ParseError fatal;
};

Decoded decode(const Bytes& attrs, const Bytes& nlri = kNlri, SessionContext ctx = {},
               const Bytes& withdrawn = {}) {
  Decoded d;
  auto r = parse_update(test::update_body(withdrawn, attrs, nlri), ctx, d.update);
  d.ok = r.ok();
  if (!r.ok()) d.fatal = r.error();
  return d;
}

// Expects a usable UPDATE whose single diagnostic has the given action and subcode.
void expect_one(const Decoded& d, ErrorAction action, uint8_t subcode) {
  ASSERT_TRUE(d.ok) << to_string(d.fatal);
  EXPECT_EQ(d.update.action, action);
  ASSERT_EQ(d.update.errors.size(), 1u) << to_string(d.update.errors[0]);
  EXPECT_EQ(d.update.errors[0].action, action);
  EXPECT_EQ(d.update.errors[0].code, err::kUpdateMessage);
  EXPECT_EQ(d.update.errors[0].subcode, subcode) << to_string(d.update.errors[0]);
}

void expect_fatal(const Decoded& d, ErrorAction action, uint8_t subcode) {
  ASSERT_FALSE(d.ok);
  EXPECT_EQ(d.fatal.action, action) << to_string(d.fatal);
  EXPECT_EQ(d.fatal.code, err::kUpdateMessage);
  EXPECT_EQ(d.fatal.subcode, subcode) << to_string(d.fatal);
}

TEST(Rfc7606, ValidUpdateHasNoDiagnostics) {
  auto d = decode(cat({kOrigin, kAsPath, kNextHop}));
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.update.action, ErrorAction::kNone);
  EXPECT_TRUE(d.update.errors.empty());
}

// 7.1 ORIGIN
TEST(Rfc7606, OriginUndefinedValueIsTreatAsWithdraw) {
  Bytes bad = hex("40 01 01 03");
  auto d = decode(cat({bad, kAsPath, kNextHop}));
  expect_one(d, ErrorAction::kTreatAsWithdraw, err::kInvalidOriginAttribute);
  EXPECT_EQ(d.update.errors[0].data, bad);  // RFC 4271 6.3: the attribute as data
  EXPECT_EQ(d.update.nlri, std::vector<Ipv4Prefix>{test::p4("198.51.100.0/24")});
  EXPECT_TRUE(d.update.treat_as_withdraw());
}

TEST(Rfc7606, OriginBadLengthIsTreatAsWithdraw) {
  auto d = decode(cat({hex("40 01 02 0000"), kAsPath, kNextHop}));
  expect_one(d, ErrorAction::kTreatAsWithdraw, err::kAttributeLengthError);
}

// 3.c: Optional/Transitive bits in conflict -> malformed -> the attribute's action.
TEST(Rfc7606, FlagsConflictUsesTheAttributesAction) {
  auto d = decode(cat({hex("c0 01 01 00"), kAsPath, kNextHop}));
  expect_one(d, ErrorAction::kTreatAsWithdraw, err::kAttributeFlagsError);
  // ATOMIC_AGGREGATE with wrong flags is discarded instead (7.6).
  auto a = decode(cat({kOrigin, kAsPath, kNextHop, hex("c0 06 00")}));
  expect_one(a, ErrorAction::kAttributeDiscard, err::kAttributeFlagsError);
  EXPECT_FALSE(a.update.attributes.atomic_aggregate());
}

TEST(Rfc7606, PartialAndExtendedLengthBitsAreNotFlagErrors) {
  auto d = decode(cat({hex("50 01 0001 00"), kAsPath, kNextHop}));  // Extended Length ORIGIN
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.update.action, ErrorAction::kNone);
}

// 7.2 AS_PATH
TEST(Rfc7606, AsPathSegmentOverrunIsTreatAsWithdraw) {
  auto d = decode(cat({kOrigin, hex("40 02 06 02 02 0000fde9"), kNextHop}));
  expect_one(d, ErrorAction::kTreatAsWithdraw, err::kMalformedAsPath);
  EXPECT_FALSE(d.update.attributes.has(attr::kAsPath));
  EXPECT_TRUE(d.update.attributes.as_path.empty());
}

TEST(Rfc7606, AsPathUnderrunZeroSegmentAndBadTypeAreTreatAsWithdraw) {
  for (const char* bad : {"40 02 07 02 01 0000fde9 02",   // trailing octet (underrun)
                          "40 02 02 02 00",               // zero-length segment
                          "40 02 06 05 01 0000fde9",      // segment type 5
                          "40 02 06 02 01 00000000"}) {   // AS 0 (RFC 7607)
    auto d = decode(cat({kOrigin, hex(bad), kNextHop}));
    expect_one(d, ErrorAction::kTreatAsWithdraw, err::kMalformedAsPath);
  }
}

TEST(Rfc7606, ConfederationSegmentsOnlyFromInsideTheConfederation) {
  Bytes confed = hex("40 02 0c 03 01 0000fe00 02 01 0000fde9");  // (65024) 65001
  auto ext = decode(cat({kOrigin, confed, kNextHop}));
  expect_one(ext, ErrorAction::kTreatAsWithdraw, err::kMalformedAsPath);
  SessionContext member;
  member.peer = PeerKind::kConfederation;
  auto ok = decode(cat({kOrigin, confed, kNextHop}), kNlri, member);
  ASSERT_TRUE(ok.ok);
  EXPECT_EQ(ok.update.action, ErrorAction::kNone);
  EXPECT_EQ(ok.update.attributes.as_path.to_string(), "(65024) 65001");
  // A confederation segment after an AS_SEQUENCE is misplaced.
  auto late = decode(cat({kOrigin, hex("40 02 0c 02 01 0000fde9 03 01 0000fe00"), kNextHop}),
                     kNlri, member);
  expect_one(late, ErrorAction::kTreatAsWithdraw, err::kMalformedAsPath);
}

// 7.3 NEXT_HOP, 7.4 MED
TEST(Rfc7606, NextHopAndMedLengthErrorsAreTreatAsWithdraw) {
  expect_one(decode(cat({kOrigin, kAsPath, hex("40 03 05 c000020100")})),
             ErrorAction::kTreatAsWithdraw, err::kAttributeLengthError);
  expect_one(decode(cat({kOrigin, kAsPath, kNextHop, hex("80 04 03 000001")})),
             ErrorAction::kTreatAsWithdraw, err::kAttributeLengthError);
}

// 7.5 LOCAL_PREF
TEST(Rfc7606, LocalPrefFromExternalPeerIsDiscarded) {
  auto d = decode(cat({kOrigin, kAsPath, kNextHop, hex("40 05 04 00000064")}));
  expect_one(d, ErrorAction::kAttributeDiscard, err::kAttributeLengthError);
  EXPECT_FALSE(d.update.attributes.has(attr::kLocalPref));
  EXPECT_EQ(d.update.attributes.local_pref, 0u);
  // Even a malformed one is just discarded.
  expect_one(decode(cat({kOrigin, kAsPath, kNextHop, hex("40 05 01 00")})),
             ErrorAction::kAttributeDiscard, err::kAttributeLengthError);
}

TEST(Rfc7606, LocalPrefBadLengthFromInternalPeerIsTreatAsWithdraw) {
  SessionContext ibgp;
  ibgp.peer = PeerKind::kInternal;
  expect_one(decode(cat({kOrigin, kAsPath, kNextHop, hex("40 05 03 000064")}), kNlri, ibgp),
             ErrorAction::kTreatAsWithdraw, err::kAttributeLengthError);
  auto ok = decode(cat({kOrigin, kAsPath, kNextHop, hex("40 05 04 00000064")}), kNlri, ibgp);
  ASSERT_TRUE(ok.ok);
  EXPECT_EQ(ok.update.attributes.local_pref, 100u);
}

// 7.6 ATOMIC_AGGREGATE, 7.7 AGGREGATOR
TEST(Rfc7606, AtomicAggregateAndAggregatorLengthErrorsAreDiscarded) {
  auto a = decode(cat({kOrigin, kAsPath, kNextHop, hex("40 06 01 00")}));
  expect_one(a, ErrorAction::kAttributeDiscard, err::kAttributeLengthError);
  // 4-octet session: AGGREGATOR must be 8 octets.
  auto g = decode(cat({kOrigin, kAsPath, kNextHop, hex("c0 07 06 fde9 c0000202")}));
  expect_one(g, ErrorAction::kAttributeDiscard, err::kAttributeLengthError);
  EXPECT_FALSE(g.update.attributes.has(attr::kAggregator));
  EXPECT_EQ(g.update.attributes.aggregator, Aggregator{});
  // ... and 6 on a 2-octet session.
  SessionContext two;
  two.four_octet_as = false;
  auto t = decode(
      cat({kOrigin, hex("40 02 04 02 01 fde9"), kNextHop, hex("c0 07 06 fde9 c0000202")}), kNlri,
      two);
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.update.action, ErrorAction::kNone);
  EXPECT_EQ(t.update.attributes.aggregator, (Aggregator{65001, 0xc0000202}));
}

// 7.8 COMMUNITIES, 7.9 ORIGINATOR_ID, 7.10 CLUSTER_LIST, 7.14 EXTENDED_COMMUNITIES,
// RFC 8092 LARGE_COMMUNITY: length errors -> treat-as-withdraw.
TEST(Rfc7606, ListAttributeLengthErrorsAreTreatAsWithdraw) {
  for (const char* bad : {"c0 08 00", "c0 08 06 000100020003", "80 09 03 0a0000",
                          "80 0a 00", "80 0a 06 0a0000020a00", "c0 10 0c 000000000000000000000000",
                          "c0 20 0d 00000001000000020000000300", "c0 20 00"}) {
    auto d = decode(cat({kOrigin, kAsPath, kNextHop, hex(bad)}));
    expect_one(d, ErrorAction::kTreatAsWithdraw, err::kAttributeLengthError);
    EXPECT_EQ(d.update.errors[0].data, hex(bad)) << bad;
  }
}

// 3.g duplicates
TEST(Rfc7606, RepeatedAttributeKeepsTheFirst) {
  auto d = decode(cat({kOrigin, kAsPath, kNextHop, hex("c0 08 04 fde90001"),
                       hex("c0 08 04 fde90002")}));
  expect_one(d, ErrorAction::kAttributeDiscard, err::kMalformedAttributeList);
  EXPECT_EQ(d.update.attributes.communities, std::vector<uint32_t>{0xfde90001});
  // Repeated ORIGIN: the first (valid) one counts.
  auto o = decode(cat({kOrigin, hex("40 01 01 02"), kAsPath, kNextHop}));
  expect_one(o, ErrorAction::kAttributeDiscard, err::kMalformedAttributeList);
  EXPECT_EQ(o.update.attributes.origin, Origin::kIgp);
}

TEST(Rfc7606, RepeatedMpReachResetsTheSession) {
  Bytes reach = hex("80 0e 15 0002 01 10 20010db8000000000000000000000001 00");
  expect_fatal(decode(cat({reach, reach, kOrigin, kAsPath}), {}), ErrorAction::kSessionReset,
               err::kMalformedAttributeList);
  Bytes unreach = hex("80 0f 03 0002 01");
  expect_fatal(decode(cat({unreach, unreach}), {}), ErrorAction::kSessionReset,
               err::kMalformedAttributeList);
}

// 7.11 / 7.12 / 5.3 MP_REACH_NLRI / MP_UNREACH_NLRI
TEST(Rfc7606, MpReachBadNextHopLengthDisablesTheFamily) {
  Bytes reach = hex("80 0e 0b 0002 01 05 0102030405 00 00");  // next hop of 5 octets
  auto d = decode(cat({reach, kOrigin, kAsPath}), {});
  expect_fatal(d, ErrorAction::kAfiSafiDisable, err::kOptionalAttributeError);
  EXPECT_EQ(d.fatal.afi_safi, kIpv6Unicast);
  EXPECT_EQ(d.fatal.data, reach);
}

TEST(Rfc7606, MpReachNlriOverrunDisablesTheFamily) {
  Bytes reach = hex("80 0e 19 0002 01 10 20010db8000000000000000000000001 00 40 20010d");
  auto d = decode(cat({reach, kOrigin, kAsPath}), {});
  expect_fatal(d, ErrorAction::kAfiSafiDisable, err::kOptionalAttributeError);
  EXPECT_EQ(d.fatal.afi_safi, kIpv6Unicast);
  Bytes unreach = hex("80 0f 05 0002 01 81 00");  // prefix length 129
  expect_fatal(decode(cat({unreach}), {}), ErrorAction::kAfiSafiDisable,
               err::kOptionalAttributeError);
}

TEST(Rfc7606, MpReachTooShortForAfiSafiResetsTheSession) {
  expect_fatal(decode(cat({hex("80 0e 02 0002"), kOrigin, kAsPath}), {}),
               ErrorAction::kSessionReset, err::kAttributeLengthError);
  expect_fatal(decode(cat({hex("80 0f 01 00")}), {}), ErrorAction::kSessionReset,
               err::kAttributeLengthError);
}

TEST(Rfc7606, MpReachWithWrongFlagsDisablesTheFamily) {
  Bytes reach = hex("c0 0e 15 0002 01 10 20010db8000000000000000000000001 00");
  auto d = decode(cat({reach, kOrigin, kAsPath}), {});
  expect_fatal(d, ErrorAction::kAfiSafiDisable, err::kAttributeFlagsError);
  EXPECT_EQ(d.fatal.afi_safi, kIpv6Unicast);
}

TEST(Rfc7606, MpReachForAFamilyNotEnabledIsIgnored) {
  SessionContext v4only;
  v4only.ipv6_unicast = false;
  Bytes reach = hex("80 0e 1c 0002 01 10 20010db8000000000000000000000001 00 30 20010db80001");
  auto d = decode(cat({reach, kOrigin, kAsPath, kNextHop}), kNlri, v4only);
  expect_one(d, ErrorAction::kAttributeDiscard, err::kOptionalAttributeError);
  EXPECT_FALSE(d.update.has_mp_reach);
  EXPECT_EQ(d.update.nlri.size(), 1u);
}

TEST(Rfc7606, Ipv4NlriWithIpv6NextHopNeedsExtendedNextHop) {
  Bytes reach = hex("80 0e 19 0001 01 10 20010db8000000000000000000000001 00 18 c63364");
  auto plain = decode(cat({reach, kOrigin, kAsPath}), {});
  expect_fatal(plain, ErrorAction::kAfiSafiDisable, err::kOptionalAttributeError);
  EXPECT_EQ(plain.fatal.afi_safi, kIpv4Unicast);
  SessionContext enh;
  enh.extended_next_hop_ipv4 = true;
  auto ok = decode(cat({reach, kOrigin, kAsPath}), {}, enh);
  ASSERT_TRUE(ok.ok) << to_string(ok.fatal);
  EXPECT_EQ(ok.update.mp_reach.next_hop.global.to_string(), "2001:db8::1");
  EXPECT_EQ(ok.update.mp_reach.nlri4, std::vector<Ipv4Prefix>{test::p4("198.51.100.0/24")});
}

// 3.d missing well-known mandatory attributes
TEST(Rfc7606, MissingMandatoryAttributeIsTreatAsWithdraw) {
  auto d = decode(cat({kAsPath, kNextHop}));
  expect_one(d, ErrorAction::kTreatAsWithdraw, err::kMissingWellKnownAttribute);
  EXPECT_EQ(d.update.errors[0].data, Bytes{attr::kOrigin});
  auto nh = decode(cat({kOrigin, kAsPath}));
  expect_one(nh, ErrorAction::kTreatAsWithdraw, err::kMissingWellKnownAttribute);
  EXPECT_EQ(nh.update.errors[0].data, Bytes{attr::kNextHop});
  // No attributes at all with NLRI: ORIGIN, AS_PATH and NEXT_HOP are all missing.
  auto none = decode({});
  ASSERT_TRUE(none.ok);
  EXPECT_EQ(none.update.errors.size(), 3u);
  EXPECT_TRUE(none.update.treat_as_withdraw());
}

TEST(Rfc7606, NextHopIsNotNeededForMpOnlyAnnouncements) {
  Bytes reach = hex("80 0e 1c 0002 01 10 20010db8000000000000000000000001 00 30 20010db80001");
  auto d = decode(cat({reach, kOrigin, kAsPath}), {});
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.update.action, ErrorAction::kNone);
  auto missing = decode(cat({reach}), {});
  ASSERT_TRUE(missing.ok);
  EXPECT_TRUE(missing.update.treat_as_withdraw());
  EXPECT_EQ(missing.update.errors.size(), 2u);  // ORIGIN and AS_PATH
  EXPECT_EQ(missing.update.mp_reach.nlri6.size(), 1u);  // still listed for withdrawal
}

TEST(Rfc7606, MissingAttributesDoNotMatterWithoutNlri) {
  auto d = decode(cat({hex("c0 08 04 fde90001")}), {});
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.update.action, ErrorAction::kNone);
}

TEST(Rfc7606, MalformedAttributeIsNotAlsoReportedMissing) {
  auto d = decode(cat({hex("40 01 01 07"), kAsPath, kNextHop}));
  expect_one(d, ErrorAction::kTreatAsWithdraw, err::kInvalidOriginAttribute);
}

// Section 4: attribute lengths in conflict with the Total Path Attribute Length.
TEST(Rfc7606, AttributeOverrunningTheAttributesFieldIsTreatAsWithdraw) {
  Bytes attrs = cat({kOrigin, kAsPath, hex("40 03 08 c0000201")});  // 8 > 4 remaining
  auto d = decode(attrs, hex("18 c63364 18 cb0071"));
  expect_one(d, ErrorAction::kTreatAsWithdraw, err::kAttributeLengthError);
  EXPECT_EQ(d.update.nlri.size(), 2u);  // NLRI located by the total length
}

TEST(Rfc7606, TruncatedAttributeHeaderIsTreatAsWithdraw) {
  auto d = decode(cat({kOrigin, kAsPath, kNextHop, hex("c0 08")}));
  expect_one(d, ErrorAction::kTreatAsWithdraw, err::kMalformedAttributeList);
  auto ext = decode(cat({kOrigin, kAsPath, kNextHop, hex("d0 08 00")}));  // needs 4 octets
  expect_one(ext, ErrorAction::kTreatAsWithdraw, err::kMalformedAttributeList);
}

TEST(Rfc7606, MpAttributeOverrunningTheAttributesFieldResetsTheSession) {
  expect_fatal(decode(cat({kOrigin, kAsPath, hex("80 0e 20 0002 01 10")}), {}),
               ErrorAction::kSessionReset, err::kAttributeLengthError);
}

// 5.3 and RFC 4271 6.3: NLRI and length fields.
TEST(Rfc7606, NlriSyntaxErrorsResetTheSession) {
  expect_fatal(decode(cat({kOrigin, kAsPath, kNextHop}), hex("21 c0000201 00")),
               ErrorAction::kSessionReset, err::kInvalidNetworkField);  // /33
  expect_fatal(decode(cat({kOrigin, kAsPath, kNextHop}), hex("18 c633")),
               ErrorAction::kSessionReset, err::kInvalidNetworkField);  // overrun
  expect_fatal(decode({}, {}, {}, hex("20 c00002")), ErrorAction::kSessionReset,
               err::kInvalidNetworkField);  // withdrawn overrun
}

TEST(Rfc7606, LengthFieldsRunningPastTheMessageResetTheSession) {
  Update u;
  auto w = parse_update(hex("0010 00 0000"), {}, u);  // withdrawn length 16, 3 octets follow
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().subcode, err::kMalformedAttributeList);
  auto a = parse_update(hex("0000 0010 400101"), {}, u);  // attribute length 16, 3 follow
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().subcode, err::kMalformedAttributeList);
  EXPECT_FALSE(parse_update(hex("00"), {}, u).ok());
  EXPECT_FALSE(parse_update(hex("0000 00"), {}, u).ok());
}

// RFC 4271 5: unknown attributes.
TEST(UnknownAttributes, UnrecognizedWellKnownIsTreatAsWithdraw) {
  Bytes bad = hex("40 63 01 00");
  auto d = decode(cat({kOrigin, kAsPath, kNextHop, bad}));
  expect_one(d, ErrorAction::kTreatAsWithdraw, err::kUnrecognizedWellKnownAttribute);
  EXPECT_EQ(d.update.errors[0].data, bad);
}

TEST(UnknownAttributes, OptionalTransitiveIsKeptWithPartialSet) {
  auto d = decode(cat({kOrigin, kAsPath, kNextHop, hex("c0 63 02 abcd")}));
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.update.action, ErrorAction::kNone);
  EXPECT_EQ(test::to_hex(d.update.attributes.unknown), "e06302abcd");
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize_update(d.update, {}, out).ok());
  EXPECT_NE(test::to_hex(out).find("e06302abcd"), std::string::npos);
}

TEST(UnknownAttributes, OptionalNonTransitiveIsDropped) {
  auto d = decode(cat({kOrigin, kAsPath, kNextHop, hex("80 63 02 abcd")}));
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.update.action, ErrorAction::kNone);
  EXPECT_TRUE(d.update.attributes.unknown.empty());
}

TEST(UnknownAttributes, KeptSortedByTypeAndInterleavedOnEncode) {
  // Received out of order: 99 before 40, with a known COMMUNITIES (8) and LARGE (32).
  auto d = decode(cat({kOrigin, kAsPath, kNextHop, hex("c0 63 01 01"), hex("c0 28 01 02"),
                       hex("c0 08 04 fde90001"), hex("c0 20 0c 000000010000000200000003")}));
  ASSERT_TRUE(d.ok);
  auto u = d.update.attributes.unknown_attributes();
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].type, 40);
  EXPECT_EQ(u[1].type, 99);
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize_update(d.update, {}, out).ok());
  std::string h = test::to_hex(out);
  size_t comm = h.find("c00804"), large = h.find("c0200c"), a40 = h.find("e02801"),
         a99 = h.find("e06301");
  ASSERT_NE(a40, std::string::npos);
  EXPECT_LT(comm, large);
  EXPECT_LT(large, a40);  // 32 < 40 < 99
  EXPECT_LT(a40, a99);
}

TEST(PartialBit, KnownOptionalTransitiveKeepsPartialOnReadvertisement) {
  auto d = decode(cat({kOrigin, kAsPath, kNextHop, hex("e0 08 04 fde90001")}));
  ASSERT_TRUE(d.ok);
  EXPECT_TRUE(d.update.attributes.partial >> attr::kCommunities & 1);
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize_update(d.update, {}, out).ok());
  EXPECT_NE(test::to_hex(out).find("e00804fde90001"), std::string::npos);
}

TEST(As4Attributes, FromAFourOctetSpeakerAreDiscarded) {
  auto d = decode(cat({kOrigin, kAsPath, kNextHop, hex("c0 11 06 02 01 0000fdea")}));
  expect_one(d, ErrorAction::kAttributeDiscard, err::kOptionalAttributeError);
  EXPECT_EQ(d.update.attributes.as_path.to_string(), "65001");
  auto g = decode(cat({kOrigin, kAsPath, kNextHop, hex("c0 12 08 0000fdea c0000201")}));
  expect_one(g, ErrorAction::kAttributeDiscard, err::kOptionalAttributeError);
}

TEST(Diagnostics, AreBoundedAndTheWorstActionWins) {
  Bytes attrs = cat({kOrigin, kAsPath, kNextHop});
  for (int i = 0; i < 40; ++i) attrs = cat({attrs, hex("40 06 00")});  // 39 repeats
  attrs = cat({attrs, hex("c0 08 00")});                               // malformed: TAW
  auto d = decode(attrs);
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.update.action, ErrorAction::kTreatAsWithdraw);
  EXPECT_LE(d.update.errors.size(), 16u);
}

TEST(Diagnostics, NotificationFromParseError) {
  auto d = decode(cat({hex("40 01 01 03"), kAsPath, kNextHop}));
  Notification n = Notification::from(d.update.errors[0]);
  std::vector<uint8_t> out;
  serialize_notification(n, out);
  EXPECT_EQ(test::to_hex(out), "ffffffffffffffffffffffffffffffff0019030306" "40010103");
  EXPECT_EQ(n.to_string(), "UPDATE Message Error / Invalid ORIGIN Attribute data 40010103");
}

}  // namespace
}  // namespace vgw::bgp::wire
