// One neighbour's sessions: runs the FSM on events from the connection and the operator,
// performs its actions, resolves connection collisions (RFC 4271 6.8), dispatches messages and
// drives the peer's timers (see peer.h).
#include "peer.h"

#include <boost/asio/post.hpp>

#include "vgw/base/bytes.h"
#include "vgw/base/log.h"
#include "vgw/bgp/wire/route_refresh.h"

namespace vgw::bgp {

using session::Event;
using session::EventKind;
using session::State;
using std::chrono::seconds;

namespace {

std::string describe(const IpAddress& a) { return "peer " + a.to_string(); }

}  // namespace

Peer::Peer(Engine& engine, PeerId id, PeerConfig config)
    : engine_(engine), id_(id), config_(std::move(config)), timer_(engine.io_),
      alive_(std::make_shared<bool>(true)) {
  primary_ = std::make_unique<Session>(fsm_config(config_.passive), engine_.clock_);
}

Peer::~Peer() {
  *alive_ = false;
  timer_.cancel();
  for (Session* s : {primary_.get(), secondary_.get()}) {
    if (s && s->conn) s->conn->close();
  }
  clear_export_cache();
  out->release_all(engine_.attrs_);
}

uint32_t Peer::remote_as() const {
  switch (config_.remote_as_kind) {
    case PeerConfig::RemoteAs::kInternal: return local_as();
    case PeerConfig::RemoteAs::kExternal: return negotiated_ ? negotiated_->remote_as : 0;
    case PeerConfig::RemoteAs::kNumber: break;
  }
  return config_.remote_as;
}

session::FsmConfig Peer::fsm_config(bool passive) const {
  session::FsmConfig c;
  c.local.local_as = local_as();
  c.local.router_id = engine_.config_.router_id;
  c.local.remote_as = remote_as();
  c.local.any_external_as = config_.remote_as_kind == PeerConfig::RemoteAs::kExternal;
  c.local.hold_time = config_.hold_time;
  c.local.keepalive_time = config_.keepalive_time;
  c.local.ipv4_unicast = config_.ipv4_unicast;
  c.local.ipv6_unicast = config_.ipv6_unicast;
  c.local.graceful_restart = config_.graceful_restart;
  c.local.graceful_restart_time = engine_.config_.graceful_restart_time;
  c.passive = passive;
  c.connect_retry = seconds(std::max<uint16_t>(1, config_.connect_retry_time));
  c.idle_hold = seconds(std::max<uint16_t>(1, config_.idle_hold_time));
  return c;
}

transport::SocketOptions Peer::socket_options() const {
  transport::SocketOptions o;
  o.password = config_.password;
  o.ttl = external() ? config_.ebgp_multihop.value_or(1) : 255;
  o.ttl_security = config_.ttl_security;
  return o;
}

transport::Connection::Limits Peer::limits() const {
  transport::Connection::Limits l;
  l.messages_per_turn = engine_.config_.messages_per_turn;
  l.high_water = engine_.config_.send_high_water;
  l.low_water = engine_.config_.send_low_water;
  return l;
}

std::optional<transport::Endpoint> Peer::local_endpoint() const {
  if (primary_->conn) return primary_->conn->local();
  return std::nullopt;
}

std::optional<transport::Endpoint> Peer::remote_endpoint() const {
  if (primary_->conn) return primary_->conn->remote();
  return std::nullopt;
}

size_t Peer::send_queue_bytes() const { return primary_->conn ? primary_->conn->queued() : 0; }

std::optional<IpAddress> Peer::self_next_hop(Family f) const {
  auto l = local_endpoint();
  if (l && l->address.family() == f) return l->address;
  if (f == Family::kIpv4 && config_.next_hop_v4) return config_.next_hop_v4;
  if (f == Family::kIpv6 && config_.next_hop_v6) return config_.next_hop_v6;
  return std::nullopt;
}

// ---- Control ----

void Peer::start() {
  if (config_.shutdown || deleting) return;
  run(*primary_, Event::of(EventKind::kManualStart));
}

void Peer::stop(const wire::Notification& n, std::string_view reason) {
  Event e = Event::of(EventKind::kManualStop);
  e.notification = &n;
  e.reason = reason;
  if (secondary_) run(*secondary_, e);
  run(*primary_, e);
}

void Peer::automatic_stop(const wire::Notification& n, std::string_view reason,
                          std::optional<Clock::Duration> restart_after) {
  Event e = Event::of(EventKind::kAutomaticStop);
  e.notification = &n;
  e.reason = reason;
  e.restart_after = restart_after;
  if (secondary_) run(*secondary_, e);
  run(*primary_, e);
}

void Peer::hard_reset() {
  stop(wire::Notification::shutdown(wire::err::kAdministrativeReset, ""), "hard reset");
  start();
}

void Peer::bfd_down() {
  stop(wire::Notification{wire::err::kCease, wire::err::kBfdDown, {}}, "BFD down");
  start();
}

void Peer::reconfigure(PeerConfig c) {
  const PeerConfig& o = config_;
  bool reset = c.port != o.port || c.remote_as != o.remote_as || c.remote_as_kind != o.remote_as_kind ||
               c.local_as != o.local_as ||
               c.password != o.password || c.ebgp_multihop != o.ebgp_multihop ||
               c.ttl_security != o.ttl_security || c.source_address != o.source_address ||
               c.passive != o.passive || c.hold_time != o.hold_time ||
               c.keepalive_time != o.keepalive_time || c.ipv4_unicast != o.ipv4_unicast ||
               c.ipv6_unicast != o.ipv6_unicast || c.graceful_restart != o.graceful_restart;
  bool shutdown_changed = c.shutdown != o.shutdown;
  bool policy_touched = static_cast<bool>(c.import_policy) || static_cast<bool>(o.import_policy) ||
                        static_cast<bool>(c.export_policy) || static_cast<bool>(o.export_policy) ||
                        c.weight != o.weight || c.next_hop_self != o.next_hop_self;
  config_ = std::move(c);
  export_group = 0;  // the outbound signature may have changed
  primary_->fsm.set_config(fsm_config(config_.passive));
  if (shutdown_changed) {
    if (config_.shutdown) {
      stop(wire::Notification::shutdown(wire::err::kAdministrativeShutdown,
                                        config_.shutdown_message),
           "administratively shut down");
    } else {
      start();
    }
    return;
  }
  if (config_.shutdown) return;
  if (reset) {
    stop(wire::Notification{wire::err::kCease, wire::err::kOtherConfigurationChange, {}},
         "configuration changed");
    start();
    return;
  }
  if (policy_touched && established()) {
    engine_.soft_reset_out(*this);  // re-evaluate what we send
    if (negotiated_->route_refresh) (void)send_route_refresh();  // and what we accepted
  }
}

Status Peer::send_route_refresh() {
  if (!established()) return fail(Error::precondition(describe(config_.address) + " is not established"));
  if (!negotiated_->route_refresh) {
    return fail(Error::precondition(describe(config_.address) + " does not support route refresh"));
  }
  scratch_.clear();
  for (int fi = 0; fi < 2; ++fi) {
    if (!negotiated_->enabled(family_of_index(fi))) continue;
    wire::serialize_route_refresh({family_of_index(fi), wire::RefreshSubtype::kNormal}, scratch_);
    ++counters.sent.route_refresh;
  }
  send_on(*primary_, scratch_);
  return {};
}

std::vector<uint8_t>* Peer::out_buffer() {
  return primary_->conn ? &primary_->conn->out() : nullptr;
}

void Peer::flush() {
  if (primary_->conn) primary_->conn->flush();
}

bool Peer::writable() const { return primary_->conn && !primary_->conn->above_high_water(); }

void Peer::clear_export_cache() {
  for (auto [from, to] : exp.cache) {
    engine_.attrs_.release(from);
    engine_.attrs_.release(to);
  }
  exp.cache.clear();
}

void Peer::accept(boost::asio::ip::tcp::socket socket) {
  auto reject = [&](const char* why) {
    ++counters.connections_rejected;
    static log::Limiter limiter(5, std::chrono::seconds(60));  // the peer's address may be spoofed at will
    if (auto held = limiter.admit(config_.address.to_string() + why)) {
      VGW_LOG(kInfo, "bgp") << describe(config_.address) << ": incoming connection refused (" << why << ")"
                            << log::suppressed_text(*held);
    }
    boost::system::error_code ec;
    socket.close(ec);
  };
  if (deleting || config_.shutdown || !primary_->fsm.enabled()) return reject("not enabled");
  if (config_.ttl_security) {  // RFC 5082 3: only a SYN sent with TTL 255 (one hop: >= 254)
    std::optional<int> ttl = transport::saved_syn_ttl(socket.native_handle());
    if (!ttl || *ttl < transport::kGtsmMinTtl) {
      return reject(ttl ? "GTSM: the SYN's TTL is below 254" : "GTSM: the SYN's TTL is unknown");
    }
  }
  auto adopt = [&](Session& s) -> bool {
    auto c = transport::Connection::create(engine_.io_, *this, limits());
    if (auto st = c->adopt(std::move(socket), socket_options()); !st) {
      VGW_LOG(kWarning, "bgp") << describe(config_.address) << ": " << st.error().message;
      c->close();
      return false;
    }
    if (s.conn) s.conn->close();
    s.conn = c;
    ++counters.connections_accepted;
    if (input_held_) c->pause();
    c->start_reading();
    return true;
  };
  switch (primary_->fsm.state()) {
    case State::kIdle:
      // Waiting to restart after an error: take the peer's connection (RFC 4271 8.1.1 event 5).
      run(*primary_, Event::of(EventKind::kAutomaticStartPassive));
      if (primary_->fsm.state() != State::kActive) return reject("session idle");
      if (adopt(*primary_)) run(*primary_, Event::of(EventKind::kTcpConnectionConfirmed));
      return;
    case State::kConnect:
    case State::kActive:
      if (adopt(*primary_)) run(*primary_, Event::of(EventKind::kTcpConnectionConfirmed));
      return;
    case State::kOpenSent:
    case State::kOpenConfirm: {
      if (secondary_) return reject("a collision is already being resolved");
      secondary_ = std::make_unique<Session>(fsm_config(true), engine_.clock_);
      run(*secondary_, Event::of(EventKind::kManualStart));
      if (!adopt(*secondary_)) {
        secondary_.reset();
        return;
      }
      run(*secondary_, Event::of(EventKind::kTcpConnectionConfirmed));
      return;
    }
    case State::kEstablished: {
      if (!(negotiated_ && negotiated_->peer_graceful_restart && config_.graceful_restart)) {
        return reject("session established");
      }
      // RFC 4724 4.2: a new connection from a restarting peer ends the old session; its routes
      // are kept stale until the new session's End-of-RIB.
      Event down = Event::of(EventKind::kTcpConnectionFails);
      down.reason = "peer reconnected (graceful restart)";
      run(*primary_, down);
      primary_ = std::make_unique<Session>(fsm_config(true), engine_.clock_);
      run(*primary_, Event::of(EventKind::kManualStart));
      primary_->fsm.set_config(fsm_config(config_.passive));
      if (adopt(*primary_)) run(*primary_, Event::of(EventKind::kTcpConnectionConfirmed));
      return;
    }
  }
}

// ---- Session driving ----

Peer::Session* Peer::session_of(const transport::Connection& c) {
  if (primary_ && primary_->conn.get() == &c) return primary_.get();
  if (secondary_ && secondary_->conn.get() == &c) return secondary_.get();
  return nullptr;
}

void Peer::run(Session& s, const Event& e) {
  session::Actions actions;
  s.fsm.handle(e, actions);
  execute(s, actions, e);
  after_event(s);
}

void Peer::send_on(Session& s, const std::vector<uint8_t>& bytes) {
  if (s.conn && !bytes.empty()) s.conn->send(bytes);
}

void Peer::execute(Session& s, session::Actions& actions, const Event& cause) {
  std::vector<uint8_t> notify;
  for (session::Action& a : actions) {
    switch (a.kind) {
      case session::ActionKind::kConnect:
        if (s.conn) s.conn->close();
        ++counters.connect_attempts;
        s.conn = transport::Connection::create(engine_.io_, *this, limits());
        s.conn->connect({config_.address, config_.port}, config_.source_address,
                        socket_options());
        break;
      case session::ActionKind::kSendOpen:
        scratch_.clear();
        if (wire::serialize_open(s.fsm.open_message(), scratch_)) {
          send_on(s, scratch_);
          ++counters.sent.open;
        }
        break;
      case session::ActionKind::kSendKeepalive:
        scratch_.clear();
        wire::serialize_keepalive(scratch_);
        send_on(s, scratch_);
        ++counters.sent.keepalive;
        break;
      case session::ActionKind::kSendNotification:
        notify.clear();
        wire::serialize_notification(a.notification, notify);
        ++counters.sent.notification;
        VGW_LOG(kWarning, "bgp") << describe(config_.address) << ": sent NOTIFICATION "
                                 << a.notification.to_string();
        break;
      case session::ActionKind::kEstablished:
        if (&s != primary_.get() || s.fsm.negotiated() == nullptr) break;
        negotiated_ = *s.fsm.negotiated();
        ctx_ = negotiated_->context(!external());
        remote_id_ = negotiated_->remote_id;
        ++counters.established;
        VGW_LOG(kInfo, "bgp") << describe(config_.address) << ": session established (AS "
                              << remote_as() << ", hold " << negotiated_->hold_time << " s)";
        engine_.on_established(*this);
        break;
      case session::ActionKind::kSessionDown: {
        if (&s != primary_.get()) break;
        bool graceful = cause.kind == EventKind::kTcpConnectionFails && negotiated_ &&
                        negotiated_->graceful_restart && config_.graceful_restart;
        VGW_LOG(kInfo, "bgp") << describe(config_.address) << ": session down"
                              << (graceful ? " (graceful restart: routes kept stale)" : "");
        engine_.on_session_down(*this, graceful);
        negotiated_.reset();
        break;
      }
      case session::ActionKind::kDisconnect:
        if (s.conn) {
          if (!notify.empty()) {
            s.conn->close_after_flush(notify, std::chrono::milliseconds(2000));
          } else {
            s.conn->close();
          }
          s.conn.reset();
        }
        break;
    }
  }
}

void Peer::after_event(Session& s) {
  if (&s == primary_.get()) {
    const session::LastError& e = s.fsm.last_error();
    if (e.origin != session::LastError::Origin::kNone &&
        (e.time != last_error_.time || e.origin != last_error_.origin ||
         e.code != last_error_.code || e.subcode != last_error_.subcode || e.text != last_error_.text)) {
      last_error_ = e;
    }
    if (s.fsm.state() != reported_state_) {
      PeerEvent ev{config_.address, static_cast<uint8_t>(reported_state_), static_cast<uint8_t>(s.fsm.state()), {}};
      reported_state_ = s.fsm.state();
      if (ev.from == static_cast<uint8_t>(State::kEstablished)) {
        ev.reason = last_error_.to_string();
        counters.last_down = engine_.clock_.now();
      }
      if (engine_.config_.on_peer_event) engine_.config_.on_peer_event(ev);
    }
  } else if (secondary_ && &s == secondary_.get() && s.fsm.state() == State::kIdle) {
    if (s.conn) s.conn->close();
    secondary_.reset();
  }
  arm_timer();
}

// RFC 4271 6.8, on receipt of an OPEN on `receiver` while the other connection is open.
void Peer::collision_check(Session& receiver, uint32_t remote_id) {
  Session* other = &receiver == primary_.get() ? secondary_.get() : primary_.get();
  if (other == nullptr) return;
  State os = other->fsm.state();
  if (os != State::kOpenSent && os != State::kOpenConfirm && os != State::kEstablished) return;
  ++counters.collisions;
  Session* loser;
  if (os == State::kEstablished) {
    loser = &receiver;
  } else {
    bool keep_local = session::keep_locally_initiated(engine_.config_.router_id, remote_id);
    bool receiver_outgoing = receiver.conn && receiver.conn->outgoing();
    loser = receiver_outgoing == keep_local ? other : &receiver;
  }
  if (loser == primary_.get()) {
    std::swap(primary_, secondary_);
    primary_->fsm.set_config(fsm_config(config_.passive));
  }
  VGW_LOG(kInfo, "bgp") << describe(config_.address) << ": connection collision, closing the "
                        << (secondary_->conn && secondary_->conn->outgoing() ? "outgoing" : "incoming")
                        << " connection";
  run(*secondary_, Event::of(EventKind::kOpenCollisionDump));
}

void Peer::handle_message(Session& s, std::span<const uint8_t> msg) {
  const auto type = static_cast<wire::MessageType>(msg[18]);
  std::span<const uint8_t> body = msg.subspan(wire::kHeaderSize);
  switch (type) {
    case wire::MessageType::kUpdate: {
      ++counters.received.update;
      if (&s != primary_.get() || s.fsm.state() != State::kEstablished || !negotiated_) {
        run(s, Event::of(EventKind::kUpdateMsg));  // FSM error outside Established
        return;
      }
      actions_.clear();
      s.fsm.handle(Event::of(EventKind::kUpdateMsg), actions_);  // restarts the hold timer
      auto r = wire::parse_update(body, ctx_, update);
      if (!r) {
        VGW_LOG(kWarning, "bgp") << describe(config_.address) << ": " << wire::to_string(r.error());
        Event e = Event::of(EventKind::kUpdateMsgErr);
        e.error = &r.error();
        run(s, e);
        return;
      }
      if (!update.errors.empty()) {
        for (const wire::ParseError& pe : update.errors) {
          if (pe.action == wire::ErrorAction::kAttributeDiscard) ++counters.attribute_discards;
        }
        // RFC 7606 keeps the session: a peer can send these without end.
        static log::Limiter limiter(10, std::chrono::seconds(60));
        if (auto held = limiter.admit(config_.address.to_string())) {
          VGW_LOG(kInfo, "bgp") << describe(config_.address) << ": " << wire::to_string(update.errors.front())
                                << log::suppressed_text(*held);
        }
      }
      engine_.receive_update(*this, update);
      check_maximum_prefix();
      return;
    }
    case wire::MessageType::kOpen: {
      ++counters.received.open;
      auto o = wire::parse_open(body);
      if (!o) {
        Event e = Event::of(EventKind::kBgpOpenMsgErr);
        e.error = &o.error();
        run(s, e);
        return;
      }
      Session* ps = &s;
      Event e = Event::of(EventKind::kBgpOpen);
      e.open = &*o;
      run(s, e);
      bool alive = ps == primary_.get() || ps == secondary_.get();
      if (alive && ps->fsm.state() == State::kOpenConfirm) collision_check(*ps, o->bgp_identifier);
      return;
    }
    case wire::MessageType::kNotification: {
      ++counters.received.notification;
      auto n = wire::parse_notification(body);
      wire::Notification note = n ? *n : wire::Notification{};
      VGW_LOG(kWarning, "bgp") << describe(config_.address) << ": received NOTIFICATION "
                               << note.to_string();
      Event e = Event::of(EventKind::kNotifMsg);
      e.notification = &note;
      run(s, e);
      return;
    }
    case wire::MessageType::kKeepalive: {
      ++counters.received.keepalive;
      if (msg.size() != wire::kHeaderSize) {  // RFC 4271 6.1: Bad Message Length, data = length
        wire::ParseError pe;
        pe.code = wire::err::kMessageHeader;
        pe.subcode = wire::err::kBadMessageLength;
        pe.data = {msg[16], msg[17]};
        pe.text = "KEEPALIVE longer than 19 octets";
        Event e = Event::of(EventKind::kBgpHeaderErr);
        e.error = &pe;
        run(s, e);
        return;
      }
      run(s, Event::of(EventKind::kKeepAliveMsg));
      return;
    }
    case wire::MessageType::kRouteRefresh:
      ++counters.received.route_refresh;
      handle_route_refresh(s, msg);
      return;
  }
}

void Peer::handle_route_refresh(Session& s, std::span<const uint8_t> msg) {
  if (&s != primary_.get() || s.fsm.state() != State::kEstablished || !negotiated_) {
    run(s, Event::of(EventKind::kUpdateMsg));  // FSM error outside Established
    return;
  }
  actions_.clear();
  s.fsm.handle(Event::of(EventKind::kUpdateMsg), actions_);
  auto rr = wire::parse_route_refresh(msg);
  if (!rr) {
    Event e = Event::of(EventKind::kUpdateMsgErr);
    e.error = &rr.error();
    run(s, e);
    return;
  }
  // RFC 2918 4 / RFC 7313 5: ignore what was not negotiated or is unknown.
  if (!negotiated_->route_refresh || !rr->is_known_subtype() || !negotiated_->enabled(rr->family)) {
    return;
  }
  int fi = family_index(rr->family);
  unsigned bit = 1u << fi;
  switch (rr->subtype) {
    case wire::RefreshSubtype::kNormal:
      engine_.on_route_refresh(*this, fi);
      break;
    case wire::RefreshSubtype::kBegin:
      if (negotiated_->enhanced_route_refresh) {
        engine_.mark_stale(*this, bit);
        refresh_stale_mask |= bit;
      }
      break;
    case wire::RefreshSubtype::kEnd:
      if (refresh_stale_mask & bit) {
        refresh_stale_mask &= ~bit;
        engine_.sweep_stale(*this, bit);
      }
      break;
  }
}

void Peer::check_maximum_prefix() {
  if (!config_.maximum_prefix) return;
  size_t n = accepted[0] + accepted[1];
  if (n <= *config_.maximum_prefix) return;
  maximum_prefix_exceeded = true;
  if (config_.maximum_prefix_warning_only) {
    if (!maximum_prefix_warned) {
      VGW_LOG(kWarning, "bgp") << describe(config_.address) << ": " << n
                               << " prefixes exceed the maximum of " << *config_.maximum_prefix;
      maximum_prefix_warned = true;
    }
    return;
  }
  // RFC 4486 4: data = AFI (2), SAFI (1), the upper bound (4).
  wire::Notification note{wire::err::kCease, wire::err::kMaximumPrefixes, {}};
  ByteWriter w(note.data);
  wire::AfiSafi f = accepted[1] > 0 && accepted[0] == 0 ? wire::kIpv6Unicast : wire::kIpv4Unicast;
  w.u16(static_cast<uint16_t>(f.afi));
  w.u8(static_cast<uint8_t>(f.safi));
  w.u32(*config_.maximum_prefix);
  std::optional<Clock::Duration> restart;
  if (config_.maximum_prefix_restart > 0) {
    restart = std::chrono::minutes(config_.maximum_prefix_restart);
  }
  automatic_stop(note, "maximum prefix count exceeded", restart);
}

// ---- Timers ----

void Peer::start_timer(PeerTimer t, Clock::Duration after) {
  timers_.start(t, engine_.clock_.now() + after);
  arm_timer();
}

void Peer::stop_timer(PeerTimer t) { timers_.stop(t); }

void Peer::arm_timer() {
  std::optional<Clock::TimePoint> d = primary_->fsm.next_deadline();
  auto earliest = [&](std::optional<Clock::TimePoint> x) {
    if (x && (!d || *x < *d)) d = x;
  };
  if (secondary_) earliest(secondary_->fsm.next_deadline());
  earliest(timers_.next_deadline());
  if (!d) return;
  if (armed_ && *armed_ <= *d) return;
  armed_ = d;
  timer_.expires_at(*d);
  std::weak_ptr<bool> alive = alive_;
  timer_.async_wait([this, alive](const boost::system::error_code& ec) {
    if (ec) return;
    auto a = alive.lock();
    if (!a || !*a) return;
    armed_.reset();
    on_timer();
  });
}

void Peer::on_timer() {
  {
    session::Actions acts;
    if (primary_->fsm.poll_timers(acts)) {
      Session& p = *primary_;
      execute(p, acts, Event::of(EventKind::kHoldTimerExpires));
      after_event(p);
    }
  }
  if (secondary_) {
    session::Actions acts;
    if (secondary_->fsm.poll_timers(acts)) {
      Session& s = *secondary_;
      execute(s, acts, Event::of(EventKind::kHoldTimerExpires));
      after_event(s);
    }
  }
  while (auto t = timers_.pop_expired(engine_.clock_.now())) {
    switch (*t) {
      case PeerTimer::kRestart:
      case PeerTimer::kStale:
        // RFC 4724 4.2: the peer did not come back (or did not finish) in time.
        if (gr_stale_mask != 0) {
          VGW_LOG(kInfo, "bgp") << describe(config_.address)
                                << ": graceful restart timer expired, dropping stale routes";
          unsigned m = gr_stale_mask;
          gr_stale_mask = 0;
          engine_.sweep_stale(*this, m);
        }
        break;
      case PeerTimer::kMrai:
        engine_.schedule_work();
        break;
      case PeerTimer::kCount:
        break;
    }
  }
  arm_timer();
}

// ---- Connection::Handler ----

void Peer::on_connected(transport::Connection& c, const std::string& error) {
  Session* s = session_of(c);
  if (s == nullptr) return;
  if (!error.empty()) {
    connect_error = error;
    s->conn.reset();
    Event e = Event::of(EventKind::kTcpConnectionFails);
    e.reason = error;
    run(*s, e);
    return;
  }
  connect_error.clear();
  if (input_held_) c.pause();
  c.start_reading();
  run(*s, Event::of(EventKind::kTcpConnectionConfirmed));
}

void Peer::hold_input(bool on) {
  if (input_held_ == on) return;
  input_held_ = on;
  for (Session* s : {primary_.get(), secondary_.get()}) {
    if (s == nullptr || !s->conn) continue;
    if (on) {
      s->conn->pause();
    } else {
      s->conn->resume();
    }
  }
}

bool Peer::on_message(transport::Connection& c, std::span<const uint8_t> message) {
  Session* s = session_of(c);
  if (s == nullptr) return false;
  handle_message(*s, message);
  return session_of(c) != nullptr && c.is_open();
}

void Peer::on_header_error(transport::Connection& c, const wire::ParseError& e) {
  Session* s = session_of(c);
  if (s == nullptr) return;
  VGW_LOG(kWarning, "bgp") << describe(config_.address) << ": " << wire::to_string(e);
  Event ev = Event::of(EventKind::kBgpHeaderErr);
  ev.error = &e;
  run(*s, ev);
}

void Peer::on_closed(transport::Connection& c, const std::string& why) {
  Session* s = session_of(c);
  if (s == nullptr) return;
  s->conn.reset();
  Event e = Event::of(EventKind::kTcpConnectionFails);
  e.reason = why;
  run(*s, e);
}

void Peer::on_writable(transport::Connection&) { engine_.schedule_work(); }

}  // namespace vgw::bgp
