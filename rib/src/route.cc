// Names of route sources, statuses and change kinds, and the text that explains a status.
#include "vgw/rib/route.h"

namespace vgw::rib {

namespace {
constexpr const char* kSourceNames[kRouteSourceCount] = {"connected", "kernel", "static",
                                                         "vpn",       "ebgp",   "ibgp"};
}

const char* route_source_name(RouteSource source) {
  auto i = static_cast<size_t>(source);
  return i < kRouteSourceCount ? kSourceNames[i] : "unknown";
}

std::optional<RouteSource> parse_route_source(std::string_view name) {
  for (size_t i = 0; i < kRouteSourceCount; ++i) {
    if (name == kSourceNames[i]) return static_cast<RouteSource>(i);
  }
  return std::nullopt;
}

const char* resolve_mode_name(ResolveMode mode) {
  return mode == ResolveMode::kOnLink ? "on-link" : "recursive";
}

const char* route_status_name(RouteStatus status) {
  switch (status) {
    case RouteStatus::kSelected: return "selected";
    case RouteStatus::kHigherDistance: return "higher-distance";
    case RouteStatus::kHigherMetric: return "higher-metric";
    case RouteStatus::kTieBreak: return "tie-break";
    case RouteStatus::kUnresolvable: return "unresolvable";
  }
  return "unknown";
}

const char* change_kind_name(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAdd: return "add";
    case ChangeKind::kChange: return "change";
    case ChangeKind::kDelete: return "delete";
  }
  return "unknown";
}

std::string describe_status(const Route& route, const Route* selected) {
  std::string who = selected ? std::string(" of the selected ") +
                                   route_source_name(selected->source) + " route"
                             : std::string();
  switch (route.status) {
    case RouteStatus::kSelected:
      return "selected";
    case RouteStatus::kHigherDistance:
      return "inactive: distance " + std::to_string(route.distance) + " is higher than " +
             (selected ? std::to_string(selected->distance) : std::string("that")) + who;
    case RouteStatus::kHigherMetric:
      return "inactive: metric " + std::to_string(route.metric) + " is higher than " +
             (selected ? std::to_string(selected->metric) : std::string("that")) + who;
    case RouteStatus::kTieBreak:
      return std::string("inactive: same distance and metric as the selected ") +
             (selected ? route_source_name(selected->source) : "") +
             " route, whose source is preferred";
    case RouteStatus::kUnresolvable:
      return std::string("inactive: next-hop unresolvable (") +
             (resolve_mode(route.source) == ResolveMode::kOnLink
                  ? "no active connected route covers it)"
                  : "no active non-BGP route covers it)");
  }
  return "unknown";
}

}  // namespace vgw::rib
