// Read-only queries behind `show bgp ...` and the API: peer status, Adj-RIB-In/Out listings,
// paths of a prefix with the decision's reason, Loc-RIB listings, statistics.
#include <set>

#include "engine.h"
#include "peer.h"
#include "vgw/bgp/speaker.h"

namespace vgw::bgp {

namespace {

PeerStatus status_of(const Engine& e, const Peer& p) {
  PeerStatus s;
  const PeerConfig& c = p.config();
  s.address = c.address;
  s.port = c.port;
  s.description = c.description;
  s.remote_as = p.remote_as();
  s.local_as = p.local_as();
  s.external = p.external();
  s.state = p.state();
  s.state_since = p.fsm().state_since();
  s.remote_id = p.remote_id();
  if (auto l = p.local_endpoint()) {
    s.local_address = l->address;
    s.local_port = l->port;
  }
  if (auto r = p.remote_endpoint()) s.remote_port = r->port;
  if (const session::Negotiated* n = p.fsm().negotiated()) {
    NegotiatedView v;
    v.hold_time = n->hold_time;
    v.keepalive_time = n->keepalive_time;
    v.four_octet_as = n->four_octet_as;
    v.ipv4_unicast = n->ipv4_unicast;
    v.ipv6_unicast = n->ipv6_unicast;
    v.route_refresh = n->route_refresh;
    v.enhanced_route_refresh = n->enhanced_route_refresh;
    v.graceful_restart = n->graceful_restart;
    v.peer_restart_time = n->peer_graceful_restart ? n->peer_graceful_restart->restart_time : 0;
    s.negotiated = v;
  }
  s.counters = p.counters;
  // Counted per peer: after a collision the winning connection's FSM is a new one.
  s.established_transitions = p.counters.established;
  s.accepted_ipv4 = p.accepted[0];
  s.accepted_ipv6 = p.accepted[1];
  if (p.gr_stale_mask != 0 || !p.stale_walks.empty() || p.refresh_stale_mask != 0) {
    auto count = [&](auto& t) {
      auto& table = const_cast<std::remove_const_t<std::remove_reference_t<decltype(t)>>&>(t);
      table.walk_from(0, SIZE_MAX, [&](uint32_t h) {
        if (const Path* x = table.find_path(h, p.id()); x && (x->flags & path_flag::kStale)) ++s.stale;
      });
    };
    count(e.v4_);
    count(e.v6_);
  }
  s.advertised_ipv4 = p.out->table<rib::Ipv4Key>().advertised;
  s.advertised_ipv6 = p.out->table<rib::Ipv6Key>().advertised;
  s.send_queue_bytes = p.send_queue_bytes();
  s.last_error = p.last_error();
  s.connect_error = p.connect_error;
  s.admin_shutdown = c.shutdown;
  s.maximum_prefix_exceeded = p.maximum_prefix_exceeded;
  s.graceful_restart_helping = p.gr_stale_mask != 0;
  s.end_of_rib_ipv4 = p.eor_received[0];
  s.end_of_rib_ipv6 = p.eor_received[1];
  s.policy_blocks_import = !p.imports();
  s.policy_blocks_export = !p.exports();
  return s;
}

template <typename Key>
typename PathTable<Key>::Handle start_handle(const PathTable<Key>& t, const std::optional<Prefix>& after) {
  if (!after) return t.first();
  return t.next_after(rib::KeyTraits<Key>::from_address(after->address()), after->length());
}

}  // namespace

std::vector<PeerStatus> Speaker::peers() const {
  std::vector<PeerStatus> out;
  for (auto& [address, id] : engine_->by_address_) out.push_back(status_of(*engine_, *engine_->peers_[id]));
  return out;
}

std::optional<PeerStatus> Speaker::peer(const IpAddress& address) const {
  const Peer* p = engine_->find_peer(address);
  if (p == nullptr) return std::nullopt;
  return status_of(*engine_, *p);
}

std::vector<RouteView> Speaker::adj_rib_in(const IpAddress& peer, Family family,
                                           const std::optional<Prefix>& after, size_t max) const {
  std::vector<RouteView> out;
  const Peer* p = engine_->find_peer(peer);
  if (p == nullptr || (after && after->family() != family)) return out;
  auto walk = [&](auto& t, auto key_tag) {
    using Key = decltype(key_tag);
    for (auto h = start_handle<Key>(t, after); h != t.kNone && out.size() < max;
         h = t.next_after(t.key(h), t.length(h))) {
      const Path* x = t.find_path(h, p->id());
      if (x == nullptr) continue;
      RouteView v;
      v.prefix = FamilyTraits<Key>::prefix(t.key(h), t.length(h));
      engine_->attrs_.decode(x->attr, v.attributes);
      v.next_hop = engine_->nexthops_.address(engine_->attrs_.nexthop(x->attr));
      v.weight = engine_->attrs_.summary(x->attr).weight;
      v.best = (x->flags & path_flag::kBest) != 0;
      v.stale = (x->flags & path_flag::kStale) != 0;
      out.push_back(std::move(v));
    }
  };
  if (family == Family::kIpv4) {
    walk(engine_->v4_, rib::Ipv4Key{});
  } else {
    walk(engine_->v6_, rib::Ipv6Key{});
  }
  return out;
}

std::vector<RouteView> Speaker::adj_rib_out(const IpAddress& peer, Family family,
                                            const std::optional<Prefix>& after, size_t max) const {
  std::vector<RouteView> out;
  const Peer* p = engine_->find_peer(peer);
  if (p == nullptr || (after && after->family() != family)) return out;
  auto walk = [&](auto key_tag) {
    using Key = decltype(key_tag);
    const auto& t = p->out->table<Key>().entries;
    auto h = after ? t.next_after(rib::KeyTraits<Key>::from_address(after->address()), after->length())
                   : t.first();
    for (; h != t.kNone && out.size() < max; h = t.next_after(t.key(h), t.length(h))) {
      const AdjRibOut::Entry& e = t.value(h);
      if (e.attr == kNoAttr) continue;
      RouteView v;
      v.prefix = FamilyTraits<Key>::prefix(t.key(h), t.length(h));
      engine_->attrs_.decode(e.attr, v.attributes);
      v.next_hop = engine_->nexthops_.address(engine_->attrs_.nexthop(e.attr));
      out.push_back(std::move(v));
    }
  };
  if (family == Family::kIpv4) {
    walk(rib::Ipv4Key{});
  } else {
    walk(rib::Ipv6Key{});
  }
  return out;
}

namespace {

template <typename Key>
void paths_of(Engine& e, typename PathTable<Key>::Handle h, bool best_only,
              std::vector<PathView>& out) {
  PathTable<Key>& t = e.table<Key>();
  std::vector<Candidate> cands;
  std::vector<Path*> paths;
  e.candidates<Key>(h, cands, &paths);
  const DecisionOptions opts = e.decision_options();
  int best = -1;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (paths[i]->flags & path_flag::kBest) best = static_cast<int>(i);
  }
  if (best_only && best < 0) return;
  int runner = -1;
  for (size_t i = 0; i < cands.size(); ++i) {
    if (static_cast<int>(i) == best) continue;
    if (runner < 0 || compare(cands[i], cands[runner], opts, nullptr) < 0) runner = static_cast<int>(i);
  }
  const Prefix prefix = FamilyTraits<Key>::prefix(t.key(h), t.length(h));
  auto view = [&](size_t i) {
    const Path& p = *paths[i];
    const Candidate& c = cands[i];
    PathView v;
    v.prefix = prefix;
    if (const Peer* pr = e.peer(p.peer)) {
      v.peer = pr->config().address;
      v.peer_as = pr->remote_as();
    }
    e.attrs_.decode(p.attr, v.attributes);
    v.next_hop = e.nexthops_.address(c.nexthop);
    v.weight = c.attrs->weight;
    v.local_pref = c.attrs->local_pref;
    v.igp_cost = c.igp_cost;
    v.reachable = c.reachable;
    v.best = (p.flags & path_flag::kBest) != 0;
    v.multipath = (p.flags & path_flag::kMultipath) != 0;
    v.stale = (p.flags & path_flag::kStale) != 0;
    v.external = c.external;
    if (static_cast<int>(i) == best) {
      Reason r = Reason::kOnlyPath;
      if (runner >= 0) compare(cands[best], cands[runner], opts, &r);
      v.reason = explain(cands[best], runner >= 0 ? &cands[runner] : nullptr, r);
    } else if (best >= 0) {
      Reason r = Reason::kEqual;
      compare(cands[best], c, opts, &r);
      v.reason = std::string(v.multipath ? "multipath; " : "") + "best path wins on " +
                 explain(cands[best], &c, r);
    } else {
      v.reason = c.reachable ? "not selected" : "next-hop unreachable";
    }
    out.push_back(std::move(v));
  };
  if (best >= 0) view(static_cast<size_t>(best));
  if (best_only) return;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (static_cast<int>(i) != best) view(i);
  }
}

}  // namespace

std::vector<PathView> Speaker::paths(const Prefix& prefix) const {
  std::vector<PathView> out;
  if (prefix.family() == Family::kIpv4) {
    auto& t = engine_->v4_;
    auto h = t.find(rib::KeyTraits<rib::Ipv4Key>::from_address(prefix.address()), prefix.length());
    if (h != t.kNone) paths_of<rib::Ipv4Key>(*engine_, h, false, out);
  } else {
    auto& t = engine_->v6_;
    auto h = t.find(rib::KeyTraits<rib::Ipv6Key>::from_address(prefix.address()), prefix.length());
    if (h != t.kNone) paths_of<rib::Ipv6Key>(*engine_, h, false, out);
  }
  return out;
}

std::vector<PathView> Speaker::loc_rib(Family family, const std::optional<Prefix>& after,
                                       size_t max) const {
  std::vector<PathView> out;
  if (after && after->family() != family) return out;
  auto walk = [&](auto& t, auto key_tag) {
    using Key = decltype(key_tag);
    for (auto h = start_handle<Key>(t, after); h != t.kNone && out.size() < max;
         h = t.next_after(t.key(h), t.length(h))) {
      paths_of<Key>(*engine_, h, true, out);
    }
  };
  if (family == Family::kIpv4) {
    walk(engine_->v4_, rib::Ipv4Key{});
  } else {
    walk(engine_->v6_, rib::Ipv6Key{});
  }
  return out;
}

SpeakerStats Speaker::stats() const {
  SpeakerStats s;
  s.destinations_ipv4 = engine_->v4_.size();
  s.destinations_ipv6 = engine_->v6_.size();
  s.attribute_sets = engine_->attrs_.size();
  s.nexthops = engine_->nexthops_.size();
  s.memory_bytes = engine_->v4_.memory_bytes() + engine_->v6_.memory_bytes() +
                   engine_->attrs_.memory_bytes();
  s.export_evaluations = engine_->export_evaluations_;
  s.export_shared = engine_->export_shared_;
  std::set<uint32_t> groups;
  for (const auto& p : engine_->peers_) {
    if (p && p->established() && p->export_group != 0) groups.insert(p->export_group);
  }
  s.update_groups = groups.size();
  return s;
}

}  // namespace vgw::bgp
