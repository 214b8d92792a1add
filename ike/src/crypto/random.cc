// Nonces, SPIs and IVs from RAND_bytes (see random.h).
#include "vgw/ike/crypto/random.h"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <string>

namespace vgw::ike::crypto {
namespace {

bool fill(std::span<uint8_t> out) {
  return out.size() <= INT_MAX &&
         (out.empty() || RAND_bytes(out.data(), static_cast<int>(out.size())) == 1);
}

template <typename T>
Result<T> random_integer() {
  uint8_t bytes[sizeof(T)];
  if (!fill(bytes)) return fail(Error::unavailable("random number generator failed"));
  T v = 0;
  for (uint8_t b : bytes) v = static_cast<T>(v << 8 | b);
  return v;
}

}  // namespace

size_t nonce_size(PrfId prf) { return std::max(kMinNonceSize, prf_size(prf)); }

Status check_nonce_size(size_t size, PrfId prf) {
  if (size < kMinNonceSize || size > kMaxNonceSize)
    return fail(Error::invalid("nonce of " + std::to_string(size) +
                               " octets is outside 16..256 (RFC 7296 3.9)"));
  if (2 * size < prf_size(prf))
    return fail(Error::invalid("nonce of " + std::to_string(size) +
                               " octets is shorter than half the PRF key (RFC 7296 2.10)"));
  return {};
}

Result<std::vector<uint8_t>> random_nonce(size_t size) {
  if (size < kMinNonceSize || size > kMaxNonceSize)
    return fail(Error::invalid("nonce size must be 16..256 octets"));
  std::vector<uint8_t> nonce(size);
  if (!fill(nonce)) return fail(Error::unavailable("random number generator failed"));
  return nonce;
}

Result<uint64_t> random_ike_spi() {
  for (;;) {
    auto v = random_integer<uint64_t>();
    if (!v || *v != 0) return v;
  }
}

Result<uint32_t> random_esp_spi() {
  for (;;) {
    auto v = random_integer<uint32_t>();
    if (!v || *v >= 256) return v;
  }
}

Status random_iv(std::span<uint8_t> iv) {
  if (!fill(iv)) return fail(Error::unavailable("random number generator failed"));
  return {};
}

}  // namespace vgw::ike::crypto
