// Known-answer tests of the ESP crypto primitives against published vectors: AES-GCM (McGrew &
// Viega, "The Galois/Counter Mode of Operation", test cases 2-4 and 14-16), ChaCha20-Poly1305
// (RFC 8439 2.8.2), HMAC-SHA-256/384/512 (RFC 4231, and RFC 4868 2.7.2 for the truncated ESP
// ICVs) and AES-CBC (RFC 3602 section 4). Each vector was re-checked with python-cryptography
// before it went in.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "esp_fixtures.h"
#include "vgw/esp/crypto.h"

namespace vgw::esp {
namespace {

using testing::hex;

std::vector<uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

struct GcmVector {
  const char* name;
  const char* key;
  const char* iv;  // 12 octets: the first 4 play the ESP salt, the last 8 the ESP IV
  const char* plaintext;
  const char* aad;
  const char* ciphertext;
  const char* tag;
};

constexpr const char* kGcmP =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
constexpr const char* kGcmP60 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
constexpr const char* kGcmA = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
constexpr const char* kGcmK = "feffe9928665731c6d6a8f9467308308";
constexpr const char* kGcmK256 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";

const GcmVector kGcmVectors[] = {
    {"case2", "00000000000000000000000000000000", "000000000000000000000000",
     "00000000000000000000000000000000", "", "0388dace60b6a392f328c2b971b2fe78",
     "ab6e47d42cec13bdf53a67b21257bddf"},
    {"case3", kGcmK, "cafebabefacedbaddecaf888", kGcmP, "",
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {"case4", kGcmK, "cafebabefacedbaddecaf888", kGcmP60, kGcmA,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {"case14", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "00000000000000000000000000000000", "",
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"case15", kGcmK256, "cafebabefacedbaddecaf888", kGcmP, "",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"case16", kGcmK256, "cafebabefacedbaddecaf888", kGcmP60, kGcmA,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
     "",  // truncated below to the plaintext length
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

class GcmVectorTest : public ::testing::TestWithParam<GcmVector> {};

TEST_P(GcmVectorTest, SealsAndOpens) {
  const GcmVector& v = GetParam();
  auto key = hex(v.key);
  auto nonce = hex(v.iv);
  key.insert(key.end(), nonce.begin(), nonce.begin() + 4);  // ESP keying material = key || salt
  std::array<uint8_t, 8> iv;
  std::copy(nonce.begin() + 4, nonce.end(), iv.begin());
  auto plaintext = hex(v.plaintext);
  auto aad = hex(v.aad);
  auto expected = hex(v.ciphertext);
  expected.resize(plaintext.size());
  const size_t bits = (key.size() - 4) * 8;

  auto sealer = Aead::create(Encryption::kAesGcm16, bits, Direction::kOutbound, key);
  ASSERT_TRUE(sealer.ok()) << sealer.error().message;
  auto data = plaintext;
  std::array<uint8_t, 16> tag{};
  ASSERT_TRUE(sealer->seal(iv, aad, data, tag));
  EXPECT_EQ(data, expected);
  EXPECT_EQ(std::vector<uint8_t>(tag.begin(), tag.end()), hex(v.tag));

  auto opener = Aead::create(Encryption::kAesGcm16, bits, Direction::kInbound, key);
  ASSERT_TRUE(opener.ok());
  ASSERT_TRUE(opener->open(iv, aad, data, tag));
  EXPECT_EQ(data, plaintext);

  // The context is reused per packet: a second run gives the same answer.
  data = plaintext;
  ASSERT_TRUE(sealer->seal(iv, aad, data, tag));
  EXPECT_EQ(data, expected);

  // Any change to the tag, the ciphertext or the AAD fails.
  tag[15] ^= 1;
  EXPECT_FALSE(opener->open(iv, aad, data, tag));
  tag[15] ^= 1;
  data = expected;
  data[0] ^= 0x80;
  EXPECT_FALSE(opener->open(iv, aad, data, tag));
  data = expected;
  aad.push_back(0);
  EXPECT_FALSE(opener->open(iv, aad, data, tag));
}

INSTANTIATE_TEST_SUITE_P(McGrewViega, GcmVectorTest, ::testing::ValuesIn(kGcmVectors),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// RFC 8439 section 2.8.2: nonce = 07000000 || 4041424344454647, which in RFC 7634 terms is the
// salt 07000000 and the IV 4041424344454647.
TEST(ChaCha20Poly1305Vector, Rfc8439Section2_8_2) {
  std::vector<uint8_t> key;
  for (int i = 0x80; i < 0xa0; ++i) key.push_back(static_cast<uint8_t>(i));
  auto salt = hex("07000000");
  key.insert(key.end(), salt.begin(), salt.end());
  std::array<uint8_t, 8> iv{0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47};
  auto aad = hex("50515253c0c1c2c3c4c5c6c7");
  auto plaintext = bytes_of(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
      "future, sunscreen would be it.");
  auto expected =
      hex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
          "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
          "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
          "3ff4def08e4b7a9de576d26586cec64b6116");
  auto sealer = Aead::create(Encryption::kChaCha20Poly1305, 256, Direction::kOutbound, key);
  ASSERT_TRUE(sealer.ok()) << sealer.error().message;
  auto data = plaintext;
  std::array<uint8_t, 16> tag{};
  ASSERT_TRUE(sealer->seal(iv, aad, data, tag));
  EXPECT_EQ(data, expected);
  EXPECT_EQ(std::vector<uint8_t>(tag.begin(), tag.end()), hex("1ae10b594f09e26a7e902ecbd0600691"));

  auto opener = Aead::create(Encryption::kChaCha20Poly1305, 256, Direction::kInbound, key);
  ASSERT_TRUE(opener.ok());
  ASSERT_TRUE(opener->open(iv, aad, data, tag));
  EXPECT_EQ(data, plaintext);
  data = expected;
  tag[0] ^= 1;
  EXPECT_FALSE(opener->open(iv, aad, data, tag));
}

TEST(AeadCreate, RefusesWrongKeyMaterial) {
  std::vector<uint8_t> key16(16), key20(20), key36(36);
  EXPECT_FALSE(Aead::create(Encryption::kAesGcm16, 128, Direction::kOutbound, key16).ok());
  EXPECT_TRUE(Aead::create(Encryption::kAesGcm16, 128, Direction::kOutbound, key20).ok());
  EXPECT_FALSE(Aead::create(Encryption::kAesGcm16, 192, Direction::kOutbound, key20).ok());
  EXPECT_FALSE(Aead::create(Encryption::kAesCbc, 128, Direction::kOutbound, key20).ok());
  EXPECT_TRUE(Aead::create(Encryption::kChaCha20Poly1305, 256, Direction::kInbound, key36).ok());
  EXPECT_FALSE(Aead::create(Encryption::kChaCha20Poly1305, 128, Direction::kInbound, key20).ok());
}

struct HmacVector {
  const char* name;
  Integrity integrity;
  std::vector<uint8_t> key;
  std::vector<uint8_t> data;
  const char* digest;  // full HMAC output; the ICV is its first icv_size() octets
};

std::vector<HmacVector> hmac_vectors() {
  const std::vector<uint8_t> k0b20(20, 0x0b);
  const std::vector<uint8_t> kaa131(131, 0xaa);
  const auto hi = bytes_of("Hi There");
  const auto jefe = bytes_of("Jefe");
  const auto what = bytes_of("what do ya want for nothing?");
  const auto large = bytes_of("Test Using Larger Than Block-Size Key - Hash Key First");
  return {
      // RFC 4231 test cases 1, 2 and 6.
      {"rfc4231_1_sha256", Integrity::kHmacSha256_128, k0b20, hi,
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"rfc4231_1_sha384", Integrity::kHmacSha384_192, k0b20, hi,
       "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
       "faea9ea9076ede7f4af152e8b2fa9cb6"},
      {"rfc4231_1_sha512", Integrity::kHmacSha512_256, k0b20, hi,
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
       "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
      {"rfc4231_2_sha256", Integrity::kHmacSha256_128, jefe, what,
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"rfc4231_2_sha384", Integrity::kHmacSha384_192, jefe, what,
       "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
       "8e2240ca5e69e2c78b3239ecfab21649"},
      {"rfc4231_2_sha512", Integrity::kHmacSha512_256, jefe, what,
       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
       "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
      {"rfc4231_6_sha256", Integrity::kHmacSha256_128, kaa131, large,
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {"rfc4231_6_sha384", Integrity::kHmacSha384_192, kaa131, large,
       "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
       "0c2ef6ab4030fe8296248df163f44952"},
      {"rfc4231_6_sha512", Integrity::kHmacSha512_256, kaa131, large,
       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
       "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
      // RFC 4868 2.7.2.1-2.7.2.3 test case AUTH-1: ESP-length keys, truncated ICVs.
      {"rfc4868_auth256_1", Integrity::kHmacSha256_128, std::vector<uint8_t>(32, 0x0b), hi,
       "198a607eb44bfbc69903a0f1cf2bbdc5"},
      {"rfc4868_auth384_1", Integrity::kHmacSha384_192, std::vector<uint8_t>(48, 0x0b), hi,
       "b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973"},
      {"rfc4868_auth512_1", Integrity::kHmacSha512_256, std::vector<uint8_t>(64, 0x0b), hi,
       "637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8"},
  };
}

class HmacVectorTest : public ::testing::TestWithParam<HmacVector> {};

TEST_P(HmacVectorTest, TruncatedIcv) {
  const HmacVector& v = GetParam();
  auto hmac = Hmac::create(v.integrity, v.key);
  ASSERT_TRUE(hmac.ok()) << hmac.error().message;
  auto expected = hex(v.digest);
  expected.resize(
      hmac->icv_size());  // RFC 4868 2.3: the leftmost half (256, 384, 512 -> 128, 192, 256)
  EXPECT_EQ(hmac->icv_size(), v.integrity == Integrity::kHmacSha256_128   ? 16u
                              : v.integrity == Integrity::kHmacSha384_192 ? 24u
                                                                          : 32u);
  std::vector<uint8_t> icv(hmac->icv_size());
  ASSERT_TRUE(hmac->compute(v.data, {}, icv));
  EXPECT_EQ(icv, expected);
  // Reused context, and data split between data and trailer gives the same ICV.
  std::vector<uint8_t> split(hmac->icv_size());
  std::span<const uint8_t> all(v.data);
  ASSERT_TRUE(hmac->compute(all.first(3), all.subspan(3), split));
  EXPECT_EQ(split, expected);
  EXPECT_TRUE(hmac->verify(v.data, {}, expected));
  expected.back() ^= 1;
  EXPECT_FALSE(hmac->verify(v.data, {}, expected));
  expected.pop_back();
  EXPECT_FALSE(hmac->verify(v.data, {}, expected));  // wrong length never verifies
}

INSTANTIATE_TEST_SUITE_P(Rfc4231And4868, HmacVectorTest, ::testing::ValuesIn(hmac_vectors()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(HmacCreate, RefusesNoneAndEmptyKey) {
  std::vector<uint8_t> key(32, 1);
  EXPECT_FALSE(Hmac::create(Integrity::kNone, key).ok());
  EXPECT_FALSE(Hmac::create(Integrity::kHmacSha256_128, {}).ok());
}

struct CbcVector {
  const char* name;
  const char* key;
  const char* iv;
  std::vector<uint8_t> plaintext;
  const char* ciphertext;
};

std::vector<CbcVector> cbc_vectors() {
  std::vector<uint8_t> p2, p4;
  for (int i = 0; i < 32; ++i) p2.push_back(static_cast<uint8_t>(i));
  for (int i = 0xa0; i < 0xe0; ++i) p4.push_back(static_cast<uint8_t>(i));
  return {
      {"case1", "06a9214036b8a15b512e03d534120006", "3dafba429d9eb430b422da802c9fac41",
       bytes_of("Single block msg"), "e353779c1079aeb82708942dbe77181a"},
      {"case2", "c286696d887c9aa0611bbb3e2025a45a", "562e17996d093d28ddb3ba695a2e6f58", p2,
       "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1"},
      {"case3", "6c3ea0477630ce21a2ce334aa746c2cd", "c782dc4c098c66cbd9cd27d825682c81",
       bytes_of("This is a 48-byte message (exactly 3 AES blocks)"),
       "d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5"
       "021c19216bad525c8579695d83ba2684"},
      {"case4", "56e47a38c5598974bc46903dba290349", "8ce82eefbea0da3c44699ed7db51b7d9", p4,
       "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e"
       "35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55"},
  };
}

class CbcVectorTest : public ::testing::TestWithParam<CbcVector> {};

TEST_P(CbcVectorTest, EncryptsAndDecrypts) {
  const CbcVector& v = GetParam();
  auto key = hex(v.key);
  auto iv_bytes = hex(v.iv);
  std::array<uint8_t, 16> iv;
  std::copy(iv_bytes.begin(), iv_bytes.end(), iv.begin());
  auto enc = CbcCipher::create(128, Direction::kOutbound, key);
  auto dec = CbcCipher::create(128, Direction::kInbound, key);
  ASSERT_TRUE(enc.ok() && dec.ok());
  auto data = v.plaintext;
  ASSERT_TRUE(enc->crypt(iv, data));
  EXPECT_EQ(data, hex(v.ciphertext));
  ASSERT_TRUE(dec->crypt(iv, data));
  EXPECT_EQ(data, v.plaintext);
  // Twice through the same contexts: nothing carries over from the previous packet.
  ASSERT_TRUE(enc->crypt(iv, data));
  EXPECT_EQ(data, hex(v.ciphertext));
}

INSTANTIATE_TEST_SUITE_P(Rfc3602, CbcVectorTest, ::testing::ValuesIn(cbc_vectors()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(CbcCipher, RefusesPartialBlocksAndBadKeys) {
  std::vector<uint8_t> key(16, 7);
  auto enc = CbcCipher::create(128, Direction::kOutbound, key);
  ASSERT_TRUE(enc.ok());
  std::array<uint8_t, 16> iv{};
  std::vector<uint8_t> data(17);
  EXPECT_FALSE(enc->crypt(iv, data));
  EXPECT_FALSE(CbcCipher::create(192, Direction::kOutbound, key).ok());
  EXPECT_FALSE(CbcCipher::create(100, Direction::kOutbound, key).ok());
  std::vector<uint8_t> key24(24, 7);
  EXPECT_TRUE(CbcCipher::create(192, Direction::kOutbound, key24).ok());
}

TEST(RandomIvSource, IvsDifferAcrossBatchRefills) {
  RandomIvSource source;
  std::set<std::array<uint8_t, 16>> seen;
  const size_t count = 3 * RandomIvSource::kBatchSize / 16 + 5;  // crosses three refills
  for (size_t i = 0; i < count; ++i) {
    std::array<uint8_t, 16> iv{};
    ASSERT_TRUE(source.next(iv));
    seen.insert(iv);
  }
  EXPECT_EQ(seen.size(), count);
}

}  // namespace
}  // namespace vgw::esp
