// Deadlines of a session's timers (RFC 4271 8: ConnectRetry, Hold, Keepalive, IdleHold ...),
// kept as time points of a vgw::Clock so that the state machines owning them stay pure: a
// driver arms one real timer at next_deadline() and, when it fires, asks which ones expired.
// Tests move a FakeClock and poll; no sockets or asio are involved.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "vgw/base/clock.h"

namespace vgw::bgp::session {

// Enum must have a kCount enumerator.
template <typename Enum>
class TimerSet {
 public:
  static constexpr size_t kCount = static_cast<size_t>(Enum::kCount);

  void start(Enum t, Clock::TimePoint deadline) {
    deadline_[index(t)] = deadline;
    running_[index(t)] = true;
  }
  void stop(Enum t) { running_[index(t)] = false; }
  void stop_all() { running_.fill(false); }
  bool running(Enum t) const { return running_[index(t)]; }
  Clock::TimePoint deadline(Enum t) const { return deadline_[index(t)]; }

  std::optional<Clock::TimePoint> next_deadline() const {
    std::optional<Clock::TimePoint> best;
    for (size_t i = 0; i < kCount; ++i) {
      if (running_[i] && (!best || deadline_[i] < *best)) best = deadline_[i];
    }
    return best;
  }
  // The earliest timer whose deadline is <= now, stopped; nullopt if none expired.
  std::optional<Enum> pop_expired(Clock::TimePoint now) {
    std::optional<size_t> best;
    for (size_t i = 0; i < kCount; ++i) {
      if (running_[i] && deadline_[i] <= now && (!best || deadline_[i] < deadline_[*best])) {
        best = i;
      }
    }
    if (!best) return std::nullopt;
    running_[*best] = false;
    return static_cast<Enum>(*best);
  }

 private:
  static size_t index(Enum t) { return static_cast<size_t>(t); }
  std::array<Clock::TimePoint, kCount> deadline_{};
  std::array<bool, kCount> running_{};
};

}  // namespace vgw::bgp::session
