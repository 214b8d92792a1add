// SK payload encryption and integrity over OpenSSL 3 EVP (see sk_cipher.h).
#include "vgw/ike/crypto/sk_cipher.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <climits>
#include <memory>
#include <string>

#include "vgw/ike/crypto/prf.h"
#include "vgw/ike/crypto/random.h"

namespace vgw::ike::crypto {
namespace {

constexpr size_t kCbcBlock = 16;
constexpr size_t kAeadIv = 8;
constexpr size_t kAeadTag = 16;

enum CipherIndex { kCbc128, kCbc192, kCbc256, kGcm128, kGcm192, kGcm256, kChaCha, kCipherCount };

// Fetched once per process (as esp/ does), never freed.
const EVP_CIPHER* fetched_cipher(const Cipher& c) {
  static const std::array<EVP_CIPHER*, kCipherCount> table = [] {
    std::array<EVP_CIPHER*, kCipherCount> t{};
    const char* names[kCipherCount] = {"AES-128-CBC",      "AES-192-CBC", "AES-256-CBC",
                                       "AES-128-GCM",      "AES-192-GCM", "AES-256-GCM",
                                       "ChaCha20-Poly1305"};
    for (int i = 0; i < kCipherCount; ++i) t[i] = EVP_CIPHER_fetch(nullptr, names[i], nullptr);
    return t;
  }();
  const int size_index = c.key_bits == 128 ? 0 : c.key_bits == 192 ? 1 : 2;
  switch (c.id) {
    case EncrId::kAesCbc: return table[kCbc128 + size_index];
    case EncrId::kAesGcm16: return table[kGcm128 + size_index];
    case EncrId::kChaCha20Poly1305: return table[kChaCha];
  }
  return nullptr;
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

// The HMAC behind an integrity transform is the PRF with the same digest.
PrfId hmac_of(IntegId id) {
  switch (id) {
    case IntegId::kHmacSha384_192: return PrfId::kHmacSha384;
    case IntegId::kHmacSha512_256: return PrfId::kHmacSha512;
    default: return PrfId::kHmacSha256;
  }
}

Error integrity_failed() {
  return {ErrorCode::kPermissionDenied, "SK payload integrity check failed"};
}

// Removes padding and the Pad Length octet from a decrypted SK payload (RFC 7296 3.14: the
// padding's contents are not checked).
Result<std::vector<uint8_t>> strip_padding(std::vector<uint8_t> plain) {
  if (plain.empty()) return fail(Error::invalid("SK payload has no Pad Length octet"));
  const size_t pad = plain.back();
  if (pad + 1 > plain.size())
    return fail(Error::invalid("SK payload Pad Length " + std::to_string(pad) +
                               " exceeds the decrypted data"));
  plain.resize(plain.size() - pad - 1);
  return plain;
}

}  // namespace

Result<SkCipher> SkCipher::create(const IkeSuite& suite, std::span<const uint8_t> sk_e,
                                  std::span<const uint8_t> sk_a) {
  if (auto ok = validate(suite); !ok) return fail(std::move(ok.error()));
  if (sk_e.size() != suite.sk_e_size())
    return fail(Error::invalid("SK_e must be " + std::to_string(suite.sk_e_size()) + " octets"));
  if (sk_a.size() != suite.sk_a_size())
    return fail(Error::invalid("SK_a must be " + std::to_string(suite.sk_a_size()) + " octets"));
  if (fetched_cipher(suite.encr) == nullptr)
    return fail(Error::internal("cipher " + keyword(suite.encr) + " not available in libcrypto"));
  const size_t key_size = suite.encr.key_bits / 8u;
  uint64_t start = 0;
  if (suite.is_aead()) {
    std::array<uint8_t, 8> r{};
    if (auto ok = random_iv(r); !ok) return fail(std::move(ok.error()));
    for (uint8_t b : r) start = start << 8 | b;
  }
  return SkCipher(suite, SecretBytes(sk_e.first(key_size)), SecretBytes(sk_e.subspan(key_size)),
                  SecretBytes(sk_a), start);
}

size_t SkCipher::iv_size() const { return aead() ? kAeadIv : kCbcBlock; }

size_t SkCipher::icv_size() const { return aead() ? kAeadTag : integ_icv_size(integ_); }

size_t SkCipher::sealed_size(size_t plaintext_size) const {
  size_t body = plaintext_size + 1;  // Pad Length
  if (!aead()) body += (kCbcBlock - body % kCbcBlock) % kCbcBlock;
  return iv_size() + body + icv_size();
}

Result<SecretBytes> SkCipher::icv(std::span<const uint8_t> associated,
                                  std::span<const uint8_t> iv_and_ct) const {
  auto mac = prf(hmac_of(integ_), integ_key_, {associated, iv_and_ct});
  if (!mac) return fail(std::move(mac.error()));
  return mac->slice(0, icv_size());
}

Result<std::vector<uint8_t>> SkCipher::seal(std::span<const uint8_t> plaintext,
                                            std::span<const uint8_t> associated) {
  const size_t total = sealed_size(plaintext.size());
  if (total > INT_MAX || associated.size() > INT_MAX)
    return fail(Error::invalid("SK payload too large"));
  const size_t iv = iv_size();
  const size_t body = total - iv - icv_size();  // payloads | padding | Pad Length
  std::vector<uint8_t> out(total, 0);
  std::copy(plaintext.begin(), plaintext.end(), out.begin() + static_cast<std::ptrdiff_t>(iv));
  out[iv + body - 1] = static_cast<uint8_t>(body - plaintext.size() - 1);
  std::span<uint8_t> data(out.data() + iv, body);

  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return fail(Error::internal("EVP_CIPHER_CTX_new failed"));
  int len = 0, final_len = 0;
  if (aead()) {
    const uint64_t counter = next_iv_++;
    for (size_t i = 0; i < kAeadIv; ++i) out[i] = static_cast<uint8_t>(counter >> (56 - 8 * i));
    std::array<uint8_t, kAeadSaltSize + kAeadIv> nonce{};
    std::copy_n(salt_.data(), kAeadSaltSize, nonce.begin());
    std::copy_n(out.begin(), kAeadIv, nonce.begin() + kAeadSaltSize);
    const bool ok = EVP_EncryptInit_ex2(ctx.get(), fetched_cipher(encr_), key_.data(), nonce.data(),
                                        nullptr) == 1 &&
                    EVP_EncryptUpdate(ctx.get(), nullptr, &len, associated.data(),
                                      static_cast<int>(associated.size())) == 1 &&
                    EVP_EncryptUpdate(ctx.get(), data.data(), &len, data.data(),
                                      static_cast<int>(data.size())) == 1 &&
                    EVP_EncryptFinal_ex(ctx.get(), data.data() + len, &final_len) == 1 &&
                    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, kAeadTag,
                                        out.data() + iv + body) == 1;
    if (!ok) return fail(Error::internal("SK payload encryption failed"));
    return out;
  }

  if (auto ok = random_iv(std::span(out).first(iv)); !ok) return fail(std::move(ok.error()));
  const bool ok = EVP_EncryptInit_ex2(ctx.get(), fetched_cipher(encr_), key_.data(), out.data(),
                                      nullptr) == 1 &&
                  EVP_CIPHER_CTX_set_padding(ctx.get(), 0) == 1 &&
                  EVP_EncryptUpdate(ctx.get(), data.data(), &len, data.data(),
                                    static_cast<int>(data.size())) == 1 &&
                  EVP_EncryptFinal_ex(ctx.get(), data.data() + len, &final_len) == 1 &&
                  static_cast<size_t>(len + final_len) == data.size();
  if (!ok) return fail(Error::internal("SK payload encryption failed"));
  auto mac = icv(associated, std::span<const uint8_t>(out).first(iv + body));
  if (!mac) return fail(std::move(mac.error()));
  std::copy_n(mac->data(), mac->size(), out.begin() + static_cast<std::ptrdiff_t>(iv + body));
  return out;
}

Result<std::vector<uint8_t>> SkCipher::open(std::span<const uint8_t> associated,
                                            std::span<const uint8_t> sealed) const {
  const size_t iv = iv_size();
  const size_t tag = icv_size();
  if (sealed.size() > INT_MAX || associated.size() > INT_MAX)
    return fail(Error::invalid("SK payload too large"));
  const size_t min_body = aead() ? 1 : kCbcBlock;
  if (sealed.size() < iv + min_body + tag)
    return fail(Error::invalid("SK payload of " + std::to_string(sealed.size()) +
                               " octets is shorter than IV, one block and ICV"));
  const size_t body = sealed.size() - iv - tag;
  if (!aead() && body % kCbcBlock != 0)
    return fail(Error::invalid("SK payload ciphertext is not a whole number of AES blocks"));
  const auto iv_bytes = sealed.first(iv);
  const auto ciphertext = sealed.subspan(iv, body);
  const auto received_icv = sealed.last(tag);

  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return fail(Error::internal("EVP_CIPHER_CTX_new failed"));
  std::vector<uint8_t> plain(body);
  int len = 0, final_len = 0;
  if (aead()) {
    std::array<uint8_t, kAeadSaltSize + kAeadIv> nonce{};
    std::copy_n(salt_.data(), kAeadSaltSize, nonce.begin());
    std::copy(iv_bytes.begin(), iv_bytes.end(), nonce.begin() + kAeadSaltSize);
    const bool started =
        EVP_DecryptInit_ex2(ctx.get(), fetched_cipher(encr_), key_.data(), nonce.data(), nullptr) ==
            1 &&
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, associated.data(),
                          static_cast<int>(associated.size())) == 1 &&
        EVP_DecryptUpdate(ctx.get(), plain.data(), &len, ciphertext.data(),
                          static_cast<int>(body)) == 1 &&
        // OpenSSL takes a non-const pointer for SET_TAG but only reads it.
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag),
                            const_cast<uint8_t*>(received_icv.data())) == 1;
    if (!started) return fail(Error::internal("SK payload decryption failed"));
    if (EVP_DecryptFinal_ex(ctx.get(), plain.data() + len, &final_len) != 1)
      return fail(integrity_failed());
    return strip_padding(std::move(plain));
  }

  // Integrity first, over everything up to the ICV, before any decryption (RFC 7296 3.14).
  auto expected = icv(associated, sealed.first(iv + body));
  if (!expected) return fail(std::move(expected.error()));
  if (!equal_constant_time(*expected, received_icv)) return fail(integrity_failed());
  const bool ok = EVP_DecryptInit_ex2(ctx.get(), fetched_cipher(encr_), key_.data(),
                                      iv_bytes.data(), nullptr) == 1 &&
                  EVP_CIPHER_CTX_set_padding(ctx.get(), 0) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), plain.data(), &len, ciphertext.data(),
                                    static_cast<int>(body)) == 1 &&
                  EVP_DecryptFinal_ex(ctx.get(), plain.data() + len, &final_len) == 1 &&
                  static_cast<size_t>(len + final_len) == body;
  if (!ok) return fail(Error::internal("SK payload decryption failed"));
  return strip_padding(std::move(plain));
}

}  // namespace vgw::ike::crypto
