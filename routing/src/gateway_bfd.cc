// BFD in the Gateway: the `bfd` block's peers (BfdService), the sessions BGP neighbors and
// tunnels ask for, and what a session going down does:
//
//   BfdDriver --(Up -> Down, not the peer's AdminDown)-->
//     BGP: the session to the same address (a neighbor with `bfd`, or the session over a tunnel
//          with `bfd`) is reset at once: its routes leave the RIB and the kernel in one batch
//          instead of after the hold time
//     tunnel: its `bfd` health input fails: the tunnel is down, the other tunnel carries
//
// One session per (peer, interface): a neighbor joins a tunnel's or a configured peer's session
// to its address rather than opening a second one the peer could not tell apart.
#include <algorithm>
#include <chrono>

#include "vgw/base/clock.h"
#include "vgw/base/log.h"
#include "vgw/bgp/speaker.h"
#include "vgw/v1/bfd.pb.h"
#include "bfd_driver.h"
#include "bgp_plan.h"
#include "event_stream.h"
#include "gateway_state.h"

namespace vgw::routing {

namespace {

// FRR's words for states and diagnostics in `show bfd peers`.
const char* status_word(bfd::State s) {
  switch (s) {
    case bfd::State::kAdminDown: return "admin-down";
    case bfd::State::kDown: return "down";
    case bfd::State::kInit: return "init";
    case bfd::State::kUp: return "up";
  }
  return "down";
}

std::string diag_word(bfd::Diag d) {
  if (d == bfd::Diag::kNone) return "ok";
  std::string s = bfd::diag_name(d);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

BfdSessionSpec spec_from(const IpAddress& peer, const std::string& interface, const BfdTimersConfig& t) {
  BfdSessionSpec s;
  s.peer = peer;
  s.interface = interface;
  s.detect_multiplier = t.detect_multiplier;
  s.receive_interval_ms = t.receive_interval_ms;
  s.transmit_interval_ms = t.transmit_interval_ms;
  return s;
}

v1::BfdPeerConfig config_to_proto(const BfdSessionSpec& s) {
  v1::BfdPeerConfig c;
  c.set_peer(s.peer.to_string());
  c.set_interface(s.interface);
  if (s.local) c.set_local_address(s.local->to_string());
  c.set_detect_multiplier(s.detect_multiplier);
  c.set_receive_interval_ms(s.receive_interval_ms);
  c.set_transmit_interval_ms(s.transmit_interval_ms);
  c.set_shutdown(s.shutdown);
  return c;
}

void state_to_proto(const BfdSessionView& v, v1::BfdSessionState& out) {
  out.set_status(status_word(v.state));
  out.set_reason(v.reason);
  out.set_since_unix_ms(static_cast<uint64_t>(v.since_unix_ms));
  out.set_local_id(v.local_discriminator);
  out.set_remote_id(v.remote_discriminator);
  out.set_diagnostic(diag_word(v.local_diag));
  out.set_remote_diagnostic(diag_word(v.remote_diag));
  out.set_remote_status(status_word(v.remote_state));
  if (v.local_address) out.set_local_address(v.local_address->to_string());
  out.set_source_port(v.source_port);
  out.set_ifindex(static_cast<int32_t>(v.ifindex));
  out.set_remote_detect_multiplier(v.remote_detect_multiplier);
  out.set_remote_receive_interval_ms(v.remote_receive_interval_us / 1000);
  out.set_remote_transmit_interval_ms(v.remote_transmit_interval_us / 1000);
  out.set_negotiated_transmit_interval_ms(v.negotiated_tx_us / 1000);
  out.set_detection_time_ms(v.detection_time_us / 1000);
  out.set_poll_in_progress(v.poll_in_progress);
  for (const auto& c : v.spec.clients) out.add_clients(c);
  auto* k = out.mutable_counters();
  k->set_control_packets_in(v.stats.rx_packets);
  k->set_control_packets_out(v.stats.tx_packets);
  uint64_t dropped = 0;
  for (size_t i = 0; i < v.stats.dropped.size(); ++i) {
    if (v.stats.dropped[i] == 0) continue;
    dropped += v.stats.dropped[i];
    (*k->mutable_drops())[bfd::drop_reason_name(static_cast<bfd::DropReason>(i))] = v.stats.dropped[i];
  }
  k->set_dropped(dropped);
  k->set_send_errors(v.send_errors);
  k->set_up_events(v.stats.up_count);
  k->set_down_events(v.stats.down_count);
  out.set_problem(v.problem);
}

// A tunnel's `bfd` health input from its session: ok while Up, and while Down because the peer
// is AdminDown or AdminDown here (RFC 5882 3.2: not a failure of the path).
std::pair<bool, std::string> bfd_health(const BfdSessionView& v) {
  if (v.state == bfd::State::kUp) return {true, ""};
  if (v.state == bfd::State::kAdminDown) return {true, "session administratively down"};
  if (v.peer_admin_down) return {true, "the peer is AdminDown"};
  return {false, "session to " + v.spec.peer.to_string() + " is " + status_word(v.state) + ": " + v.reason};
}

Result<IpAddress> parse_peer(const std::string& field, const std::string& text) {
  if (text.empty()) return fail(Error::invalid(field + " is required"));
  auto a = IpAddress::parse(text);
  if (!a) return fail(Error::invalid(field + ": " + a.error().message));
  if (a->is_unspecified() || a->is_multicast() || a->is_v4_broadcast() || a->is_loopback()) {
    return fail(Error::invalid(field + " " + text + " is not a unicast address of a neighbor"));
  }
  if (a->is_v6() && a->is_v4_mapped()) {
    return fail(Error::invalid(field + " " + text + " is IPv4-mapped; write it as " + a->unmapped().to_string()));
  }
  return a;
}

}  // namespace

// ---- the sessions wanted -------------------------------------------------------------------

std::vector<BfdSessionSpec> Gateway::bfd_wanted() const {
  std::map<BfdKey, BfdSessionSpec> wanted;
  for (const auto& [key, p] : model_.bfd_peers) {
    auto s = spec_from(p.peer, p.interface, p.timers);
    s.local = p.local_address;
    s.shutdown = p.shutdown;
    s.clients.push_back("configured");
    wanted.emplace(key, std::move(s));
  }
  // A tunnel's session runs on its interface, between its inside addresses.
  for (const auto& [name, t] : model_.tunnels) {
    if (!t.bfd) continue;
    auto addrs = tunnel_bfd_addresses(t);
    auto ifname = tunnel_interface(name);
    if (!addrs || !ifname) continue;
    BfdKey key{addrs->second, *ifname};
    auto it = wanted.find(key);
    if (it == wanted.end()) {
      auto s = spec_from(addrs->second, *ifname, *t.bfd);
      s.local = addrs->first;
      it = wanted.emplace(key, std::move(s)).first;
    }
    it->second.clients.push_back("tunnel " + name);
  }
  // A neighbor with `bfd` joins the session to its address (without interface first).
  if (model_.bgp) {
    for (const auto& [address, configured] : model_.bgp->neighbors) {
      const BgpNeighborConfig n = effective_neighbor(*model_.bgp, configured);  // a peer-group's bfd too
      if (!n.bfd) continue;
      auto it = wanted.find(BfdKey{address, ""});
      if (it == wanted.end()) {
        const IpAddress& peer = address;  // (clang 14 cannot capture a structured binding)
        it = std::find_if(wanted.begin(), wanted.end(), [&](const auto& w) { return w.first.first == peer; });
      }
      if (it == wanted.end()) {
        auto s = spec_from(address, "", BfdTimersConfig{});
        s.local = n.update_source;
        it = wanted.emplace(BfdKey{address, ""}, std::move(s)).first;
      }
      it->second.clients.push_back("bgp");
    }
  }
  std::vector<BfdSessionSpec> out;
  for (auto& [key, s] : wanted) out.push_back(std::move(s));
  return out;
}

void Gateway::sync_bfd() {
  if (!io_) return;
  auto wanted = bfd_wanted();
  if (!bfd_) {
    if (wanted.empty()) return;
    bfd_ = std::make_unique<BfdDriver>(*io_, [this](const BfdChange& c) { on_bfd_change(c); });
  }
  bfd_->reconcile(wanted);
  // The tunnels' health inputs follow their sessions (a new session starts Down).
  if (!tunnels_ || !tunnels_->health) return;
  for (const auto& [name, t] : model_.tunnels) {
    if (!tunnels_->health->known(name)) continue;
    if (!t.bfd) {
      tunnels_->health->set_bfd(name, std::nullopt);
      continue;
    }
    auto addrs = tunnel_bfd_addresses(t);
    auto ifname = tunnel_interface(name);
    std::optional<BfdSessionView> v;
    if (addrs && ifname) v = bfd_->session(BfdKey{addrs->second, *ifname});
    if (!v) {
      tunnels_->health->set_bfd(name, std::make_pair(false, addrs ? "no session" : addrs.error().message));
    } else {
      tunnels_->health->set_bfd(name, bfd_health(*v));
    }
  }
}

void Gateway::stop_bfd() {
  if (!bfd_) return;
  bfd_->reconcile({});  // AdminDown to every peer: going away is no path failure
  bfd_.reset();
}

// ---- a session changed ---------------------------------------------------------------------

void Gateway::on_bfd_change(const BfdChange& c) {
  std::string where = c.peer.to_string() + (c.interface.empty() ? "" : " interface " + c.interface);
  bool failed = c.from == bfd::State::kUp && c.to == bfd::State::kDown && !c.remote_admin_down;
  if (failed) {
    VGW_LOG(kWarning, "bfd") << "peer " << where << " is down: " << c.reason;
  } else {
    VGW_LOG(kInfo, "bfd") << "peer " << where << ": " << status_word(c.from) << " -> " << status_word(c.to) << " ("
                          << c.reason << ")";
  }
  auto v = bfd_ ? bfd_->session(BfdKey{c.peer, c.interface}) : std::nullopt;
  if (failed && v && speaker_) {
    // The BGP session to that address goes at once (RFC 5882 4.3): a neighbor with `bfd`, or
    // the session over a tunnel with `bfd`.
    bool bgp_client = std::any_of(v->spec.clients.begin(), v->spec.clients.end(),
                                  [](const std::string& s) { return s == "bgp" || s.rfind("tunnel ", 0) == 0; });
    if (bgp_client && speaker_->peer(c.peer)) {
      if (auto st = speaker_->bfd_down(c.peer); !st) {
        VGW_LOG(kError, "bfd") << "peer " << where << ": BGP reset failed: " << st.error().message;
      } else {
        VGW_LOG(kWarning, "bgp") << "neighbor " << c.peer.to_string() << ": session reset, BFD went down ("
                                 << c.reason << ")";
      }
    }
  }
  // A tunnel with `bfd`: its health input follows the session.
  if (v && tunnels_ && tunnels_->health) {
    for (const auto& client : v->spec.clients) {
      if (client.rfind("tunnel ", 0) == 0) tunnels_->health->set_bfd(client.substr(7), bfd_health(*v));
    }
  }
  if (bfd_event_sinks_.empty()) return;
  v1::BfdEvent e;
  e.set_peer(c.peer.to_string());
  e.set_interface(c.interface);
  e.set_from(status_word(c.from));
  e.set_to(status_word(c.to));
  e.set_diagnostic(diag_word(c.diag));
  e.set_reason(c.reason);
  e.set_remote_admin_down(c.remote_admin_down);
  e.set_unix_time_ms(static_cast<uint64_t>(unix_ms_now()));
  for (auto& [id, sink] : bfd_event_sinks_) sink(e);
}

// `bfd [...]` in a tunnel block: zeros take the defaults.
Status Gateway::apply_tunnel_bfd(TunnelConfig& t, const v1::UpdateTunnelRequest& req) const {
  if (req.remove_bfd()) {
    if (req.has_bfd()) return fail(Error::invalid("bfd and remove_bfd are both set"));
    t.bfd.reset();
  } else if (req.has_bfd()) {
    BfdTimersConfig timers;
    if (req.bfd().detect_multiplier()) timers.detect_multiplier = req.bfd().detect_multiplier();
    if (req.bfd().receive_interval_ms()) timers.receive_interval_ms = req.bfd().receive_interval_ms();
    if (req.bfd().transmit_interval_ms()) timers.transmit_interval_ms = req.bfd().transmit_interval_ms();
    if (auto st = validate_bfd_timers("bfd.", timers); !st) return st;
    t.bfd = timers;
  }
  // Also when the inside prefix changes under an existing `bfd`.
  if (t.bfd && t.inside && !point_to_point_peer(*t.inside)) {
    return fail(Error::invalid("bfd needs a /30 or /31 (/126, /127) inside prefix to find the peer; inside is " +
                               t.inside->to_string()));
  }
  return {};
}

// ---- BfdService ----------------------------------------------------------------------------

Result<v1::BfdPeer> Gateway::set_bfd_peer(const v1::SetBfdPeerRequest& req) {
  auto peer = parse_peer("peer", req.peer());
  if (!peer) return fail(peer.error());
  if (!req.interface().empty()) {
    if (auto st = validate_interface_name("interface", req.interface()); !st) return fail(st.error());
  }
  ConfigModel next = model_;
  BfdKey key{*peer, req.interface()};
  auto [it, created] = next.bfd_peers.try_emplace(key);
  BfdPeerConfig& p = it->second;
  if (created) {
    p.peer = *peer;
    p.interface = req.interface();
  }
  if (req.has_local_address()) {
    auto local = parse_optional_unicast("local_address", req.local_address());
    if (!local) return fail(local.error());
    if (*local && (*local)->family() != peer->family()) {
      return fail(Error::invalid("local_address " + req.local_address() + " is not of the peer's address family"));
    }
    p.local_address = *local;
  }
  if (req.has_detect_multiplier()) p.timers.detect_multiplier = req.detect_multiplier();
  if (req.has_receive_interval_ms()) p.timers.receive_interval_ms = req.receive_interval_ms();
  if (req.has_transmit_interval_ms()) p.timers.transmit_interval_ms = req.transmit_interval_ms();
  if (req.has_shutdown()) p.shutdown = req.shutdown();
  if (auto st = validate_bfd_timers("", p.timers); !st) return fail(st.error());
  BfdPeerConfig result = p;
  if (auto st = commit(std::move(next)); !st) return fail(st.error());
  v1::BfdPeer out;
  auto s = spec_from(result.peer, result.interface, result.timers);
  s.local = result.local_address;
  s.shutdown = result.shutdown;
  *out.mutable_config() = config_to_proto(s);
  out.set_configured(true);
  if (bfd_) {
    if (auto v = bfd_->session(key)) state_to_proto(*v, *out.mutable_state());
  }
  return out;
}

Result<v1::DeleteBfdPeerResponse> Gateway::delete_bfd_peer(const v1::DeleteBfdPeerRequest& req) {
  auto peer = parse_peer("peer", req.peer());
  if (!peer) return fail(peer.error());
  BfdKey key{*peer, req.interface()};
  if (!model_.bfd_peers.count(key)) {
    return fail(Error::not_found("no BFD peer " + req.peer() +
                                 (req.interface().empty() ? "" : " interface " + req.interface()) + " is configured"));
  }
  ConfigModel next = model_;
  next.bfd_peers.erase(key);
  if (auto st = commit(std::move(next)); !st) return fail(st.error());
  return v1::DeleteBfdPeerResponse{};
}

Result<v1::ListBfdPeersResponse> Gateway::list_bfd_peers(const v1::ListBfdPeersRequest& req) const {
  std::optional<IpAddress> only;
  if (!req.peer().empty()) {
    auto a = IpAddress::parse(req.peer());
    if (!a) return fail(Error::invalid("peer: " + a.error().message));
    only = *a;
  }
  v1::ListBfdPeersResponse out;
  std::vector<BfdSessionView> running = bfd_ ? bfd_->sessions() : std::vector<BfdSessionView>{};
  // Sessions not running (vgwd not started yet, or no socket) still show what is configured.
  for (const auto& s : bfd_wanted()) {
    if (only && s.peer != *only) continue;
    if (!req.interface().empty() && s.interface != req.interface()) continue;
    auto* p = out.add_peers();
    *p->mutable_config() = config_to_proto(s);
    p->set_configured(model_.bfd_peers.count(s.key()) > 0);
    auto v = std::find_if(running.begin(), running.end(), [&](const BfdSessionView& r) { return r.spec.key() == s.key(); });
    if (v != running.end()) {
      state_to_proto(*v, *p->mutable_state());
    } else {
      p->mutable_state()->set_status("down");
      for (const auto& c : s.clients) p->mutable_state()->add_clients(c);
      p->mutable_state()->set_problem(io_ ? "not started" : "vgwd is not running its protocols yet");
    }
  }
  if (only && out.peers().empty()) {
    return fail(Error::not_found("no BFD session with peer " + req.peer() +
                                 (req.interface().empty() ? "" : " interface " + req.interface())));
  }
  if (bfd_) {
    const auto& g = bfd_->stats();
    auto* k = out.mutable_counters();
    k->set_received(g.received);
    k->set_bad_ttl(g.bad_ttl);
    k->set_malformed(g.malformed);
    k->set_no_session(g.no_session);
    for (size_t i = 0; i < g.dropped.size(); ++i) {
      if (g.dropped[i]) (*k->mutable_drops())[bfd::drop_reason_name(static_cast<bfd::DropReason>(i))] = g.dropped[i];
    }
    out.set_problem(bfd_->problem());
  }
  return out;
}

Result<std::unique_ptr<api::ServerStream>> Gateway::watch_bfd(const v1::WatchBfdRequest& req) {
  std::optional<IpAddress> only;
  if (!req.peer().empty()) {
    auto a = IpAddress::parse(req.peer());
    if (!a) return fail(Error::invalid("peer: " + a.error().message));
    only = *a;
  }
  auto subscribe = [this](std::function<void(const v1::BfdEvent&)> sink) {
    uint64_t id = next_sink_id_++;
    bfd_event_sinks_.emplace(id, std::move(sink));
    return std::function<void()>([this, id] { bfd_event_sinks_.erase(id); });
  };
  std::function<bool(const v1::BfdEvent&)> filter;
  if (only) {
    filter = [p = only->to_string(), i = req.interface()](const v1::BfdEvent& e) {
      return e.peer() == p && (i.empty() || e.interface() == i);
    };
  }
  return std::unique_ptr<api::ServerStream>(
      std::make_unique<QueuedEventStream<v1::BfdEvent, v1::WatchBfdResponse>>(subscribe, std::move(filter)));
}

}  // namespace vgw::routing
