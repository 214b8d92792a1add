// The IKEv2 pseudorandom function and its expansion prf+ (RFC 7296 section 2.13).
//
//   prf(K, S)   HMAC-SHA2-256/384/512 (RFC 4868 section 2; any key length, output 32/48/64
//               octets)
//   prf+(K, S)  T1 | T2 | T3 | ...  where  T1 = prf(K, S | 0x01),  Tn = prf(K, Tn-1 | S | n)
//
// The counter octet n runs from 1 to 255, so prf+ yields at most 255 blocks; asking for more is
// an error (RFC 7296: "this function is not defined beyond 255 times the size of the prf
// output"). Inputs are given as a list of pieces that are fed in order, so callers never glue
// secrets together in temporary buffers: prf(SK_d, {g_ir, ni, nr}) is prf(SK_d, g^ir | Ni | Nr).
// Every output is SecretBytes.
//
// Prf keys an EVP_MAC context once and reuses it; prf() and prf_plus() are one-shot forms.
#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>

#include "vgw/base/result.h"
#include "vgw/ike/crypto/secret.h"
#include "vgw/ike/crypto/transform_id.h"

namespace vgw::ike::crypto {

// The pieces of a prf input, concatenated in order.
using Pieces = std::initializer_list<std::span<const uint8_t>>;

// prf+ produces at most this many blocks of prf output.
inline constexpr size_t kPrfPlusMaxBlocks = 255;

class Prf {
 public:
  // key must not be empty (every IKEv2 prf key is: Ni | Nr, SKEYSEED, SK_d, SK_p*, the PSK).
  static Result<Prf> create(PrfId id, std::span<const uint8_t> key);

  PrfId id() const { return id_; }
  size_t output_size() const { return prf_size(id_); }

  // prf(K, piece1 | piece2 | ...).
  Result<SecretBytes> compute(Pieces data);
  // prf+(K, piece1 | piece2 | ...), its first length octets; an error past
  // kPrfPlusMaxBlocks * output_size().
  Result<SecretBytes> expand(Pieces seed, size_t length);

  struct MacCtxFree {
    void operator()(EVP_MAC_CTX* ctx) const;
  };

 private:
  Prf(PrfId id, std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx) : id_(id), ctx_(std::move(ctx)) {}
  bool run(std::initializer_list<std::span<const uint8_t>> first, Pieces data,
           std::span<const uint8_t> last, std::span<uint8_t> out);

  PrfId id_;
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx_;
};

Result<SecretBytes> prf(PrfId id, std::span<const uint8_t> key, Pieces data);
Result<SecretBytes> prf_plus(PrfId id, std::span<const uint8_t> key, Pieces seed, size_t length);

}  // namespace vgw::ike::crypto
