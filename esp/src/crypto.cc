// ESP cryptography over OpenSSL 3 EVP (see crypto.h).
#include "vgw/esp/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>

namespace vgw::esp {
namespace {

// EVP_*_fetch walks the provider method store under locks: do it once per algorithm for the
// whole process. The objects are never freed (they live as long as libcrypto does).
enum CipherId { kGcm128, kGcm256, kChaCha, kCbc128, kCbc192, kCbc256, kCipherCount };

const EVP_CIPHER* fetched_cipher(CipherId id) {
  static const std::array<EVP_CIPHER*, kCipherCount> table = [] {
    std::array<EVP_CIPHER*, kCipherCount> t{};
    const char* names[kCipherCount] = {"AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305",
                                       "AES-128-CBC", "AES-192-CBC", "AES-256-CBC"};
    for (int i = 0; i < kCipherCount; ++i) t[i] = EVP_CIPHER_fetch(nullptr, names[i], nullptr);
    return t;
  }();
  return table[id];
}

EVP_MAC* fetched_hmac() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

Result<CipherCtxPtr> new_cipher_ctx(const EVP_CIPHER* cipher, Direction direction,
                                    std::span<const uint8_t> key) {
  if (cipher == nullptr) return fail(Error::internal("cipher not available in libcrypto"));
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return fail(Error::internal("EVP_CIPHER_CTX_new failed"));
  int enc = direction == Direction::kOutbound ? 1 : 0;
  if (EVP_CipherInit_ex2(ctx.get(), cipher, key.data(), nullptr, enc, nullptr) != 1)
    return fail(Error::internal("cipher key setup failed"));
  return ctx;
}

}  // namespace

void CipherCtxFree::operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
void MacCtxFree::operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }

// ---- Aead ----

Aead::Aead(CipherCtxPtr ctx, std::span<const uint8_t, kSaltSize> salt) : ctx_(std::move(ctx)) {
  std::copy(salt.begin(), salt.end(), nonce_.begin());
}

Result<Aead> Aead::create(Encryption encryption, size_t key_bits, Direction direction,
                          std::span<const uint8_t> key_and_salt) {
  CipherId id;
  if (encryption == Encryption::kAesGcm16 && key_bits == 128) {
    id = kGcm128;
  } else if (encryption == Encryption::kAesGcm16 && key_bits == 256) {
    id = kGcm256;
  } else if (encryption == Encryption::kChaCha20Poly1305 && key_bits == 256) {
    id = kChaCha;
  } else {
    return fail(Error::invalid("not a supported AEAD transform"));
  }
  if (key_and_salt.size() != key_bits / 8 + kSaltSize)
    return fail(Error::invalid("AEAD keying material must be key || 4-octet salt"));
  auto ctx = new_cipher_ctx(fetched_cipher(id), direction, key_and_salt.first(key_bits / 8));
  if (!ctx) return fail(std::move(ctx.error()));
  return Aead(std::move(*ctx), key_and_salt.last<kSaltSize>());
}

bool Aead::start(std::span<const uint8_t, kIvSize> iv, std::span<const uint8_t> aad) {
  std::copy(iv.begin(), iv.end(), nonce_.begin() + kSaltSize);
  int len = 0;
  // A null cipher and key keep the scheduled key: only the 12-octet nonce changes.
  return EVP_CipherInit_ex2(ctx_.get(), nullptr, nullptr, nonce_.data(), -1, nullptr) == 1 &&
         EVP_CipherUpdate(ctx_.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1;
}

bool Aead::seal(std::span<const uint8_t, kIvSize> iv, std::span<const uint8_t> aad,
                std::span<uint8_t> data, std::span<uint8_t, kTagSize> tag) {
  if (data.size() > INT_MAX || !start(iv, aad)) return false;
  int len = 0;
  if (EVP_CipherUpdate(ctx_.get(), data.data(), &len, data.data(), static_cast<int>(data.size())) !=
      1)
    return false;
  int final_len = 0;
  if (EVP_CipherFinal_ex(ctx_.get(), data.data() + len, &final_len) != 1) return false;
  return EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_GET_TAG, kTagSize, tag.data()) == 1;
}

bool Aead::open(std::span<const uint8_t, kIvSize> iv, std::span<const uint8_t> aad,
                std::span<uint8_t> data, std::span<const uint8_t, kTagSize> tag) {
  if (data.size() > INT_MAX || !start(iv, aad)) return false;
  int len = 0;
  if (EVP_CipherUpdate(ctx_.get(), data.data(), &len, data.data(), static_cast<int>(data.size())) !=
      1)
    return false;
  // OpenSSL takes a non-const pointer for SET_TAG but only reads it.
  if (EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_SET_TAG, kTagSize,
                          const_cast<uint8_t*>(tag.data())) != 1)
    return false;
  int final_len = 0;
  return EVP_CipherFinal_ex(ctx_.get(), data.data() + len, &final_len) == 1;
}

// ---- CbcCipher ----

Result<CbcCipher> CbcCipher::create(size_t key_bits, Direction direction,
                                    std::span<const uint8_t> key) {
  CipherId id;
  switch (key_bits) {
    case 128: id = kCbc128; break;
    case 192: id = kCbc192; break;
    case 256: id = kCbc256; break;
    default: return fail(Error::invalid("AES-CBC key must be 128, 192 or 256 bits"));
  }
  if (key.size() != key_bits / 8) return fail(Error::invalid("AES-CBC key has the wrong length"));
  auto ctx = new_cipher_ctx(fetched_cipher(id), direction, key);
  if (!ctx) return fail(std::move(ctx.error()));
  // ESP does its own padding (RFC 4303 2.4); EVP must neither add nor strip any.
  if (EVP_CIPHER_CTX_set_padding(ctx->get(), 0) != 1)
    return fail(Error::internal("EVP_CIPHER_CTX_set_padding failed"));
  return CbcCipher(std::move(*ctx));
}

bool CbcCipher::crypt(std::span<const uint8_t, kBlockSize> iv, std::span<uint8_t> data) {
  if (data.size() % kBlockSize != 0 || data.size() > INT_MAX) return false;
  if (EVP_CipherInit_ex2(ctx_.get(), nullptr, nullptr, iv.data(), -1, nullptr) != 1) return false;
  int len = 0;
  return EVP_CipherUpdate(ctx_.get(), data.data(), &len, data.data(),
                          static_cast<int>(data.size())) == 1 &&
         static_cast<size_t>(len) == data.size();
}

// ---- Hmac ----

Result<Hmac> Hmac::create(Integrity integrity, std::span<const uint8_t> key) {
  const char* digest = nullptr;
  size_t icv = 0;
  // clang-format off
  switch (integrity) {
    case Integrity::kHmacSha256_128: digest = "SHA256"; icv = 16; break;
    case Integrity::kHmacSha384_192: digest = "SHA384"; icv = 24; break;
    case Integrity::kHmacSha512_256: digest = "SHA512"; icv = 32; break;
    case Integrity::kNone: break;
  }
  // clang-format on
  if (digest == nullptr) return fail(Error::invalid("not a supported HMAC integrity transform"));
  // Any key length works here (RFC 4231 vectors use several); the SA enforces the RFC 4868
  // 2.1.1 length for ESP.
  if (key.empty()) return fail(Error::invalid("HMAC key is empty"));
  if (fetched_hmac() == nullptr) return fail(Error::internal("HMAC not available in libcrypto"));
  MacCtxPtr ctx(EVP_MAC_CTX_new(fetched_hmac()));
  if (!ctx) return fail(Error::internal("EVP_MAC_CTX_new failed"));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1)
    return fail(Error::internal("HMAC key setup failed"));
  return Hmac(std::move(ctx), icv);
}

bool Hmac::compute(std::span<const uint8_t> data, std::span<const uint8_t> trailer,
                   std::span<uint8_t> icv) {
  if (icv.size() < icv_size_) return false;
  std::array<uint8_t, kMaxDigestSize> digest;
  size_t len = 0;
  // A null key re-initialises with the key set in create().
  bool ok = EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) == 1 &&
            EVP_MAC_update(ctx_.get(), data.data(), data.size()) == 1 &&
            (trailer.empty() || EVP_MAC_update(ctx_.get(), trailer.data(), trailer.size()) == 1) &&
            EVP_MAC_final(ctx_.get(), digest.data(), &len, digest.size()) == 1 && len >= icv_size_;
  if (ok) std::copy_n(digest.begin(), icv_size_, icv.begin());
  return ok;
}

bool Hmac::verify(std::span<const uint8_t> data, std::span<const uint8_t> trailer,
                  std::span<const uint8_t> icv) {
  std::array<uint8_t, kMaxDigestSize> expected;
  if (icv.size() != icv_size_ || !compute(data, trailer, expected)) return false;
  return CRYPTO_memcmp(expected.data(), icv.data(), icv_size_) == 0;
}

// ---- RandomIvSource ----

bool RandomIvSource::next(std::span<uint8_t, CbcCipher::kBlockSize> iv) {
  if (used_ + iv.size() > batch_.size()) {
    if (RAND_bytes(batch_.data(), static_cast<int>(batch_.size())) != 1) return false;
    used_ = 0;
  }
  std::copy_n(batch_.begin() + static_cast<std::ptrdiff_t>(used_), iv.size(), iv.begin());
  used_ += iv.size();
  return true;
}

}  // namespace vgw::esp
