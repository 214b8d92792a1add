// The Gateway's VpnService for the gateway itself and its IPsec-VPN connections: the
// `vpn-gateway` and `vpn-connection` blocks (validated, persisted), and their state as the API
// shows it. The decisions (which tunnel carries, the destination routes in the RIB) are
// VpnConnections' (vpn_connections.h), re-run after every change of the model and every tunnel
// health transition.
#include <algorithm>

#include "vgw/base/asn.h"
#include "vgw/base/log.h"
#include "vgw/bgp/speaker.h"
#include "bgp_plan.h"
#include "gateway_state.h"
#include "vpn_connections.h"

namespace vgw::routing {

namespace {

Result<GatewayKind> parse_kind(const std::string& text) {
  if (text == "vpn-gateway") return GatewayKind::kVpnGateway;
  if (text == "transit-router") return GatewayKind::kTransitRouter;
  return fail(Error::invalid("kind '" + text + "' is not vpn-gateway or transit-router"));
}

Result<TunnelRole> parse_role(const std::string& field, const std::string& text) {
  if (text == "active" || text.empty()) return TunnelRole::kActive;
  if (text == "standby") return TunnelRole::kStandby;
  return fail(Error::invalid(field + " '" + text + "' is not active or standby"));
}

Result<std::pair<Prefix, uint8_t>> parse_route(const v1::VpnRoute& r) {
  auto p = Prefix::parse(r.prefix());
  if (!p) return fail(Error::invalid("route prefix: " + p.error().message));
  if (r.weight() != 0 && r.weight() != 100) {
    return fail(Error::invalid("route " + r.prefix() + " weight " + std::to_string(r.weight()) +
                               " is not 100 (active) or 0 (standby)"));
  }
  return std::make_pair(*p, static_cast<uint8_t>(r.weight()));
}

// Adds or removes subnets (prefixes) named by an API field.
Status edit_subnets(const std::string& field, const google::protobuf::RepeatedPtrField<std::string>& add,
                    const google::protobuf::RepeatedPtrField<std::string>& remove, std::set<Prefix>& subnets) {
  for (const auto& text : add) {
    auto p = Prefix::parse(text);
    if (!p) return fail(Error::invalid("add_" + field + ": " + p.error().message));
    if (p->address().is_multicast()) return fail(Error::invalid("add_" + field + ": " + p->to_string() + " is multicast"));
    subnets.insert(*p);
  }
  for (const auto& text : remove) {
    auto p = Prefix::parse(text);
    if (!p) return fail(Error::invalid("remove_" + field + ": " + p.error().message));
    if (!subnets.erase(*p)) {
      return fail(Error::not_found(std::string("the connection has no ") +
                                   (field == "local_subnets" ? "local" : "remote") + " subnet " + p->to_string()));
    }
  }
  return {};
}

Status parse_bgp_timers(uint32_t keepalive, uint32_t hold, VpnConnectionBgpConfig& out) {
  VpnConnectionBgpConfig defaults;
  uint32_t k = keepalive ? keepalive : defaults.keepalive;
  uint32_t h = hold ? hold : defaults.hold;
  if (k > 65535 || h > 65535) return fail(Error::invalid("bgp timers must be 0..65535 seconds"));
  if (h < 3) return fail(Error::invalid("bgp_hold " + std::to_string(h) + " must be 0 (default) or at least 3 (RFC 4271)"));
  if (k > h) return fail(Error::invalid("bgp_keepalive " + std::to_string(k) + " must not exceed bgp_hold " + std::to_string(h)));
  out.keepalive = static_cast<uint16_t>(k);
  out.hold = static_cast<uint16_t>(h);
  return {};
}

}  // namespace

void Gateway::sync_vpn(const std::string* health_changed) {
  if (vpn_) vpn_->sync(model_);
  sync_failback_holds(health_changed);
}

VpnTunnelLink Gateway::tunnel_link(const std::string& tunnel) const {
  VpnTunnelLink link;
  auto t = model_.tunnels.find(tunnel);
  if (t == model_.tunnels.end()) {
    link.reason = "tunnel '" + tunnel + "' does not exist";
    return link;
  }
  auto ifname = tunnel_interface(tunnel);
  if (!ifname) {
    link.reason = describe_tunnel(t->second).state().reason();
    return link;
  }
  link.interface_name = *ifname;
  if (kernel_) {
    if (const auto* i = kernel_->interface(*ifname)) link.ifindex = static_cast<uint32_t>(i->ifindex);
  }
  link.reason = "health not known yet";
  if (tunnels_ && tunnels_->health) {
    if (auto v = tunnels_->health->view(tunnel)) {
      link.up = v->up;
      link.reason = v->reason;
    }
  }
  return link;
}

// ---- the gateway -------------------------------------------------------------------------------

Result<v1::VpnGateway> Gateway::get_vpn_gateway(const v1::GetVpnGatewayRequest&) const {
  v1::VpnGateway out;
  out.set_kind(gateway_kind_name(model_.vpn_gateway.kind));
  out.set_failback_delay(model_.vpn_gateway.failback_delay_or_default());
  out.set_local_asn(model_.vpn_gateway.local_asn_or_default());
  if (model_.vpn_gateway.router_id) out.set_router_id(model_.vpn_gateway.router_id->to_string());
  for (const auto& p : model_.vpn_gateway.vpc_networks) out.add_vpc_networks(p.to_string());
  for (const auto& a : model_.vpn_gateway.public_addresses) out.add_public_addresses(a.to_string());
  out.set_connections(static_cast<uint32_t>(model_.vpn_connections.size()));
  for (const auto& [name, c] : model_.vpn_connections) {
    auto v = vpn_->view(c);
    if (v.status == "up") {
      out.set_connections_up(out.connections_up() + 1);
    } else if (v.status == "degraded") {
      out.set_connections_degraded(out.connections_degraded() + 1);
    } else {
      out.set_connections_down(out.connections_down() + 1);
    }
  }
  return out;
}

Result<v1::VpnGateway> Gateway::set_vpn_gateway(const v1::SetVpnGatewayRequest& req) {
  VpnGatewayConfig g = model_.vpn_gateway;
  if (req.has_kind()) {
    auto k = parse_kind(req.kind());
    if (!k) return fail(k.error());
    g.kind = *k;
  }
  if (req.has_failback_delay()) {
    if (req.failback_delay() > VpnGatewayConfig::kMaxFailbackDelay) {
      return fail(Error::invalid("failback_delay " + std::to_string(req.failback_delay()) + " is out of range (0-" +
                                 std::to_string(VpnGatewayConfig::kMaxFailbackDelay) + ")"));
    }
    g.failback_delay = req.failback_delay();
    if (g.failback_delay == VpnGatewayConfig::kDefaultFailbackDelay) g.failback_delay.reset();
  }
  if (req.has_local_asn()) {
    if (req.local_asn().empty()) {
      g.local_asn.reset();
    } else {
      auto asn = parse_asn(req.local_asn());
      if (!asn) return fail(Error::invalid("local_asn: " + asn.error().message));
      g.local_asn = *asn;
      if (*asn == VpnGatewayConfig::kDefaultLocalAsn) g.local_asn.reset();
    }
  }
  if (req.has_router_id()) {
    if (req.router_id().empty()) {
      g.router_id.reset();
    } else {
      auto r = IpAddress::parse(req.router_id());
      if (!r || !r->is_v4()) return fail(Error::invalid("router_id must be an IPv4 address (A.B.C.D)"));
      if (r->is_unspecified() || r->is_multicast() || r->is_v4_broadcast()) {
        return fail(Error::invalid("router_id " + r->to_string() + " is not usable as a BGP Identifier"));
      }
      g.router_id = *r;
    }
  }
  for (const auto& text : req.add_vpc_networks()) {
    auto p = Prefix::parse(text);
    if (!p) return fail(Error::invalid("add_vpc_networks: " + p.error().message));
    if (p->address().is_multicast() || p->address().is_loopback()) {
      return fail(Error::invalid("add_vpc_networks: " + p->to_string() + " is not a unicast network"));
    }
    g.vpc_networks.insert(*p);
  }
  for (const auto& text : req.add_public_addresses()) {
    auto a = parse_customer_gateway_ip(text);  // the same rules: a unicast, routable address
    if (!a) return fail(Error::invalid("add_public_addresses: " + a.error().message));
    g.public_addresses.insert(*a);
  }
  for (const auto& text : req.remove_public_addresses()) {
    auto a = IpAddress::parse(text);
    if (!a) return fail(Error::invalid("remove_public_addresses: " + a.error().message));
    if (!g.public_addresses.erase(*a)) return fail(Error::not_found("no public-address " + a->to_string()));
  }
  for (const auto& text : req.remove_vpc_networks()) {
    auto p = Prefix::parse(text);
    if (!p) return fail(Error::invalid("remove_vpc_networks: " + p.error().message));
    if (!g.vpc_networks.erase(*p)) return fail(Error::not_found("no vpc-network " + p->to_string()));
  }
  if (g != model_.vpn_gateway) {
    ConfigModel next = model_;
    next.vpn_gateway = g;
    if (auto s = commit(std::move(next)); !s) return fail(s.error());
    VGW_LOG(kInfo, "vpn") << "vpn-gateway: kind " << gateway_kind_name(g.kind) << ", fail-back delay "
                          << g.failback_delay_or_default() << " s";
  }
  return get_vpn_gateway({});
}

// ---- connections -------------------------------------------------------------------------------

Status Gateway::validate_vpn_connection(const VpnConnectionConfig& c) const {
  if (!c.customer_gateway.empty() && !model_.customer_gateways.count(c.customer_gateway)) {
    return fail(Error::invalid("customer gateway '" + c.customer_gateway + "' does not exist"));
  }
  if (c.tunnels.size() > VpnConnectionConfig::kMaxTunnels) {
    return fail(Error::invalid("a connection has at most two tunnels (" + c.tunnels[0].tunnel + " and " +
                               c.tunnels[1].tunnel + " already); remove one first"));
  }
  if (c.tunnels.size() == 2 && c.tunnels[0].role == c.tunnels[1].role) {
    return fail(Error::invalid(std::string("both tunnels are ") + tunnel_role_name(c.tunnels[0].role) +
                               ": a connection has one active and one standby tunnel"));
  }
  for (const auto& t : c.tunnels) {
    if (!model_.tunnels.count(t.tunnel)) return fail(Error::invalid("tunnel '" + t.tunnel + "' does not exist"));
    for (const auto& [name, other] : model_.vpn_connections) {
      if (name == c.name) continue;
      for (const auto& ot : other.tunnels) {
        if (ot.tunnel == t.tunnel) {
          return fail(Error::invalid("tunnel '" + t.tunnel + "' already belongs to connection " + name));
        }
      }
    }
  }
  return {};
}

Result<v1::VpnConnection> Gateway::create_vpn_connection(const v1::CreateVpnConnectionRequest& req) {
  if (auto s = validate_resource_name("name", req.name()); !s) return fail(s.error());
  if (model_.vpn_connections.count(req.name())) {
    return fail(Error::exists("connection '" + req.name() + "' already exists"));
  }
  VpnConnectionConfig c;
  c.name = req.name();
  c.customer_gateway = req.customer_gateway();
  if (auto s = validate_description("description", req.description()); !s) return fail(s.error());
  c.description = req.description();
  for (const auto& t : req.tunnels()) {
    auto role = parse_role("tunnels.role", t.role());
    if (!role) return fail(role.error());
    if (std::any_of(c.tunnels.begin(), c.tunnels.end(), [&](const auto& x) { return x.tunnel == t.tunnel(); })) {
      return fail(Error::invalid("tunnel '" + t.tunnel() + "' is listed twice"));
    }
    c.tunnels.push_back({t.tunnel(), *role});
  }
  for (const auto& r : req.routes()) {
    auto route = parse_route(r);
    if (!route) return fail(route.error());
    c.routes[route->first] = route->second;
  }
  if (req.bgp()) {
    c.bgp.emplace();
    if (auto s = parse_bgp_timers(req.bgp_keepalive(), req.bgp_hold(), *c.bgp); !s) return fail(s.error());
  } else if (req.bgp_keepalive() || req.bgp_hold()) {
    return fail(Error::invalid("bgp_keepalive and bgp_hold need bgp"));
  }
  if (req.has_route_propagation()) c.route_propagation = req.route_propagation();
  if (auto s = edit_subnets("local_subnets", req.local_subnets(), {}, c.local_subnets); !s) return fail(s.error());
  if (auto s = edit_subnets("remote_subnets", req.remote_subnets(), {}, c.remote_subnets); !s) return fail(s.error());
  if (auto s = validate_vpn_connection(c); !s) return fail(s.error());
  ConfigModel next = model_;
  next.vpn_connections[c.name] = c;
  if (auto s = commit(std::move(next)); !s) return fail(s.error());
  VGW_LOG(kInfo, "vpn") << "connection " << c.name << " created"
                        << (c.customer_gateway.empty() ? "" : " (customer gateway " + c.customer_gateway + ")");
  return describe_vpn_connection(model_.vpn_connections.at(c.name));
}

Result<v1::VpnConnection> Gateway::modify_vpn_connection(const v1::ModifyVpnConnectionRequest& req) {
  auto it = model_.vpn_connections.find(req.name());
  if (it == model_.vpn_connections.end()) {
    return fail(Error::not_found("connection '" + req.name() + "' does not exist"));
  }
  VpnConnectionConfig c = it->second;
  if (req.has_customer_gateway()) c.customer_gateway = req.customer_gateway();
  if (req.has_description()) {
    if (auto s = validate_description("description", req.description()); !s) return fail(s.error());
    c.description = req.description();
  }
  if (req.has_set_tunnel()) {
    auto role = parse_role("set_tunnel.role", req.set_tunnel().role());
    if (!role) return fail(role.error());
    auto t = std::find_if(c.tunnels.begin(), c.tunnels.end(),
                          [&](const auto& x) { return x.tunnel == req.set_tunnel().tunnel(); });
    if (t != c.tunnels.end()) {
      t->role = *role;
    } else {
      c.tunnels.push_back({req.set_tunnel().tunnel(), *role});
    }
  }
  if (!req.remove_tunnel().empty()) {
    auto t = std::find_if(c.tunnels.begin(), c.tunnels.end(), [&](const auto& x) { return x.tunnel == req.remove_tunnel(); });
    if (t == c.tunnels.end()) {
      return fail(Error::not_found("tunnel '" + req.remove_tunnel() + "' is not part of connection " + c.name));
    }
    c.tunnels.erase(t);
  }
  if (req.has_set_route()) {
    auto route = parse_route(req.set_route());
    if (!route) return fail(route.error());
    c.routes[route->first] = route->second;
  }
  if (!req.remove_route().empty()) {
    auto p = Prefix::parse(req.remove_route());
    if (!p) return fail(Error::invalid("remove_route: " + p.error().message));
    if (!c.routes.erase(*p)) {
      return fail(Error::not_found("connection " + c.name + " has no route " + p->to_string()));
    }
  }
  if (req.has_bgp() && !req.bgp()) {
    if (req.has_bgp_keepalive() || req.has_bgp_hold()) return fail(Error::invalid("bgp_keepalive and bgp_hold need bgp"));
    c.bgp.reset();
  } else if (req.has_bgp() || req.has_bgp_keepalive() || req.has_bgp_hold()) {
    if (!req.has_bgp() && !c.bgp) return fail(Error::invalid("bgp_keepalive and bgp_hold need bgp"));
    VpnConnectionBgpConfig b = c.bgp.value_or(VpnConnectionBgpConfig{});
    uint32_t k = req.has_bgp_keepalive() ? req.bgp_keepalive() : b.keepalive;
    uint32_t h = req.has_bgp_hold() ? req.bgp_hold() : b.hold;
    if (auto s = parse_bgp_timers(k, h, b); !s) return fail(s.error());
    c.bgp = b;
  }
  if (req.has_route_propagation()) c.route_propagation = req.route_propagation();
  if (auto s = edit_subnets("local_subnets", req.add_local_subnets(), req.remove_local_subnets(), c.local_subnets); !s) {
    return fail(s.error());
  }
  if (auto s = edit_subnets("remote_subnets", req.add_remote_subnets(), req.remove_remote_subnets(), c.remote_subnets);
      !s) {
    return fail(s.error());
  }
  if (auto s = validate_vpn_connection(c); !s) return fail(s.error());
  if (c == it->second) return describe_vpn_connection(c);
  ConfigModel next = model_;
  next.vpn_connections[c.name] = c;
  if (auto s = commit(std::move(next)); !s) return fail(s.error());
  if (persist_) {  // not once per line of the config file
    VGW_LOG(kInfo, "vpn") << "connection " << c.name << " changed";
  }
  return describe_vpn_connection(model_.vpn_connections.at(c.name));
}

Result<v1::DeleteVpnConnectionResponse> Gateway::delete_vpn_connection(const v1::DeleteVpnConnectionRequest& req) {
  if (!model_.vpn_connections.count(req.name())) {
    return fail(Error::not_found("connection '" + req.name() + "' does not exist"));
  }
  ConfigModel next = model_;
  next.vpn_connections.erase(req.name());
  if (auto s = commit(std::move(next)); !s) return fail(s.error());
  VGW_LOG(kInfo, "vpn") << "connection " << req.name() << " deleted";
  return v1::DeleteVpnConnectionResponse{};
}

Result<v1::DescribeVpnConnectionsResponse> Gateway::describe_vpn_connections(
    const v1::DescribeVpnConnectionsRequest& req) const {
  v1::DescribeVpnConnectionsResponse r;
  if (!req.name().empty()) {
    auto it = model_.vpn_connections.find(req.name());
    if (it == model_.vpn_connections.end()) {
      return fail(Error::not_found("connection '" + req.name() + "' does not exist"));
    }
    *r.add_vpn_connections() = describe_vpn_connection(it->second);
    return r;
  }
  for (const auto& [name, c] : model_.vpn_connections) *r.add_vpn_connections() = describe_vpn_connection(c);
  return r;
}

v1::VpnConnection Gateway::describe_vpn_connection(const VpnConnectionConfig& c) const {
  v1::VpnConnection out;
  out.set_name(c.name);
  out.set_customer_gateway(c.customer_gateway);
  out.set_description(c.description);
  out.set_kind(gateway_kind_name(model_.vpn_gateway.kind));
  auto v = vpn_->view(c);
  out.set_status(v.status);
  out.set_reason(v.reason);
  if (v.failback_in) out.set_failback_in(*v.failback_in);
  if (c.bgp) {
    out.set_bgp(true);
    out.set_bgp_keepalive(c.bgp->keepalive);
    out.set_bgp_hold(c.bgp->hold);
  }
  out.set_route_propagation(c.route_propagation);
  for (const auto& p : c.local_subnets) out.add_local_subnets(p.to_string());
  for (const auto& p : c.remote_subnets) out.add_remote_subnets(p.to_string());
  for (const auto& t : v.tunnels) {
    auto* o = out.add_tunnels();
    o->set_tunnel(t.tunnel);
    if (c.bgp) describe_connection_bgp(c, t.tunnel, *o);
    o->set_role(model_.vpn_gateway.kind == GatewayKind::kTransitRouter ? "ecmp" : tunnel_role_name(t.role));
    o->set_up(t.link.up);
    o->set_reason(t.link.reason);
    o->set_carrying(t.carrying);
    if (tunnels_ && tunnels_->health) {
      if (auto h = tunnels_->health->view(t.tunnel)) o->set_since_unix_ms(static_cast<uint64_t>(h->since_unix_ms));
    }
    o->set_interface_name(t.link.interface_name);
    if (tunnels_ && tunnels_->dataplane) {
      if (auto k = tunnels_->dataplane->counters(t.tunnel)) {
        o->set_tx_packets(k->tx_packets);
        o->set_rx_packets(k->rx_packets);
        o->set_tx_bytes(k->tx_bytes);
        o->set_rx_bytes(k->rx_bytes);
      }
    }
  }
  for (const auto& r : v.routes) {
    auto* o = out.add_routes();
    o->set_prefix(r.prefix.to_string());
    o->set_weight(r.weight);
    o->set_installed(!r.via.empty());
    for (const auto& t : r.via) o->add_via(t);
    if (!r.via.empty()) {
      auto selected = rib_.selected(r.prefix);
      o->set_selected(selected.active() && selected.source == rib::RouteSource::kVpn &&
                      selected.distance == VpnConnections::distance(r.weight));
    }
  }
  return out;
}

}  // namespace vgw::routing
