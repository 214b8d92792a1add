// Adj-RIB-Out staging and UPDATE generation (see adj_rib_out.h).
#include "adj_rib_out.h"

#include <algorithm>

#include "family.h"
#include "vgw/bgp/wire/update.h"

namespace vgw::bgp {

template <typename Key>
void AdjRibOut::stage(Key key, int len, AttrId attr, AttributeStore& store) {
  Table<Key>& t = table<Key>();
  uint32_t h;
  if (attr == kNoAttr) {
    h = t.entries.find(key, len);
    if (h == t.entries.kNone) return;
  } else {
    h = t.entries.insert(key, len).first;
  }
  Entry& e = t.entries.value(h);
  if (e.attr == attr) return;
  if (attr != kNoAttr) store.ref(attr);
  if (e.attr != kNoAttr) store.release(e.attr);
  e.attr = attr;
  if (!(e.flags & kPending)) {
    e.flags |= kPending;
    t.pending.push_back(h);
  }
}

template <typename Key>
void AdjRibOut::requeue_all() {
  Table<Key>& t = table<Key>();
  t.entries.for_each([&](uint32_t h) {
    Entry& e = t.entries.value(h);
    if (!(e.flags & kPending)) {
      e.flags |= kPending;
      t.pending.push_back(h);
    }
  });
}

template <typename Key>
size_t AdjRibOut::flush(size_t budget, AttributeStore& store, const NexthopTable& nexthops,
                        const wire::SessionContext& ctx, std::vector<uint8_t>& out,
                        size_t* messages) {
  using Traits = FamilyTraits<Key>;
  using WirePrefix = typename Traits::WirePrefix;
  Table<Key>& t = table<Key>();
  thread_local std::vector<WirePrefix> prefixes;
  prefixes.clear();
  announce_.clear();
  size_t taken = 0;
  while (taken < budget && !t.pending.empty()) {
    uint32_t h = t.pending.front();
    t.pending.pop_front();
    ++taken;
    Entry& e = t.entries.value(h);
    e.flags &= static_cast<uint8_t>(~kPending);
    if (e.attr == kNoAttr) {
      if (e.flags & kAdvertised) {
        prefixes.push_back(Traits::wire_prefix(t.entries.key(h), t.entries.length(h)));
        --t.advertised;
      }
      t.entries.erase(h);
    } else {
      announce_.emplace_back(e.attr, h);
      if (!(e.flags & kAdvertised)) {
        e.flags |= kAdvertised;
        ++t.advertised;
      }
    }
  }
  if (!prefixes.empty()) {
    if constexpr (std::is_same_v<Key, rib::Ipv4Key>) {
      *messages += wire::pack_withdraw(prefixes, out);
    } else {
      *messages += wire::pack_withdraw_mp(wire::kIpv6Unicast,
                                          std::span<const wire::Ipv6Prefix>(prefixes), out);
    }
  }
  std::stable_sort(announce_.begin(), announce_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < announce_.size();) {
    AttrId attr = announce_[i].first;
    prefixes.clear();
    size_t j = i;
    for (; j < announce_.size() && announce_[j].first == attr; ++j) {
      uint32_t h = announce_[j].second;
      prefixes.push_back(Traits::wire_prefix(t.entries.key(h), t.entries.length(h)));
    }
    i = j;
    if (!store.decode(attr, attrs_)) continue;
    if constexpr (std::is_same_v<Key, rib::Ipv4Key>) {
      auto n = wire::pack_announce(ctx, attrs_, prefixes, out);
      if (n) *messages += *n;
    } else {
      wire::MpNextHop nh;
      nh.global = nexthops.address(store.nexthop(attr));
      auto n = wire::pack_announce_mp(ctx, attrs_, wire::kIpv6Unicast, nh,
                                      std::span<const wire::Ipv6Prefix>(prefixes), out);
      if (n) *messages += *n;
    }
  }
  return taken;
}

void AdjRibOut::release_all(AttributeStore& store) {
  auto drop = [&](auto& t) {
    t.entries.for_each([&](uint32_t h) {
      AttrId& a = t.entries.value(h).attr;
      if (a != kNoAttr) store.release(a);
      a = kNoAttr;
    });
  };
  drop(v4_);
  drop(v6_);
}

size_t AdjRibOut::memory_bytes() const {
  return v4_.entries.memory_bytes() + v6_.entries.memory_bytes() +
         (v4_.pending.size() + v6_.pending.size()) * sizeof(uint32_t);
}

template void AdjRibOut::stage<rib::Ipv4Key>(rib::Ipv4Key, int, AttrId, AttributeStore&);
template void AdjRibOut::stage<rib::Ipv6Key>(rib::Ipv6Key, int, AttrId, AttributeStore&);
template void AdjRibOut::requeue_all<rib::Ipv4Key>();
template void AdjRibOut::requeue_all<rib::Ipv6Key>();
template size_t AdjRibOut::flush<rib::Ipv4Key>(size_t, AttributeStore&, const NexthopTable&,
                                               const wire::SessionContext&, std::vector<uint8_t>&,
                                               size_t*);
template size_t AdjRibOut::flush<rib::Ipv6Key>(size_t, AttributeStore&, const NexthopTable&,
                                               const wire::SessionContext&, std::vector<uint8_t>&,
                                               size_t*);

}  // namespace vgw::bgp
