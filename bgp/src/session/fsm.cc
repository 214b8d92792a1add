// The RFC 4271 section 8 state machine (see fsm.h for the deviations). One function per
// state; each event either stays, moves on, or leaves for Idle through to_idle(), which is
// where NOTIFICATIONs are recorded as last_error and the automatic restart is scheduled.
#include "vgw/bgp/session/fsm.h"

#include "vgw/bgp/wire/constants.h"

namespace vgw::bgp::session {

using std::chrono::seconds;
namespace err = wire::err;

const char* state_name(State s) {
  switch (s) {
    case State::kIdle: return "Idle";
    case State::kConnect: return "Connect";
    case State::kActive: return "Active";
    case State::kOpenSent: return "OpenSent";
    case State::kOpenConfirm: return "OpenConfirm";
    case State::kEstablished: return "Established";
  }
  return "?";
}

const char* timer_name(Timer t) {
  switch (t) {
    case Timer::kConnectRetry: return "ConnectRetry";
    case Timer::kHold: return "Hold";
    case Timer::kKeepalive: return "Keepalive";
    case Timer::kIdleHold: return "IdleHold";
    case Timer::kCount: break;
  }
  return "?";
}

const char* event_name(EventKind k) {
  switch (k) {
    case EventKind::kManualStart: return "ManualStart";
    case EventKind::kAutomaticStartPassive: return "AutomaticStart_with_PassiveTcpEstablishment";
    case EventKind::kManualStop: return "ManualStop";
    case EventKind::kAutomaticStop: return "AutomaticStop";
    case EventKind::kTcpConnectionConfirmed: return "TcpConnectionConfirmed";
    case EventKind::kTcpConnectionFails: return "TcpConnectionFails";
    case EventKind::kBgpOpen: return "BGPOpen";
    case EventKind::kBgpHeaderErr: return "BGPHeaderErr";
    case EventKind::kBgpOpenMsgErr: return "BGPOpenMsgErr";
    case EventKind::kOpenCollisionDump: return "OpenCollisionDump";
    case EventKind::kNotifMsg: return "NotifMsg";
    case EventKind::kKeepAliveMsg: return "KeepAliveMsg";
    case EventKind::kUpdateMsg: return "UpdateMsg";
    case EventKind::kUpdateMsgErr: return "UpdateMsgErr";
    case EventKind::kConnectRetryTimerExpires: return "ConnectRetryTimer_Expires";
    case EventKind::kHoldTimerExpires: return "HoldTimer_Expires";
    case EventKind::kKeepaliveTimerExpires: return "KeepaliveTimer_Expires";
    case EventKind::kIdleHoldTimerExpires: return "IdleHoldTimer_Expires";
  }
  return "?";
}

const char* action_name(ActionKind k) {
  switch (k) {
    case ActionKind::kConnect: return "connect";
    case ActionKind::kDisconnect: return "disconnect";
    case ActionKind::kSendOpen: return "send-open";
    case ActionKind::kSendKeepalive: return "send-keepalive";
    case ActionKind::kSendNotification: return "send-notification";
    case ActionKind::kEstablished: return "established";
    case ActionKind::kSessionDown: return "session-down";
  }
  return "?";
}

std::string LastError::to_string() const {
  std::string where = std::string(" (in ") + state_name(state) + ")";
  switch (origin) {
    case Origin::kNone: return "";
    case Origin::kSent:
    case Origin::kReceived: {
      wire::Notification n{code, subcode, {}};
      std::string s = origin == Origin::kSent ? "sent " : "received ";
      s += n.to_string();
      if (!text.empty()) s += ": \"" + text + "\"";
      return s + where;
    }
    case Origin::kLocal: return text + where;
  }
  return "";
}

Fsm::Fsm(FsmConfig config, const Clock& clock)
    : config_(std::move(config)), clock_(clock), open_(make_open(config_.local)),
      since_(clock.now()) {}

void Fsm::set_config(FsmConfig config) {
  config_ = std::move(config);
  open_ = make_open(config_.local);
}

bool Fsm::poll_timers(Actions& out) {
  bool any = false;
  // Bounded: a zero duration must not spin here (each pass can re-arm a timer at now).
  for (int pass = 0; pass < 8; ++pass) {
    auto t = timers_.pop_expired(clock_.now());
    if (!t) break;
    any = true;
    switch (*t) {
      case Timer::kConnectRetry: handle(Event::of(EventKind::kConnectRetryTimerExpires), out); break;
      case Timer::kHold: handle(Event::of(EventKind::kHoldTimerExpires), out); break;
      case Timer::kKeepalive: handle(Event::of(EventKind::kKeepaliveTimerExpires), out); break;
      case Timer::kIdleHold: handle(Event::of(EventKind::kIdleHoldTimerExpires), out); break;
      case Timer::kCount: break;
    }
  }
  return any;
}

void Fsm::handle(const Event& e, Actions& out) {
  switch (state_) {
    case State::kIdle: idle(e, out); break;
    case State::kConnect:
    case State::kActive: connect_or_active(e, out); break;
    case State::kOpenSent: open_sent(e, out); break;
    case State::kOpenConfirm: open_confirm(e, out); break;
    case State::kEstablished: established(e, out); break;
  }
}

void Fsm::go(State s) {
  if (s == state_) return;
  state_ = s;
  since_ = clock_.now();
}

void Fsm::record(LastError::Origin origin, uint8_t code, uint8_t subcode, std::string text) {
  last_error_ = LastError{origin, code, subcode, std::move(text), clock_.now(), state_};
}

void Fsm::send_notification(Actions& out, const wire::Notification& n, std::string_view text) {
  out.push_back({ActionKind::kSendNotification, n});
  std::string t(text);
  if (auto comm = n.shutdown_communication()) t = *comm;
  record(LastError::Origin::kSent, n.code, n.subcode, std::move(t));
}

void Fsm::to_idle(Actions& out, const wire::Notification* send,
                  std::optional<Clock::Duration> restart) {
  if (send != nullptr) send_notification(out, *send, "");
  if (state_ == State::kEstablished) out.push_back({ActionKind::kSessionDown, {}});
  if (state_ != State::kIdle) out.push_back({ActionKind::kDisconnect, {}});
  timers_.stop_all();
  negotiated_.reset();
  go(State::kIdle);
  if (restart && enabled_) {
    ++connect_retry_counter_;
    timers_.start(Timer::kIdleHold, clock_.now() + *restart);
  }
}

void Fsm::start_session(Actions& out) {
  timers_.stop_all();
  timers_.start(Timer::kConnectRetry, clock_.now() + config_.connect_retry);
  if (config_.passive) {
    go(State::kActive);
  } else {
    go(State::kConnect);
    out.push_back({ActionKind::kConnect, {}});
  }
}

void Fsm::send_open(Actions& out) {
  timers_.stop(Timer::kConnectRetry);
  out.push_back({ActionKind::kSendOpen, {}});
  timers_.start(Timer::kHold, clock_.now() + config_.open_hold);
  go(State::kOpenSent);
}

void Fsm::restart_hold() {
  if (negotiated_ && negotiated_->hold_time > 0) {
    timers_.start(Timer::kHold, clock_.now() + seconds(negotiated_->hold_time));
  }
}

void Fsm::start_keepalive() {
  if (negotiated_ && negotiated_->keepalive_time > 0) {
    timers_.start(Timer::kKeepalive, clock_.now() + seconds(negotiated_->keepalive_time));
  }
}

// ManualStop / AutomaticStop from any state with a connection.
void Fsm::stop(const Event& e, Actions& out) {
  bool manual = e.kind == EventKind::kManualStop;
  std::optional<Clock::Duration> restart = manual ? std::nullopt : e.restart_after;
  if (!restart) enabled_ = false;
  bool can_notify = state_ == State::kOpenSent || state_ == State::kOpenConfirm ||
                    state_ == State::kEstablished;
  if (manual) connect_retry_counter_ = 0;
  if (can_notify && e.notification != nullptr) {
    send_notification(out, *e.notification, e.reason);
    to_idle(out, nullptr, restart);
  } else {
    if (!e.reason.empty()) record(LastError::Origin::kLocal, 0, 0, std::string(e.reason));
    to_idle(out, nullptr, restart);
  }
}

void Fsm::fsm_error(uint8_t subcode, const Event& e, Actions& out) {
  wire::Notification n{err::kFsm, subcode, {}};
  send_notification(out, n, std::string("unexpected ") + event_name(e.kind));
  to_idle(out, nullptr, config_.idle_hold);
}

void Fsm::idle(const Event& e, Actions& out) {
  switch (e.kind) {
    case EventKind::kManualStart:
      enabled_ = true;
      connect_retry_counter_ = 0;
      start_session(out);
      break;
    case EventKind::kIdleHoldTimerExpires:
      if (enabled_) start_session(out);
      break;
    case EventKind::kAutomaticStartPassive:
      // Only while an automatic restart is pending (not after a stop without restart).
      if (enabled_) {
        timers_.stop_all();
        timers_.start(Timer::kConnectRetry, clock_.now() + config_.connect_retry);
        go(State::kActive);
      }
      break;
    case EventKind::kManualStop:
      enabled_ = false;
      connect_retry_counter_ = 0;
      timers_.stop_all();
      break;
    case EventKind::kAutomaticStop:
      timers_.stop_all();
      if (e.restart_after && enabled_) {
        timers_.start(Timer::kIdleHold, clock_.now() + *e.restart_after);
      } else {
        enabled_ = false;
      }
      break;
    default:
      break;  // 8.2.2: all other events are ignored in Idle
  }
}

void Fsm::connect_or_active(const Event& e, Actions& out) {
  switch (e.kind) {
    case EventKind::kManualStart:
    case EventKind::kAutomaticStartPassive:
      break;
    case EventKind::kManualStop:
    case EventKind::kAutomaticStop:
      stop(e, out);
      break;
    case EventKind::kConnectRetryTimerExpires:
      timers_.start(Timer::kConnectRetry, clock_.now() + config_.connect_retry);
      if (!config_.passive) {
        go(State::kConnect);
        out.push_back({ActionKind::kConnect, {}});
      }
      break;
    case EventKind::kTcpConnectionConfirmed:
      send_open(out);
      break;
    case EventKind::kTcpConnectionFails:
      // Connect -> Active waiting for the ConnectRetry timer (or the peer's connection).
      if (state_ == State::kConnect) {
        go(State::kActive);
      } else {
        to_idle(out, nullptr, config_.idle_hold);
      }
      break;
    case EventKind::kBgpHeaderErr:
    case EventKind::kBgpOpenMsgErr:
      if (e.error != nullptr) {
        send_notification(out, wire::Notification::from(*e.error), e.error->text);
      }
      to_idle(out, nullptr, config_.idle_hold);
      break;
    default:
      // 8.2.2: any other event (messages before a connection exists, ...) -> Idle.
      to_idle(out, nullptr, config_.idle_hold);
      break;
  }
}

void Fsm::open_sent(const Event& e, Actions& out) {
  switch (e.kind) {
    case EventKind::kManualStart:
    case EventKind::kAutomaticStartPassive:
    case EventKind::kTcpConnectionConfirmed:  // a second connection: the driver's business
      break;
    case EventKind::kManualStop:
    case EventKind::kAutomaticStop:
      stop(e, out);
      break;
    case EventKind::kHoldTimerExpires:
      hold_timer_expired(out);
      break;
    case EventKind::kTcpConnectionFails:
      record_connection_lost(e);
      out.push_back({ActionKind::kDisconnect, {}});
      timers_.stop_all();
      timers_.start(Timer::kConnectRetry, clock_.now() + config_.connect_retry);
      go(State::kActive);
      break;
    case EventKind::kBgpOpen: {
      if (e.open == nullptr) break;
      auto n = negotiate(*e.open, config_.local);
      if (!n) {
        send_notification(out, wire::Notification::from(n.error()), n.error().text);
        to_idle(out, nullptr, config_.idle_hold);
        break;
      }
      negotiated_ = std::move(*n);
      timers_.stop(Timer::kConnectRetry);
      out.push_back({ActionKind::kSendKeepalive, {}});
      timers_.stop(Timer::kHold);
      restart_hold();
      start_keepalive();
      go(State::kOpenConfirm);
      break;
    }
    case EventKind::kBgpHeaderErr:
    case EventKind::kBgpOpenMsgErr:
      if (e.error != nullptr) {
        send_notification(out, wire::Notification::from(*e.error), e.error->text);
      }
      to_idle(out, nullptr, config_.idle_hold);
      break;
    case EventKind::kOpenCollisionDump: {
      wire::Notification n{err::kCease, err::kConnectionCollisionResolution, {}};
      send_notification(out, n, "");
      to_idle(out, nullptr, std::nullopt);
      break;
    }
    case EventKind::kNotifMsg:
      notification_received(e, out);
      break;
    default:
      fsm_error(kFsmErrorOpenSent, e, out);
      break;
  }
}

// Handling shared by OpenSent, OpenConfirm and Established (RFC 4271 8.2.2).
void Fsm::hold_timer_expired(Actions& out) {
  wire::Notification n{err::kHoldTimerExpired, 0, {}};
  send_notification(out, n, "");
  to_idle(out, nullptr, config_.idle_hold);
}

void Fsm::record_connection_lost(const Event& e) {
  record(LastError::Origin::kLocal, 0, 0,
         e.reason.empty() ? "connection lost" : std::string(e.reason));
}

void Fsm::notification_received(const Event& e, Actions& out) {
  if (e.notification != nullptr) {
    record(LastError::Origin::kReceived, e.notification->code, e.notification->subcode,
           e.notification->shutdown_communication().value_or(""));
  }
  to_idle(out, nullptr, config_.idle_hold);
}

// Events OpenConfirm and Established handle alike (RFC 4271 8.2.2): start/stop, timers, the
// connection failing, NOTIFICATION, an error to answer, collision dump. False: not one of them.
bool Fsm::session_event(const Event& e, Actions& out) {
  switch (e.kind) {
    case EventKind::kManualStart:
    case EventKind::kAutomaticStartPassive:
    case EventKind::kTcpConnectionConfirmed:
      return true;
    case EventKind::kManualStop:
    case EventKind::kAutomaticStop:
      stop(e, out);
      return true;
    case EventKind::kHoldTimerExpires:
      hold_timer_expired(out);
      return true;
    case EventKind::kKeepaliveTimerExpires:
      out.push_back({ActionKind::kSendKeepalive, {}});
      start_keepalive();
      return true;
    case EventKind::kTcpConnectionFails:
      record_connection_lost(e);
      to_idle(out, nullptr, config_.idle_hold);
      return true;
    case EventKind::kNotifMsg:
      notification_received(e, out);
      return true;
    case EventKind::kBgpHeaderErr:
    case EventKind::kBgpOpenMsgErr:
    case EventKind::kUpdateMsgErr:
      // An OPEN error in Established or an UPDATE error in OpenConfirm is an FSM error.
      if (e.kind == EventKind::kBgpOpenMsgErr && state_ != State::kOpenConfirm) return false;
      if (e.kind == EventKind::kUpdateMsgErr && state_ != State::kEstablished) return false;
      if (e.error != nullptr) {
        send_notification(out, wire::Notification::from(*e.error), e.error->text);
      }
      to_idle(out, nullptr, config_.idle_hold);
      return true;
    case EventKind::kOpenCollisionDump: {
      wire::Notification n{err::kCease, err::kConnectionCollisionResolution, {}};
      send_notification(out, n, "");
      to_idle(out, nullptr, std::nullopt);
      return true;
    }
    default:
      return false;
  }
}

void Fsm::open_confirm(const Event& e, Actions& out) {
  if (session_event(e, out)) return;
  if (e.kind == EventKind::kKeepAliveMsg) {
    restart_hold();
    ++established_count_;
    go(State::kEstablished);
    out.push_back({ActionKind::kEstablished, {}});
    return;
  }
  fsm_error(kFsmErrorOpenConfirm, e, out);
}

void Fsm::established(const Event& e, Actions& out) {
  if (session_event(e, out)) return;
  switch (e.kind) {
    case EventKind::kKeepAliveMsg:
    case EventKind::kUpdateMsg:
      restart_hold();
      break;
    default:
      fsm_error(kFsmErrorEstablished, e, out);
      break;
  }
}

}  // namespace vgw::bgp::session
