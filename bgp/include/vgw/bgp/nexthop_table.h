// BGP next-hops as the speaker tracks them: each distinct next-hop address is interned once
// (refcounted by the attribute sets that name it) with its reachability and IGP cost as the
// RIB resolves it (rib::Rib::resolve, the rule the RIB installs by: through non-BGP routes
// only), and the RIB next-hop group it turns into. A best path yields an address-only group of
// one member; multipath yields one group of several members (cached per member set), and the
// RIB resolves the members recursively. refresh() looks every next-hop up again (the speaker
// calls it when the RIB reports a change of a route that can resolve next-hops,
// Rib::watch_resolvers, and on demand) and reports the ones that changed.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <unordered_map>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/rib/chunked_pool.h"
#include "vgw/rib/nexthop.h"
#include "vgw/rib/rib.h"

namespace vgw::bgp {

using NexthopId = uint32_t;
inline constexpr NexthopId kNoNexthop = 0;

class NexthopTable {
 public:
  // check_reachability false: every next-hop counts as reachable with cost 0.
  NexthopTable(rib::Rib& rib, bool check_reachability);
  ~NexthopTable();
  NexthopTable(const NexthopTable&) = delete;
  NexthopTable& operator=(const NexthopTable&) = delete;

  // The id of address with one more reference (created and looked up if new).
  NexthopId acquire(const IpAddress& address);
  void release(NexthopId id);

  const IpAddress& address(NexthopId id) const { return entries_[id].address; }
  // The unspecified address (0.0.0.0 / ::) stands for "this speaker" (local routes).
  bool is_self(NexthopId id) const { return entries_[id].address.is_unspecified(); }
  bool reachable(NexthopId id) const { return entries_[id].reachable; }
  uint32_t igp_cost(NexthopId id) const { return entries_[id].igp_cost; }
  // The single-member address-only group of this next-hop (0 for self).
  rib::NexthopGroupId group(NexthopId id);
  // The group whose members are these next-hops (order and duplicates do not matter).
  rib::NexthopGroupId group_of(std::span<const NexthopId> ids);

  // Looks every next-hop up in the RIB again; returns those whose reachability or cost changed.
  std::vector<NexthopId> refresh();
  size_t size() const { return by_address_.size(); }
  void set_check_reachability(bool on) { check_ = on; }

 private:
  struct Entry {
    IpAddress address;
    uint32_t refs = 0;
    uint32_t igp_cost = 0;
    bool reachable = false;
    rib::NexthopGroupRef group;
  };
  void look_up(Entry& e) const;
  void prune_multipath();

  rib::Rib& rib_;
  bool check_;
  rib::ChunkedPool<Entry> entries_;
  std::unordered_map<IpAddress, NexthopId> by_address_;
  std::map<std::vector<NexthopId>, rib::NexthopGroupRef> multipath_;
  size_t multipath_pruned_at_ = 64;
};

}  // namespace vgw::bgp
