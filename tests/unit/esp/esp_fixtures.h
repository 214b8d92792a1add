// Shared by the esp unit tests, the esp_inbound fuzz target and its seed writer: the transforms
// under test, deterministic keys, SA pairs, inner IPv4/IPv6 packets, and seal_raw(), which
// builds an authentic ESP packet around any plaintext (bad padding included) from the crypto
// primitives directly, bypassing the codec. No gtest here, so the fuzz target can use it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/esp/esp.h"

namespace vgw::esp::testing {

inline std::vector<uint8_t> hex(std::string_view text) {
  std::vector<uint8_t> out;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  int high = -1;
  for (char c : text) {
    int v = nibble(c);
    if (v < 0) continue;  // spaces and separators
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  return out;
}

inline const std::vector<Transform>& all_transforms() {
  static const std::vector<Transform> all = {
      {Encryption::kAesGcm16, 128, Integrity::kNone},
      {Encryption::kAesGcm16, 256, Integrity::kNone},
      {Encryption::kChaCha20Poly1305, 256, Integrity::kNone},
      {Encryption::kAesCbc, 128, Integrity::kHmacSha256_128},
      {Encryption::kAesCbc, 192, Integrity::kHmacSha384_192},
      {Encryption::kAesCbc, 256, Integrity::kHmacSha512_256},
      {Encryption::kAesCbc, 256, Integrity::kHmacSha256_128},
  };
  return all;
}

// Deterministic keying material for a transform; seed varies it.
struct Keys {
  std::vector<uint8_t> encryption;
  std::vector<uint8_t> integrity;
  explicit Keys(const Transform& t, uint8_t seed = 1) {
    for (size_t i = 0; i < t.encryption_key_size(); ++i)
      encryption.push_back(static_cast<uint8_t>(seed * 31 + i * 7));
    for (size_t i = 0; i < t.integrity_key_size(); ++i)
      integrity.push_back(static_cast<uint8_t>(seed * 17 + i * 11 + 3));
  }
};

inline SaConfig sa_config(const Transform& t, const Keys& keys, bool esn, uint32_t spi = 0x1000) {
  SaConfig c;
  c.spi = spi;
  c.transform = t;
  c.encryption_key = keys.encryption;
  c.integrity_key = keys.integrity;
  c.esn = esn;
  return c;
}

// An outbound SA and the matching inbound SA (same keys, same SPI).
struct SaPair {
  OutboundSa out;
  InboundSa in;
};
inline std::optional<SaPair> make_pair(const SaConfig& config) {
  auto out = OutboundSa::create(config);
  auto in = InboundSa::create(config);
  if (!out || !in) return std::nullopt;
  return SaPair{std::move(*out), std::move(*in)};
}

// IPv4 packet of exactly size octets (>= 20): header with total length, protocol 17, the rest
// a byte pattern. The header checksum is left 0 (nothing here checks it).
inline std::vector<uint8_t> ipv4_packet(size_t size, uint8_t fill = 0) {
  std::vector<uint8_t> p(size);
  for (size_t i = 0; i < size; ++i) p[i] = static_cast<uint8_t>(fill + i * 13);
  p[0] = 0x45;
  p[1] = 0;
  p[2] = static_cast<uint8_t>(size >> 8);
  p[3] = static_cast<uint8_t>(size);
  p[8] = 64;
  p[9] = 17;
  return p;
}

// IPv6 packet of exactly size octets (>= 40) with the matching payload length.
inline std::vector<uint8_t> ipv6_packet(size_t size, uint8_t fill = 0) {
  std::vector<uint8_t> p(size);
  for (size_t i = 0; i < size; ++i) p[i] = static_cast<uint8_t>(fill + i * 29);
  p[0] = 0x60;
  p[1] = p[2] = p[3] = 0;
  p[4] = static_cast<uint8_t>((size - 40) >> 8);
  p[5] = static_cast<uint8_t>(size - 40);
  p[6] = 17;
  p[7] = 64;
  return p;
}

// The plaintext ESP appends to a payload: padding 1, 2, 3, ... to the block size, Pad Length,
// Next Header (RFC 4303 2.4).
inline std::vector<uint8_t> padded_body(std::span<const uint8_t> payload, uint8_t next_header,
                                        size_t block) {
  std::vector<uint8_t> body(payload.begin(), payload.end());
  const size_t pad = (block - (payload.size() + 2) % block) % block;
  for (size_t i = 1; i <= pad; ++i) body.push_back(static_cast<uint8_t>(i));
  body.push_back(static_cast<uint8_t>(pad));
  body.push_back(next_header);
  return body;
}

// An authentic ESP packet whose encrypted part is exactly body (for CBC a multiple of 16),
// built with the crypto primitives and the RFC layout; empty if the primitives refuse.
inline std::vector<uint8_t> seal_raw(const Transform& t, const Keys& keys, uint32_t spi,
                                     uint64_t seq, bool esn, std::span<const uint8_t> body,
                                     std::array<uint8_t, 16> cbc_iv = {}) {
  auto be32 = [](std::vector<uint8_t>& v, uint32_t x) {
    for (int s = 24; s >= 0; s -= 8) v.push_back(static_cast<uint8_t>(x >> s));
  };
  std::vector<uint8_t> pkt;
  be32(pkt, spi);
  be32(pkt, static_cast<uint32_t>(seq));
  std::vector<uint8_t> data(body.begin(), body.end());
  if (t.is_aead()) {
    auto aead = Aead::create(t.encryption, t.key_bits, Direction::kOutbound, keys.encryption);
    if (!aead) return {};
    std::array<uint8_t, 8> iv;
    for (int i = 0; i < 8; ++i) iv[i] = static_cast<uint8_t>(seq >> (56 - 8 * i));
    std::vector<uint8_t> aad;
    be32(aad, spi);
    if (esn) be32(aad, static_cast<uint32_t>(seq >> 32));
    be32(aad, static_cast<uint32_t>(seq));
    std::array<uint8_t, 16> tag;
    if (!aead->seal(iv, aad, data, tag)) return {};
    pkt.insert(pkt.end(), iv.begin(), iv.end());
    pkt.insert(pkt.end(), data.begin(), data.end());
    pkt.insert(pkt.end(), tag.begin(), tag.end());
    return pkt;
  }
  auto cbc = CbcCipher::create(t.key_bits, Direction::kOutbound, keys.encryption);
  auto hmac = Hmac::create(t.integrity, keys.integrity);
  if (!cbc || !hmac || !cbc->crypt(cbc_iv, data)) return {};
  pkt.insert(pkt.end(), cbc_iv.begin(), cbc_iv.end());
  pkt.insert(pkt.end(), data.begin(), data.end());
  std::vector<uint8_t> trailer;
  if (esn) be32(trailer, static_cast<uint32_t>(seq >> 32));
  std::vector<uint8_t> icv(hmac->icv_size());
  if (!hmac->compute(pkt, trailer, icv)) return {};
  pkt.insert(pkt.end(), icv.begin(), icv.end());
  return pkt;
}

// The fuzz target's fixed SAs: every transform, without and with ESN; index = selector % count.
inline constexpr uint32_t kFuzzSpi = 0x0badcafe;
inline size_t fuzz_sa_count() { return all_transforms().size() * 2; }
inline SaConfig fuzz_sa_config(size_t index, const Keys& keys) {
  const Transform& t = all_transforms()[index / 2 % all_transforms().size()];
  return sa_config(t, keys, index % 2 == 1, kFuzzSpi);
}
inline Keys fuzz_sa_keys(size_t index) {
  return Keys(all_transforms()[index / 2 % all_transforms().size()], 0x5a);
}

}  // namespace vgw::esp::testing
