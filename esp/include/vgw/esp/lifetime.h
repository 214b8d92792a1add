// SA lifetimes (RFC 4301 section 4.4.2.1): a soft limit asks the control plane to rekey, a hard
// limit ends the SA. Limits are in bytes (inner packet octets), packets, and time; time limits
// are absolute expiry instants checked against a Clock, so tests drive them with FakeClock.
// Outbound SAs also expire by sequence number: the counter must never wrap (RFC 4303 3.3.3).
#pragma once

#include <cstdint>
#include <limits>

#include "vgw/base/clock.h"

namespace vgw::esp {

inline constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();

struct Lifetime {
  uint64_t soft_bytes = kUnlimited;
  uint64_t hard_bytes = kUnlimited;
  uint64_t soft_packets = kUnlimited;
  uint64_t hard_packets = kUnlimited;
  Clock::TimePoint soft_expiry = Clock::TimePoint::max();
  Clock::TimePoint hard_expiry = Clock::TimePoint::max();
};

enum class LifetimeState : uint8_t { kActive, kSoftExpired, kHardExpired };
// What reached the limit; with several, the first in this order (time, bytes, packets, sequence).
enum class LifetimeCause : uint8_t { kNone, kTime, kBytes, kPackets, kSequence };

struct LifetimeStatus {
  LifetimeState state = LifetimeState::kActive;
  LifetimeCause cause = LifetimeCause::kNone;
  friend bool operator==(const LifetimeStatus&, const LifetimeStatus&) = default;
};

const char* lifetime_state_name(LifetimeState state);  // "active", "soft-expired", "hard-expired"
const char* lifetime_cause_name(LifetimeCause cause);  // "none", "time", "bytes", ...

}  // namespace vgw::esp
