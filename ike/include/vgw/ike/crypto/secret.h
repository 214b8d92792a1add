// SecretBytes: key material that is wiped when it goes away.
//
// Every secret the IKE key schedule produces (g^ir, SKEYSEED, SK_d, SK_a*, SK_e*, SK_p*, Child SA
// KEYMAT, the pre-shared key's prf) lives in one of these. The buffer is allocated once at its
// final size and never grows, so no copy is left behind by a reallocation; the destructor and
// move-assignment clear it with OPENSSL_cleanse. Copies are explicit (copy()), never implicit.
//
// equal_constant_time() compares MACs (the SK payload ICV, the AUTH payload) without leaking
// where the first difference is (RFC 7296 section 2.15 gives the AUTH octets to a comparison an
// attacker can time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace vgw::ike::crypto {

class SecretBytes {
 public:
  SecretBytes() = default;
  // size octets of zeros, to be filled in place.
  explicit SecretBytes(size_t size) : bytes_(size) {}
  // A copy of bytes (which the caller still owns and wipes).
  explicit SecretBytes(std::span<const uint8_t> bytes) : bytes_(bytes.begin(), bytes.end()) {}
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
    other.bytes_.clear();
  }
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes() { wipe(); }

  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  std::span<uint8_t> span() { return bytes_; }
  std::span<const uint8_t> span() const { return bytes_; }
  // Read access wherever a byte span is taken (prf inputs, cipher keys).
  operator std::span<const uint8_t>() const { return bytes_; }  // NOLINT: implicit by design

  // The n octets at offset as a new secret (the key schedule's split of prf+ output).
  SecretBytes slice(size_t offset, size_t n) const;
  SecretBytes copy() const { return SecretBytes(span()); }

  friend bool operator==(const SecretBytes& a, const SecretBytes& b);

 private:
  void wipe();
  std::vector<uint8_t> bytes_;
};

// True when a and b have the same length and contents; the time taken depends on the length
// only, never on the contents.
bool equal_constant_time(std::span<const uint8_t> a, std::span<const uint8_t> b);

}  // namespace vgw::ike::crypto
