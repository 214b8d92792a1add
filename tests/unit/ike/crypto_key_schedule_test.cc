// The IKEv2 key schedule (RFC 7296 2.14, 2.17, 2.18).
//
// Known answer: the NIST CAVS IKEv2 KDF test (SP 800-135, SHA-1, count 0 as carried in Cisco's
// FIPS KDF self-test): SKEYSEED, DKM = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), DKM(Child SA),
// DKM(Child SA D-H) and SKEYSEED(Rekey), all 132 octets of DKM; re-checked with Python's hmac
// before it went in. Its PRF is HMAC-SHA1, which this module keeps for that reason only. The
// SHA-2 suites are checked for their key lengths and for the split of prf+ output, against a
// prf+ written here from the RFC's definition over EVP_Q_mac.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "crypto_reference.h"
#include "vgw/base/hex.h"
#include "vgw/ike/crypto/dh.h"
#include "vgw/ike/crypto/key_schedule.h"
#include "vgw/ike/crypto/prf.h"
#include "vgw/ike/crypto/sk_cipher.h"

namespace vgw::ike::crypto {
namespace {

using reference::hex;
std::vector<uint8_t> vec(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }
std::vector<uint8_t> cat(std::initializer_list<std::span<const uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(seed + i * 13);
  return out;
}


namespace cavs {
const auto kNi = hex("3651fef5c9c35e93");
const auto kNr = hex("c09a8b90a3f04d59");
const auto kGir = hex(
    "d084a30166a50fb7325c3960874a839449ef9741c2f4f947d0201dd8c1269273d79509f37e3ca3eb4fa2fe2a2825"
    "4e289cd3f34dad4eb4df1a07685a4b8a94fa61e2491f7598b3ce65547ff133b3f63d1ac4175eaa695033f3cedb02"
    "6a6873a36455172a8540b8a5d23a0143bed0390ee49b168269d75fffee9fb62be965993c");
const auto kGirNew = hex(
    "52f00ab174c25d5b7139ae5ff4e8e9eddee5992d2e36adf8a559ffd90dab1442e4fbe429d320c0f33552a17d1557"
    "fa41ea70e8fb916c4fa27ed52b5f8ebd8461afa78f1159159a64055ac5f6319e29c28eae58cbc6847770f32c3fed"
    "1d04750484f854790f95e9ec01bc5bc461f24966462e359511329305038e94deb6dd42c2");
constexpr uint64_t kSpiI = 0x8e5c3ae507221684;
constexpr uint64_t kSpiR = 0xb1f201bb155c3acd;
const auto kSkeyseed = hex("cd2e8050137832245f1dbacc6e4f0a92f94d45d6");
const auto kDkm = hex(
    "6f1b12cad3cbe097b35430356d869d54cddb0198ec859174d53ceb92dddedbe2436db69f60977c58fa63bbb667f8"
    "d36920b109baae8f6c61a9ac49feda01843225d080ec5539d5881a25521ffb2a0a91874a9c0a27fcc2d717eb8963"
    "a9e3a89c7ab264757284c28cf8c3ca40576f4220b052b1fb8e9ad60ba3c80557323331a8cbb89f20");
const auto kDkmChild = hex(
    "4727dc0ef94eb326ce131cf282fb652faa638ad0ddae3786a11bcc0309876009f8c485de011ad962c5b1ca8a41ff"
    "8145445749079c5686e26ffebbc342f06981f3da745e11ca0976424d1f8caec623d59dc7186deb20a27b411d1dcb"
    "70a365440bf7de905088b0692e8addc094e18d1939bdb67e89798ca6b239e2ccb81c2409dac0106c");
const auto kDkmChildDh = hex(
    "b109c21ad4c0797768c1cec9e63554681e48f224bca7f23c20c4ea7041983451e9aa1d5408656c8a975ff1b9d9a1"
    "2c75ffeb64bdecb30174664cccb4e14f1c377b7f6d1525af77c7092aac3e47f917ebae8297fb5539d2008ce83082"
    "3a09cc197361d4a289c72745f6ce9fefe812be5bf55b3200fbb82e41a4a40877d3fe106db909707b");
const auto kSkeyseedRekey = hex("3b03bce748c96d5e8306918d2ff89b68f0648da3");
}  // namespace cavs

TEST(CavsIkev2Kdf, Sha1Count0) {
  using namespace cavs;
  auto seed = skeyseed(PrfId::kHmacSha1, kNi, kNr, kGir);
  ASSERT_TRUE(seed.ok()) << seed.error().message;
  EXPECT_EQ(vec(*seed), kSkeyseed);

  // AES-GCM-256 with the SHA-1 PRF asks for exactly 132 octets: 20 + 2 * (0 + 36 + 20).
  const IkeSuite suite{
      {EncrId::kAesGcm16, 256}, IntegId::kNone, PrfId::kHmacSha1, DhGroup::kModp2048};
  ASSERT_EQ(suite.keymat_size(), kDkm.size());
  auto keys = derive_ike_sa_keys(suite, *seed, kNi, kNr, kSpiI, kSpiR);
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  EXPECT_EQ(cat({keys->sk_d, keys->sk_ai, keys->sk_ar, keys->sk_ei, keys->sk_er, keys->sk_pi,
                 keys->sk_pr}),
            kDkm);
  EXPECT_TRUE(keys->sk_ai.empty() && keys->sk_ar.empty());

  // Child SA KEYMAT from SK_d, without and with a new Diffie-Hellman (132 octets each).
  auto child = prf_plus(PrfId::kHmacSha1, keys->sk_d, {kNi, kNr}, 132);
  auto child_dh = prf_plus(PrfId::kHmacSha1, keys->sk_d, {kGirNew, kNi, kNr}, 132);
  ASSERT_TRUE(child.ok() && child_dh.ok());
  EXPECT_EQ(vec(*child), kDkmChild);
  EXPECT_EQ(vec(*child_dh), kDkmChildDh);
  // derive_child_sa_keys takes a prefix of the same KEYMAT: aes256-sha256 takes 2 * (32 + 32).
  const EspSuite esp{{EncrId::kAesCbc, 256}, IntegId::kHmacSha256_128, std::nullopt, false};
  for (bool pfs : {false, true}) {
    auto ck = derive_child_sa_keys(
        PrfId::kHmacSha1, keys->sk_d, esp,
        pfs ? std::span<const uint8_t>(kGirNew) : std::span<const uint8_t>(), kNi, kNr);
    ASSERT_TRUE(ck.ok()) << ck.error().message;
    const auto& expected = pfs ? kDkmChildDh : kDkmChild;
    EXPECT_EQ(cat({ck->initiator_to_responder.encryption, ck->initiator_to_responder.integrity,
                   ck->responder_to_initiator.encryption, ck->responder_to_initiator.integrity}),
              std::vector<uint8_t>(expected.begin(), expected.begin() + 128));
  }

  auto rekey = rekey_skeyseed(PrfId::kHmacSha1, keys->sk_d, kGirNew, kNi, kNr);
  ASSERT_TRUE(rekey.ok());
  EXPECT_EQ(vec(*rekey), kSkeyseedRekey);
}

struct SuiteSizes {
  const char* suite;  // strongSwan keywords
  size_t d, a, e, p;
};

const SuiteSizes kSuiteSizes[] = {
    {"aes128-sha256-modp2048", 32, 32, 16, 32},
    {"aes192-sha384-ecp384", 48, 48, 24, 48},
    {"aes256-sha512-prfsha256-modp4096", 32, 64, 32, 32},
    {"aes128gcm16-prfsha256-ecp256", 32, 0, 20, 32},
    {"aes256gcm16-prfsha384-curve25519", 48, 0, 36, 48},
    {"chacha20poly1305-prfsha512-ecp521", 64, 0, 36, 64},
};

std::string test_name(std::string keywords) {
  for (char& c : keywords)
    if (c == '-') c = '_';
  return keywords;
}

class KeyLengthTest : public ::testing::TestWithParam<SuiteSizes> {};

TEST_P(KeyLengthTest, SplitsPrfPlusInRfcOrder) {
  const SuiteSizes& c = GetParam();
  auto parsed = parse_ike_suite(c.suite);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const IkeSuite& s = *parsed;
  EXPECT_EQ(s.sk_d_size(), c.d);
  EXPECT_EQ(s.sk_a_size(), c.a);
  EXPECT_EQ(s.sk_e_size(), c.e);
  EXPECT_EQ(s.sk_p_size(), c.p);
  EXPECT_EQ(s.keymat_size(), c.d + 2 * (c.a + c.e + c.p));

  const auto ni = pattern(32, 1), nr = pattern(48, 2), g_ir = pattern(256, 3);
  const uint64_t spi_i = 0x0102030405060708, spi_r = 0xf1f2f3f4f5f6f7f8;
  auto seed = skeyseed(s.prf, ni, nr, g_ir);
  ASSERT_TRUE(seed.ok());
  EXPECT_EQ(vec(*seed), reference::hmac(s.prf, cat({ni, nr}), g_ir));
  auto keys = derive_ike_sa_keys(s, *seed, ni, nr, spi_i, spi_r);
  ASSERT_TRUE(keys.ok()) << keys.error().message;

  const auto spis = hex("0102030405060708f1f2f3f4f5f6f7f8");
  const auto keymat = reference::prf_plus(s.prf, vec(*seed), cat({ni, nr, spis}), s.keymat_size());
  size_t at = 0;
  auto next = [&](size_t n) {
    std::vector<uint8_t> out(keymat.begin() + static_cast<std::ptrdiff_t>(at),
                             keymat.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
    return out;
  };
  EXPECT_EQ(vec(keys->sk_d), next(c.d));
  EXPECT_EQ(vec(keys->sk_ai), next(c.a));
  EXPECT_EQ(vec(keys->sk_ar), next(c.a));
  EXPECT_EQ(vec(keys->sk_ei), next(c.e));
  EXPECT_EQ(vec(keys->sk_er), next(c.e));
  EXPECT_EQ(vec(keys->sk_pi), next(c.p));
  EXPECT_EQ(vec(keys->sk_pr), next(c.p));
  EXPECT_EQ(at, keymat.size());

  // The keys work as SK payload keys: the initiator seals, the responder opens.
  auto sealer = SkCipher::create(s, keys->sk_ei, keys->sk_ai);
  auto opener = SkCipher::create(s, keys->sk_ei, keys->sk_ai);
  ASSERT_TRUE(sealer.ok() && opener.ok());
  const auto header = pattern(32, 9);
  auto sealed = sealer->seal(ni, header);
  ASSERT_TRUE(sealed.ok());
  auto opened = opener->open(header, *sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, ni);
}

INSTANTIATE_TEST_SUITE_P(Suites, KeyLengthTest, ::testing::ValuesIn(kSuiteSizes),
                         [](const auto& param_info) { return test_name(param_info.param.suite); });

struct EspSizes {
  const char* suite;  // strongSwan keywords
  size_t encr, integ;
};

const EspSizes kEspSizes[] = {
    {"aes128gcm16", 20, 0},    {"aes256gcm16-ecp256", 36, 0},          {"chacha20poly1305", 36, 0},
    {"aes128-sha256", 16, 32}, {"aes256-sha512-modp2048-esn", 32, 64},
};

class ChildKeyTest : public ::testing::TestWithParam<EspSizes> {};

TEST_P(ChildKeyTest, TakesInitiatorKeysFirstThenResponderKeys) {
  const EspSizes& c = GetParam();
  auto esp = parse_esp_suite(c.suite);
  ASSERT_TRUE(esp.ok()) << esp.error().message;
  EXPECT_EQ(esp->encr_key_size(), c.encr);
  EXPECT_EQ(esp->integ_key_size(), c.integ);
  EXPECT_EQ(esp->keymat_size(), 2 * (c.encr + c.integ));
  const auto sk_d = pattern(48, 4), ni = pattern(32, 5), nr = pattern(32, 6), g = pattern(64, 7);
  for (bool pfs : {false, true}) {
    const std::span<const uint8_t> g_ir =
        pfs ? std::span<const uint8_t>(g) : std::span<const uint8_t>();
    auto keys = derive_child_sa_keys(PrfId::kHmacSha384, sk_d, *esp, g_ir, ni, nr);
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    const auto keymat =
        reference::prf_plus(PrfId::kHmacSha384, sk_d, cat({g_ir, ni, nr}), esp->keymat_size());
    EXPECT_EQ(
        cat({keys->initiator_to_responder.encryption, keys->initiator_to_responder.integrity,
             keys->responder_to_initiator.encryption, keys->responder_to_initiator.integrity}),
        keymat);
    EXPECT_EQ(keys->initiator_to_responder.encryption.size(), c.encr);
    EXPECT_EQ(keys->responder_to_initiator.integrity.size(), c.integ);
  }
}

INSTANTIATE_TEST_SUITE_P(EspSuites, ChildKeyTest, ::testing::ValuesIn(kEspSizes),
                         [](const auto& param_info) { return test_name(param_info.param.suite); });

TEST(KeySchedule, RekeyUsesTheOldPrfAndSkD) {
  const auto sk_d = pattern(32, 1), g = pattern(32, 2), ni = pattern(32, 3), nr = pattern(32, 4);
  auto seed = rekey_skeyseed(PrfId::kHmacSha256, sk_d, g, ni, nr);
  ASSERT_TRUE(seed.ok());
  EXPECT_EQ(vec(*seed), reference::hmac(PrfId::kHmacSha256, sk_d, cat({g, ni, nr})));
  EXPECT_FALSE(rekey_skeyseed(PrfId::kHmacSha256, sk_d, {}, ni, nr).ok());
}

TEST(KeySchedule, RefusesMissingInputsAndBadSuites) {
  const auto x = pattern(32, 1);
  EXPECT_FALSE(skeyseed(PrfId::kHmacSha256, {}, x, x).ok());
  EXPECT_FALSE(skeyseed(PrfId::kHmacSha256, x, x, {}).ok());
  const IkeSuite bad{{EncrId::kAesCbc, 128}, IntegId::kNone, PrfId::kHmacSha256, DhGroup::kEcp256};
  EXPECT_FALSE(derive_ike_sa_keys(bad, x, x, x, 1, 2).ok());
  const EspSuite gcm192{{EncrId::kAesGcm16, 192}, IntegId::kNone, std::nullopt, false};
  EXPECT_FALSE(derive_child_sa_keys(PrfId::kHmacSha256, x, gcm192, {}, x, x).ok());
  const EspSuite ok{{EncrId::kAesGcm16, 128}, IntegId::kNone, std::nullopt, false};
  EXPECT_FALSE(derive_child_sa_keys(PrfId::kHmacSha256, x, ok, {}, {}, x).ok());
}

TEST(KeySchedule, BothEndsDeriveTheSameKeysFromTheirOwnDh) {
  const IkeSuite s{
      {EncrId::kAesGcm16, 256}, IntegId::kNone, PrfId::kHmacSha384, DhGroup::kCurve25519};
  auto dh_i = DhKeyPair::generate(s.dh);
  auto dh_r = DhKeyPair::generate(s.dh);
  ASSERT_TRUE(dh_i.ok() && dh_r.ok());
  const auto ni = pattern(48, 1), nr = pattern(48, 2);
  auto g_i = dh_i->shared_secret(dh_r->public_value());
  auto g_r = dh_r->shared_secret(dh_i->public_value());
  ASSERT_TRUE(g_i.ok() && g_r.ok());
  auto seed_i = skeyseed(s.prf, ni, nr, *g_i);
  auto seed_r = skeyseed(s.prf, ni, nr, *g_r);
  ASSERT_TRUE(seed_i.ok() && seed_r.ok());
  auto keys_i = derive_ike_sa_keys(s, *seed_i, ni, nr, 11, 22);
  auto keys_r = derive_ike_sa_keys(s, *seed_r, ni, nr, 11, 22);
  ASSERT_TRUE(keys_i.ok() && keys_r.ok());
  EXPECT_TRUE(keys_i->sk_d == keys_r->sk_d);
  EXPECT_TRUE(keys_i->sk_er == keys_r->sk_er);
  EXPECT_TRUE(keys_i->sk_pr == keys_r->sk_pr);
  EXPECT_FALSE(keys_i->sk_ei == keys_i->sk_er);
  // Different SPIs give different keys.
  auto other = derive_ike_sa_keys(s, *seed_i, ni, nr, 11, 23);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->sk_d == keys_i->sk_d);
}

}  // namespace
}  // namespace vgw::ike::crypto
