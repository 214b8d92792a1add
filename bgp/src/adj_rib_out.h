// A peer's Adj-RIB-Out (RFC 4271 3.2): for each prefix the attribute set staged for or already
// advertised to the peer, and the queue of prefixes whose staged state has not been sent yet.
//
// Staging is cheap and idempotent: a prefix is queued once however often it changes before the
// next flush, and what is sent is its newest state (slow peers get coalesced updates, never a
// backlog of events). flush() takes queued prefixes in bounded batches, groups announcements by
// attribute set and packs them with the codec (pack_announce / pack_withdraw), withdrawals first.
// Entries hold references on their attribute sets.
#pragma once

#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "vgw/bgp/attribute_store.h"
#include "vgw/bgp/wire/session_context.h"
#include "vgw/rib/prefix_table.h"

namespace vgw::bgp {

class AdjRibOut {
 public:
  struct Entry {
    AttrId attr = kNoAttr;  // staged state; kNoAttr: withdraw
    uint8_t flags = 0;
  };
  static constexpr uint8_t kPending = 1;
  static constexpr uint8_t kAdvertised = 2;

  template <typename Key>
  struct Table {
    rib::PrefixTable<Key, Entry> entries;
    std::deque<uint32_t> pending;
    size_t advertised = 0;
  };

  AdjRibOut() = default;
  AdjRibOut(const AdjRibOut&) = delete;
  AdjRibOut& operator=(const AdjRibOut&) = delete;

  // Stages attr (kNoAttr = withdraw) for key/len; takes its own reference.
  template <typename Key>
  void stage(Key key, int len, AttrId attr, AttributeStore& store);
  // Queues every entry again (route refresh: the peer wants everything once more).
  template <typename Key>
  void requeue_all();
  // Sends up to budget queued prefixes as UPDATEs appended to out (adding the number of
  // messages to *messages). Returns how many prefixes were taken.
  template <typename Key>
  size_t flush(size_t budget, AttributeStore& store, const NexthopTable& nexthops,
               const wire::SessionContext& ctx, std::vector<uint8_t>& out, size_t* messages);
  // Releases every reference (before the owner destroys it, e.g. when the session goes down).
  void release_all(AttributeStore& store);

  template <typename Key>
  Table<Key>& table() {
    if constexpr (std::is_same_v<Key, rib::Ipv4Key>) return v4_; else return v6_;
  }
  template <typename Key>
  const Table<Key>& table() const {
    if constexpr (std::is_same_v<Key, rib::Ipv4Key>) return v4_; else return v6_;
  }
  bool has_pending() const { return !v4_.pending.empty() || !v6_.pending.empty(); }
  bool empty() const { return v4_.entries.empty() && v6_.entries.empty(); }
  size_t memory_bytes() const;

 private:
  Table<rib::Ipv4Key> v4_;
  Table<rib::Ipv6Key> v6_;
  // Scratch reused by flush.
  std::vector<std::pair<AttrId, uint32_t>> announce_;
  wire::PathAttributes attrs_;
};

}  // namespace vgw::bgp
