// Route-maps: validation, FRR-syntax lines and the names an entry refers to.
#include "vgw/bgp/policy/route_map.h"

#include <algorithm>
#include <set>

#include "policy_internal.h"
#include "vgw/base/asn.h"
#include "vgw/bgp/policy/community.h"

namespace vgw::bgp::policy {

namespace {

std::string entry_label(const RouteMap& map, const RouteMapEntry& e) {
  return "route-map " + map.name + " " + action_name(e.action) + " " + std::to_string(e.seq);
}

std::vector<const RouteMapEntry*> by_seq(const RouteMap& map) {
  std::vector<const RouteMapEntry*> sorted;
  for (const RouteMapEntry& e : map.entries) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const RouteMapEntry* a, const RouteMapEntry* b) { return a->seq < b->seq; });
  return sorted;
}

// The match clauses with their FRR keywords, in the order they are printed.
template <typename F>
void for_each_match(const RouteMapMatch& m, F&& f) {
  using K = Reference::Kind;
  if (m.ip_address_prefix_list) f("match ip address prefix-list", K::kPrefixList, *m.ip_address_prefix_list);
  if (m.ipv6_address_prefix_list) {
    f("match ipv6 address prefix-list", K::kPrefixList, *m.ipv6_address_prefix_list);
  }
  if (m.ip_next_hop_prefix_list) f("match ip next-hop prefix-list", K::kPrefixList, *m.ip_next_hop_prefix_list);
  if (m.ipv6_next_hop_prefix_list) {
    f("match ipv6 next-hop prefix-list", K::kPrefixList, *m.ipv6_next_hop_prefix_list);
  }
  if (m.as_path) f("match as-path", K::kAsPathList, *m.as_path);
  if (m.community) f("match community", K::kCommunityList, *m.community);
  if (m.large_community) f("match large-community", K::kLargeCommunityList, *m.large_community);
}

std::string join_asns(const std::vector<uint32_t>& asns) {
  std::string out;
  for (uint32_t a : asns) {
    if (!out.empty()) out += ' ';
    out += asn_to_string(a);
  }
  return out;
}

Status validate_set(const std::string& label, const RouteMapSet& s) {
  auto bad = [&](const std::string& what) { return fail(Error::invalid(label + ": " + what)); };
  if (s.as_path_prepend) {
    const AsPathPrepend& p = *s.as_path_prepend;
    if (p.asns.empty() == (p.last_as == 0)) {
      return bad("set as-path prepend needs either ASNs or last-as, not both");
    }
    if (std::find(p.asns.begin(), p.asns.end(), 0u) != p.asns.end()) {
      return bad("set as-path prepend: AS 0 is reserved (RFC 7607)");
    }
    if (p.last_as > 10) return bad("set as-path prepend last-as must be 1-10");
  }
  if (s.comm_list_delete) {
    if (Status st = internal::check_name(label + ": set comm-list", *s.comm_list_delete); !st) return st;
  }
  if (s.community && s.community->additive && s.community->values.empty()) {
    return bad("set community additive needs at least one community");
  }
  if (s.large_community && s.large_community->additive && s.large_community->values.empty()) {
    return bad("set large-community additive needs at least one large community");
  }
  if (s.ip_next_hop && !s.ip_next_hop->peer_address) {
    const IpAddress& a = s.ip_next_hop->address;
    if (!a.is_v4() || a.is_unspecified() || a.is_multicast() || a.is_v4_broadcast()) {
      return bad("set ip next-hop " + a.to_string() + ": not a usable IPv4 unicast address");
    }
  }
  if (s.ipv6_next_hop_global) {
    const IpAddress& a = *s.ipv6_next_hop_global;
    if (!a.is_v6() || a.is_unspecified() || a.is_multicast() || a.is_link_local()) {
      return bad("set ipv6 next-hop global " + a.to_string() + ": not a global IPv6 unicast address");
    }
  }
  return {};
}

void set_lines(const RouteMapSet& s, std::vector<std::string>& out) {
  if (s.weight) out.push_back(" set weight " + std::to_string(*s.weight));
  if (s.local_preference) out.push_back(" set local-preference " + std::to_string(*s.local_preference));
  if (s.metric) out.push_back(" set metric " + std::to_string(*s.metric));
  if (s.as_path_prepend) {
    if (!s.as_path_prepend->asns.empty()) {
      out.push_back(" set as-path prepend " + join_asns(s.as_path_prepend->asns));
    } else {
      out.push_back(" set as-path prepend last-as " + std::to_string(s.as_path_prepend->last_as));
    }
  }
  if (s.comm_list_delete) out.push_back(" set comm-list " + *s.comm_list_delete + " delete");
  if (s.community) {
    if (s.community->values.empty()) {
      out.push_back(" set community none");
    } else {
      out.push_back(" set community " + format_communities(s.community->values) +
                    (s.community->additive ? " additive" : ""));
    }
  }
  if (s.large_community) {
    if (s.large_community->values.empty()) {
      out.push_back(" set large-community none");
    } else {
      out.push_back(" set large-community " + format_large_communities(s.large_community->values) +
                    (s.large_community->additive ? " additive" : ""));
    }
  }
  if (s.ip_next_hop) {
    out.push_back(" set ip next-hop " +
                  (s.ip_next_hop->peer_address ? std::string("peer-address")
                                               : s.ip_next_hop->address.to_string()));
  }
  if (s.ipv6_next_hop_global) {
    out.push_back(" set ipv6 next-hop global " + s.ipv6_next_hop_global->to_string());
  }
}

}  // namespace

Status validate(const RouteMap& map) {
  if (Status s = internal::check_name("route-map", map.name); !s) return s;
  std::set<uint32_t> seqs;
  for (const RouteMapEntry& e : map.entries) {
    const std::string label = entry_label(map, e);
    if (Status s = internal::check_seq(label, e.seq); !s) return s;
    if (!seqs.insert(e.seq).second) {
      return fail(Error::invalid(label + ": the seq is used by another entry"));
    }
    Status bad_name;
    for_each_match(e.match, [&](const char* clause, Reference::Kind, const std::string& name) {
      if (bad_name) bad_name = internal::check_name(label + ": " + clause, name);
    });
    if (!bad_name) return bad_name;
    if (Status s = validate_set(label, e.set); !s) return s;
  }
  return {};
}

std::vector<std::string> config_lines(const RouteMap& map) {
  std::vector<std::string> out;
  for (const RouteMapEntry* e : by_seq(map)) {
    out.push_back(entry_label(map, *e));
    for_each_match(e->match, [&](const char* clause, Reference::Kind, const std::string& name) {
      out.push_back(std::string(" ") + clause + " " + name);
    });
    set_lines(e->set, out);
    out.push_back("exit");
  }
  return out;
}

const char* reference_kind_name(Reference::Kind kind) {
  switch (kind) {
    case Reference::Kind::kRouteMap: return "route-map";
    case Reference::Kind::kPrefixList: return "prefix-list";
    case Reference::Kind::kAsPathList: return "as-path access-list";
    case Reference::Kind::kCommunityList: return "community-list";
    case Reference::Kind::kLargeCommunityList: return "large-community-list";
  }
  return "list";
}

std::vector<Reference> references(const RouteMap& map) {
  std::vector<Reference> out;
  for (const RouteMapEntry* e : by_seq(map)) {
    const std::string label = entry_label(map, *e);
    for_each_match(e->match, [&](const char* clause, Reference::Kind kind, const std::string& name) {
      out.push_back({kind, name, label + ": " + clause});
    });
    if (e->set.comm_list_delete) {
      out.push_back({Reference::Kind::kCommunityList, *e->set.comm_list_delete, label + ": set comm-list"});
    }
  }
  return out;
}

}  // namespace vgw::bgp::policy
