// Wiped key material and constant-time comparison (see secret.h).
#include "vgw/ike/crypto/secret.h"

#include <openssl/crypto.h>

#include <cassert>

namespace vgw::ike::crypto {

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

void SecretBytes::wipe() {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

SecretBytes SecretBytes::slice(size_t offset, size_t n) const {
  assert(offset <= bytes_.size() && n <= bytes_.size() - offset);
  return SecretBytes(span().subspan(offset, n));
}

bool operator==(const SecretBytes& a, const SecretBytes& b) {
  return equal_constant_time(a.span(), b.span());
}

bool equal_constant_time(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace vgw::ike::crypto
