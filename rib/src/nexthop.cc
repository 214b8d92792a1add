// Interning of next-hop groups: canonical member order, hashing, reference counts.
#include "vgw/rib/nexthop.h"

#include <algorithm>
#include <cassert>
#include <functional>

namespace vgw::rib {

const char* nexthop_type_name(NexthopType type) {
  switch (type) {
    case NexthopType::kUnicast: return "unicast";
    case NexthopType::kBlackhole: return "blackhole";
    case NexthopType::kUnreachable: return "unreachable";
  }
  return "?";
}

std::string Nexthop::to_string() const {
  if (drops()) return nexthop_type_name(type);
  std::string s;
  if (address) s = "via " + address->to_string();
  if (!interface.empty()) {
    s += s.empty() ? "dev " : " dev ";
    s += interface;
  } else if (ifindex != 0) {
    s += s.empty() ? "ifindex " : " ifindex ";
    s += std::to_string(ifindex);
  }
  if (weight != 1) s += " weight " + std::to_string(weight);
  return s;
}

namespace {

bool same_place(const Nexthop& a, const Nexthop& b) {
  return a.address == b.address && a.interface == b.interface && a.ifindex == b.ifindex &&
         a.type == b.type;
}

size_t hash_members(const std::vector<Nexthop>& members) {
  size_t h = 0x9e3779b97f4a7c15ull;
  auto mix = [&h](size_t v) { h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); };
  for (const auto& m : members) {
    mix(m.address ? hash_value(*m.address) : 0);
    mix(std::hash<std::string>{}(m.interface));
    mix(m.ifindex);
    mix(m.weight);
    mix(static_cast<size_t>(m.type));
  }
  return h;
}

}  // namespace

NexthopGroupTable::NexthopGroupTable() {
  NexthopGroupId zero = groups_.allocate();  // id 0 is kNoGroup
  assert(zero == kNoGroup);
  (void)zero;
}

Result<NexthopGroupId> NexthopGroupTable::intern(std::vector<Nexthop> members) {
  if (members.empty()) return fail(Error::invalid("a next-hop group needs at least one member"));
  if (members.size() > kMaxMembers) {
    return fail(Error::invalid("a next-hop group has at most " + std::to_string(kMaxMembers) +
                               " members"));
  }
  for (const auto& m : members) {
    if (!m.address && !m.is_direct()) {
      return fail(Error::invalid("a next-hop needs an address, an interface, or both"));
    }
    if (m.weight == 0) return fail(Error::invalid("next-hop weight must be 1..255"));
  }
  // A drop route in an ECMP set drops everything: the group is that one drop next-hop.
  if (auto d = std::find_if(members.begin(), members.end(), [](const Nexthop& m) { return m.drops(); });
      d != members.end()) {
    Nexthop drop{std::nullopt, "", 0, 1, d->type};
    members.assign(1, drop);
  }
  std::sort(members.begin(), members.end());
  size_t out = 0;
  for (size_t i = 0; i < members.size(); ++i) {
    if (out > 0 && same_place(members[out - 1], members[i])) {
      members[out - 1].weight =
          static_cast<uint8_t>(std::min(255, members[out - 1].weight + members[i].weight));
    } else {
      if (out != i) members[out] = std::move(members[i]);
      ++out;
    }
  }
  members.resize(out);

  size_t h = hash_members(members);
  auto [lo, hi] = index_.equal_range(h);
  for (auto it = lo; it != hi; ++it) {
    Group& g = groups_[it->second];
    if (g.members == members) {
      ++g.refs;
      return it->second;
    }
  }
  NexthopGroupId id = groups_.allocate();
  Group& g = groups_[id];
  g.recursive = std::any_of(members.begin(), members.end(),
                            [](const Nexthop& m) { return !m.is_direct(); });
  g.members = std::move(members);
  g.hash = h;
  g.refs = 1;
  index_.emplace(h, id);
  return id;
}

void NexthopGroupTable::ref(NexthopGroupId id) {
  assert(is_live(id));
  ++groups_[id].refs;
}

void NexthopGroupTable::release(NexthopGroupId id) {
  assert(is_live(id));
  Group& g = groups_[id];
  if (--g.refs > 0) return;
  // The Rib drops its resolution state before the last route lets go of a group.
  assert(g.tracking.resolved[0] == kNoGroup && g.tracking.resolved[1] == kNoGroup);
  auto [lo, hi] = index_.equal_range(g.hash);
  for (auto it = lo; it != hi; ++it) {
    if (it->second == id) {
      index_.erase(it);
      break;
    }
  }
  groups_.release(id);
}

std::string NexthopGroupTable::to_string(NexthopGroupId id) const {
  if (!is_live(id)) return "{}";
  std::string s = "{";
  for (const auto& m : groups_[id].members) {
    if (s.size() > 1) s += ", ";
    s += m.to_string();
  }
  return s + "}";
}

size_t NexthopGroupTable::memory_bytes() const {
  size_t bytes = groups_.memory_bytes() + index_.bucket_count() * sizeof(void*) +
                 index_.size() * (sizeof(std::pair<size_t, NexthopGroupId>) + 2 * sizeof(void*));
  for (uint32_t i = 1; i < groups_.capacity_used(); ++i) {
    const Group& g = groups_[i];
    bytes += g.members.capacity() * sizeof(Nexthop);
    if (g.tracking.dependents) bytes += g.tracking.dependents->memory_bytes();
  }
  return bytes;
}

}  // namespace vgw::rib
