// PolicySet-wide operations: validation, undefined names, and the running-config lines.
#include <algorithm>

#include "vgw/bgp/policy.h"

namespace vgw::bgp::policy {

namespace {

template <typename List>
Status validate_all(const std::map<std::string, List>& lists, const char* kind) {
  for (const auto& [key, list] : lists) {
    if (list.name != key) {
      return fail(Error::invalid(std::string(kind) + " filed under \"" + key + "\" is named \"" +
                                 list.name + "\""));
    }
    if (Status s = validate(list); !s) return s;
  }
  return {};
}

bool defined(const PolicySet& set, const Reference& r) {
  switch (r.kind) {
    case Reference::Kind::kRouteMap: return set.route_maps.contains(r.name);
    case Reference::Kind::kPrefixList: return set.prefix_lists.contains(r.name);
    case Reference::Kind::kAsPathList: return set.as_path_lists.contains(r.name);
    case Reference::Kind::kCommunityList: return set.community_lists.contains(r.name);
    case Reference::Kind::kLargeCommunityList: return set.large_community_lists.contains(r.name);
  }
  return false;
}

}  // namespace

Status validate(const PolicySet& set) {
  if (Status s = validate_all(set.prefix_lists, "prefix-list"); !s) return s;
  if (Status s = validate_all(set.as_path_lists, "as-path access-list"); !s) return s;
  if (Status s = validate_all(set.community_lists, "community-list"); !s) return s;
  if (Status s = validate_all(set.large_community_lists, "large-community-list"); !s) return s;
  return validate_all(set.route_maps, "route-map");
}

std::vector<Reference> undefined_references(const PolicySet& set, const std::string& route_map) {
  auto it = set.route_maps.find(route_map);
  if (it == set.route_maps.end()) {
    return {{Reference::Kind::kRouteMap, route_map, "route-map " + route_map}};
  }
  std::vector<Reference> out;
  for (Reference& r : references(it->second)) {
    if (!defined(set, r)) out.push_back(std::move(r));
  }
  return out;
}

std::vector<Reference> undefined_references(const PolicySet& set) {
  std::vector<Reference> out;
  for (const auto& [name, map] : set.route_maps) {
    std::vector<Reference> refs = undefined_references(set, name);
    out.insert(out.end(), std::make_move_iterator(refs.begin()), std::make_move_iterator(refs.end()));
  }
  return out;
}

std::vector<std::string> config_lines(const PolicySet& set) {
  std::vector<std::string> out;
  auto append = [&](std::vector<std::string> lines) {
    out.insert(out.end(), std::make_move_iterator(lines.begin()), std::make_move_iterator(lines.end()));
  };
  // `ip prefix-list` lines of every list, then `ipv6 prefix-list` lines.
  for (Family family : {Family::kIpv4, Family::kIpv6}) {
    for (const auto& [name, list] : set.prefix_lists) {
      PrefixList part{list.name, {}};
      for (const PrefixListEntry& e : list.entries) {
        if (e.prefix.family() == family) part.entries.push_back(e);
      }
      append(config_lines(part));
    }
  }
  for (const auto& [name, list] : set.as_path_lists) append(config_lines(list));
  for (const auto& [name, list] : set.community_lists) append(config_lines(list));
  for (const auto& [name, list] : set.large_community_lists) append(config_lines(list));
  for (const auto& [name, map] : set.route_maps) append(config_lines(map));
  return out;
}

}  // namespace vgw::bgp::policy
