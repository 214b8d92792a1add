// The BGP session finite state machine of RFC 4271 section 8, pure: (state, event) -> actions.
//
// The Fsm owns no socket and no real timer. A driver (the speaker's Peer) feeds it events -
// operator starts and stops, TCP outcomes, decoded messages, codec errors - and performs the
// actions it returns: connect, disconnect, send OPEN / KEEPALIVE / NOTIFICATION, and tell the
// speaker that the session came up (kEstablished) or went down (kSessionDown). Timers are
// deadlines in a TimerSet read from a vgw::Clock; the driver arms one real timer at
// next_deadline() and calls poll_timers(). Tests use a FakeClock and step it.
//
// Deviations from the letter of 8.2.2, as FRR and BIRD do it: TCP connection failure in
// Connect moves to Active (the ConnectRetry timer keeps running) instead of Idle; after an
// error the session restarts by itself after the IdleHold time (the automatic start of 8.1.1
// without peer oscillation damping); DelayOpen is not implemented. Collision detection
// (6.8) needs two connections and is done by the driver with resolve_collision(); the losing
// connection's Fsm gets kOpenCollisionDump.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/base/clock.h"
#include "vgw/bgp/session/negotiation.h"
#include "vgw/bgp/session/timers.h"
#include "vgw/bgp/wire/error.h"
#include "vgw/bgp/wire/notification.h"
#include "vgw/bgp/wire/open.h"

namespace vgw::bgp::session {

enum class State : uint8_t { kIdle, kConnect, kActive, kOpenSent, kOpenConfirm, kEstablished };
const char* state_name(State s);  // "Idle", "Connect", ... "Established"

enum class Timer : uint8_t { kConnectRetry, kHold, kKeepalive, kIdleHold, kCount };
const char* timer_name(Timer t);

// RFC 4271 8.1 events (numbers in comments), as far as this implementation has them.
enum class EventKind : uint8_t {
  kManualStart,             // 1 (4 when passive)
  kAutomaticStartPassive,   // 5: an incoming connection while waiting to restart
  kManualStop,              // 2: sends `notification` (Cease) if a connection is open
  kAutomaticStop,           // 8: like ManualStop, but restarts after `restart_after` if set
  kTcpConnectionConfirmed,  // 16/17: our connect succeeded or we accepted the peer's
  kTcpConnectionFails,      // 18
  kBgpOpen,                 // 19: `open` is the decoded OPEN
  kBgpHeaderErr,            // 21: `error` holds the NOTIFICATION to send
  kBgpOpenMsgErr,           // 22: `error` holds the NOTIFICATION to send
  kOpenCollisionDump,       // 23
  kNotifMsg,                // 24/25: `notification` is the received NOTIFICATION
  kKeepAliveMsg,            // 26
  kUpdateMsg,               // 27 (also ROUTE-REFRESH: any message that restarts the hold timer)
  kUpdateMsgErr,            // 28: `error` holds the NOTIFICATION to send
  kConnectRetryTimerExpires,  // 9
  kHoldTimerExpires,          // 10
  kKeepaliveTimerExpires,     // 11
  kIdleHoldTimerExpires,      // 13
};
const char* event_name(EventKind k);

struct Event {
  EventKind kind = EventKind::kManualStart;
  const wire::Open* open = nullptr;
  const wire::Notification* notification = nullptr;
  const wire::ParseError* error = nullptr;
  std::string_view reason;  // kTcpConnectionFails and stops: for last_error and logs
  std::optional<Clock::Duration> restart_after;  // kAutomaticStop

  static Event of(EventKind k) { return Event{k}; }
};

enum class ActionKind : uint8_t {
  kConnect,           // open a TCP connection to the peer (drop any attempt in progress)
  kDisconnect,        // close the TCP connection (after sending what is queued)
  kSendOpen,          // send open_message()
  kSendKeepalive,
  kSendNotification,  // send Action::notification
  kEstablished,       // the session is up: start exchanging routes
  kSessionDown,       // the session left Established: routes learned on it go (or go stale)
};
const char* action_name(ActionKind k);

struct Action {
  ActionKind kind = ActionKind::kConnect;
  wire::Notification notification;
};
using Actions = std::vector<Action>;

// Why the session last went down, for `show bgp neighbors`.
struct LastError {
  enum class Origin : uint8_t { kNone, kSent, kReceived, kLocal };
  Origin origin = Origin::kNone;
  uint8_t code = 0;     // NOTIFICATION code/subcode (kSent, kReceived)
  uint8_t subcode = 0;
  std::string text;     // NOTIFICATION text (shutdown communication) or the local reason
  Clock::TimePoint time{};
  State state = State::kIdle;  // the state the session was in

  // "sent Hold Timer Expired", "received Cease / Administrative Shutdown: \"maint\"",
  // "connection closed by peer (in Established)"; empty if none.
  std::string to_string() const;
};

// RFC 6608 FSM error subcodes.
inline constexpr uint8_t kFsmErrorOpenSent = 1;
inline constexpr uint8_t kFsmErrorOpenConfirm = 2;
inline constexpr uint8_t kFsmErrorEstablished = 3;

struct FsmConfig {
  LocalSettings local;
  bool passive = false;  // never connect, only accept (RFC 4271 8.1.1 PassiveTcpEstablishment)
  Clock::Duration connect_retry = std::chrono::seconds(120);
  Clock::Duration idle_hold = std::chrono::seconds(5);  // wait before an automatic restart
  Clock::Duration open_hold = std::chrono::seconds(240);  // hold timer in OpenSent (8.2.2)
};

class Fsm {
 public:
  Fsm(FsmConfig config, const Clock& clock);

  State state() const { return state_; }
  // Applies an event; appends the actions to out (which the caller clears and reuses).
  void handle(const Event& e, Actions& out);
  // Handles every timer that expired by clock.now(); returns whether any did.
  bool poll_timers(Actions& out);
  std::optional<Clock::TimePoint> next_deadline() const { return timers_.next_deadline(); }
  const TimerSet<Timer>& timers() const { return timers_; }

  // Replaces the configuration; takes effect with the next connection.
  void set_config(FsmConfig config);
  const FsmConfig& config() const { return config_; }
  const wire::Open& open_message() const { return open_; }
  // Valid from OpenConfirm until the session leaves Established.
  const Negotiated* negotiated() const { return negotiated_ ? &*negotiated_ : nullptr; }
  const LastError& last_error() const { return last_error_; }
  uint32_t connect_retry_counter() const { return connect_retry_counter_; }
  uint32_t established_count() const { return established_count_; }
  Clock::TimePoint state_since() const { return since_; }
  // False after ManualStop (or an AutomaticStop without restart) until the next ManualStart.
  bool enabled() const { return enabled_; }

 private:
  void idle(const Event& e, Actions& out);
  void connect_or_active(const Event& e, Actions& out);
  void open_sent(const Event& e, Actions& out);
  void open_confirm(const Event& e, Actions& out);
  void established(const Event& e, Actions& out);

  void go(State s);
  void start_session(Actions& out);
  void send_open(Actions& out);
  // Common exits to Idle: optionally sends a NOTIFICATION, records last_error, drops the
  // connection, and schedules the automatic restart when restart is set.
  void to_idle(Actions& out, const wire::Notification* send, std::optional<Clock::Duration> restart);
  void send_notification(Actions& out, const wire::Notification& n, std::string_view text);
  void record(LastError::Origin origin, uint8_t code, uint8_t subcode, std::string text);
  void stop(const Event& e, Actions& out);
  void hold_timer_expired(Actions& out);
  void record_connection_lost(const Event& e);
  void notification_received(const Event& e, Actions& out);
  bool session_event(const Event& e, Actions& out);
  void fsm_error(uint8_t subcode, const Event& e, Actions& out);
  void restart_hold();
  void start_keepalive();

  FsmConfig config_;
  const Clock& clock_;
  wire::Open open_;
  State state_ = State::kIdle;
  TimerSet<Timer> timers_;
  std::optional<Negotiated> negotiated_;
  LastError last_error_;
  uint32_t connect_retry_counter_ = 0;
  uint32_t established_count_ = 0;
  Clock::TimePoint since_{};
  bool enabled_ = false;
};

// RFC 4271 6.8: when two connections to one peer both reach OpenConfirm (or one is
// Established), the one initiated by the speaker with the higher BGP Identifier survives.
// Returns true when the connection this speaker initiated is kept.
inline bool keep_locally_initiated(uint32_t local_id, uint32_t remote_id) {
  return local_id > remote_id;
}

}  // namespace vgw::bgp::session
