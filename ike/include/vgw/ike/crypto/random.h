// Random values IKEv2 sends: nonces, SPIs and IVs, all from OpenSSL's DRBG (RAND_bytes).
//
//   nonce   RFC 7296 2.10 / 3.9: 16 to 256 octets, and at least half the negotiated PRF's key
//           size; we send max(16, the PRF's key size) octets, 32 before a PRF is chosen
//   IKE SPI 8 octets, never zero (3.1: zero means "not yet known" in the responder field)
//   ESP SPI 4 octets, 256 or more (RFC 4303 2.1: 0 and 1..255 are reserved)
//   IV      the SK payload's (sk_cipher.h); CBC IVs must be unpredictable (RFC 7296 3.14)
// A DRBG failure is an error: nothing random is ever replaced by something that is not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/ike/crypto/transform_id.h"

namespace vgw::ike::crypto {

inline constexpr size_t kMinNonceSize = 16;
inline constexpr size_t kMaxNonceSize = 256;
inline constexpr size_t kDefaultNonceSize = 32;

// The nonce size to send once prf is known: max(16, its key size).
size_t nonce_size(PrfId prf);
// Whether a received nonce of size octets is acceptable with prf (16..256 and at least half
// the prf key size).
Status check_nonce_size(size_t size, PrfId prf);

Result<std::vector<uint8_t>> random_nonce(size_t size = kDefaultNonceSize);
Result<uint64_t> random_ike_spi();
Result<uint32_t> random_esp_spi();
Status random_iv(std::span<uint8_t> iv);

}  // namespace vgw::ike::crypto
