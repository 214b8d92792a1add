#include "bgp_plan.h"

#include <algorithm>

namespace vgw::routing {

std::set<IpAddress> BgpPlan::peer_addresses() const {
  std::set<IpAddress> out;
  for (const auto& [a, n] : neighbors) out.insert(a);
  for (const auto& [a, p] : connection_peers) out.insert(a);
  return out;
}

Result<ConnectionBgpPeer> connection_bgp_peer(const ConfigModel& model, const VpnConnectionConfig& c,
                                              const VpnConnectionTunnelConfig& ct) {
  auto cgw = model.customer_gateways.find(c.customer_gateway);
  if (c.customer_gateway.empty() || cgw == model.customer_gateways.end()) {
    return fail(Error::invalid("bgp: connection " + c.name + " has no customer gateway (its ASN is the peer's)"));
  }
  auto t = model.tunnels.find(ct.tunnel);
  if (t == model.tunnels.end()) return fail(Error::invalid("bgp: tunnel '" + ct.tunnel + "' does not exist"));
  if (!t->second.inside) {
    return fail(Error::invalid("bgp: tunnel " + ct.tunnel + " has no inside address (the sessions run between "
                               "the two ends of its inside /30)"));
  }
  auto peer = point_to_point_peer(*t->second.inside);
  if (!peer) {
    return fail(Error::invalid("bgp: tunnel " + ct.tunnel + " inside " + t->second.inside->to_string() +
                               " is not a host address of a /30 or /31 (/126, /127): the BGP peer's address "
                               "cannot be derived"));
  }
  uint32_t local_as = model.vpn_gateway.local_asn_or_default();
  if (cgw->second.asn == local_as) {
    return fail(Error::invalid("bgp: customer gateway " + cgw->first + " has AS " + std::to_string(local_as) +
                               ", the gateway's local ASN: the sessions are eBGP, the two ASNs must differ"));
  }
  ConnectionBgpPeer p;
  p.connection = c.name;
  p.tunnel = ct.tunnel;
  p.role = ct.role;
  p.route_propagation = c.route_propagation;
  p.local_as = local_as;
  BgpNeighborConfig& n = p.neighbor;
  n.address = *peer;
  n.remote_as = cgw->second.asn;
  n.update_source = t->second.inside->address;
  n.description = "vpn-connection " + c.name + " tunnel " + ct.tunnel;
  n.keepalive = c.bgp ? c.bgp->keepalive : VpnConnectionBgpConfig{}.keepalive;
  n.hold = c.bgp ? c.bgp->hold : VpnConnectionBgpConfig{}.hold;
  // The session runs over a tunnel that comes and goes: a connect that failed while the tunnel
  // was down is retried within seconds, not after BGP's usual 120 s (FRR's `timers connect`).
  n.connect_retry = std::clamp<uint16_t>(n.keepalive, 1, kConnectionConnectRetryMax);
  n.ipv4_unicast = peer->is_v4();
  n.ipv6_unicast = peer->is_v6();
  return p;
}

// Every connection with bgp can run its sessions in `model`: a customer gateway with an ASN other
// than the local one, tunnels with a /30 or /31 inside, no session that is also a router bgp
// neighbor.
Status validate_connections_bgp(const ConfigModel& model) {
  for (const auto& [name, c] : model.vpn_connections) {
    if (!c.bgp) continue;
    for (const auto& t : c.tunnels) {
      auto p = connection_bgp_peer(model, c, t);
      if (!p) return fail(Error::invalid("connection " + name + ": " + p.error().message));
      if (model.bgp && model.bgp->neighbors.count(p->neighbor.address)) {
        return fail(Error::invalid("connection " + name + ": bgp: " + p->neighbor.address.to_string() +
                                   " (the far end of tunnel " + t.tunnel + ") is a router bgp neighbor already; "
                                   "remove that neighbor first"));
      }
    }
  }
  return {};
}

std::optional<BgpPlan> plan_bgp(const ConfigModel& model) {
  BgpPlan plan;
  plan.kind = model.vpn_gateway.kind;
  for (const auto& [name, c] : model.vpn_connections) {
    if (!c.bgp) continue;
    for (const auto& t : c.tunnels) {
      auto p = connection_bgp_peer(model, c, t);
      if (!p) continue;  // shown by the connection (describe_vpn_connection)
      if (model.bgp && model.bgp->neighbors.count(p->neighbor.address)) continue;  // refused when configured
      plan.connection_peers.emplace(p->neighbor.address, std::move(*p));
    }
  }
  if (!model.bgp && plan.connection_peers.empty()) return std::nullopt;
  plan.router_id = model.vpn_gateway.router_id;
  if (model.bgp) {
    const BgpConfig& b = *model.bgp;
    plan.asn = b.asn;
    if (b.router_id) plan.router_id = b.router_id;
    plan.ebgp_requires_policy = b.ebgp_requires_policy;
    plan.multipath_relax = b.multipath_relax;
    plan.maximum_paths = b.maximum_paths;
    for (const auto& [a, n] : b.neighbors) plan.neighbors.emplace(a, effective_neighbor(b, n));
    plan.networks = b.networks;
    plan.redistribute = b.redistribute;
  } else {
    plan.asn = model.vpn_gateway.local_asn_or_default();
  }
  for (auto& [a, p] : plan.connection_peers) {
    if (p.local_as == plan.asn) p.local_as = 0;  // the speaker's own AS: no override
  }
  if (!plan.connection_peers.empty()) {
    plan.networks.insert(model.vpn_gateway.vpc_networks.begin(), model.vpn_gateway.vpc_networks.end());
    if (plan.kind == GatewayKind::kTransitRouter) {
      plan.maximum_paths = std::max(plan.maximum_paths, kTransitRouterPaths);
    }
  }
  return plan;
}

}  // namespace vgw::routing
