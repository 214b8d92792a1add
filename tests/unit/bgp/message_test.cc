// Message header (RFC 4271 4.1, 6.1), KEEPALIVE, NOTIFICATION with shutdown communication
// (RFC 9003) and ROUTE-REFRESH (RFC 2918, RFC 7313): vectors, round trips and errors.
#include <gtest/gtest.h>

#include "wire_test_util.h"

namespace vgw::bgp::wire {
namespace {

using test::Bytes;
using test::hex;

const Bytes kKeepalive = hex("ffffffffffffffffffffffffffffffff 0013 04");

Bytes cat_header(const char* length_and_type) {
  return hex(std::string("ffffffffffffffffffffffffffffffff ") + length_and_type);
}

ParseError header_error(const Bytes& b) {
  auto h = parse_header(b);
  EXPECT_FALSE(h.ok());
  return h.ok() ? ParseError{} : h.error();
}

TEST(Header, Keepalive) {
  auto h = parse_header(kKeepalive);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->length, 19);
  EXPECT_EQ(h->type, MessageType::kKeepalive);
  auto m = parse_message(kKeepalive, {});
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(std::holds_alternative<Keepalive>(*m));
  std::vector<uint8_t> out;
  ASSERT_TRUE(serialize(*m, {}, out).ok());
  EXPECT_EQ(out, kKeepalive);
}

TEST(Header, OnlyTheFirst19OctetsAreNeeded) {
  Bytes b = hex("ffffffffffffffffffffffffffffffff 0017 02 0000 0000");
  auto h = parse_header(std::span(b).first(19));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->length, 23);
  EXPECT_EQ(h->type, MessageType::kUpdate);
}

TEST(Header, Errors) {
  auto e = header_error(hex("ffffffffffffffffffffffffffff00ff 0013 04"));
  EXPECT_EQ(e.subcode, err::kConnectionNotSynchronized);
  EXPECT_EQ(e.code, err::kMessageHeader);
  EXPECT_EQ(e.action, ErrorAction::kSessionReset);
  e = header_error(hex("ffffffffffffffffffffffffffffffff 0012 04"));
  EXPECT_EQ(e.subcode, err::kBadMessageLength);
  EXPECT_EQ(e.data, hex("0012"));
  e = header_error(hex("ffffffffffffffffffffffffffffffff 1001 02"));  // 4097
  EXPECT_EQ(e.subcode, err::kBadMessageLength);
  EXPECT_EQ(e.data, hex("1001"));
  e = header_error(hex("ffffffffffffffffffffffffffffffff 0013 06"));
  EXPECT_EQ(e.subcode, err::kBadMessageType);
  EXPECT_EQ(e.data, hex("06"));
  // Per-type minimums (RFC 4271 6.1).
  for (const char* h : {"0014 04", "001c 01", "0016 02", "0014 03"}) {
    e = header_error(cat_header(h));
    EXPECT_EQ(e.subcode, err::kBadMessageLength) << h;
  }
  e = header_error(hex("ffffffffffffffff"));
  EXPECT_EQ(e.subcode, err::kConnectionNotSynchronized);
}

TEST(Header, MessageLengthMustMatchTheOctetsGiven) {
  Bytes b = hex("ffffffffffffffffffffffffffffffff 0017 02 0000 0000 00");
  auto m = parse_message(b, {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().subcode, err::kBadMessageLength);
}

// RFC 9003 2: Cease / Administrative Shutdown with "maintenance".
const Bytes kShutdown = hex(R"(
  ffffffffffffffffffffffffffffffff 0021 03  # header, length 33, NOTIFICATION
  06 02                                     # Cease / Administrative Shutdown
  0b 6d61696e74656e616e6365                 # length 11, "maintenance"
)");

TEST(Notification, ShutdownCommunication) {
  auto m = parse_message(kShutdown, {});
  ASSERT_TRUE(m.ok());
  const Notification& n = std::get<Notification>(*m);
  EXPECT_EQ(n.code, err::kCease);
  EXPECT_EQ(n.subcode, err::kAdministrativeShutdown);
  EXPECT_EQ(n.shutdown_communication(), "maintenance");
  EXPECT_EQ(n.to_string(), "Cease / Administrative Shutdown: \"maintenance\"");
  std::vector<uint8_t> out;
  serialize_notification(Notification::shutdown(err::kAdministrativeShutdown, "maintenance"), out);
  EXPECT_EQ(out, kShutdown);
}

TEST(Notification, LongShutdownCommunicationIsCutAtACharacterBoundary) {
  std::string text(254, 'a');
  text += "\xc3\xa9";  // U+00E9 as two octets, crossing the 255 limit
  Notification n = Notification::shutdown(err::kAdministrativeReset, text);
  EXPECT_EQ(n.data[0], 254);
  EXPECT_EQ(n.shutdown_communication(), std::string(254, 'a'));
}

TEST(Notification, MalformedShutdownCommunicationIsNotReturned) {
  Notification n{err::kCease, err::kAdministrativeShutdown, {5, 'a', 'b'}};
  EXPECT_FALSE(n.shutdown_communication());
  EXPECT_EQ(n.to_string(), "Cease / Administrative Shutdown data 056162");
  Notification other{err::kCease, err::kPeerDeconfigured, {1, 'a'}};
  EXPECT_FALSE(other.shutdown_communication());
}

TEST(Notification, PlainRoundTripAndNames) {
  Notification n{err::kOpenMessage, err::kUnsupportedCapability, {0x41, 0x04, 0, 0, 0xfd, 0xe9}};
  std::vector<uint8_t> out;
  serialize_notification(n, out);
  auto m = parse_message(out, {});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(std::get<Notification>(*m), n);
  EXPECT_EQ(error_name(err::kHoldTimerExpired, 0), "Hold Timer Expired");
  EXPECT_EQ(error_name(err::kUpdateMessage, err::kMalformedAsPath),
            "UPDATE Message Error / Malformed AS_PATH");
  EXPECT_EQ(error_name(99, 3), "error code 99 / subcode 3");
}

TEST(Notification, OversizedDataIsCut) {
  Notification n{err::kCease, 0, std::vector<uint8_t>(5000, 1)};
  std::vector<uint8_t> out;
  serialize_notification(n, out);
  EXPECT_EQ(out.size(), kMaxMessageSize);
  EXPECT_TRUE(parse_message(out, {}).ok());
}

TEST(RouteRefresh, NormalAndEnhancedSubtypes) {
  const Bytes normal = hex(R"(
    ffffffffffffffffffffffffffffffff 0017 05  # length 23, ROUTE-REFRESH
    0001 00 01                                # AFI IPv4, subtype 0, SAFI unicast
  )");
  const Bytes borr = hex("ffffffffffffffffffffffffffffffff 0017 05 0002 01 01");
  const Bytes eorr = hex("ffffffffffffffffffffffffffffffff 0017 05 0002 02 01");
  auto n = parse_message(normal, {});
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::get<RouteRefresh>(*n), (RouteRefresh{kIpv4Unicast, RefreshSubtype::kNormal}));
  auto b = parse_message(borr, {});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(std::get<RouteRefresh>(*b), (RouteRefresh{kIpv6Unicast, RefreshSubtype::kBegin}));
  auto e = parse_message(eorr, {});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(std::get<RouteRefresh>(*e).subtype, RefreshSubtype::kEnd);
  for (const Bytes* v : {&normal, &borr, &eorr}) {
    std::vector<uint8_t> out;
    ASSERT_TRUE(serialize(*parse_message(*v, {}), {}, out).ok());
    EXPECT_EQ(out, *v);
  }
}

TEST(RouteRefresh, UnknownSubtypeParsesForTheSessionToIgnore) {
  auto m = parse_message(hex("ffffffffffffffffffffffffffffffff 0017 05 0001 07 01"), {});
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(std::get<RouteRefresh>(*m).is_known_subtype());
}

TEST(RouteRefresh, BadLengthOfBorrCarriesTheWholeMessage) {
  const Bytes bad = hex("ffffffffffffffffffffffffffffffff 0018 05 0001 01 01 00");
  auto m = parse_message(bad, {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, err::kRouteRefreshMessage);
  EXPECT_EQ(m.error().subcode, err::kInvalidMessageLength);
  EXPECT_EQ(m.error().data, bad);
  auto plain = parse_message(hex("ffffffffffffffffffffffffffffffff 0016 05 0001 00"), {});
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error().code, err::kMessageHeader);
  EXPECT_EQ(plain.error().subcode, err::kBadMessageLength);
}

}  // namespace
}  // namespace vgw::bgp::wire
