// The seed corpus of the ike_message fuzz target (tests/fuzz/ike_message.cc), built with the
// codec's own builders so the seeds stay valid as the codec changes. Each seed is
//   msg-*    a whole datagram that parses (and passes check_message where named "ok"),
//   chain-*  a decrypted inner chain: first octet = first payload type, then the payloads,
//   body-*   a payload body (SA, TS, CP) for the target's per-body decoding,
//   bad-*    a datagram the parser must refuse.
// Regenerate after a format change:
//   VGW_WRITE_IKE_SEEDS=tests/fuzz/corpus/ike_message build/tests/unit/ike/ike_wire_test
//     --gtest_filter='FuzzSeeds.*'        (one command line)
// Without the variable the test checks that the committed seeds still decode as named.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "vgw/seed_corpus.h"
#include "wire_test_util.h"

namespace vgw::ike::wire {
namespace {

using test::hex;

Header header(ExchangeType x, bool response, uint32_t id) {
  Header h;
  h.initiator_spi = 0x0102030405060708;
  h.responder_spi = x == ExchangeType::kIkeSaInit && !response ? 0 : 0x1112131415161718;
  h.exchange = x;
  h.initiator = !response;
  h.response = response;
  h.message_id = id;
  return h;
}

Bytes message(const Header& h, std::vector<Payload> payloads,
              std::optional<EncryptedPayload> sk = std::nullopt) {
  auto out = serialize_message(Message{h, std::move(payloads), std::move(sk)});
  EXPECT_TRUE(out.ok());
  return out.ok() ? *out : Bytes{};
}

Bytes chain(std::vector<Payload> payloads) {
  auto out = serialize_payloads(payloads);
  EXPECT_TRUE(out.ok());
  if (!out.ok()) return {};
  Bytes b(1 + out->size());
  b[0] = static_cast<uint8_t>(first_type(payloads));
  std::copy(out->begin(), out->end(), b.begin() + 1);
  return b;
}

Proposal esp(uint8_t n, uint16_t encr_id, bool with_integ) {
  Proposal p{n, ProtocolId::kEsp, hex("c0ffee01"), {}};
  p.transforms.push_back({TransformType::kEncr, encr_id, {TransformAttribute::key_length(256)}});
  if (with_integ) p.transforms.push_back({TransformType::kInteg, integ::kHmacSha2_256_128, {}});
  p.transforms.push_back({TransformType::kEsn, esn::kNo, {}});
  return p;
}

Payload ts(PayloadType t, const char* prefix) {
  return make_payload(t, TsPayload{{TrafficSelector::from_prefix(*Prefix::parse(prefix))}});
}

Payload n(NotifyType t, Bytes data = {}) {
  return make_payload(NotifyPayload{ProtocolId::kNone, {}, t, std::move(data)});
}

std::map<std::string, Bytes> seeds() {
  std::map<std::string, Bytes> s;
  using PT = PayloadType;
  const auto init = ExchangeType::kIkeSaInit;
  const auto auth = ExchangeType::kIkeAuth;
  const auto child = ExchangeType::kCreateChildSa;
  const auto info = ExchangeType::kInformational;

  const Bytes request = test::ike_sa_init_request();
  s["msg-ok-ike-sa-init-request"] = request;
  auto parsed = parse_message(request);
  EXPECT_TRUE(parsed.ok());
  std::vector<Payload> resp = parsed->payloads;
  std::get<SaPayload>(resp[0].body).proposals.resize(1);
  resp.push_back(make_payload(PT::kCertReq, CertPayload{CertEncoding::kX509Signature, {}}));
  resp.push_back(make_payload(VendorIdPayload{hex("882fe56d6fd20dbc2251613b2ebe5beb")}));
  s["msg-ok-ike-sa-init-response"] = message(header(init, true, 0), resp);
  s["msg-ok-ike-sa-init-cookie"] =
      message(header(init, true, 0), {n(NotifyType::kCookie, Bytes(20, 0x5a))});
  s["msg-ok-ike-sa-init-invalid-ke"] =
      message(header(init, true, 0), {n(NotifyType::kInvalidKePayload, hex("000e"))});
  std::vector<Payload> cookie_request = parsed->payloads;
  cookie_request.insert(cookie_request.begin(), n(NotifyType::kCookie, Bytes(20, 0x5a)));
  s["msg-ok-ike-sa-init-with-cookie"] = message(header(init, false, 0), cookie_request);

  EncryptedPayload sk{PT::kIdi, false, std::nullopt, Bytes(8 + 160 + 16, 0x42)};
  s["msg-ok-ike-auth-sk"] = message(header(auth, false, 1), {}, sk);
  sk.first_payload = PT::kIdr;
  s["msg-ok-ike-auth-response-sk"] = message(header(auth, true, 1), {}, sk);
  for (uint16_t i = 1; i <= 3; ++i) {
    EncryptedPayload f{i == 1 ? PT::kIdi : PT::kNone, false, Fragment{i, 3}, Bytes(40, 0x43)};
    s["msg-ok-ike-auth-skf-" + std::to_string(i)] = message(header(auth, false, 1), {}, f);
  }
  EncryptedPayload empty{PT::kNone, false, std::nullopt, Bytes(8 + 16 + 16, 0x44)};
  s["msg-ok-informational-sk"] = message(header(info, false, 2), {}, empty);
  EncryptedPayload rekey{PT::kNotify, false, std::nullopt, Bytes(8 + 240 + 16, 0x45)};
  s["msg-ok-create-child-sa-sk"] = message(header(child, false, 3), {}, rekey);

  // Inner chains.
  s["chain-ike-auth-request"] = chain(
      {make_payload(PT::kIdi, IdPayload::fqdn("vgw.example")),
       make_payload(PT::kIdr, IdPayload::from_address(*IpAddress::parse("192.0.2.1"))),
       make_payload(AuthPayload{AuthMethod::kSharedKeyMic, Bytes(32, 0x11)}),
       make_payload(SaPayload{{esp(1, encr::kAesGcm16, false), esp(2, encr::kAesCbc, true)}}),
       ts(PT::kTsi, "10.0.0.0/24"), ts(PT::kTsr, "192.168.0.0/16"),
       n(NotifyType::kInitialContact), n(NotifyType::kEspTfcPaddingNotSupported),
       n(NotifyType::kNonFirstFragmentsAlso),
       make_payload(CpPayload{CfgType::kRequest, {{cfg_attr::kInternalIp4Address, {}}}})});
  s["chain-ike-auth-response"] = chain(
      {make_payload(PT::kIdr, IdPayload::fqdn("peer.example")),
       make_payload(AuthPayload{AuthMethod::kSharedKeyMic, Bytes(48, 0x12)}),
       make_payload(SaPayload{{esp(2, encr::kAesCbc, true)}}), ts(PT::kTsi, "10.0.0.0/24"),
       ts(PT::kTsr, "2001:db8::/32"), n(NotifyType::kMobikeSupported)});
  s["chain-ike-auth-failed"] = chain({n(NotifyType::kAuthenticationFailed)});
  s["chain-ike-auth-eap"] = chain({make_payload(EapPayload{hex("0101000901 76677731")})});
  Proposal ike_rekey{1, ProtocolId::kIke, hex("a1a2a3a4a5a6a7a8"), {}};
  ike_rekey.transforms = {{TransformType::kEncr, encr::kAesGcm16, {TransformAttribute::key_length(256)}},
                          {TransformType::kPrf, prf::kHmacSha2_512, {}},
                          {TransformType::kDh, dh::kEcp384, {}}};
  s["chain-create-child-sa-rekey-ike"] = chain(
      {make_payload(SaPayload{{ike_rekey}}), make_payload(NoncePayload{Bytes(32, 0x21)}),
       make_payload(KePayload{dh::kEcp384, Bytes(96, 0x22)})});
  s["chain-create-child-sa-rekey-child"] = chain(
      {make_payload(NotifyPayload{ProtocolId::kEsp, hex("c0ffee01"), NotifyType::kRekeySa, {}}),
       make_payload(SaPayload{{esp(1, encr::kChacha20Poly1305, false)}}),
       make_payload(NoncePayload{Bytes(32, 0x23)}), ts(PT::kTsi, "10.0.0.0/8"),
       ts(PT::kTsr, "172.16.0.0/12")});
  s["chain-informational-delete"] =
      chain({make_payload(DeletePayload{ProtocolId::kEsp, {0xc0ffee01, 0xc0ffee02}}),
             make_payload(DeletePayload{ProtocolId::kIke, {}})});
  s["chain-informational-empty"] = {0};
  s["chain-unknown-payload"] =
      chain({make_payload(static_cast<PT>(200), UnknownPayload{hex("0102")}),
             n(NotifyType::kUpdateSaAddresses)});

  // Payload bodies (the fuzz target also decodes its input as every body type).
  auto body = [](const auto& payload) {
    Bytes out;
    ByteWriter w(out);
    EXPECT_TRUE(serialize(payload, w).ok());
    return out;
  };
  s["body-sa-esp-offer"] =
      body(SaPayload{{esp(1, encr::kAesGcm16, false), esp(2, encr::kAesCbc, true)}});
  s["body-ts-mixed"] = body(TsPayload{{TrafficSelector::from_prefix(*Prefix::parse("10.0.0.0/8")),
                                       TrafficSelector::any(Family::kIpv6)}});
  s["body-cp-reply"] = body(CpPayload{CfgType::kReply,
                                      {{cfg_attr::kInternalIp4Address, hex("0a080002")},
                                       {cfg_attr::kInternalIp4Dns, hex("08080808")}}});

  // Refused datagrams.
  Bytes v1 = request;
  v1[17] = 0x10;
  s["bad-major-version"] = v1;
  Bytes critical = message(header(info, false, 2), {make_payload(VendorIdPayload{{1}})});
  critical[16] = 200;  // header names payload type 200 ...
  critical[29] = kCriticalBit;  // ... with the critical bit
  s["bad-unknown-critical"] = critical;
  s["bad-truncated"] = Bytes(request.begin(), request.begin() + 100);
  Bytes skf_zero = s["msg-ok-ike-auth-skf-1"];
  skf_zero[33] = 0;  // fragment 0
  s["bad-skf-fragment-zero"] = skf_zero;
  Bytes short_nonce = request;
  short_nonce[187] = 4 + 15;  // the Nonce payload (at 184) claims 15 octets of nonce
  s["bad-nonce-length"] = short_nonce;
  return s;
}

TEST(FuzzSeeds, SeedsDecodeAsNamed) {
  for (const auto& [name, b] : seeds()) {
    if (name.starts_with("msg-")) {
      auto m = parse_message(b);
      ASSERT_TRUE(m.ok()) << name << ": " << to_string(m.error());
      if (name.starts_with("msg-ok-")) {
        auto c = check_message(*m);
        EXPECT_TRUE(c.ok()) << name << ": " << (c.ok() ? "" : c.error().text);
      }
    } else if (name.starts_with("body-sa-")) {
      EXPECT_TRUE(parse_sa(b).ok()) << name;
    } else if (name.starts_with("body-ts-")) {
      EXPECT_TRUE(parse_ts(b).ok()) << name;
    } else if (name.starts_with("body-cp-")) {
      EXPECT_TRUE(parse_cp(b).ok()) << name;
    } else if (name.starts_with("chain-")) {
      auto c = parse_payloads(static_cast<PayloadType>(b[0]), std::span(b).subspan(1));
      EXPECT_TRUE(c.ok()) << name << ": " << to_string(c.error());
    } else {
      EXPECT_FALSE(parse_message(b).ok()) << name;
    }
  }
}

TEST(FuzzSeeds, InnerChainsPassTheirRules) {
  const auto s = seeds();
  auto inner = [&](const char* name) {
    const Bytes& b = s.at(name);
    return *parse_payloads(static_cast<PayloadType>(b[0]), std::span(b).subspan(1));
  };
  EXPECT_TRUE(check_payloads(ExchangeType::kIkeAuth, false, true, inner("chain-ike-auth-request")).ok());
  EXPECT_TRUE(check_payloads(ExchangeType::kIkeAuth, true, true, inner("chain-ike-auth-response")).ok());
  EXPECT_TRUE(check_payloads(ExchangeType::kIkeAuth, true, true, inner("chain-ike-auth-failed")).ok());
  EXPECT_TRUE(check_payloads(ExchangeType::kCreateChildSa, false, true,
                             inner("chain-create-child-sa-rekey-ike")).ok());
  EXPECT_TRUE(check_payloads(ExchangeType::kCreateChildSa, false, true,
                             inner("chain-create-child-sa-rekey-child")).ok());
  EXPECT_TRUE(check_payloads(ExchangeType::kInformational, false, true,
                             inner("chain-informational-delete")).ok());
}

TEST(FuzzSeeds, WriteOrCheckTheCommittedCorpus) {
  ::vgw::test::write_or_check_seeds(seeds(), "VGW_WRITE_IKE_SEEDS", VGW_IKE_CORPUS_DIR);
}

}  // namespace
}  // namespace vgw::ike::wire
