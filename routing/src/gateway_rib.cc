// The Gateway's RibService: static routes (config -> RIB), and the RIB as the API shows it —
// listings, lookups, summaries and the Watch stream, each route with the reason it is or is
// not used and its kernel FIB state.
#include <algorithm>
#include <map>

#include "vgw/base/log.h"
#include "vgw/base/name.h"
#include "vgw/routing/gateway.h"
#include "vgw/routing/server_stream.h"

namespace vgw::routing {

namespace {

constexpr size_t kListBatch = 1000;

Result<std::vector<Family>> families_of(v1::AddressFamily f) {
  switch (f) {
    case v1::ADDRESS_FAMILY_UNSPECIFIED: return std::vector<Family>{Family::kIpv4, Family::kIpv6};
    case v1::IPV4: return std::vector<Family>{Family::kIpv4};
    case v1::IPV6: return std::vector<Family>{Family::kIpv6};
    default: return fail(Error::invalid("family: unknown address family"));
  }
}

v1::Nexthop to_proto(const rib::Nexthop& nh) {
  v1::Nexthop out;
  if (nh.address) out.set_address(nh.address->to_string());
  out.set_interface(nh.interface);
  out.set_weight(nh.weight);
  if (nh.drops()) out.set_type(rib::nexthop_type_name(nh.type));
  return out;
}

v1::StaticRoute to_proto(const StaticRouteConfig& r) {
  v1::StaticRoute out;
  out.set_prefix(r.prefix.to_string());
  if (r.gateway) out.set_nexthop_address(r.gateway->to_string());
  out.set_interface(r.interface);
  out.set_distance(r.distance);
  out.set_weight(r.weight);
  if (r.type == StaticRouteType::kBlackhole) out.set_type(v1::STATIC_ROUTE_BLACKHOLE);
  if (r.type == StaticRouteType::kReject) out.set_type(v1::STATIC_ROUTE_REJECT);
  return out;
}

// Validates a StaticRoute message. distance/weight 0 mean the default (1); with
// allow_any_distance, distance 0 stays 0 ("any", for deletes).
Result<StaticRouteConfig> parse_static_route(const v1::StaticRoute& m, bool allow_any_distance) {
  StaticRouteConfig r;
  if (m.prefix().empty()) return fail(Error::invalid("route.prefix is required"));
  auto p = Prefix::parse(m.prefix());
  if (!p) return fail(Error::invalid("route.prefix: " + p.error().message));
  r.prefix = *p;
  if (!m.nexthop_address().empty()) {
    auto a = IpAddress::parse(m.nexthop_address());
    if (!a) return fail(Error::invalid("route.nexthop_address: " + a.error().message));
    if (a->family() != p->family()) {
      return fail(Error::invalid("route.nexthop_address " + a->to_string() +
                                 " is not of the prefix's address family"));
    }
    if (a->is_unspecified() || a->is_multicast() || a->is_v4_broadcast()) {
      return fail(Error::invalid("route.nexthop_address " + a->to_string() +
                                 " cannot be a gateway"));
    }
    if (a->is_v6() && a->is_link_local() && m.interface().empty()) {
      return fail(Error::invalid("route.nexthop_address " + a->to_string() +
                                 " is link-local: name the interface too"));
    }
    r.gateway = *a;
  }
  if (!m.interface().empty()) {
    // An interface, or a tunnel by its name (which may be longer than an interface's 15
    // characters: the route then goes into the tunnel's kernel interface, whatever it is named).
    if (m.interface().size() > 15) {
      if (auto st = check_name("route.interface (a tunnel name)", m.interface()); !st) return fail(st.error());
    } else if (auto st = validate_interface_name("route.interface", m.interface()); !st) {
      return fail(st.error());
    }
    r.interface = m.interface();
  }
  switch (m.type()) {
    case v1::STATIC_ROUTE_FORWARD: break;
    case v1::STATIC_ROUTE_BLACKHOLE: r.type = StaticRouteType::kBlackhole; break;
    case v1::STATIC_ROUTE_REJECT: r.type = StaticRouteType::kReject; break;
    default: return fail(Error::invalid("route.type " + std::to_string(m.type()) + " is unknown"));
  }
  if (r.type != StaticRouteType::kForward && (r.gateway || !r.interface.empty())) {
    return fail(Error::invalid(std::string("a ") +
                               (r.type == StaticRouteType::kBlackhole ? "blackhole" : "reject") +
                               " route has no nexthop_address or interface"));
  }
  if (r.type == StaticRouteType::kForward && !r.gateway && r.interface.empty()) {
    return fail(Error::invalid("route needs a nexthop_address, an interface, or both"));
  }
  if (m.distance() > 255) return fail(Error::invalid("route.distance must be 1..255"));
  if (m.weight() > 255) return fail(Error::invalid("route.weight must be 1..255"));
  r.distance = static_cast<uint8_t>(m.distance() == 0 && !allow_any_distance ? 1 : m.distance());
  r.weight = static_cast<uint8_t>(m.weight() == 0 ? 1 : m.weight());
  return r;
}

// Routes of one family, in prefix order, a batch per message.
class ListRoutesStream final : public api::ServerStream {
 public:
  ListRoutesStream(const Gateway& gw, std::vector<Family> families, std::optional<Prefix> within,
                   bool selected_only)
      : gw_(gw), families_(std::move(families)), within_(within), selected_only_(selected_only) {}

  Next next() override {
    auto out = std::make_unique<v1::ListRoutesResponse>();
    while (family_ < families_.size() && static_cast<size_t>(out->routes_size()) < kListBatch) {
      auto entries = gw_.rib().list(families_[family_], after_, kListBatch);
      if (entries.empty()) {
        ++family_;
        after_.reset();
        continue;
      }
      for (const auto& e : entries) {
        after_ = e.prefix;
        if (within_ && !within_->contains(e.prefix)) continue;
        for (auto& r : gw_.describe_routes(e.prefix, selected_only_)) *out->add_routes() = std::move(r);
      }
    }
    if (out->routes_size() == 0) return end();
    return message(std::move(out));
  }

 private:
  const Gateway& gw_;
  std::vector<Family> families_;
  std::optional<Prefix> within_;
  bool selected_only_;
  size_t family_ = 0;
  std::optional<Prefix> after_;
};

// Selected-route changes, coalesced by the RIB per prefix, up to a batch per message.
class WatchRoutesStream final : public api::ServerStream {
 public:
  WatchRoutesStream(Gateway& gw, std::vector<Family> families, bool replay)
      : gw_(gw), families_(std::move(families)) {
    id_ = gw_.rib().subscribe(
        [this] {
          if (wake) wake();
        },
        replay);
  }
  ~WatchRoutesStream() override { gw_.rib().unsubscribe(id_); }

  Next next() override {
    changes_.clear();
    gw_.rib().drain(id_, kListBatch, changes_);
    auto out = std::make_unique<v1::WatchRoutesResponse>();
    for (const auto& c : changes_) {
      if (std::find(families_.begin(), families_.end(), c.prefix.family()) == families_.end()) continue;
      auto* ev = out->add_events();
      ev->set_kind(c.kind == rib::ChangeKind::kAdd      ? v1::RouteEvent::ADD
                   : c.kind == rib::ChangeKind::kChange ? v1::RouteEvent::CHANGE
                                                        : v1::RouteEvent::DELETE);
      if (c.after.active()) {
        *ev->mutable_route() = gw_.describe_selected(c.prefix, c.after);
      } else {
        ev->mutable_route()->set_prefix(c.prefix.to_string());
      }
    }
    if (out->events_size() == 0) {
      if (gw_.rib().pending(id_) > 0) return next();  // only other families' changes
      return wait();
    }
    return message(std::move(out));
  }

 private:
  Gateway& gw_;
  std::vector<Family> families_;
  rib::SubscriberId id_;
  std::vector<rib::RouteChange> changes_;
};

}  // namespace

// ---- static routes --------------------------------------------------------------------------

void Gateway::sync_static_routes() {
  std::map<std::pair<Prefix, uint8_t>, std::vector<rib::Nexthop>> want;
  for (const auto& r : model_.static_routes) {
    rib::Nexthop nh;
    nh.address = r.gateway;
    nh.interface = r.interface;
    nh.weight = r.weight;
    if (r.type != StaticRouteType::kForward) {
      nh.type = r.type == StaticRouteType::kBlackhole ? rib::NexthopType::kBlackhole
                                                      : rib::NexthopType::kUnreachable;
    }
    if (!r.interface.empty() && model_.tunnels.count(r.interface)) {
      auto kernel_name = tunnel_interface(r.interface);
      if (!kernel_name) continue;  // the tunnel has no interface (yet)
      nh.interface = *kernel_name;
    }
    if (!nh.interface.empty() && kernel_) {
      const auto* iface = kernel_->interface(nh.interface);
      if (!iface || !kernel_->usable(*iface)) continue;  // the interface is down (or held down) or absent
      nh.ifindex = static_cast<uint32_t>(iface->ifindex);
    }
    want[{r.prefix, r.distance}].push_back(nh);
  }
  for (const auto& [key, members] : static_applied_) {
    if (!want.count(key)) rib_.remove(key.first, rib::RouteSource::kStatic, key.second);
  }
  for (const auto& [key, members] : want) {
    auto it = static_applied_.find(key);
    if (it != static_applied_.end() && it->second == members) continue;
    auto g = rib_.groups().intern(members);
    if (!g) {
      VGW_LOG(kError, "rib") << "static route " << key.first.to_string() << ": " << g.error().message;
      continue;
    }
    rib::RouteSpec spec;
    spec.source = rib::RouteSource::kStatic;
    spec.instance = key.second;
    spec.distance = key.second;
    spec.group = *g;
    if (auto st = rib_.add(key.first, spec); !st) {
      VGW_LOG(kError, "rib") << "static route " << key.first.to_string() << ": " << st.error().message;
    }
    rib_.groups().release(*g);
  }
  static_applied_ = std::move(want);
}

Result<v1::StaticRoute> Gateway::create_static_route(const v1::CreateStaticRouteRequest& req) {
  auto r = parse_static_route(req.route(), false);
  if (!r) return fail(r.error());
  ConfigModel next = model_;
  next.static_routes.erase(*r);  // same key: the new weight replaces the old
  next.static_routes.insert(*r);
  if (next.static_routes == model_.static_routes) return to_proto(*r);
  if (auto st = commit(std::move(next)); !st) return fail(st.error());
  VGW_LOG(kInfo, "rib") << "static route added: " << render_static_route(*r);
  return to_proto(*r);
}

Result<v1::DescribeStaticRoutesResponse> Gateway::describe_static_routes(
    const v1::DescribeStaticRoutesRequest& req) const {
  auto fams = families_of(req.family());
  if (!fams) return fail(fams.error());
  v1::DescribeStaticRoutesResponse out;
  for (const auto& r : model_.static_routes) {
    if (std::find(fams->begin(), fams->end(), r.prefix.family()) != fams->end()) {
      *out.add_routes() = to_proto(r);
    }
  }
  return out;
}

Result<v1::DeleteStaticRouteResponse> Gateway::delete_static_route(
    const v1::DeleteStaticRouteRequest& req) {
  auto r = parse_static_route(req.route(), true);
  if (!r) return fail(r.error());
  ConfigModel next = model_;
  size_t removed = 0;
  for (auto it = next.static_routes.begin(); it != next.static_routes.end();) {
    bool match = it->prefix == r->prefix && it->gateway == r->gateway &&
                 it->interface == r->interface && (r->distance == 0 || it->distance == r->distance);
    if (match) {
      it = next.static_routes.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  if (removed == 0) {
    StaticRouteConfig shown = *r;
    if (shown.distance == 0) shown.distance = 1;
    return fail(Error::not_found("no static route " + render_static_route(shown)));
  }
  if (auto st = commit(std::move(next)); !st) return fail(st.error());
  VGW_LOG(kInfo, "rib") << "static route removed: " << r->prefix.to_string();
  return v1::DeleteStaticRouteResponse{};
}

// ---- the RIB as the API shows it ------------------------------------------------------------

std::vector<v1::Route> Gateway::describe_routes(const Prefix& prefix, bool selected_only) const {
  std::vector<v1::Route> out;
  auto routes = rib_.routes(prefix);
  const rib::Route* sel = nullptr;
  for (const auto& r : routes)
    if (r.status == rib::RouteStatus::kSelected && !sel) sel = &r;
  rib::Selected selected = rib_.selected(prefix);
  uint32_t age = rib_.age(prefix).value_or(0);
  for (const auto& r : routes) {
    bool is_sel = r.status == rib::RouteStatus::kSelected;
    if (selected_only && !is_sel) continue;
    v1::Route m;
    m.set_prefix(prefix.to_string());
    m.set_protocol(rib::route_source_name(r.source));
    m.set_distance(r.distance);
    m.set_metric(r.metric);
    m.set_selected(is_sel);
    for (const auto& nh : rib_.groups().members(r.group)) *m.add_nexthops() = to_proto(nh);
    if (is_sel && selected.active()) {
      for (const auto& nh : rib_.groups().members(selected.group)) {
        *m.add_resolved_nexthops() = to_proto(nh);
      }
      if (kernel_) {
        m.set_fib_installed(kernel_->installed(prefix, r.source));
        if (auto e = kernel_->fib_error(prefix)) m.set_fib_error(*e);
      }
    }
    m.set_status(is_sel ? "selected" : rib::describe_status(r, sel));
    m.set_age_seconds(age);
    out.push_back(std::move(m));
  }
  // Selected first, then by distance.
  std::stable_sort(out.begin(), out.end(), [](const v1::Route& a, const v1::Route& b) {
    if (a.selected() != b.selected()) return a.selected();
    return a.distance() < b.distance();
  });
  return out;
}

v1::Route Gateway::describe_selected(const Prefix& prefix, const rib::Selected& selected) const {
  v1::Route m;
  m.set_prefix(prefix.to_string());
  m.set_protocol(rib::route_source_name(selected.source));
  m.set_distance(selected.distance);
  m.set_metric(selected.metric);
  m.set_selected(true);
  m.set_status("selected");
  m.set_age_seconds(rib_.age(prefix).value_or(0));
  for (const auto& nh : rib_.groups().members(selected.group)) *m.add_resolved_nexthops() = to_proto(nh);
  if (kernel_) m.set_fib_installed(kernel_->installed(prefix, selected.source));
  return m;
}

Result<std::unique_ptr<api::ServerStream>> Gateway::list_routes(const v1::ListRoutesRequest& req) {
  auto fams = families_of(req.family());
  if (!fams) return fail(fams.error());
  std::optional<Prefix> within;
  if (!req.prefix().empty()) {
    auto p = Prefix::parse(req.prefix());
    if (!p) return fail(Error::invalid("prefix: " + p.error().message));
    within = *p;
    fams->assign(1, p->family());
  }
  return std::unique_ptr<api::ServerStream>(
      std::make_unique<ListRoutesStream>(*this, *fams, within, req.selected_only()));
}

Result<v1::LookupRouteResponse> Gateway::lookup_route(const v1::LookupRouteRequest& req) const {
  if (req.destination().empty()) return fail(Error::invalid("destination is required"));
  Prefix prefix;
  if (req.destination().find('/') != std::string::npos) {
    auto p = Prefix::parse(req.destination());
    if (!p) return fail(Error::invalid("destination: " + p.error().message));
    prefix = *p;
    if (rib_.routes(prefix).empty()) {
      return fail(Error::not_found("no route for " + prefix.to_string()));
    }
  } else {
    auto a = IpAddress::parse(req.destination());
    if (!a) return fail(Error::invalid("destination: " + a.error().message));
    auto e = rib_.lookup(*a);
    if (!e) return fail(Error::not_found("no route to " + a->to_string()));
    prefix = e->prefix;
  }
  v1::LookupRouteResponse out;
  out.set_prefix(prefix.to_string());
  for (auto& r : describe_routes(prefix, false)) *out.add_routes() = std::move(r);
  return out;
}

Result<std::unique_ptr<api::ServerStream>> Gateway::watch_routes(const v1::WatchRoutesRequest& req) {
  auto fams = families_of(req.family());
  if (!fams) return fail(fams.error());
  return std::unique_ptr<api::ServerStream>(
      std::make_unique<WatchRoutesStream>(*this, *fams, req.replay()));
}

Result<v1::ListInterfacesResponse> Gateway::list_interfaces(const v1::ListInterfacesRequest& req) const {
  if (!kernel_) return fail(Error::precondition("interfaces are not known yet (vgwd is starting)"));
  std::map<std::string, std::string> tunnel_of;  // interface -> tunnel
  for (const auto& [name, t] : model_.tunnels) {
    if (auto i = tunnel_interface(name)) tunnel_of[*i] = name;
  }
  v1::ListInterfacesResponse out;
  for (const auto& v : kernel_->interfaces()) {
    if (!req.name().empty() && v.info.name != req.name()) continue;
    auto* i = out.add_interfaces();
    i->set_name(v.info.name);
    i->set_ifindex(static_cast<uint32_t>(v.info.ifindex));
    i->set_admin_up(v.info.admin_up);
    i->set_oper_up(v.info.oper_up);
    i->set_mtu(v.info.mtu);
    for (const auto& [a, len] : v.addresses) i->add_addresses(a.to_string() + "/" + std::to_string(len));
    if (auto it = tunnel_of.find(v.info.name); it != tunnel_of.end()) i->set_tunnel(it->second);
    i->set_held_down(v.held_down);
  }
  if (!req.name().empty() && out.interfaces_size() == 0) {
    return fail(Error::not_found("no interface " + req.name()));
  }
  return out;
}

Result<v1::GetRouteSummaryResponse> Gateway::get_route_summary(
    const v1::GetRouteSummaryRequest& req) const {
  auto fams = families_of(req.family());
  if (!fams) return fail(fams.error());
  struct Count {
    uint64_t routes = 0, selected = 0, fib = 0;
  };
  std::map<rib::RouteSource, Count> counts;
  v1::GetRouteSummaryResponse out;
  for (Family f : *fams) {
    std::optional<Prefix> after;
    while (true) {
      auto entries = rib_.list(f, after, 4096);
      if (entries.empty()) break;
      for (const auto& e : entries) {
        after = e.prefix;
        out.set_total_prefixes(out.total_prefixes() + 1);
        for (const auto& r : rib_.routes(e.prefix)) {
          auto& c = counts[r.source];
          ++c.routes;
          if (r.status == rib::RouteStatus::kSelected) {
            ++c.selected;
            if (kernel_ && kernel_->installed(e.prefix, r.source)) ++c.fib;
          }
        }
      }
    }
  }
  for (const auto& [source, c] : counts) {
    auto* s = out.add_protocols();
    s->set_protocol(rib::route_source_name(source));
    s->set_routes(c.routes);
    s->set_selected(c.selected);
    s->set_fib(c.fib);
  }
  if (kernel_) {
    out.set_fib_failures(kernel_->fib_failures());
    out.set_fib_queued(kernel_->fib_queued());
  }
  out.set_rib_memory_bytes(rib_.memory().total());
  return out;
}

}  // namespace vgw::routing
