// PrefixTable<Key, V>: a path-compressed binary trie (Patricia tree) of prefixes of one address
// family, each with a value V. Exact match, longest-prefix match (optionally filtered), ordered
// iteration, iteration of a subtree (every more-specific of a prefix) and resumable ordered
// walks (next()).
//
// Memory layout (the point of this class): two ChunkedPools addressed by 32-bit indices.
//   Entry {Key key; V value; uint8 len}     one per prefix; its index is the Handle
//   Node  {Key mkey; uint32 child[2]; uint32 entry}
// A node's prefix length is folded into its key as a marker bit, the first host bit set
// (nodes never have host-length prefixes), so an IPv4 node is 16 bytes and an IPv6 node 32:
// powers of two, which keeps pool indexing to shifts.
// A node exists only where the trie branches (two children) or where a prefix has
// more-specifics (entry plus at least one child); a prefix with no more-specifics hangs directly
// from its parent's child slot (the slot holds the entry index with kEntryTag set). So a table
// of N prefixes has fewer than N nodes, and for IPv4 costs at most sizeof(Entry) + 16 bytes per
// prefix. Node 0 is the root (the /0 branch point) and is never freed.
//
// Order: pre-order with the 0-branch first, which is the same as sorting by (address, length):
// 10.0.0.0/8 < 10.0.0.0/16 < 10.1.0.0/16 < 11.0.0.0/8.
//
// Handles stay valid until their prefix is erased. The table must not be modified from inside
// a for_each*() callback; for long walks that mutate, step with next().
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "vgw/rib/chunked_pool.h"
#include "vgw/rib/prefix_key.h"

namespace vgw::rib {

template <typename Key, typename V>
class PrefixTable {
 public:
  using Handle = uint32_t;
  static constexpr Handle kNone = UINT32_MAX;
  static constexpr int kBits = KeyTraits<Key>::kBits;

  PrefixTable() {
    root_ = nodes_.allocate();
    nodes_[root_] = Node{marked(0, 0), {0, 0}, kNone};
  }

  // Finds key/len (host bits are cleared) or inserts it with a default-constructed value.
  // Returns the handle and whether it was inserted.
  std::pair<Handle, bool> insert(Key key, int len);
  Handle find(Key key, int len) const;
  // The longest prefix containing addr whose length is <= max_len and for which pred(handle)
  // holds; kNone if none.
  template <typename Pred>
  Handle longest_match_if(Key addr, Pred pred, int max_len = kBits) const;
  Handle longest_match(Key addr) const {
    return longest_match_if(addr, [](Handle) { return true; });
  }
  void erase(Handle h);

  Key key(Handle h) const { return entries_[h].key; }
  int length(Handle h) const { return entries_[h].len; }
  V& value(Handle h) { return entries_[h].value; }
  const V& value(Handle h) const { return entries_[h].value; }
  // Whether h currently names a prefix (handles below handle_limit() may be free).
  bool is_live(Handle h) const { return h < entries_.capacity_used() && entries_[h].len != kFree; }
  Handle handle_limit() const { return entries_.capacity_used(); }
  size_t size() const { return entries_.live(); }
  bool empty() const { return size() == 0; }

  // Calls f(handle) for every prefix in order; f may return false to stop.
  template <typename F>
  void for_each(F&& f) const {
    walk(kRootRef, f);
  }
  // Calls f(handle) in order for key/len itself (if present) and all its more-specifics.
  template <typename F>
  void for_each_within(Key key, int len, F&& f) const;
  // First prefix in order, and the one after key/len (which need not be present); kNone at end.
  Handle first() const { return next_after(0, -1); }
  Handle next_after(Key key, int len) const;
  Handle next(Handle h) const { return next_after(entries_[h].key, entries_[h].len); }

  // Bytes held by nodes and entries (not by V's own heap data).
  size_t memory_bytes() const { return nodes_.memory_bytes() + entries_.memory_bytes(); }
  size_t node_count() const { return nodes_.live(); }

 private:
  struct Node {
    Key mkey;           // the prefix with a marker bit at position len (see node_key/len)
    uint32_t child[2];  // 0 = empty, kEntryTag|i = entry i, else node i (node 0, the root, is
                        // never a child)
    uint32_t entry;     // the entry whose prefix is exactly the node's, or kNone
  };
  static Key marked(Key key, int len) { return key | (Key{1} << (kBits - 1 - len)); }
  static Key node_key(const Node& n) { return n.mkey & (n.mkey - 1); }
  static int node_len(const Node& n) { return kBits - 1 - KeyTraits<Key>::ctz(n.mkey); }
  struct Entry {
    Key key;
    V value;
    uint8_t len;
  };

 public:
  // Sizes of the two records (declared after them: a static member's initializer is not a
  // complete-class context, and clang insists).
  static constexpr size_t kEntryBytes = sizeof(Entry);
  static constexpr size_t kNodeBytes = sizeof(Node);

 private:
  static constexpr uint32_t kEntryTag = 0x80000000u;
  static constexpr uint8_t kFree = 0xff;
  static constexpr uint32_t kRootRef = 0;  // in walk(): the root node

  static bool is_entry(uint32_t ref) { return (ref & kEntryTag) != 0; }
  static uint32_t untag(uint32_t ref) { return ref & ~kEntryTag; }
  Key ref_key(uint32_t ref) const {
    return is_entry(ref) ? entries_[untag(ref)].key : node_key(nodes_[ref]);
  }
  int ref_len(uint32_t ref) const {
    return is_entry(ref) ? entries_[untag(ref)].len : node_len(nodes_[ref]);
  }
  Handle new_entry(Key key, int len) {
    Handle h = entries_.allocate();
    assert(h < kEntryTag);
    entries_[h].key = key;
    entries_[h].len = static_cast<uint8_t>(len);
    return h;
  }
  uint32_t new_node(Key key, int len, uint32_t entry) {
    uint32_t n = nodes_.allocate();
    nodes_[n] = Node{marked(key, len), {0, 0}, entry};
    return n;
  }
  void free_entry(Handle h) {
    entries_.release(h);
    entries_[h].len = kFree;
  }
  void normalize(uint32_t node, uint32_t* slot);
  template <typename F>
  bool visit(Handle h, F& f) const {
    if constexpr (std::is_void_v<std::invoke_result_t<F&, Handle>>) {
      f(h);
      return true;
    } else {
      return f(h);
    }
  }
  template <typename F>
  void walk(uint32_t start, F& f) const;

  ChunkedPool<Node> nodes_;
  ChunkedPool<Entry> entries_;
  uint32_t root_ = 0;
};

template <typename Key, typename V>
std::pair<typename PrefixTable<Key, V>::Handle, bool> PrefixTable<Key, V>::insert(Key key,
                                                                                  int len) {
  assert(len >= 0 && len <= kBits);
  key = key_mask(key, len);
  uint32_t cur = root_;
  // Invariant: node cur covers key/len and cur.len <= len.
  while (true) {
    Node& n = nodes_[cur];
    int nlen = node_len(n);
    if (nlen == len) {
      if (n.entry != kNone) return {n.entry, false};
      Handle e = new_entry(key, len);
      n.entry = e;
      return {e, true};
    }
    uint32_t& slot = n.child[key_bit(key, nlen)];
    if (slot == 0) {
      Handle e = new_entry(key, len);
      slot = e | kEntryTag;
      return {e, true};
    }
    uint32_t c = slot;
    Key ck = ref_key(c);
    int cl = ref_len(c);
    int common = std::min({key_common_length(key, ck), len, cl});
    if (common == cl) {
      if (!is_entry(c)) {
        cur = c;
        continue;
      }
      if (cl == len) return {untag(c), false};
      // The leaf entry c covers the new prefix: c becomes a node with the new one below it.
      Handle e = new_entry(key, len);
      uint32_t nn = new_node(ck, cl, untag(c));
      nodes_[nn].child[key_bit(key, cl)] = e | kEntryTag;
      slot = nn;
      return {e, true};
    }
    Handle e = new_entry(key, len);
    uint32_t nn;
    if (common == len) {  // the new prefix covers c
      nn = new_node(key, len, e);
      nodes_[nn].child[key_bit(ck, len)] = c;
    } else {  // they diverge: a branch node at their common length
      nn = new_node(key_mask(key, common), common, kNone);
      nodes_[nn].child[key_bit(key, common)] = e | kEntryTag;
      nodes_[nn].child[key_bit(ck, common)] = c;
    }
    slot = nn;
    return {e, true};
  }
}

template <typename Key, typename V>
typename PrefixTable<Key, V>::Handle PrefixTable<Key, V>::find(Key key, int len) const {
  if (len < 0 || len > kBits) return kNone;
  key = key_mask(key, len);
  uint32_t cur = root_;
  while (true) {
    const Node& n = nodes_[cur];
    int nlen = node_len(n);
    if (nlen == len) return n.entry;  // cur covers key/len, so key is the node's key
    uint32_t c = n.child[key_bit(key, nlen)];
    if (c == 0) return kNone;
    if (is_entry(c)) {
      const Entry& e = entries_[untag(c)];
      return e.len == len && e.key == key ? untag(c) : kNone;
    }
    const Node& m = nodes_[c];
    int mlen = node_len(m);
    if (mlen > len || key_mask(key, mlen) != node_key(m)) return kNone;
    cur = c;
  }
}

template <typename Key, typename V>
template <typename Pred>
typename PrefixTable<Key, V>::Handle PrefixTable<Key, V>::longest_match_if(Key addr, Pred pred,
                                                                           int max_len) const {
  Handle best = kNone;
  uint32_t cur = root_;
  while (true) {
    const Node& n = nodes_[cur];
    int nlen = node_len(n);
    if (nlen > max_len) break;
    if (n.entry != kNone && pred(n.entry)) best = n.entry;
    uint32_t c = n.child[key_bit(addr, nlen)];
    if (c == 0) break;
    if (is_entry(c)) {
      const Entry& e = entries_[untag(c)];
      if (e.len <= max_len && key_mask(addr, e.len) == e.key && pred(untag(c))) best = untag(c);
      break;
    }
    const Node& m = nodes_[c];
    if (key_mask(addr, node_len(m)) != node_key(m)) break;
    cur = c;
  }
  return best;
}

template <typename Key, typename V>
void PrefixTable<Key, V>::erase(Handle h) {
  assert(is_live(h));
  Key key = entries_[h].key;
  int len = entries_[h].len;
  uint32_t* slot = nullptr;  // the child slot that points at cur (none for the root)
  uint32_t cur = root_;
  while (true) {
    Node& n = nodes_[cur];
    int nlen = node_len(n);
    if (nlen == len) {
      assert(n.entry == h);
      n.entry = kNone;
      break;
    }
    uint32_t& c = n.child[key_bit(key, nlen)];
    if (is_entry(c)) {
      assert(untag(c) == h);
      c = 0;
      break;
    }
    slot = &c;
    cur = c;
  }
  free_entry(h);
  normalize(cur, slot);
}

// After cur lost its entry or a child: a non-root node must keep (an entry and a child) or
// (two children); otherwise it is replaced in its parent's slot by what it still holds.
template <typename Key, typename V>
void PrefixTable<Key, V>::normalize(uint32_t cur, uint32_t* slot) {
  if (cur == root_) return;
  Node& n = nodes_[cur];
  int kids = (n.child[0] != 0) + (n.child[1] != 0);
  if (n.entry != kNone) {
    if (kids > 0) return;
    *slot = n.entry | kEntryTag;
  } else {
    if (kids == 2) return;
    assert(kids == 1);
    *slot = n.child[0] != 0 ? n.child[0] : n.child[1];
  }
  nodes_.release(cur);
}

template <typename Key, typename V>
template <typename F>
void PrefixTable<Key, V>::walk(uint32_t start, F& f) const {
  // Depth is at most kBits + 1 and each level leaves at most one sibling on the stack.
  std::array<uint32_t, 2 * kBits + 4> stack;
  size_t top = 0;
  stack[top++] = start;
  while (top > 0) {
    uint32_t ref = stack[--top];
    if (is_entry(ref)) {
      if (!visit(untag(ref), f)) return;
      continue;
    }
    const Node& n = nodes_[ref];
    if (n.entry != kNone && !visit(n.entry, f)) return;
    if (n.child[1] != 0) stack[top++] = n.child[1];
    if (n.child[0] != 0) stack[top++] = n.child[0];
  }
}

template <typename Key, typename V>
template <typename F>
void PrefixTable<Key, V>::for_each_within(Key key, int len, F&& f) const {
  if (len < 0 || len > kBits) return;
  key = key_mask(key, len);
  uint32_t cur = root_;
  while (true) {
    const Node& n = nodes_[cur];
    int nlen = node_len(n);
    if (nlen >= len) {
      if (key_mask(node_key(n), len) == key) walk(cur, f);
      return;
    }
    uint32_t c = n.child[key_bit(key, nlen)];
    if (c == 0) return;
    Key ck = ref_key(c);
    int cl = ref_len(c);
    if (cl >= len) {
      if (key_mask(ck, len) == key) walk(c, f);
      return;
    }
    if (is_entry(c) || key_mask(key, cl) != ck) return;
    cur = c;
  }
}

template <typename Key, typename V>
typename PrefixTable<Key, V>::Handle PrefixTable<Key, V>::next_after(Key key, int len) const {
  // Pre-order walk that skips every subtree whose addresses all lie below key; the first entry
  // ordered after (key, len) is the answer. Touches O(depth) subtrees.
  std::array<uint32_t, 2 * kBits + 4> stack;
  size_t top = 0;
  stack[top++] = root_;
  auto after = [&](Key k, int l) { return k > key || (k == key && l > len); };
  while (top > 0) {
    uint32_t ref = stack[--top];
    if (is_entry(ref)) {
      const Entry& e = entries_[untag(ref)];
      if (after(e.key, e.len)) return untag(ref);
      continue;
    }
    const Node& n = nodes_[ref];
    Key nkey = node_key(n);
    int nlen = node_len(n);
    if (key_last(nkey, nlen) < key) continue;
    if (n.entry != kNone && after(nkey, nlen)) return n.entry;
    if (n.child[1] != 0) stack[top++] = n.child[1];
    if (n.child[0] != 0) stack[top++] = n.child[0];
  }
  return kNone;
}

}  // namespace vgw::rib
