// ESP security associations, one object per direction (RFC 4301 section 4.4.2).
//
// An SA holds what per-packet processing needs and nothing else: SPI, transform, the crypto
// contexts keyed once at creation, the sequence number (outbound) or the anti-replay window
// (inbound), lifetime limits and counters. Each SA direction has exactly one writer (one
// dataplane worker), so counters are plain integers that the owner reads and publishes.
//
// The codec (codec.h) does the per-packet work on these objects. Hard packet/byte limits and
// sequence exhaustion are enforced there on every packet; time limits are evaluated only when
// the owner calls lifetime_status(clock), which it does periodically and not per packet.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "vgw/base/clock.h"
#include "vgw/base/result.h"
#include "vgw/esp/crypto.h"
#include "vgw/esp/lifetime.h"
#include "vgw/esp/replay_window.h"
#include "vgw/esp/transform.h"

namespace vgw::esp {

namespace detail {
struct CodecAccess;  // the codec's view of SA internals (codec.cc)
}

struct SaConfig {
  uint32_t spi = 0;  // 1..255 are reserved (RFC 4303 2.1), 0 is never an SPI
  Transform transform;
  // Keying material as IKEv2 derives it (RFC 7296 2.17): encryption key (|| salt for AEAD),
  // then integrity key (empty for AEAD). Copied into the crypto contexts, not kept.
  std::span<const uint8_t> encryption_key;
  std::span<const uint8_t> integrity_key;
  bool esn = false;  // 64-bit extended sequence numbers (RFC 4303 2.2.1)
  Lifetime lifetime;
  uint32_t replay_window = ReplayWindow::kDefaultSize;  // inbound only
  // Outbound only: the sequence number of the last packet sent, 0 for a new SA. Anything else
  // exists so tests can start near the end of the sequence space.
  uint64_t last_sequence = 0;
};

struct OutboundCounters {
  uint64_t packets = 0;  // sent, dummies excluded
  uint64_t bytes = 0;    // inner packet octets of those
  uint64_t dummy = 0;    // dummy packets sent (RFC 4303 2.6)
  uint64_t expired = 0;  // refused: hard lifetime reached or sequence numbers exhausted
  uint64_t invalid = 0;  // refused: not an IPv4/IPv6 packet, buffer too small, crypto failure
};

struct InboundCounters {
  uint64_t packets = 0;           // accepted, dummies excluded
  uint64_t bytes = 0;             // inner packet octets of those
  uint64_t dummy = 0;             // authenticated dummy packets, dropped silently
  uint64_t replayed = 0;          // duplicate or below the window
  uint64_t integrity_failed = 0;  // ICV did not verify
  uint64_t malformed = 0;         // truncated, misaligned, bad padding or next header
  uint64_t expired = 0;           // refused: hard lifetime reached
};

class OutboundSa {
 public:
  static Result<OutboundSa> create(const SaConfig& config);

  uint32_t spi() const { return spi_; }
  const Transform& transform() const { return transform_; }
  bool esn() const { return esn_; }
  uint64_t last_sequence() const { return seq_; }
  // The last sequence number this SA may use: 2^32 - 1, or 2^64 - 1 with ESN.
  uint64_t max_sequence() const { return max_seq_; }
  const OutboundCounters& counters() const { return counters_; }
  const Lifetime& lifetime() const { return lifetime_; }
  // Soft expiry by sequence number: once fewer than 1/16 of the numbers are left.
  LifetimeStatus lifetime_status(const Clock& clock) const;

  // Octets the codec writes in front of the inner packet (SPI, sequence number, IV). An inner
  // packet placed at this offset of the output buffer is encrypted in place, without a copy.
  size_t header_size() const { return 8 + iv_size_; }
  // Size of the ESP packet for an inner packet of inner_size octets.
  size_t encapsulated_size(size_t inner_size) const;

 private:
  friend struct detail::CodecAccess;
  OutboundSa() = default;
  // Payload + padding + Pad Length + Next Header, rounded up to the block size (4 or 16: a
  // power of two, so a mask instead of a division on every packet).
  size_t padded_size(size_t payload) const {
    return (payload + 2 + block_size_ - 1) & ~size_t{block_size_ - 1u};
  }

  uint32_t spi_ = 0;
  Transform transform_;
  bool esn_ = false;
  uint8_t iv_size_ = 0;
  uint8_t icv_size_ = 0;
  uint8_t block_size_ = 0;
  uint64_t seq_ = 0;
  uint64_t max_seq_ = 0;
  std::optional<Aead> aead_;
  std::optional<CbcCipher> cbc_;
  std::optional<Hmac> hmac_;
  std::unique_ptr<RandomIvSource> ivs_;  // CBC only
  Lifetime lifetime_;
  OutboundCounters counters_;
};

class InboundSa {
 public:
  static Result<InboundSa> create(const SaConfig& config);

  uint32_t spi() const { return spi_; }
  const Transform& transform() const { return transform_; }
  bool esn() const { return esn_; }
  const InboundCounters& counters() const { return counters_; }
  const Lifetime& lifetime() const { return lifetime_; }
  LifetimeStatus lifetime_status(const Clock& clock) const;

  const ReplayWindow& replay_window() const { return window_; }
  // The owner may move the window (e.g. tests that start near the end of the 32-bit space).
  ReplayWindow& replay_window() { return window_; }

 private:
  friend struct detail::CodecAccess;
  explicit InboundSa(const SaConfig& config);

  uint32_t spi_ = 0;
  Transform transform_;
  bool esn_ = false;
  uint8_t iv_size_ = 0;
  uint8_t icv_size_ = 0;
  uint8_t block_size_ = 0;
  std::optional<Aead> aead_;
  std::optional<CbcCipher> cbc_;
  std::optional<Hmac> hmac_;
  ReplayWindow window_;
  Lifetime lifetime_;
  InboundCounters counters_;
};

}  // namespace vgw::esp
