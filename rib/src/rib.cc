// The RIB's routes and selection: candidates per prefix, the best route and its installed
// next-hop group, and the read-only queries behind `show` and the API.
#include <algorithm>
#include <cassert>

#include "vgw/rib/rib.h"

#include <time.h>

namespace vgw::rib {

namespace {

template <typename Key>
Key key_of(const IpAddress& a) {
  return KeyTraits<Key>::from_address(a);
}

constexpr size_t family_index(Family f) { return f == Family::kIpv4 ? 0 : 1; }

}  // namespace

Rib::Rib(Options options) : options_(std::move(options)) {
  if (!options_.seconds) {
    options_.seconds = [] {
      timespec ts{};
      clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
      return static_cast<uint32_t>(ts.tv_sec);
    };
  }
  // The per-prefix layout README.md documents: a change here is a change of the memory budget.
  static_assert(sizeof(Candidate) == 16);
  static_assert(sizeof(Dest) == 24);
  static_assert(PrefixTable<Ipv4Key, Dest>::kEntryBytes == 32);
  static_assert(PrefixTable<Ipv4Key, Dest>::kNodeBytes == 16);
  static_assert(PrefixTable<Ipv6Key, Dest>::kNodeBytes == 32);
}
Rib::~Rib() = default;

std::span<Rib::Candidate> Rib::candidates(Dest& d) {
  if (d.one.source == kEmpty) return {};
  if (d.one.source == kMany) return extra_[d.one.group];
  return {&d.one, 1};
}

std::span<const Rib::Candidate> Rib::candidates(const Dest& d) const {
  if (d.one.source == kEmpty) return {};
  if (d.one.source == kMany) return extra_[d.one.group];
  return {&d.one, 1};
}

bool Rib::uses_group(std::span<const Candidate> cands, NexthopGroupId g) {
  return std::any_of(cands.begin(), cands.end(), [g](const Candidate& c) { return c.group == g; });
}

Selected Rib::selected_of(const Dest& d) const {
  if (d.fib == kNoGroup) return {};
  for (const Candidate& c : candidates(d)) {
    if (c.status == RouteStatus::kSelected) return {c.source, c.distance, c.metric, d.fib};
  }
  assert(false && "an installed group without a selected candidate");
  return {};
}

NexthopGroupId Rib::resolved_group(NexthopGroupId g, ResolveMode mode) const {
  if (!groups_.is_recursive(g)) return g;
  return groups_.tracking(g).resolved[static_cast<int>(mode)];
}

bool Rib::can_resolve(const Dest& d, ResolveMode mode) const {
  for (const Candidate& c : candidates(d)) {
    if (eligible(c.source, mode) && resolved_group(c.group, resolve_mode(c.source)) != kNoGroup) {
      return true;
    }
  }
  return false;
}

NexthopGroupId Rib::resolving_group(const Dest& d, ResolveMode mode) {
  if (d.fib != kNoGroup && eligible(selected_of(d).source, mode)) {
    groups_.ref(d.fib);
    return d.fib;
  }
  std::span<const Candidate> cands = candidates(d);
  const Candidate* best = best_candidate(cands, mode);
  return best != nullptr ? install_group(cands, *best) : kNoGroup;
}

// ---- Sources ----

Status Rib::add(const Prefix& prefix, const RouteSpec& spec) {
  if (static_cast<size_t>(spec.source) >= kRouteSourceCount) {
    return fail(Error::invalid("unknown route source"));
  }
  if (!groups_.is_live(spec.group)) {
    return fail(Error::invalid("route " + prefix.to_string() + " names next-hop group " +
                               std::to_string(spec.group) + ", which does not exist"));
  }
  if (spec.source == RouteSource::kConnected && groups_.is_recursive(spec.group)) {
    return fail(Error::invalid("connected route " + prefix.to_string() +
                               " must name interfaces, not only addresses"));
  }
  if (prefix.family() == Family::kIpv4) {
    return add_route<Ipv4Key>(key_of<Ipv4Key>(prefix.address()), prefix.length(), spec);
  }
  return add_route<Ipv6Key>(key_of<Ipv6Key>(prefix.address()), prefix.length(), spec);
}

template <typename Key>
Status Rib::add_route(Key key, int len, const RouteSpec& spec) {
  auto& table = tables<Key>().routes;
  uint32_t h = table.insert(key, len).first;
  Candidate c;
  c.group = spec.group;
  c.metric = spec.metric;
  c.instance = spec.instance;
  c.source = spec.source;
  c.distance = spec.distance.value_or(options_.distance[static_cast<size_t>(spec.source)]);
  ResolveMode mode = resolve_mode(spec.source);

  Dest& d = table.value(h);
  const Selected before = selected_of(d);
  Candidate* existing = nullptr;
  for (Candidate& x : candidates(d)) {
    if (x.source == spec.source && x.instance == spec.instance) existing = &x;
  }
  if (existing != nullptr && existing->group == c.group) {
    existing->metric = c.metric;
    existing->distance = c.distance;
  } else {
    // Attach first: if the old and new group resolve through the same next-hops, their
    // tracking entries stay instead of being dropped and looked up again.
    attach(c.group, mode, dest_ref<Key>(h));
    if (existing != nullptr) {
      NexthopGroupId old = existing->group;
      *existing = c;
      detach(old, mode);
    } else if (d.one.source == kEmpty) {
      d.one = c;
      ++with_routes_[family_index(KeyTraits<Key>::kFamily)];
    } else if (d.one.source != kMany) {
      uint32_t list = extra_.allocate();
      extra_[list] = {d.one, c};
      d.one = Candidate{};
      d.one.source = kMany;
      d.one.group = list;
    } else {
      extra_[d.one.group].push_back(c);
    }
  }
  reselect<Key>(h, before, spec.source);
  return {};
}

bool Rib::remove(const Prefix& prefix, RouteSource source, uint16_t instance) {
  if (prefix.family() == Family::kIpv4) {
    return remove_route<Ipv4Key>(key_of<Ipv4Key>(prefix.address()), prefix.length(), source,
                                 instance);
  }
  return remove_route<Ipv6Key>(key_of<Ipv6Key>(prefix.address()), prefix.length(), source,
                               instance);
}

template <typename Key>
bool Rib::remove_route(Key key, int len, RouteSource source, uint16_t instance) {
  auto& table = tables<Key>().routes;
  uint32_t h = table.find(key, len);
  if (h == table.kNone) return false;
  Dest& d = table.value(h);
  const Selected before = selected_of(d);
  Candidate gone;
  if (d.one.source == kMany) {
    auto& list = extra_[d.one.group];
    auto it = std::find_if(list.begin(), list.end(), [&](const Candidate& c) {
      return c.source == source && c.instance == instance;
    });
    if (it == list.end()) return false;
    gone = *it;
    list.erase(it);
    if (list.size() == 1) {
      uint32_t index = d.one.group;
      d.one = list.front();
      extra_.release(index);
    }
  } else {
    if (d.one.source != source || d.one.instance != instance) return false;
    gone = d.one;
    d.one = Candidate{};
    --with_routes_[family_index(KeyTraits<Key>::kFamily)];
  }
  detach(gone.group, resolve_mode(gone.source));
  reselect<Key>(h, before, gone.source);
  maybe_forget<Key>(h);
  return true;
}

size_t Rib::remove_all(RouteSource source, uint16_t instance) {
  size_t removed = 0;
  auto sweep = [&](auto& tabs) {
    auto& table = tabs.routes;
    using Key = std::decay_t<decltype(table.key(0))>;
    std::vector<std::pair<Key, uint8_t>> doomed;
    table.for_each([&](uint32_t h) {
      for (const Candidate& c : candidates(table.value(h))) {
        if (c.source == source && c.instance == instance) {
          doomed.emplace_back(table.key(h), static_cast<uint8_t>(table.length(h)));
        }
      }
    });
    for (auto& [key, len] : doomed) removed += remove_route<Key>(key, len, source, instance);
  };
  sweep(v4_);
  sweep(v6_);
  return removed;
}

// ---- Selection ----

const Rib::Candidate* Rib::best_candidate(std::span<const Candidate> cands,
                                          std::optional<ResolveMode> only) const {
  const Candidate* best = nullptr;
  for (const Candidate& c : cands) {
    if (only && !eligible(c.source, *only)) continue;
    if (resolved_group(c.group, resolve_mode(c.source)) == kNoGroup) continue;
    if (best == nullptr || std::tie(c.distance, c.metric, c.source, c.instance) <
                               std::tie(best->distance, best->metric, best->source, best->instance)) {
      best = &c;
    }
  }
  return best;
}

NexthopGroupId Rib::install_group(std::span<const Candidate> cands, const Candidate& best) {
  auto tied = [&](const Candidate& c) {
    return c.source == best.source && c.distance == best.distance && c.metric == best.metric &&
           resolved_group(c.group, resolve_mode(c.source)) != kNoGroup;
  };
  if (std::count_if(cands.begin(), cands.end(), tied) == 1) {
    NexthopGroupId g = resolved_group(best.group, resolve_mode(best.source));
    groups_.ref(g);
    return g;
  }
  // ECMP over routes of one source (e.g. two VPN connections): one merged group.
  std::vector<Nexthop> merged;
  for (const Candidate& c : cands) {
    if (!tied(c)) continue;
    auto members = groups_.members(resolved_group(c.group, resolve_mode(c.source)));
    merged.insert(merged.end(), members.begin(), members.end());
  }
  if (merged.size() > NexthopGroupTable::kMaxMembers) merged.resize(NexthopGroupTable::kMaxMembers);
  auto g = groups_.intern(std::move(merged));
  assert(g.ok());
  return g.ok() ? *g : kNoGroup;
}

// before: the prefix's selected state as last published (taken before its candidates were
// edited); touched: the source of the candidate that was added, replaced or removed, if any.
template <typename Key>
void Rib::reselect(uint32_t h, const Selected& before, std::optional<RouteSource> touched) {
  auto& table = tables<Key>().routes;
  Dest& d = table.value(h);
  std::span<Candidate> cands = candidates(d);

  NexthopGroupId old = d.fib;
  if (cands.size() == 1) {  // the common case, kept short
    NexthopGroupId r = resolved_group(cands[0].group, resolve_mode(cands[0].source));
    cands[0].status = r != kNoGroup ? RouteStatus::kSelected : RouteStatus::kUnresolvable;
    if (r != kNoGroup) groups_.ref(r);
    d.fib = r;
  } else {
    select_among(d, cands);
  }
  Selected after = selected_of(d);
  if (!(before == after)) {
    d.changed = options_.seconds();
    mark(dest_ref<Key>(h), before);
  }

  // Next-hops may resolve through this prefix if it has (or just lost) a route that can
  // resolve them; BGP-only prefixes cannot.
  bool modes[2] = {false, false};
  auto note = [&modes](RouteSource s) {
    modes[0] = modes[0] || eligible(s, ResolveMode::kOnLink);
    modes[1] = modes[1] || eligible(s, ResolveMode::kRecursive);
  };
  if (touched) note(*touched);
  for (const Candidate& c : candidates(table.value(h))) note(c.source);
  if (modes[1]) {
    retrack<Key>(h, modes);
    for (const auto& [id, changed] : resolver_watchers_) changed();
  }
  if (old != kNoGroup) groups_.release(old);
}

uint32_t Rib::watch_resolvers(std::function<void()> changed) {
  resolver_watchers_.emplace_back(next_watcher_, std::move(changed));
  return next_watcher_++;
}

void Rib::unwatch_resolvers(uint32_t id) {
  std::erase_if(resolver_watchers_, [id](const auto& w) { return w.first == id; });
}

// Sets each candidate's status and the installed group (with a new reference) in d.fib.
void Rib::select_among(Dest& d, std::span<Candidate> cands) {
  const Candidate* best = best_candidate(cands, std::nullopt);
  for (Candidate& c : cands) {
    if (resolved_group(c.group, resolve_mode(c.source)) == kNoGroup) {
      c.status = RouteStatus::kUnresolvable;
    } else if (c.source == best->source && c.distance == best->distance &&
               c.metric == best->metric) {
      c.status = RouteStatus::kSelected;
    } else if (c.distance > best->distance) {
      c.status = RouteStatus::kHigherDistance;
    } else if (c.distance == best->distance && c.metric > best->metric) {
      c.status = RouteStatus::kHigherMetric;
    } else {
      c.status = RouteStatus::kTieBreak;
    }
  }
  d.fib = best != nullptr ? install_group(cands, *best) : kNoGroup;
}

// Drops a prefix that has no candidates once no subscriber still has to hear about it.
template <typename Key>
void Rib::maybe_forget(uint32_t h) {
  auto& table = tables<Key>().routes;
  const Dest& d = table.value(h);
  if (d.one.source != kEmpty || is_pending_anywhere(dest_ref<Key>(h))) return;
  assert(d.fib == kNoGroup);
  table.erase(h);
}
template void Rib::maybe_forget<Ipv4Key>(uint32_t);
template void Rib::maybe_forget<Ipv6Key>(uint32_t);

void Rib::reselect_ref(uint32_t dest, NexthopGroupId uses) {
  auto run = [&](auto& tabs, uint32_t h) {
    using Key = std::decay_t<decltype(tabs.routes.key(0))>;
    if (!tabs.routes.is_live(h) || !uses_group(candidates(tabs.routes.value(h)), uses)) return;
    reselect<Key>(h, selected_of(tabs.routes.value(h)));
  };
  if (dest & kV6Tag) {
    run(v6_, dest & ~kV6Tag);
  } else {
    run(v4_, dest);
  }
}

// ---- Queries ----

std::optional<uint32_t> Rib::age(const Prefix& prefix) const {
  auto get = [&](const auto& tabs) -> std::optional<uint32_t> {
    using Key = std::decay_t<decltype(tabs.routes.key(0))>;
    uint32_t h = tabs.routes.find(key_of<Key>(prefix.address()), prefix.length());
    if (h == tabs.routes.kNone) return std::nullopt;
    return options_.seconds() - tabs.routes.value(h).changed;
  };
  return prefix.family() == Family::kIpv4 ? get(v4_) : get(v6_);
}

Selected Rib::selected(const Prefix& prefix) const {
  auto get = [&](const auto& tabs) {
    using Key = std::decay_t<decltype(tabs.routes.key(0))>;
    uint32_t h = tabs.routes.find(key_of<Key>(prefix.address()), prefix.length());
    return h == tabs.routes.kNone ? Selected{} : selected_of(tabs.routes.value(h));
  };
  return prefix.family() == Family::kIpv4 ? get(v4_) : get(v6_);
}

bool Rib::is_pending(SubscriberId id, const Prefix& prefix) const {
  if (id >= subscribers_.size() || !subscribers_[id].live) return false;
  const Subscriber& s = subscribers_[id];
  auto marked = [&](const auto& tabs, int f) {
    using Key = std::decay_t<decltype(tabs.routes.key(0))>;
    const uint32_t h = tabs.routes.find(key_of<Key>(prefix.address()), prefix.length());
    if (h == tabs.routes.kNone) return false;
    const auto& bits = s.bits[f];
    return (h >> 6) < bits.size() && ((bits[h >> 6] >> (h & 63)) & 1) != 0;
  };
  return prefix.family() == Family::kIpv4 ? marked(v4_, 0) : marked(v6_, 1);
}

std::vector<Route> Rib::routes(const Prefix& prefix) const {
  std::vector<Route> out;
  auto get = [&](const auto& tabs) {
    using Key = std::decay_t<decltype(tabs.routes.key(0))>;
    uint32_t h = tabs.routes.find(key_of<Key>(prefix.address()), prefix.length());
    if (h == tabs.routes.kNone) return;
    for (const Candidate& c : candidates(tabs.routes.value(h))) {
      out.push_back(Route{c.source, c.instance, c.distance, c.metric, c.group,
                          resolved_group(c.group, resolve_mode(c.source)), c.status});
    }
  };
  if (prefix.family() == Family::kIpv4) {
    get(v4_);
  } else {
    get(v6_);
  }
  std::sort(out.begin(), out.end(), [](const Route& a, const Route& b) {
    return std::tie(a.status, a.distance, a.metric, a.source, a.instance) <
           std::tie(b.status, b.distance, b.metric, b.source, b.instance);
  });
  return out;
}

std::optional<RouteEntry> Rib::lookup(const IpAddress& address) const {
  auto get = [&](const auto& tabs) -> std::optional<RouteEntry> {
    using Key = std::decay_t<decltype(tabs.routes.key(0))>;
    const auto& table = tabs.routes;
    uint32_t h = table.longest_match_if(key_of<Key>(address), [&](uint32_t x) {
      return table.value(x).fib != kNoGroup;
    });
    if (h == table.kNone) return std::nullopt;
    return RouteEntry{key_to_prefix(table.key(h), table.length(h)), selected_of(table.value(h))};
  };
  return address.is_v4() ? get(v4_) : get(v6_);
}

std::optional<Resolution> Rib::resolve(const IpAddress& address, ResolveMode mode) const {
  auto get = [&](const auto& tabs) -> std::optional<Resolution> {
    using Key = std::decay_t<decltype(tabs.routes.key(0))>;
    const auto& table = tabs.routes;
    uint32_t h = table.longest_match_if(key_of<Key>(address), [&](uint32_t x) {
      return can_resolve(table.value(x), mode);
    });
    if (h == table.kNone) return std::nullopt;
    const Candidate* best = best_candidate(candidates(table.value(h)), mode);
    if (best == nullptr) return std::nullopt;
    return Resolution{key_to_prefix(table.key(h), table.length(h)), best->source, best->metric};
  };
  return address.is_v4() ? get(v4_) : get(v6_);
}

std::vector<RouteEntry> Rib::list(Family family, const std::optional<Prefix>& after,
                                  size_t max) const {
  std::vector<RouteEntry> out;
  auto get = [&](const auto& tabs) {
    using Key = std::decay_t<decltype(tabs.routes.key(0))>;
    const auto& table = tabs.routes;
    uint32_t h = after && after->family() == family
                     ? table.next_after(key_of<Key>(after->address()), after->length())
                     : table.first();
    for (; h != table.kNone && out.size() < max; h = table.next(h)) {
      const Dest& d = table.value(h);
      if (d.fib != kNoGroup) {
        out.push_back({key_to_prefix(table.key(h), table.length(h)), selected_of(d)});
      }
    }
  };
  if (family == Family::kIpv4) {
    get(v4_);
  } else {
    get(v6_);
  }
  return out;
}

std::string Rib::explain(const Prefix& prefix) const {
  std::vector<Route> rs = routes(prefix);
  if (rs.empty()) return prefix.to_string() + ": no routes\n";
  const Route* sel = rs.front().status == RouteStatus::kSelected ? &rs.front() : nullptr;
  std::string out = prefix.to_string() + (sel ? "" : ": no usable route") + "\n";
  for (const Route& r : rs) {
    out += "  " + std::string(route_source_name(r.source));
    if (r.instance != 0) out += "#" + std::to_string(r.instance);
    out += " distance " + std::to_string(r.distance) + " metric " + std::to_string(r.metric) +
           " " + groups_.to_string(r.group);
    if (r.resolved != kNoGroup && r.resolved != r.group) {
      out += " resolved " + groups_.to_string(r.resolved);
    }
    out += ": " + describe_status(r, sel) + "\n";
  }
  Selected s = selected(prefix);
  if (s.active()) out += "  installed " + groups_.to_string(s.group) + "\n";
  return out;
}

size_t Rib::prefix_count(Family family) const { return with_routes_[family_index(family)]; }

RibMemory Rib::memory() const {
  RibMemory m;
  m.ipv4_table = v4_.routes.memory_bytes();
  m.ipv6_table = v6_.routes.memory_bytes();
  m.extra_candidates = extra_.memory_bytes();
  for (uint32_t i = 0; i < extra_.capacity_used(); ++i) {
    m.extra_candidates += extra_[i].capacity() * sizeof(Candidate);
  }
  m.groups = groups_.memory_bytes();
  m.nexthop_tracking =
      v4_.nexthops.memory_bytes() + v6_.nexthops.memory_bytes() + tracked_.memory_bytes();
  for (const Subscriber& s : subscribers_) {
    m.subscribers += (s.bits[0].capacity() + s.bits[1].capacity()) * sizeof(uint64_t) +
                     s.log->memory_bytes() + s.urgent.capacity() * sizeof(Pending) + s.held.capacity() * 4;
  }
  return m;
}

}  // namespace vgw::rib
