// Recursive next-hop resolution and next-hop tracking (the rule is in rib.h).
//
// A group with an address-only member is "recursive". While routes of a resolve mode use it,
// each such address has a Tracked entry for that mode (found through the per-family index of
// host prefixes), which remembers the prefix that resolves it and that prefix's installed
// group. The group's resolution for the mode is built from those entries. When a prefix with
// a route that can resolve next-hops changes, retrack() looks only at the tracked addresses
// inside it, re-resolves the ones it can affect, and re-selects only the prefixes whose groups
// changed.
#include <algorithm>
#include <cassert>

#include "vgw/rib/rib.h"

namespace vgw::rib {

namespace {
constexpr uint32_t kNoId = UINT32_MAX;
constexpr int index_of(ResolveMode m) { return static_cast<int>(m); }
}  // namespace

void Rib::attach(NexthopGroupId g, ResolveMode mode, uint32_t dest) {
  groups_.ref(g);
  if (!groups_.is_recursive(g)) return;
  auto& tr = groups_.tracking(g);
  if (tr.route_refs[index_of(mode)]++ == 0) track(g, mode);
  if (!tr.dependents) tr.dependents = std::make_unique<NexthopGroupTable::Dependents>();
  tr.dependents->push_back(dest);
  // Removals leave stale entries behind (cheaper than finding them); keep them bounded.
  if (tr.dependents->capacity_used() > 2 * size_t{tr.route_refs[0] + tr.route_refs[1]} + 1024) {
    compact_dependents(g);
  }
}

void Rib::detach(NexthopGroupId g, ResolveMode mode) {
  if (groups_.is_recursive(g)) {
    auto& tr = groups_.tracking(g);
    if (--tr.route_refs[index_of(mode)] == 0) untrack(g, mode);
    if (tr.route_refs[0] == 0 && tr.route_refs[1] == 0) tr.dependents.reset();
  }
  groups_.release(g);
}

void Rib::compact_dependents(NexthopGroupId g) {
  auto& deps = groups_.tracking(g).dependents;
  std::vector<uint32_t> live;
  live.reserve(deps->capacity_used() / 2);
  for (uint32_t i = 0; i < deps->capacity_used(); ++i) {
    uint32_t dest = (*deps)[i];
    bool ok = false;
    if (dest & kV6Tag) {
      uint32_t h = dest & ~kV6Tag;
      ok = v6_.routes.is_live(h) && uses_group(candidates(v6_.routes.value(h)), g);
    } else {
      ok = v4_.routes.is_live(dest) && uses_group(candidates(v4_.routes.value(dest)), g);
    }
    if (ok) live.push_back(dest);
  }
  std::sort(live.begin(), live.end());
  live.erase(std::unique(live.begin(), live.end()), live.end());
  deps = std::make_unique<NexthopGroupTable::Dependents>();
  for (uint32_t dest : live) deps->push_back(dest);
}

uint32_t Rib::tracked_id(const IpAddress& address, ResolveMode mode) const {
  auto find = [&](const auto& tabs) {
    using Key = std::decay_t<decltype(tabs.nexthops.key(0))>;
    uint32_t h = tabs.nexthops.find(KeyTraits<Key>::from_address(address), KeyTraits<Key>::kBits);
    return h == tabs.nexthops.kNone ? kNoId : tabs.nexthops.value(h).id[index_of(mode)];
  };
  return address.is_v4() ? find(v4_) : find(v6_);
}

void Rib::track(NexthopGroupId g, ResolveMode mode) {
  for (const Nexthop& m : groups_.members(g)) {
    if (m.is_direct()) continue;
    uint32_t id = tracked_id(*m.address, mode);
    if (id == kNoId) {
      id = tracked_.allocate();
      tracked_[id].address = *m.address;
      tracked_[id].mode = mode;
      auto add = [&](auto& tabs) {
        using Key = std::decay_t<decltype(tabs.nexthops.key(0))>;
        auto [h, fresh] =
            tabs.nexthops.insert(KeyTraits<Key>::from_address(*m.address), KeyTraits<Key>::kBits);
        (void)fresh;
        tabs.nexthops.value(h).id[index_of(mode)] = id;
      };
      if (m.address->is_v4()) {
        add(v4_);
      } else {
        add(v6_);
      }
      resolve_tracked(id);
    }
    tracked_[id].groups.push_back(g);
  }
  update_resolution(g, mode);
}

void Rib::untrack(NexthopGroupId g, ResolveMode mode) {
  for (const Nexthop& m : groups_.members(g)) {
    if (m.is_direct()) continue;
    uint32_t id = tracked_id(*m.address, mode);
    assert(id != kNoId);
    Tracked& t = tracked_[id];
    t.groups.erase(std::find(t.groups.begin(), t.groups.end(), g));
    if (!t.groups.empty()) continue;
    if (t.via_group != kNoGroup) groups_.release(t.via_group);
    auto drop = [&](auto& tabs) {
      using Key = std::decay_t<decltype(tabs.nexthops.key(0))>;
      uint32_t h =
          tabs.nexthops.find(KeyTraits<Key>::from_address(*m.address), KeyTraits<Key>::kBits);
      NexthopSlot& slot = tabs.nexthops.value(h);
      slot.id[index_of(mode)] = kNoId;
      if (slot.id[0] == kNoId && slot.id[1] == kNoId) tabs.nexthops.erase(h);
    };
    if (m.address->is_v4()) {
      drop(v4_);
    } else {
      drop(v6_);
    }
    tracked_.release(id);
  }
  auto& tr = groups_.tracking(g);
  NexthopGroupId old = tr.resolved[index_of(mode)];
  tr.resolved[index_of(mode)] = kNoGroup;
  if (old != kNoGroup) groups_.release(old);
}

// Looks the tracked address up again; true if the group it resolves through changed.
template <typename Key>
bool Rib::resolve_tracked(Tracked& t) {
  const auto& table = tables<Key>().routes;
  ResolveMode mode = t.mode;
  uint32_t h = table.longest_match_if(KeyTraits<Key>::from_address(t.address), [&](uint32_t x) {
    return can_resolve(table.value(x), mode);
  });
  NexthopGroupId g = h == table.kNone ? kNoGroup : resolving_group(table.value(h), mode);
  t.via = h;
  t.via_len = h == table.kNone ? 0 : static_cast<uint8_t>(table.length(h));
  if (g == t.via_group) {
    if (g != kNoGroup) groups_.release(g);
    return false;
  }
  if (t.via_group != kNoGroup) groups_.release(t.via_group);
  t.via_group = g;
  return true;
}

bool Rib::resolve_tracked(uint32_t id) {
  Tracked& t = tracked_[id];
  return t.address.is_v4() ? resolve_tracked<Ipv4Key>(t) : resolve_tracked<Ipv6Key>(t);
}

// Rebuilds the group's resolution for mode from its members' tracking entries; true if the
// resolved group changed.
bool Rib::update_resolution(NexthopGroupId g, ResolveMode mode) {
  std::vector<Nexthop> out;
  for (const Nexthop& m : groups_.members(g)) {
    if (m.is_direct()) {
      out.push_back(m);
      continue;
    }
    const Tracked& t = tracked_[tracked_id(*m.address, mode)];
    if (t.via_group == kNoGroup) continue;
    for (const Nexthop& r : groups_.members(t.via_group)) {
      Nexthop n = r;
      if (!n.address) n.address = m.address;  // resolved via a connected (on-link) route
      n.weight = static_cast<uint8_t>(std::min(255, m.weight * r.weight));
      out.push_back(std::move(n));
    }
  }
  NexthopGroupId resolved = kNoGroup;
  if (!out.empty()) {
    if (out.size() > NexthopGroupTable::kMaxMembers) out.resize(NexthopGroupTable::kMaxMembers);
    auto r = groups_.intern(std::move(out));
    assert(r.ok());
    if (r.ok()) resolved = *r;
  }
  auto& tr = groups_.tracking(g);
  NexthopGroupId& slot = tr.resolved[index_of(mode)];
  if (resolved == slot) {
    if (resolved != kNoGroup) groups_.release(resolved);
    return false;
  }
  NexthopGroupId old = slot;
  slot = resolved;
  if (old != kNoGroup) groups_.release(old);
  return true;
}

// The prefix at h gained, lost or changed a route that can resolve next-hops in these modes.
template <typename Key>
void Rib::retrack(uint32_t h, const bool modes[2]) {
  auto& tabs = tables<Key>();
  if (tabs.nexthops.empty()) return;
  Key key = tabs.routes.key(h);
  int len = tabs.routes.length(h);

  // Tracked addresses inside the prefix whose answer it can change: those resolved via this
  // prefix, via a shorter one, or not at all.
  std::vector<uint32_t> ids;
  tabs.nexthops.for_each_within(key, len, [&](uint32_t nh) {
    for (int m = 0; m < 2; ++m) {
      uint32_t id = tabs.nexthops.value(nh).id[m];
      if (!modes[m] || id == kNoId) continue;
      const Tracked& t = tracked_[id];
      if (t.via == h || t.via == UINT32_MAX || t.via_len < len) ids.push_back(id);
    }
  });
  std::vector<std::pair<NexthopGroupId, ResolveMode>> affected;
  for (uint32_t id : ids) {
    if (!resolve_tracked<Key>(tracked_[id])) continue;
    for (NexthopGroupId g : tracked_[id].groups) affected.emplace_back(g, tracked_[id].mode);
  }
  std::sort(affected.begin(), affected.end());
  affected.erase(std::unique(affected.begin(), affected.end()), affected.end());
  for (auto [g, mode] : affected) {
    if (!groups_.is_live(g) || !update_resolution(g, mode)) continue;
    // Prefixes are only re-selected here, never added or removed, so the list is stable.
    const auto* deps = groups_.tracking(g).dependents.get();
    for (uint32_t i = 0; deps != nullptr && i < deps->capacity_used(); ++i) {
      reselect_ref((*deps)[i], g);
    }
  }
}
template void Rib::retrack<Ipv4Key>(uint32_t, const bool[2]);
template void Rib::retrack<Ipv6Key>(uint32_t, const bool[2]);

std::vector<TrackedNexthop> Rib::tracked_nexthops() const {
  std::vector<TrackedNexthop> out;
  auto collect = [&](const auto& tabs) {
    tabs.nexthops.for_each([&](uint32_t nh) {
      for (uint32_t id : tabs.nexthops.value(nh).id) {
        if (id == kNoId) continue;
        const Tracked& t = tracked_[id];
        TrackedNexthop v{t.address, t.mode, std::nullopt, t.via_group, t.groups.size()};
        if (t.via != UINT32_MAX) {
          v.resolved_via = key_to_prefix(tabs.routes.key(t.via), tabs.routes.length(t.via));
        }
        out.push_back(std::move(v));
      }
    });
  };
  collect(v4_);
  collect(v6_);
  return out;
}

}  // namespace vgw::rib
