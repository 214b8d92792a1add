// Diffie-Hellman for the KE payload (RFC 7296 sections 1.2, 2.14 and 3.4) over OpenSSL EVP_PKEY.
//
//   MODP 14/15/16   RFC 3526 groups (generator 2). Public value g^x mod p and the shared
//                   secret are left-padded to the modulus length (RFC 7296 3.4 and 2.14).
//                   A peer value must satisfy 1 < y < p-1 (RFC 6989: for these safe-prime
//                   groups that is the whole check).
//   ECP 19/20/21    NIST P-256/384/521 (RFC 5903). KE data is x | y, each left-padded to the
//                   field size, without the 0x04 point-format octet (section 7); the shared
//                   secret is the x coordinate of the product only (section 9). A peer point
//                   must lie on the curve and not be the point at infinity (RFC 6989).
//   Curve25519 31   X25519 (RFC 7748, RFC 8031): 32-octet little-endian u-coordinates; an
//                   all-zero shared secret (a low-order peer point) is refused (RFC 8031 2).
//
// A key pair is used for one exchange (RFC 7296 2.12 allows reuse; we do not). Private keys stay
// inside OpenSSL, which clears them when the pair is freed.
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/ike/crypto/secret.h"
#include "vgw/ike/crypto/transform_id.h"

namespace vgw::ike::crypto {

class DhKeyPair {
 public:
  static Result<DhKeyPair> generate(DhGroup group);
  // A key pair from a known private value, for published test vectors: big-endian for MODP
  // and ECP (at most the group's size), the 32-octet RFC 7748 scalar for Curve25519.
  static Result<DhKeyPair> from_private_key(DhGroup group, std::span<const uint8_t> private_key);

  DhGroup group() const { return group_; }
  // The KE payload's Key Exchange Data (ke_size(group) octets).
  std::span<const uint8_t> public_value() const { return public_value_; }
  // g^ir from the peer's Key Exchange Data, after checking it (length, range, on curve).
  Result<SecretBytes> shared_secret(std::span<const uint8_t> peer_public_value) const;

  struct PkeyFree {
    void operator()(EVP_PKEY* key) const;
  };
  using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

 private:
  DhKeyPair(DhGroup group, PkeyPtr key, std::vector<uint8_t> public_value)
      : group_(group), key_(std::move(key)), public_value_(std::move(public_value)) {}
  static Result<DhKeyPair> wrap(DhGroup group, PkeyPtr key);

  DhGroup group_;
  PkeyPtr key_;
  std::vector<uint8_t> public_value_;
};

}  // namespace vgw::ike::crypto
