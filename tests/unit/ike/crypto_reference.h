// Independent oracles for the IKE crypto tests: HMAC through libcrypto's one-shot EVP_Q_mac and
// prf+ (RFC 7296 2.13: T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n)) written out plainly,
// sharing nothing with the code under test; and hex for the published vectors.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "vgw/base/hex.h"
#include "vgw/ike/crypto/transform_id.h"

namespace vgw::ike::crypto::reference {

// A typo in a vector shows up as a mismatch (this also runs before main, outside any test).
inline std::vector<uint8_t> hex(std::string_view text) {
  auto r = parse_hex(text);
  return r.ok() ? std::move(*r) : std::vector<uint8_t>{};
}

inline const char* digest_of(PrfId id) {
  switch (id) {
    case PrfId::kHmacSha1: return "SHA1";
    case PrfId::kHmacSha256: return "SHA256";
    case PrfId::kHmacSha384: return "SHA384";
    case PrfId::kHmacSha512: return "SHA512";
  }
  return "";
}

inline std::vector<uint8_t> hmac(PrfId id, std::span<const uint8_t> key, std::span<const uint8_t> data) {
  std::vector<uint8_t> out(64);
  size_t len = 0;
  EXPECT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, digest_of(id), nullptr, key.data(), key.size(),
                      data.data(), data.size(), out.data(), out.size(), &len),
            nullptr);
  out.resize(len);
  return out;
}

inline std::vector<uint8_t> prf_plus(PrfId id, std::span<const uint8_t> key,
                                     std::span<const uint8_t> seed, size_t length) {
  std::vector<uint8_t> out, t;
  for (int n = 1; out.size() < length; ++n) {
    std::vector<uint8_t> input = t;
    input.insert(input.end(), seed.begin(), seed.end());
    input.push_back(static_cast<uint8_t>(n));
    t = hmac(id, key, input);
    out.insert(out.end(), t.begin(), t.end());
  }
  out.resize(length);
  return out;
}

}  // namespace vgw::ike::crypto::reference
