// Per-exchange payload rules (rules.h, RFC 7296 1.2-1.4, 2.6, 2.16, 2.21, 3.3): the checker
// accepts each exchange's valid messages (normal, EAP rounds, childless, error and cookie
// responses) and refuses missing, extra, repeated and misplaced payloads.
#include <gtest/gtest.h>

#include "wire_test_util.h"

namespace vgw::ike::wire {
namespace {

using test::hex;

Proposal ike_proposal(uint8_t number, size_t spi_size = 0) {
  return {number, ProtocolId::kIke, Bytes(spi_size, 1),
          {{TransformType::kEncr, encr::kAesGcm16, {TransformAttribute::key_length(256)}},
           {TransformType::kPrf, prf::kHmacSha2_256, {}},
           {TransformType::kDh, dh::kCurve25519, {}}}};
}

Proposal esp_proposal(uint8_t number) {
  return {number, ProtocolId::kEsp, hex("c0ffee01"),
          {{TransformType::kEncr, encr::kAesGcm16, {TransformAttribute::key_length(256)}},
           {TransformType::kEsn, esn::kNo, {}}}};
}

Payload sa(std::vector<Proposal> proposals) { return make_payload(SaPayload{std::move(proposals)}); }
Payload ke() { return make_payload(KePayload{dh::kCurve25519, Bytes(32, 2)}); }
Payload nonce() { return make_payload(NoncePayload{Bytes(32, 3)}); }
Payload notify(NotifyType t) { return make_payload(NotifyPayload{ProtocolId::kNone, {}, t, {}}); }
Payload idi() { return make_payload(PayloadType::kIdi, IdPayload::fqdn("a.example")); }
Payload idr() { return make_payload(PayloadType::kIdr, IdPayload::fqdn("b.example")); }
Payload auth() { return make_payload(AuthPayload{AuthMethod::kSharedKeyMic, Bytes(32, 4)}); }
Payload tsi() {
  return make_payload(PayloadType::kTsi, TsPayload{{TrafficSelector::any(Family::kIpv4)}});
}
Payload tsr() {
  return make_payload(PayloadType::kTsr, TsPayload{{TrafficSelector::any(Family::kIpv4)}});
}
Payload eap() { return make_payload(EapPayload{hex("01010005 01")}); }
Payload unknown() { return make_payload(static_cast<PayloadType>(200), UnknownPayload{{1}}); }

using Chain = std::vector<Payload>;

::testing::AssertionResult ok(ExchangeType x, bool response, const Chain& c) {
  auto r = check_payloads(x, response, x != ExchangeType::kIkeSaInit, c);
  if (r.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << r.error().text;
}

std::string why(ExchangeType x, bool response, const Chain& c) {
  auto r = check_payloads(x, response, x != ExchangeType::kIkeSaInit, c);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.error().notify, NotifyType::kInvalidSyntax);
  return r.error().text;
}

constexpr auto kInit = ExchangeType::kIkeSaInit;
constexpr auto kAuth = ExchangeType::kIkeAuth;
constexpr auto kChild = ExchangeType::kCreateChildSa;
constexpr auto kInfo = ExchangeType::kInformational;

TEST(Rules, IkeSaInit) {
  const Chain request = {sa({ike_proposal(1), ike_proposal(2)}), ke(), nonce(),
                         notify(NotifyType::kNatDetectionSourceIp),
                         notify(NotifyType::kNatDetectionDestinationIp),
                         make_payload(VendorIdPayload{{1, 2}}), unknown()};
  EXPECT_TRUE(ok(kInit, false, request));
  // With the cookie first (RFC 7296 2.6) and a CERTREQ.
  Chain with_cookie = request;
  with_cookie.insert(with_cookie.begin(), notify(NotifyType::kCookie));
  with_cookie.push_back(make_payload(PayloadType::kCertReq, CertPayload{}));
  EXPECT_TRUE(ok(kInit, false, with_cookie));
  EXPECT_TRUE(ok(kInit, true, {sa({ike_proposal(2)}), ke(), nonce()}));

  EXPECT_EQ(why(kInit, false, {sa({ike_proposal(1)}), nonce()}),
            "IKE_SA_INIT request: missing KE payload");
  EXPECT_EQ(why(kInit, false, {sa({ike_proposal(1)}), ke(), nonce(), nonce()}),
            "IKE_SA_INIT request: 2 Nonce payloads (at most 1)");
  EXPECT_EQ(why(kInit, false, {sa({ike_proposal(1)}), ke(), nonce(), idi()}),
            "IKE_SA_INIT request: unexpected IDi payload");
  EXPECT_EQ(why(kInit, false, {}), "IKE_SA_INIT request: missing SA payload");
}

TEST(Rules, IkeSaInitNotifyOnlyResponses) {
  // HDR, N(COOKIE) and HDR, N(INVALID_KE_PAYLOAD) / N(NO_PROPOSAL_CHOSEN) (RFC 7296 1.2, 2.6).
  EXPECT_TRUE(ok(kInit, true, {notify(NotifyType::kCookie)}));
  EXPECT_TRUE(ok(kInit, true, {notify(NotifyType::kInvalidKePayload)}));
  EXPECT_TRUE(ok(kInit, true, {notify(NotifyType::kNoProposalChosen),
                               make_payload(VendorIdPayload{{1}})}));
  // A status notify alone is not a response; nor is a bare cookie as a request.
  EXPECT_EQ(why(kInit, true, {notify(NotifyType::kNatDetectionSourceIp)}),
            "IKE_SA_INIT response: missing SA payload");
  EXPECT_FALSE(ok(kInit, false, {notify(NotifyType::kCookie)}));
}

TEST(Rules, SaProposalsPerExchange) {
  // Offers number from 1 upward (RFC 7296 3.3.1).
  EXPECT_EQ(why(kInit, false, {sa({ike_proposal(2)}), ke(), nonce()}),
            "IKE_SA_INIT request: proposal 1 has number 2");
  EXPECT_FALSE(ok(kInit, false, {sa({ike_proposal(1), ike_proposal(1)}), ke(), nonce()}));
  EXPECT_FALSE(ok(kInit, false, {sa({ike_proposal(1), ike_proposal(3)}), ke(), nonce()}));
  // A response accepts exactly one proposal, whatever its number.
  EXPECT_EQ(why(kInit, true, {sa({ike_proposal(1), ike_proposal(2)}), ke(), nonce()}),
            "IKE_SA_INIT response: SA payload with 2 proposals (a response accepts one)");
  // IKE_SA_INIT: IKE with SPI size 0; not 8, not ESP.
  EXPECT_EQ(why(kInit, false, {sa({ike_proposal(1, 8)}), ke(), nonce()}),
            "IKE_SA_INIT request: proposal 1: IKE with SPI size 8");
  EXPECT_FALSE(ok(kInit, false, {sa({esp_proposal(1)}), ke(), nonce()}));
  // IKE_AUTH: ESP/AH only.
  EXPECT_FALSE(ok(kAuth, false, {idi(), auth(), sa({ike_proposal(1)}), tsi(), tsr()}));
  // CREATE_CHILD_SA: IKE rekey with SPI size 8, or ESP.
  EXPECT_TRUE(ok(kChild, false, {sa({ike_proposal(1, 8)}), nonce(), ke()}));
  EXPECT_FALSE(ok(kChild, false, {sa({ike_proposal(1, 0)}), nonce(), ke()}));
  // Unknown protocols are left to negotiation.
  Proposal other = esp_proposal(1);
  other.protocol = static_cast<ProtocolId>(4);
  EXPECT_TRUE(ok(kAuth, false, {idi(), auth(), sa({other}), tsi(), tsr()}));
}

TEST(Rules, IkeAuthRequest) {
  EXPECT_TRUE(ok(kAuth, false,
                 {idi(), idr(), auth(), sa({esp_proposal(1)}), tsi(), tsr(),
                  notify(NotifyType::kInitialContact),
                  make_payload(CpPayload{CfgType::kRequest, {}})}));
  // EAP: no AUTH in the first request (RFC 7296 2.16), then EAP rounds, then AUTH.
  EXPECT_TRUE(ok(kAuth, false, {idi(), sa({esp_proposal(1)}), tsi(), tsr()}));
  EXPECT_TRUE(ok(kAuth, false, {eap()}));
  EXPECT_TRUE(ok(kAuth, false, {auth()}));
  // Childless (RFC 6023).
  EXPECT_TRUE(ok(kAuth, false, {idi(), auth()}));

  EXPECT_EQ(why(kAuth, false, {idi(), auth(), sa({esp_proposal(1)}), tsi()}),
            "IKE_AUTH request: SA without TSr");
  EXPECT_EQ(why(kAuth, false, {idr(), auth(), sa({esp_proposal(1)}), tsi(), tsr()}),
            "IKE_AUTH request: missing IDi payload");
  EXPECT_EQ(why(kAuth, false, {idi(), auth(), auth()}),
            "IKE_AUTH request: 2 AUTH payloads (at most 1)");
  EXPECT_EQ(why(kAuth, false, {idi(), auth(), ke()}),
            "IKE_AUTH request: unexpected KE payload");
  EXPECT_FALSE(ok(kAuth, false, {}));
}

TEST(Rules, IkeAuthResponse) {
  EXPECT_TRUE(ok(kAuth, true, {idr(), auth(), sa({esp_proposal(1)}), tsi(), tsr()}));
  EXPECT_TRUE(ok(kAuth, true, {idr(), auth(), notify(NotifyType::kTsUnacceptable)}));
  EXPECT_TRUE(ok(kAuth, true, {idr(), auth(), eap()}));  // EAP: first response
  EXPECT_TRUE(ok(kAuth, true, {eap()}));
  EXPECT_TRUE(ok(kAuth, true, {auth(), sa({esp_proposal(1)}), tsi(), tsr()}));
  EXPECT_TRUE(ok(kAuth, true, {notify(NotifyType::kAuthenticationFailed)}));

  EXPECT_EQ(why(kAuth, true, {idr(), sa({esp_proposal(1)}), tsi(), tsr()}),
            "IKE_AUTH response: missing AUTH payload");
  EXPECT_EQ(why(kAuth, true, {idr(), auth(), tsi(), tsr()}),
            "IKE_AUTH response: TSi without SA");
  EXPECT_EQ(why(kAuth, true, {idr(), auth(), sa({esp_proposal(1), esp_proposal(2)}), tsi(),
                              tsr()}),
            "IKE_AUTH response: SA payload with 2 proposals (a response accepts one)");
  EXPECT_FALSE(ok(kAuth, true, {notify(NotifyType::kInitialContact)}));
}

TEST(Rules, CreateChildSa) {
  // Child SA with PFS, Child SA rekey, IKE SA rekey (RFC 7296 1.3.1-1.3.3).
  EXPECT_TRUE(ok(kChild, false, {sa({esp_proposal(1)}), nonce(), ke(), tsi(), tsr()}));
  EXPECT_TRUE(ok(kChild, false, {notify(NotifyType::kRekeySa), sa({esp_proposal(1)}), nonce(),
                                 tsi(), tsr()}));
  EXPECT_TRUE(ok(kChild, true, {sa({esp_proposal(1)}), nonce(), tsi(), tsr()}));
  EXPECT_TRUE(ok(kChild, true, {notify(NotifyType::kNoAdditionalSas)}));

  EXPECT_EQ(why(kChild, false, {sa({esp_proposal(1)}), nonce(), tsi()}),
            "CREATE_CHILD_SA request: TSi without TSr");
  EXPECT_EQ(why(kChild, false, {sa({esp_proposal(1)}), tsi(), tsr()}),
            "CREATE_CHILD_SA request: missing Nonce payload");
  EXPECT_FALSE(ok(kChild, false, {sa({esp_proposal(1)}), nonce(), ke(), ke()}));
  EXPECT_FALSE(ok(kChild, false, {notify(NotifyType::kNoAdditionalSas)}));
}

TEST(Rules, Informational) {
  EXPECT_TRUE(ok(kInfo, false, {}));  // liveness check
  EXPECT_TRUE(ok(kInfo, true, {}));
  EXPECT_TRUE(ok(kInfo, false, {make_payload(DeletePayload{ProtocolId::kEsp, {1, 2}}),
                                make_payload(DeletePayload{ProtocolId::kEsp, {3}})}));
  EXPECT_TRUE(ok(kInfo, false, {notify(NotifyType::kUpdateSaAddresses), unknown()}));
  EXPECT_EQ(why(kInfo, false, {sa({esp_proposal(1)})}),
            "INFORMATIONAL request: unexpected SA payload");
}

TEST(Rules, EncryptionPlacement) {
  auto r = check_payloads(kInit, false, true, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().text, "IKE_SA_INIT request: payloads must not be encrypted");
  r = check_payloads(kAuth, false, false, Chain{idi(), auth()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().text, "IKE_AUTH request: payloads must be inside SK");
  EXPECT_FALSE(check_payloads(ExchangeType::kIkeIntermediate, false, true, {}).ok());
  EXPECT_EQ(find_rules(ExchangeType::kIkeIntermediate, false), nullptr);
  EXPECT_EQ(exchange_rules().size(), 8u);
}

TEST(Rules, CheckMessageOuter) {
  Message init;
  init.header.exchange = kInit;
  init.payloads = {sa({ike_proposal(1)}), ke(), nonce()};
  EXPECT_TRUE(check_message(init).ok());
  init.encrypted = EncryptedPayload{PayloadType::kIdi, false, {}, Bytes(32, 0)};
  EXPECT_EQ(check_message(init).error().text, "IKE_SA_INIT request: unexpected SK payload");

  Message authm;
  authm.header.exchange = kAuth;
  authm.header.response = true;
  EXPECT_EQ(check_message(authm).error().text, "IKE_AUTH response: missing SK payload");
  authm.encrypted = EncryptedPayload{PayloadType::kIdr, false, {}, Bytes(32, 0)};
  EXPECT_TRUE(check_message(authm).ok());
  authm.payloads = {unknown()};
  EXPECT_TRUE(check_message(authm).ok());
  authm.payloads = {notify(NotifyType::kCookie)};
  EXPECT_EQ(check_message(authm).error().text, "IKE_AUTH response: N payload outside SK");
}

}  // namespace
}  // namespace vgw::ike::wire
