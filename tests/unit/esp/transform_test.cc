// Transform sizes, names and validation, and SA creation refusing bad configurations.
#include <gtest/gtest.h>

#include "esp_fixtures.h"
#include "vgw/esp/sa.h"

namespace vgw::esp {
namespace {

using testing::Keys;

TEST(Transform, SizesPerRfc) {
  const Transform gcm128{Encryption::kAesGcm16, 128, Integrity::kNone};
  EXPECT_EQ(gcm128.iv_size(), 8u);
  EXPECT_EQ(gcm128.icv_size(), 16u);
  EXPECT_EQ(gcm128.block_size(), 4u);
  EXPECT_EQ(gcm128.encryption_key_size(), 20u);  // RFC 4106 8.1: 16 + 4-octet salt
  EXPECT_EQ(gcm128.integrity_key_size(), 0u);
  const Transform gcm256{Encryption::kAesGcm16, 256, Integrity::kNone};
  EXPECT_EQ(gcm256.encryption_key_size(), 36u);
  const Transform chacha{Encryption::kChaCha20Poly1305, 256, Integrity::kNone};
  EXPECT_EQ(chacha.encryption_key_size(), 36u);  // RFC 7634 2: 32 + 4-octet salt
  EXPECT_EQ(chacha.iv_size(), 8u);
  EXPECT_EQ(chacha.icv_size(), 16u);
  const Transform cbc{Encryption::kAesCbc, 192, Integrity::kHmacSha384_192};
  EXPECT_EQ(cbc.iv_size(), 16u);
  EXPECT_EQ(cbc.block_size(), 16u);
  EXPECT_EQ(cbc.icv_size(), 24u);
  EXPECT_EQ(cbc.encryption_key_size(), 24u);
  EXPECT_EQ(cbc.integrity_key_size(), 48u);  // RFC 4868 2.1.1: key = digest length
  const Transform cbc512{Encryption::kAesCbc, 256, Integrity::kHmacSha512_256};
  EXPECT_EQ(cbc512.icv_size(), 32u);
  EXPECT_EQ(cbc512.integrity_key_size(), 64u);
}

TEST(Transform, IkeTransformIds) {
  EXPECT_EQ(static_cast<int>(Encryption::kAesCbc), 12);
  EXPECT_EQ(static_cast<int>(Encryption::kAesGcm16), 20);
  EXPECT_EQ(static_cast<int>(Encryption::kChaCha20Poly1305), 28);
  EXPECT_EQ(static_cast<int>(Integrity::kHmacSha256_128), 12);
  EXPECT_EQ(static_cast<int>(Integrity::kHmacSha384_192), 13);
  EXPECT_EQ(static_cast<int>(Integrity::kHmacSha512_256), 14);
}

TEST(Transform, Names) {
  EXPECT_EQ((Transform{Encryption::kAesGcm16, 256, Integrity::kNone}).name(), "aes256gcm16");
  EXPECT_EQ((Transform{Encryption::kChaCha20Poly1305, 256, Integrity::kNone}).name(),
            "chacha20poly1305");
  EXPECT_EQ((Transform{Encryption::kAesCbc, 128, Integrity::kHmacSha384_192}).name(),
            "aes128-sha384");
}

TEST(Transform, Validation) {
  for (const auto& t : testing::all_transforms()) EXPECT_TRUE(validate(t).ok()) << t.name();
  EXPECT_FALSE(validate({Encryption::kAesGcm16, 192, Integrity::kNone}).ok());
  EXPECT_FALSE(validate({Encryption::kChaCha20Poly1305, 128, Integrity::kNone}).ok());
  EXPECT_FALSE(validate({Encryption::kAesCbc, 64, Integrity::kHmacSha256_128}).ok());
  EXPECT_FALSE(validate({Encryption::kAesCbc, 128, Integrity::kNone}).ok());
  EXPECT_FALSE(validate({Encryption::kAesGcm16, 128, Integrity::kHmacSha256_128}).ok());
  EXPECT_FALSE(validate({static_cast<Encryption>(3), 128, Integrity::kNone}).ok());
  EXPECT_FALSE(
      validate({Encryption::kAesCbc, 128, static_cast<Integrity>(2)}).ok());  // HMAC-SHA1-96
}

TEST(SaConfig, RefusesBadParameters) {
  const Transform gcm{Encryption::kAesGcm16, 128, Integrity::kNone};
  Keys keys(gcm);
  SaConfig good = testing::sa_config(gcm, keys, false);
  EXPECT_TRUE(OutboundSa::create(good).ok());
  EXPECT_TRUE(InboundSa::create(good).ok());

  SaConfig c = good;
  c.spi = 255;  // reserved
  EXPECT_FALSE(OutboundSa::create(c).ok());
  EXPECT_FALSE(InboundSa::create(c).ok());
  c = good;
  c.encryption_key = std::span<const uint8_t>(keys.encryption).first(16);  // salt missing
  auto r = InboundSa::create(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "aes128gcm16 needs 20 octets of encryption keying material");
  c = good;
  std::vector<uint8_t> extra(32);
  c.integrity_key = extra;  // AEAD takes none
  EXPECT_FALSE(OutboundSa::create(c).ok());
  c = good;
  c.replay_window = 1000;
  EXPECT_FALSE(InboundSa::create(c).ok());
  EXPECT_TRUE(OutboundSa::create(c).ok());  // the window is inbound only
  c.replay_window = 4096;
  EXPECT_TRUE(InboundSa::create(c).ok());
  c = good;
  c.transform = {Encryption::kAesCbc, 128, Integrity::kNone};
  EXPECT_FALSE(OutboundSa::create(c).ok());

  const Transform cbc{Encryption::kAesCbc, 256, Integrity::kHmacSha512_256};
  Keys cbc_keys(cbc);
  SaConfig cc = testing::sa_config(cbc, cbc_keys, true);
  EXPECT_TRUE(InboundSa::create(cc).ok());
  cc.integrity_key = std::span<const uint8_t>(cbc_keys.integrity).first(32);
  EXPECT_FALSE(InboundSa::create(cc).ok());
}

TEST(SaConfig, ExposesWhatTheCodecUses) {
  const Transform cbc{Encryption::kAesCbc, 128, Integrity::kHmacSha256_128};
  Keys keys(cbc);
  auto sa = OutboundSa::create(testing::sa_config(cbc, keys, true, 0xdeadbeef));
  ASSERT_TRUE(sa.ok());
  EXPECT_EQ(sa->spi(), 0xdeadbeefu);
  EXPECT_TRUE(sa->esn());
  EXPECT_EQ(sa->header_size(), 24u);
  // 100 + 2 -> 112 (16-aligned) + 24 header + 16 ICV.
  EXPECT_EQ(sa->encapsulated_size(100), 152u);
  EXPECT_EQ(sa->encapsulated_size(14), 24u + 16u + 16u);
  EXPECT_EQ(sa->encapsulated_size(15), 24u + 32u + 16u);
  const Transform gcm{Encryption::kAesGcm16, 128, Integrity::kNone};
  Keys gkeys(gcm);
  auto g = OutboundSa::create(testing::sa_config(gcm, gkeys, false));
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->header_size(), 16u);
  EXPECT_EQ(g->encapsulated_size(100), 16u + 104u + 16u);
  EXPECT_EQ(g->encapsulated_size(102), 16u + 104u + 16u);
  EXPECT_EQ(g->encapsulated_size(103), 16u + 108u + 16u);
}

TEST(TransformTest, ParseIsTheInverseOfName) {
  // 2 GCM key sizes + ChaCha20 + 3 CBC key sizes x 3 HMACs.
  ASSERT_EQ(transform_names().size(), 12u);
  EXPECT_EQ(transform_names().front(), "aes128gcm16");
  for (const std::string& n : transform_names()) {
    auto t = parse_transform(n);
    ASSERT_TRUE(t.ok()) << n;
    EXPECT_EQ(t->name(), n);
    EXPECT_TRUE(validate(*t).ok()) << n;
  }
  auto cbc = parse_transform("aes192-sha384");
  ASSERT_TRUE(cbc.ok());
  EXPECT_EQ(*cbc, (Transform{Encryption::kAesCbc, 192, Integrity::kHmacSha384_192}));
  for (const char* bad : {"", "aes128", "aes128-none", "aes512gcm16", "AES128GCM16", "aes128gcm16 "}) {
    auto t = parse_transform(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_NE(t.error().message.find("one of: aes128gcm16, aes256gcm16, chacha20poly1305"),
              std::string::npos)
        << t.error().message;
  }
}

}  // namespace
}  // namespace vgw::esp
