// Protection of the Encrypted payload, SK {...} (RFC 7296 section 3.14, RFC 5282 for AEAD).
//
// The wire codec owns the layout; this class only turns bytes into bytes. The caller supplies
// the associated bytes: the message from the first octet of the IKE header through the last
// octet of the SK payload's generic header (unencrypted payloads before SK included). Because
// the IKE header's Length and the SK header's Payload Length are part of them, the codec asks
// sealed_size() first, writes the headers, then seals:
//
//   seal(inner payload chain, associated) -> IV | ciphertext | ICV    (the SK payload body)
//   open(associated, IV | ciphertext | ICV) -> inner payload chain
//
//   ENCR_AES_CBC + AUTH_HMAC_SHA2_*   IV 16 random octets; plaintext | padding | pad length
//       padded to the 16-octet block; ICV = HMAC(SK_a, associated | IV | ciphertext) truncated
//       to 16/24/32 octets (RFC 4868), so it covers the whole message up to the ICV. open()
//       verifies the ICV first, in constant time, before decrypting anything.
//   ENCR_AES_GCM_16, ENCR_CHACHA20_POLY1305   IV 8 octets; nonce = salt (the last 4 octets of
//       SK_e) | IV; AAD = associated; plaintext | pad length (no padding: a counter mode needs
//       no alignment); ICV = the 16-octet tag (RFC 5282 section 3, RFC 7634 section 3).
//
// One SkCipher per direction: the initiator seals with SK_ei/SK_ai and opens with SK_er/SK_ar,
// the responder the other way round. AEAD IVs count up from a random start, so an SkCipher never
// repeats one (and two for the same key almost surely never meet); CBC IVs are fresh random
// values. On open, a failed ICV is
// ErrorCode::kPermissionDenied and anything malformed (short, misaligned, bad pad length) is
// kInvalidArgument: either way the message is dropped (RFC 7296 2.21), the first one counted
// as an integrity failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/ike/crypto/secret.h"
#include "vgw/ike/crypto/suite.h"

namespace vgw::ike::crypto {

class SkCipher {
 public:
  // sk_e: SK_ei or SK_er (cipher key || salt for AEAD); sk_a: SK_ai or SK_ar (empty for AEAD).
  static Result<SkCipher> create(const IkeSuite& suite, std::span<const uint8_t> sk_e,
                                 std::span<const uint8_t> sk_a);

  size_t iv_size() const;
  size_t icv_size() const;
  // Octets of the SK payload body that seal() returns for plaintext_size octets of payloads.
  size_t sealed_size(size_t plaintext_size) const;

  Result<std::vector<uint8_t>> seal(std::span<const uint8_t> plaintext,
                                    std::span<const uint8_t> associated);
  Result<std::vector<uint8_t>> open(std::span<const uint8_t> associated,
                                    std::span<const uint8_t> sealed) const;

 private:
  SkCipher(const IkeSuite& suite, SecretBytes key, SecretBytes salt, SecretBytes integ_key,
           uint64_t next_iv)
      : encr_(suite.encr),
        integ_(suite.integ),
        key_(std::move(key)),
        salt_(std::move(salt)),
        integ_key_(std::move(integ_key)),
        next_iv_(next_iv) {}
  bool aead() const { return is_aead(encr_.id); }
  Result<SecretBytes> icv(std::span<const uint8_t> associated,
                          std::span<const uint8_t> iv_and_ct) const;

  Cipher encr_;
  IntegId integ_;
  SecretBytes key_;        // cipher key
  SecretBytes salt_;       // AEAD only
  SecretBytes integ_key_;  // CBC only
  uint64_t next_iv_;       // AEAD only
};

}  // namespace vgw::ike::crypto
