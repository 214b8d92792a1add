// Next-hops and interned next-hop groups.
//
// A route points at a NexthopGroup: one or more next-hops (ECMP), each an address, an
// interface, or both, with a weight 1..255 like a kernel multipath weight. Groups are interned:
// the table keeps one copy of each distinct member list (canonical order, duplicates merged) and
// hands out a 32-bit NexthopGroupId with a reference count, so a million routes over two tunnels
// share two or three groups instead of holding a million vectors. Ids are reused after a group
// is freed; 0 (kNoGroup) is never a group.
//
// Who holds references: whoever interned a group (the caller), every route that uses it, every
// prefix whose installed (resolved) group it is, resolutions of recursive groups, next-hop
// tracking entries, and subscribers' undelivered or just-delivered events.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"
#include "vgw/rib/chunked_pool.h"

namespace vgw::rib {

using NexthopGroupId = uint32_t;
inline constexpr NexthopGroupId kNoGroup = 0;

// A next-hop forwards (kUnicast) or drops: silently (kBlackhole: FRR's blackhole and Null0) or
// with an ICMP unreachable (kUnreachable: FRR's reject). A drop next-hop needs no address or
// interface; a group holding one holds nothing else (the kernel has no multipath drop route).
enum class NexthopType : uint8_t { kUnicast = 0, kBlackhole = 1, kUnreachable = 2 };
const char* nexthop_type_name(NexthopType type);  // "unicast", "blackhole", "unreachable"

struct Nexthop {
  std::optional<IpAddress> address;  // the gateway; none: on-link through `interface`
  std::string interface;             // e.g. "vgw-c1-t1"; empty when unknown
  uint32_t ifindex = 0;              // 0 when unknown
  uint8_t weight = 1;                // 1..255
  NexthopType type = NexthopType::kUnicast;

  // A next-hop with an interface is directly usable; one with only an address needs recursive
  // resolution through the table.
  bool is_direct() const { return type != NexthopType::kUnicast || !interface.empty() || ifindex != 0; }
  bool drops() const { return type != NexthopType::kUnicast; }
  // "via 192.0.2.1 dev vgw-c1-t1 weight 2" (parts that are absent or default are left out).
  std::string to_string() const;

  friend auto operator<=>(const Nexthop&, const Nexthop&) = default;
  friend bool operator==(const Nexthop&, const Nexthop&) = default;
};

class NexthopGroupTable {
 public:
  static constexpr size_t kMaxMembers = 256;

  NexthopGroupTable();

  // The id of the group with these members (canonicalised: sorted, identical next-hops merged
  // with their weights added, capped at 255), creating it if needed. The caller owns one
  // reference and must release() it. Errors: no members, too many, a member with neither
  // address nor interface, weight 0.
  Result<NexthopGroupId> intern(std::vector<Nexthop> members);
  void ref(NexthopGroupId id);
  // Drops one reference; the group is freed with the last one.
  void release(NexthopGroupId id);

  bool is_live(NexthopGroupId id) const {
    return id != kNoGroup && id < groups_.capacity_used() && groups_[id].refs > 0;
  }
  std::span<const Nexthop> members(NexthopGroupId id) const { return groups_[id].members; }
  uint32_t refs(NexthopGroupId id) const { return groups_[id].refs; }
  // Some member has no interface, so routes using the group resolve it through the table.
  bool is_recursive(NexthopGroupId id) const { return groups_[id].recursive; }
  size_t size() const { return groups_.live() - 1; }
  // "{via 10.0.0.1, via 10.0.0.2 weight 3}".
  std::string to_string(NexthopGroupId id) const;
  size_t memory_bytes() const;

  // Per-group state of recursive resolution, kept and used only by the Rib: the group each
  // resolve mode turned it into (0: unresolvable), how many routes of each mode use it, and
  // the prefixes (Rib destination refs) whose routes use it, appended lazily and compacted.
  using Dependents = ChunkedPool<uint32_t, 1024>;
  struct Tracking {
    NexthopGroupId resolved[2] = {kNoGroup, kNoGroup};
    uint32_t route_refs[2] = {0, 0};
    std::unique_ptr<Dependents> dependents;
  };
  Tracking& tracking(NexthopGroupId id) { return groups_[id].tracking; }
  const Tracking& tracking(NexthopGroupId id) const { return groups_[id].tracking; }

 private:
  struct Group {
    std::vector<Nexthop> members;
    size_t hash = 0;
    uint32_t refs = 0;
    bool recursive = false;
    Tracking tracking;
  };

  ChunkedPool<Group> groups_;
  std::unordered_multimap<size_t, NexthopGroupId> index_;  // hash of members -> ids
};

// A counted reference to a group, for callers that keep one (e.g. per BGP attribute set).
class NexthopGroupRef {
 public:
  NexthopGroupRef() = default;
  // Adopts a reference the caller already owns (e.g. from intern()).
  static NexthopGroupRef adopt(NexthopGroupTable& table, NexthopGroupId id) {
    NexthopGroupRef r;
    r.table_ = &table;
    r.id_ = id;
    return r;
  }
  NexthopGroupRef(const NexthopGroupRef& o) : table_(o.table_), id_(o.id_) {
    if (id_ != kNoGroup) table_->ref(id_);
  }
  NexthopGroupRef(NexthopGroupRef&& o) noexcept : table_(o.table_), id_(o.id_) {
    o.id_ = kNoGroup;
  }
  NexthopGroupRef& operator=(NexthopGroupRef o) noexcept {
    std::swap(table_, o.table_);
    std::swap(id_, o.id_);
    return *this;
  }
  ~NexthopGroupRef() {
    if (id_ != kNoGroup) table_->release(id_);
  }
  NexthopGroupId id() const { return id_; }

 private:
  NexthopGroupTable* table_ = nullptr;
  NexthopGroupId id_ = kNoGroup;
};

}  // namespace vgw::rib
