// The send side: what each peer is told. Export rules per destination (split horizon, no iBGP
// to iBGP without route reflection, NO_EXPORT / NO_ADVERTISE (RFC 1997), the peer's AS already
// in the path), the eBGP transformation (prepend our AS, next-hop self, no LOCAL_PREF, MED only
// for our own routes - RFC 4271 5.1), the export policy, then staging into the peer's
// Adj-RIB-Out. export_step() turns staged entries into UPDATEs, walks the table for a new
// session and sends End-of-RIB (RFC 4724 2) after it, and honours MRAI and the send queue's
// high-water mark.
#include <algorithm>

#include "engine.h"
#include "peer.h"
#include "vgw/base/log.h"
#include "vgw/bgp/wire/route_refresh.h"

namespace vgw::bgp {

namespace {
constexpr size_t kMaxExportCache = 1u << 18;
}

template <typename Key>
AttrId Engine::export_attr(Peer& to, typename PathTable<Key>::Handle h) {
  using Traits = FamilyTraits<Key>;
  PathTable<Key>& t = table<Key>();
  const Path* best = nullptr;
  t.for_each_path(h, [&](const Path& p) {
    if (p.flags & path_flag::kBest) best = &p;
  });
  if (best == nullptr || best->peer == to.id()) return kNoAttr;  // nothing, or split horizon
  const Peer* from = best->peer == kLocalPeer ? nullptr : peer(best->peer);
  const bool to_external = to.external();
  if (from != nullptr && !from->external() && !to_external) return kNoAttr;  // no reflection
  const AttrSummary& s = attrs_.summary(best->attr);
  if (s.no_advertise || (s.no_export && to_external)) return kNoAttr;
  const bool cacheable = !to.config().export_policy;
  if (cacheable) {
    auto it = to.exp.cache.find(best->attr);
    if (it != to.exp.cache.end()) {
      if (it->second != kNoAttr) attrs_.ref(it->second);
      return it->second;
    }
  }
  AttrId out = kNoAttr;
  wire::PathAttributes& a = export_scratch_;
  std::optional<IpAddress> self = to.self_next_hop(Traits::kFamily);
  IpAddress hop = nexthops_.address(attrs_.nexthop(best->attr));
  bool ok = attrs_.decode(best->attr, a);
  if (ok && to_external && a.as_path.contains(to.remote_as())) ok = false;
  if (ok && to_external) {  // our AS is prepended after the export policy, as FRR does
    a.unset(wire::attr::kLocalPref);
    a.local_pref = 0;
    if (from != nullptr) {
      a.unset(wire::attr::kMultiExitDisc);
      a.med = 0;
    }
    a.unset(wire::attr::kOriginatorId);
    a.originator_id = 0;
    a.unset(wire::attr::kClusterList);
    a.cluster_list.clear();
    ok = self.has_value();
    if (ok) hop = *self;
  } else if (ok) {
    a.set_local_pref(s.local_pref);
    if (from == nullptr || to.config().next_hop_self || hop.is_unspecified()) {
      ok = self.has_value();
      if (ok) hop = *self;
    }
  }
  if (ok) {
    if constexpr (Traits::kIndex == 0) {
      ok = hop.is_v4();
      if (ok) a.set_next_hop(hop.v4_host_order());
    } else {
      ok = hop.is_v6();
      a.unset(wire::attr::kNextHop);
      a.next_hop = 0;
    }
  }
  if (ok && to.config().export_policy) {
    PolicyRoute route{a, 0, {}};
    if constexpr (Traits::kIndex == 1) route.next_hop_v6 = hop;
    const Prefix prefix = Traits::prefix(t.key(h), t.length(h));
    PolicyContext ctx{prefix, to.config().address, to.remote_as(), to_external, self, {}};
    if (from != nullptr) ctx.source_peer = from->config().address;
    ok = to.config().export_policy(ctx, route) == PolicyResult::kAccept;
    if (ok) {
      a = std::move(route.attributes);
      if constexpr (Traits::kIndex == 0) {
        if (a.has(wire::attr::kNextHop)) hop = IpAddress::v4(a.next_hop);
      } else {
        if (route.next_hop_v6 && route.next_hop_v6->is_v6()) hop = *route.next_hop_v6;
      }
    }
  }
  if (ok && to_external) {
    a.as_path.prepend(to.local_as());
    a.set(wire::attr::kAsPath);
  }
  if (ok) out = attrs_.intern(a, hop, 0);
  if (cacheable) {
    if (to.exp.cache.size() >= kMaxExportCache) to.clear_export_cache();
    attrs_.ref(best->attr);
    if (out != kNoAttr) attrs_.ref(out);
    to.exp.cache.emplace(best->attr, out);
  }
  return out;
}

template <typename Key>
void Engine::stage(Peer& to, typename PathTable<Key>::Handle h) {
  PathTable<Key>& t = table<Key>();
  AttrId a = export_attr<Key>(to, h);
  AdjRibOut& out = *to.out;
  if (a == kNoAttr && out.table<Key>().entries.empty()) return;
  out.stage<Key>(t.key(h), t.length(h), a, attrs_);
  if (a != kNoAttr) attrs_.release(a);
  if (out.has_pending()) schedule_work();
}

template <typename Key>
void Engine::fan_out(typename PathTable<Key>::Handle h) {
  constexpr wire::AfiSafi family = FamilyTraits<Key>::kAfiSafi;
  PathTable<Key>& t = table<Key>();
  PeerId best_from = kLocalPeer;
  bool has_best = false;
  t.for_each_path(h, [&](const Path& p) {
    if (p.flags & path_flag::kBest) {
      best_from = p.peer;
      has_best = true;
    }
  });
  // Update groups: peers with the same outbound signature get the same attribute set, so it is
  // evaluated (policy, rewrite, interning) once per group; the peer the best path came from
  // is left to stage() (split horizon).
  group_scratch_.clear();
  for (size_t i = 1; i < peers_.size(); ++i) {
    Peer* p = peers_[i].get();
    if (p == nullptr || !p->established() || !p->exports() || !p->negotiated()->enabled(family)) {
      continue;
    }
    const uint32_t g = export_group(*p);
    if (!has_best || best_from == p->id() || g == 0) {
      ++export_evaluations_;
      stage<Key>(*p, h);
      continue;
    }
    auto it = std::find_if(group_scratch_.begin(), group_scratch_.end(),
                           [&](const auto& e) { return e.first == g; });
    AttrId a;
    if (it != group_scratch_.end()) {
      a = it->second;
      ++export_shared_;
    } else {
      a = export_attr<Key>(*p, h);
      ++export_evaluations_;
      group_scratch_.emplace_back(g, a);
    }
    AdjRibOut& out = *p->out;
    if (a == kNoAttr && out.table<Key>().entries.empty()) continue;
    out.stage<Key>(t.key(h), t.length(h), a, attrs_);
    if (out.has_pending()) schedule_work();
  }
  for (const auto& [g, a] : group_scratch_) {
    if (a != kNoAttr) attrs_.release(a);
  }
}

uint32_t Engine::export_group(Peer& peer) {
  if (peer.export_group != 0) return peer.export_group;
  const PeerConfig& c = peer.config();
  if (c.export_policy && c.export_policy_id.empty()) return 0;  // an anonymous policy: alone
  auto self4 = peer.self_next_hop(Family::kIpv4);
  auto self6 = peer.self_next_hop(Family::kIpv6);
  std::string sig = std::to_string(peer.external()) + "|" + std::to_string(peer.remote_as()) + "|" +
                    std::to_string(peer.local_as()) + "|" + (self4 ? self4->to_string() : "-") + "|" +
                    (self6 ? self6->to_string() : "-") + "|" + std::to_string(c.next_hop_self) + "|" +
                    (c.export_policy ? c.export_policy_id : std::string("-"));
  auto [it, added] = group_ids_.emplace(sig, static_cast<uint32_t>(group_ids_.size() + 1));
  peer.export_group = it->second;
  return it->second;
}

void Engine::on_established(Peer& peer) {
  peer.clear_export_cache();
  peer.export_group = 0;
  peer.out->release_all(attrs_);
  peer.out = std::make_unique<AdjRibOut>();
  peer.exp = Peer::Export{};
  peer.maximum_prefix_exceeded = false;
  peer.maximum_prefix_warned = false;
  peer.eor_received[0] = peer.eor_received[1] = false;
  const session::Negotiated& n = *peer.negotiated();
  // RFC 4724 4.2: stale routes of families the restarted peer no longer preserves go now; the
  // others wait for its End-of-RIB (or the stale timer).
  if (peer.gr_stale_mask != 0) {
    peer.stop_timer(PeerTimer::kRestart);
    unsigned drop = 0;
    for (int fi = 0; fi < 2; ++fi) {
      unsigned bit = 1u << fi;
      if (!(peer.gr_stale_mask & bit)) continue;
      bool keep = false;
      if (n.peer_graceful_restart && n.enabled(family_of_index(fi))) {
        for (const auto& f : n.peer_graceful_restart->families) {
          if (f.family == family_of_index(fi) && f.forwarding_preserved) keep = true;
        }
      }
      if (!keep) drop |= bit;
    }
    if (drop != 0) {
      peer.gr_stale_mask &= ~drop;
      sweep_stale(peer, drop);
    }
    if (peer.gr_stale_mask != 0) peer.start_timer(PeerTimer::kStale, config_.stale_path_time);
  }
  for (int fi = 0; fi < 2; ++fi) peer.exp.eor_pending[fi] = n.enabled(family_of_index(fi));
  peer.exp.walking = peer.exports();
  schedule_work();
}

void Engine::on_session_down(Peer& peer, bool graceful) {
  peer.clear_export_cache();
  peer.export_group = 0;
  peer.out->release_all(attrs_);
  peer.out = std::make_unique<AdjRibOut>();
  peer.exp = Peer::Export{};
  peer.stop_timer(PeerTimer::kMrai);
  peer.stop_timer(PeerTimer::kStale);
  peer.refresh_stale_mask = 0;
  mark_stale(peer, 3);
  if (graceful && peer.negotiated() && peer.negotiated()->peer_graceful_restart &&
      peer.negotiated()->peer_graceful_restart->restart_time > 0) {
    peer.gr_stale_mask = 3;
    peer.start_timer(PeerTimer::kRestart,
                     std::chrono::seconds(peer.negotiated()->peer_graceful_restart->restart_time));
    return;
  }
  peer.gr_stale_mask = 0;
  peer.stop_timer(PeerTimer::kRestart);
  sweep_stale(peer, 3);
}

void Engine::on_route_refresh(Peer& peer, int fi) {
  if (!peer.exports() || peer.exp.walking) return;  // nothing to send, or all of it is coming
  const bool enhanced = peer.negotiated()->enhanced_route_refresh;
  std::vector<uint8_t>* buf = peer.out_buffer();
  if (buf == nullptr) return;
  if (enhanced) {  // RFC 7313 4: BoRR, the routes, EoRR
    wire::serialize_route_refresh({family_of_index(fi), wire::RefreshSubtype::kBegin}, *buf);
    ++peer.counters.sent.route_refresh;
    peer.flush();
    peer.exp.eorr_pending[fi] = true;
  }
  if (fi == 0) {
    peer.out->requeue_all<rib::Ipv4Key>();
  } else {
    peer.out->requeue_all<rib::Ipv6Key>();
  }
  schedule_work();
}

void Engine::soft_reset_out(Peer& peer) {
  if (!peer.established()) return;
  peer.clear_export_cache();
  peer.export_group = 0;
  peer.exp.walking = peer.exports();
  peer.exp.family = 0;
  peer.exp.cursor = 0;
  if (!peer.exports()) {  // everything advertised so far must go
    auto withdraw_all = [&](auto key_tag) {
      using Key = decltype(key_tag);
      auto& t = peer.out->table<Key>().entries;
      std::vector<std::pair<Key, int>> keys;
      t.for_each([&](uint32_t h) { keys.emplace_back(t.key(h), t.length(h)); });
      for (auto& [k, l] : keys) peer.out->stage<Key>(k, l, kNoAttr, attrs_);
    };
    withdraw_all(rib::Ipv4Key{});
    withdraw_all(rib::Ipv6Key{});
  }
  schedule_work();
}

bool Engine::export_step(Peer& peer, size_t budget) {
  if (!peer.established()) return false;
  std::vector<uint8_t>* buf = peer.out_buffer();
  if (buf == nullptr || !peer.writable()) return false;  // on_writable() resumes
  const auto now = clock_.now();
  const auto mrai = std::chrono::milliseconds(peer.config().advertisement_interval_ms);
  if (mrai.count() > 0 && now < peer.exp.next_flush) {
    if (!peer.timer_running(PeerTimer::kMrai)) {
      peer.start_timer(PeerTimer::kMrai, peer.exp.next_flush - now);
    }
    return false;
  }
  const session::Negotiated& n = *peer.negotiated();
  Peer::Export& e = peer.exp;
  if (e.walking) {
    if (e.family == 0) {
      if (n.ipv4_unicast) {
        e.cursor = v4_.walk_from(e.cursor, budget, [&](uint32_t h) { stage<rib::Ipv4Key>(peer, h); });
      }
      if (!n.ipv4_unicast || e.cursor >= v4_.handle_limit()) {
        e.family = 1;
        e.cursor = 0;
      }
    } else {
      if (n.ipv6_unicast) {
        e.cursor = v6_.walk_from(e.cursor, budget, [&](uint32_t h) { stage<rib::Ipv6Key>(peer, h); });
      }
      if (!n.ipv6_unicast || e.cursor >= v6_.handle_limit()) e.walking = false;
    }
  }
  const size_t before = buf->size();
  size_t messages = 0;
  peer.out->flush<rib::Ipv4Key>(budget, attrs_, nexthops_, peer.context(), *buf, &messages);
  peer.out->flush<rib::Ipv6Key>(budget, attrs_, nexthops_, peer.context(), *buf, &messages);
  peer.counters.sent.update += messages;
  if (!e.walking && !peer.out->has_pending()) {
    for (int fi = 0; fi < 2; ++fi) {
      if (e.eor_pending[fi]) {
        wire::write_end_of_rib(family_of_index(fi), *buf);
        ++peer.counters.sent.update;
        e.eor_pending[fi] = false;
      }
      if (e.eorr_pending[fi]) {
        wire::serialize_route_refresh({family_of_index(fi), wire::RefreshSubtype::kEnd}, *buf);
        ++peer.counters.sent.route_refresh;
        e.eorr_pending[fi] = false;
      }
    }
    peer.clear_export_cache();
  }
  if (buf->size() > before) {
    peer.flush();
    if (mrai.count() > 0) e.next_flush = now + mrai;
  }
  return e.walking || peer.out->has_pending();
}

template AttrId Engine::export_attr<rib::Ipv4Key>(Peer&, PathTable<rib::Ipv4Key>::Handle);
template AttrId Engine::export_attr<rib::Ipv6Key>(Peer&, PathTable<rib::Ipv6Key>::Handle);
template void Engine::fan_out<rib::Ipv4Key>(PathTable<rib::Ipv4Key>::Handle);
template void Engine::fan_out<rib::Ipv6Key>(PathTable<rib::Ipv6Key>::Handle);

}  // namespace vgw::bgp
