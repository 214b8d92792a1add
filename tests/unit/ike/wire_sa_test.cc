// SA payload (RFC 7296 3.3): proposals, transforms, attributes, SPI sizes, substructure
// lengths and counts, and the transform name tables.
#include <gtest/gtest.h>

#include "wire_test_util.h"

namespace vgw::ike::wire {
namespace {

using test::hex;

// An ESP offer: AES-GCM-16 256 + no ESN, then AES-CBC 128 + HMAC-SHA2-256-128 + ESN/no ESN.
const Bytes kEspOffer = hex(R"(
  02 00 0020 01 03 04 02 c0ffee01    # proposal 1, ESP, SPI size 4, 2 transforms, length 32
    03 00 000c 01 00 0014 800e0100   # ENCR AES_GCM_16, Key Length 256
    00 00 0008 05 00 0000            # ESN: no (last)
  00 00 0030 02 03 04 04 c0ffee01    # proposal 2 (last), length 48, 4 transforms
    03 00 000c 01 00 000c 800e0080   # ENCR AES_CBC, Key Length 128
    03 00 0008 03 00 000c            # INTEG HMAC_SHA2_256_128
    03 00 0008 05 00 0001            # ESN: yes
    00 00 0008 05 00 0000            # ESN: no (last)
)");

Bytes encode(const SaPayload& sa) {
  Bytes out;
  ByteWriter w(out);
  EXPECT_TRUE(serialize(sa, w).ok());
  return out;
}

TEST(Sa, EspOfferVector) {
  auto sa = parse_sa(kEspOffer);
  ASSERT_TRUE(sa.ok()) << to_string(sa.error());
  ASSERT_EQ(sa->proposals.size(), 2u);
  const Proposal& p1 = sa->proposals[0];
  EXPECT_EQ(p1.number, 1);
  EXPECT_EQ(p1.protocol, ProtocolId::kEsp);
  EXPECT_EQ(p1.spi, hex("c0ffee01"));
  ASSERT_EQ(p1.transforms.size(), 2u);
  EXPECT_EQ(p1.transforms[0].type, TransformType::kEncr);
  EXPECT_EQ(p1.transforms[0].id, encr::kAesGcm16);
  EXPECT_EQ(p1.transforms[0].key_length(), 256);
  EXPECT_EQ(p1.transforms[1].type, TransformType::kEsn);
  EXPECT_FALSE(p1.transforms[1].key_length());
  const Proposal& p2 = sa->proposals[1];
  EXPECT_EQ(p2.of_type(TransformType::kEsn).size(), 2u);
  EXPECT_EQ(p2.of_type(TransformType::kInteg)[0]->id, integ::kHmacSha2_256_128);
  EXPECT_EQ(encode(*sa), kEspOffer);
}

TEST(Sa, BuiltOfferEncodesToTheVector) {
  SaPayload sa;
  Proposal p{1, ProtocolId::kEsp, hex("c0ffee01"), {}};
  p.transforms = {{TransformType::kEncr, encr::kAesGcm16, {TransformAttribute::key_length(256)}},
                  {TransformType::kEsn, esn::kNo, {}}};
  Proposal q{2, ProtocolId::kEsp, hex("c0ffee01"), {}};
  q.transforms = {{TransformType::kEncr, encr::kAesCbc, {TransformAttribute::key_length(128)}},
                  {TransformType::kInteg, integ::kHmacSha2_256_128, {}},
                  {TransformType::kEsn, esn::kYes, {}},
                  {TransformType::kEsn, esn::kNo, {}}};
  sa.proposals = {p, q};
  EXPECT_EQ(encode(sa), kEspOffer);
}

TEST(Sa, TlvAttributesAndUnknownValuesAreKept) {
  // Transform type 9 (unknown), attribute 99 in TLV form with 3 octets, protocol ID 7.
  const Bytes b = hex(R"(
    00 00 0017 01 07 00 01          # last proposal, length 23, protocol 7, no SPI, 1 transform
      00 00 000f 09 00 0063 0063 0003 aabbcc   # type 9, ID 99, TLV attribute 99 = aabbcc
  )");
  auto sa = parse_sa(b);
  ASSERT_TRUE(sa.ok()) << to_string(sa.error());
  const Transform& t = sa->proposals[0].transforms[0];
  EXPECT_EQ(static_cast<int>(t.type), 9);
  ASSERT_EQ(t.attributes.size(), 1u);
  EXPECT_FALSE(t.attributes[0].tv);
  EXPECT_EQ(t.attributes[0].value, hex("aabbcc"));
  EXPECT_EQ(encode(*sa), b);
}

TEST(Sa, IkeSpiSizes) {
  // IKE with SPI size 0 (IKE_SA_INIT) and 8 (rekey) parse; 4 does not.
  EXPECT_TRUE(parse_sa(hex("00 00 0010 01 01 00 01 00 00 0008 01 00 000c")).ok());
  EXPECT_TRUE(parse_sa(hex("00 00 0018 01 01 08 01 0102030405060708 00 00 0008 01 00 000c")).ok());
  auto e = parse_sa(hex("00 00 0014 01 01 04 01 01020304 00 00 0008 01 00 000c"));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().text.find("SPI size 4 for IKE"), std::string::npos);
  // ESP and AH need 4.
  EXPECT_FALSE(parse_sa(hex("00 00 0010 01 03 00 01 00 00 0008 01 00 000c")).ok());
  EXPECT_FALSE(parse_sa(hex("00 00 0018 01 02 08 01 0102030405060708 00 00 0008 03 00 000c")).ok());
}

TEST(Sa, ProposalWithoutTransformsParses) {
  // Num Transforms 0 agrees with the octets; negotiation will not choose it.
  auto sa = parse_sa(hex("00 00 0008 01 01 00 00"));
  ASSERT_TRUE(sa.ok());
  EXPECT_TRUE(sa->proposals[0].transforms.empty());
}

TEST(Sa, LayoutErrors) {
  for (const char* b : {
           "",                                                  // no proposals
           "00 00 0010 01 01 00 02 00 00 0008 01 00 000c",      // Num Transforms 2, 1 present
           "00 00 0010 01 01 00 00 00 00 0008 01 00 000c",      // Num Transforms 0, 1 present
           "02 00 0010 01 01 00 01 00 00 0008 01 00 000c",      // last proposal says more
           "00 00 0010 01 01 00 01 00 00 0008 01 00 000c 00",   // octet after the last
           "01 00 0010 01 01 00 01 00 00 0008 01 00 000c",      // Last Substruc 1
           "00 00 0010 01 01 00 01 03 00 0008 01 00 000c",      // last transform says more
           "00 00 0010 01 01 00 01 02 00 0008 01 00 000c",      // transform Last Substruc 2
           "00 00 0007 01 01 00 01",                            // proposal length 7
           "00 00 0011 01 01 00 01 00 00 0008 01 00 000c",      // proposal runs past
           "00 00 000f 01 01 00 01 00 00 0007 01 00 000c",      // transform length 7
           "00 00 0010 01 01 00 01 00 00 0009 01 00 000c",      // transform runs past
           "00 00 0012 01 01 00 01 00 00 000a 01 00 000c 800e",     // TV attribute cut
           "00 00 0014 01 01 00 01 00 00 000c 01 00 000c 000e 0002",  // TLV value missing
           "00 00 0018 01 01 00 01 00 00 0008 01 00 000c 00 00 0008 01 00 000c",  // 2 after last
           "02 00 0010 01 01 00 01 00 00 0008 01 00 000c 00 00 0007 02 01 00 00",  // proposal 7
       }) {
    auto sa = parse_sa(hex(b));
    ASSERT_FALSE(sa.ok()) << b;
    EXPECT_EQ(sa.error().notify, NotifyType::kInvalidSyntax) << b;
  }
}

TEST(Sa, EveryTruncationFails) {
  EXPECT_EQ(test::first_parsing_prefix(kEspOffer, parse_sa), kEspOffer.size());
  const Bytes init = test::ike_sa_init_request();
  const Bytes sa_body(init.begin() + 32, init.begin() + 112);  // the SA payload's body
  ASSERT_TRUE(parse_sa(sa_body).ok());
  EXPECT_EQ(test::first_parsing_prefix(sa_body, parse_sa), sa_body.size());
}

TEST(Sa, ErrorOffsetsPointIntoTheBody) {
  // Proposal 2's transform has length 7: proposal 2 starts at 16, its transform at 24.
  auto sa = parse_sa(hex(
      "02 00 0010 01 01 00 01 00 00 0008 01 00 000c  00 00 0010 02 01 00 01 00 00 0007 01 00 000c"));
  ASSERT_FALSE(sa.ok());
  EXPECT_EQ(sa.error().offset, 24u);
  EXPECT_NE(sa.error().text.find("proposal 2"), std::string::npos);
}

TEST(Sa, SerializeRefusesWhatCannotBeEncoded) {
  Bytes out;
  ByteWriter w(out);
  SaPayload sa{{Proposal{1, ProtocolId::kIke, Bytes(256, 0), {}}}};
  EXPECT_FALSE(serialize(sa, w).ok());
  Transform t{TransformType::kEncr, encr::kAesCbc, {{transform_attr::kKeyLength, true, {1}}}};
  sa = SaPayload{{Proposal{1, ProtocolId::kIke, {}, {t}}}};
  EXPECT_FALSE(serialize(sa, w).ok());
  Proposal many{1, ProtocolId::kIke, {}, std::vector<Transform>(256)};
  EXPECT_FALSE(serialize(SaPayload{{many}}, w).ok());
}

TEST(TransformNames, TheIdsVgwNeeds) {
  EXPECT_EQ(transform_id_name(TransformType::kEncr, encr::kAesCbc), "AES_CBC");
  EXPECT_EQ(transform_id_name(TransformType::kEncr, encr::kAesGcm16), "AES_GCM_16");
  EXPECT_EQ(transform_id_name(TransformType::kEncr, encr::kChacha20Poly1305),
            "CHACHA20_POLY1305");
  EXPECT_EQ(transform_id_name(TransformType::kPrf, prf::kHmacSha2_384), "PRF_HMAC_SHA2_384");
  EXPECT_EQ(transform_id_name(TransformType::kInteg, integ::kHmacSha2_512_256),
            "HMAC_SHA2_512_256");
  EXPECT_EQ(transform_id_name(TransformType::kDh, dh::kModp3072), "MODP_3072");
  EXPECT_EQ(transform_id_name(TransformType::kDh, dh::kEcp521), "ECP_521");
  EXPECT_EQ(transform_id_name(TransformType::kDh, dh::kCurve25519), "CURVE25519");
  EXPECT_EQ(transform_id_name(TransformType::kEsn, esn::kYes), "ESN");
  EXPECT_EQ(transform_id_name(TransformType::kEncr, 99), "ENCR 99");
  EXPECT_EQ(transform_id_name(static_cast<TransformType>(9), 1), "transform type 9 1");
  EXPECT_EQ(transform_type_name(TransformType::kDh), "DH");
  EXPECT_EQ(protocol_id_name(ProtocolId::kEsp), "ESP");
  EXPECT_EQ(exchange_type_name(ExchangeType::kCreateChildSa), "CREATE_CHILD_SA");
  EXPECT_EQ(payload_type_name(PayloadType::kEncryptedFragment), "SKF");
  EXPECT_EQ(payload_type_name(static_cast<PayloadType>(99)), "payload 99");
  EXPECT_EQ(id_type_name(IdType::kDerAsn1Dn), "ID_DER_ASN1_DN");
  EXPECT_EQ(ts_type_name(TsType::kIpv6AddrRange), "TS_IPV6_ADDR_RANGE");
  EXPECT_EQ(cfg_type_name(CfgType::kReply), "CFG_REPLY");
  EXPECT_EQ(cert_encoding_name(CertEncoding::kX509Signature), "X509_SIGNATURE");
  for (TransformType t : {TransformType::kEncr, TransformType::kPrf, TransformType::kInteg,
                          TransformType::kDh, TransformType::kEsn})
    for (const NamedValue& v : transform_ids(t)) EXPECT_EQ(transform_id_name(t, v.value), v.name);
}

}  // namespace
}  // namespace vgw::ike::wire
