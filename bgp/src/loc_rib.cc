// The Loc-RIB: the decision process run per changed destination (incremental), the best and
// multipath flags it leaves on the paths, and the RIB route that follows from them - one
// RouteSpec per prefix (source ebgp/ibgp, instance 0) whose next-hop group holds the best and
// multipath next-hops as address-only members for the RIB to resolve.
#include "engine.h"
#include "peer.h"
#include "vgw/base/log.h"

namespace vgw::bgp {

namespace {

rib::RouteSource source_of(uint8_t installed) {
  return installed == kInstalledIbgp ? rib::RouteSource::kIbgp : rib::RouteSource::kEbgp;
}

}  // namespace

DecisionOptions Engine::decision_options() const {
  DecisionOptions o;
  o.always_compare_med = config_.always_compare_med;
  o.multipath_relax = config_.multipath_relax;
  o.maximum_paths = std::max<uint16_t>(1, config_.maximum_paths);
  o.maximum_paths_ibgp = std::max<uint16_t>(1, config_.maximum_paths_ibgp);
  return o;
}

template <typename Key>
void Engine::candidates(typename PathTable<Key>::Handle h, std::vector<Candidate>& out,
                        std::vector<Path*>* paths) const {
  out.clear();
  if (paths) paths->clear();
  auto& t = const_cast<PathTable<Key>&>(table<Key>());
  t.for_each_path(h, [&](Path& p) {
    Candidate c;
    c.attrs = &attrs_.summary(p.attr);
    c.attr = p.attr;
    c.nexthop = attrs_.nexthop(p.attr);
    c.reachable = nexthops_.reachable(c.nexthop);
    c.igp_cost = nexthops_.igp_cost(c.nexthop);
    c.peer = p.peer;
    if (p.peer == kLocalPeer) {
      c.local = true;
    } else if (const Peer* pr = peer(p.peer)) {
      c.peer_address = &pr->config().address;
      c.router_id = pr->remote_id();
      c.external = pr->external();
    }
    c.index = static_cast<uint32_t>(out.size());
    out.push_back(c);
    if (paths) paths->push_back(&p);
  });
}

template <typename Key>
void Engine::decide(typename PathTable<Key>::Handle h, PeerId touched, bool removed_selected) {
  constexpr uint8_t kSel = path_flag::kBest | path_flag::kMultipath;
  Path& first = table<Key>().head(h);
  if (first.attr != kNoAttr && first.next == Path::kNil) {
    // One path (the bulk of a full table from one peer): best if its next-hop is reachable.
    uint8_t before = first.flags & kSel;
    uint8_t after = nexthops_.reachable(attrs_.nexthop(first.attr)) ? path_flag::kBest : 0;
    bool changed = removed_selected || before != after || (first.peer == touched && (before | after) != 0);
    first.flags = static_cast<uint8_t>((first.flags & ~kSel) | after);
    if (!changed) return;
    install<Key>(h);
    fan_out<Key>(h);
    return;
  }
  candidates<Key>(h, cands_, &cand_paths_);
  bool changed = removed_selected;
  if (!cands_.empty()) {
    bgp::decide(cands_, decision_options(), &attrs_, result_);
    for (size_t i = 0; i < cands_.size(); ++i) {
      Path& p = *cand_paths_[i];
      uint8_t before = p.flags & kSel;
      uint8_t after = 0;
      if (static_cast<int>(i) == result_.best) {
        after = path_flag::kBest;
      } else {
        for (int m : result_.multipath) {
          if (m == static_cast<int>(i)) after = path_flag::kMultipath;
        }
      }
      if (before != after || (p.peer == touched && (before | after) != 0)) changed = true;
      p.flags = static_cast<uint8_t>((p.flags & ~kSel) | after);
    }
  }
  if (!changed) return;
  install<Key>(h);
  fan_out<Key>(h);
}

template <typename Key>
void Engine::install(typename PathTable<Key>::Handle h) {
  using Traits = FamilyTraits<Key>;
  PathTable<Key>& t = table<Key>();
  const Path* best = nullptr;
  thread_local std::vector<NexthopId> hops;
  hops.clear();
  t.for_each_path(h, [&](Path& p) {
    if (p.flags & path_flag::kBest) best = &p;
    if (p.selected()) hops.push_back(attrs_.nexthop(p.attr));
  });
  uint8_t want = kInstalledNone;
  rib::NexthopGroupId group = rib::kNoGroup;
  if (best != nullptr && best->peer != kLocalPeer) {
    const Peer* from = peer(best->peer);
    want = from && !from->external() ? kInstalledIbgp : kInstalledEbgp;
    group = hops.size() > 1 ? nexthops_.group_of(hops) : nexthops_.group(attrs_.nexthop(best->attr));
    if (group == rib::kNoGroup) want = kInstalledNone;
  }
  Path& head = t.head(h);
  if (head.installed == want && want == kInstalledNone) return;
  const Prefix prefix = Traits::prefix(t.key(h), t.length(h));
  if (head.installed != kInstalledNone && head.installed != want) {
    rib_.remove(prefix, source_of(head.installed), 0);
    head.installed = kInstalledNone;
  }
  if (want == kInstalledNone) return;
  rib::RouteSpec spec;
  spec.source = source_of(want);
  spec.instance = 0;
  spec.group = group;
  if (auto s = rib_.add(prefix, spec); !s) {
    VGW_LOG(kWarning, "bgp") << "RIB refused " << prefix.to_string() << ": " << s.error().message;
    return;
  }
  head.installed = want;
}

template void Engine::candidates<rib::Ipv4Key>(PathTable<rib::Ipv4Key>::Handle,
                                               std::vector<Candidate>&, std::vector<Path*>*) const;
template void Engine::candidates<rib::Ipv6Key>(PathTable<rib::Ipv6Key>::Handle,
                                               std::vector<Candidate>&, std::vector<Path*>*) const;
template void Engine::decide<rib::Ipv4Key>(PathTable<rib::Ipv4Key>::Handle, PeerId, bool);
template void Engine::decide<rib::Ipv6Key>(PathTable<rib::Ipv6Key>::Handle, PeerId, bool);

}  // namespace vgw::bgp
