// ESP SA creation (validation, keying the crypto contexts) and lifetime evaluation.
#include "vgw/esp/sa.h"

#include <string>

namespace vgw::esp {
namespace {

Status validate_config(const SaConfig& c) {
  if (c.spi < 256) return fail(Error::invalid("SPI " + std::to_string(c.spi) + " is reserved"));
  if (auto s = validate(c.transform); !s) return s;
  if (c.encryption_key.size() != c.transform.encryption_key_size())
    return fail(Error::invalid(c.transform.name() + " needs " +
                               std::to_string(c.transform.encryption_key_size()) +
                               " octets of encryption keying material"));
  if (c.integrity_key.size() != c.transform.integrity_key_size())
    return fail(Error::invalid(c.transform.name() + " needs " +
                               std::to_string(c.transform.integrity_key_size()) +
                               " octets of integrity keying material"));
  return {};
}

// Keys the crypto contexts of one SA direction.
Status key(const SaConfig& c, Direction direction, std::optional<Aead>& aead,
           std::optional<CbcCipher>& cbc, std::optional<Hmac>& hmac) {
  const Transform& t = c.transform;
  if (t.is_aead()) {
    auto a = Aead::create(t.encryption, t.key_bits, direction, c.encryption_key);
    if (!a) return fail(std::move(a.error()));
    aead.emplace(std::move(*a));
    return {};
  }
  auto e = CbcCipher::create(t.key_bits, direction, c.encryption_key);
  if (!e) return fail(std::move(e.error()));
  auto h = Hmac::create(t.integrity, c.integrity_key);
  if (!h) return fail(std::move(h.error()));
  cbc.emplace(std::move(*e));
  hmac.emplace(std::move(*h));
  return {};
}

struct Usage {
  uint64_t bytes;
  uint64_t packets;
};

LifetimeStatus evaluate(const Lifetime& l, const Usage& u, Clock::TimePoint now) {
  using S = LifetimeState;
  using C = LifetimeCause;
  if (now >= l.hard_expiry) return {S::kHardExpired, C::kTime};
  if (u.bytes >= l.hard_bytes) return {S::kHardExpired, C::kBytes};
  if (u.packets >= l.hard_packets) return {S::kHardExpired, C::kPackets};
  if (now >= l.soft_expiry) return {S::kSoftExpired, C::kTime};
  if (u.bytes >= l.soft_bytes) return {S::kSoftExpired, C::kBytes};
  if (u.packets >= l.soft_packets) return {S::kSoftExpired, C::kPackets};
  return {};
}

}  // namespace

const char* lifetime_state_name(LifetimeState state) {
  switch (state) {
    case LifetimeState::kActive: return "active";
    case LifetimeState::kSoftExpired: return "soft-expired";
    case LifetimeState::kHardExpired: return "hard-expired";
  }
  return "unknown";
}

const char* lifetime_cause_name(LifetimeCause cause) {
  switch (cause) {
    case LifetimeCause::kNone: return "none";
    case LifetimeCause::kTime: return "time";
    case LifetimeCause::kBytes: return "bytes";
    case LifetimeCause::kPackets: return "packets";
    case LifetimeCause::kSequence: return "sequence";
  }
  return "unknown";
}

// ---- OutboundSa ----

Result<OutboundSa> OutboundSa::create(const SaConfig& c) {
  if (auto s = validate_config(c); !s) return fail(std::move(s.error()));
  OutboundSa sa;
  sa.max_seq_ = c.esn ? UINT64_MAX : UINT32_MAX;
  if (c.last_sequence > sa.max_seq_)
    return fail(Error::invalid("initial sequence number beyond the sequence space"));
  sa.spi_ = c.spi;
  sa.transform_ = c.transform;
  sa.esn_ = c.esn;
  sa.iv_size_ = static_cast<uint8_t>(c.transform.iv_size());
  sa.icv_size_ = static_cast<uint8_t>(c.transform.icv_size());
  sa.block_size_ = static_cast<uint8_t>(c.transform.block_size());
  sa.seq_ = c.last_sequence;
  sa.lifetime_ = c.lifetime;
  if (auto s = key(c, Direction::kOutbound, sa.aead_, sa.cbc_, sa.hmac_); !s)
    return fail(std::move(s.error()));
  if (!c.transform.is_aead()) sa.ivs_ = std::make_unique<RandomIvSource>();
  return sa;
}

size_t OutboundSa::encapsulated_size(size_t inner_size) const {
  return header_size() + padded_size(inner_size) + icv_size_;
}

LifetimeStatus OutboundSa::lifetime_status(const Clock& clock) const {
  LifetimeStatus s = evaluate(lifetime_, {counters_.bytes, counters_.packets}, clock.now());
  if (s.state == LifetimeState::kHardExpired) return s;
  if (seq_ >= max_seq_) return {LifetimeState::kHardExpired, LifetimeCause::kSequence};
  if (s.state == LifetimeState::kSoftExpired) return s;
  if (seq_ >= max_seq_ - max_seq_ / 16)
    return {LifetimeState::kSoftExpired, LifetimeCause::kSequence};
  return s;
}

// ---- InboundSa ----

InboundSa::InboundSa(const SaConfig& c)
    : spi_(c.spi),
      transform_(c.transform),
      esn_(c.esn),
      iv_size_(static_cast<uint8_t>(c.transform.iv_size())),
      icv_size_(static_cast<uint8_t>(c.transform.icv_size())),
      block_size_(static_cast<uint8_t>(c.transform.block_size())),
      window_(c.replay_window, c.esn),
      lifetime_(c.lifetime) {}

Result<InboundSa> InboundSa::create(const SaConfig& c) {
  if (auto s = validate_config(c); !s) return fail(std::move(s.error()));
  if (!ReplayWindow::valid_size(c.replay_window))
    return fail(Error::invalid("replay window must be a power of two from " +
                               std::to_string(ReplayWindow::kMinSize) + " to " +
                               std::to_string(ReplayWindow::kMaxSize)));
  InboundSa sa(c);
  if (auto s = key(c, Direction::kInbound, sa.aead_, sa.cbc_, sa.hmac_); !s)
    return fail(std::move(s.error()));
  return sa;
}

LifetimeStatus InboundSa::lifetime_status(const Clock& clock) const {
  return evaluate(lifetime_, {counters_.bytes, counters_.packets}, clock.now());
}

}  // namespace vgw::esp
