// VPN commands: the `vpn-gateway` block (kind, fail-back delay), `vpn-connection NAME` blocks
// (customer gateway, two tunnels with their roles, destination routes), `show vpn-gateway` and
// `show vpn-connection`.
#include <algorithm>

#include "output.h"
#include "vgw/routing/api/methods.h"
#include "vgw/routing/cli/table.h"
#include "vgw/v1/vpn.pb.h"

namespace vgw::routing::cli {

namespace api = vgw::routing::api;

namespace {

Status set_gateway(Session& s, const std::function<void(v1::SetVpnGatewayRequest&)>& change) {
  v1::SetVpnGatewayRequest req;
  change(req);
  v1::VpnGateway out;
  return s.backend().call(api::kSetVpnGateway, req, out);
}

Status modify(Session& s, const std::function<void(v1::ModifyVpnConnectionRequest&)>& change) {
  v1::ModifyVpnConnectionRequest req;
  req.set_name(s.context("CONNECTION"));
  change(req);
  v1::VpnConnection out;
  return s.backend().call(api::kModifyVpnConnection, req, out);
}

Status vpn_connection(Session& s, const Args& a) {
  v1::DescribeVpnConnectionsRequest get;
  get.set_name(a.get("NAME"));
  v1::DescribeVpnConnectionsResponse existing;
  if (!s.backend().call(api::kDescribeVpnConnections, get, existing)) {
    v1::CreateVpnConnectionRequest req;
    req.set_name(a.get("NAME"));
    v1::VpnConnection out;
    if (auto st = s.backend().call(api::kCreateVpnConnection, req, out); !st) return st;
  }
  s.enter(Mode::kVpnConnection, {{"CONNECTION", a.get("NAME")}});
  return {};
}

// ---- show -----------------------------------------------------------------------------------

std::string tunnel_summary(const v1::VpnConnectionTunnel& t) {
  return t.tunnel() + " " + t.role() + " " + (t.up() ? "up" : "down") + (t.carrying() ? "*" : "");
}

void print_connection(Session& s, const v1::VpnConnection& c, const v1::DescribeCustomerGatewaysResponse& cgws) {
  auto& o = s.out();
  o << "VPN connection " << c.name() << " is " << c.status();
  if (!c.reason().empty()) o << " (" << c.reason() << ")";
  o << "\n";
  if (!c.description().empty()) o << "  Description: " << c.description() << "\n";
  o << "  Customer gateway: ";
  if (c.customer_gateway().empty()) o << "(none)";
  for (const auto& g : cgws.customer_gateways()) {
    if (g.name() == c.customer_gateway()) o << g.name() << " (" << g.ip_address() << ", AS " << g.asn() << ")";
  }
  o << "\n  Gateway kind " << c.kind() << ": "
    << (c.kind() == "transit-router" ? "traffic over every healthy tunnel (ECMP)"
                                     : "traffic over the active tunnel, the standby while it is down")
    << "\n";
  if (c.tunnels().empty()) o << "  No tunnels: add them with `tunnel NAME active|standby`\n";
  for (const auto& t : c.tunnels()) {
    o << "  Tunnel " << t.tunnel() << " (" << t.role() << "): " << (t.up() ? "up" : "down");
    if (t.since_unix_ms()) o << " " << since_text(t.since_unix_ms());
    if (!t.up() && !t.reason().empty()) o << ": " << t.reason();
    o << (t.carrying() ? ", carrying traffic" : ", not carrying traffic") << "\n";
    if (c.bgp()) {
      if (!t.bgp_peer().empty()) {
        o << "    BGP " << t.bgp_local() << " -> " << t.bgp_peer() << ": " << (t.bgp_state().empty() ? "-" : t.bgp_state());
        if (t.bgp_state() == "Established") o << ", prefixes accepted: " << t.bgp_prefixes_accepted();
        o << "\n";
      }
      if (!t.bgp_problem().empty()) o << "    BGP: " << t.bgp_problem() << "\n";
    }
    if (!t.interface_name().empty()) {
      o << "    Interface " << t.interface_name() << "; sent " << t.tx_packets() << " packets, " << t.tx_bytes()
        << " bytes; received " << t.rx_packets() << " packets, " << t.rx_bytes() << " bytes\n";
    }
  }
  if (c.failback_in()) o << "  Fail-back to the active tunnel in " << c.failback_in() << " s\n";
  if (c.bgp()) {
    o << "  Routing: BGP over each tunnel (keepalive " << c.bgp_keepalive() << " s, hold " << c.bgp_hold() << " s)"
      << (c.kind() == "transit-router" ? ", routes of both tunnels used (ECMP)"
                                       : ", the active tunnel's routes preferred (weight 200 over 100)")
      << "\n";
  }
  if (c.local_subnets_size() || c.remote_subnets_size()) {
    o << "  Policy-based: local";
    for (const auto& p : c.local_subnets()) o << " " << p;
    if (!c.local_subnets_size()) o << " any";
    o << " <-> remote";
    for (const auto& p : c.remote_subnets()) o << " " << p;
    if (!c.remote_subnets_size()) o << " any";
    o << " (the tunnels' traffic selectors, with their inside addresses)\n";
  }
  o << "  Route propagation: "
    << (c.route_propagation() ? "on (routes exchanged with the other connections)"
                              : "off (routes exchanged with the VPC side only)")
    << "\n";
  if (c.routes().empty()) {
    o << "  No destination routes\n";
    return;
  }
  o << "  Destination routes:\n";
  for (const auto& r : c.routes()) {
    o << "    " << r.prefix() << " weight " << r.weight() << (r.weight() == 100 ? " (active)" : " (standby)");
    if (r.via().empty()) {
      o << ": not installed (no tunnel can carry it)\n";
      continue;
    }
    o << " via";
    for (const auto& v : r.via()) o << " " << v;
    o << (r.selected() ? ", selected" : ", not selected (a better route to the prefix exists)") << "\n";
  }
}

Status show_vpn_connection(Session& s, const Args& a) {
  v1::DescribeVpnConnectionsRequest req;
  req.set_name(a.get("NAME"));
  v1::DescribeVpnConnectionsResponse r;
  if (auto st = s.backend().call(api::kDescribeVpnConnections, req, r); !st) return st;
  if (a.has("json")) return print_json(s, r);
  if (r.vpn_connections().empty()) {
    s.out() << "No VPN connections configured.\n";
    return {};
  }
  if (a.has_value("NAME")) {
    v1::DescribeCustomerGatewaysResponse cgws;
    if (auto st = s.backend().call(api::kDescribeCustomerGateways, v1::DescribeCustomerGatewaysRequest{}, cgws); !st) {
      return st;
    }
    print_connection(s, r.vpn_connections(0), cgws);
    return {};
  }
  Table t({"Connection", "Customer gateway", "Status", "Tunnels", "Routes"});
  std::string reasons;
  for (const auto& c : r.vpn_connections()) {
    std::string tunnels;
    for (const auto& x : c.tunnels()) tunnels += (tunnels.empty() ? "" : ", ") + tunnel_summary(x);
    size_t installed = 0;
    for (const auto& x : c.routes()) installed += x.via().empty() ? 0 : 1;
    std::string routes = std::to_string(installed) + "/" + std::to_string(c.routes_size());
    if (c.bgp()) {  // the prefixes accepted over the tunnel that carries (or the most over any)
      uint64_t accepted = 0;
      for (const auto& x : c.tunnels()) {
        if (x.carrying()) {
          accepted = x.bgp_prefixes_accepted();
          break;
        }
        accepted = std::max<uint64_t>(accepted, x.bgp_prefixes_accepted());
      }
      routes = (c.routes().empty() ? "" : routes + ", ") + "bgp " + std::to_string(accepted);
    }
    t.add({c.name(), c.customer_gateway().empty() ? "-" : c.customer_gateway(), c.status(),
           tunnels.empty() ? "-" : tunnels, routes});
    if (!c.reason().empty()) reasons += "  " + c.name() + ": " + c.reason() + "\n";
  }
  t.print(s.out());
  s.out() << "(* carrying traffic; Routes: destination routes installed/configured, bgp N: prefixes accepted)\n";
  if (!reasons.empty()) s.out() << "\nNot up:\n" << reasons;
  return {};
}

Status show_vpn_gateway(Session& s, const Args& a) {
  v1::VpnGateway g;
  if (auto st = s.backend().call(api::kGetVpnGateway, v1::GetVpnGatewayRequest{}, g); !st) return st;
  if (a.has("json")) return print_json(s, g);
  auto& o = s.out();
  o << "VPN gateway, kind " << g.kind() << ": "
    << (g.kind() == "transit-router" ? "connections use both tunnels at once (ECMP)"
                                     : "connections use their active tunnel, the standby while it is down")
    << "\n";
  if (g.kind() != "transit-router") {
    o << "  Fail-back delay " << g.failback_delay() << " s (the active tunnel must stay healthy that long)\n";
  }
  o << "  Local ASN " << g.local_asn() << " (BGP with customer gateways)";
  if (!g.router_id().empty()) o << ", router-id " << g.router_id();
  o << "\n";
  if (!g.public_addresses().empty()) {
    o << "  Public addresses (the connections' tunnels end here):";
    for (const auto& address : g.public_addresses()) o << " " << address;
    o << "\n";
  }
  if (!g.vpc_networks().empty()) {
    o << "  VPC networks (advertised to every connection):";
    for (const auto& p : g.vpc_networks()) o << " " << p;
    o << "\n";
  }
  o << "  Connections: " << g.connections() << " (" << g.connections_up() << " up, " << g.connections_degraded()
    << " degraded, " << g.connections_down() << " down or incomplete)\n";
  return {};
}

}  // namespace

void add_vpn_commands(std::vector<CommandSpec>& c, std::map<std::string, std::string>& help) {
  using M = Mode;
  c.push_back({M::kConfig, "vpn-gateway", "The gateway's kind, fail-back delay, local ASN and VPC networks", [](Session& s, const Args&) {
                 s.enter(Mode::kVpnGateway);
                 return Status{};
               }});
  c.push_back({M::kVpnGateway, "kind (vpn-gateway|transit-router)",
               "Active/standby tunnels per connection, or ECMP over both",
               [](Session& s, const Args& a) {
                 return set_gateway(s, [&](v1::SetVpnGatewayRequest& r) {
                   r.set_kind(a.has("transit-router") ? "transit-router" : "vpn-gateway");
                 });
               }});
  c.push_back({M::kVpnGateway, "no kind [(vpn-gateway|transit-router)]", "Back to the vpn-gateway kind",
               [](Session& s, const Args&) {
                 return set_gateway(s, [](v1::SetVpnGatewayRequest& r) { r.set_kind("vpn-gateway"); });
               }});
  c.push_back({M::kVpnGateway, "failback-delay FAILBACK",
               "Seconds the active tunnel must stay healthy before traffic moves back to it",
               [](Session& s, const Args& a) {
                 return set_gateway(s, [&](v1::SetVpnGatewayRequest& r) {
                   r.set_failback_delay(static_cast<uint32_t>(std::stoul(a.get("FAILBACK"))));
                 });
               }});
  c.push_back({M::kVpnGateway, "no failback-delay [FAILBACK]", "The default fail-back delay (10 s)",
               [](Session& s, const Args&) {
                 return set_gateway(s, [](v1::SetVpnGatewayRequest& r) { r.set_failback_delay(10); });
               }});
  c.push_back({M::kVpnGateway, "local-asn ASN", "The AS of the BGP sessions with customer gateways (default 45104)",
               [](Session& s, const Args& a) {
                 return set_gateway(s, [&](v1::SetVpnGatewayRequest& r) { r.set_local_asn(a.get("ASN")); });
               }});
  c.push_back({M::kVpnGateway, "no local-asn [ASN]", "The default local ASN (45104)", [](Session& s, const Args&) {
                 return set_gateway(s, [](v1::SetVpnGatewayRequest& r) { r.set_local_asn(""); });
               }});
  c.push_back({M::kVpnGateway, "router-id ADDRESS4", "The BGP identifier while router bgp sets none",
               [](Session& s, const Args& a) {
                 return set_gateway(s, [&](v1::SetVpnGatewayRequest& r) { r.set_router_id(a.get("ADDRESS4")); });
               }});
  c.push_back({M::kVpnGateway, "no router-id [ADDRESS4]", "Choose the BGP identifier from the interfaces",
               [](Session& s, const Args&) {
                 return set_gateway(s, [](v1::SetVpnGatewayRequest& r) { r.set_router_id(""); });
               }});
  c.push_back({M::kVpnGateway, "public-address ADDRESS", "A public address of the gateway (its tunnels' local end)",
               [](Session& s, const Args& a) {
                 return set_gateway(s, [&](v1::SetVpnGatewayRequest& r) { r.add_add_public_addresses(a.get("ADDRESS")); });
               }});
  c.push_back({M::kVpnGateway, "no public-address ADDRESS", "Remove a public address", [](Session& s, const Args& a) {
                 return set_gateway(s, [&](v1::SetVpnGatewayRequest& r) { r.add_remove_public_addresses(a.get("ADDRESS")); });
               }});
  c.push_back({M::kVpnGateway, "vpc-network PREFIX", "A network behind the gateway, advertised to every connection",
               [](Session& s, const Args& a) {
                 return set_gateway(s, [&](v1::SetVpnGatewayRequest& r) { r.add_add_vpc_networks(a.get("PREFIX")); });
               }});
  c.push_back({M::kVpnGateway, "no vpc-network PREFIX", "Stop advertising a VPC network",
               [](Session& s, const Args& a) {
                 return set_gateway(s, [&](v1::SetVpnGatewayRequest& r) { r.add_remove_vpc_networks(a.get("PREFIX")); });
               }});
  c.push_back({M::kVpnGateway, "exit", "Leave the vpn-gateway block", [](Session& s, const Args&) {
                 s.leave();
                 return Status{};
               }});

  c.push_back({M::kConfig, "vpn-connection NAME", "Create or change an IPsec-VPN connection", vpn_connection});
  c.push_back({M::kConfig, "no vpn-connection NAME", "Delete a connection and its destination routes",
               [](Session& s, const Args& a) {
                 v1::DeleteVpnConnectionRequest req;
                 req.set_name(a.get("NAME"));
                 v1::DeleteVpnConnectionResponse out;
                 return s.backend().call(api::kDeleteVpnConnection, req, out);
               }});
  c.push_back({M::kVpnConnection, "customer-gateway NAME", "The customer gateway this connection goes to",
               [](Session& s, const Args& a) {
                 return modify(s, [&](v1::ModifyVpnConnectionRequest& r) { r.set_customer_gateway(a.get("NAME")); });
               }});
  c.push_back({M::kVpnConnection, "no customer-gateway [NAME]", "Unbind the customer gateway",
               [](Session& s, const Args&) {
                 return modify(s, [](v1::ModifyVpnConnectionRequest& r) { r.set_customer_gateway(""); });
               }});
  c.push_back({M::kVpnConnection, "description TEXT", "Describe the connection", [](Session& s, const Args& a) {
                 return modify(s, [&](v1::ModifyVpnConnectionRequest& r) { r.set_description(a.get("TEXT")); });
               }});
  c.push_back({M::kVpnConnection, "no description [TEXT]", "Remove the description", [](Session& s, const Args&) {
                 return modify(s, [](v1::ModifyVpnConnectionRequest& r) { r.set_description(""); });
               }});
  c.push_back({M::kVpnConnection, "tunnel TUNNEL (active|standby)", "Bind a tunnel in a role (at most two tunnels)",
               [](Session& s, const Args& a) {
                 return modify(s, [&](v1::ModifyVpnConnectionRequest& r) {
                   r.mutable_set_tunnel()->set_tunnel(a.get("TUNNEL"));
                   r.mutable_set_tunnel()->set_role(a.has("standby") ? "standby" : "active");
                 });
               }});
  c.push_back({M::kVpnConnection, "no tunnel TUNNEL", "Unbind a tunnel (it stays configured)",
               [](Session& s, const Args& a) {
                 return modify(s, [&](v1::ModifyVpnConnectionRequest& r) { r.set_remove_tunnel(a.get("TUNNEL")); });
               }});
  c.push_back({M::kVpnConnection, "route PREFIX [weight VPNWEIGHT]",
               "A destination route through the connection (weight 100 active, 0 standby)",
               [](Session& s, const Args& a) {
                 return modify(s, [&](v1::ModifyVpnConnectionRequest& r) {
                   r.mutable_set_route()->set_prefix(a.get("PREFIX"));
                   r.mutable_set_route()->set_weight(a.has_value("VPNWEIGHT")
                                                         ? static_cast<uint32_t>(std::stoul(a.get("VPNWEIGHT")))
                                                         : 100);
                 });
               }});
  c.push_back({M::kVpnConnection, "no route PREFIX [weight VPNWEIGHT]", "Remove a destination route",
               [](Session& s, const Args& a) {
                 return modify(s, [&](v1::ModifyVpnConnectionRequest& r) { r.set_remove_route(a.get("PREFIX")); });
               }});
  c.push_back({M::kVpnConnection, "bgp [timers KEEPALIVE HOLD]",
               "BGP over each tunnel's inside addresses, with the customer gateway's ASN",
               [](Session& s, const Args& a) {
                 return modify(s, [&](v1::ModifyVpnConnectionRequest& r) {
                   r.set_bgp(true);
                   r.set_bgp_keepalive(a.has_value("KEEPALIVE") ? static_cast<uint32_t>(std::stoul(a.get("KEEPALIVE"))) : 0);
                   r.set_bgp_hold(a.has_value("HOLD") ? static_cast<uint32_t>(std::stoul(a.get("HOLD"))) : 0);
                 });
               }});
  c.push_back({M::kVpnConnection, "no bgp [timers KEEPALIVE HOLD]", "No BGP over the tunnels (destination routes only)",
               [](Session& s, const Args&) {
                 return modify(s, [](v1::ModifyVpnConnectionRequest& r) { r.set_bgp(false); });
               }});
  c.push_back({M::kVpnConnection, "local-subnet PREFIX", "Policy-based: a local network the tunnels negotiate",
               [](Session& s, const Args& a) {
                 return modify(s, [&](v1::ModifyVpnConnectionRequest& r) { r.add_add_local_subnets(a.get("PREFIX")); });
               }});
  c.push_back({M::kVpnConnection, "no local-subnet PREFIX", "Remove a local subnet", [](Session& s, const Args& a) {
                 return modify(s, [&](v1::ModifyVpnConnectionRequest& r) { r.add_remove_local_subnets(a.get("PREFIX")); });
               }});
  c.push_back({M::kVpnConnection, "remote-subnet PREFIX",
               "Policy-based: a remote network the tunnels negotiate (and a route to it)", [](Session& s, const Args& a) {
                 return modify(s, [&](v1::ModifyVpnConnectionRequest& r) { r.add_add_remote_subnets(a.get("PREFIX")); });
               }});
  c.push_back({M::kVpnConnection, "no remote-subnet PREFIX", "Remove a remote subnet", [](Session& s, const Args& a) {
                 return modify(s, [&](v1::ModifyVpnConnectionRequest& r) { r.add_remove_remote_subnets(a.get("PREFIX")); });
               }});
  c.push_back({M::kVpnConnection, "route-propagation",
               "Exchange routes with the other connections (the default)", [](Session& s, const Args&) {
                 return modify(s, [](v1::ModifyVpnConnectionRequest& r) { r.set_route_propagation(true); });
               }});
  c.push_back({M::kVpnConnection, "no route-propagation",
               "Exchange routes with the VPC side only, not with the other connections", [](Session& s, const Args&) {
                 return modify(s, [](v1::ModifyVpnConnectionRequest& r) { r.set_route_propagation(false); });
               }});
  c.push_back({M::kVpnConnection, "exit", "Leave the connection block", [](Session& s, const Args&) {
                 s.leave();
                 return Status{};
               }});
  c.push_back({M::kExec, "show vpn-connection [NAME] [json]",
               "IPsec-VPN connections: tunnels, roles, health, destination routes", show_vpn_connection});
  c.push_back({M::kExec, "show vpn-gateway [json]", "The gateway's kind, fail-back delay, connections",
               show_vpn_gateway});

  help.insert({{"vpn-gateway", "The VPN gateway itself"},
               {"kind", "What kind of gateway"},
               {"transit-router", "Connections use both tunnels at once (ECMP)"},
               {"failback-delay", "Seconds of health before traffic returns to the active tunnel"},
               {"vpn-connection", "IPsec-VPN connection to a customer gateway"},
               {"active", "The tunnel that carries traffic while healthy"},
               {"standby", "The tunnel that carries traffic while the active one is down"},
               {"weight", "Route weight"},
               {"local-asn", "The AS of the BGP sessions with customer gateways"},
               {"vpc-network", "A network behind the gateway"},
               {"route-propagation", "Exchange routes with the other connections"},
               {"local-subnet", "Policy-based: a local network"},
               {"public-address", "A public address of the gateway"},
               {"remote-subnet", "Policy-based: a remote network"}});
}

}  // namespace vgw::routing::cli
