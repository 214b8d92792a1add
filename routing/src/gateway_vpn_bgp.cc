// BGP over a connection's tunnels, and the roles of its tunnels in routing:
//
//   - each session a connection runs (bgp_plan.h) accepts the customer's routes with a weight
//     that follows its tunnel's role: the active tunnel's routes win over the standby's
//     (vpn-gateway kind); a transit router gives both the same weight, so both are used (ECMP);
//   - it advertises the VPC networks, the routes of router bgp's neighbors (the VPC side) and the
//     routes learned over the other connections, unless either connection has route propagation
//     off; never a customer's routes back to that customer;
//   - a tunnel that recovered while the standby carries (vpn-gateway kind) stays held out of the
//     RIB until the fail-back delay has passed, so its connected prefix, static routes and BGP
//     routes return together, when the connection's destination routes move back.
#include <algorithm>

#include "bgp_plan.h"
#include "gateway_state.h"
#include "vgw/bgp/speaker.h"
#include "vpn_connections.h"

namespace vgw::routing {

namespace {
// The weights of a connection's BGP routes by the role of the tunnel they were learned over.
constexpr uint32_t kActiveWeight = 200;
constexpr uint32_t kStandbyWeight = 100;
}  // namespace

// Which session belongs to which connection, as the connections' export policies read it. A new
// one (with a new generation, which names the policy for update groups) replaces it when the
// sessions change; policies keep the one they were made with until then.
struct Gateway::ConnectionExport {
  std::map<IpAddress, std::pair<std::string, bool>> sessions;  // address -> (connection, propagation)
  uint64_t generation = 0;
};

bool Gateway::refresh_connection_export() {
  std::map<IpAddress, std::pair<std::string, bool>> sessions;
  if (bgp_plan_) {
    for (const auto& [a, p] : bgp_plan_->connection_peers) sessions[a] = {p.connection, p.route_propagation};
  }
  if (connection_export_ && connection_export_->sessions == sessions) return false;
  auto next = std::make_shared<ConnectionExport>();
  next->sessions = std::move(sessions);
  next->generation = connection_export_ ? connection_export_->generation + 1 : 1;
  connection_export_ = std::move(next);
  return true;
}

const ConnectionBgpPeer* Gateway::connection_peer(const IpAddress& address) const {
  if (!bgp_plan_) return nullptr;
  auto it = bgp_plan_->connection_peers.find(address);
  return it == bgp_plan_->connection_peers.end() ? nullptr : &it->second;
}

bgp::PeerConfig Gateway::connection_speaker_peer(const ConnectionBgpPeer& c) const {
  bgp::PeerConfig p = speaker_peer_config(c.neighbor);
  if (c.local_as) p.local_as = c.local_as;
  const bool ecmp = bgp_plan_ && bgp_plan_->kind == GatewayKind::kTransitRouter;
  const uint32_t weight = ecmp || c.role == TunnelRole::kActive ? kActiveWeight : kStandbyWeight;
  p.import_policy = [weight](const bgp::PolicyContext&, bgp::PolicyRoute& route) {
    route.weight = weight;
    return bgp::PolicyResult::kAccept;
  };
  p.export_policy = [exports = connection_export_, connection = c.connection, propagate = c.route_propagation](
                        const bgp::PolicyContext& ctx, bgp::PolicyRoute&) {
    if (!ctx.source_peer) return bgp::PolicyResult::kAccept;  // ours: VPC networks, networks
    auto it = exports->sessions.find(*ctx.source_peer);
    if (it == exports->sessions.end()) return bgp::PolicyResult::kAccept;  // router bgp's: the VPC side
    if (it->second.first == connection) return bgp::PolicyResult::kReject;  // back to that customer
    return propagate && it->second.second ? bgp::PolicyResult::kAccept : bgp::PolicyResult::kReject;
  };
  p.export_policy_id = "vpn-connection " + c.connection + (c.route_propagation ? "" : " isolated") + "@" +
                       std::to_string(connection_export_->generation);
  return p;
}

void Gateway::describe_connection_bgp(const VpnConnectionConfig& c, const std::string& tunnel,
                                      v1::VpnConnectionTunnel& out) const {
  auto ct = std::find_if(c.tunnels.begin(), c.tunnels.end(), [&](const auto& t) { return t.tunnel == tunnel; });
  if (ct == c.tunnels.end()) return;
  auto p = connection_bgp_peer(model_, c, *ct);
  if (!p) {
    out.set_bgp_problem(p.error().message);
    return;
  }
  out.set_bgp_peer(p->neighbor.address.to_string());
  out.set_bgp_local(p->neighbor.update_source->to_string());
  if (!connection_peer(p->neighbor.address)) {
    out.set_bgp_problem("no session: " + p->neighbor.address.to_string() + " is a router bgp neighbor");
    return;
  }
  if (!speaker_) {
    out.set_bgp_state("Idle");
    out.set_bgp_problem(bgp_problem_.empty() ? "BGP is not running" : bgp_problem_);
    return;
  }
  if (auto st = speaker_->peer(p->neighbor.address)) {
    out.set_bgp_state(bgp::session::state_name(st->state));
    out.set_bgp_prefixes_accepted(st->accepted_ipv4 + st->accepted_ipv6);
    if (st->state != bgp::session::State::kEstablished) out.set_bgp_problem(st->last_error.to_string());
  }
}

void Gateway::sync_failback_holds(const std::string* changed) {
  if (!kernel_ || !tunnels_ || !tunnels_->health) return;
  std::set<std::string> waiting = vpn_->waiting_failback();
  auto hold = [&](const std::string& name) {
    auto up = tunnels_->health->is_up(name);
    auto ifname = tunnel_interface(name);
    if (up && ifname) kernel_->set_held_down(*ifname, !*up || waiting.count(name));
  };
  if (changed == nullptr) {
    for (const auto& [name, t] : model_.tunnels) hold(name);
  } else {
    // A tunnel's hold follows its own health and whether it waits: only these can differ.
    std::set<std::string> touched = waiting;
    touched.insert(failback_waiting_.begin(), failback_waiting_.end());
    touched.insert(*changed);
    for (const auto& name : touched) {
      if (model_.tunnels.count(name)) hold(name);
    }
  }
  failback_waiting_ = std::move(waiting);
}

}  // namespace vgw::routing
