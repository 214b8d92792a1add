// Next-hop interning, RIB lookups and next-hop groups (see nexthop_table.h).
#include "vgw/bgp/nexthop_table.h"

#include <algorithm>

namespace vgw::bgp {

NexthopTable::NexthopTable(rib::Rib& rib, bool check_reachability)
    : rib_(rib), check_(check_reachability) {
  entries_.allocate();  // id 0 is never a next-hop
}

NexthopTable::~NexthopTable() {
  multipath_.clear();
  entries_.clear();
}

void NexthopTable::look_up(Entry& e) const {
  if (!check_ || e.address.is_unspecified()) {
    e.reachable = true;
    e.igp_cost = 0;
    return;
  }
  // The RIB's own rule for BGP routes (through an active non-BGP route, never another BGP
  // route): a path is selected here only if the RIB can install it.
  auto found = rib_.resolve(e.address, rib::ResolveMode::kRecursive);
  e.reachable = found.has_value();
  e.igp_cost = found ? found->metric : 0;
}

NexthopId NexthopTable::acquire(const IpAddress& address) {
  auto it = by_address_.find(address);
  if (it != by_address_.end()) {
    ++entries_[it->second].refs;
    return it->second;
  }
  NexthopId id = entries_.allocate();
  Entry& e = entries_[id];
  e.address = address;
  e.refs = 1;
  look_up(e);
  by_address_.emplace(address, id);
  return id;
}

void NexthopTable::release(NexthopId id) {
  if (id == kNoNexthop) return;
  Entry& e = entries_[id];
  if (--e.refs > 0) return;
  by_address_.erase(e.address);
  // Cached multipath groups naming this id would name a different address once it is reused.
  for (auto it = multipath_.begin(); it != multipath_.end();) {
    if (std::find(it->first.begin(), it->first.end(), id) != it->first.end()) {
      it = multipath_.erase(it);
    } else {
      ++it;
    }
  }
  entries_.release(id);
}

rib::NexthopGroupId NexthopTable::group(NexthopId id) {
  Entry& e = entries_[id];
  if (e.address.is_unspecified()) return rib::kNoGroup;
  if (e.group.id() == rib::kNoGroup) {
    auto g = rib_.groups().intern({rib::Nexthop{e.address, "", 0, 1}});
    if (!g) return rib::kNoGroup;
    e.group = rib::NexthopGroupRef::adopt(rib_.groups(), *g);
  }
  return e.group.id();
}

rib::NexthopGroupId NexthopTable::group_of(std::span<const NexthopId> ids) {
  std::vector<NexthopId> key(ids.begin(), ids.end());
  std::sort(key.begin(), key.end());
  key.erase(std::unique(key.begin(), key.end()), key.end());
  key.erase(std::remove_if(key.begin(), key.end(),
                           [&](NexthopId id) { return entries_[id].address.is_unspecified(); }),
            key.end());
  if (key.empty()) return rib::kNoGroup;
  if (key.size() == 1) return group(key[0]);
  auto it = multipath_.find(key);
  if (it != multipath_.end()) return it->second.id();
  std::vector<rib::Nexthop> members;
  for (NexthopId id : key) members.push_back(rib::Nexthop{entries_[id].address, "", 0, 1});
  auto g = rib_.groups().intern(std::move(members));
  if (!g) return rib::kNoGroup;
  if (multipath_.size() >= multipath_pruned_at_) prune_multipath();
  auto ref = rib::NexthopGroupRef::adopt(rib_.groups(), *g);
  rib::NexthopGroupId id = ref.id();
  multipath_.emplace(std::move(key), std::move(ref));
  return id;
}

// Drops cached groups that nothing but this cache uses any more.
void NexthopTable::prune_multipath() {
  for (auto it = multipath_.begin(); it != multipath_.end();) {
    if (rib_.groups().refs(it->second.id()) <= 1) {
      it = multipath_.erase(it);
    } else {
      ++it;
    }
  }
  multipath_pruned_at_ = std::max<size_t>(64, multipath_.size() * 2);
}

std::vector<NexthopId> NexthopTable::refresh() {
  std::vector<NexthopId> changed;
  for (auto& [address, id] : by_address_) {
    Entry& e = entries_[id];
    bool reachable = e.reachable;
    uint32_t cost = e.igp_cost;
    look_up(e);
    if (reachable != e.reachable || cost != e.igp_cost) changed.push_back(id);
  }
  return changed;
}

}  // namespace vgw::bgp
