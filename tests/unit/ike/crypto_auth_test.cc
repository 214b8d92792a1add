// Pre-shared key AUTH (RFC 7296 2.15). No published vector exists for IKEv2 PSK AUTH, so two
// in-process ends compute it from their own copies of the exchange (each end's key schedule
// from its own Diffie-Hellman half), in both roles, and a third computation written here from
// the RFC's formula over EVP_Q_mac must agree with both.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "vgw/ike/crypto/auth.h"
#include "vgw/ike/crypto/dh.h"
#include "vgw/ike/crypto/key_schedule.h"

namespace vgw::ike::crypto {
namespace {

std::vector<uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }
std::vector<uint8_t> vec(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }
std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(seed ^ (i * 31));
  return out;
}

std::vector<uint8_t> ref_hmac(const char* digest, std::span<const uint8_t> key,
                              std::span<const uint8_t> data) {
  std::vector<uint8_t> out(64);
  size_t len = 0;
  EXPECT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key.data(), key.size(),
                      data.data(), data.size(), out.data(), out.size(), &len),
            nullptr);
  out.resize(len);
  return out;
}

// AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), RealMessage | Nonce | prf(SK_p, ID'))
std::vector<uint8_t> reference_auth(const char* digest, std::span<const uint8_t> psk,
                                    std::span<const uint8_t> message,
                                    std::span<const uint8_t> nonce, std::span<const uint8_t> sk_p,
                                    std::span<const uint8_t> id) {
  std::vector<uint8_t> octets(message.begin(), message.end());
  octets.insert(octets.end(), nonce.begin(), nonce.end());
  const auto maced_id = ref_hmac(digest, sk_p, id);
  octets.insert(octets.end(), maced_id.begin(), maced_id.end());
  return ref_hmac(digest, ref_hmac(digest, psk, bytes_of("Key Pad for IKEv2")), octets);
}

// What one end knows after IKE_SA_INIT.
struct End {
  IkeSaKeys keys;
};

End establish(const IkeSuite& s, const DhKeyPair& own, std::span<const uint8_t> peer_ke,
              std::span<const uint8_t> ni, std::span<const uint8_t> nr) {
  auto g = own.shared_secret(peer_ke);
  EXPECT_TRUE(g.ok());
  auto seed = skeyseed(s.prf, ni, nr, *g);
  EXPECT_TRUE(seed.ok());
  auto keys = derive_ike_sa_keys(s, *seed, ni, nr, 0x1111222233334444, 0x5555666677778888);
  EXPECT_TRUE(keys.ok());
  return End{std::move(*keys)};
}

TEST(PskAuth, BothEndsAgreeInBothRoles) {
  for (PrfId prf : {PrfId::kHmacSha256, PrfId::kHmacSha384, PrfId::kHmacSha512}) {
    const char* digest = prf == PrfId::kHmacSha256   ? "SHA256"
                         : prf == PrfId::kHmacSha384 ? "SHA384"
                                                     : "SHA512";
    SCOPED_TRACE(digest);
    const IkeSuite s{{EncrId::kAesCbc, 256}, IntegId::kHmacSha256_128, prf, DhGroup::kEcp256};
    auto dh_i = DhKeyPair::generate(s.dh);
    auto dh_r = DhKeyPair::generate(s.dh);
    ASSERT_TRUE(dh_i.ok() && dh_r.ok());
    const auto ni = pattern(32, 0x11), nr = pattern(32, 0x22);
    const auto message1 = pattern(300, 0x33);                     // IKE_SA_INIT request as sent
    const auto message2 = pattern(280, 0x44);                     // IKE_SA_INIT response as sent
    const std::vector<uint8_t> idi = {1, 0, 0, 0, 192, 0, 2, 1};  // ID_IPV4_ADDR 192.0.2.1
    const auto idr = bytes_of(std::string_view("\x02\x00\x00\x00vpn.example", 15));  // ID_FQDN
    const auto psk = bytes_of("correct horse battery staple");

    const End initiator = establish(s, *dh_i, dh_r->public_value(), ni, nr);
    const End responder = establish(s, *dh_r, dh_i->public_value(), ni, nr);

    // The initiator signs message 1, Nr and its ID with SK_pi; the responder checks the same.
    auto sent_i = psk_auth(prf, psk, message1, nr, initiator.keys.sk_pi, idi);
    auto expect_i = psk_auth(prf, psk, message1, nr, responder.keys.sk_pi, idi);
    ASSERT_TRUE(sent_i.ok() && expect_i.ok());
    EXPECT_EQ(sent_i->size(), prf_size(prf));
    EXPECT_TRUE(auth_matches(*expect_i, *sent_i));
    EXPECT_EQ(vec(*sent_i), reference_auth(digest, psk, message1, nr, responder.keys.sk_pi, idi));

    // The responder signs message 2, Ni and its ID with SK_pr; the initiator checks the same.
    auto sent_r = psk_auth(prf, psk, message2, ni, responder.keys.sk_pr, idr);
    auto expect_r = psk_auth(prf, psk, message2, ni, initiator.keys.sk_pr, idr);
    ASSERT_TRUE(sent_r.ok() && expect_r.ok());
    EXPECT_TRUE(auth_matches(*expect_r, *sent_r));
    EXPECT_EQ(vec(*sent_r), reference_auth(digest, psk, message2, ni, initiator.keys.sk_pr, idr));

    // The two directions differ, and any wrong input fails the check.
    EXPECT_FALSE(auth_matches(*sent_i, *sent_r));
    auto wrong_psk = psk_auth(prf, bytes_of("incorrect"), message1, nr, initiator.keys.sk_pi, idi);
    auto wrong_id = psk_auth(prf, psk, message1, nr, initiator.keys.sk_pi, idr);
    auto wrong_key = psk_auth(prf, psk, message1, nr, initiator.keys.sk_pr, idi);
    auto wrong_nonce = psk_auth(prf, psk, message1, ni, initiator.keys.sk_pi, idi);
    for (const auto* wrong : {&wrong_psk, &wrong_id, &wrong_key, &wrong_nonce}) {
      ASSERT_TRUE(wrong->ok());
      EXPECT_FALSE(auth_matches(*expect_i, **wrong));
    }
  }
}

TEST(PskAuth, SignedOctetsAreMessageNonceAndMacedId) {
  const auto message = pattern(100, 1), nonce = pattern(40, 2), sk_p = pattern(32, 3),
             id = pattern(12, 4);
  auto octets = signed_octets(PrfId::kHmacSha256, message, nonce, sk_p, id);
  ASSERT_TRUE(octets.ok());
  std::vector<uint8_t> expected = message;
  expected.insert(expected.end(), nonce.begin(), nonce.end());
  const auto maced = ref_hmac("SHA256", sk_p, id);
  expected.insert(expected.end(), maced.begin(), maced.end());
  EXPECT_EQ(*octets, expected);
  auto two_step = psk_auth(PrfId::kHmacSha256, bytes_of("psk"), *octets);
  auto one_step = psk_auth(PrfId::kHmacSha256, bytes_of("psk"), message, nonce, sk_p, id);
  ASSERT_TRUE(two_step.ok() && one_step.ok());
  EXPECT_TRUE(*two_step == *one_step);
}

TEST(PskAuth, KeyPadIsSeventeenAsciiOctets) {
  EXPECT_EQ(kKeyPad.size(), 17u);
  EXPECT_EQ(kKeyPad, "Key Pad for IKEv2");
}

TEST(PskAuth, RefusesEmptyInputs) {
  const auto x = pattern(32, 1);
  EXPECT_FALSE(psk_auth(PrfId::kHmacSha256, {}, x, x, x, x).ok());
  EXPECT_FALSE(psk_auth(PrfId::kHmacSha256, x, {}, x, x, x).ok());
  EXPECT_FALSE(psk_auth(PrfId::kHmacSha256, x, x, {}, x, x).ok());
  EXPECT_FALSE(psk_auth(PrfId::kHmacSha256, x, x, x, {}, x).ok());
  EXPECT_FALSE(psk_auth(PrfId::kHmacSha256, x, x, x, x, {}).ok());
}

TEST(PskAuth, MatchRequiresSameLengthAndContent) {
  const auto a = pattern(32, 1);
  auto b = a;
  EXPECT_TRUE(auth_matches(a, b));
  b.back() ^= 1;
  EXPECT_FALSE(auth_matches(a, b));
  EXPECT_FALSE(auth_matches(a, std::span(a).first(31)));
  EXPECT_FALSE(auth_matches({}, {}));  // an empty AUTH never authenticates
}

}  // namespace
}  // namespace vgw::ike::crypto
