// ESP cryptography over OpenSSL 3 EVP, one object per SA direction.
//
// Each object schedules its key once, when the SA is installed, into an EVP_CIPHER_CTX or
// EVP_MAC_CTX that it then reuses for every packet; the EVP_CIPHER/EVP_MAC algorithm objects are
// fetched once per process. Per packet only the nonce/IV is reset. Keys are not kept here beyond
// what OpenSSL holds in its contexts (which it cleanses when they are freed).
//
//   Aead           AES-GCM (RFC 4106) and ChaCha20-Poly1305 (RFC 7634): nonce = salt || IV
//   CbcCipher      AES-CBC without padding (RFC 3602); ESP pads the payload itself
//   Hmac           HMAC-SHA-256/384/512 truncated to the ESP ICV (RFC 4868)
//   RandomIvSource unpredictable CBC IVs, drawn from RAND_bytes in batches
//
// Nothing here allocates per packet, except that OpenSSL 3.0's HMAC re-initialisation duplicates
// its digest state on the heap (two small allocations inside libcrypto per ICV).
#pragma once

#include <openssl/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "vgw/base/result.h"
#include "vgw/esp/transform.h"

namespace vgw::esp {

// Which way an SA's contexts work: outbound seals/encrypts, inbound opens/decrypts.
enum class Direction : uint8_t { kOutbound, kInbound };

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const;
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const;
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

class Aead {
 public:
  static constexpr size_t kSaltSize = 4;
  static constexpr size_t kIvSize = 8;
  static constexpr size_t kTagSize = 16;

  // key_and_salt: the cipher key followed by the 4-octet salt, as taken from the IKE keying
  // material (RFC 4106 section 8.1, RFC 7634 section 2). encryption must be an AEAD transform.
  static Result<Aead> create(Encryption encryption, size_t key_bits, Direction direction,
                             std::span<const uint8_t> key_and_salt);

  // Encrypts data in place under nonce = salt || iv, authenticating aad too. False only if
  // OpenSSL fails, which it does not for valid contexts.
  bool seal(std::span<const uint8_t, kIvSize> iv, std::span<const uint8_t> aad,
            std::span<uint8_t> data, std::span<uint8_t, kTagSize> tag);
  // Decrypts data in place; false when the tag does not verify (data is then garbage).
  bool open(std::span<const uint8_t, kIvSize> iv, std::span<const uint8_t> aad,
            std::span<uint8_t> data, std::span<const uint8_t, kTagSize> tag);

 private:
  Aead(CipherCtxPtr ctx, std::span<const uint8_t, kSaltSize> salt);
  bool start(std::span<const uint8_t, kIvSize> iv, std::span<const uint8_t> aad);

  CipherCtxPtr ctx_;
  std::array<uint8_t, kSaltSize + kIvSize> nonce_{};  // salt fixed, IV part per packet
};

class CbcCipher {
 public:
  static constexpr size_t kBlockSize = 16;
  static Result<CbcCipher> create(size_t key_bits, Direction direction,
                                  std::span<const uint8_t> key);
  // Encrypts (outbound) or decrypts (inbound) data in place; data.size() must be a multiple of
  // kBlockSize (false otherwise).
  bool crypt(std::span<const uint8_t, kBlockSize> iv, std::span<uint8_t> data);

 private:
  explicit CbcCipher(CipherCtxPtr ctx) : ctx_(std::move(ctx)) {}
  CipherCtxPtr ctx_;
};

class Hmac {
 public:
  static constexpr size_t kMaxDigestSize = 64;
  static Result<Hmac> create(Integrity integrity, std::span<const uint8_t> key);

  // Octets of ICV: the digest truncated per RFC 4868 (16, 24 or 32).
  size_t icv_size() const { return icv_size_; }
  // ICV over data || trailer (ESP appends the ESN high half as the trailer, RFC 4303 2.2.1)
  // into icv, which must hold icv_size() octets.
  bool compute(std::span<const uint8_t> data, std::span<const uint8_t> trailer,
               std::span<uint8_t> icv);
  // Constant-time comparison of the computed ICV with the received one.
  bool verify(std::span<const uint8_t> data, std::span<const uint8_t> trailer,
              std::span<const uint8_t> icv);

 private:
  Hmac(MacCtxPtr ctx, size_t icv_size) : ctx_(std::move(ctx)), icv_size_(icv_size) {}
  MacCtxPtr ctx_;
  size_t icv_size_;
};

// CBC IVs must be unpredictable (RFC 3602 section 2.3). RAND_bytes per packet is costly, so IVs
// come from a batch that is refilled when used up.
class RandomIvSource {
 public:
  static constexpr size_t kBatchSize = 1024;
  // False if the DRBG fails (the packet must then not be sent).
  bool next(std::span<uint8_t, CbcCipher::kBlockSize> iv);

 private:
  std::array<uint8_t, kBatchSize> batch_{};
  size_t used_ = kBatchSize;
};

}  // namespace vgw::esp
