// SK payload protection (RFC 7296 3.14, RFC 5282, RFC 7634).
//
// AEAD known answers go through open(): the published vectors are fed in as IV | ciphertext |
// tag with the RFC's AAD as the associated bytes, and what comes out must be the published
// plaintext less its last octet read as Pad Length (so plaintexts whose last octet is larger
// than the rest must be refused as bad padding, with a valid tag). Vectors: McGrew & Viega, "The
// Galois/Counter Mode of Operation", test cases 2-4, 14 and 16 (nonce = 4-octet salt | 8-octet
// IV); RFC 8439 2.8.2 for ChaCha20-Poly1305 (salt 07000000). CBC+HMAC has no published IKE
// vector: seal() output is taken apart here with raw EVP AES-CBC and EVP_Q_mac HMAC, and
// tampering with every part must fail.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "vgw/base/hex.h"
#include "vgw/ike/crypto/sk_cipher.h"

namespace vgw::ike::crypto {
namespace {

// A typo in a vector shows up as a mismatch (this also runs before main, outside any test).
std::vector<uint8_t> hex(std::string_view text) {
  auto r = parse_hex(text);
  return r.ok() ? std::move(*r) : std::vector<uint8_t>{};
}
std::vector<uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }
std::vector<uint8_t> cat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(seed + i * 7);
  return out;
}

IkeSuite suite(EncrId id, uint16_t bits, IntegId integ = IntegId::kNone) {
  return IkeSuite{{id, bits}, integ, PrfId::kHmacSha256, DhGroup::kEcp256};
}

// The IKE header and SK generic header stand-in: any bytes work, they are only authenticated.
const std::vector<uint8_t> kAssociated =
    hex("0123456789abcdeffedcba98765432102e20230800000001000000702300005400");

struct GcmVector {
  const char* name;
  const char* key;
  const char* salt;
  const char* iv;
  const char* plaintext;
  const char* aad;
  const char* ciphertext;
  const char* tag;
};

constexpr const char* kP =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
constexpr const char* kP60 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
constexpr const char* kA = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
constexpr const char* kK = "feffe9928665731c6d6a8f9467308308";
constexpr const char* kK256 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";

const GcmVector kGcmVectors[] = {
    {"case2", "00000000000000000000000000000000", "00000000", "0000000000000000",
     "00000000000000000000000000000000", "", "0388dace60b6a392f328c2b971b2fe78",
     "ab6e47d42cec13bdf53a67b21257bddf"},
    {"case3", kK, "cafebabe", "facedbaddecaf888", kP, "",
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {"case4", kK, "cafebabe", "facedbaddecaf888", kP60, kA,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {"case14", "0000000000000000000000000000000000000000000000000000000000000000", "00000000",
     "0000000000000000", "00000000000000000000000000000000", "", "cea7403d4d606b6e074ec5d3baf39d18",
     "d0d1c8a799996bf0265b98b5d48ab919"},
    {"case16", kK256, "cafebabe", "facedbaddecaf888", kP60, kA,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

class GcmVectorTest : public ::testing::TestWithParam<GcmVector> {};

TEST_P(GcmVectorTest, OpensThePublishedCiphertext) {
  const GcmVector& v = GetParam();
  const auto key = hex(v.key);
  const auto sk_e = cat({key, hex(v.salt)});
  auto cipher =
      SkCipher::create(suite(EncrId::kAesGcm16, static_cast<uint16_t>(key.size() * 8)), sk_e, {});
  ASSERT_TRUE(cipher.ok()) << cipher.error().message;
  const auto sealed = cat({hex(v.iv), hex(v.ciphertext), hex(v.tag)});
  const auto aad = hex(v.aad);
  auto plaintext = hex(v.plaintext);
  auto opened = cipher->open(aad, sealed);
  const size_t pad = plaintext.back();
  if (pad + 1 > plaintext.size()) {
    // The tag verifies, but the last octet cannot be a Pad Length.
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::kInvalidArgument) << opened.error().message;
    return;
  }
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  plaintext.resize(plaintext.size() - pad - 1);
  EXPECT_EQ(*opened, plaintext);

  // Any change to IV, ciphertext, tag or AAD is an integrity failure.
  for (size_t at : {size_t{0}, size_t{8}, sealed.size() - 1}) {
    auto bad = sealed;
    bad[at] ^= 0x01;
    auto r = cipher->open(aad, bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  }
  auto longer_aad = aad;
  longer_aad.push_back(0);
  EXPECT_EQ(cipher->open(longer_aad, sealed).error().code, ErrorCode::kPermissionDenied);
}

INSTANTIATE_TEST_SUITE_P(McGrewViega, GcmVectorTest, ::testing::ValuesIn(kGcmVectors),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(ChaCha20Poly1305, OpensRfc8439Section2_8_2) {
  std::vector<uint8_t> sk_e;
  for (int i = 0x80; i < 0xa0; ++i) sk_e.push_back(static_cast<uint8_t>(i));
  const auto salt = hex("07000000");
  sk_e.insert(sk_e.end(), salt.begin(), salt.end());
  auto cipher = SkCipher::create(suite(EncrId::kChaCha20Poly1305, 256), sk_e, {});
  ASSERT_TRUE(cipher.ok()) << cipher.error().message;
  auto plaintext = bytes_of(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
      "future, sunscreen would be it.");
  const auto sealed = cat({hex("4041424344454647"),
                           hex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
                               "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
                               "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
                               "3ff4def08e4b7a9de576d26586cec64b6116"),
                           hex("1ae10b594f09e26a7e902ecbd0600691")});
  auto opened = cipher->open(hex("50515253c0c1c2c3c4c5c6c7"), sealed);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  plaintext.resize(plaintext.size() - plaintext.back() - 1);  // '.' = 46 read as Pad Length
  EXPECT_EQ(*opened, plaintext);
}

struct RoundTripCase {
  EncrId id;
  uint16_t bits;
  IntegId integ;
};

const RoundTripCase kAllSuites[] = {
    {EncrId::kAesCbc, 128, IntegId::kHmacSha256_128},
    {EncrId::kAesCbc, 192, IntegId::kHmacSha384_192},
    {EncrId::kAesCbc, 256, IntegId::kHmacSha512_256},
    {EncrId::kAesCbc, 256, IntegId::kHmacSha256_128},
    {EncrId::kAesGcm16, 128, IntegId::kNone},
    {EncrId::kAesGcm16, 192, IntegId::kNone},
    {EncrId::kAesGcm16, 256, IntegId::kNone},
    {EncrId::kChaCha20Poly1305, 256, IntegId::kNone},
};

TEST(SkCipher, RoundTripsEverySuiteAndSize) {
  for (const auto& c : kAllSuites) {
    const IkeSuite s = suite(c.id, c.bits, c.integ);
    SCOPED_TRACE(s.name());
    const auto sk_e = pattern(s.sk_e_size(), 1);
    const auto sk_a = pattern(s.sk_a_size(), 2);
    auto sealer = SkCipher::create(s, sk_e, sk_a);
    auto opener = SkCipher::create(s, sk_e, sk_a);
    ASSERT_TRUE(sealer.ok() && opener.ok());
    EXPECT_EQ(sealer->iv_size(), s.is_aead() ? 8u : 16u);
    EXPECT_EQ(sealer->icv_size(), s.is_aead() ? 16u : integ_icv_size(c.integ));
    for (size_t n : {0, 1, 14, 15, 16, 17, 31, 100, 1000}) {
      const auto plaintext = pattern(n, 3);
      auto sealed = sealer->seal(plaintext, kAssociated);
      ASSERT_TRUE(sealed.ok()) << sealed.error().message;
      EXPECT_EQ(sealed->size(), sealer->sealed_size(n)) << n;
      if (!s.is_aead()) {
        EXPECT_EQ((sealed->size() - 16 - sealer->icv_size()) % 16, 0u);
      }
      auto opened = opener->open(kAssociated, *sealed);
      ASSERT_TRUE(opened.ok()) << opened.error().message;
      EXPECT_EQ(*opened, plaintext);
    }
  }
}

TEST(SkCipher, CbcLayoutIsIvCiphertextTruncatedHmac) {
  const IkeSuite s = suite(EncrId::kAesCbc, 256, IntegId::kHmacSha384_192);
  const auto sk_e = pattern(32, 5);
  const auto sk_a = pattern(48, 6);
  auto cipher = SkCipher::create(s, sk_e, sk_a);
  ASSERT_TRUE(cipher.ok());
  const auto plaintext = pattern(20, 7);
  auto sealed = cipher->seal(plaintext, kAssociated);
  ASSERT_TRUE(sealed.ok());
  ASSERT_EQ(sealed->size(), 16u + 32u + 24u);  // 20 + 11 padding + 1 Pad Length = 32
  const std::vector<uint8_t> iv(sealed->begin(), sealed->begin() + 16);
  const std::vector<uint8_t> ct(sealed->begin() + 16, sealed->begin() + 48);
  const std::vector<uint8_t> icv(sealed->begin() + 48, sealed->end());

  // ICV = HMAC-SHA-384(SK_a, associated | IV | ciphertext), first 24 octets (RFC 4868).
  const auto mac_input = cat({kAssociated, iv, ct});
  std::vector<uint8_t> mac(48);
  size_t mac_len = 0;
  ASSERT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA384", nullptr, sk_a.data(), sk_a.size(),
                      mac_input.data(), mac_input.size(), mac.data(), mac.size(), &mac_len),
            nullptr);
  mac.resize(24);
  EXPECT_EQ(icv, mac);

  // AES-256-CBC(SK_e, IV) of plaintext | padding | Pad Length 11.
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  std::vector<uint8_t> plain(32);
  int len = 0;
  ASSERT_EQ(EVP_DecryptInit_ex2(ctx.get(), EVP_aes_256_cbc(), sk_e.data(), iv.data(), nullptr), 1);
  ASSERT_EQ(EVP_CIPHER_CTX_set_padding(ctx.get(), 0), 1);
  ASSERT_EQ(EVP_DecryptUpdate(ctx.get(), plain.data(), &len, ct.data(), 32), 1);
  ASSERT_EQ(len, 32);
  EXPECT_EQ(std::vector<uint8_t>(plain.begin(), plain.begin() + 20), plaintext);
  EXPECT_EQ(plain.back(), 11);

  // A fresh random IV each time.
  auto again = cipher->seal(plaintext, kAssociated);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(std::vector<uint8_t>(again->begin(), again->begin() + 16), iv);
}

TEST(SkCipher, AeadLayoutIsIvCiphertextTagWithCountingIvs) {
  const IkeSuite s = suite(EncrId::kAesGcm16, 128);
  const auto sk_e = pattern(20, 9);
  auto cipher = SkCipher::create(s, sk_e, {});
  ASSERT_TRUE(cipher.ok());
  const auto plaintext = pattern(33, 1);
  auto first = cipher->seal(plaintext, kAssociated);
  auto second = cipher->seal(plaintext, kAssociated);
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ(first->size(), 8u + 34u + 16u);  // no padding, one Pad Length octet
  uint64_t iv1 = 0, iv2 = 0;
  for (int i = 0; i < 8; ++i) {
    iv1 = iv1 << 8 | (*first)[i];
    iv2 = iv2 << 8 | (*second)[i];
  }
  EXPECT_EQ(iv2, iv1 + 1);

  // AES-128-GCM(key = SK_e[0..16), nonce = SK_e[16..20) | IV, AAD = associated).
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  std::vector<uint8_t> nonce(sk_e.begin() + 16, sk_e.end());
  nonce.insert(nonce.end(), first->begin(), first->begin() + 8);
  std::vector<uint8_t> plain(34);
  int len = 0;
  ASSERT_EQ(EVP_DecryptInit_ex2(ctx.get(), EVP_aes_128_gcm(), sk_e.data(), nonce.data(), nullptr),
            1);
  ASSERT_EQ(EVP_DecryptUpdate(ctx.get(), nullptr, &len, kAssociated.data(),
                              static_cast<int>(kAssociated.size())),
            1);
  ASSERT_EQ(EVP_DecryptUpdate(ctx.get(), plain.data(), &len, first->data() + 8, 34), 1);
  ASSERT_EQ(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, 16, first->data() + 42), 1);
  ASSERT_EQ(EVP_DecryptFinal_ex(ctx.get(), plain.data() + len, &len), 1);
  EXPECT_EQ(std::vector<uint8_t>(plain.begin(), plain.begin() + 33), plaintext);
  EXPECT_EQ(plain.back(), 0);
}

TEST(SkCipher, CbcTamperingIsAnIntegrityFailure) {
  const IkeSuite s = suite(EncrId::kAesCbc, 128, IntegId::kHmacSha256_128);
  auto cipher = SkCipher::create(s, pattern(16, 1), pattern(32, 2));
  ASSERT_TRUE(cipher.ok());
  auto sealed = cipher->seal(pattern(40, 3), kAssociated);
  ASSERT_TRUE(sealed.ok());
  // IV, first and last ciphertext octet, first and last ICV octet.
  for (size_t at :
       {size_t{0}, size_t{15}, size_t{16}, size_t{63}, size_t{64}, sealed->size() - 1}) {
    auto bad = *sealed;
    bad[at] ^= 0x80;
    auto r = cipher->open(kAssociated, bad);
    ASSERT_FALSE(r.ok()) << at;
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied) << at;
  }
  auto bad_header = kAssociated;
  bad_header[19] ^= 0x01;  // e.g. the exchange type
  EXPECT_EQ(cipher->open(bad_header, *sealed).error().code, ErrorCode::kPermissionDenied);
  // A different integrity key does not verify either.
  auto other = SkCipher::create(s, pattern(16, 1), pattern(32, 3));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->open(kAssociated, *sealed).error().code, ErrorCode::kPermissionDenied);
}

TEST(SkCipher, MalformedBodiesAreRefusedBeforeDecrypting) {
  const IkeSuite s = suite(EncrId::kAesCbc, 128, IntegId::kHmacSha256_128);
  auto cipher = SkCipher::create(s, pattern(16, 1), pattern(32, 2));
  ASSERT_TRUE(cipher.ok());
  auto sealed = cipher->seal(pattern(40, 3), kAssociated);
  ASSERT_TRUE(sealed.ok());
  auto shorter = *sealed;
  shorter.erase(shorter.begin() + 20);  // ciphertext no longer whole blocks
  EXPECT_EQ(cipher->open(kAssociated, shorter).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(cipher->open(kAssociated, std::span(*sealed).first(16 + 16 + 15)).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(cipher->open(kAssociated, {}).error().code, ErrorCode::kInvalidArgument);

  auto gcm = SkCipher::create(suite(EncrId::kAesGcm16, 256), pattern(36, 1), {});
  ASSERT_TRUE(gcm.ok());
  EXPECT_EQ(gcm->open(kAssociated, std::vector<uint8_t>(8 + 16, 0)).error().code,
            ErrorCode::kInvalidArgument);  // no room for the Pad Length octet
}

TEST(SkCipher, CbcPadLengthIsCheckedAfterTheIcv) {
  // Bodies with a right ICV whose last plaintext octet (the Pad Length) is chosen here.
  const auto sk_e = pattern(16, 1);
  const auto sk_a = pattern(32, 2);
  auto cipher = SkCipher::create(suite(EncrId::kAesCbc, 128, IntegId::kHmacSha256_128), sk_e, sk_a);
  ASSERT_TRUE(cipher.ok());
  auto authentic_body = [&](uint8_t pad_length) {
    const auto iv = pattern(16, 4);
    auto plain = pattern(32, 5);
    plain.back() = pad_length;
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        EVP_CIPHER_CTX_free);
    std::vector<uint8_t> ct(32);
    int len = 0;
    EXPECT_EQ(EVP_EncryptInit_ex2(ctx.get(), EVP_aes_128_cbc(), sk_e.data(), iv.data(), nullptr),
              1);
    EXPECT_EQ(EVP_CIPHER_CTX_set_padding(ctx.get(), 0), 1);
    EXPECT_EQ(EVP_EncryptUpdate(ctx.get(), ct.data(), &len, plain.data(), 32), 1);
    const auto mac_input = cat({kAssociated, iv, ct});
    std::vector<uint8_t> mac(32);
    size_t mac_len = 0;
    EXPECT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, sk_a.data(), sk_a.size(),
                        mac_input.data(), mac_input.size(), mac.data(), mac.size(), &mac_len),
              nullptr);
    mac.resize(16);
    return cat({iv, ct, mac});
  };
  auto r = cipher->open(kAssociated, authentic_body(0xff));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("Pad Length"), std::string::npos) << r.error().message;
  EXPECT_EQ(cipher->open(kAssociated, authentic_body(32)).error().code,
            ErrorCode::kInvalidArgument);
  // Padding contents are not checked (RFC 7296 3.14): 31 octets of anything and Pad Length 31
  // leave an empty payload chain; 30 leave one octet.
  auto empty = cipher->open(kAssociated, authentic_body(31));
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_TRUE(empty->empty());
  auto one = cipher->open(kAssociated, authentic_body(30));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, std::vector<uint8_t>{pattern(32, 5)[0]});
}

TEST(SkCipher, RefusesWrongKeySizesAndSuites) {
  const IkeSuite cbc = suite(EncrId::kAesCbc, 128, IntegId::kHmacSha256_128);
  EXPECT_FALSE(SkCipher::create(cbc, pattern(15, 1), pattern(32, 1)).ok());
  EXPECT_FALSE(SkCipher::create(cbc, pattern(16, 1), pattern(31, 1)).ok());
  EXPECT_FALSE(SkCipher::create(cbc, pattern(16, 1), {}).ok());
  const IkeSuite gcm = suite(EncrId::kAesGcm16, 128);
  EXPECT_FALSE(SkCipher::create(gcm, pattern(16, 1), {}).ok());  // salt missing
  EXPECT_FALSE(SkCipher::create(gcm, pattern(20, 1), pattern(32, 1)).ok());
  EXPECT_FALSE(SkCipher::create(suite(EncrId::kAesCbc, 128), pattern(16, 1), {}).ok());
  EXPECT_FALSE(SkCipher::create(suite(EncrId::kChaCha20Poly1305, 128), pattern(20, 1), {}).ok());
}

}  // namespace
}  // namespace vgw::ike::crypto
