// ESP transforms: which encryption and integrity algorithms an SA uses, and the sizes the codec
// derives from them (IV, ICV, padding alignment, key material). The enum values are the IKEv2
// transform IDs (RFC 7296 section 3.3.2, IANA "Transform Type 1" and "Transform Type 3"), so
// routing/ maps a negotiated proposal onto a Transform without a table of its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/base/result.h"

namespace vgw::esp {

enum class Encryption : uint16_t {
  kAesCbc = 12,            // RFC 3602: 128/192/256-bit key, 16-octet IV; needs an Integrity
  kAesGcm16 = 20,          // RFC 4106: 128/256-bit key + 4-octet salt, 8-octet IV, 16-octet ICV
  kChaCha20Poly1305 = 28,  // RFC 7634: 256-bit key + 4-octet salt, 8-octet IV, 16-octet ICV
};

enum class Integrity : uint16_t {
  kNone = 0,             // only with a combined-mode (AEAD) cipher
  kHmacSha256_128 = 12,  // RFC 4868: 32-octet key, ICV truncated to 16 octets
  kHmacSha384_192 = 13,  // RFC 4868: 48-octet key, 24-octet ICV
  kHmacSha512_256 = 14,  // RFC 4868: 64-octet key, 32-octet ICV
};

struct Transform {
  Encryption encryption = Encryption::kAesGcm16;
  uint16_t key_bits = 128;  // cipher key length, salt not included
  Integrity integrity = Integrity::kNone;

  bool is_aead() const { return encryption != Encryption::kAesCbc; }
  // Octets of IV on the wire after the sequence number.
  size_t iv_size() const { return is_aead() ? 8 : 16; }
  size_t icv_size() const;
  // Payload + padding + the two trailer octets must be a multiple of this (RFC 4303 2.4): the
  // cipher block for CBC, the 4-octet word ESP itself requires for the stream-like AEADs.
  size_t block_size() const { return is_aead() ? 4 : 16; }
  // Keying material the SA takes: cipher key (|| 4-octet salt for AEAD, RFC 4106 8.1 and
  // RFC 7634 section 2) and the HMAC key (0 for AEAD).
  size_t encryption_key_size() const { return key_bits / 8 + (is_aead() ? 4 : 0); }
  size_t integrity_key_size() const;
  // strongSwan-style proposal keyword: "aes128gcm16", "chacha20poly1305", "aes256-sha384".
  std::string name() const;

  friend bool operator==(const Transform&, const Transform&) = default;
};

// Refuses combinations ESP must not use: unknown IDs, wrong key sizes, CBC without integrity
// (RFC 8221 section 5), AEAD with a separate integrity algorithm (RFC 7296 section 3.3).
Status validate(const Transform& transform);

// The inverse of Transform::name(): "aes128gcm16", "aes256gcm16", "chacha20poly1305",
// "aes128-sha256", "aes256-sha512", ... An unknown word is an error listing the known ones.
Result<Transform> parse_transform(std::string_view name);
// Every name parse_transform accepts, AEADs first.
const std::vector<std::string>& transform_names();

}  // namespace vgw::esp
