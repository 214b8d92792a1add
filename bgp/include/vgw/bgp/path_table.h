// The BGP routes of one address family: for every destination (prefix) the paths received from
// each peer - the Adj-RIBs-In of RFC 4271 3.2 - and which of them the decision process chose:
// the best path and its multipath companions - the Loc-RIB.
//
// One table serves all peers because a full table must be cheap: a destination is one entry of
// a Patricia trie (rib::PrefixTable) whose value is its first path, inline; further paths (other
// peers) are chained in a ChunkedPool. A path is 12 bytes: the interned attribute set, the peer,
// flags (best, multipath, stale) and the chain link. With one peer that is the whole cost - no
// per-prefix heap allocation. A peer's Adj-RIB-In is the set of paths carrying its PeerId; it is
// walked in bounded chunks by handle (walk_from), which also serves peer flushes and graceful
// restart stale marking.
#pragma once

#include <cstdint>
#include <type_traits>

#include "vgw/bgp/attribute_store.h"
#include "vgw/rib/chunked_pool.h"
#include "vgw/rib/prefix_table.h"

namespace vgw::bgp {

using PeerId = uint16_t;
inline constexpr PeerId kLocalPeer = 0;  // routes this speaker originates (network statements)

namespace path_flag {
inline constexpr uint8_t kBest = 1;
inline constexpr uint8_t kMultipath = 2;  // used for forwarding beside the best path
inline constexpr uint8_t kStale = 4;      // kept for a restarting peer (RFC 4724) or being flushed
}  // namespace path_flag

struct Path {
  static constexpr uint32_t kNil = UINT32_MAX;
  AttrId attr = kNoAttr;
  uint32_t next = kNil;
  PeerId peer = kLocalPeer;
  uint8_t flags = 0;
  uint8_t installed = 0;  // in a destination's first path only: what the RIB holds (speaker's)

  bool selected() const { return (flags & (path_flag::kBest | path_flag::kMultipath)) != 0; }
};
static_assert(sizeof(Path) == 12);

template <typename Key>
class PathTable {
 public:
  using Table = rib::PrefixTable<Key, Path>;
  using Handle = typename Table::Handle;
  static constexpr Handle kNone = Table::kNone;

  struct SetResult {
    Handle dest;
    AttrId old;  // the attribute set the peer's path had, kNoAttr if the path is new
  };
  // Sets the peer's path for key/len to attr (clearing its stale flag). The table does not
  // touch reference counts: the caller gives the path attr's reference and releases `old`.
  SetResult set(Key key, int len, PeerId peer, AttrId attr);
  // Removes the peer's path from dest; returns the removed path (attr kNoAttr if none). The
  // destination stays (maybe empty) until erase_if_empty().
  Path remove(Handle dest, PeerId peer);
  void erase_if_empty(Handle dest);

  Handle find(Key key, int len) const { return table_.find(key, len); }
  Key key(Handle h) const { return table_.key(h); }
  int length(Handle h) const { return table_.length(h); }
  bool empty(Handle h) const { return table_.value(h).attr == kNoAttr; }
  Path& head(Handle h) { return table_.value(h); }
  const Path& head(Handle h) const { return table_.value(h); }
  Path* find_path(Handle h, PeerId peer);

  // f(Path&) for every path of the destination (first path first).
  template <typename F>
  void for_each_path(Handle h, F&& f) {
    Path& first = table_.value(h);
    if (first.attr == kNoAttr) return;
    f(first);
    for (uint32_t i = first.next; i != Path::kNil; i = pool_[i].next) f(pool_[i]);
  }
  template <typename F>
  void for_each_path(Handle h, F&& f) const {
    const Path& first = table_.value(h);
    if (first.attr == kNoAttr) return;
    f(first);
    for (uint32_t i = first.next; i != Path::kNil; i = pool_[i].next) f(pool_[i]);
  }
  size_t path_count(Handle h) const {
    size_t n = 0;
    for_each_path(h, [&](const Path&) { ++n; });
    return n;
  }

  // Chunked walks that may modify the table: visit handles [from, handle_limit()) in handle
  // order, at most `budget` live destinations, calling f(handle); returns where to continue
  // (handle_limit() when done). Destinations added meanwhile may or may not be visited.
  template <typename F>
  Handle walk_from(Handle from, size_t budget, F&& f) {
    Handle h = from;
    for (; h < table_.handle_limit() && budget > 0; ++h) {
      if (!table_.is_live(h)) continue;
      --budget;
      f(h);
    }
    return h;
  }
  Handle handle_limit() const { return table_.handle_limit(); }
  bool is_live(Handle h) const { return table_.is_live(h); }
  // Ordered walks for show commands.
  Handle first() const { return table_.first(); }
  Handle next_after(Key key, int len) const { return table_.next_after(key, len); }

  size_t size() const { return table_.size(); }
  size_t memory_bytes() const { return table_.memory_bytes() + pool_.memory_bytes(); }

 private:
  Table table_;
  rib::ChunkedPool<Path> pool_;
};

extern template class PathTable<rib::Ipv4Key>;
extern template class PathTable<rib::Ipv6Key>;

}  // namespace vgw::bgp
