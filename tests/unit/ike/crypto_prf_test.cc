// prf and prf+ (RFC 7296 2.13). prf is checked against RFC 4231 (HMAC-SHA-256/384/512 test
// cases 1-4, 6 and 7; re-checked with Python's hmac before they went in), prf+ against a
// straightforward transcription of the RFC's definition written here over EVP_Q_mac:
//   T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n), prf+ = T1 | T2 | ...
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "crypto_reference.h"
#include "vgw/base/hex.h"
#include "vgw/ike/crypto/prf.h"

namespace vgw::ike::crypto {
namespace {

using reference::hex;
std::vector<uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }
std::vector<uint8_t> vec(const SecretBytes& s) { return {s.span().begin(), s.span().end()}; }

struct Rfc4231Case {
  const char* name;
  std::vector<uint8_t> key;
  std::vector<uint8_t> data;
  const char* sha256;
  const char* sha384;
  const char* sha512;
};

std::vector<Rfc4231Case> rfc4231_cases() {
  std::vector<uint8_t> key4;
  for (int i = 1; i <= 25; ++i) key4.push_back(static_cast<uint8_t>(i));
  return {
      {"case1", std::vector<uint8_t>(20, 0x0b), bytes_of("Hi There"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
       "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2f"
       "a9cb6",
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea"
       "3f4e4"
       "be9d914eeb61f1702e696c203a126854"},
      {"case2", bytes_of("Jefe"), bytes_of("what do ya want for nothing?"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
       "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab"
       "21649",
       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f"
       "0e6fd"
       "caeab1a34d4a6b4b636e070a38bce737"},
      {"case3", std::vector<uint8_t>(20, 0xaa), std::vector<uint8_t>(50, 0xdd),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
       "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a"
       "34f27",
       "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e6"
       "7c807"
       "b946a337bee8942674278859e13292fb"},
      {"case4", key4, std::vector<uint8_t>(50, 0xcd),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
       "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c67"
       "4cffb",
       "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc57"
       "88063"
       "a5f19741120c4f2de2adebeb10a298dd"},
      {"case6", std::vector<uint8_t>(131, 0xaa),
       bytes_of("Test Using Larger Than Block-Size Key - Hash Key First"),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
       "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f"
       "44952",
       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6"
       "a1e52"
       "95e64f73f63f0aec8b915a985d786598"},
      {"case7", std::vector<uint8_t>(131, 0xaa),
       bytes_of(
           "This is a test using a larger than block-size key and a larger than block-size data. "
           "The key needs to be hashed before being used by the HMAC algorithm."),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
       "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c4"
       "6523e",
       "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e"
       "4de15"
       "134676fb6de0446065c97440fa8c6a58"},
  };
}

class Rfc4231Test : public ::testing::TestWithParam<Rfc4231Case> {};

TEST_P(Rfc4231Test, PrfIsHmac) {
  const auto& c = GetParam();
  const std::pair<PrfId, const char*> expected[] = {{PrfId::kHmacSha256, c.sha256},
                                                    {PrfId::kHmacSha384, c.sha384},
                                                    {PrfId::kHmacSha512, c.sha512}};
  for (const auto& [id, digest] : expected) {
    auto out = prf(id, c.key, {c.data});
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(vec(*out), hex(digest)) << static_cast<int>(id);
    EXPECT_EQ(out->size(), prf_size(id));
    // The same input split into pieces gives the same output.
    std::span<const uint8_t> all(c.data);
    auto split = prf(id, c.key, {all.first(1), all.subspan(1, 2), all.subspan(3)});
    ASSERT_TRUE(split.ok());
    EXPECT_EQ(*split, *out);
  }
}

INSTANTIATE_TEST_SUITE_P(Rfc4231, Rfc4231Test, ::testing::ValuesIn(rfc4231_cases()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(Prf, ContextIsReusable) {
  auto p = Prf::create(PrfId::kHmacSha256, bytes_of("Jefe"));
  ASSERT_TRUE(p.ok());
  const auto what = bytes_of("what do ya want for nothing?");
  for (int i = 0; i < 3; ++i) {
    auto out = p->compute({what});
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(vec(*out), hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
  }
}

TEST(Prf, RefusesEmptyKeyAndUnknownId) {
  const auto data = bytes_of("x");
  EXPECT_FALSE(prf(PrfId::kHmacSha256, {}, {data}).ok());
  EXPECT_FALSE(prf(static_cast<PrfId>(4), data, {data}).ok());  // PRF_AES128_XCBC: not ours
  EXPECT_FALSE(prf_plus(PrfId::kHmacSha256, {}, {data}, 10).ok());
}

TEST(PrfPlus, MatchesTheDefinition) {
  const auto key = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const auto seed = bytes_of("Ni | Nr | SPIi | SPIr stand-in");
  for (PrfId id : {PrfId::kHmacSha1, PrfId::kHmacSha256, PrfId::kHmacSha384, PrfId::kHmacSha512}) {
    for (size_t length : {size_t{0}, size_t{1}, prf_size(id) - 1, prf_size(id), prf_size(id) + 1,
                          size_t{224}, size_t{1000}, kPrfPlusMaxBlocks * prf_size(id)}) {
      auto out = prf_plus(id, key, {seed}, length);
      ASSERT_TRUE(out.ok()) << out.error().message;
      EXPECT_EQ(vec(*out), reference::prf_plus(id, key, seed, length))
          << "prf " << static_cast<int>(id) << " length " << length;
    }
  }
}

TEST(PrfPlus, SeedPiecesAreConcatenated) {
  const auto key = bytes_of("SK_d");
  const auto a = bytes_of("g^ir");
  const auto b = bytes_of("Ni");
  const auto c = bytes_of("Nr");
  auto split = prf_plus(PrfId::kHmacSha384, key, {a, b, c}, 300);
  auto whole = prf_plus(PrfId::kHmacSha384, key, {bytes_of("g^irNiNr")}, 300);
  ASSERT_TRUE(split.ok() && whole.ok());
  EXPECT_EQ(*split, *whole);
}

TEST(PrfPlus, StopsAt255Blocks) {
  const auto key = bytes_of("key");
  for (PrfId id : {PrfId::kHmacSha256, PrfId::kHmacSha384, PrfId::kHmacSha512}) {
    const size_t limit = 255 * prf_size(id);
    EXPECT_TRUE(prf_plus(id, key, {key}, limit).ok());
    auto over = prf_plus(id, key, {key}, limit + 1);
    ASSERT_FALSE(over.ok());
    EXPECT_NE(over.error().message.find("255"), std::string::npos) << over.error().message;
  }
}

TEST(PrfPlus, ShorterOutputIsAPrefix) {
  const auto key = bytes_of("SKEYSEED");
  auto long_out = prf_plus(PrfId::kHmacSha256, key, {key}, 200);
  auto short_out = prf_plus(PrfId::kHmacSha256, key, {key}, 77);
  ASSERT_TRUE(long_out.ok() && short_out.ok());
  EXPECT_EQ(*short_out, long_out->slice(0, 77));
}

TEST(SecretBytes, MovesAndComparesInConstantTime) {
  SecretBytes a(std::vector<uint8_t>{1, 2, 3});
  SecretBytes b = a.copy();
  EXPECT_TRUE(a == b);
  SecretBytes c = std::move(b);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  EXPECT_TRUE(c == a);
  EXPECT_EQ(vec(a.slice(1, 2)), (std::vector<uint8_t>{2, 3}));
  const std::vector<uint8_t> x{1, 2, 3}, y{1, 2, 4}, z{1, 2};
  EXPECT_TRUE(equal_constant_time(x, x));
  EXPECT_FALSE(equal_constant_time(x, y));
  EXPECT_FALSE(equal_constant_time(x, z));
  EXPECT_TRUE(equal_constant_time({}, {}));
}

}  // namespace
}  // namespace vgw::ike::crypto
