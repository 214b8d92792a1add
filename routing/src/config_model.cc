#include "vgw/routing/config_model.h"

#include <cstdio>
#include <array>
#include <cstring>
#include <sstream>

#include "bgp_neighbors.h"
#include "vgw/base/name.h"

namespace vgw::routing {

namespace {
constexpr size_t kMaxDescriptionLength = 255;
}  // namespace

Status validate_resource_name(std::string_view field, std::string_view name) {
  if (name.empty()) return fail(Error::invalid(std::string(field) + " is required"));
  return check_name(field, name);
}

Status validate_description(std::string_view field, std::string_view text) {
  std::string f(field);
  if (text.size() > kMaxDescriptionLength) {
    return fail(Error::invalid(f + " is longer than 255 characters"));
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      return fail(Error::invalid(f + " must not contain control characters (newline, tab, ...)"));
    }
  }
  if (!text.empty() && (text.front() == ' ' || text.back() == ' ')) {
    return fail(Error::invalid(f + " must not start or end with a space"));
  }
  return {};
}

Result<IpAddress> parse_customer_gateway_ip(std::string_view text) {
  if (text.empty()) return fail(Error::invalid("ip_address is required"));
  auto ip = IpAddress::parse(text);
  if (!ip) return fail(Error::invalid("ip_address: " + ip.error().message));
  std::string t(text);
  if (ip->is_unspecified()) {
    return fail(Error::invalid("ip_address " + t + " is the unspecified address"));
  }
  if (ip->is_multicast()) return fail(Error::invalid("ip_address " + t + " is a multicast address"));
  if (ip->is_v4_broadcast()) {
    return fail(Error::invalid("ip_address " + t + " is the broadcast address"));
  }
  if (ip->is_link_local()) {
    return fail(Error::invalid("ip_address " + t + " is a link-local address (a customer gateway"
                               " needs one that routes)"));
  }
  if (ip->is_v6() && ip->is_v4_mapped()) {
    return fail(Error::invalid("ip_address " + t + " is an IPv4-mapped IPv6 address; write it as " +
                               ip->unmapped().to_string()));
  }
  return ip;
}

Status validate_interface_name(std::string_view field, std::string_view name) {
  std::string f(field), n(name);
  if (name.empty()) return fail(Error::invalid(f + " is empty"));
  if (name.size() > 15) return fail(Error::invalid(f + " '" + n + "' is longer than 15 characters"));
  if (name == "." || name == "..") return fail(Error::invalid(f + " '" + n + "' is not allowed"));
  for (unsigned char c : name) {
    if (c <= ' ' || c == '/' || c == ':' || c == 0x7f) {
      return fail(Error::invalid(f + " '" + n + "' may not contain '/', ':' or white space"));
    }
  }
  return {};
}

std::string render_static_route(const StaticRouteConfig& r) {
  std::string out = r.prefix.family() == Family::kIpv4 ? "ip route " : "ipv6 route ";
  out += r.prefix.to_string();
  if (r.gateway) out += " " + r.gateway->to_string();
  if (!r.interface.empty()) out += " " + r.interface;
  if (r.type == StaticRouteType::kBlackhole) out += " blackhole";
  if (r.type == StaticRouteType::kReject) out += " reject";
  if (r.distance != 1) out += " distance " + std::to_string(r.distance);
  if (r.weight != 1) out += " weight " + std::to_string(r.weight);
  return out;
}

namespace {

void render_bgp(std::ostream& out, const BgpConfig& b, bool show_secrets) {
  out << "router bgp " << b.asn << "\n";
  if (b.router_id) out << " bgp router-id " << b.router_id->to_string() << "\n";
  if (!b.ebgp_requires_policy) out << " no bgp ebgp-requires-policy\n";
  if (b.multipath_relax) out << " bgp bestpath as-path multipath-relax\n";
  // Groups first: their members' lines name them.
  for (const auto& [name, g] : b.peer_groups) {
    out << " neighbor " << name << " peer-group\n";
    render_neighbor_settings(out, name, g.settings, g.set, show_secrets);
  }
  auto own = [](const BgpNeighborConfig& n) { return n.peer_group.empty() ? non_default_settings(n) : n.own; };
  for (const auto& [addr, n] : b.neighbors) render_neighbor_settings(out, addr.to_string(), n, own(n), show_secrets);
  for (Family f : {Family::kIpv4, Family::kIpv6}) {
    std::ostringstream af;
    if (f == Family::kIpv4 && b.maximum_paths != 1) af << "  maximum-paths " << b.maximum_paths << "\n";
    for (const auto& p : b.networks)
      if (p.family() == f) af << "  network " << p.to_string() << "\n";
    for (const auto& [family, protocol] : b.redistribute)
      if (family == f) af << "  redistribute " << protocol << "\n";
    for (const auto& [name, g] : b.peer_groups) render_neighbor_family_settings(af, f, name, g.settings, g.set);
    for (const auto& [addr, n] : b.neighbors) render_neighbor_family_settings(af, f, addr.to_string(), n, own(n));
    if (af.str().empty()) continue;
    out << " !\n address-family " << (f == Family::kIpv4 ? "ipv4" : "ipv6") << " unicast\n"
        << af.str() << " exit-address-family\n";
  }
  out << "exit\n";
}

void render_tunnel(std::ostream& out, const TunnelConfig& t, bool show_secrets) {
  out << "tunnel " << t.name << "\n";
  if (!t.description.empty()) out << " description " << t.description << "\n";
  if (t.local) out << " local " << t.local->to_string() << "\n";
  if (t.remote) out << " remote " << t.remote->to_string() << "\n";
  if (t.inside) out << " inside " << t.inside->to_string() << "\n";
  out << " encapsulation " << (t.udp_encapsulation ? "udp" : "esp") << "\n";
  if (t.mtu) out << " mtu " << t.mtu << "\n";
  for (const auto& sa : t.sas) out << " " << render_tunnel_sa(sa, show_secrets) << "\n";
  for (const auto& line : render_tunnel_ike(t.ike, show_secrets)) out << " " << line << "\n";
  if (t.health_check) out << " " << render_health_check(*t.health_check) << "\n";
  if (t.bfd) out << " " << render_tunnel_bfd(*t.bfd) << "\n";
  if (t.shutdown) out << " shutdown\n";
  out << "exit\n";
}

}  // namespace

std::string format_spi(uint32_t spi) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", spi);
  return buf;
}

std::string format_ike_spi(uint64_t spi) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(spi));
  return buf;
}

std::string render_tunnel_sa(const TunnelSaConfig& sa, bool show_secrets) {
  const std::string spi = format_spi(sa.spi);
  std::string out = std::string("sa ") + (sa.direction == SaDirection::kInbound ? "inbound" : "outbound") +
                    " spi " + spi + " " + sa.algorithm + " key " +
                    (show_secrets ? "0x" + sa.encryption_key : kMaskedSecret);
  if (!sa.integrity_key.empty()) {
    out += " integrity-key ";
    out += show_secrets ? "0x" + sa.integrity_key : kMaskedSecret;
  }
  if (sa.esn) out += " esn";
  if (sa.replay_window) out += " replay-window " + std::to_string(sa.replay_window);
  return out;
}

const std::string& TunnelIkeConfig::ike_proposals_or_default() const {
  static const std::string d = kDefaultIkeProposals;
  return ike_proposals.empty() ? d : ike_proposals;
}

const std::string& TunnelIkeConfig::esp_proposals_or_default() const {
  static const std::string d = kDefaultEspProposals;
  return esp_proposals.empty() ? d : esp_proposals;
}

std::vector<std::string> render_tunnel_ike(const TunnelIkeConfig& ike, bool show_secrets) {
  std::vector<std::string> out;
  if (!ike.pre_shared_key.empty()) {
    out.push_back("ike pre-shared-key " + (show_secrets ? ike.pre_shared_key : std::string(kMaskedSecret)));
  }
  if (!ike.local_id.empty()) out.push_back("ike local-id " + ike.local_id);
  if (!ike.remote_id.empty()) out.push_back("ike remote-id " + ike.remote_id);
  if (!ike.ike_proposals.empty()) out.push_back("ike proposal " + ike.ike_proposals);
  if (!ike.esp_proposals.empty()) out.push_back("esp proposal " + ike.esp_proposals);
  if (ike.ike_lifetime) out.push_back("ike lifetime " + std::to_string(ike.ike_lifetime));
  if (ike.esp_lifetime) out.push_back("esp lifetime " + std::to_string(ike.esp_lifetime));
  if (ike.dpd_interval || ike.dpd_retries) {
    std::string line = "ike dpd interval " + std::to_string(ike.dpd_interval_or_default());
    if (ike.dpd_retries) line += " retries " + std::to_string(ike.dpd_retries);
    out.push_back(std::move(line));
  }
  if (ike.respond_only) out.push_back("ike respond-only");
  return out;
}

Result<std::optional<IpAddress>> parse_optional_unicast(const std::string& field, const std::string& text) {
  if (text.empty()) return std::optional<IpAddress>{};
  auto a = IpAddress::parse(text);
  if (!a) return fail(Error::invalid(field + ": " + a.error().message));
  if (a->is_unspecified() || a->is_multicast() || a->is_v4_broadcast()) {
    return fail(Error::invalid(field + " " + text + " is not a unicast address"));
  }
  return std::optional<IpAddress>(*a);
}

Status validate_public_addresses(const ConfigModel& model) {
  const auto& pub = model.vpn_gateway.public_addresses;
  if (pub.empty()) return {};
  for (const auto& [name, c] : model.vpn_connections) {
    for (const auto& ct : c.tunnels) {
      auto t = model.tunnels.find(ct.tunnel);
      if (t == model.tunnels.end() || !t->second.local || pub.count(*t->second.local)) continue;
      std::string list;
      for (const auto& a : pub) list += (list.empty() ? "" : ", ") + a.to_string();
      return fail(Error::invalid("tunnel " + ct.tunnel + " of connection " + name + " has local address " +
                                 t->second.local->to_string() + ", not one of the gateway's public addresses (" +
                                 list + ")"));
    }
  }
  return {};
}

std::map<Prefix, uint8_t> connection_routes(const VpnConnectionConfig& c) {
  std::map<Prefix, uint8_t> out = c.routes;
  for (const auto& p : c.remote_subnets) out.emplace(p, 100);
  return out;
}

const char* tunnel_role_name(TunnelRole role) { return role == TunnelRole::kActive ? "active" : "standby"; }

const char* gateway_kind_name(GatewayKind kind) {
  return kind == GatewayKind::kTransitRouter ? "transit-router" : "vpn-gateway";
}

std::string render_health_check(const TunnelHealthCheckConfig& check) {
  std::string out = "health-check";
  if (check.destination) out += " destination " + check.destination->to_string();
  if (check.source) out += " source " + check.source->to_string();
  if (check.interval_ms) out += " interval " + std::to_string(check.interval_ms);
  if (check.retries) out += " retries " + std::to_string(check.retries);
  if (check.udp_port) out += " udp-port " + std::to_string(check.udp_port);
  return out;
}

std::optional<IpAddress> point_to_point_peer(const InterfaceAddress& inside) {
  int len = inside.length, bits = inside.address.bit_length();
  if (len != bits - 1 && len != bits - 2) return std::nullopt;
  auto bytes = std::array<uint8_t, 16>{};
  std::memcpy(bytes.data(), inside.address.data(), inside.address.size());
  size_t last = inside.address.size() - 1;
  uint8_t host = bytes[last] & (len == bits - 1 ? 1 : 3);
  uint8_t other = len == bits - 1 ? (host ^ 1) : host == 1 ? 2 : host == 2 ? 1 : 0;
  if (other == 0 && len != bits - 1) return std::nullopt;
  bytes[last] = static_cast<uint8_t>((bytes[last] & ~(len == bits - 1 ? 1 : 3)) | other);
  return inside.address.is_v4() ? IpAddress::v4(std::array<uint8_t, 4>{bytes[0], bytes[1], bytes[2], bytes[3]})
                                : IpAddress::v6(bytes);
}

Result<std::pair<IpAddress, IpAddress>> health_check_addresses(const TunnelConfig& t) {
  if (!t.health_check) return fail(Error::invalid("health-check: not configured"));
  const auto& c = *t.health_check;
  std::optional<IpAddress> source = c.source;
  if (!source && t.inside) source = t.inside->address;
  if (!source) return fail(Error::invalid("health-check source: required while the tunnel has no inside address"));
  std::optional<IpAddress> destination = c.destination;
  if (!destination && t.inside) destination = point_to_point_peer(*t.inside);
  if (!destination) {
    return fail(Error::invalid("health-check destination: required unless the inside prefix is a /30 or /31 (/126, /127) "
                          "with this side on a host address"));
  }
  if (source->family() != destination->family()) {
    return fail(Error::invalid("health-check: source " + source->to_string() + " and destination " +
                          destination->to_string() + " are of different address families"));
  }
  return std::make_pair(*source, *destination);
}

Status validate_bfd_timers(const std::string& prefix, const BfdTimersConfig& t) {
  using T = BfdTimersConfig;
  if (t.detect_multiplier < T::kMinMultiplier || t.detect_multiplier > T::kMaxMultiplier) {
    return fail(Error::invalid(prefix + "detect_multiplier " + std::to_string(t.detect_multiplier) + " is outside 2..255"));
  }
  for (const auto& [field, value] : {std::pair{"receive_interval_ms", t.receive_interval_ms},
                                     std::pair{"transmit_interval_ms", t.transmit_interval_ms}}) {
    if (value < T::kMinIntervalMs || value > T::kMaxIntervalMs) {
      return fail(Error::invalid(prefix + field + " " + std::to_string(value) + " is outside 10..60000 ms"));
    }
  }
  return {};
}

std::string render_tunnel_bfd(const BfdTimersConfig& t) {
  std::string out = "bfd";
  const BfdTimersConfig defaults;
  if (t.detect_multiplier != defaults.detect_multiplier) out += " detect-multiplier " + std::to_string(t.detect_multiplier);
  if (t.receive_interval_ms != defaults.receive_interval_ms) out += " receive-interval " + std::to_string(t.receive_interval_ms);
  if (t.transmit_interval_ms != defaults.transmit_interval_ms) {
    out += " transmit-interval " + std::to_string(t.transmit_interval_ms);
  }
  return out;
}

Result<std::pair<IpAddress, IpAddress>> tunnel_bfd_addresses(const TunnelConfig& t) {
  if (!t.inside) return fail(Error::invalid("bfd: the tunnel has no inside address yet"));
  auto peer = point_to_point_peer(*t.inside);
  if (!peer) {
    return fail(Error::invalid("bfd: inside " + t.inside->to_string() +
                               " is not one end of a /30 or /31 (/126, /127), so there is no peer address"));
  }
  return std::make_pair(t.inside->address, *peer);
}

std::string render_config(const ConfigModel& model, bool show_secrets) {
  std::ostringstream out;
  out << "! vgw configuration\n!\n";
  for (const auto& [name, cgw] : model.customer_gateways) {
    out << "customer-gateway " << name << " ip " << cgw.ip_address.to_string() << " asn "
        << cgw.asn;
    if (!cgw.description.empty()) out << " description " << cgw.description;
    out << "\n";
  }
  if (!model.customer_gateways.empty()) out << "!\n";
  for (const auto& r : model.static_routes) out << render_static_route(r) << "\n";
  if (!model.static_routes.empty()) out << "!\n";
  auto policy = bgp::policy::config_lines(model.policies);
  for (const auto& line : policy) out << line << "\n";
  if (!policy.empty()) out << "!\n";
  for (const auto& [name, t] : model.tunnels) {
    render_tunnel(out, t, show_secrets);
    out << "!\n";
  }
  if (model.vpn_gateway != VpnGatewayConfig{}) {
    out << "vpn-gateway\n";
    if (model.vpn_gateway.kind != GatewayKind::kVpnGateway) {
      out << " kind " << gateway_kind_name(model.vpn_gateway.kind) << "\n";
    }
    if (model.vpn_gateway.failback_delay) out << " failback-delay " << *model.vpn_gateway.failback_delay << "\n";
    if (model.vpn_gateway.local_asn) out << " local-asn " << *model.vpn_gateway.local_asn << "\n";
    if (model.vpn_gateway.router_id) out << " router-id " << model.vpn_gateway.router_id->to_string() << "\n";
    for (const auto& a : model.vpn_gateway.public_addresses) out << " public-address " << a.to_string() << "\n";
    for (const auto& p : model.vpn_gateway.vpc_networks) out << " vpc-network " << p.to_string() << "\n";
    out << "exit\n!\n";
  }
  for (const auto& [name, c] : model.vpn_connections) {
    out << "vpn-connection " << name << "\n";
    if (!c.description.empty()) out << " description " << c.description << "\n";
    if (!c.customer_gateway.empty()) out << " customer-gateway " << c.customer_gateway << "\n";
    for (const auto& t : c.tunnels) {
      out << " tunnel " << t.tunnel << " " << tunnel_role_name(t.role) << "\n";
    }
    for (const auto& [prefix, weight] : c.routes) {
      out << " route " << prefix.to_string() << (weight == 100 ? "" : " weight " + std::to_string(weight)) << "\n";
    }
    if (c.bgp) {
      out << " bgp";
      if (*c.bgp != VpnConnectionBgpConfig{}) out << " timers " << c.bgp->keepalive << " " << c.bgp->hold;
      out << "\n";
    }
    for (const auto& p : c.local_subnets) out << " local-subnet " << p.to_string() << "\n";
    for (const auto& p : c.remote_subnets) out << " remote-subnet " << p.to_string() << "\n";
    if (!c.route_propagation) out << " no route-propagation\n";
    out << "exit\n!\n";
  }
  if (!model.bfd_peers.empty()) {
    // FRR's layout: the block, one sub-block per peer with only what differs from the defaults.
    out << "bfd\n";
    for (const auto& [key, p] : model.bfd_peers) {
      out << " peer " << p.peer.to_string();
      if (p.local_address) out << " local-address " << p.local_address->to_string();
      if (!p.interface.empty()) out << " interface " << p.interface;
      out << "\n";
      const BfdTimersConfig defaults;
      if (p.timers.detect_multiplier != defaults.detect_multiplier) {
        out << "  detect-multiplier " << p.timers.detect_multiplier << "\n";
      }
      if (p.timers.receive_interval_ms != defaults.receive_interval_ms) {
        out << "  receive-interval " << p.timers.receive_interval_ms << "\n";
      }
      if (p.timers.transmit_interval_ms != defaults.transmit_interval_ms) {
        out << "  transmit-interval " << p.timers.transmit_interval_ms << "\n";
      }
      if (p.shutdown) out << "  shutdown\n";
      out << " exit\n";
    }
    out << "exit\n!\n";
  }
  if (model.bgp) {
    render_bgp(out, *model.bgp, show_secrets);
    out << "!\n";
  }
  out << "end\n";
  return out.str();
}

}  // namespace vgw::routing
