// IKE header (RFC 7296 3.1), payload chains and the generic payload header (3.2, critical
// bit), whole messages, and the SK / SKF layout the crypto layer uses (3.14, RFC 7383 2.5,
// RFC 5282 5.1): vectors, round trips, and every truncation and length error.
#include <gtest/gtest.h>

#include "wire_test_util.h"

namespace vgw::ike::wire {
namespace {

using test::cat;
using test::hex;

// IKE_AUTH request, decrypted SK contents: IDi, AUTH, SA, TSi, TSr, N(INITIAL_CONTACT).
const Bytes kIkeAuthInner = hex(R"(
  27 00 0013 02 000000 7667772e6578616d706c65   # IDi, next AUTH: ID_FQDN "vgw.example"
  21 00 0028 02 000000                           # AUTH, next SA: SHARED_KEY_MIC
    1111111111111111111111111111111111111111111111111111111111111111
  2c 00 0024                                     # SA, next TSi, length 36
    00 00 0020 01 03 04 02 c0ffee01              # last proposal 1, ESP, SPI size 4, 2 transforms
      03 00 000c 01 00 0014 800e0100             # ENCR AES_GCM_16, Key Length 256
      00 00 0008 05 00 0000                      # ESN: no
  2d 00 0018 01 000000                           # TSi, next TSr: 1 selector
    07 00 0010 0000 ffff 0a000000 0a0000ff       # IPv4 any protocol, ports 0-65535, 10.0.0.0-255
  29 00 0018 01 000000                           # TSr, next N
    07 00 0010 0000 ffff c0a80000 c0a800ff       # 192.168.0.0-192.168.0.255
  00 00 0008 00 00 4000                          # N(INITIAL_CONTACT), last
)");

// An IKE_AUTH request as sent: header + SK with an 8-octet IV, 16 octets of ciphertext and a
// 16-octet ICV (the octets are placeholders; this layer never decrypts).
const Bytes kIkeAuthSk = hex(R"(
  0102030405060708 1112131415161718   # SPIs
  2e 20 23 08                         # next SK (46), 2.0, IKE_AUTH (35), I flag
  00000001 00000048                   # message ID 1, length 72
  23 00 002c                          # SK: first inner payload IDi (35), length 44
  a0a1a2a3a4a5a6a7                    # IV
  b0b1b2b3b4b5b6b7b8b9babbbcbdbebf    # ciphertext (padding and Pad Length inside)
  c0c1c2c3c4c5c6c7c8c9cacbcccdcecf    # ICV
)");

// The first of three IKE_AUTH fragments (RFC 7383 2.5).
const Bytes kIkeAuthSkf = hex(R"(
  0102030405060708 1112131415161718
  35 20 23 08 00000001 0000003c       # next SKF (53), length 60
  23 00 0020 0001 0003                # SKF: first inner IDi, length 32, fragment 1 of 3
  a0a1a2a3a4a5a6a7                    # IV
  b0b1b2b3b4b5b6b7                    # ciphertext
  c0c1c2c3c4c5c6c7                    # ICV
)");

TEST(Header, IkeSaInitRequestFields) {
  const Bytes b = test::ike_sa_init_request();
  auto h = parse_header(b);
  ASSERT_TRUE(h.ok()) << to_string(h.error());
  EXPECT_EQ(h->initiator_spi, 0x0102030405060708u);
  EXPECT_EQ(h->responder_spi, 0u);
  EXPECT_EQ(h->next_payload, PayloadType::kSa);
  EXPECT_EQ(h->major_version, 2);
  EXPECT_EQ(h->minor_version, 0);
  EXPECT_EQ(h->exchange, ExchangeType::kIkeSaInit);
  EXPECT_TRUE(h->initiator);
  EXPECT_FALSE(h->response);
  EXPECT_FALSE(h->version);
  EXPECT_EQ(h->message_id, 0u);
  EXPECT_EQ(h->length, b.size());
}

TEST(Header, FlagsAndUnknownFlagBitsIgnored) {
  Bytes b = hex("0000000000000001 0000000000000002 00 20 25 ff 00000007 0000001c");
  auto h = parse_header(b);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->initiator && h->version && h->response);
  EXPECT_EQ(h->exchange, ExchangeType::kInformational);
  EXPECT_EQ(h->flags(), 0x38);
  // Serialized without the X bits (RFC 7296 3.1: sent as zero).
  auto out = serialize_message(Message{*h, {}, {}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, hex("0000000000000001 0000000000000002 00 20 25 38 00000007 0000001c"));
}

TEST(Header, MinorVersionIsIgnored) {
  auto h = parse_header(hex("0000000000000001 0000000000000000 00 21 22 08 00000000 0000001c"));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->minor_version, 1);
}

TEST(Header, OtherMajorVersionAnswersInvalidMajorVersion) {
  for (const char* v : {"10", "30", "f0"}) {
    auto h = parse_header(hex(std::string("0000000000000001 0000000000000000 00 ") + v +
                              " 22 08 00000000 0000001c"));
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.error().notify, NotifyType::kInvalidMajorVersion) << v;
  }
}

TEST(Header, ShortOrWrongLengthIsDropped) {
  auto h = parse_header(hex("0000000000000001 0000000000000000 00 20 22 08 00000000"));
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().notify, NotifyType::kNone);
  // Length says 29, datagram has 28; then says 27.
  for (const char* len : {"0000001d", "0000001b", "00000000", "ffffffff"}) {
    auto e = parse_header(hex(std::string("0000000000000001 0000000000000000 00 20 22 08 "
                                          "00000000 ") + len));
    ASSERT_FALSE(e.ok()) << len;
    EXPECT_EQ(e.error().notify, NotifyType::kNone);
    EXPECT_EQ(e.error().offset, 24u);
  }
}

TEST(Message, IkeSaInitRequestVectorAndRoundTrip) {
  const Bytes b = test::ike_sa_init_request();
  auto m = parse_message(b);
  ASSERT_TRUE(m.ok()) << to_string(m.error());
  EXPECT_FALSE(m->encrypted);
  ASSERT_EQ(m->payloads.size(), 7u);
  EXPECT_EQ(describe(*m),
            "IKE_SA_INIT request 0 [ SA KE Nonce N(NAT_DETECTION_SOURCE_IP) "
            "N(NAT_DETECTION_DESTINATION_IP) N(IKEV2_FRAGMENTATION_SUPPORTED) "
            "N(SIGNATURE_HASH_ALGORITHMS) ]");
  const auto* sa = m->payloads[0].get<SaPayload>();
  ASSERT_NE(sa, nullptr);
  ASSERT_EQ(sa->proposals.size(), 2u);
  EXPECT_EQ(sa->proposals[0].transforms[0].id, encr::kAesGcm16);
  EXPECT_EQ(sa->proposals[0].transforms[0].key_length(), 128);
  EXPECT_EQ(sa->proposals[1].transforms[3].id, dh::kModp2048);
  const auto* ke = m->payloads[1].get<KePayload>();
  ASSERT_NE(ke, nullptr);
  EXPECT_EQ(ke->group, dh::kEcp256);
  EXPECT_EQ(ke->data, Bytes(64, 0xaa));
  EXPECT_EQ(m->payloads[2].get<NoncePayload>()->data, Bytes(32, 0xbb));
  const auto* natd = find_notify(m->payloads, NotifyType::kNatDetectionSourceIp);
  ASSERT_NE(natd, nullptr);
  EXPECT_EQ(natd->data, Bytes(20, 0xcc));
  EXPECT_EQ(find_notify(m->payloads, NotifyType::kSignatureHashAlgorithms)->data,
            hex("0002 0003 0004"));
  EXPECT_EQ(find_error_notify(m->payloads), nullptr);
  auto out = serialize_message(*m);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, b);
  EXPECT_TRUE(check_message(*m).ok());
}

TEST(Message, EveryTruncationFailsAndNeverCrashes) {
  for (const Bytes& full : {test::ike_sa_init_request(), kIkeAuthSk, kIkeAuthSkf}) {
    for (size_t n = 0; n < full.size(); ++n) {
      Bytes b(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      EXPECT_FALSE(parse_message(b).ok()) << n;
      // With the Length field patched to match, the chain itself is cut short.
      if (n >= kHeaderSize) {
        b[26] = static_cast<uint8_t>(n >> 8);
        b[27] = static_cast<uint8_t>(n);
        auto m = parse_message(b);
        ASSERT_FALSE(m.ok()) << n;
        EXPECT_EQ(m.error().notify, NotifyType::kInvalidSyntax) << n;
        EXPECT_GE(m.error().offset, kHeaderSize) << n;
      }
    }
  }
}

TEST(Message, PayloadLengthErrors) {
  const Bytes head = hex("0102030405060708 0000000000000000 2b 20 22 08 00000000");
  auto with = [&](const char* chain) {
    Bytes c = hex(chain);
    Bytes len = {0, 0, 0, static_cast<uint8_t>(kHeaderSize + c.size())};
    return parse_message(cat({head, len, c}));
  };
  // V payload claiming length 3 (below the generic header), then 9 of 8 octets.
  for (const char* chain : {"00 00 0003 aabbccdd", "00 00 0009 aabbccdd"}) {
    auto m = with(chain);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().payload, PayloadType::kVendorId);
    EXPECT_EQ(m.error().offset, kHeaderSize);
  }
  // Bytes after the last payload.
  auto m = with("00 00 0008 aabbccdd ee");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().offset, kHeaderSize + 8);
  // The chain names a next payload the octets do not hold.
  EXPECT_FALSE(with("2b 00 0008 aabbccdd").ok());
  // A body error is located in the message: Nonce of 4 octets at offset 28 + 4.
  m = with("28 00 0008 aabbccdd 00 00 0008 01020304");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().payload, PayloadType::kNonce);
  EXPECT_EQ(m.error().offset, kHeaderSize + 8 + 4);
  EXPECT_NE(m.error().text.find("Nonce payload"), std::string::npos);
}

TEST(Message, UnknownCriticalPayloadIsRefusedWithItsType) {
  // V, then payload type 200 with the critical bit.
  const Bytes b = hex(R"(
    0102030405060708 0000000000000000 2b 20 22 08 00000000 00000030
    c8 00 0008 aabbccdd        # V, next 200
    00 80 000c 01020304 05060708  # type 200, critical
  )");
  auto m = parse_message(b);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().notify, NotifyType::kUnsupportedCriticalPayload);
  EXPECT_EQ(m.error().notify_data, Bytes{200});
  EXPECT_EQ(m.error().payload, static_cast<PayloadType>(200));
  EXPECT_EQ(m.error().offset, 36u);
  EXPECT_EQ(to_string(m.error()).rfind("UNSUPPORTED_CRITICAL_PAYLOAD at offset 36", 0), 0u);
}

TEST(Message, UnknownNonCriticalPayloadIsKeptAndSkipped) {
  const Bytes b = hex(R"(
    0102030405060708 0000000000000000 c8 20 22 08 00000000 00000030
    2b 00 000c 01020304 05060708  # type 200, not critical, next V
    00 00 0008 aabbccdd           # V
  )");
  auto m = parse_message(b);
  ASSERT_TRUE(m.ok()) << to_string(m.error());
  ASSERT_EQ(m->payloads.size(), 2u);
  EXPECT_EQ(m->payloads[0].type, static_cast<PayloadType>(200));
  EXPECT_EQ(m->payloads[0].get<UnknownPayload>()->data, hex("0102030405060708"));
  EXPECT_EQ(m->payloads[1].get<VendorIdPayload>()->data, hex("aabbccdd"));
  EXPECT_EQ(*serialize_message(*m), b);
}

TEST(Message, CriticalBitOnAKnownPayloadIsKept) {
  const Bytes b = hex(
      "0102030405060708 0000000000000000 2b 20 22 08 00000000 00000024 00 80 0008 aabbccdd");
  auto m = parse_message(b);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->payloads[0].critical);
  EXPECT_EQ(*serialize_message(*m), b);
}

TEST(Message, SkLayoutForTheCryptoLayer) {
  auto m = parse_message(kIkeAuthSk);
  ASSERT_TRUE(m.ok()) << to_string(m.error());
  ASSERT_TRUE(m->encrypted);
  EXPECT_TRUE(m->payloads.empty());
  EXPECT_EQ(m->encrypted->first_payload, PayloadType::kIdi);
  EXPECT_FALSE(m->encrypted->fragment);
  EXPECT_EQ(m->encrypted->body.size(), 40u);
  EXPECT_EQ(describe(*m), "IKE_AUTH request 1 [ SK ]");
  EXPECT_EQ(*serialize_message(*m), kIkeAuthSk);
  EXPECT_TRUE(check_message(*m).ok());

  auto v = parse_protected(kIkeAuthSk);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->sk_type, PayloadType::kEncrypted);
  EXPECT_EQ(v->first_payload, PayloadType::kIdi);
  // AEAD associated data: IKE header + SK generic header (RFC 5282 5.1).
  EXPECT_EQ(v->associated_data.size(), 32u);
  EXPECT_EQ(v->associated_data.data(), kIkeAuthSk.data());
  EXPECT_EQ(Bytes(v->body.begin(), v->body.end()),
            Bytes(kIkeAuthSk.begin() + 32, kIkeAuthSk.end()));
  // Encrypt-then-MAC covers everything before the ICV (RFC 7296 3.14).
  EXPECT_EQ(v->authenticated(16).size(), 56u);
  EXPECT_EQ(Bytes(v->icv(16).begin(), v->icv(16).end()),
            hex("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"));
  EXPECT_TRUE(v->authenticated(41).empty());
  EXPECT_TRUE(v->icv(41).empty());
}

TEST(Message, SkfLayoutIncludesFragmentFieldsInTheAssociatedData) {
  auto v = parse_protected(kIkeAuthSkf);
  ASSERT_TRUE(v.ok()) << to_string(v.error());
  EXPECT_EQ(v->sk_type, PayloadType::kEncryptedFragment);
  ASSERT_TRUE(v->fragment);
  EXPECT_EQ(v->fragment->number, 1);
  EXPECT_EQ(v->fragment->total, 3);
  EXPECT_EQ(v->associated_data.size(), 36u);  // RFC 7383 2.5
  EXPECT_EQ(v->body.size(), 24u);
  auto m = parse_message(kIkeAuthSkf);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(describe(*m), "IKE_AUTH request 1 [ SKF(1/3) ]");
  EXPECT_EQ(*serialize_message(*m), kIkeAuthSkf);
}

TEST(Message, SkfFragmentNumbersAreChecked) {
  for (const char* numbers : {"0000 0003", "0004 0003", "0001 0000"}) {
    Bytes b = kIkeAuthSkf;
    Bytes f = hex(numbers);
    std::copy(f.begin(), f.end(), b.begin() + 32);
    auto m = parse_message(b);
    ASSERT_FALSE(m.ok()) << numbers;
    EXPECT_EQ(m.error().payload, PayloadType::kEncryptedFragment);
  }
  Bytes last = kIkeAuthSkf;
  last[33] = 3;  // fragment 3 of 3
  EXPECT_TRUE(parse_message(last).ok());
}

TEST(Message, SkMustEndTheMessage) {
  // SK length 40 in a 72-octet message (4 octets would follow it).
  Bytes b = kIkeAuthSk;
  b[31] = 0x28;
  auto m = parse_message(b);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().payload, PayloadType::kEncrypted);
  EXPECT_EQ(m.error().offset, 28u);
  // SK payload length 3; SKF length 7 (no room for the fragment fields).
  b[31] = 0x03;
  EXPECT_FALSE(parse_message(b).ok());
  Bytes f = kIkeAuthSkf;
  f[31] = 0x07;
  EXPECT_FALSE(parse_message(f).ok());
  // parse_protected refuses a message without SK.
  auto v = parse_protected(test::ike_sa_init_request());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().notify, NotifyType::kInvalidSyntax);
}

TEST(Message, CleartextPayloadsBeforeSk) {
  const Bytes b = hex(R"(
    0102030405060708 1112131415161718 2b 20 25 08 00000002 00000030
    2e 00 0008 aabbccdd           # V, next SK
    29 00 000c 0102030405060708   # SK: first inner N, 8 octets of body
  )");
  auto v = parse_protected(b);
  ASSERT_TRUE(v.ok()) << to_string(v.error());
  ASSERT_EQ(v->cleartext.size(), 1u);
  EXPECT_EQ(v->associated_data.size(), 40u);
  auto m = parse_message(b);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*serialize_message(*m), b);
  auto checked = check_message(*m);
  ASSERT_FALSE(checked.ok());  // INFORMATIONAL: nothing but SK outside
  EXPECT_EQ(checked.error().payload, PayloadType::kVendorId);
}

TEST(Chain, IkeAuthInnerVectorAndRoundTrip) {
  auto inner = parse_payloads(PayloadType::kIdi, kIkeAuthInner);
  ASSERT_TRUE(inner.ok()) << to_string(inner.error());
  EXPECT_EQ(describe(*inner), "IDi AUTH SA TSi TSr N(INITIAL_CONTACT)");
  const auto* id = (*inner)[0].get<IdPayload>();
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->type, IdType::kFqdn);
  EXPECT_EQ(std::string(id->data.begin(), id->data.end()), "vgw.example");
  const auto* sa = (*inner)[2].get<SaPayload>();
  EXPECT_EQ(sa->proposals[0].spi, hex("c0ffee01"));
  const auto* tsr = (*inner)[4].get<TsPayload>();
  EXPECT_EQ(tsr->selectors[0].start.to_string(), "192.168.0.0");
  EXPECT_EQ(tsr->selectors[0].end.to_string(), "192.168.0.255");
  auto out = serialize_payloads(*inner);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, kIkeAuthInner);
  EXPECT_EQ(first_type(*inner), PayloadType::kIdi);
  EXPECT_TRUE(check_payloads(ExchangeType::kIkeAuth, false, true, *inner).ok());
}

TEST(Chain, TruncatedInnerChainsFail) {
  for (size_t n = 0; n < kIkeAuthInner.size(); ++n)
    EXPECT_FALSE(
        parse_payloads(PayloadType::kIdi, std::span<const uint8_t>(kIkeAuthInner).first(n)).ok())
        << n;
  // Wrong first type: the IDi octets read as a Nonce of 15 octets.
  EXPECT_FALSE(parse_payloads(PayloadType::kNonce, kIkeAuthInner).ok());
  // An empty chain is empty; octets after "no next payload" are not.
  EXPECT_TRUE(parse_payloads(PayloadType::kNone, {})->empty());
  EXPECT_FALSE(parse_payloads(PayloadType::kNone, kIkeAuthInner).ok());
}

TEST(Chain, SkInsideSkIsAnError) {
  auto inner = parse_payloads(PayloadType::kEncrypted, hex("00 00 0008 01020304"));
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().payload, PayloadType::kEncrypted);
}

TEST(Chain, SerializeRefusesMismatchedBodies) {
  std::vector<Payload> bad = {make_payload(PayloadType::kKe, NoncePayload{Bytes(16, 1)})};
  EXPECT_FALSE(serialize_payloads(bad).ok());
  bad = {make_payload(PayloadType::kEncrypted, UnknownPayload{})};
  EXPECT_FALSE(serialize_payloads(bad).ok());
  bad = {make_payload(VendorIdPayload{Bytes(70000, 1)})};
  EXPECT_FALSE(serialize_payloads(bad).ok());
  // UnknownPayload carries any type's raw body.
  std::vector<Payload> raw = {make_payload(PayloadType::kNonce, UnknownPayload{Bytes(16, 7)})};
  auto out = serialize_payloads(raw);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(parse_payloads(PayloadType::kNonce, *out)->front().get<NoncePayload>()->data,
            Bytes(16, 7));
}

TEST(Protected, BuildLaysOutAeadAndEtmRanges) {
  Header h;
  h.initiator_spi = 0x0102030405060708;
  h.responder_spi = 0x1112131415161718;
  h.exchange = ExchangeType::kIkeAuth;
  h.initiator = true;
  h.message_id = 1;
  auto f = build_protected(h, PayloadType::kIdi, 40);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->message.size(), 72u);
  EXPECT_EQ(f->body_offset, 32u);
  EXPECT_EQ(f->associated_data().size(), 32u);
  EXPECT_EQ(f->authenticated(16).size(), 56u);
  EXPECT_EQ(f->icv(16).size(), 16u);
  EXPECT_TRUE(f->icv(41).empty());
  // The caller writes IV | ciphertext | ICV: the result is the vector, octet for octet.
  std::copy(kIkeAuthSk.begin() + 32, kIkeAuthSk.end(), f->body().begin());
  EXPECT_EQ(f->message, kIkeAuthSk);

  auto frag = build_protected(h, PayloadType::kIdi, 24, {}, Fragment{1, 3});
  ASSERT_TRUE(frag.ok());
  EXPECT_EQ(frag->associated_data().size(), 36u);
  std::copy(kIkeAuthSkf.begin() + 36, kIkeAuthSkf.end(), frag->body().begin());
  EXPECT_EQ(frag->message, kIkeAuthSkf);

  EXPECT_FALSE(build_protected(h, PayloadType::kIdi, 24, {}, Fragment{0, 3}).ok());
  EXPECT_FALSE(build_protected(h, PayloadType::kIdi, 24, {}, Fragment{4, 3}).ok());
  EXPECT_FALSE(build_protected(h, PayloadType::kIdi, 70000).ok());
}

TEST(Protected, BuildWithCleartextPayloads) {
  Header h;
  h.exchange = ExchangeType::kInformational;
  std::vector<Payload> clear = {make_payload(VendorIdPayload{hex("aabbccdd")})};
  auto f = build_protected(h, PayloadType::kNotify, 8, clear);
  ASSERT_TRUE(f.ok());
  auto v = parse_protected(f->message);
  ASSERT_TRUE(v.ok()) << to_string(v.error());
  EXPECT_EQ(v->cleartext, clear);
  EXPECT_EQ(v->first_payload, PayloadType::kNotify);
  EXPECT_EQ(v->associated_data.size(), f->body_offset);
}

}  // namespace
}  // namespace vgw::ike::wire
