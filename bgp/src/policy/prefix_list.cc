// Prefix-lists: validation, the reference walk, FRR-syntax lines and the compiled matcher
// (linear scan for short lists, a binary trie over the entry prefixes for long ones).
#include "vgw/bgp/policy/prefix_list.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <set>
#include <utility>

#include "policy_internal.h"

namespace vgw::bgp::policy {

namespace {

std::string entry_label(const std::string& list, const PrefixListEntry& e) {
  return std::string(e.prefix.family() == Family::kIpv4 ? "ip" : "ipv6") + " prefix-list " + list +
         " seq " + std::to_string(e.seq);
}

bool entry_matches(const PrefixListEntry& e, const Prefix& p) {
  return e.prefix.family() == p.family() && p.length() >= e.min_length() &&
         p.length() <= e.max_length() && e.prefix.contains(p);
}

}  // namespace

int PrefixListEntry::min_length() const { return ge ? *ge : prefix.length(); }

int PrefixListEntry::max_length() const {
  if (le) return *le;
  return ge ? prefix.address().bit_length() : prefix.length();
}

Status validate(const PrefixList& list) {
  if (Status s = internal::check_name("prefix-list", list.name); !s) return s;
  std::set<uint32_t> seqs;
  for (const PrefixListEntry& e : list.entries) {
    const std::string label = entry_label(list.name, e);
    if (Status s = internal::check_seq(label, e.seq); !s) return s;
    if (!seqs.insert(e.seq).second) {
      return fail(Error::invalid(label + ": the seq is used by another entry"));
    }
    const int len = e.prefix.length();
    const int max = e.prefix.address().bit_length();
    const std::string rule = " (need len <= ge <= le <= " + std::to_string(max) + ")";
    if (e.ge && (*e.ge < len || *e.ge > max)) {
      return fail(Error::invalid(label + ": ge " + std::to_string(*e.ge) +
                                 (*e.ge < len ? " is below the prefix length " + std::to_string(len)
                                              : " is above " + std::to_string(max)) +
                                 rule));
    }
    if (e.le && (*e.le < len || *e.le > max)) {
      return fail(Error::invalid(label + ": le " + std::to_string(*e.le) +
                                 (*e.le < len ? " is below the prefix length " + std::to_string(len)
                                              : " is above " + std::to_string(max)) +
                                 rule));
    }
    if (e.ge && e.le && *e.ge > *e.le) {
      return fail(Error::invalid(label + ": ge " + std::to_string(*e.ge) + " is above le " +
                                 std::to_string(*e.le) + rule));
    }
  }
  return {};
}

Action evaluate(const PrefixList& list, const Prefix& p) {
  const PrefixListEntry* best = nullptr;
  for (const PrefixListEntry& e : list.entries) {
    if ((best == nullptr || e.seq < best->seq) && entry_matches(e, p)) best = &e;
  }
  return best != nullptr ? best->action : Action::kDeny;
}

std::string config_line(const std::string& list_name, const PrefixListEntry& e) {
  std::string line = entry_label(list_name, e) + " " + action_name(e.action) + " " +
                     e.prefix.to_string();
  if (e.ge) line += " ge " + std::to_string(*e.ge);
  if (e.le) line += " le " + std::to_string(*e.le);
  return line;
}

std::vector<std::string> config_lines(const PrefixList& list) {
  std::vector<const PrefixListEntry*> sorted;
  for (const PrefixListEntry& e : list.entries) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const PrefixListEntry* a, const PrefixListEntry* b) { return a->seq < b->seq; });
  std::vector<std::string> lines;
  for (const PrefixListEntry* e : sorted) lines.push_back(config_line(list.name, *e));
  return lines;
}

// ---- PrefixListMatcher ----

Result<PrefixListMatcher> PrefixListMatcher::compile(const PrefixList& list) {
  if (Status s = validate(list); !s) return fail(s.error());
  std::vector<const PrefixListEntry*> sorted;
  for (const PrefixListEntry& e : list.entries) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(),
            [](const PrefixListEntry* a, const PrefixListEntry* b) { return a->seq < b->seq; });
  PrefixListMatcher m;
  for (const PrefixListEntry* e : sorted) {
    Entry c;
    internal::load_address(e->prefix.address(), c.hi, c.lo);
    // IPv4 lengths count from the top of hi too, so the same masks serve both families.
    c.mask_hi = internal::mask_hi(e->prefix.length());
    c.mask_lo = internal::mask_lo(e->prefix.length());
    c.seq = e->seq;
    c.ge = static_cast<uint8_t>(e->min_length());
    c.le = static_cast<uint8_t>(e->max_length());
    c.permit = e->action == Action::kPermit;
    (e->prefix.family() == Family::kIpv4 ? m.v4_ : m.v6_).entries.push_back(c);
  }
  if (m.v4_.entries.size() > kLinearLimit) build_trie(m.v4_);
  if (m.v6_.entries.size() > kLinearLimit) build_trie(m.v6_);
  return m;
}

namespace {
inline int bit_at(uint64_t hi, uint64_t lo, int i) {
  return static_cast<int>(i < 64 ? hi >> (63 - i) & 1 : lo >> (127 - i) & 1);
}
}  // namespace

void PrefixListMatcher::build_trie(Table& t) {
  t.nodes.assign(1, Node{});
  std::vector<std::pair<uint32_t, uint32_t>> placed;  // (node, entry index), entries in seq order
  placed.reserve(t.entries.size());
  for (uint32_t i = 0; i < t.entries.size(); ++i) {
    const Entry& e = t.entries[i];
    // The entry's prefix length is the number of mask bits.
    const int len = std::popcount(e.mask_hi) + std::popcount(e.mask_lo);
    uint32_t n = 0;
    for (int d = 0; d < len; ++d) {
      const int b = bit_at(e.hi, e.lo, d);
      if (t.nodes[n].child[b] == 0) {
        t.nodes[n].child[b] = static_cast<uint32_t>(t.nodes.size());
        t.nodes.emplace_back();
      }
      n = t.nodes[n].child[b];
    }
    placed.emplace_back(n, i);
  }
  std::stable_sort(placed.begin(), placed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  t.trie_entries.clear();
  t.trie_entries.reserve(placed.size());
  for (const auto& [node, index] : placed) {
    Node& n = t.nodes[node];
    if (n.count == 0) n.first = static_cast<uint32_t>(t.trie_entries.size());
    ++n.count;
    t.trie_entries.push_back(t.entries[index]);
  }
  t.nodes.shrink_to_fit();
}

bool PrefixListMatcher::match(const Table& t, uint64_t hi, uint64_t lo, int len) {
  if (t.nodes.empty()) {
    for (const Entry& e : t.entries) {
      if (len >= e.ge && len <= e.le && (hi & e.mask_hi) == e.hi && (lo & e.mask_lo) == e.lo) {
        return e.permit;
      }
    }
    return false;
  }
  // Walk the route's bits from the root: every entry met lies on the route's path, so the
  // route is inside its prefix; the lowest seq whose length range fits decides.
  uint32_t best_seq = UINT32_MAX;
  bool best_permit = false;
  uint32_t n = 0;
  for (int depth = 0;; ++depth) {
    const Node& node = t.nodes[n];
    for (uint32_t i = node.first, end = node.first + node.count; i < end; ++i) {
      const Entry& e = t.trie_entries[i];
      if (e.seq >= best_seq) break;
      if (len >= e.ge && len <= e.le) {
        best_seq = e.seq;
        best_permit = e.permit;
        break;
      }
    }
    if (depth == len) break;
    n = node.child[bit_at(hi, lo, depth)];
    if (n == 0) break;
  }
  return best_seq != UINT32_MAX && best_permit;
}

bool PrefixListMatcher::permits(const Prefix& p) const {
  uint64_t hi = 0, lo = 0;
  internal::load_address(p.address(), hi, lo);
  return match(p.family() == Family::kIpv4 ? v4_ : v6_, hi, lo, p.length());
}

bool PrefixListMatcher::permits(const IpAddress& host) const {
  uint64_t hi = 0, lo = 0;
  internal::load_address(host, hi, lo);
  return match(host.is_v4() ? v4_ : v6_, hi, lo, host.bit_length());
}

}  // namespace vgw::bgp::policy
