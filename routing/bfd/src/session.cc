// The BFD session state machine (see session.h). Each event handler records the transmit
// interval it started with, changes the 6.8.1 variables, and ends in finish(), which
// reschedules transmission (6.8.3: a shorter interval is honoured at once), recomputes the
// detection deadline (6.8.4) and emits ArmTimers when a deadline moved.
#include "vgw/bfd/session.h"

#include <algorithm>
#include <cstdio>

namespace vgw::bfd {

namespace {

constexpr Micros kSlowTx{kSlowTxIntervalUs};

// "300 ms", "1.5 ms", "2 s" for reasons.
std::string text(Micros d) {
  char buf[32];
  const long long us = d.count();
  if (us % 1'000'000 == 0 && us != 0) {
    std::snprintf(buf, sizeof buf, "%lld s", us / 1'000'000);
  } else if (us % 1000 == 0) {
    std::snprintf(buf, sizeof buf, "%lld ms", us / 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(us) / 1000.0);
  }
  return buf;
}

Micros wire_micros(uint32_t us) { return Micros(us); }

uint32_t to_wire(Micros d) {
  return static_cast<uint32_t>(std::clamp<long long>(d.count(), 0, UINT32_MAX));
}

}  // namespace

uint64_t SplitMix64::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Clock::Duration jittered_interval(Micros interval, uint8_t detect_mult, RandomSource& random) {
  const uint64_t us = static_cast<uint64_t>(std::max<long long>(interval.count(), 0));
  // 6.8.7: never less than 75 % of the interval; with DetectMult 1 also never more than 90 %.
  const uint64_t max_reduction = us * 25 / 100;
  const uint64_t min_reduction =
      detect_mult == 1 ? std::min<uint64_t>((us * 10 + 99) / 100, max_reduction) : 0;
  const uint64_t reduction = min_reduction + random.next() % (max_reduction - min_reduction + 1);
  return Micros(static_cast<long long>(us - reduction));
}

BfdSession::BfdSession(uint32_t local_discriminator, SessionConfig config, RandomSource& random)
    : local_discr_(local_discriminator), config_(config), random_(random) {
  config_.desired_min_tx = std::max(config_.desired_min_tx, Micros(1));
  config_.required_min_rx = std::max(config_.required_min_rx, Micros(0));
  config_.detect_mult = std::max<uint8_t>(config_.detect_mult, 1);
  if (config_.admin_down) {
    state_ = State::kAdminDown;
    local_diag_ = Diag::kAdministrativelyDown;
  }
  reconcile_parameters();
}

Micros BfdSession::desired_min_tx() const {
  // 6.8.3: at least one second while the session is not Up.
  return state_ == State::kUp ? config_.desired_min_tx : std::max(config_.desired_min_tx, kSlowTx);
}

Micros BfdSession::tx_interval() const {
  if (remote_min_rx_.count() == 0) return Micros(0);  // 6.8.7: the peer wants no packets
  return std::max(tx_in_use_, remote_min_rx_);
}

Micros BfdSession::detection_time() const {
  if (remote_detect_mult_ == 0 || rx_in_use_.count() == 0) return Micros(0);
  return remote_detect_mult_ * std::max(rx_in_use_, remote_desired_min_tx_);
}

bool BfdSession::periodic_allowed() const {
  if (!started_ || remote_min_rx_.count() == 0) return false;
  // 6.8.7: Demand mode active on the remote system stops periodic transmission.
  return !(remote_demand_ && state_ == State::kUp && remote_state_ == State::kUp);
}

// Brings the in-use and polled intervals in line with what the session now advertises.
// Returns true when a Poll sequence was started.
bool BfdSession::reconcile_parameters() {
  const Micros tx = desired_min_tx(), rx = advertised_rx();
  if (state_ != State::kUp) {
    // Not Up: nothing to protect; values apply at once and no Poll is in progress.
    polling_ = false;
    agreed_tx_ = tx_in_use_ = tx;
    agreed_rx_ = rx_in_use_ = rx;
    return false;
  }
  // The safe direction applies now: transmit faster, expect packets more slowly.
  tx_in_use_ = std::min(tx_in_use_, tx);
  rx_in_use_ = std::max(rx_in_use_, rx);
  if (polling_ || (tx == agreed_tx_ && rx == agreed_rx_)) return false;  // Final re-checks
  start_poll();
  return true;
}

void BfdSession::start_poll() {
  polling_ = true;
  polled_tx_ = desired_min_tx();
  polled_rx_ = advertised_rx();
}

// 6.5: the peer's Final acknowledges the values the Poll carried. Values changed since then
// keep their safe direction and are polled again.
void BfdSession::poll_terminated() {
  polling_ = false;
  agreed_tx_ = polled_tx_;
  agreed_rx_ = polled_rx_;
  tx_in_use_ = std::min(polled_tx_, desired_min_tx());
  rx_in_use_ = std::max(polled_rx_, advertised_rx());
  if (desired_min_tx() != agreed_tx_ || advertised_rx() != agreed_rx_) start_poll();
}

// 6.8.1 / 6.8.18: after a Detection Time without packets the remote state is forgotten.
void BfdSession::reset_remote() {
  remote_discr_ = 0;
  remote_state_ = State::kDown;
  remote_min_rx_ = Micros(1);
  remote_desired_min_tx_ = Micros(0);
  remote_detect_mult_ = 0;
  remote_demand_ = false;
  last_rx_at_.reset();
}

void BfdSession::go(State to, Diag diag, std::string reason, bool remote_admin_down,
                    Clock::TimePoint now, Actions& out) {
  const State from = state_;
  state_ = to;
  local_diag_ = diag;
  since_ = now;
  if (to == State::kUp) ++stats_.up_count;
  if (from == State::kUp) ++stats_.down_count;
  reconcile_parameters();  // entering Up polls for the configured intervals; leaving ends polls
  // Built in place: moving a whole variant trips GCC 12's -Wmaybe-uninitialized.
  out.emplace_back(std::in_place_type<StateChanged>,
                   StateChanged{from, to, diag, std::move(reason), remote_admin_down});
}

void BfdSession::send_now(Clock::TimePoint now, bool final, Actions& out) {
  ControlPacket p;  // 6.8.7: the contents of a transmitted Control packet
  p.version = kVersion;
  p.diag = local_diag_;
  p.state = state_;
  p.poll = polling_ && !final;  // never P and F together
  p.final = final;
  p.detect_mult = config_.detect_mult;
  p.my_discriminator = local_discr_;
  p.your_discriminator = remote_discr_;
  p.desired_min_tx_us = to_wire(desired_min_tx());
  p.required_min_rx_us = to_wire(advertised_rx());
  p.required_min_echo_rx_us = 0;  // no Echo function
  out.emplace_back(std::in_place_type<Send>, Send{std::move(p)});
  ++stats_.tx_packets;
  last_tx_at_ = now;
  next_tx_at_.reset();
  if (periodic_allowed()) {
    next_tx_at_ = now + jittered_interval(tx_interval(), config_.detect_mult, random_);
  }
}

Actions BfdSession::drop(DropReason reason) {
  ++stats_.dropped[static_cast<size_t>(reason)];
  Actions out;
  out.emplace_back(std::in_place_type<Dropped>, Dropped{reason});
  return out;
}

void BfdSession::finish(Clock::TimePoint now, Micros interval_before, Actions& out) {
  if (!periodic_allowed()) {
    next_tx_at_.reset();
  } else {
    const Micros interval = tx_interval();
    if (!next_tx_at_ || interval < interval_before) {
      // 6.8.3: a shorter interval (the peer lowered Required Min RX, or we sped up) is
      // honoured now rather than after the packet already scheduled at the old rate.
      const Clock::TimePoint from = last_tx_at_.value_or(now);
      const Clock::TimePoint at =
          std::max(now, from + jittered_interval(interval, config_.detect_mult, random_));
      if (!next_tx_at_ || at < *next_tx_at_) next_tx_at_ = at;
    }
  }
  const Micros detect = detection_time();
  detect_at_.reset();
  if (state_ != State::kAdminDown && last_rx_at_ && detect.count() > 0) {
    detect_at_ = *last_rx_at_ + detect;
  }
  ArmTimers t{next_tx_at_, detect_at_};
  if (t != armed_) {
    armed_ = t;
    out.emplace_back(std::in_place_type<ArmTimers>, t);
  }
}

Actions BfdSession::start(Clock::TimePoint now) {
  Actions out;
  if (started_) return out;
  started_ = true;
  since_ = now;
  const Micros before = tx_interval();
  send_now(now, false, out);
  finish(now, before, out);
  return out;
}

// 6.8.6, from "If the Your Discriminator field is nonzero" on; the packet-only checks ran in
// validate() and run again here so that a driver cannot skip them.
Actions BfdSession::on_packet(const ControlPacket& p, Clock::TimePoint now) {
  if (auto why = validate(p)) return drop(*why);
  if (p.your_discriminator != 0 && p.your_discriminator != local_discr_) {
    return drop(DropReason::kYourDiscriminatorMismatch);
  }
  if (p.auth_present) return drop(DropReason::kAuthNotInUse);  // bfd.AuthType is zero

  Actions out;
  const Micros before = tx_interval();
  ++stats_.rx_packets;
  remote_discr_ = p.my_discriminator;
  remote_state_ = p.state;
  remote_demand_ = p.demand;
  remote_min_rx_ = wire_micros(p.required_min_rx_us);
  remote_desired_min_tx_ = wire_micros(p.desired_min_tx_us);
  remote_detect_mult_ = p.detect_mult;
  if (polling_ && p.final) poll_terminated();
  last_rx_at_ = now;  // received for the purposes of 6.8.4

  bool changed = false;
  if (state_ != State::kAdminDown) {  // in AdminDown the packet is discarded here
    const char* peer = state_name(p.state);
    if (p.state == State::kAdminDown) {
      if (state_ != State::kDown) {
        go(State::kDown, Diag::kNeighborSignaledSessionDown, "neighbor signaled AdminDown",
           true, now, out);
        changed = true;
      }
    } else if (state_ == State::kDown) {
      if (p.state == State::kDown) {
        go(State::kInit, local_diag_, "neighbor is Down: three-way handshake", false, now, out);
        changed = true;
      } else if (p.state == State::kInit) {
        go(State::kUp, Diag::kNone, std::string("neighbor is ") + peer, false, now, out);
        changed = true;
      }
    } else if (state_ == State::kInit) {
      if (p.state == State::kInit || p.state == State::kUp) {
        go(State::kUp, Diag::kNone, std::string("neighbor is ") + peer, false, now, out);
        changed = true;
      }
    } else if (p.state == State::kDown) {  // Up
      std::string why = "neighbor signaled Down";
      if (p.diag != Diag::kNone) why += std::string(" (") + diag_name(p.diag) + ")";
      go(State::kDown, Diag::kNeighborSignaledSessionDown, std::move(why), false, now, out);
      changed = true;
    }
    // 6.8.7: a Poll is answered with Final at once, whatever the transmit timer says; a
    // state change is announced at once too (the peer's handshake need not wait a second).
    if (p.poll) {
      send_now(now, true, out);
    } else if (changed) {
      send_now(now, false, out);
    }
  }
  finish(now, before, out);
  return out;
}

void BfdSession::detection_expired(Clock::TimePoint now, Actions& out) {
  const Micros detect = detection_time();
  char reason[128];
  std::snprintf(reason, sizeof reason, "no Control packet for %s (Detect Mult %u x %s)",
                text(detect).c_str(), static_cast<unsigned>(remote_detect_mult_),
                text(std::max(rx_in_use_, remote_desired_min_tx_)).c_str());
  reset_remote();  // the Down packet goes out with Your Discriminator 0
  if (state_ == State::kInit || state_ == State::kUp) {
    go(State::kDown, Diag::kControlDetectionTimeExpired, reason, false, now, out);
    send_now(now, false, out);
  }
}

Actions BfdSession::on_timer(Clock::TimePoint now) {
  Actions out;
  const Micros before = tx_interval();
  if (detect_at_ && now >= *detect_at_) detection_expired(now, out);
  if (next_tx_at_ && now >= *next_tx_at_) send_now(now, false, out);
  finish(now, before, out);
  return out;
}

// 6.8.16.
Actions BfdSession::set_admin_down(bool down, Clock::TimePoint now) {
  Actions out;
  if (down == (state_ == State::kAdminDown)) return out;
  const Micros before = tx_interval();
  config_.admin_down = down;
  if (down) {
    go(State::kAdminDown, Diag::kAdministrativelyDown, "administratively down", false, now, out);
  } else {
    go(State::kDown, local_diag_, "administratively enabled", false, now, out);
  }
  // Packets keep going out at the slow rate: the peer learns of AdminDown within its
  // Detection Time, and then keeps the session as AdminDown-signalled (6.8.16, 6.8.18).
  if (started_) send_now(now, false, out);
  finish(now, before, out);
  return out;
}

Actions BfdSession::set_intervals(Micros desired_min_tx, Micros required_min_rx,
                                  uint8_t detect_mult, Clock::TimePoint now) {
  Actions out;
  const Micros before = tx_interval();
  config_.desired_min_tx = std::max(desired_min_tx, Micros(1));
  config_.required_min_rx = std::max(required_min_rx, Micros(0));
  config_.detect_mult = std::max<uint8_t>(detect_mult, 1);
  // 6.8.3: the first Poll goes out now; later ones ride on the periodic packets.
  if (reconcile_parameters() && started_) send_now(now, false, out);
  finish(now, before, out);
  return out;
}

}  // namespace vgw::bfd
