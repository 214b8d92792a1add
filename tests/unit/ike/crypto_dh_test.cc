// Diffie-Hellman groups. Published vectors: RFC 5903 section 8 (ECP 256/384/521: both private
// keys, both public values in KE payload form, the shared x coordinate) and RFC 7748 section 6.1
// (X25519, Alice and Bob). Each was re-checked with python-cryptography before it went in. MODP
// has no vector in RFC 3526: there the two parties must agree, the public value must be 2^x
// mod p computed here with BN_mod_exp, and the secret must be left-padded (x = 2, y = 3 give
// g^xy = 0x40, 255 zero octets first). Invalid peer values of every kind must be refused.
#include <gtest/gtest.h>
#include <openssl/bn.h>

#include <memory>
#include <string>
#include <vector>

#include "vgw/base/hex.h"
#include "vgw/ike/crypto/dh.h"

namespace vgw::ike::crypto {
namespace {

// A typo in a vector shows up as a mismatch (this also runs before main, outside any test).
std::vector<uint8_t> hex(std::string_view text) {
  auto r = parse_hex(text);
  return r.ok() ? std::move(*r) : std::vector<uint8_t>{};
}
std::vector<uint8_t> vec(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

struct EcpVector {
  const char* name;
  DhGroup group;
  const char* i;
  const char* r;
  const char* gi;  // gix | giy
  const char* gr;  // grx | gry
  const char* girx;
};

const EcpVector kRfc5903[] = {
    {"ecp256", DhGroup::kEcp256, "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
     "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
     "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
     "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
     "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
     "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
     "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE"},
    {"ecp384", DhGroup::kEcp384,
     "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655E35B538041E649EE3FAEF896783AB"
     "194",
     "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942E0308312916B8ED2960E4BD55A744"
     "8FC",
     "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6DE3AC808ACB4BDB4C88732AEE95F4"
     "1AA"
     "9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38EEB9FCFF3C2C947DAE69B4C634573A"
     "81C",
     "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D0D1AC43A0336DEF96FDA41D0774A3"
     "571"
     "DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FFF83FA40142209DFF5EAAD96DB9E63"
     "86C",
     "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4D603135569B9E9D09CF5D4A270F59"
     "746"},
    {"ecp521", DhGroup::kEcp521,
     "0037ADE9319A89F4DABDB3EF411AACCCA5123C61ACAB57B5393DCE47608172A095AA85A30FE1C2952C6771D937BA9"
     "777"
     "F5957B2639BAB072462F68C27A57382D4A52",
     "0145BA99A847AF43793FDD0E872E7CDFA16BE30FDC780F97BCCC3F078380201E9C677D600B343757A3BDBF2A3163E"
     "4C2"
     "F869CCA7458AA4A4EFFC311F5CB151685EB9",
     "0015417E84DBF28C0AD3C278713349DC7DF153C897A1891BD98BAB4357C9ECBEE1E3BF42E00B8E380AEAE57C2D107"
     "564"
     "941885942AF5A7F4601723C4195D176CED3E"
     "017CAE20B6641D2EEB695786D8C946146239D099E18E1D5A514C739D7CB4A10AD8A788015AC405D7799DC75E7B7D5"
     "B6C"
     "F2261A6A7F1507438BF01BEB6CA3926F9582",
     "00D0B3975AC4B799F5BEA16D5E13E9AF971D5E9B984C9F39728B5E5739735A219B97C356436ADC6E95BB0352F6BE6"
     "4A6"
     "C2912D4EF2D0433CED2B6171640012D9460F"
     "015C68226383956E3BD066E797B623C27CE0EAC2F551A10C2C724D9852077B87220B6536C5C408A1D2AEBB8E86D67"
     "8AE"
     "49CB57091F4732296579AB44FCD17F0FC56A",
     "01144C7D79AE6956BC8EDB8E7C787C4521CB086FA64407F97894E5E6B2D79B04D1427E73CA4BAA240A34786859810"
     "C06"
     "B3C715A3A8CC3151F2BEE417996D19F3DDEA"},
};

class Rfc5903Test : public ::testing::TestWithParam<EcpVector> {};

TEST_P(Rfc5903Test, BothSidesMatchTheRfc) {
  const EcpVector& v = GetParam();
  auto initiator = DhKeyPair::from_private_key(v.group, hex(v.i));
  auto responder = DhKeyPair::from_private_key(v.group, hex(v.r));
  ASSERT_TRUE(initiator.ok()) << initiator.error().message;
  ASSERT_TRUE(responder.ok()) << responder.error().message;
  EXPECT_EQ(vec(initiator->public_value()), hex(v.gi));
  EXPECT_EQ(vec(responder->public_value()), hex(v.gr));
  auto s1 = initiator->shared_secret(hex(v.gr));
  auto s2 = responder->shared_secret(hex(v.gi));
  ASSERT_TRUE(s1.ok()) << s1.error().message;
  ASSERT_TRUE(s2.ok()) << s2.error().message;
  EXPECT_EQ(vec(*s1), hex(v.girx));
  EXPECT_EQ(vec(*s2), hex(v.girx));
  EXPECT_EQ(s1->size(), shared_secret_size(v.group));
}

TEST_P(Rfc5903Test, RefusesPointsOffTheCurveAndWrongLengths) {
  const EcpVector& v = GetParam();
  auto own = DhKeyPair::from_private_key(v.group, hex(v.i));
  ASSERT_TRUE(own.ok());
  auto peer = hex(v.gr);
  auto off_curve = peer;
  off_curve.back() ^= 0x01;  // y changed: not on the curve
  auto r = own->shared_secret(off_curve);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("curve"), std::string::npos) << r.error().message;
  EXPECT_FALSE(own->shared_secret(std::vector<uint8_t>(peer.size(), 0)).ok());     // (0, 0)
  EXPECT_FALSE(own->shared_secret(std::vector<uint8_t>(peer.size(), 0xff)).ok());  // >= p
  // With the 0x04 prefix (SEC 1 form) the length is wrong for IKE (RFC 5903 section 7).
  auto prefixed = peer;
  prefixed.insert(prefixed.begin(), 0x04);
  EXPECT_FALSE(own->shared_secret(prefixed).ok());
  EXPECT_FALSE(own->shared_secret(std::span(peer).first(peer.size() - 1)).ok());
  EXPECT_FALSE(own->shared_secret({}).ok());
}

INSTANTIATE_TEST_SUITE_P(Rfc5903, Rfc5903Test, ::testing::ValuesIn(kRfc5903),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(X25519, Rfc7748Section6_1) {
  auto alice = DhKeyPair::from_private_key(
      DhGroup::kCurve25519,
      hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  auto bob = DhKeyPair::from_private_key(
      DhGroup::kCurve25519,
      hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  ASSERT_TRUE(alice.ok() && bob.ok());
  EXPECT_EQ(vec(alice->public_value()),
            hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
  EXPECT_EQ(vec(bob->public_value()),
            hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"));
  const auto k = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  auto ka = alice->shared_secret(bob->public_value());
  auto kb = bob->shared_secret(alice->public_value());
  ASSERT_TRUE(ka.ok() && kb.ok());
  EXPECT_EQ(vec(*ka), k);
  EXPECT_EQ(vec(*kb), k);
}

TEST(X25519, RefusesLowOrderPointsAndWrongLengths) {
  auto own = DhKeyPair::generate(DhGroup::kCurve25519);
  ASSERT_TRUE(own.ok());
  std::vector<uint8_t> zero(32, 0), one(32, 0);
  one[0] = 1;
  for (const auto& bad : {zero, one}) {
    auto r = own->shared_secret(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("all-zero"), std::string::npos) << r.error().message;
  }
  EXPECT_FALSE(own->shared_secret(std::vector<uint8_t>(31, 9)).ok());
  EXPECT_FALSE(own->shared_secret(std::vector<uint8_t>(33, 9)).ok());
  EXPECT_FALSE(DhKeyPair::from_private_key(DhGroup::kCurve25519, std::vector<uint8_t>(31, 1)).ok());
}

const DhGroup kAllGroups[] = {DhGroup::kModp2048,  DhGroup::kModp3072, DhGroup::kModp4096,
                              DhGroup::kEcp256,    DhGroup::kEcp384,   DhGroup::kEcp521,
                              DhGroup::kCurve25519};

TEST(DhKeyPair, EveryGroupAgrees) {
  for (DhGroup g : kAllGroups) {
    SCOPED_TRACE(static_cast<int>(g));
    auto a = DhKeyPair::generate(g);
    auto b = DhKeyPair::generate(g);
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(a->group(), g);
    EXPECT_EQ(a->public_value().size(), ke_size(g));
    EXPECT_NE(vec(a->public_value()), vec(b->public_value()));
    auto sa = a->shared_secret(b->public_value());
    auto sb = b->shared_secret(a->public_value());
    ASSERT_TRUE(sa.ok()) << sa.error().message;
    ASSERT_TRUE(sb.ok()) << sb.error().message;
    EXPECT_EQ(sa->size(), shared_secret_size(g));
    EXPECT_TRUE(*sa == *sb);
  }
}

TEST(DhKeyPair, RefusesUnknownGroups) {
  EXPECT_FALSE(DhKeyPair::generate(static_cast<DhGroup>(2)).ok());   // MODP 1024: not offered
  EXPECT_FALSE(DhKeyPair::generate(static_cast<DhGroup>(32)).ok());  // Curve448: not implemented
}

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

std::vector<uint8_t> bn_bytes(const BIGNUM* bn, size_t size) {
  std::vector<uint8_t> out(size);
  EXPECT_EQ(BN_bn2binpad(bn, out.data(), static_cast<int>(size)), static_cast<int>(size));
  return out;
}

struct ModpGroup {
  DhGroup group;
  BIGNUM* (*prime)(BIGNUM*);
};
const ModpGroup kModp[] = {{DhGroup::kModp2048, BN_get_rfc3526_prime_2048},
                           {DhGroup::kModp3072, BN_get_rfc3526_prime_3072},
                           {DhGroup::kModp4096, BN_get_rfc3526_prime_4096}};

TEST(Modp, PublicValueIsTwoToTheX) {
  for (const ModpGroup& m : kModp) {
    const auto x = hex("0123456789abcdef0123456789abcdef0123456789abcdef");
    auto pair = DhKeyPair::from_private_key(m.group, x);
    ASSERT_TRUE(pair.ok()) << pair.error().message;
    Bn p(m.prime(nullptr)), g(BN_new()),
        xb(BN_bin2bn(x.data(), static_cast<int>(x.size()), nullptr)), y(BN_new());
    std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), BN_CTX_free);
    ASSERT_TRUE(BN_set_word(g.get(), 2));
    ASSERT_TRUE(BN_mod_exp(y.get(), g.get(), xb.get(), p.get(), ctx.get()));
    EXPECT_EQ(vec(pair->public_value()), bn_bytes(y.get(), ke_size(m.group)));
  }
}

TEST(Modp, SharedSecretIsLeftPadded) {
  // 2^2 and 2^3: the secret 2^6 = 0x40 fills one octet of 256.
  auto a = DhKeyPair::from_private_key(DhGroup::kModp2048, hex("02"));
  auto b = DhKeyPair::from_private_key(DhGroup::kModp2048, hex("03"));
  ASSERT_TRUE(a.ok() && b.ok());
  auto s = a->shared_secret(b->public_value());
  ASSERT_TRUE(s.ok()) << s.error().message;
  std::vector<uint8_t> expected(256, 0);
  expected.back() = 0x40;
  EXPECT_EQ(vec(*s), expected);
  // The public value 2^2 = 4 is sent left-padded as well.
  std::vector<uint8_t> four(256, 0);
  four.back() = 4;
  EXPECT_EQ(vec(a->public_value()), four);
}

TEST(Modp, RefusesValuesOutsideTwoToPMinusTwo) {
  for (const ModpGroup& m : kModp) {
    SCOPED_TRACE(static_cast<int>(m.group));
    auto own = DhKeyPair::generate(m.group);
    ASSERT_TRUE(own.ok());
    const size_t size = ke_size(m.group);
    Bn p(m.prime(nullptr)), v(BN_new());
    std::vector<std::vector<uint8_t>> bad;
    for (BN_ULONG w : {0, 1}) {
      ASSERT_TRUE(BN_set_word(v.get(), w));
      bad.push_back(bn_bytes(v.get(), size));
    }
    ASSERT_TRUE(BN_sub(v.get(), p.get(), BN_value_one()));  // p - 1
    bad.push_back(bn_bytes(v.get(), size));
    bad.push_back(bn_bytes(p.get(), size));                 // p
    ASSERT_TRUE(BN_add(v.get(), p.get(), BN_value_one()));  // p + 1
    bad.push_back(bn_bytes(v.get(), size));
    bad.push_back(std::vector<uint8_t>(size, 0xff));
    for (const auto& value : bad) {
      auto r = own->shared_secret(value);
      ASSERT_FALSE(r.ok());
      EXPECT_NE(r.error().message.find("outside"), std::string::npos) << r.error().message;
    }
    // 2 and p - 2 are the edges that are allowed.
    ASSERT_TRUE(BN_set_word(v.get(), 2));
    EXPECT_TRUE(own->shared_secret(bn_bytes(v.get(), size)).ok());
    ASSERT_TRUE(BN_sub(v.get(), p.get(), BN_value_one()));
    ASSERT_TRUE(BN_sub(v.get(), v.get(), BN_value_one()));
    EXPECT_TRUE(own->shared_secret(bn_bytes(v.get(), size)).ok());
    // Wrong lengths, including a value without its left padding.
    EXPECT_FALSE(own->shared_secret(std::vector<uint8_t>(size - 1, 0x55)).ok());
    EXPECT_FALSE(own->shared_secret(std::vector<uint8_t>(size + 1, 0x55)).ok());
  }
}

TEST(Modp, RefusesPrivateKeysOutOfRange) {
  EXPECT_FALSE(DhKeyPair::from_private_key(DhGroup::kModp2048, hex("00")).ok());
  EXPECT_FALSE(DhKeyPair::from_private_key(DhGroup::kModp2048, hex("01")).ok());
  EXPECT_FALSE(
      DhKeyPair::from_private_key(DhGroup::kModp2048, std::vector<uint8_t>(256, 0xff)).ok());
  EXPECT_FALSE(DhKeyPair::from_private_key(DhGroup::kModp2048, {}).ok());
  EXPECT_FALSE(DhKeyPair::from_private_key(DhGroup::kEcp256, std::vector<uint8_t>(32, 0)).ok());
  EXPECT_FALSE(DhKeyPair::from_private_key(DhGroup::kEcp256, std::vector<uint8_t>(32, 0xff)).ok());
}

}  // namespace
}  // namespace vgw::ike::crypto
