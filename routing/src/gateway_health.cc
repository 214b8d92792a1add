// Tunnel health in the Gateway: the `health-check` line of a tunnel block (validated here), the
// TunnelHealth monitor fed with each tunnel's interface, SAs and check, and the path from a
// health transition to the RIB:
//
//   TunnelHealth --(tunnel down)--> KernelSync::set_held_down(interface)
//     -> the interface's connected prefix leaves the RIB; static routes through the interface are
//        recomputed without it; routes whose next-hops resolved through the prefix (static/VPN
//        routes via an address, BGP routes learned over the tunnel) re-resolve or go
//     -> the RIB's changes reach the kernel FIB in the next batch, the other tunnel's routes
//        (standby, or the remaining ECMP member) replacing them in place.
#include <chrono>

#include "vgw/base/clock.h"
#include "vgw/base/log.h"
#include "vgw/bgp/speaker.h"
#include "bgp_plan.h"
#include "event_stream.h"
#include "gateway_state.h"
#include "tunnel_health.h"

namespace vgw::routing {

Status Gateway::apply_tunnel_health(TunnelConfig& t, const v1::UpdateTunnelRequest& req) const {
  if (req.remove_health_check()) {
    if (req.has_health_check()) return fail(Error::invalid("health_check and remove_health_check are both set"));
    t.health_check.reset();
    return {};
  }
  if (!req.has_health_check()) return {};
  const auto& h = req.health_check();
  using H = TunnelHealthCheckConfig;
  H c;
  auto destination = parse_optional_unicast("health_check.destination", h.destination());
  if (!destination) return fail(destination.error());
  auto source = parse_optional_unicast("health_check.source", h.source());
  if (!source) return fail(source.error());
  c.destination = *destination;
  c.source = *source;
  if (h.interval_ms() && (h.interval_ms() < H::kMinIntervalMs || h.interval_ms() > H::kMaxIntervalMs)) {
    return fail(Error::invalid("health_check.interval_ms " + std::to_string(h.interval_ms()) + " is out of range (" +
                               std::to_string(H::kMinIntervalMs) + "-" + std::to_string(H::kMaxIntervalMs) + ")"));
  }
  if (h.retries() > H::kMaxRetries) {
    return fail(Error::invalid("health_check.retries " + std::to_string(h.retries()) + " is out of range (1-" +
                               std::to_string(H::kMaxRetries) + ")"));
  }
  c.interval_ms = h.interval_ms();
  c.retries = h.retries();
  if (h.udp_port() > 65535) {
    return fail(Error::invalid("health_check.udp_port " + std::to_string(h.udp_port()) + " is out of range (1-65535)"));
  }
  c.udp_port = static_cast<uint16_t>(h.udp_port());
  t.health_check = c;
  return {};
}

// Refused only when the addresses are wrong in themselves; a missing inside address is
// reported by the tunnel's state (it is incomplete anyway).
Status Gateway::validate_tunnel_health(const TunnelConfig& t) const {
  if (!t.health_check || !t.inside) return {};
  auto addrs = health_check_addresses(t);
  if (!addrs) return fail(addrs.error());
  const auto& [source, destination] = *addrs;
  if (source == destination) return fail(Error::invalid("health-check source and destination are the same address"));
  if (t.health_check->source && source.family() != t.inside->address.family()) {
    return fail(Error::invalid("health-check source " + source.to_string() + " is not of the inside address's family"));
  }
  return {};
}

v1::TunnelHealthCheck health_check_to_proto(const TunnelConfig& t) {
  v1::TunnelHealthCheck out;
  const auto& c = *t.health_check;
  if (auto a = health_check_addresses(t)) {
    out.set_source(a->first.to_string());
    out.set_destination(a->second.to_string());
  } else {
    if (c.source) out.set_source(c.source->to_string());
    if (c.destination) out.set_destination(c.destination->to_string());
  }
  out.set_interval_ms(c.interval_ms_or_default());
  out.set_retries(c.retries_or_default());
  out.set_udp_port(c.udp_port);
  return out;
}

void Gateway::describe_health(const std::string& tunnel, v1::TunnelState& state) const {
  if (!tunnels_ || !tunnels_->health) return;
  auto v = tunnels_->health->view(tunnel);
  if (!v) return;
  auto* h = state.mutable_health();
  h->set_up(v->up);
  h->set_reason(v->reason);
  h->set_since_unix_ms(static_cast<uint64_t>(v->since_unix_ms));
  h->set_transitions(v->transitions);
  for (const auto& in : v->inputs) {
    auto* i = h->add_inputs();
    i->set_name(in.name);
    i->set_ok(in.ok);
    i->set_detail(in.detail);
    i->set_since_unix_ms(static_cast<uint64_t>(in.since_unix_ms));
  }
  h->set_probes_sent(v->probes_sent);
  h->set_probes_answered(v->probes_answered);
  h->set_last_rtt_us(v->last_rtt_us);
}

// The monitor follows the dataplane: a tunnel with an interface is watched, with its check.
void Gateway::sync_tunnel_health(const TunnelConfig& t) {
  auto& rt = *tunnels_;
  if (!rt.health) {
    rt.health = std::make_unique<TunnelHealth>(rt.io, [this](const HealthChange& c) { on_tunnel_health(c); });
  }
  auto info = rt.dataplane->tunnel(t.name);
  if (!info) return;
  std::optional<HealthCheckSpec> spec;
  if (t.health_check) {
    if (auto a = health_check_addresses(t)) {
      spec = HealthCheckSpec{a->first, a->second, std::chrono::milliseconds(t.health_check->interval_ms_or_default()),
                             t.health_check->retries_or_default(), t.health_check->udp_port};
    }
  }
  rt.health->set_tunnel(t.name, info->interface_name, info->ifindex, spec);
  rt.health->set_admin_down(t.name, t.shutdown);
  refresh_tunnel_keys(t.name);
  refresh_tunnel_bgp(t);
}

// The BGP sessions over a tunnel: to the configured neighbors in its inside prefix (other than
// its own address), administratively shut down ones aside.
void Gateway::refresh_tunnel_bgp(const TunnelConfig& t) {
  if (!tunnels_ || !tunnels_->health || !tunnels_->health->known(t.name)) return;
  std::optional<std::pair<bool, std::string>> state;
  if (bgp_plan_ && t.inside) {
    for (const auto& address : bgp_plan_->peer_addresses()) {
      auto n = bgp_plan_->neighbors.find(address);
      if (n != bgp_plan_->neighbors.end() && n->second.shutdown) continue;
      if (address == t.inside->address || !t.inside->network().contains(address)) continue;
      if (!state) state.emplace(true, "");
      auto peer = speaker_ ? speaker_->peer(address) : std::nullopt;
      if (peer && peer->state == bgp::session::State::kEstablished) continue;
      state->first = false;
      std::string why = "neighbor " + address.to_string() + " is " +
                        (peer ? bgp::session::state_name(peer->state) : std::string("not running"));
      if (peer) {
        auto last = peer->last_error.to_string();
        if (!last.empty()) why += " (last: " + last + ")";
      }
      state->second += (state->second.empty() ? "" : "; ") + why;
    }
  }
  tunnels_->health->set_bgp(t.name, state);
}

void Gateway::refresh_tunnels_bgp() {
  for (const auto& [name, t] : model_.tunnels) refresh_tunnel_bgp(t);
}

// A BGP session changed state: the tunnel it runs over (if any) re-evaluates.
void Gateway::on_peer_state_for_health(const IpAddress& peer) {
  for (const auto& [name, t] : model_.tunnels) {
    if (t.inside && t.inside->network().contains(peer)) refresh_tunnel_bgp(t);
  }
}

void Gateway::forget_tunnel_health(const std::string& tunnel, const std::string& interface_name) {
  if (!tunnels_ || !tunnels_->health) return;
  tunnels_->health->remove_tunnel(tunnel);
  if (kernel_) kernel_->set_held_down(interface_name, false);
}

// Whether the tunnel has SAs to carry traffic: an active outbound and an inbound SA.
void Gateway::refresh_tunnel_keys(const std::string& tunnel) {
  if (!tunnels_ || !tunnels_->health || !tunnels_->dataplane) return;
  auto info = tunnels_->dataplane->tunnel(tunnel);
  if (!info) return;
  bool ok = info->active_outbound_spi && !info->inbound_spis.empty();
  std::string why;
  if (!info->active_outbound_spi) {
    why = "no outbound SA";
    auto t = model_.tunnels.find(tunnel);
    if (t != model_.tunnels.end() && t->second.ike.enabled()) {
      why = "IKE: not negotiated yet";
      if (tunnels_->ike) {
        for (const auto& v : tunnels_->ike->view(tunnel)) {
          why = "IKE " + v.status + (v.last_error.empty() ? "" : ": " + v.last_error);
        }
      }
    }
  } else if (info->inbound_spis.empty()) {
    why = "no inbound SA";
  }
  tunnels_->health->set_keys(tunnel, ok, why);
}

void Gateway::on_tunnel_health(const HealthChange& c) {
  if (c.first) {
    VGW_LOG(kInfo, "health") << "tunnel " << c.tunnel << " is " << (c.up ? "up" : "down")
                             << (c.reason.empty() ? "" : " (" + c.reason + ")");
  } else if (c.up) {
    VGW_LOG(kInfo, "health") << "tunnel " << c.tunnel << " is up: routes through " << c.interface_name << " restored";
  } else {
    VGW_LOG(kWarning, "health") << "tunnel " << c.tunnel << " is down (" << c.reason << "): routes through "
                                << c.interface_name << " withdrawn";
  }
  // The connections choose their carriers, then a down tunnel (or one waiting out the fail-back
  // delay) is held: that re-runs static routes and BGP next-hops (on_interfaces_changed).
  sync_vpn(&c.tunnel);
  if (tunnel_event_sinks_.empty()) return;
  v1::TunnelEvent e;
  e.set_tunnel(c.tunnel);
  e.set_interface_name(c.interface_name);
  e.set_up(c.up);
  e.set_reason(c.reason);
  e.set_unix_time_ms(static_cast<uint64_t>(unix_ms_now()));
  for (auto& [id, sink] : tunnel_event_sinks_) sink(e);
}

Result<std::unique_ptr<api::ServerStream>> Gateway::watch_tunnels(const v1::WatchTunnelsRequest& req) {
  if (!req.name().empty() && !model_.tunnels.count(req.name())) {
    return fail(Error::not_found("tunnel '" + req.name() + "' does not exist"));
  }
  auto subscribe = [this](std::function<void(const v1::TunnelEvent&)> sink) {
    uint64_t id = next_sink_id_++;
    tunnel_event_sinks_.emplace(id, std::move(sink));
    return std::function<void()>([this, id] { tunnel_event_sinks_.erase(id); });
  };
  std::function<bool(const v1::TunnelEvent&)> filter;
  if (!req.name().empty()) filter = [n = req.name()](const v1::TunnelEvent& e) { return e.tunnel() == n; };
  return std::unique_ptr<api::ServerStream>(
      std::make_unique<QueuedEventStream<v1::TunnelEvent, v1::WatchTunnelsResponse>>(subscribe, std::move(filter)));
}

}  // namespace vgw::routing
