// Prefix-lists (FRR `ip prefix-list` / `ipv6 prefix-list`): the model, its validation and
// FRR-syntax rendering, and PrefixListMatcher, the compiled form route-maps evaluate.
//
// Semantics (FRR): a prefix matches an entry when it lies inside the entry's prefix and its
// length is in [ge..le]. Without ge/le only the exact length matches; with only ge, le is the
// family's maximum (32/128); with only le, ge is the entry's own length. Entries of the other
// address family never match. The matching entry with the lowest seq decides; no match = deny.
// One PrefixList may hold entries of both families: it stands for FRR's `ip prefix-list NAME`
// and `ipv6 prefix-list NAME` together, which behaves the same because an `ip` match clause only
// ever sees IPv4 routes and an `ipv6` one IPv6 routes. An empty list denies everything (FRR
// permits everything with an existing but empty list, a state its CLI rarely leaves behind).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"
#include "vgw/bgp/policy/action.h"

namespace vgw::bgp::policy {

struct PrefixListEntry {
  uint32_t seq = 0;
  Action action = Action::kPermit;
  Prefix prefix;
  std::optional<uint8_t> ge;
  std::optional<uint8_t> le;

  // The accepted length range [min_length(), max_length()] after FRR's defaults.
  int min_length() const;
  int max_length() const;
  friend bool operator==(const PrefixListEntry&, const PrefixListEntry&) = default;
};

struct PrefixList {
  std::string name;
  std::vector<PrefixListEntry> entries;  // any order (put_entry keeps seq order); seqs unique
  friend bool operator==(const PrefixList&, const PrefixList&) = default;
};

// Name is a single word; seqs unique; each entry len <= ge <= le <= 32/128. The message names
// the list and the entry, e.g. "ip prefix-list CUST seq 5: le 8 is below the prefix length 16
// (need len <= ge <= le <= 32)".
Status validate(const PrefixList& list);

// The verdict for p by a plain walk of the entries (for `show`, tests and one-off checks;
// route-maps use PrefixListMatcher).
Action evaluate(const PrefixList& list, const Prefix& p);

// `ip prefix-list NAME seq 5 permit 10.0.0.0/8 ge 16 le 24` (`ipv6 prefix-list` for IPv6
// entries), one line per entry in seq order.
std::string config_line(const std::string& list_name, const PrefixListEntry& e);
std::vector<std::string> config_lines(const PrefixList& list);

// A validated prefix-list in a form that matches without allocating: per family, entries as
// 128-bit masked values in seq order, scanned linearly when there are few, or indexed in a
// binary trie on the entry prefixes when there are many (IRR-generated lists), so a lookup
// visits at most the route's length + 1 trie nodes. Immutable once built; safe to share.
class PrefixListMatcher {
 public:
  PrefixListMatcher() = default;  // denies everything
  static Result<PrefixListMatcher> compile(const PrefixList& list);

  bool permits(const Prefix& p) const;
  // The address as a host prefix (/32 or /128): for next-hop matches.
  bool permits(const IpAddress& host) const;

  // Entries above this count (per family) are indexed in the trie.
  static constexpr size_t kLinearLimit = 12;

 private:
  struct Entry {
    uint64_t hi = 0, lo = 0;            // prefix bits, IPv4 in the top 32 bits of hi
    uint64_t mask_hi = 0, mask_lo = 0;  // prefix-length mask
    uint32_t seq = 0;
    uint8_t ge = 0, le = 0;
    bool permit = false;
  };
  struct Node {
    uint32_t child[2] = {0, 0};  // 0: none (the root is never a child)
    uint32_t first = 0;          // this node's entries: trie_entries_[first, first + count)
    uint32_t count = 0;
  };
  struct Table {
    std::vector<Entry> entries;  // seq order (linear form)
    std::vector<Node> nodes;     // trie form when entries.size() > kLinearLimit
    std::vector<Entry> trie_entries;  // grouped by node, seq order within a node
  };
  static void build_trie(Table& t);
  static bool match(const Table& t, uint64_t hi, uint64_t lo, int len);

  Table v4_, v6_;
};

}  // namespace vgw::bgp::policy
