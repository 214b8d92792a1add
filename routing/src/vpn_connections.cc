#include "vpn_connections.h"

#include <algorithm>
#include <set>

#include "vgw/base/log.h"

namespace vgw::routing {

namespace {

// The active-role tunnel (the first one, should there be no active role), and the other.
std::pair<const VpnConnectionTunnelConfig*, const VpnConnectionTunnelConfig*> roles(const VpnConnectionConfig& c) {
  const VpnConnectionTunnelConfig* preferred = nullptr;
  const VpnConnectionTunnelConfig* other = nullptr;
  for (const auto& t : c.tunnels) {
    if (!preferred && t.role == TunnelRole::kActive) preferred = &t;
  }
  if (!preferred && !c.tunnels.empty()) preferred = &c.tunnels.front();
  for (const auto& t : c.tunnels) {
    if (&t != preferred) other = &t;
  }
  return {preferred, other};
}

}  // namespace

uint8_t VpnConnections::distance(uint8_t weight) {
  uint8_t base = rib::kDefaultDistance[static_cast<size_t>(rib::RouteSource::kVpn)];
  return weight == 100 ? base : static_cast<uint8_t>(base + 1);
}

VpnConnections::VpnConnections(rib::Rib& rib, TunnelLookup lookup, std::function<void()> request_sync)
    : rib_(rib), lookup_(std::move(lookup)), request_sync_(std::move(request_sync)) {}

VpnConnections::~VpnConnections() {
  for (auto& [name, rt] : runtime_) {
    if (rt.failback) rt.failback->cancel();
  }
}

uint16_t VpnConnections::allocate_instance() const {
  std::set<uint16_t> used;
  for (const auto& [name, rt] : runtime_) used.insert(rt.instance);
  uint16_t i = 1;
  while (used.count(i)) ++i;
  return i;
}

void VpnConnections::sync(const ConfigModel& model) {
  for (auto it = runtime_.begin(); it != runtime_.end();) {
    if (model.vpn_connections.count(it->first)) {
      ++it;
      continue;
    }
    remove_routes(it->second);
    if (it->second.failback) it->second.failback->cancel();
    it = runtime_.erase(it);
  }
  for (const auto& [name, c] : model.vpn_connections) {
    auto it = runtime_.find(name);
    if (it == runtime_.end()) {
      Runtime rt;
      rt.instance = allocate_instance();
      it = runtime_.emplace(name, std::move(rt)).first;
    }
    sync_one(model, c, it->second);
  }
}

void VpnConnections::stop() {
  for (auto& [name, rt] : runtime_) rt.failback.reset();
  io_ = nullptr;
}

void VpnConnections::sync_one(const ConfigModel& model, const VpnConnectionConfig& c, Runtime& rt) {
  auto before = rt.carrying;
  choose_carriers(model, c, rt);
  if (before != rt.carrying) {
    std::string now;
    for (const auto& t : rt.carrying) now += (now.empty() ? "" : ", ") + t;
    VGW_LOG(kInfo, "vpn") << "connection " << c.name << ": traffic over " << (now.empty() ? "no tunnel" : now);
  }
  apply_routes(c, rt);
}

void VpnConnections::choose_carriers(const ConfigModel& model, const VpnConnectionConfig& c, Runtime& rt) {
  rt.carrying.clear();
  rt.failback_at.reset();
  if (model.vpn_gateway.kind == GatewayKind::kTransitRouter) {
    rt.carrier.reset();
    for (const auto& t : c.tunnels) {
      if (lookup_(t.tunnel).up) rt.carrying.push_back(t.tunnel);
    }
    return;
  }
  auto [preferred, other] = roles(c);
  if (!preferred) {
    rt.carrier.reset();
    return;
  }
  auto now = Clock::now();
  bool p_up = lookup_(preferred->tunnel).up;
  bool o_up = other && lookup_(other->tunnel).up;
  if (rt.preferred != preferred->tunnel) {  // a new preference has no history
    rt.preferred = preferred->tunnel;
    rt.preferred_was_up = false;
  }
  if (p_up && !rt.preferred_was_up) rt.preferred_up_since = now;
  rt.preferred_was_up = p_up;
  auto delay = std::chrono::seconds(model.vpn_gateway.failback_delay_or_default());
  const std::string* carrier = nullptr;
  if (rt.carrier == preferred->tunnel && p_up) {
    carrier = &preferred->tunnel;
  } else if (other && rt.carrier == other->tunnel && o_up) {
    if (p_up && now - rt.preferred_up_since >= delay) {
      carrier = &preferred->tunnel;  // fail-back: healthy long enough
    } else {
      carrier = &other->tunnel;
      if (p_up) arm_failback(rt, rt.preferred_up_since + delay);
    }
  } else if (p_up) {
    carrier = &preferred->tunnel;
  } else if (o_up) {
    carrier = &other->tunnel;
  }
  if (carrier) {
    rt.carrier = *carrier;
    rt.carrying.push_back(*carrier);
  } else {
    rt.carrier.reset();
  }
}

std::set<std::string> VpnConnections::waiting_failback() const {
  std::set<std::string> out;
  for (const auto& [name, rt] : runtime_) {
    if (rt.failback_at && rt.carrier != rt.preferred) out.insert(rt.preferred);
  }
  return out;
}

void VpnConnections::arm_failback(Runtime& rt, Clock::time_point at) {
  rt.failback_at = at;
  if (!io_) return;
  if (!rt.failback) rt.failback = std::make_unique<boost::asio::steady_timer>(*io_);
  rt.failback->expires_at(at);
  rt.failback->async_wait([this](const boost::system::error_code& ec) {
    if (!ec && request_sync_) request_sync_();
  });
}

void VpnConnections::apply_routes(const VpnConnectionConfig& c, Runtime& rt) {
  std::vector<rib::Nexthop> members;
  for (const auto& t : rt.carrying) {
    auto link = lookup_(t);
    if (link.interface_name.empty()) continue;
    rib::Nexthop nh;
    nh.interface = link.interface_name;
    nh.ifindex = link.ifindex;
    members.push_back(nh);
  }
  std::map<Prefix, std::vector<rib::Nexthop>> want;
  const auto routes = connection_routes(c);
  if (!members.empty()) {
    for (const auto& [prefix, weight] : routes) want[prefix] = members;
  }
  for (const auto& [prefix, m] : rt.applied) {
    if (!want.count(prefix)) rib_.remove(prefix, rib::RouteSource::kVpn, rt.instance);
  }
  std::map<Prefix, uint8_t> distances;
  for (const auto& [prefix, m] : want) {
    uint8_t d = distance(routes.at(prefix));
    distances[prefix] = d;
    auto it = rt.applied.find(prefix);
    if (it != rt.applied.end() && it->second == m && rt.applied_distance[prefix] == d) continue;
    auto g = rib_.groups().intern(m);
    if (!g) {
      VGW_LOG(kError, "vpn") << "connection " << c.name << ": route " << prefix.to_string() << ": " << g.error().message;
      continue;
    }
    rib::RouteSpec spec;
    spec.source = rib::RouteSource::kVpn;
    spec.instance = rt.instance;
    spec.distance = d;
    spec.group = *g;
    if (auto st = rib_.add(prefix, spec); !st) {
      VGW_LOG(kError, "vpn") << "connection " << c.name << ": route " << prefix.to_string() << ": " << st.error().message;
    }
    rib_.groups().release(*g);
  }
  rt.applied = std::move(want);
  rt.applied_distance = std::move(distances);
}

void VpnConnections::remove_routes(Runtime& rt) {
  for (const auto& [prefix, m] : rt.applied) rib_.remove(prefix, rib::RouteSource::kVpn, rt.instance);
  rt.applied.clear();
  rt.applied_distance.clear();
}

VpnConnections::View VpnConnections::view(const VpnConnectionConfig& c) const {
  View v;
  auto it = runtime_.find(c.name);
  const Runtime* rt = it == runtime_.end() ? nullptr : &it->second;
  if (rt) v.instance = rt->instance;
  size_t up = 0;
  std::string down_reasons;
  for (const auto& t : c.tunnels) {
    TunnelView tv;
    tv.tunnel = t.tunnel;
    tv.role = t.role;
    tv.link = lookup_(t.tunnel);
    tv.carrying = rt && std::find(rt->carrying.begin(), rt->carrying.end(), t.tunnel) != rt->carrying.end();
    if (tv.link.up) {
      ++up;
    } else {
      down_reasons += (down_reasons.empty() ? "" : "; ") + t.tunnel + ": " + tv.link.reason;
    }
    v.tunnels.push_back(std::move(tv));
  }
  for (const auto& [prefix, weight] : connection_routes(c)) {
    RouteView r;
    r.prefix = prefix;
    r.weight = weight;
    if (rt && rt->applied.count(prefix)) r.via = rt->carrying;
    v.routes.push_back(std::move(r));
  }
  bool carrying = rt && !rt->carrying.empty();
  if (c.tunnels.empty() || c.customer_gateway.empty()) {
    v.status = "incomplete";
    v.reason = c.customer_gateway.empty() ? "no customer gateway" : "no tunnel configured";
  } else if (up == c.tunnels.size() && c.tunnels.size() == VpnConnectionConfig::kMaxTunnels) {
    v.status = "up";
  } else if (carrying) {
    v.status = "degraded";
    v.reason = !down_reasons.empty() ? down_reasons : "a single tunnel (configure a second one)";
  } else {
    v.status = "down";
    v.reason = down_reasons;
  }
  if (rt && rt->failback_at) {
    auto left = std::chrono::duration_cast<std::chrono::seconds>(*rt->failback_at - Clock::now()).count();
    v.failback_in = static_cast<uint32_t>(std::max<int64_t>(0, left + 1));
  }
  return v;
}

}  // namespace vgw::routing
