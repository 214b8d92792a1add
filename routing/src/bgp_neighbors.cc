// BGP neighbors' settings and FRR-style peer-groups: which setting is whose, the settings a
// member runs with, and the `neighbor ...` lines that render them.
#include "bgp_neighbors.h"

#include "vgw/routing/config_model.h"

namespace vgw::routing {

namespace {

using S = NeighborSetting;

constexpr S kAllSettings[] = {S::kRemoteAs,      S::kDescription, S::kPassword,   S::kEbgpMultihop,
                              S::kTtlSecurity,   S::kUpdateSource, S::kPassive,   S::kTimers,
                              S::kConnectRetry,  S::kBfd,         S::kAdvertisementInterval,
                              S::kMaximumPrefix, S::kShutdown,    S::kRouteMapIn, S::kRouteMapOut,
                              S::kNextHopSelf,   S::kWeight,      S::kIpv4Unicast, S::kIpv6Unicast};
static_assert(std::size(kAllSettings) == static_cast<size_t>(S::kCount));

// Settings whose default value has a line of its own (`timers 30 90`, `weight 0`, `activate`),
// so a member can keep it against its group's. The others' default is the absence of the line:
// for them, the member's or group's own default value means "not set".
bool default_renders(S s) {
  return s == S::kTimers || s == S::kConnectRetry || s == S::kWeight || s == S::kIpv4Unicast ||
         s == S::kIpv6Unicast;
}

bool same_setting(S s, const BgpNeighborConfig& a, const BgpNeighborConfig& b) {
  BgpNeighborConfig x;
  BgpNeighborConfig y;
  copy_setting(s, a, x);
  copy_setting(s, b, y);
  return x == y;
}

}  // namespace

void copy_setting(NeighborSetting s, const BgpNeighborConfig& from, BgpNeighborConfig& to) {
  switch (s) {
    case S::kRemoteAs:
      to.remote_as = from.remote_as;
      to.remote_as_kind = from.remote_as_kind;
      break;
    case S::kDescription: to.description = from.description; break;
    case S::kPassword: to.password = from.password; break;
    case S::kEbgpMultihop: to.ebgp_multihop = from.ebgp_multihop; break;
    case S::kTtlSecurity: to.ttl_security = from.ttl_security; break;
    case S::kUpdateSource: to.update_source = from.update_source; break;
    case S::kPassive: to.passive = from.passive; break;
    case S::kTimers:
      to.keepalive = from.keepalive;
      to.hold = from.hold;
      break;
    case S::kConnectRetry: to.connect_retry = from.connect_retry; break;
    case S::kBfd: to.bfd = from.bfd; break;
    case S::kAdvertisementInterval: to.advertisement_interval = from.advertisement_interval; break;
    case S::kMaximumPrefix:
      to.maximum_prefix = from.maximum_prefix;
      to.maximum_prefix_warning_only = from.maximum_prefix_warning_only;
      to.maximum_prefix_restart = from.maximum_prefix_restart;
      break;
    case S::kShutdown:
      to.shutdown = from.shutdown;
      to.shutdown_message = from.shutdown_message;
      break;
    case S::kRouteMapIn: to.route_map_in = from.route_map_in; break;
    case S::kRouteMapOut: to.route_map_out = from.route_map_out; break;
    case S::kNextHopSelf: to.next_hop_self = from.next_hop_self; break;
    case S::kWeight: to.weight = from.weight; break;
    case S::kIpv4Unicast: to.ipv4_unicast = from.ipv4_unicast; break;
    case S::kIpv6Unicast: to.ipv6_unicast = from.ipv6_unicast; break;
    case S::kCount: break;
  }
}

NeighborSettings non_default_settings(const BgpNeighborConfig& n) {
  static const BgpNeighborConfig kDefaults;
  NeighborSettings out;
  for (S s : kAllSettings) {
    if (!same_setting(s, n, kDefaults)) out.set(setting_index(s));
  }
  return out;
}

void reset_settings_except(BgpNeighborConfig& n, const NeighborSettings& keep) {
  static const BgpNeighborConfig kDefaults;
  for (S s : kAllSettings) {
    if (!keep.test(setting_index(s))) copy_setting(s, kDefaults, n);
  }
}

NeighborSettings settings_that_render(const BgpNeighborConfig& n, const NeighborSettings& wanted) {
  NeighborSettings out = wanted & non_default_settings(n);
  for (S s : kAllSettings) {
    if (default_renders(s) && wanted.test(setting_index(s))) out.set(setting_index(s));
  }
  return out;
}

Status check_neighbor(const BgpNeighborConfig& n) {
  if (n.ttl_security && n.ebgp_multihop) {
    return fail(Error::invalid("peer.ttl_security and peer.ebgp_multihop exclude each other"));
  }
  if (n.hold != 0 && n.keepalive > n.hold) {
    return fail(Error::invalid("peer.keepalive_time must not exceed hold_time"));
  }
  if (n.update_source && n.update_source->family() != n.address.family()) {
    return fail(Error::invalid("peer.update_source must be of the peer address's family"));
  }
  return {};
}

BgpNeighborConfig effective_neighbor(const BgpConfig& bgp, const BgpNeighborConfig& n) {
  BgpNeighborConfig e = n;
  e.own.reset();
  if (n.peer_group.empty()) return e;
  auto g = bgp.peer_groups.find(n.peer_group);
  if (g == bgp.peer_groups.end()) return e;
  for (S s : kAllSettings) {
    if (!n.own.test(setting_index(s)) && g->second.set.test(setting_index(s))) copy_setting(s, g->second.settings, e);
  }
  return e;
}

Status validate_peer_groups(const BgpConfig& bgp) {
  for (const auto& [address, n] : bgp.neighbors) {
    if (n.peer_group.empty()) continue;
    const std::string who = "peer " + address.to_string();
    auto g = bgp.peer_groups.find(n.peer_group);
    if (g == bgp.peer_groups.end()) {
      return fail(Error::invalid(who + ": peer-group " + n.peer_group + " does not exist"));
    }
    bool own_as = n.own.test(setting_index(S::kRemoteAs));
    bool group_as = g->second.set.test(setting_index(S::kRemoteAs));
    if (own_as && group_as) {
      return fail(Error::invalid(who + " has a remote-as of its own and peer-group " + n.peer_group +
                                 " sets one too: a member takes its group's remote-as"));
    }
    if (!own_as && !group_as) {
      return fail(Error::invalid(who + " has no remote-as: peer-group " + n.peer_group +
                                 " sets none, so the peer needs one (neighbor " + address.to_string() +
                                 " remote-as ASN)"));
    }
    if (auto st = check_neighbor(effective_neighbor(bgp, n)); !st) {
      return fail(Error::invalid(who + " with the settings of peer-group " + n.peer_group + ": " + st.error().message));
    }
  }
  return {};
}

std::vector<std::string> peer_group_members(const BgpConfig& bgp, const std::string& group) {
  std::vector<std::string> out;
  for (const auto& [address, n] : bgp.neighbors) {
    if (n.peer_group == group) out.push_back(address.to_string());
  }
  return out;
}

void render_neighbor_settings(std::ostream& out, const std::string& name, const BgpNeighborConfig& n,
                              const NeighborSettings& which, bool show_secrets) {
  auto has = [&](S s) { return which.test(setting_index(s)); };
  const std::string p = " neighbor " + name + " ";
  if (has(S::kRemoteAs)) {
    out << p << "remote-as ";
    switch (n.remote_as_kind) {
      case BgpNeighborConfig::RemoteAs::kExternal: out << "external"; break;
      case BgpNeighborConfig::RemoteAs::kInternal: out << "internal"; break;
      case BgpNeighborConfig::RemoteAs::kNumber: out << n.remote_as; break;
    }
    out << "\n";
  }
  if (!n.peer_group.empty()) out << p << "peer-group " << n.peer_group << "\n";
  if (has(S::kDescription)) out << p << "description " << n.description << "\n";
  if (has(S::kPassword)) out << p << "password " << (show_secrets ? n.password : kMaskedSecret) << "\n";
  if (has(S::kEbgpMultihop)) out << p << "ebgp-multihop " << int{n.ebgp_multihop} << "\n";
  if (has(S::kTtlSecurity)) out << p << "ttl-security\n";
  if (has(S::kUpdateSource)) out << p << "update-source " << n.update_source->to_string() << "\n";
  if (has(S::kPassive)) out << p << "passive\n";
  if (has(S::kTimers)) out << p << "timers " << n.keepalive << " " << n.hold << "\n";
  if (has(S::kConnectRetry)) out << p << "timers connect " << n.connect_retry << "\n";
  if (has(S::kBfd)) out << p << "bfd\n";
  if (has(S::kAdvertisementInterval)) out << p << "advertisement-interval " << n.advertisement_interval << "\n";
  if (has(S::kMaximumPrefix)) {
    out << p << "maximum-prefix " << n.maximum_prefix;
    if (n.maximum_prefix_warning_only) out << " warning-only";
    if (n.maximum_prefix_restart) out << " restart " << n.maximum_prefix_restart;
    out << "\n";
  }
  if (has(S::kShutdown)) {
    out << p << "shutdown";
    if (!n.shutdown_message.empty()) out << " message " << n.shutdown_message;
    out << "\n";
  }
}

void render_neighbor_family_settings(std::ostream& af, Family family, const std::string& name,
                                     const BgpNeighborConfig& n, const NeighborSettings& which) {
  auto has = [&](S s) { return which.test(setting_index(s)); };
  const std::string p = "  neighbor " + name + " ";
  // Route-maps, next-hop-self and weight apply to every family the session carries: written
  // once, under ipv4 unicast.
  if (family == Family::kIpv4) {
    if (has(S::kRouteMapIn)) af << p << "route-map " << n.route_map_in << " in\n";
    if (has(S::kRouteMapOut)) af << p << "route-map " << n.route_map_out << " out\n";
    if (has(S::kNextHopSelf)) af << p << "next-hop-self\n";
    if (has(S::kWeight)) af << p << "weight " << n.weight << "\n";
  }
  S activate = family == Family::kIpv4 ? S::kIpv4Unicast : S::kIpv6Unicast;
  bool on = family == Family::kIpv4 ? n.ipv4_unicast : n.ipv6_unicast;
  if (has(activate)) af << "  " << (on ? "" : "no ") << "neighbor " << name << " activate\n";
}

}  // namespace vgw::routing
