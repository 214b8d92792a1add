// Payload bodies other than SA (RFC 7296 3.4-3.16): byte-exact vectors built from the RFC
// layouts, round trips, and the length, count and range errors of each.
#include <gtest/gtest.h>

#include "wire_test_util.h"

namespace vgw::ike::wire {
namespace {

using test::hex;

template <typename T>
Bytes encode(const T& p) {
  Bytes out;
  ByteWriter w(out);
  EXPECT_TRUE(serialize(p, w).ok());
  return out;
}

template <typename Parse>
void expect_round_trip(const Bytes& body, Parse parse) {
  auto p = parse(body);
  ASSERT_TRUE(p.ok()) << to_string(p.error());
  EXPECT_EQ(encode(*p), body);
}

TEST(Ke, VectorAndErrors) {
  const Bytes b = hex("000e 0000 0102030405060708");  // MODP_2048, reserved, (short) data
  auto ke = parse_ke(b);
  ASSERT_TRUE(ke.ok());
  EXPECT_EQ(ke->group, dh::kModp2048);
  EXPECT_EQ(ke->data, hex("0102030405060708"));
  expect_round_trip(b, parse_ke);
  EXPECT_EQ(test::first_parsing_prefix(b, parse_ke), 5u);  // any data at all parses
  EXPECT_FALSE(parse_ke(hex("000e 0000")).ok());            // no Key Exchange Data
  // RESERVED octets are ignored on receipt and sent as zero.
  EXPECT_EQ(encode(*parse_ke(hex("000e ffff 01"))), hex("000e 0000 01"));
}

TEST(Id, Types) {
  auto v4 = parse_id(hex("01 000000 c0000201"));  // ID_IPV4_ADDR 192.0.2.1
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->address()->to_string(), "192.0.2.1");
  EXPECT_EQ(IdPayload::from_address(*v4->address()), *v4);
  auto v6 = parse_id(hex("05 000000 20010db8000000000000000000000001"));
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->address()->to_string(), "2001:db8::1");
  auto fqdn = parse_id(hex("02 000000 7667772e6578616d706c65"));
  ASSERT_TRUE(fqdn.ok());
  EXPECT_EQ(*fqdn, IdPayload::fqdn("vgw.example"));
  EXPECT_FALSE(fqdn->address());
  for (const char* b : {"03 000000 61406578616d706c65",  // ID_RFC822_ADDR a@example
                        "09 000000 3010310e300c06035504031305766777",  // ID_DER_ASN1_DN
                        "0b 000000 6b6579"})                           // ID_KEY_ID "key"
    expect_round_trip(hex(b), parse_id);
}

TEST(Id, Errors) {
  EXPECT_FALSE(parse_id(hex("01 000000 c00002")).ok());      // IPv4 of 3 octets
  EXPECT_FALSE(parse_id(hex("01 000000 c0000201ff")).ok());  // IPv4 of 5 octets
  EXPECT_FALSE(parse_id(hex("05 000000 20010db8")).ok());    // IPv6 of 4 octets
  EXPECT_FALSE(parse_id(hex("02 000000")).ok());             // empty identity
  EXPECT_FALSE(parse_id(hex("02 0000")).ok());               // short fixed part
  EXPECT_FALSE(parse_id({}).ok());
}

TEST(Cert, OpaqueCertAndCertReq) {
  const Bytes b = hex("04 308201");  // X509_SIGNATURE, first octets of a DER certificate
  auto c = parse_cert(b);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->encoding, CertEncoding::kX509Signature);
  expect_round_trip(b, parse_cert);
  EXPECT_TRUE(parse_cert(hex("04")).ok());  // empty CERTREQ: any CA
  EXPECT_FALSE(parse_cert({}).ok());
}

TEST(Auth, VectorAndErrors) {
  const Bytes b = hex("02 000000 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  auto a = parse_auth(b);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->method, AuthMethod::kSharedKeyMic);
  EXPECT_EQ(a->data.size(), 32u);
  expect_round_trip(b, parse_auth);
  EXPECT_EQ(test::first_parsing_prefix(b, parse_auth), 5u);
  EXPECT_EQ(auth_method_name(AuthMethod::kDigitalSignature), "DIGITAL_SIGNATURE");
}

TEST(Nonce, SixteenTo256Octets) {
  EXPECT_FALSE(parse_nonce(Bytes(15, 1)).ok());
  EXPECT_TRUE(parse_nonce(Bytes(16, 1)).ok());
  EXPECT_TRUE(parse_nonce(Bytes(256, 1)).ok());
  auto e = parse_nonce(Bytes(257, 1));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().notify, NotifyType::kInvalidSyntax);
  expect_round_trip(Bytes(32, 0xbb), parse_nonce);
}

TEST(Notify, WithAndWithoutSpi) {
  // N(REKEY_SA) for ESP SPI 0xc0ffee01 (RFC 7296 1.3.3).
  const Bytes rekey = hex("03 04 4009 c0ffee01");
  auto n = parse_notify(rekey);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->protocol, ProtocolId::kEsp);
  EXPECT_EQ(n->type, NotifyType::kRekeySa);
  EXPECT_EQ(n->spi, hex("c0ffee01"));
  EXPECT_TRUE(n->data.empty());
  EXPECT_FALSE(n->is_error());
  expect_round_trip(rekey, parse_notify);
  // N(INVALID_KE_PAYLOAD) with the accepted group (RFC 7296 1.2): error type 17, data 0x000e.
  auto ke = parse_notify(hex("00 00 0011 000e"));
  ASSERT_TRUE(ke.ok());
  EXPECT_TRUE(ke->is_error());
  EXPECT_EQ(ke->data, hex("000e"));
  // N(COOKIE) (RFC 7296 2.6).
  expect_round_trip(hex("00 00 4006 0123456789abcdef"), parse_notify);
}

TEST(Notify, Errors) {
  EXPECT_FALSE(parse_notify(hex("03 04 40")).ok());          // short fixed part
  EXPECT_FALSE(parse_notify(hex("03 04 4009 c0ffee")).ok()); // SPI runs past the payload
  EXPECT_FALSE(parse_notify(hex("01 ff 4009")).ok());
  EXPECT_EQ(test::first_parsing_prefix(hex("03 04 4009 c0ffee01"), parse_notify), 8u);
}

TEST(Notify, NamesOfEveryRequiredType) {
  EXPECT_EQ(notify_type_name(NotifyType::kUnsupportedCriticalPayload),
            "UNSUPPORTED_CRITICAL_PAYLOAD");
  EXPECT_EQ(notify_type_name(NotifyType::kTemporaryFailure), "TEMPORARY_FAILURE");
  EXPECT_EQ(notify_type_name(NotifyType::kIkev2FragmentationSupported),
            "IKEV2_FRAGMENTATION_SUPPORTED");
  EXPECT_EQ(static_cast<uint16_t>(NotifyType::kIkev2FragmentationSupported), 16430);
  EXPECT_EQ(notify_type_name(NotifyType::kMobikeSupported), "MOBIKE_SUPPORTED");
  EXPECT_EQ(notify_type_name(static_cast<NotifyType>(40000)), "notify 40000");
  // The name table and the enum agree, and each error type is below 16384.
  for (const NamedValue& v : notify_types()) {
    EXPECT_EQ(notify_type_name(static_cast<NotifyType>(v.value)), v.name);
    EXPECT_EQ(is_error_notify(static_cast<NotifyType>(v.value)), v.value < 16384) << v.name;
  }
}

TEST(Delete, IkeAndEsp) {
  auto ike = parse_delete(hex("01 00 0000"));
  ASSERT_TRUE(ike.ok());
  EXPECT_EQ(ike->protocol, ProtocolId::kIke);
  EXPECT_TRUE(ike->spis.empty());
  expect_round_trip(hex("01 00 0000"), parse_delete);
  const Bytes esp = hex("03 04 0002 c0ffee01 c0ffee02");
  auto d = parse_delete(esp);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->spis, (std::vector<uint32_t>{0xc0ffee01, 0xc0ffee02}));
  expect_round_trip(esp, parse_delete);
}

TEST(Delete, Errors) {
  for (const char* b : {
           "03 04 0002 c0ffee01",           // fewer SPIs than announced
           "03 04 0001 c0ffee01 c0ffee02",  // more
           "03 08 0001 c0ffee01c0ffee02",   // ESP with SPI size 8
           "01 00 0001",                    // IKE deletion with a count
           "01 08 0000",                    // IKE deletion with an SPI size
           "01 00 0000 00",                 // IKE deletion with octets after it
           "07 04 0000",                    // unknown protocol
           "03 04 00",                      // short
       })
    EXPECT_FALSE(parse_delete(hex(b)).ok()) << b;
  DeletePayload bad{ProtocolId::kIke, {1}};
  Bytes out;
  ByteWriter w(out);
  EXPECT_FALSE(serialize(bad, w).ok());
}

TEST(VendorId, NonEmpty) {
  expect_round_trip(hex("882fe56d6fd20dbc2251613b2ebe5beb"), parse_vendor_id);  // strongSwan
  EXPECT_FALSE(parse_vendor_id({}).ok());
}

const Bytes kTsV4 = hex(R"(
  02 000000                                  # 2 selectors
  07 06 0010 01bb 01bb c0000200 c00002ff     # TCP port 443, 192.0.2.0-192.0.2.255
  07 00 0010 0000 ffff 0a000001 0a000001     # any, 10.0.0.1
)");

TEST(Ts, Ipv4Vector) {
  auto ts = parse_ts(kTsV4);
  ASSERT_TRUE(ts.ok()) << to_string(ts.error());
  ASSERT_EQ(ts->selectors.size(), 2u);
  const TrafficSelector& a = ts->selectors[0];
  EXPECT_EQ(a.type(), TsType::kIpv4AddrRange);
  EXPECT_EQ(a.ip_protocol, 6);
  EXPECT_EQ(a.start_port, 443);
  EXPECT_EQ(a.end_port, 443);
  EXPECT_EQ(a.start.to_string(), "192.0.2.0");
  EXPECT_EQ(a.end.to_string(), "192.0.2.255");
  const TrafficSelector expected{6, 443, 443, *IpAddress::parse("192.0.2.0"),
                                 *IpAddress::parse("192.0.2.255")};
  EXPECT_EQ(a, expected);
  expect_round_trip(kTsV4, parse_ts);
  // No prefix parses: the count says 2.
  EXPECT_EQ(test::first_parsing_prefix(kTsV4, parse_ts), kTsV4.size());
}

TEST(Ts, Ipv6AndBuilders) {
  const Bytes b = hex(R"(
    01 000000
    08 00 0028 0000 ffff                       # TS_IPV6_ADDR_RANGE, length 40
    20010db8000000000000000000000000
    20010db800000000ffffffffffffffff
  )");
  auto ts = parse_ts(b);
  ASSERT_TRUE(ts.ok()) << to_string(ts.error());
  EXPECT_EQ(ts->selectors[0], TrafficSelector::from_prefix(*Prefix::parse("2001:db8::/64")));
  expect_round_trip(b, parse_ts);
  TsPayload any{{TrafficSelector::any(Family::kIpv4), TrafficSelector::any(Family::kIpv6)}};
  EXPECT_EQ(*parse_ts(encode(any)), any);
  EXPECT_EQ(TrafficSelector::from_prefix(*Prefix::parse("10.1.0.0/16")).end.to_string(),
            "10.1.255.255");
}

TEST(Ts, OpaquePortsAreNotBackwards) {
  // RFC 7296 3.13.1: OPAQUE ports are start 65535, end 0.
  EXPECT_TRUE(parse_ts(hex("01 000000 07 11 0010 ffff 0000 0a000000 0a0000ff")).ok());
}

TEST(Ts, Errors) {
  for (const char* b : {
           "00 000000",                                          // no selectors
           "02 000000 07 00 0010 0000 ffff 0a000000 0a0000ff",   // count 2, one present
           "01 000000 07 00 0010 0000 ffff 0a000000 0a0000ff 07",  // octets after the count
           "01 000000 07 00 0014 0000 ffff 0a000000 0a0000ff",   // IPv4 with length 20
           "01 000000 08 00 0010 0000 ffff 0a000000 0a0000ff",   // IPv6 with length 16
           "01 000000 07 00 0010 0000 ffff 0a000000",            // truncated addresses
           "01 000000 07 00 0010 0050 0016 0a000000 0a0000ff",   // ports 80-22
           "01 000000 07 00 0010 0000 ffff 0a0000ff 0a000000",   // addresses backwards
           "01 0000",                                            // short
       })
    EXPECT_FALSE(parse_ts(hex(b)).ok()) << b;
  // A TS type vgw does not know is answered with TS_UNACCEPTABLE.
  auto fc = parse_ts(hex("01 000000 09 00 0010 0000 ffff 0a000000 0a0000ff"));
  ASSERT_FALSE(fc.ok());
  EXPECT_EQ(fc.error().notify, NotifyType::kTsUnacceptable);
  EXPECT_EQ(fc.error().offset, 4u);
  // Serializing refuses an empty payload and mixed families.
  Bytes out;
  ByteWriter w(out);
  EXPECT_FALSE(serialize(TsPayload{}, w).ok());
  TrafficSelector mixed = TrafficSelector::any(Family::kIpv4);
  mixed.end = TrafficSelector::any(Family::kIpv6).end;
  EXPECT_FALSE(serialize(TsPayload{{mixed}}, w).ok());
}

TEST(Cp, RequestVector) {
  // CFG_REQUEST for INTERNAL_IP4_ADDRESS (empty) and INTERNAL_IP4_DNS (empty), then a
  // reply carrying 10.8.0.2 (RFC 7296 3.15.1, 2.19).
  const Bytes req = hex("01 000000 0001 0000 0003 0000");
  auto cp = parse_cp(req);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->type, CfgType::kRequest);
  ASSERT_EQ(cp->attributes.size(), 2u);
  EXPECT_EQ(cp->attributes[1].type, cfg_attr::kInternalIp4Dns);
  expect_round_trip(req, parse_cp);
  expect_round_trip(hex("02 000000 0001 0004 0a080002"), parse_cp);
  EXPECT_EQ(cfg_attribute_name(cfg_attr::kInternalIp4Address), "INTERNAL_IP4_ADDRESS");
  // The R bit is ignored on receipt.
  EXPECT_EQ(parse_cp(hex("01 000000 8001 0000"))->attributes[0].type, 1);
}

TEST(Cp, Errors) {
  EXPECT_FALSE(parse_cp(hex("05 000000")).ok());            // CFG Type 5
  EXPECT_FALSE(parse_cp(hex("01 000000 0001 00")).ok());    // truncated attribute header
  EXPECT_FALSE(parse_cp(hex("01 000000 0001 0004 0a08")).ok());  // value runs past
  EXPECT_FALSE(parse_cp(hex("01 00")).ok());
}

TEST(Eap, Opaque) {
  const Bytes b = hex("01 01 0009 01 76677731");  // Request/Identity (RFC 3748)
  expect_round_trip(b, parse_eap);
  EXPECT_FALSE(parse_eap(hex("01 01 00")).ok());
}

}  // namespace
}  // namespace vgw::ike::wire
