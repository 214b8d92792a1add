// One BGP neighbour (private): its configuration, its session FSM(s) and TCP connection(s), the
// per-peer route state the engine keeps (Adj-RIB-Out, export progress, stale handling,
// counters) and the timers that are not the FSM's (graceful restart, MRAI).
//
// Normally one Session (Fsm + Connection) exists. A second one lives only while a connection
// collision (RFC 4271 6.8) is being resolved: an incoming connection that arrives while the
// first is in OpenSent/OpenConfirm gets its own Fsm; when either receives an OPEN, the
// connection initiated by the side with the higher BGP Identifier is kept and the other is
// closed with Cease / Connection Collision Resolution.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "adj_rib_out.h"
#include "engine.h"
#include "vgw/bgp/session/fsm.h"
#include "vgw/bgp/status.h"
#include "vgw/bgp/transport/connection.h"
#include "vgw/bgp/wire/message.h"

namespace vgw::bgp {

enum class PeerTimer : uint8_t { kRestart, kStale, kMrai, kCount };

class Peer final : public transport::Connection::Handler {
 public:
  Peer(Engine& engine, PeerId id, PeerConfig config);
  ~Peer() override;
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  PeerId id() const { return id_; }
  const PeerConfig& config() const { return config_; }
  uint32_t local_as() const { return config_.local_as.value_or(engine_.config_.local_as); }
  // The peer's AS: configured, ours (`remote-as internal`), or the one its OPEN announced
  // (`remote-as external`; 0 until then).
  uint32_t remote_as() const;
  bool external() const {
    if (config_.remote_as_kind != PeerConfig::RemoteAs::kNumber) {
      return config_.remote_as_kind == PeerConfig::RemoteAs::kExternal;
    }
    return config_.remote_as != local_as();
  }
  uint32_t remote_id() const { return remote_id_; }
  session::State state() const { return primary_->fsm.state(); }
  bool established() const { return state() == session::State::kEstablished && negotiated_; }
  const session::Fsm& fsm() const { return primary_->fsm; }
  // While Established: what was negotiated and the codec context.
  const std::optional<session::Negotiated>& negotiated() const { return negotiated_; }
  const wire::SessionContext& context() const { return ctx_; }
  const session::LastError& last_error() const { return last_error_; }
  std::optional<transport::Endpoint> local_endpoint() const;
  std::optional<transport::Endpoint> remote_endpoint() const;
  size_t send_queue_bytes() const;

  // RFC 8212: eBGP without a policy neither accepts nor sends routes when required.
  bool imports() const {
    return !(external() && engine_.config_.ebgp_requires_policy && !config_.import_policy);
  }
  bool exports() const {
    return !(external() && engine_.config_.ebgp_requires_policy && !config_.export_policy);
  }
  // The next-hop this speaker advertises for a family (session address or configured).
  std::optional<IpAddress> self_next_hop(Family f) const;

  // ---- Control ----
  void start();  // ManualStart unless administratively shut down
  void stop(const wire::Notification& n, std::string_view reason);  // ManualStop
  void automatic_stop(const wire::Notification& n, std::string_view reason,
                      std::optional<Clock::Duration> restart_after);
  void hard_reset();
  void bfd_down();  // Cease / BFD Down (RFC 9384), then start again
  // Applies a new configuration; resets the session when transport or capabilities changed.
  void reconfigure(PeerConfig config);
  Status send_route_refresh();
  void accept(boost::asio::ip::tcp::socket socket);
  // Appends to the send queue of the established session and writes it.
  std::vector<uint8_t>* out_buffer();
  void flush();
  bool writable() const;

  // ---- Timers that are not the FSM's ----
  void start_timer(PeerTimer t, Clock::Duration after);
  void stop_timer(PeerTimer t);
  bool timer_running(PeerTimer t) const { return timers_.running(t); }

  // ---- Route state, managed by the engine ----
  PeerCounters counters;
  size_t accepted[2] = {0, 0};  // paths in the Adj-RIB-In per family
  std::unique_ptr<AdjRibOut> out = std::make_unique<AdjRibOut>();
  struct Export {
    bool walking = false;
    int family = 0;
    uint32_t cursor = 0;
    bool eor_pending[2] = {false, false};
    bool eorr_pending[2] = {false, false};  // enhanced route refresh: EoRR after the resend
    std::unordered_map<AttrId, AttrId> cache;  // source set -> out set (both referenced)
    Clock::TimePoint next_flush{};
  } exp;
  // Walks over this peer's paths, in the order asked, each in chunks of the work loop's budget
  // (adj_rib_in.cc): a mark (BoRR, session down) sets the stale flag of every path of the
  // families in mask; a sweep removes the stale ones. While a mark waits or runs, the peer's
  // input is held (nothing more is read from its connections; TCP pushes back), so no UPDATE
  // interleaves with it and a peer has at most one table walk of its making in flight.
  struct StaleWalk {
    bool sweep = false;  // false: mark
    unsigned mask = 0;   // bit 0 IPv4, bit 1 IPv6
    int family = 0;
    uint32_t cursor = 0;
  };
  std::deque<StaleWalk> stale_walks;
  bool marking() const {
    for (const auto& w : stale_walks) {
      if (!w.sweep) return true;
    }
    return false;
  }
  // Holds or releases the input of the peer's connections (current and future).
  void hold_input(bool on);
  unsigned gr_stale_mask = 0;       // families held stale for a restarting peer (RFC 4724)
  unsigned refresh_stale_mask = 0;  // families marked stale by BoRR (RFC 7313)
  bool eor_received[2] = {false, false};
  bool maximum_prefix_exceeded = false;
  bool maximum_prefix_warned = false;
  bool deleting = false;  // removed from the configuration; freed when its paths are gone
  std::string connect_error;
  wire::Update update;  // reused for every UPDATE

  // Releases the export cache's references.
  void clear_export_cache();
  // The peer's update group (engine-assigned id of its outbound signature); 0: not known yet
  // (reset when the session comes up or goes down and when the configuration changes).
  uint32_t export_group = 0;

 private:
  struct Session {
    Session(session::FsmConfig c, const Clock& clock) : fsm(std::move(c), clock) {}
    session::Fsm fsm;
    std::shared_ptr<transport::Connection> conn;
  };

  session::FsmConfig fsm_config(bool passive) const;
  transport::SocketOptions socket_options() const;
  transport::Connection::Limits limits() const;
  Session* session_of(const transport::Connection& c);
  void run(Session& s, const session::Event& e);
  void execute(Session& s, session::Actions& actions, const session::Event& cause);
  void after_event(Session& s);
  void collision_check(Session& receiver, uint32_t remote_id);
  void handle_message(Session& s, std::span<const uint8_t> message);
  void handle_route_refresh(Session& s, std::span<const uint8_t> message);
  void check_maximum_prefix();
  void arm_timer();
  void on_timer();
  void send_on(Session& s, const std::vector<uint8_t>& bytes);

  // Connection::Handler
  void on_connected(transport::Connection& c, const std::string& error) override;
  bool on_message(transport::Connection& c, std::span<const uint8_t> message) override;
  void on_header_error(transport::Connection& c, const wire::ParseError& e) override;
  void on_closed(transport::Connection& c, const std::string& why) override;
  void on_writable(transport::Connection& c) override;

  session::State reported_state_ = session::State::kIdle;  // last state given to on_peer_event
  Engine& engine_;
  PeerId id_;
  PeerConfig config_;
  std::unique_ptr<Session> primary_;
  std::unique_ptr<Session> secondary_;  // collision candidate
  bool input_held_ = false;             // hold_input(): a mark of its paths is under way
  std::optional<session::Negotiated> negotiated_;
  wire::SessionContext ctx_;
  uint32_t remote_id_ = 0;
  session::LastError last_error_;
  session::TimerSet<PeerTimer> timers_;
  boost::asio::steady_timer timer_;
  std::optional<Clock::TimePoint> armed_;
  std::shared_ptr<bool> alive_;
  session::Actions actions_;
  std::vector<uint8_t> scratch_;
};

}  // namespace vgw::bgp
