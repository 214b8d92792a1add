// Routes as the RIB sees them: where a route comes from (its source), its administrative
// distance and metric, why it is or is not selected, and the change events subscribers get.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "vgw/base/ip.h"
#include "vgw/rib/nexthop.h"

namespace vgw::rib {

// Sources in tie-break order: when two sources' routes have the same distance and metric, the
// one listed first wins (ECMP forms only within one source).
enum class RouteSource : uint8_t {
  kConnected = 0,  // interface networks (a tunnel's inside /30, VPC-side interfaces)
  kKernel = 1,     // routes found in the kernel that are not ours
  kStatic = 2,     // configured static routes
  kVpn = 3,        // IPsec-VPN destination routes (prefix -> tunnel), active/standby by distance
  kEbgp = 4,
  kIbgp = 5,
};
inline constexpr size_t kRouteSourceCount = 6;

const char* route_source_name(RouteSource source);  // "connected", "static", "ebgp", ...
std::optional<RouteSource> parse_route_source(std::string_view name);
inline bool is_bgp(RouteSource s) { return s == RouteSource::kEbgp || s == RouteSource::kIbgp; }

// Default administrative distances (lower wins); Rib::Options can change them.
inline constexpr std::array<uint8_t, kRouteSourceCount> kDefaultDistance = {
    0,    // connected
    0,    // kernel
    1,    // static
    5,    // vpn destination routes
    20,   // ebgp
    200,  // ibgp
};

// How a route's address-only next-hops are resolved (see "Recursive resolution" in rib.h).
enum class ResolveMode : uint8_t {
  kOnLink = 0,     // static, vpn, kernel: the gateway must be on a connected network
  kRecursive = 1,  // bgp: through any active non-BGP route (connected, static, vpn, kernel)
};
inline ResolveMode resolve_mode(RouteSource s) {
  return is_bgp(s) ? ResolveMode::kRecursive : ResolveMode::kOnLink;
}
const char* resolve_mode_name(ResolveMode mode);

// Why a candidate route is or is not the one in use.
enum class RouteStatus : uint8_t {
  kSelected = 0,        // best (alone, or one of the ECMP routes of the best source)
  kHigherDistance = 1,  // a route with a lower administrative distance is selected
  kHigherMetric = 2,    // same distance, a route with a lower metric is selected
  kTieBreak = 3,        // same distance and metric, another source is preferred
  kUnresolvable = 4,    // no next-hop of the route resolves
};
const char* route_status_name(RouteStatus status);

// What a source asks the RIB to hold for one prefix. (source, instance) identifies the route:
// adding again replaces it. instance tells routes of one source apart, e.g. the destination
// routes of two VPN connections; equal-best routes of one source become one ECMP group.
struct RouteSpec {
  RouteSource source = RouteSource::kStatic;
  uint16_t instance = 0;
  uint32_t metric = 0;
  std::optional<uint8_t> distance;  // default: Options::distance[source]
  NexthopGroupId group = kNoGroup;  // an interned group; the RIB takes its own reference
};

// One candidate route of a prefix, as shown by Rib::routes().
struct Route {
  RouteSource source = RouteSource::kStatic;
  uint16_t instance = 0;
  uint8_t distance = 0;
  uint32_t metric = 0;
  NexthopGroupId group = kNoGroup;     // as given by the source
  NexthopGroupId resolved = kNoGroup;  // after resolution (the group itself if direct); 0: none
  RouteStatus status = RouteStatus::kUnresolvable;
};

// What a prefix currently forwards with: the selected source and the installed group (the
// resolved next-hops of the selected route, merged over its ECMP ties). group == kNoGroup:
// no usable route.
struct Selected {
  RouteSource source = RouteSource::kStatic;
  uint8_t distance = 0;
  uint32_t metric = 0;
  NexthopGroupId group = kNoGroup;

  bool active() const { return group != kNoGroup; }
  friend bool operator==(const Selected& a, const Selected& b) {
    if (!a.active() || !b.active()) return a.active() == b.active();
    return a.source == b.source && a.distance == b.distance && a.metric == b.metric &&
           a.group == b.group;
  }
};

enum class ChangeKind : uint8_t { kAdd, kChange, kDelete };
const char* change_kind_name(ChangeKind kind);

// One coalesced change for a subscriber: what it was last told about the prefix (before) and
// what holds now (after).
struct RouteChange {
  Prefix prefix;
  ChangeKind kind = ChangeKind::kAdd;
  Selected before;
  Selected after;
};

// "inactive: distance 200 is higher than 20 of the selected ebgp route".
std::string describe_status(const Route& route, const Route* selected);

}  // namespace vgw::rib
