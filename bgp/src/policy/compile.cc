// The route-map compiler and evaluator: names resolved to indices once, prefix-lists as
// PrefixListMatchers, AS-path regexes compiled once, lists sorted by seq; evaluation walks the
// entries with cheap match clauses first and renders the AS path only when a clause needs it.
#include <algorithm>
#include <map>

#include "policy_internal.h"
#include "vgw/bgp/policy.h"

namespace vgw::bgp::policy {

namespace {

// Match clause kinds, cheapest first (the order clauses of one entry are tried in).
enum class MatchKind : uint8_t {
  kIpAddress,
  kIpv6Address,
  kIpNextHop,
  kIpv6NextHop,
  kCommunity,
  kLargeCommunity,
  kAsPath,
};

constexpr int32_t kMissing = -1;  // the named list does not exist: the clause never matches

struct MatchStep {
  MatchKind kind;
  int32_t list;  // index into the Impl's vector for that kind, or kMissing
};

struct CompiledAsPathList {
  std::vector<std::pair<AsPathRegex, bool>> entries;  // (regex, permit), seq order
};

template <typename Entry>
struct SortedList {
  std::vector<Entry> entries;  // seq order
};

enum class NextHopSet : uint8_t { kNone, kAddress, kPeerAddress };

struct CompiledSet {
  std::optional<uint32_t> weight;
  std::optional<uint32_t> local_pref;
  std::optional<uint32_t> metric;
  std::vector<uint32_t> prepend;  // in the order written
  uint8_t prepend_last_as = 0;
  bool has_comm_list_delete = false;
  int32_t comm_list_delete = kMissing;
  std::optional<CommunitySet> community;
  std::optional<LargeCommunitySet> large_community;
  NextHopSet ip_next_hop = NextHopSet::kNone;
  uint32_t ip_next_hop_address = 0;  // host order, kAddress
  std::optional<IpAddress> ipv6_next_hop;
};

struct CompiledEntry {
  uint32_t seq = 0;
  bool permit = false;
  std::vector<MatchStep> matches;
  CompiledSet set;
};

// Values without repeats, first occurrence kept.
template <typename V>
std::vector<V> unique_values(const std::vector<V>& in) {
  std::vector<V> out;
  for (const V& v : in) {
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

template <typename Entry>
std::vector<Entry> sorted_by_seq(const std::vector<Entry>& in) {
  std::vector<Entry> out = in;
  std::stable_sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.seq < b.seq; });
  return out;
}

Status misfiled(const char* kind, const std::string& key, const std::string& name) {
  return fail(Error::invalid(std::string(kind) + " filed under \"" + key + "\" is named \"" + name + "\""));
}

template <typename List>
const List* lookup(const std::map<std::string, List>& m, const std::string& name) {
  auto it = m.find(name);
  return it == m.end() ? nullptr : &it->second;
}

}  // namespace

struct CompiledRouteMap::Impl {
  std::string name;
  bool defined = false;
  Direction direction = Direction::kImport;
  std::vector<PrefixListMatcher> prefix_lists;
  std::vector<CompiledAsPathList> as_path_lists;
  std::vector<SortedList<CommunityListEntry>> community_lists;
  std::vector<SortedList<LargeCommunityListEntry>> large_community_lists;
  std::vector<CompiledEntry> entries;  // seq order

  bool matches(const MatchStep& m, const PolicyContext& ctx, const PolicyRoute& route,
               const std::string*& path_text) const;
  void apply(const CompiledSet& s, const PolicyContext& ctx, PolicyRoute& route) const;
  bool delete_community(int32_t list, uint32_t community) const;
};

namespace {

template <typename Entry, typename V>
bool list_permits(const SortedList<Entry>& list, std::span<const V> values) {
  for (const Entry& e : list.entries) {
    if (internal::entry_matches(e, values)) return e.action == Action::kPermit;
  }
  return false;
}

}  // namespace

bool CompiledRouteMap::Impl::matches(const MatchStep& m, const PolicyContext& ctx,
                                     const PolicyRoute& route, const std::string*& path_text) const {
  if (m.list == kMissing) return false;
  const wire::PathAttributes& a = route.attributes;
  switch (m.kind) {
    case MatchKind::kIpAddress:
      return ctx.prefix.family() == Family::kIpv4 && prefix_lists[m.list].permits(ctx.prefix);
    case MatchKind::kIpv6Address:
      return ctx.prefix.family() == Family::kIpv6 && prefix_lists[m.list].permits(ctx.prefix);
    case MatchKind::kIpNextHop:
      return ctx.prefix.family() == Family::kIpv4 && a.has(wire::attr::kNextHop) &&
             prefix_lists[m.list].permits(IpAddress::v4(a.next_hop));
    case MatchKind::kIpv6NextHop:
      return route.next_hop_v6.has_value() && prefix_lists[m.list].permits(*route.next_hop_v6);
    case MatchKind::kCommunity:
      return list_permits(community_lists[m.list], std::span<const uint32_t>(a.communities));
    case MatchKind::kLargeCommunity:
      return list_permits(large_community_lists[m.list],
                          std::span<const wire::LargeCommunity>(a.large_communities));
    case MatchKind::kAsPath: {
      if (path_text == nullptr) {
        // One buffer per thread: its capacity stays, so rendering allocates nothing after the
        // first few routes.
        thread_local std::string buffer;
        format_as_path(a.as_path, buffer);
        path_text = &buffer;
      }
      for (const auto& [re, permit] : as_path_lists[m.list].entries) {
        if (re.matches(*path_text)) return permit;
      }
      return false;
    }
  }
  return false;
}

bool CompiledRouteMap::Impl::delete_community(int32_t list, uint32_t community) const {
  for (const CommunityListEntry& e : community_lists[list].entries) {
    if (std::find(e.values.begin(), e.values.end(), community) != e.values.end()) {
      return e.action == Action::kPermit;
    }
  }
  return false;
}

void CompiledRouteMap::Impl::apply(const CompiledSet& s, const PolicyContext& ctx,
                                   PolicyRoute& route) const {
  wire::PathAttributes& a = route.attributes;
  if (s.weight) route.weight = *s.weight;
  if (s.local_pref) a.set_local_pref(*s.local_pref);
  if (s.metric) a.set_med(*s.metric);
  if (!s.prepend.empty()) {
    for (auto it = s.prepend.rbegin(); it != s.prepend.rend(); ++it) a.as_path.prepend(*it);
    a.set(wire::attr::kAsPath);
  } else if (s.prepend_last_as != 0) {
    if (std::optional<uint32_t> last = a.as_path.first_asn()) {
      for (int i = 0; i < s.prepend_last_as; ++i) a.as_path.prepend(*last);
      a.set(wire::attr::kAsPath);
    }
  }
  if (s.has_comm_list_delete && s.comm_list_delete != kMissing) {
    std::erase_if(a.communities, [&](uint32_t c) { return delete_community(s.comm_list_delete, c); });
    if (a.communities.empty()) a.unset(wire::attr::kCommunities);
  }
  if (s.community) {
    if (s.community->values.empty()) {
      a.communities.clear();
      a.unset(wire::attr::kCommunities);
    } else if (s.community->additive) {
      for (uint32_t v : s.community->values) {
        if (std::find(a.communities.begin(), a.communities.end(), v) == a.communities.end()) {
          a.communities.push_back(v);
        }
      }
      a.set(wire::attr::kCommunities);
    } else {
      a.communities.assign(s.community->values.begin(), s.community->values.end());
      a.set(wire::attr::kCommunities);
    }
  }
  if (s.large_community) {
    std::vector<wire::LargeCommunity>& lc = a.large_communities;
    if (s.large_community->values.empty()) {
      lc.clear();
      a.unset(wire::attr::kLargeCommunities);
    } else if (s.large_community->additive) {
      for (const wire::LargeCommunity& v : s.large_community->values) {
        if (std::find(lc.begin(), lc.end(), v) == lc.end()) lc.push_back(v);
      }
      a.set(wire::attr::kLargeCommunities);
    } else {
      lc.assign(s.large_community->values.begin(), s.large_community->values.end());
      a.set(wire::attr::kLargeCommunities);
    }
  }
  if (s.ip_next_hop != NextHopSet::kNone && ctx.prefix.family() == Family::kIpv4) {
    if (s.ip_next_hop == NextHopSet::kAddress) {
      a.set_next_hop(s.ip_next_hop_address);
    } else {
      // FRR: inbound, the peer's address; outbound, ours on the session.
      const IpAddress* hop = direction == Direction::kImport ? &ctx.peer_address
                             : ctx.local_address             ? &*ctx.local_address
                                                             : nullptr;
      if (hop != nullptr && hop->is_v4()) a.set_next_hop(hop->v4_host_order());
    }
  }
  if (s.ipv6_next_hop && ctx.prefix.family() == Family::kIpv6) route.next_hop_v6 = *s.ipv6_next_hop;
}

CompiledRouteMap::CompiledRouteMap(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CompiledRouteMap::~CompiledRouteMap() = default;

const std::string& CompiledRouteMap::name() const { return impl_->name; }
bool CompiledRouteMap::defined() const { return impl_->defined; }

CompiledRouteMap::Outcome CompiledRouteMap::evaluate(const PolicyContext& ctx, PolicyRoute& route) const {
  const Impl& m = *impl_;
  const std::string* path_text = nullptr;  // the AS path as text, once rendered
  for (const CompiledEntry& e : m.entries) {
    bool all = true;
    for (const MatchStep& step : e.matches) {
      if (!m.matches(step, ctx, route, path_text)) {
        all = false;
        break;
      }
    }
    if (!all) continue;
    if (!e.permit) return {PolicyResult::kReject, e.seq};
    m.apply(e.set, ctx, route);
    return {PolicyResult::kAccept, e.seq};
  }
  return {PolicyResult::kReject, std::nullopt};
}

// ---- compile ----

namespace {

// Resolves list names to indices into the Impl's vectors, compiling each list once.
class Linker {
 public:
  Linker(const PolicySet& set, CompiledRouteMap::Impl& impl) : set_(set), impl_(impl) {}

  Result<int32_t> prefix_list(const std::string& name) {
    if (auto it = prefix_.find(name); it != prefix_.end()) return it->second;
    const PrefixList* l = lookup(set_.prefix_lists, name);
    int32_t index = kMissing;
    if (l != nullptr) {
      if (l->name != name) return fail(misfiled("prefix-list", name, l->name).error());
      auto m = PrefixListMatcher::compile(*l);
      if (!m) return fail(m.error());
      index = static_cast<int32_t>(impl_.prefix_lists.size());
      impl_.prefix_lists.push_back(std::move(*m));
    }
    prefix_.emplace(name, index);
    return index;
  }

  Result<int32_t> as_path_list(const std::string& name) {
    if (auto it = as_path_.find(name); it != as_path_.end()) return it->second;
    const AsPathList* l = lookup(set_.as_path_lists, name);
    int32_t index = kMissing;
    if (l != nullptr) {
      if (l->name != name) return fail(misfiled("as-path access-list", name, l->name).error());
      if (Status s = validate(*l); !s) return fail(s.error());
      CompiledAsPathList c;
      for (const AsPathListEntry& e : sorted_by_seq(l->entries)) {
        auto re = AsPathRegex::compile(e.regex);
        if (!re) return fail(re.error());
        c.entries.emplace_back(std::move(*re), e.action == Action::kPermit);
      }
      index = static_cast<int32_t>(impl_.as_path_lists.size());
      impl_.as_path_lists.push_back(std::move(c));
    }
    as_path_.emplace(name, index);
    return index;
  }

  Result<int32_t> community_list(const std::string& name) {
    return sorted_list(name, set_.community_lists, "community-list", impl_.community_lists, community_);
  }
  Result<int32_t> large_community_list(const std::string& name) {
    return sorted_list(name, set_.large_community_lists, "large-community-list",
                       impl_.large_community_lists, large_);
  }

 private:
  template <typename List, typename Entry>
  Result<int32_t> sorted_list(const std::string& name, const std::map<std::string, List>& lists,
                              const char* kind, std::vector<SortedList<Entry>>& out,
                              std::map<std::string, int32_t>& seen) {
    if (auto it = seen.find(name); it != seen.end()) return it->second;
    const List* l = lookup(lists, name);
    int32_t index = kMissing;
    if (l != nullptr) {
      if (l->name != name) return fail(misfiled(kind, name, l->name).error());
      if (Status s = validate(*l); !s) return fail(s.error());
      index = static_cast<int32_t>(out.size());
      out.push_back({sorted_by_seq(l->entries)});
    }
    seen.emplace(name, index);
    return index;
  }

  const PolicySet& set_;
  CompiledRouteMap::Impl& impl_;
  std::map<std::string, int32_t> prefix_, as_path_, community_, large_;
};

Result<CompiledEntry> compile_entry(const RouteMapEntry& e, Linker& link) {
  CompiledEntry c;
  c.seq = e.seq;
  c.permit = e.action == Action::kPermit;
  const RouteMapMatch& m = e.match;
  auto add = [&](MatchKind kind, const Result<int32_t>& index) -> Status {
    if (!index) return fail(index.error());
    c.matches.push_back({kind, *index});
    return {};
  };
  Status s;
  if (s && m.ip_address_prefix_list) s = add(MatchKind::kIpAddress, link.prefix_list(*m.ip_address_prefix_list));
  if (s && m.ipv6_address_prefix_list) {
    s = add(MatchKind::kIpv6Address, link.prefix_list(*m.ipv6_address_prefix_list));
  }
  if (s && m.ip_next_hop_prefix_list) s = add(MatchKind::kIpNextHop, link.prefix_list(*m.ip_next_hop_prefix_list));
  if (s && m.ipv6_next_hop_prefix_list) {
    s = add(MatchKind::kIpv6NextHop, link.prefix_list(*m.ipv6_next_hop_prefix_list));
  }
  if (s && m.community) s = add(MatchKind::kCommunity, link.community_list(*m.community));
  if (s && m.large_community) s = add(MatchKind::kLargeCommunity, link.large_community_list(*m.large_community));
  if (s && m.as_path) s = add(MatchKind::kAsPath, link.as_path_list(*m.as_path));
  if (!s) return fail(s.error());
  // A clause on a missing list can never match: try it first.
  std::stable_sort(c.matches.begin(), c.matches.end(), [](const MatchStep& x, const MatchStep& y) {
    return (x.list == kMissing) > (y.list == kMissing);
  });

  if (!c.permit) return c;  // a deny entry's sets never run
  const RouteMapSet& in = e.set;
  CompiledSet& out = c.set;
  out.weight = in.weight;
  out.local_pref = in.local_preference;
  out.metric = in.metric;
  if (in.as_path_prepend) {
    out.prepend = in.as_path_prepend->asns;
    out.prepend_last_as = in.as_path_prepend->last_as;
  }
  if (in.comm_list_delete) {
    auto index = link.community_list(*in.comm_list_delete);
    if (!index) return fail(index.error());
    out.has_comm_list_delete = true;
    out.comm_list_delete = *index;
  }
  if (in.community) out.community = CommunitySet{unique_values(in.community->values), in.community->additive};
  if (in.large_community) {
    out.large_community = LargeCommunitySet{unique_values(in.large_community->values),
                                            in.large_community->additive};
  }
  if (in.ip_next_hop) {
    out.ip_next_hop = in.ip_next_hop->peer_address ? NextHopSet::kPeerAddress : NextHopSet::kAddress;
    if (!in.ip_next_hop->peer_address) out.ip_next_hop_address = in.ip_next_hop->address.v4_host_order();
  }
  out.ipv6_next_hop = in.ipv6_next_hop_global;
  return c;
}

}  // namespace

Result<std::shared_ptr<const CompiledRouteMap>> compile(const PolicySet& set, const std::string& name,
                                                        Direction direction) {
  auto impl = std::make_unique<CompiledRouteMap::Impl>();
  impl->name = name;
  impl->direction = direction;
  if (const RouteMap* map = lookup(set.route_maps, name)) {
    if (map->name != name) return fail(misfiled("route-map", name, map->name).error());
    if (Status s = validate(*map); !s) return fail(s.error());
    impl->defined = true;
    Linker link(set, *impl);
    for (const RouteMapEntry& e : sorted_by_seq(map->entries)) {
      auto c = compile_entry(e, link);
      if (!c) return fail(c.error());
      impl->entries.push_back(std::move(*c));
    }
  }
  return std::make_shared<const CompiledRouteMap>(std::move(impl));
}

Result<Policy> compile_route_map(const PolicySet& set, const std::string& name, Direction direction) {
  auto compiled = compile(set, name, direction);
  if (!compiled) return fail(compiled.error());
  std::shared_ptr<const CompiledRouteMap> map = std::move(*compiled);
  return Policy([map](const PolicyContext& ctx, PolicyRoute& route) {
    return map->evaluate(ctx, route).result;
  });
}

}  // namespace vgw::bgp::policy
