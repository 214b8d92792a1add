// One BFD session in asynchronous mode (RFC 5880 6.2, 6.8.1-6.8.7, 6.8.16), pure: events in,
// actions out, on the caller's clock.
//
// A BfdSession knows no address and no socket. The driver (routing/) owns one per BFD peer,
// looks the session up with a Demux (demux.h), and feeds it:
//   start(now)                          once, after construction: the first packet goes out
//   on_packet(packet, now)              a decoded, validated Control packet for this session
//   on_timer(now)                       when the earliest ArmTimers deadline has passed
//   set_admin_down(down, now)           operator shutdown / no shutdown (6.8.16)
//   set_intervals(tx, rx, mult, now)    configuration change (Poll sequence when Up, 6.8.3)
// Each returns the actions to perform in order: Send (serialize and transmit), StateChanged
// (tell BGP / the tunnel health; RFC 5882 3.2: a peer going AdminDown is not a path failure,
// see remote_admin_down), ArmTimers (the new deadlines, emitted only when they change) and
// Dropped (count the reason; the session did not change).
//
// Timers (6.8.2-6.8.4, 6.8.7): the transmit interval is max(bfd.DesiredMinTxInterval,
// bfd.RemoteMinRxInterval), reduced per packet by a random 0-25 % (10-25 % when DetectMult is
// 1); while the session is not Up the advertised DesiredMinTx is at least 1 s. The Detection
// Time is the remote Detect Mult x max(bfd.RequiredMinRxInterval, remote Desired Min TX),
// counted from the last packet received. A change of DesiredMinTx or RequiredMinRx while Up
// starts a Poll sequence: a faster TX and a longer RX apply at once; a slower TX and a shorter
// RX (which would otherwise let the peer's detection time expire or shorten ours while the
// peer still sends slowly) wait for the peer's Final. A received Poll is answered with Final
// at once. Demand mode, the Echo function and authentication are not implemented: vgw never
// sets D, sends Required Min Echo RX 0 and drops packets with the A bit (no auth in use).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "vgw/base/clock.h"
#include "vgw/bfd/wire.h"

namespace vgw::bfd {

using Micros = std::chrono::microseconds;

// Randomness for jitter and discriminators, injected so that tests are deterministic.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual uint64_t next() = 0;
};

// SplitMix64: a small seeded generator (not cryptographic; BFD needs none). The driver seeds
// it from the system's random source.
class SplitMix64 final : public RandomSource {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() override;

 private:
  uint64_t state_;
};

// 6.8.7: one transmit interval with its jitter applied: interval reduced by 0-25 %, or by
// 10-25 % when detect_mult is 1.
Clock::Duration jittered_interval(Micros interval, uint8_t detect_mult, RandomSource& random);

struct SessionConfig {
  Micros desired_min_tx{300'000};  // bfd.DesiredMinTxInterval once Up (FRR's default)
  Micros required_min_rx{300'000};  // bfd.RequiredMinRxInterval; 0: send me nothing
  uint8_t detect_mult = 3;          // bfd.DetectMult
  bool admin_down = false;          // start in AdminDown
};

struct Send {
  ControlPacket packet;
};
struct StateChanged {
  State from = State::kDown;
  State to = State::kDown;
  Diag diag = Diag::kNone;   // bfd.LocalDiag after the change
  std::string reason;        // for logs and `show bfd`: what happened, with numbers
  bool remote_admin_down = false;  // the peer went AdminDown: clients keep their routes
};
struct ArmTimers {
  std::optional<Clock::TimePoint> next_tx_at;  // nullopt: no periodic transmission
  std::optional<Clock::TimePoint> detect_at;   // nullopt: nothing to detect
  friend bool operator==(const ArmTimers&, const ArmTimers&) = default;
};
struct Dropped {
  DropReason reason = DropReason::kNoSession;
};
using Action = std::variant<Send, StateChanged, ArmTimers, Dropped>;
using Actions = std::vector<Action>;

struct SessionStats {
  uint64_t tx_packets = 0;
  uint64_t rx_packets = 0;  // accepted by on_packet
  std::array<uint64_t, static_cast<size_t>(DropReason::kCount)> dropped{};
  uint64_t up_count = 0;    // transitions into Up
  uint64_t down_count = 0;  // transitions out of Up
};

class BfdSession {
 public:
  // local_discriminator: unique and non-zero (Demux::add allocates it). random must outlive
  // the session.
  BfdSession(uint32_t local_discriminator, SessionConfig config, RandomSource& random);

  Actions start(Clock::TimePoint now);
  Actions on_packet(const ControlPacket& p, Clock::TimePoint now);
  Actions on_timer(Clock::TimePoint now);
  Actions set_admin_down(bool down, Clock::TimePoint now);
  // desired_min_tx below 1 us is raised to 1 us, detect_mult 0 to 1; required_min_rx 0 asks
  // the peer to send nothing (6.8.18) and turns detection off.
  Actions set_intervals(Micros desired_min_tx, Micros required_min_rx, uint8_t detect_mult,
                        Clock::TimePoint now);

  // The state variables of 6.8.1.
  State state() const { return state_; }                       // bfd.SessionState
  State remote_state() const { return remote_state_; }         // bfd.RemoteSessionState
  uint32_t local_discriminator() const { return local_discr_; }  // bfd.LocalDiscr
  uint32_t remote_discriminator() const { return remote_discr_; }  // bfd.RemoteDiscr
  Diag local_diag() const { return local_diag_; }              // bfd.LocalDiag
  Micros desired_min_tx() const;                               // bfd.DesiredMinTxInterval
  Micros required_min_rx() const { return config_.required_min_rx; }  // bfd.RequiredMinRx...
  Micros remote_min_rx() const { return remote_min_rx_; }      // bfd.RemoteMinRxInterval
  bool remote_demand() const { return remote_demand_; }        // bfd.RemoteDemandMode
  uint8_t detect_mult() const { return config_.detect_mult; }  // bfd.DetectMult
  Micros remote_desired_min_tx() const { return remote_desired_min_tx_; }
  uint8_t remote_detect_mult() const { return remote_detect_mult_; }
  const SessionConfig& config() const { return config_; }

  bool poll_in_progress() const { return polling_; }
  // The negotiated transmit interval before jitter (6.8.2, 6.8.7); 0 when the peer asked
  // for no packets.
  Micros tx_interval() const;
  // The Detection Time in force (6.8.4); 0 when nothing has been received yet.
  Micros detection_time() const;
  std::optional<Clock::TimePoint> next_tx_at() const { return next_tx_at_; }
  std::optional<Clock::TimePoint> detect_at() const { return detect_at_; }
  Clock::TimePoint state_since() const { return since_; }
  const SessionStats& stats() const { return stats_; }

 private:
  Micros advertised_rx() const { return config_.required_min_rx; }
  bool periodic_allowed() const;
  void go(State to, Diag diag, std::string reason, bool remote_admin_down, Clock::TimePoint now,
          Actions& out);
  bool reconcile_parameters();
  void start_poll();
  void poll_terminated();
  void reset_remote();
  void detection_expired(Clock::TimePoint now, Actions& out);
  void send_now(Clock::TimePoint now, bool final, Actions& out);
  Actions drop(DropReason reason);
  void finish(Clock::TimePoint now, Micros interval_before, Actions& out);

  uint32_t local_discr_;
  SessionConfig config_;
  RandomSource& random_;
  bool started_ = false;

  State state_ = State::kDown;
  State remote_state_ = State::kDown;
  uint32_t remote_discr_ = 0;
  Diag local_diag_ = Diag::kNone;
  Micros remote_min_rx_{1};  // 6.8.1: initialized to 1 us
  Micros remote_desired_min_tx_{0};
  uint8_t remote_detect_mult_ = 0;
  bool remote_demand_ = false;

  // Poll sequence (6.5, 6.8.3). agreed_*: what the peer has acknowledged (or what applied
  // when the session was not Up); polled_*: what the Poll in progress carries; *_in_use_:
  // the DesiredMinTx our transmit interval uses and the RequiredMinRx our Detection Time uses.
  bool polling_ = false;
  Micros agreed_tx_{0}, agreed_rx_{0};
  Micros polled_tx_{0}, polled_rx_{0};
  Micros tx_in_use_{0}, rx_in_use_{0};

  std::optional<Clock::TimePoint> last_tx_at_, last_rx_at_;
  std::optional<Clock::TimePoint> next_tx_at_, detect_at_;
  ArmTimers armed_;
  Clock::TimePoint since_{};
  SessionStats stats_;
};

}  // namespace vgw::bfd
