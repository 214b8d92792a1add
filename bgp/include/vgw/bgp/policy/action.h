// Permit/deny, and the sequence-number rules shared by every list and route-map: entries are
// kept in seq order, re-entering a seq replaces that entry, and an entry entered without a
// seq gets the next multiple of 5 (FRR's numbering).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace vgw::bgp::policy {

enum class Action : uint8_t { kPermit, kDeny };

inline const char* action_name(Action a) { return a == Action::kPermit ? "permit" : "deny"; }

// The seq FRR gives an entry entered without one: the highest seq rounded down to a multiple
// of 5, plus 5 (5 for an empty list).
template <typename Entry>
uint32_t next_seq(const std::vector<Entry>& entries) {
  uint32_t high = 0;
  for (const Entry& e : entries) high = std::max(high, e.seq);
  return high / 5 * 5 + 5;
}

// Inserts e keeping entries in seq order; an entry with the same seq is replaced.
template <typename Entry>
void put_entry(std::vector<Entry>& entries, Entry e) {
  auto it = std::lower_bound(entries.begin(), entries.end(), e.seq,
                             [](const Entry& x, uint32_t seq) { return x.seq < seq; });
  if (it != entries.end() && it->seq == e.seq) {
    *it = std::move(e);
  } else {
    entries.insert(it, std::move(e));
  }
}

// Removes the entry with this seq; false if there was none.
template <typename Entry>
bool erase_entry(std::vector<Entry>& entries, uint32_t seq) {
  auto it = std::find_if(entries.begin(), entries.end(), [&](const Entry& x) { return x.seq == seq; });
  if (it == entries.end()) return false;
  entries.erase(it);
  return true;
}

}  // namespace vgw::bgp::policy
