// Change notification: per-subscriber coalescing pending sets.
//
// Each subscriber has, per family, one bit per table handle ("marked") and a FIFO of marked
// prefixes with the state the subscriber last saw (two: prefixes whose selected route was not
// BGP's are drained first, see Subscriber::urgent). Marking an already marked prefix does
// nothing, so a prefix that flaps a thousand times before the subscriber drains costs one
// entry, and drain() reports only the newest state (or nothing if it is back to what the
// subscriber saw). A prefix that lost all its routes stays in the table, empty, until every
// subscriber that has it marked has drained it, so its handle cannot be reused meanwhile.
#include <cassert>

#include "vgw/rib/rib.h"

namespace vgw::rib {

void Rib::mark_one(Subscriber& s, uint32_t dest, const Selected& before) {
  auto& bits = s.bits[(dest & kV6Tag) ? 1 : 0];
  uint32_t h = dest & ~kV6Tag;
  size_t word = h >> 6;
  if (word >= bits.size()) bits.resize(std::max(word + 1, bits.size() + bits.size() / 2), 0);
  uint64_t bit = uint64_t{1} << (h & 63);
  if (bits[word] & bit) return;
  bits[word] |= bit;
  bool was_empty = s.size() == 0;
  const Pending p{dest, before.metric, before.group, before.source, before.distance};
  if (before.active() && !is_bgp(before.source)) {
    s.urgent.push_back(p);
  } else {
    s.log->push_back(p);
  }
  if (before.group != kNoGroup) groups_.ref(before.group);
  if (was_empty && s.on_pending) s.on_pending();
}

void Rib::mark(uint32_t dest, const Selected& before) {
  for (size_t i = 0; i < subscribers_.size(); ++i) {
    if (subscribers_[i].live) mark_one(subscribers_[i], dest, before);
  }
}

bool Rib::is_pending_anywhere(uint32_t dest) const {
  const int f = (dest & kV6Tag) ? 1 : 0;
  const uint32_t h = dest & ~kV6Tag;
  for (const Subscriber& s : subscribers_) {
    if (!s.live || (h >> 6) >= s.bits[f].size()) continue;
    if (s.bits[f][h >> 6] & (uint64_t{1} << (h & 63))) return true;
  }
  return false;
}

template <typename Key>
void Rib::replay(Subscriber& s) {
  const auto& table = tables<Key>().routes;
  table.for_each([&](uint32_t h) {
    if (table.value(h).fib != kNoGroup) mark_one(s, dest_ref<Key>(h), Selected{});
  });
}

SubscriberId Rib::subscribe(std::function<void()> on_pending, bool replay_existing) {
  auto id = static_cast<SubscriberId>(subscribers_.size());
  subscribers_.emplace_back();
  subscribers_.back().live = true;
  subscribers_.back().on_pending = std::move(on_pending);
  if (replay_existing) {
    replay<Ipv4Key>(subscribers_.back());
    replay<Ipv6Key>(subscribers_.back());
  }
  return id;
}

void Rib::unsubscribe(SubscriberId id) {
  if (id >= subscribers_.size() || !subscribers_[id].live) return;
  Subscriber gone = std::move(subscribers_[id]);
  subscribers_[id] = Subscriber{};  // not live: is_pending_anywhere() no longer sees its marks
  for (NexthopGroupId g : gone.held) groups_.release(g);
  std::vector<Pending> left(gone.urgent.begin() + static_cast<std::ptrdiff_t>(gone.urgent_head), gone.urgent.end());
  for (uint32_t i = gone.head; i < gone.log->capacity_used(); ++i) left.push_back((*gone.log)[i]);
  for (const Pending& p : left) {
    if (p.group != kNoGroup) groups_.release(p.group);
    if (p.dest & kV6Tag) {
      maybe_forget<Ipv6Key>(p.dest & ~kV6Tag);
    } else {
      maybe_forget<Ipv4Key>(p.dest);
    }
  }
}

size_t Rib::drain(SubscriberId id, size_t max, std::vector<RouteChange>& out) {
  if (id >= subscribers_.size() || !subscribers_[id].live) return 0;
  {
    Subscriber& s = subscribers_[id];
    for (NexthopGroupId g : s.held) groups_.release(g);
    s.held.clear();
  }
  size_t n = 0;
  while (n < max) {
    Subscriber& s = subscribers_[id];
    if (s.size() == 0) break;
    const Pending p = s.urgent_head < s.urgent.size() ? s.urgent[s.urgent_head++] : (*s.log)[s.head++];
    const Selected before{p.source, p.distance, p.metric, p.group};
    const uint32_t h = p.dest & ~kV6Tag;
    s.bits[(p.dest & kV6Tag) ? 1 : 0][h >> 6] &= ~(uint64_t{1} << (h & 63));

    auto report = [&](auto& tabs) {
      using Key = std::decay_t<decltype(tabs.routes.key(0))>;
      const Selected after = selected_of(tabs.routes.value(h));
      if (!(before == after)) {
        ChangeKind kind = !before.active() ? ChangeKind::kAdd
                          : after.active() ? ChangeKind::kChange
                                           : ChangeKind::kDelete;
        out.push_back(RouteChange{key_to_prefix(tabs.routes.key(h), tabs.routes.length(h)), kind,
                                  before, after});
        ++n;
        // Keep the named groups alive until the next drain (the pending entry's reference to
        // `before` moves to held).
        if (before.active()) s.held.push_back(before.group);
        if (after.active()) {
          groups_.ref(after.group);
          s.held.push_back(after.group);
        }
      } else if (before.active()) {
        groups_.release(before.group);
      }
      maybe_forget<Key>(h);
    };
    if (p.dest & kV6Tag) {
      report(v6_);
    } else {
      report(v4_);
    }
  }
  Subscriber& s = subscribers_[id];
  if (s.urgent_head == s.urgent.size()) {
    s.urgent.clear();
    s.urgent_head = 0;
  }
  if (s.size() == 0) {
    s.log->clear();
    s.head = 0;
  } else if (s.head > 65536 && s.head > s.log->capacity_used() / 2) {
    // Never fully drained: move the undrained tail to a fresh log (amortised O(1)).
    auto fresh = std::make_unique<ChunkedPool<Pending>>();
    for (uint32_t i = s.head; i < s.log->capacity_used(); ++i) fresh->push_back((*s.log)[i]);
    s.log = std::move(fresh);
    s.head = 0;
  }
  return n;
}

size_t Rib::pending(SubscriberId id) const {
  if (id >= subscribers_.size() || !subscribers_[id].live) return 0;
  return subscribers_[id].size();
}

}  // namespace vgw::rib
