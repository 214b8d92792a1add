// Cipher suites and strongSwan proposal keywords (docs.strongswan.org, "Algorithm Proposals"
// and "IKEv2 Cipher Suites"): the examples of the brief parse to the right transform IDs, every
// suite prints back to a string that parses to itself, and every mistake is an error naming
// what is wrong.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vgw/ike/crypto/random.h"
#include "vgw/ike/crypto/suite.h"

namespace vgw::ike::crypto {
namespace {

TEST(IkeSuiteParse, StrongSwanExamples) {
  struct Case {
    const char* text;
    IkeSuite suite;
    const char* canonical;
  };
  const Case cases[] = {
      {"aes256-sha256-modp2048",
       {{EncrId::kAesCbc, 256}, IntegId::kHmacSha256_128, PrfId::kHmacSha256, DhGroup::kModp2048},
       "aes256-sha256-modp2048"},
      {"aes128gcm16-prfsha256-ecp256",
       {{EncrId::kAesGcm16, 128}, IntegId::kNone, PrfId::kHmacSha256, DhGroup::kEcp256},
       "aes128gcm16-prfsha256-ecp256"},
      {"aes256gcm16-prfsha384-x25519",
       {{EncrId::kAesGcm16, 256}, IntegId::kNone, PrfId::kHmacSha384, DhGroup::kCurve25519},
       "aes256gcm16-prfsha384-curve25519"},
      {"aes-sha2_256-modp3072",
       {{EncrId::kAesCbc, 128}, IntegId::kHmacSha256_128, PrfId::kHmacSha256, DhGroup::kModp3072},
       "aes128-sha256-modp3072"},
      {"aes256gcm128-prfsha512-ecp521",
       {{EncrId::kAesGcm16, 256}, IntegId::kNone, PrfId::kHmacSha512, DhGroup::kEcp521},
       "aes256gcm16-prfsha512-ecp521"},
      {"aes192-sha384-prfsha256-ecp384",
       {{EncrId::kAesCbc, 192}, IntegId::kHmacSha384_192, PrfId::kHmacSha256, DhGroup::kEcp384},
       "aes192-sha384-prfsha256-ecp384"},
      // An integrity keyword in an AEAD proposal names the PRF and is dropped (strongSwan).
      {"aes256gcm16-sha384-modp4096",
       {{EncrId::kAesGcm16, 256}, IntegId::kNone, PrfId::kHmacSha384, DhGroup::kModp4096},
       "aes256gcm16-prfsha384-modp4096"},
      {"chacha20poly1305-prfsha256-curve25519",
       {{EncrId::kChaCha20Poly1305, 256}, IntegId::kNone, PrfId::kHmacSha256, DhGroup::kCurve25519},
       "chacha20poly1305-prfsha256-curve25519"},
      // The order of different kinds does not matter.
      {"modp2048-sha512-aes128",
       {{EncrId::kAesCbc, 128}, IntegId::kHmacSha512_256, PrfId::kHmacSha512, DhGroup::kModp2048},
       "aes128-sha512-modp2048"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto s = parse_ike_suite(c.text);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(*s, c.suite);
    EXPECT_EQ(s->name(), c.canonical);
    EXPECT_TRUE(validate(*s).ok());
  }
}

TEST(IkeAlgorithmsParse, SeveralAlgorithmsOfAKind) {
  auto a = parse_ike_algorithms("aes128-sha256-sha384-modp3072");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->encr, (std::vector<Cipher>{{EncrId::kAesCbc, 128}}));
  EXPECT_EQ(a->integ, (std::vector<IntegId>{IntegId::kHmacSha256_128, IntegId::kHmacSha384_192}));
  EXPECT_EQ(a->prf, (std::vector<PrfId>{PrfId::kHmacSha256, PrfId::kHmacSha384}));
  EXPECT_EQ(a->dh, (std::vector<DhGroup>{DhGroup::kModp3072}));
  EXPECT_EQ(a->name(), "aes128-sha256-sha384-modp3072");
  const auto suites = a->suites();
  ASSERT_EQ(suites.size(), 4u);
  EXPECT_EQ(suites.front().name(), "aes128-sha256-modp3072");
  EXPECT_EQ(suites.back().name(), "aes128-sha384-modp3072");
  EXPECT_EQ(suites[1].name(), "aes128-sha256-prfsha384-modp3072");

  // strongSwan's own example; the same proposal in another order.
  auto b = parse_ike_algorithms("aes256gcm16-aes192gcm16-prfsha384-prfsha256-ecp384-modp3072");
  auto c = parse_ike_algorithms("aes256gcm16-prfsha384-ecp384-aes192gcm16-prfsha256-modp3072");
  ASSERT_TRUE(b.ok() && c.ok());
  EXPECT_EQ(*b, *c);
  EXPECT_EQ(b->suites().size(), 8u);
  EXPECT_EQ(b->name(), "aes256gcm16-aes192gcm16-prfsha384-prfsha256-ecp384-modp3072");

  // parse_ike_suite wants exactly one combination.
  auto many = parse_ike_suite("aes128-sha256-sha384-modp3072");
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.error().message.find("4 suites"), std::string::npos) << many.error().message;
  // Repeats collapse.
  auto repeated = parse_ike_suite("aes128-aes-sha256-sha2_256-modp2048");
  ASSERT_TRUE(repeated.ok()) << repeated.error().message;
  EXPECT_EQ(repeated->name(), "aes128-sha256-modp2048");
}

TEST(IkeSuiteParse, ErrorsNameTheProblem) {
  struct Case {
    const char* text;
    const char* says;
  };
  const Case cases[] = {
      {"aes256-sha1-modp2048", "'sha1'"},
      {"aes256-sha256-modp1024", "'modp1024'"},
      {"3des-sha256-modp2048", "'3des'"},
      {"aes256-sha256-modp2048!", "'modp2048!'"},
      {"", "empty"},
      {"aes256--sha256-modp2048", "empty keyword"},
      {"aes256-sha256-modp2048-", "empty keyword"},
      {"sha256-modp2048", "no encryption"},
      {"aes256-modp2048", "integrity"},
      {"aes256gcm16-ecp256", "PRF"},
      {"aes256-sha256", "key exchange"},
      {"aes256-aes128gcm16-sha256-modp2048", "mixes"},
      {"aes128gcm16-prfsha256-ecp256-esn", "ESP proposals only"},
  };
  for (const Case& c : cases) {
    auto s = parse_ike_algorithms(c.text);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_NE(s.error().message.find(c.says), std::string::npos)
        << c.text << " -> " << s.error().message;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(EspSuiteParse, StrongSwanExamples) {
  struct Case {
    const char* text;
    EspSuite suite;
    const char* canonical;
  };
  const Case cases[] = {
      {"aes128gcm16",
       {{EncrId::kAesGcm16, 128}, IntegId::kNone, std::nullopt, false},
       "aes128gcm16"},
      {"aes256gcm16-ecp256",
       {{EncrId::kAesGcm16, 256}, IntegId::kNone, DhGroup::kEcp256, false},
       "aes256gcm16-ecp256"},
      {"aes128-sha256",
       {{EncrId::kAesCbc, 128}, IntegId::kHmacSha256_128, std::nullopt, false},
       "aes128-sha256"},
      {"aes256-sha512-modp2048",
       {{EncrId::kAesCbc, 256}, IntegId::kHmacSha512_256, DhGroup::kModp2048, false},
       "aes256-sha512-modp2048"},
      {"chacha20poly1305",
       {{EncrId::kChaCha20Poly1305, 256}, IntegId::kNone, std::nullopt, false},
       "chacha20poly1305"},
      {"aes128-sha256-esn",
       {{EncrId::kAesCbc, 128}, IntegId::kHmacSha256_128, std::nullopt, true},
       "aes128-sha256-esn"},
      {"aes192-sha384-x25519-noesn",
       {{EncrId::kAesCbc, 192}, IntegId::kHmacSha384_192, DhGroup::kCurve25519, false},
       "aes192-sha384-curve25519"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto s = parse_esp_suite(c.text);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(*s, c.suite);
    EXPECT_EQ(s->name(), c.canonical);
    EXPECT_TRUE(validate(*s).ok());
  }
  auto both = parse_esp_algorithms("aes128gcm16-aes256gcm16-esn-noesn");
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->suites().size(), 4u);
  EXPECT_EQ(both->name(), "aes128gcm16-aes256gcm16-esn-noesn");
}

TEST(EspSuiteParse, ErrorsNameTheProblem) {
  struct Case {
    const char* text;
    const char* says;
  };
  const Case cases[] = {
      {"aes128gcm16-sha256", "takes no integrity"},
      {"aes128", "integrity"},
      {"aes192gcm16", "not supported for ESP"},
      {"aes128-prfsha256-sha256", "is a PRF"},
      {"aes128-md5", "'md5'"},
      {"aes128gcm16-chacha20poly1305-aes128-sha256", "mixes"},
      {"aes128gcm16-aes128gcm16-ecp256-modp2048", ""},  // two PFS groups: fine for algorithms
  };
  for (const Case& c : cases) {
    auto s = parse_esp_algorithms(c.text);
    if (std::string(c.says).empty()) {
      EXPECT_TRUE(s.ok()) << c.text;
      EXPECT_FALSE(parse_esp_suite(c.text).ok()) << c.text;  // but not one suite
      continue;
    }
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_NE(s.error().message.find(c.says), std::string::npos)
        << c.text << " -> " << s.error().message;
  }
}

TEST(Suites, EveryValidSuiteRoundTrips) {
  const Cipher ciphers[] = {{EncrId::kAesCbc, 128},          {EncrId::kAesCbc, 192},
                            {EncrId::kAesCbc, 256},          {EncrId::kAesGcm16, 128},
                            {EncrId::kAesGcm16, 192},        {EncrId::kAesGcm16, 256},
                            {EncrId::kChaCha20Poly1305, 256}};
  const IntegId integs[] = {IntegId::kNone, IntegId::kHmacSha256_128, IntegId::kHmacSha384_192,
                            IntegId::kHmacSha512_256};
  const PrfId prfs[] = {PrfId::kHmacSha256, PrfId::kHmacSha384, PrfId::kHmacSha512};
  const DhGroup groups[] = {DhGroup::kModp2048,  DhGroup::kModp3072, DhGroup::kModp4096,
                            DhGroup::kEcp256,    DhGroup::kEcp384,   DhGroup::kEcp521,
                            DhGroup::kCurve25519};
  int ike = 0, esp = 0;
  for (const Cipher& c : ciphers)
    for (IntegId i : integs)
      for (DhGroup g : groups) {
        for (PrfId p : prfs) {
          const IkeSuite s{c, i, p, g};
          if (!validate(s).ok()) continue;
          ++ike;
          auto back = parse_ike_suite(s.name());
          ASSERT_TRUE(back.ok()) << s.name() << ": " << back.error().message;
          EXPECT_EQ(*back, s) << s.name();
        }
        for (bool e : {false, true})
          for (bool pfs : {false, true}) {
            const EspSuite s{c, i, pfs ? std::optional<DhGroup>(g) : std::nullopt, e};
            if (!validate(s).ok()) continue;
            ++esp;
            auto back = parse_esp_suite(s.name());
            ASSERT_TRUE(back.ok()) << s.name() << ": " << back.error().message;
            EXPECT_EQ(*back, s) << s.name();
          }
      }
  // CBC: 3 sizes x 3 integrity x 3 PRF x 7 groups; AEAD: 4 ciphers x 3 PRF x 7 groups.
  EXPECT_EQ(ike, 3 * 3 * 3 * 7 + 4 * 3 * 7);
  // ESP: 9 CBC + 3 AEAD suites, each with and without ESN, with each PFS group or (once per
  // group visited) without PFS.
  EXPECT_EQ(esp, 12 * 7 * 2 * 2);
}

TEST(Suites, ValidateRefusesWhatTheSaMustNotUse) {
  const IkeSuite good{
      {EncrId::kAesCbc, 128}, IntegId::kHmacSha256_128, PrfId::kHmacSha256, DhGroup::kModp2048};
  EXPECT_TRUE(validate(good).ok());
  IkeSuite s = good;
  s.integ = IntegId::kNone;
  EXPECT_FALSE(validate(s).ok());
  s = good;
  s.encr = {EncrId::kAesGcm16, 128};
  EXPECT_FALSE(validate(s).ok());  // AEAD with integrity
  s = good;
  s.prf = PrfId::kHmacSha1;
  EXPECT_FALSE(validate(s).ok());
  s = good;
  s.encr.key_bits = 512;
  EXPECT_FALSE(validate(s).ok());
  s = good;
  s.dh = static_cast<DhGroup>(2);
  EXPECT_FALSE(validate(s).ok());
  s = good;
  s.encr = {static_cast<EncrId>(3), 192};  // 3DES
  EXPECT_FALSE(validate(s).ok());
  EXPECT_FALSE(
      validate(EspSuite{{EncrId::kAesGcm16, 192}, IntegId::kNone, std::nullopt, false}).ok());
  EXPECT_FALSE(
      validate(EspSuite{{EncrId::kChaCha20Poly1305, 128}, IntegId::kNone, std::nullopt, false})
          .ok());
  EXPECT_FALSE(
      validate(EspSuite{{EncrId::kAesCbc, 128}, IntegId::kNone, std::nullopt, false}).ok());
}

TEST(Suites, KeywordsOfSingleAlgorithms) {
  EXPECT_EQ(keyword(Cipher{EncrId::kAesGcm16, 256}), "aes256gcm16");
  EXPECT_EQ(keyword(IntegId::kHmacSha384_192), "sha384");
  EXPECT_EQ(keyword(PrfId::kHmacSha512), "prfsha512");
  EXPECT_EQ(keyword(DhGroup::kEcp521), "ecp521");
  EXPECT_EQ(keyword(DhGroup::kCurve25519), "curve25519");
  EXPECT_EQ(keyword(static_cast<DhGroup>(2)), "dh(2)");
  EXPECT_EQ(keyword(PrfId::kHmacSha1), "prf(2)");
}

TEST(TransformIds, SizesFollowTheRfcs) {
  EXPECT_EQ(ke_size(DhGroup::kModp2048), 256u);
  EXPECT_EQ(ke_size(DhGroup::kModp4096), 512u);
  EXPECT_EQ(ke_size(DhGroup::kEcp521), 132u);  // 2 x 66 (RFC 5903 section 7)
  EXPECT_EQ(shared_secret_size(DhGroup::kEcp521), 66u);
  EXPECT_EQ(shared_secret_size(DhGroup::kModp3072), 384u);
  EXPECT_EQ(shared_secret_size(DhGroup::kCurve25519), 32u);
  EXPECT_EQ(integ_icv_size(IntegId::kHmacSha512_256), 32u);
  EXPECT_EQ(encr_key_size(EncrId::kAesGcm16, 128), 20u);
  EXPECT_EQ(encr_key_size(EncrId::kAesCbc, 192), 24u);
  EXPECT_FALSE(is_known(static_cast<EncrId>(3)));
  EXPECT_TRUE(is_known(IntegId::kNone));
}

TEST(Random, NoncesSpisAndIvs) {
  auto a = random_nonce();
  auto b = random_nonce();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), kDefaultNonceSize);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(random_nonce(16)->size(), 16u);
  EXPECT_EQ(random_nonce(256)->size(), 256u);
  EXPECT_FALSE(random_nonce(15).ok());
  EXPECT_FALSE(random_nonce(257).ok());
  EXPECT_EQ(nonce_size(PrfId::kHmacSha256), 32u);
  EXPECT_EQ(nonce_size(PrfId::kHmacSha512), 64u);
  EXPECT_TRUE(check_nonce_size(16, PrfId::kHmacSha256).ok());
  EXPECT_FALSE(check_nonce_size(31, PrfId::kHmacSha512).ok());  // < half of 64
  EXPECT_TRUE(check_nonce_size(32, PrfId::kHmacSha512).ok());
  EXPECT_FALSE(check_nonce_size(257, PrfId::kHmacSha256).ok());
  for (int i = 0; i < 100; ++i) {
    auto ike_spi = random_ike_spi();
    auto esp_spi = random_esp_spi();
    ASSERT_TRUE(ike_spi.ok() && esp_spi.ok());
    EXPECT_NE(*ike_spi, 0u);
    EXPECT_GE(*esp_spi, 256u);
  }
  std::vector<uint8_t> iv1(16), iv2(16);
  ASSERT_TRUE(random_iv(iv1).ok());
  ASSERT_TRUE(random_iv(iv2).ok());
  EXPECT_NE(iv1, iv2);
}

}  // namespace
}  // namespace vgw::ike::crypto
