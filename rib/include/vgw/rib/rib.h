// The RIB: every route vgw knows, the best one per prefix, and who is told when that changes.
//
// Data flow
//   sources ──add/remove──> candidates per prefix ──selection──> installed next-hop group
//                                                                      │
//                                 subscribers <──coalesced changes─────┘
//
// * Sources (connected networks, static routes, VPN destination routes, kernel routes, eBGP and
//   iBGP) call add(prefix, RouteSpec) / remove(prefix, source, instance). A route names an
//   interned NexthopGroup (see nexthop.h); the RIB keeps one candidate per (source, instance)
//   per prefix.
// * Selection, per prefix: among candidates whose next-hops resolve, the lowest administrative
//   distance wins, then the lowest metric, then source order (RouteSource), then instance.
//   Every candidate of the winner's source with the same distance and metric is an ECMP peer:
//   their resolved groups are merged into one interned group. Each candidate keeps a
//   RouteStatus saying why it is or is not selected; explain() turns that into text.
// * Next-hop groups: a member with an interface is used as it is. An address-only member is
//   resolved through the table (Recursive resolution below); the prefix's installed group is
//   then the resolved one, e.g. BGP next-hop 169.254.10.2 -> "via 169.254.10.2 dev vgw-c1-t1".
// * Subscribers (the FIB, BGP redistribution, the API's Watch) each have a pending set of
//   prefixes: a change marks the prefix once and remembers what the subscriber last saw; the
//   subscriber drains when it likes and gets (prefix, before, after) with the newest state,
//   so a slow subscriber costs one mark per changed prefix, never a backlog of events. The
//   has-pending callback fires when a subscriber's pending set becomes non-empty (post a task
//   from it; do not call back into the RIB there).
//
// Recursive resolution (the rule). Sources are layered so that no resolution can loop or
// oscillate, whatever the distances:
//   * connected routes name interfaces (add() refuses address-only next-hops for them);
//   * static, vpn and kernel routes resolve address-only next-hops on-link: through the longest
//     prefix that has a connected route (like the kernel's "gateway must be reachable");
//   * eBGP/iBGP next-hops resolve recursively: through the longest prefix that has an active
//     non-BGP route (connected, or static/vpn/kernel that itself resolved on-link), never
//     through BGP routes.
// At that prefix the best qualifying route is used (best by the same order as selection, its
// ECMP ties merged) even if a route of another kind is selected there for forwarding: what
// resolves a next-hop never depends on the outcome of resolution at the same layer. Its
// installed group supplies the interface (and, for a route via a gateway, the gateway): a
// member resolved via a connected route becomes "address dev if". Weights multiply (capped at
// 255). A route none of whose members resolve is unresolvable (RouteStatus::kUnresolvable) and
// the next candidate is selected; with some members resolved, it uses those.
// Next-hop tracking: one entry per (next-hop address, mode), indexed in a per-family prefix
// table of host routes, remembering the prefix that currently resolves it. When a prefix with
// a connected or other non-BGP route is added to, removed from or re-resolved, only the
// tracked next-hops inside it that resolve via it, via something shorter, or via nothing are
// looked up again; the groups using a next-hop whose result changed are re-resolved, and only
// the prefixes using those groups are re-selected (each group keeps its dependent prefixes).
// Changes to BGP-only prefixes (the bulk) never touch next-hop tracking.
//
// Single-threaded: every call comes from the control-plane thread. Prefix tables are
// Patricia tries over compact keys (prefix_table.h); README.md has the memory layout and
// measured figures.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"
#include "vgw/rib/chunked_pool.h"
#include "vgw/rib/nexthop.h"
#include "vgw/rib/prefix_table.h"
#include "vgw/rib/route.h"

namespace vgw::rib {

using SubscriberId = uint32_t;

struct RouteEntry {
  Prefix prefix;
  Selected selected;
};

// How a next-hop resolves (Rib::resolve): through which prefix, and that route's source and
// metric.
struct Resolution {
  Prefix via;
  RouteSource source = RouteSource::kConnected;
  uint32_t metric = 0;
};

struct TrackedNexthop {
  IpAddress address;
  ResolveMode mode = ResolveMode::kOnLink;
  std::optional<Prefix> resolved_via;  // the prefix that resolves it now
  NexthopGroupId via_group = kNoGroup;  // that prefix's installed group
  size_t groups = 0;                    // next-hop groups with this address as a member
};

struct RibMemory {
  size_t ipv4_table = 0;  // trie nodes + per-prefix entries (route inline)
  size_t ipv6_table = 0;
  size_t extra_candidates = 0;  // prefixes with more than one candidate
  size_t groups = 0;            // next-hop groups, their tracking and dependents
  size_t nexthop_tracking = 0;
  size_t subscribers = 0;  // pending sets
  size_t total() const {
    return ipv4_table + ipv6_table + extra_candidates + groups + nexthop_tracking + subscribers;
  }
};

class Rib {
 public:
  struct Options {
    std::array<uint8_t, kRouteSourceCount> distance = kDefaultDistance;
    // Seconds on a monotonic clock, for the age of each prefix's selection (coarse is fine;
    // tests pass a fake). Default: CLOCK_MONOTONIC_COARSE.
    std::function<uint32_t()> seconds;
  };

  Rib() : Rib(Options{}) {}
  explicit Rib(Options options);
  ~Rib();
  Rib(const Rib&) = delete;
  Rib& operator=(const Rib&) = delete;

  NexthopGroupTable& groups() { return groups_; }
  const NexthopGroupTable& groups() const { return groups_; }

  // ---- Sources ----
  // Adds or replaces the route of (spec.source, spec.instance) for prefix. Errors: the group
  // is not live.
  Status add(const Prefix& prefix, const RouteSpec& spec);
  // Removes that route; false if there was none.
  bool remove(const Prefix& prefix, RouteSource source, uint16_t instance = 0);
  // Removes every route of (source, instance) in both families (a full walk: for flushes and
  // tear-down, not for per-route work). Returns how many.
  size_t remove_all(RouteSource source, uint16_t instance);

  // ---- Queries ----
  // The selected state of exactly this prefix (inactive if none).
  Selected selected(const Prefix& prefix) const;
  // Every candidate of the prefix with its status (empty if the prefix is unknown).
  std::vector<Route> routes(const Prefix& prefix) const;
  // The longest active prefix containing address, as forwarding would use it.
  std::optional<RouteEntry> lookup(const IpAddress& address) const;
  // How a next-hop address of a route resolved in `mode` resolves now, by the rules add()
  // applies (kRecursive: the longest prefix with an active non-BGP route; kOnLink: with a
  // connected one), with the metric of the route it resolves through; none: unresolvable, so
  // such a route would not be installed. BGP's next-hop tracking asks this, so it never
  // selects a path the RIB would refuse.
  std::optional<Resolution> resolve(const IpAddress& address, ResolveMode mode) const;
  // Calls `changed` (on this thread, inside the RIB call that made the change) whenever a
  // prefix with a route that can resolve BGP next-hops (an active non-BGP route, now or just
  // before) changed, so resolve(.., kRecursive) answers may have changed: BGP's next-hop
  // tracking re-checks then instead of polling. Returns an id for unwatch_resolvers().
  uint32_t watch_resolvers(std::function<void()> changed);
  void unwatch_resolvers(uint32_t id);
  // Active prefixes of a family in order, starting after `after` (from the start if none), at
  // most max: a resumable walk for show commands and API listings.
  std::vector<RouteEntry> list(Family family, const std::optional<Prefix>& after,
                               size_t max) const;
  // Multi-line explanation of each candidate: why it is or is not selected, and its next-hops.
  std::string explain(const Prefix& prefix) const;
  std::vector<TrackedNexthop> tracked_nexthops() const;
  size_t prefix_count(Family family) const;  // prefixes with at least one candidate
  // Seconds since the prefix's selected route last changed (nullopt: unknown prefix).
  std::optional<uint32_t> age(const Prefix& prefix) const;
  RibMemory memory() const;

  // ---- Subscribers ----
  // on_pending fires when the subscriber's pending set goes from empty to non-empty. With
  // replay, every active prefix starts out pending as an add.
  SubscriberId subscribe(std::function<void()> on_pending, bool replay = true);
  void unsubscribe(SubscriberId id);
  // Appends up to max changes to out (oldest-marked first) and returns how many. Group ids in
  // the returned changes stay valid until this subscriber's next drain() or unsubscribe().
  size_t drain(SubscriberId id, size_t max, std::vector<RouteChange>& out);
  // Prefixes marked for the subscriber (some may turn out unchanged when drained).
  size_t pending(SubscriberId id) const;
  // Whether the prefix is marked for the subscriber (a change it has not drained yet).
  bool is_pending(SubscriberId id, const Prefix& prefix) const;

 private:
  static constexpr RouteSource kEmpty = static_cast<RouteSource>(0xff);
  static constexpr RouteSource kMany = static_cast<RouteSource>(0xfe);
  static constexpr uint32_t kV6Tag = 0x80000000u;

  // One candidate, as stored (16 bytes).
  struct Candidate {
    NexthopGroupId group = kNoGroup;
    uint32_t metric = 0;
    uint16_t instance = 0;
    RouteSource source = kEmpty;
    uint8_t distance = 0;
    RouteStatus status = RouteStatus::kUnresolvable;
  };
  // The per-prefix value in the tables (24 bytes): the only candidate inline, or (source ==
  // kMany) an index into extra_ in one.group. fib: the installed group, 0 if none. changed:
  // when the selection last changed (Options::seconds).
  struct Dest {
    Candidate one;
    NexthopGroupId fib = kNoGroup;
    uint32_t changed = 0;
  };
  struct NexthopSlot {  // value of the tracking index: an entry per mode
    uint32_t id[2] = {UINT32_MAX, UINT32_MAX};
  };
  struct Tracked {
    IpAddress address;
    ResolveMode mode = ResolveMode::kOnLink;
    uint32_t via = UINT32_MAX;  // resolving prefix (table handle), UINT32_MAX: none
    uint8_t via_len = 0;
    NexthopGroupId via_group = kNoGroup;
    std::vector<NexthopGroupId> groups;
  };
  template <typename Key>
  struct Tables {
    PrefixTable<Key, Dest> routes;
    PrefixTable<Key, NexthopSlot> nexthops;  // host prefixes of tracked next-hops
  };

  struct Pending {  // a marked prefix and what the subscriber saw before
    uint32_t dest;  // handle | kV6Tag
    uint32_t metric;
    NexthopGroupId group;
    RouteSource source;
    uint8_t distance;
  };
  struct Subscriber {
    bool live = false;
    std::function<void()> on_pending;
    std::vector<uint64_t> bits[2];  // pending mark per table handle, per family
    // FIFO of marked prefixes: entries [head, end) of an append-only log, freed when drained
    // (chunked, so a bulk change neither copies nor faults in 4 KiB pages one by one).
    std::unique_ptr<ChunkedPool<Pending>> log = std::make_unique<ChunkedPool<Pending>>();
    uint32_t head = 0;
    // Prefixes whose selected route came from a non-BGP source (connected, static, vpn): drained
    // before the log, so a tunnel's static or VPN routes reach the kernel ahead of a table of BGP
    // changes made in the same turn.
    std::vector<Pending> urgent;
    size_t urgent_head = 0;
    size_t size() const { return log->capacity_used() - head + urgent.size() - urgent_head; }
    std::vector<NexthopGroupId> held;  // groups named by the last drained batch
  };
  template <typename Key>
  Tables<Key>& tables() {
    if constexpr (std::is_same_v<Key, Ipv4Key>) {
      return v4_;
    } else {
      return v6_;
    }
  }
  template <typename Key>
  const Tables<Key>& tables() const {
    if constexpr (std::is_same_v<Key, Ipv4Key>) {
      return v4_;
    } else {
      return v6_;
    }
  }
  template <typename Key>
  static uint32_t dest_ref(uint32_t handle) {
    return std::is_same_v<Key, Ipv4Key> ? handle : handle | kV6Tag;
  }

  std::span<Candidate> candidates(Dest& d);
  std::span<const Candidate> candidates(const Dest& d) const;
  static bool uses_group(std::span<const Candidate> cands, NexthopGroupId g);
  Selected selected_of(const Dest& d) const;
  NexthopGroupId resolved_group(NexthopGroupId g, ResolveMode mode) const;
  // The best resolvable candidate (of the sources eligible for `only`, if given), or null.
  const Candidate* best_candidate(std::span<const Candidate> cands,
                                  std::optional<ResolveMode> only) const;
  // The installed group of best: its resolved group, merged with its ECMP ties'. New reference.
  NexthopGroupId install_group(std::span<const Candidate> cands, const Candidate& best);
  static bool eligible(RouteSource source, ResolveMode mode) {
    return mode == ResolveMode::kOnLink ? source == RouteSource::kConnected : !is_bgp(source);
  }
  bool can_resolve(const Dest& d, ResolveMode mode) const;
  NexthopGroupId resolving_group(const Dest& d, ResolveMode mode);

  template <typename Key>
  Status add_route(Key key, int len, const RouteSpec& spec);
  template <typename Key>
  bool remove_route(Key key, int len, RouteSource source, uint16_t instance);
  void select_among(Dest& d, std::span<Candidate> cands);
  template <typename Key>
  void reselect(uint32_t handle, const Selected& before,
                std::optional<RouteSource> touched = std::nullopt);
  template <typename Key>
  void maybe_forget(uint32_t handle);
  void reselect_ref(uint32_t dest, NexthopGroupId uses);

  // Resolution and next-hop tracking (rib_resolve.cc).
  void attach(NexthopGroupId g, ResolveMode mode, uint32_t dest);
  void detach(NexthopGroupId g, ResolveMode mode);
  void track(NexthopGroupId g, ResolveMode mode);
  void untrack(NexthopGroupId g, ResolveMode mode);
  uint32_t tracked_id(const IpAddress& address, ResolveMode mode) const;
  template <typename Key>
  bool resolve_tracked(Tracked& t);
  bool resolve_tracked(uint32_t id);
  bool update_resolution(NexthopGroupId g, ResolveMode mode);
  template <typename Key>
  void retrack(uint32_t handle, const bool modes[2]);
  void compact_dependents(NexthopGroupId g);

  // Subscribers (rib_notify.cc).
  void mark(uint32_t dest, const Selected& before);
  void mark_one(Subscriber& s, uint32_t dest, const Selected& before);
  bool is_pending_anywhere(uint32_t dest) const;
  template <typename Key>
  void replay(Subscriber& s);

  Options options_;
  NexthopGroupTable groups_;
  Tables<Ipv4Key> v4_;
  Tables<Ipv6Key> v6_;
  ChunkedPool<std::vector<Candidate>> extra_;
  ChunkedPool<Tracked> tracked_;
  std::vector<Subscriber> subscribers_;
  std::vector<std::pair<uint32_t, std::function<void()>>> resolver_watchers_;
  uint32_t next_watcher_ = 1;
  size_t with_routes_[2] = {0, 0};  // prefixes with at least one candidate, per family
};

}  // namespace vgw::rib
