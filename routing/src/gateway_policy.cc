// The Gateway's PolicyService: the routing-policy set (bgp::policy::PolicySet) read and replaced
// as a whole, validated as a unit, persisted, and applied to the peers whose route-maps it
// holds (Gateway::sync_bgp_policies, a soft reset through the speaker).
#include <algorithm>

#include "vgw/base/asn.h"
#include "vgw/base/log.h"
#include "vgw/routing/gateway.h"

namespace vgw::routing {

namespace {

namespace pol = bgp::policy;

v1::PolicyAction to_proto(pol::Action a) { return a == pol::Action::kPermit ? v1::PERMIT : v1::DENY; }

Result<pol::Action> action_of(const std::string& where, v1::PolicyAction a) {
  if (a == v1::PERMIT) return pol::Action::kPermit;
  if (a == v1::DENY) return pol::Action::kDeny;
  return fail(Error::invalid(where + ": action must be PERMIT or DENY"));
}

std::string seq_where(const std::string& what, const std::string& name, uint32_t seq) {
  return what + " " + name + " seq " + std::to_string(seq);
}

Result<uint8_t> length_bound(const std::string& where, const char* which, uint32_t v) {
  if (v > 128) return fail(Error::invalid(where + ": " + which + " " + std::to_string(v) + " is out of range"));
  return static_cast<uint8_t>(v);
}

Result<pol::PrefixList> from_proto(const v1::PrefixList& m) {
  pol::PrefixList l;
  l.name = m.name();
  for (const auto& e : m.entries()) {
    const std::string where = seq_where("prefix-list", m.name(), e.seq());
    pol::PrefixListEntry x;
    x.seq = e.seq();
    auto action = action_of(where, e.action());
    if (!action) return fail(action.error());
    x.action = *action;
    auto p = Prefix::parse(e.prefix());
    if (!p) return fail(Error::invalid(where + ": " + p.error().message));
    x.prefix = *p;
    if (e.has_ge()) {
      auto v = length_bound(where, "ge", e.ge());
      if (!v) return fail(v.error());
      x.ge = *v;
    }
    if (e.has_le()) {
      auto v = length_bound(where, "le", e.le());
      if (!v) return fail(v.error());
      x.le = *v;
    }
    l.entries.push_back(std::move(x));
  }
  return l;
}

v1::PrefixList to_proto(const pol::PrefixList& l) {
  v1::PrefixList m;
  m.set_name(l.name);
  for (const auto& x : l.entries) {
    auto* e = m.add_entries();
    e->set_seq(x.seq);
    e->set_action(to_proto(x.action));
    e->set_prefix(x.prefix.to_string());
    if (x.ge) e->set_ge(*x.ge);
    if (x.le) e->set_le(*x.le);
  }
  return m;
}

Result<pol::AsPathList> from_proto(const v1::AsPathList& m) {
  pol::AsPathList l;
  l.name = m.name();
  for (const auto& e : m.entries()) {
    auto action = action_of(seq_where("as-path access-list", m.name(), e.seq()), e.action());
    if (!action) return fail(action.error());
    l.entries.push_back({e.seq(), *action, e.regex()});
  }
  return l;
}

v1::AsPathList to_proto(const pol::AsPathList& l) {
  v1::AsPathList m;
  m.set_name(l.name);
  for (const auto& x : l.entries) {
    auto* e = m.add_entries();
    e->set_seq(x.seq);
    e->set_action(to_proto(x.action));
    e->set_regex(x.regex);
  }
  return m;
}

std::string joined(const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : " ") + v;
  return out;
}

// Standard or large community-list, from the one API message.
Status add_community_list(pol::PolicySet& set, const v1::CommunityList& m) {
  const char* kind = m.large() ? "large-community-list" : "community-list";
  if (set.community_lists.count(m.name()) || set.large_community_lists.count(m.name())) {
    return fail(Error::invalid(std::string(kind) + " " + m.name() + " is defined twice"));
  }
  if (m.large()) {
    pol::LargeCommunityList l;
    l.name = m.name();
    for (const auto& e : m.entries()) {
      const std::string where = seq_where(kind, m.name(), e.seq());
      auto action = action_of(where, e.action());
      if (!action) return fail(action.error());
      auto values = pol::parse_large_communities(joined(e.values()));
      if (!values) return fail(Error::invalid(where + ": " + values.error().message));
      l.entries.push_back({e.seq(), *action, std::move(*values)});
    }
    set.large_community_lists.emplace(l.name, std::move(l));
    return {};
  }
  pol::CommunityList l;
  l.name = m.name();
  for (const auto& e : m.entries()) {
    const std::string where = seq_where(kind, m.name(), e.seq());
    auto action = action_of(where, e.action());
    if (!action) return fail(action.error());
    auto values = pol::parse_communities(joined(e.values()));
    if (!values) return fail(Error::invalid(where + ": " + values.error().message));
    l.entries.push_back({e.seq(), *action, std::move(*values)});
  }
  set.community_lists.emplace(l.name, std::move(l));
  return {};
}

template <typename List, typename Format>
v1::CommunityList community_list_to_proto(const List& l, bool large, Format format) {
  v1::CommunityList m;
  m.set_name(l.name);
  m.set_large(large);
  for (const auto& x : l.entries) {
    auto* e = m.add_entries();
    e->set_seq(x.seq);
    e->set_action(to_proto(x.action));
    for (const auto& v : x.values) e->add_values(format(v));
  }
  return m;
}

std::optional<std::string> name_or_none(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

Result<pol::RouteMap> from_proto(const v1::RouteMap& m) {
  pol::RouteMap r;
  r.name = m.name();
  for (const auto& e : m.entries()) {
    const std::string where = "route-map " + m.name() + " " + std::to_string(e.seq());
    pol::RouteMapEntry x;
    x.seq = e.seq();
    auto action = action_of(where, e.action());
    if (!action) return fail(action.error());
    x.action = *action;
    const auto& mm = e.match();
    x.match.ip_address_prefix_list = name_or_none(mm.ip_address_prefix_list());
    x.match.ipv6_address_prefix_list = name_or_none(mm.ipv6_address_prefix_list());
    x.match.ip_next_hop_prefix_list = name_or_none(mm.ip_next_hop_prefix_list());
    x.match.ipv6_next_hop_prefix_list = name_or_none(mm.ipv6_next_hop_prefix_list());
    x.match.as_path = name_or_none(mm.as_path());
    x.match.community = name_or_none(mm.community());
    x.match.large_community = name_or_none(mm.large_community());
    const auto& ms = e.set();
    if (ms.has_weight()) x.set.weight = ms.weight();
    if (ms.has_local_preference()) x.set.local_preference = ms.local_preference();
    if (ms.has_metric()) x.set.metric = ms.metric();
    if (ms.as_path_prepend_size() || ms.as_path_prepend_last_as()) {
      pol::AsPathPrepend p;
      p.asns.assign(ms.as_path_prepend().begin(), ms.as_path_prepend().end());
      if (ms.as_path_prepend_last_as() > 255) return fail(Error::invalid(where + ": last-as must be 1..10"));
      p.last_as = static_cast<uint8_t>(ms.as_path_prepend_last_as());
      x.set.as_path_prepend = p;
    }
    x.set.comm_list_delete = name_or_none(ms.comm_list_delete());
    if (ms.set_community()) {
      auto values = pol::parse_communities(joined(ms.community()));
      if (!values) return fail(Error::invalid(where + ": set community: " + values.error().message));
      x.set.community = pol::CommunitySet{std::move(*values), ms.community_additive()};
    }
    if (ms.set_large_community()) {
      auto values = pol::parse_large_communities(joined(ms.large_community()));
      if (!values) return fail(Error::invalid(where + ": set large-community: " + values.error().message));
      x.set.large_community = pol::LargeCommunitySet{std::move(*values), ms.large_community_additive()};
    }
    if (ms.ip_next_hop() == "peer-address") {
      x.set.ip_next_hop = pol::IpNextHop{true, {}};
    } else if (!ms.ip_next_hop().empty()) {
      auto a = IpAddress::parse(ms.ip_next_hop());
      if (!a) return fail(Error::invalid(where + ": set ip next-hop: " + a.error().message));
      x.set.ip_next_hop = pol::IpNextHop{false, *a};
    }
    if (!ms.ipv6_next_hop_global().empty()) {
      auto a = IpAddress::parse(ms.ipv6_next_hop_global());
      if (!a) return fail(Error::invalid(where + ": set ipv6 next-hop global: " + a.error().message));
      x.set.ipv6_next_hop_global = *a;
    }
    r.entries.push_back(std::move(x));
  }
  return r;
}

v1::RouteMap to_proto(const pol::RouteMap& r) {
  v1::RouteMap m;
  m.set_name(r.name);
  for (const auto& x : r.entries) {
    auto* e = m.add_entries();
    e->set_seq(x.seq);
    e->set_action(to_proto(x.action));
    auto* mm = e->mutable_match();
    const auto& xm = x.match;
    if (xm.ip_address_prefix_list) mm->set_ip_address_prefix_list(*xm.ip_address_prefix_list);
    if (xm.ipv6_address_prefix_list) mm->set_ipv6_address_prefix_list(*xm.ipv6_address_prefix_list);
    if (xm.ip_next_hop_prefix_list) mm->set_ip_next_hop_prefix_list(*xm.ip_next_hop_prefix_list);
    if (xm.ipv6_next_hop_prefix_list) mm->set_ipv6_next_hop_prefix_list(*xm.ipv6_next_hop_prefix_list);
    if (xm.as_path) mm->set_as_path(*xm.as_path);
    if (xm.community) mm->set_community(*xm.community);
    if (xm.large_community) mm->set_large_community(*xm.large_community);
    auto* ms = e->mutable_set();
    const auto& xs = x.set;
    if (xs.weight) ms->set_weight(*xs.weight);
    if (xs.local_preference) ms->set_local_preference(*xs.local_preference);
    if (xs.metric) ms->set_metric(*xs.metric);
    if (xs.as_path_prepend) {
      for (uint32_t a : xs.as_path_prepend->asns) ms->add_as_path_prepend(a);
      ms->set_as_path_prepend_last_as(xs.as_path_prepend->last_as);
    }
    if (xs.comm_list_delete) ms->set_comm_list_delete(*xs.comm_list_delete);
    if (xs.community) {
      ms->set_set_community(true);
      for (uint32_t c : xs.community->values) ms->add_community(pol::format_community(c));
      ms->set_community_additive(xs.community->additive);
    }
    if (xs.large_community) {
      ms->set_set_large_community(true);
      for (const auto& c : xs.large_community->values) ms->add_large_community(pol::format_large_community(c));
      ms->set_large_community_additive(xs.large_community->additive);
    }
    if (xs.ip_next_hop) ms->set_ip_next_hop(xs.ip_next_hop->peer_address ? "peer-address" : xs.ip_next_hop->address.to_string());
    if (xs.ipv6_next_hop_global) ms->set_ipv6_next_hop_global(xs.ipv6_next_hop_global->to_string());
  }
  return m;
}

template <typename Map, typename Object>
Status add_unique(Map& map, const char* kind, Object object) {
  if (map.count(object.name)) return fail(Error::invalid(std::string(kind) + " " + object.name + " is defined twice"));
  map.emplace(object.name, std::move(object));
  return {};
}

}  // namespace

Result<v1::Policies> Gateway::get_policies(const v1::GetPoliciesRequest&) const {
  const auto& set = model_.policies;
  v1::Policies out;
  for (const auto& [name, l] : set.prefix_lists) *out.add_prefix_lists() = to_proto(l);
  for (const auto& [name, l] : set.as_path_lists) *out.add_as_path_lists() = to_proto(l);
  for (const auto& [name, l] : set.community_lists) {
    *out.add_community_lists() = community_list_to_proto(l, false, pol::format_community);
  }
  for (const auto& [name, l] : set.large_community_lists) {
    *out.add_community_lists() = community_list_to_proto(l, true, pol::format_large_community);
  }
  for (const auto& [name, r] : set.route_maps) *out.add_route_maps() = to_proto(r);
  // Entries in seq order (the order they are evaluated in; editors rely on it).
  auto by_seq = [](auto& lists) {
    for (auto& l : lists) {
      std::stable_sort(l.mutable_entries()->begin(), l.mutable_entries()->end(),
                       [](const auto& a, const auto& b) { return a.seq() < b.seq(); });
    }
  };
  by_seq(*out.mutable_prefix_lists());
  by_seq(*out.mutable_as_path_lists());
  by_seq(*out.mutable_community_lists());
  by_seq(*out.mutable_route_maps());
  out.set_version(policy_version_);
  for (const auto& ref : pol::undefined_references(set)) {
    out.add_undefined(ref.where + " " + ref.name + " (" + pol::reference_kind_name(ref.kind) + " not defined)");
  }
  if (model_.bgp) {
    // As configured: a group's route-maps under the group's name, a member's own under its address.
    auto check = [&](const std::string& who, const BgpNeighborConfig& n) {
      for (const auto* name : {&n.route_map_in, &n.route_map_out}) {
        if (!name->empty() && !set.route_maps.count(*name)) {
          out.add_undefined("neighbor " + who + " route-map " + *name +
                            (name == &n.route_map_in ? " in" : " out") + " (route-map not defined: all routes rejected)");
        }
      }
    };
    for (const auto& [name, g] : model_.bgp->peer_groups) check(name, g.settings);
    for (const auto& [addr, n] : model_.bgp->neighbors) check(addr.to_string(), n);
  }
  return out;
}

Result<v1::Policies> Gateway::set_policies(const v1::SetPoliciesRequest& req) {
  if (req.has_expected_version() && req.expected_version() != policy_version_) {
    return fail(Error::precondition("the policies changed meanwhile (version " + std::to_string(policy_version_) +
                                    ", expected " + std::to_string(req.expected_version()) + "); read them again"));
  }
  const auto& m = req.policies();
  pol::PolicySet set;
  for (const auto& l : m.prefix_lists()) {
    auto x = from_proto(l);
    if (!x) return fail(x.error());
    if (auto st = add_unique(set.prefix_lists, "prefix-list", std::move(*x)); !st) return fail(st.error());
  }
  for (const auto& l : m.as_path_lists()) {
    auto x = from_proto(l);
    if (!x) return fail(x.error());
    if (auto st = add_unique(set.as_path_lists, "as-path access-list", std::move(*x)); !st) return fail(st.error());
  }
  for (const auto& l : m.community_lists()) {
    if (auto st = add_community_list(set, l); !st) return fail(st.error());
  }
  for (const auto& r : m.route_maps()) {
    auto x = from_proto(r);
    if (!x) return fail(x.error());
    if (auto st = add_unique(set.route_maps, "route-map", std::move(*x)); !st) return fail(st.error());
  }
  if (auto st = pol::validate(set); !st) return fail(Error::invalid(st.error().message));
  for (const auto& [name, r] : set.route_maps) {  // regexes and the like compile, or nothing changes
    if (auto c = pol::compile(set, name, pol::Direction::kImport); !c) {
      return fail(Error::invalid("route-map " + name + ": " + c.error().message));
    }
  }
  // One set, one model: entries in seq order whatever order they came in (evaluation and
  // rendering go by seq anyway), so an unchanged set compares equal to the running one and
  // what reloads from the rendered file is the same model.
  auto by_seq = [](auto& lists) {
    for (auto& [name, l] : lists) {
      std::stable_sort(l.entries.begin(), l.entries.end(),
                       [](const auto& x, const auto& y) { return x.seq < y.seq; });
    }
  };
  by_seq(set.prefix_lists);
  by_seq(set.as_path_lists);
  by_seq(set.community_lists);
  by_seq(set.large_community_lists);
  by_seq(set.route_maps);
  if (set == model_.policies) return get_policies({});
  ConfigModel next = model_;
  next.policies = std::move(set);
  if (auto st = commit(std::move(next)); !st) return fail(st.error());
  VGW_LOG(kInfo, "policy") << "routing policy changed (version " << policy_version_ << ")";
  return get_policies({});
}

}  // namespace vgw::routing
