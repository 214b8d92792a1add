// BGP routing policy: FRR-style prefix-lists, as-path access-lists, community-lists and
// route-maps, as plain values a config model can hold, compare and print, and a compiler that
// turns one route-map into the speaker's Policy callback (config.h). Pure: no I/O, no clock.
//
// Data flow: the config layer keeps a PolicySet (every named list and route-map) and, for each
// peer and direction that names a route-map, calls compile_route_map() - again whenever the
// set changes. The compiled form is immutable and self-contained (it copies what it needs and
// keeps no reference to the PolicySet): prefix-lists become PrefixListMatchers, as-path regexes
// are compiled once, lists are sorted by seq, names are resolved to indices. Evaluating a route
// allocates nothing except what the sets themselves add to the route's attribute vectors, and
// renders the AS path as text only when an as-path clause is reached (into a per-thread buffer).
//
// Missing names (FRR behaviour): a match clause naming an undefined list does not match; a
// route-map that does not exist compiles to a policy that rejects every route. Neither is an
// error - undefined_references() lists them so the config layer can warn.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/bgp/config.h"
#include "vgw/bgp/policy/action.h"
#include "vgw/bgp/policy/as_path_list.h"
#include "vgw/bgp/policy/community.h"
#include "vgw/bgp/policy/prefix_list.h"
#include "vgw/bgp/policy/route_map.h"

namespace vgw::bgp::policy {

// All named policy objects of one router, keyed by name (the key must equal the object's name).
struct PolicySet {
  std::map<std::string, PrefixList> prefix_lists;  // `ip` and `ipv6` prefix-lists of one name
  std::map<std::string, AsPathList> as_path_lists;
  std::map<std::string, CommunityList> community_lists;
  std::map<std::string, LargeCommunityList> large_community_lists;
  std::map<std::string, RouteMap> route_maps;
  friend bool operator==(const PolicySet&, const PolicySet&) = default;
};

// Every object valid and filed under its own name. Undefined references are not errors.
Status validate(const PolicySet& set);

// The names route_map uses that set does not define (the route-map itself first, if missing).
std::vector<Reference> undefined_references(const PolicySet& set, const std::string& route_map);
// The same for every route-map of the set.
std::vector<Reference> undefined_references(const PolicySet& set);

// The whole set in FRR syntax (lists before the route-maps that use them): prefix-lists (all
// `ip` lines, then all `ipv6` lines), as-path access-lists, community-lists,
// large-community-lists, route-maps; each in name order, entries in seq order.
std::vector<std::string> config_lines(const PolicySet& set);

// Where the route-map is attached: `neighbor X route-map NAME in` (import) or `out` (export).
// Only `set ip next-hop peer-address` reads it.
enum class Direction : uint8_t { kImport, kExport };

// One route-map, compiled. evaluate() may run concurrently on several threads.
class CompiledRouteMap {
 public:
  struct Outcome {
    PolicyResult result = PolicyResult::kReject;
    std::optional<uint32_t> seq;  // the entry that decided; unset: implicit deny / no such map
  };

  ~CompiledRouteMap();
  CompiledRouteMap(const CompiledRouteMap&) = delete;
  CompiledRouteMap& operator=(const CompiledRouteMap&) = delete;

  Outcome evaluate(const PolicyContext& ctx, PolicyRoute& route) const;
  const std::string& name() const;
  bool defined() const;  // false: the route-map did not exist (everything is rejected)

  struct Impl;  // bgp/src/policy/compile.cc
  explicit CompiledRouteMap(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// Compiles route-map `name` of set (and the lists it names). Errors: the route-map or a list it
// uses is invalid (see the validate() functions; e.g. a bad regex). A route-map that does not
// exist is not an error: the result rejects everything.
Result<std::shared_ptr<const CompiledRouteMap>> compile(const PolicySet& set, const std::string& name,
                                                        Direction direction);

// The same, wrapped as the speaker's callback (it holds the compiled route-map).
Result<Policy> compile_route_map(const PolicySet& set, const std::string& name, Direction direction);

}  // namespace vgw::bgp::policy
