// The IKEv2 transform IDs this module implements, with the sizes each one implies.
//
// Values are the IANA numbers of RFC 7296 section 3.3.2 ("IKEv2 Parameters": Transform Type 1
// encryption, 2 PRF, 3 integrity, 4 key exchange method), so the wire codec's numeric transform
// IDs map onto these enums by a cast; is_known() tells which numbers are implemented here.
//
//   encryption  ENCR_AES_CBC 12 (RFC 3602), ENCR_AES_GCM_16 20 (RFC 5282 for IKE, RFC 4106
//               for ESP), ENCR_CHACHA20_POLY1305 28 (RFC 7634); AEADs take a 4-octet salt
//               after the key in the keying material
//   PRF         PRF_HMAC_SHA2_256/384/512 5/6/7 (RFC 4868); PRF_HMAC_SHA1 2 only so that the
//               NIST CAVS IKEv2 KDF known answers (SHA-1) can check the key schedule: no suite
//               keyword selects it and validate() refuses it (RFC 8247: MUST-)
//   integrity   AUTH_HMAC_SHA2_256_128/384_192/512_256 12/13/14 (RFC 4868)
//   DH groups   14/15/16 MODP 2048/3072/4096 (RFC 3526), 19/20/21 ECP 256/384/521 (RFC 5903),
//               31 Curve25519 (RFC 8031)
#pragma once

#include <cstddef>
#include <cstdint>

namespace vgw::ike::crypto {

enum class EncrId : uint16_t {
  kAesCbc = 12,
  kAesGcm16 = 20,
  kChaCha20Poly1305 = 28,
};

enum class PrfId : uint16_t {
  kHmacSha1 = 2,  // known-answer tests only (see above)
  kHmacSha256 = 5,
  kHmacSha384 = 6,
  kHmacSha512 = 7,
};

enum class IntegId : uint16_t {
  kNone = 0,  // with an AEAD
  kHmacSha256_128 = 12,
  kHmacSha384_192 = 13,
  kHmacSha512_256 = 14,
};

enum class DhGroup : uint16_t {
  kModp2048 = 14,
  kModp3072 = 15,
  kModp4096 = 16,
  kEcp256 = 19,
  kEcp384 = 20,
  kEcp521 = 21,
  kCurve25519 = 31,
};

bool is_known(EncrId id);
bool is_known(PrfId id);
bool is_known(IntegId id);
bool is_known(DhGroup group);

// Combined-mode cipher: no separate integrity transform, a salt in the keying material.
bool is_aead(EncrId id);
// Whether a cipher takes a Key Length attribute of key_bits (RFC 7296 3.3.5).
bool valid_key_bits(EncrId id, uint16_t key_bits);
// Octets of keying material for the cipher: key_bits / 8, plus the 4-octet salt of an AEAD
// (RFC 5282 for IKE, RFC 4106 section 8.1 and RFC 7634 section 2 for ESP).
size_t encr_key_size(EncrId id, uint16_t key_bits);
inline constexpr size_t kAeadSaltSize = 4;

// PRF output octets, which for HMAC is also the preferred key size (RFC 4868 section 2):
// the size of SK_d, SK_pi and SK_pr (RFC 7296 section 2.14).
size_t prf_size(PrfId id);

// Integrity key octets (RFC 4868: the full digest size) and ICV octets (the truncation).
size_t integ_key_size(IntegId id);
size_t integ_icv_size(IntegId id);

// Octets of the KE payload's Key Exchange Data (RFC 7296 3.4): the modulus length for MODP,
// x || y without a point-format octet for ECP (RFC 5903 section 7), 32 for Curve25519.
size_t ke_size(DhGroup group);
// Octets of the shared secret g^ir: the modulus length (left-padded, RFC 7296 2.14), the
// x coordinate only for ECP (RFC 5903 section 9), 32 for Curve25519 (RFC 8031 section 2).
size_t shared_secret_size(DhGroup group);

}  // namespace vgw::ike::crypto
