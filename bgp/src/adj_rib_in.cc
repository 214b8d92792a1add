// The receive path: an UPDATE's withdrawals and announcements into the Adj-RIB-In (the peer's
// paths in the PathTables), with the import rules - RFC 8212 gate, the eBGP first-AS check
// and martian next hops (RFC 4271 6.3), AS path loop detection (RFC 4271 9.1.2), RFC 7606
// treat-as-withdraw, the import policy - and stale path handling
// (graceful restart RFC 4724, enhanced route refresh RFC 7313, peer flushes).
//
// Built for full tables: the attribute set is interned once per UPDATE (one hash lookup), then
// each prefix costs one trie insert, one decision and one RIB add; nothing is allocated per
// prefix unless an import policy edits the attributes.
#include "engine.h"
#include "peer.h"
#include "vgw/base/log.h"

namespace vgw::bgp {

void Engine::receive_update(Peer& peer, const wire::Update& u) {
  PeerCounters& c = peer.counters;
  if (auto eor = u.end_of_rib()) {
    ++c.end_of_rib_received;
    if (*eor != wire::kIpv4Unicast && *eor != wire::kIpv6Unicast) return;
    int fi = family_index(*eor);
    unsigned bit = 1u << fi;
    peer.eor_received[fi] = true;
    // RFC 4724 4.2: End-of-RIB from a restarted peer - what is still stale is gone.
    if (peer.gr_stale_mask & bit) {
      peer.gr_stale_mask &= ~bit;
      sweep_stale(peer, bit);
      if (peer.gr_stale_mask == 0) peer.stop_timer(PeerTimer::kStale);
    }
    return;
  }
  const PeerId id = peer.id();
  c.prefixes_withdrawn += u.withdrawn.size();
  for (const wire::Ipv4Prefix& p : u.withdrawn) withdraw<rib::Ipv4Key>(&peer, id, p.address, p.length);
  if (u.has_mp_unreach) {
    c.prefixes_withdrawn += u.mp_unreach.withdrawn4.size() + u.mp_unreach.withdrawn6.size();
    if (u.mp_unreach.family == wire::kIpv4Unicast) {
      for (const auto& p : u.mp_unreach.withdrawn4) withdraw<rib::Ipv4Key>(&peer, id, p.address, p.length);
    } else if (u.mp_unreach.family == wire::kIpv6Unicast) {
      for (const auto& p : u.mp_unreach.withdrawn6) {
        withdraw<rib::Ipv6Key>(&peer, id, FamilyTraits<rib::Ipv6Key>::key(p), p.length);
      }
    }
  }
  const bool taw = u.treat_as_withdraw();
  if (taw) ++c.treat_as_withdraw;
  if (!u.nlri.empty()) {
    if (taw) {
      for (const auto& p : u.nlri) withdraw<rib::Ipv4Key>(&peer, id, p.address, p.length);
    } else {
      announce<rib::Ipv4Key>(&peer, id, u.nlri, u.attributes, IpAddress::v4(u.attributes.next_hop));
    }
  }
  if (u.has_mp_reach) {
    const wire::MpReach& mp = u.mp_reach;
    if (mp.family == wire::kIpv4Unicast && !mp.nlri4.empty()) {
      if (taw) {
        for (const auto& p : mp.nlri4) withdraw<rib::Ipv4Key>(&peer, id, p.address, p.length);
      } else {
        announce<rib::Ipv4Key>(&peer, id, mp.nlri4, u.attributes, mp.next_hop.global);
      }
    } else if (mp.family == wire::kIpv6Unicast && !mp.nlri6.empty()) {
      if (taw) {
        for (const auto& p : mp.nlri6) {
          withdraw<rib::Ipv6Key>(&peer, id, FamilyTraits<rib::Ipv6Key>::key(p), p.length);
        }
      } else {
        announce<rib::Ipv6Key>(&peer, id, mp.nlri6, u.attributes, mp.next_hop.global);
      }
    }
  }
}

// RFC 4271 6.3: a NEXT_HOP that is the receiving speaker's own address, or that no host can
// have (unspecified, loopback, multicast, class E / limited broadcast, the broadcast address of
// the subnet it is on), is semantically incorrect: the route is ignored, the session stays up.
// Link-local IPv6 next hops are the link-local half of an MP_REACH and are not checked here.
// A loopback next hop is martian unless the session itself runs over loopback (a peer on this
// very host, as in a lab on one machine), where it is the one address that does reach the peer.
// The rule FRR calls its martian next-hop check.
bool Engine::martian_next_hop(const Peer& peer, const IpAddress& hop) const {
  if (hop.is_unspecified() || hop.is_multicast()) return true;
  // Our own address - unless the peer has it too (two speakers on one host, told apart by port).
  if (auto local = peer.local_endpoint();
      local && local->address == hop && peer.config().address != hop) {
    return true;
  }
  if (hop.is_loopback()) {
    return !peer.config().address.is_loopback();
  }
  if (hop.is_v4()) {
    const uint32_t a = hop.v4_host_order();
    if ((a >> 24) == 0 || (a >> 28) == 0xf) return true;  // 0.0.0.0/8, 240.0.0.0/4 (incl. broadcast)
  } else if (hop.is_v4_mapped()) {
    return true;
  }
  if (hop.is_v4()) {
    // The directed broadcast of a connected subnet (a /31 and a /32 have none).
    if (auto via = rib_.lookup(hop); via && via->selected.source == rib::RouteSource::kConnected &&
                                      via->prefix.length() <= 30) {
      const uint32_t host_bits = (uint32_t{1} << (32 - via->prefix.length())) - 1;
      if ((hop.v4_host_order() & host_bits) == host_bits) return true;
    }
  }
  return false;
}

template <typename Key>
void Engine::announce(Peer* peer, PeerId id,
                      std::span<const typename FamilyTraits<Key>::WirePrefix> nlri,
                      const wire::PathAttributes& attrs, const IpAddress& next_hop) {
  using Traits = FamilyTraits<Key>;
  if (peer != nullptr) {
    PeerCounters& c = peer->counters;
    c.prefixes_announced += nlri.size();
    bool refuse = false;
    if (!peer->imports()) {  // RFC 8212
      c.denied_by_policy += nlri.size();
      refuse = true;
    } else if (peer->external() && attrs.as_path.first_asn() != peer->remote_as()) {
      // RFC 4271 6.3 / RFC 7606 7.2: an eBGP path must start with the peer's AS (FRR's and
      // BIRD's enforce-first-as); an empty one cannot. Treat-as-withdraw.
      c.first_as_mismatch += nlri.size();
      refuse = true;
    } else if (attrs.as_path.contains(peer->local_as()) ||
               attrs.as_path.contains(config_.local_as)) {  // RFC 4271 9.1.2
      c.as_path_loops += nlri.size();
      refuse = true;
    } else if (martian_next_hop(*peer, next_hop)) {
      c.martian_next_hop += nlri.size();
      refuse = true;
    }
    if (refuse) {
      for (const auto& p : nlri) withdraw<Key>(peer, id, Traits::key(p), p.length);
      return;
    }
  }
  const uint32_t weight = peer ? peer->config().weight : kLocalRouteWeight;
  if (peer != nullptr && peer->config().import_policy) {
    PolicyRoute route;
    const auto endpoint = peer->local_endpoint();
    const std::optional<IpAddress> local = endpoint ? std::optional<IpAddress>(endpoint->address) : std::nullopt;
    for (const auto& p : nlri) {
      route.attributes = attrs;
      route.weight = weight;
      const Prefix prefix = Traits::prefix(Traits::key(p), p.length);
      PolicyContext ctx{prefix, peer->config().address, peer->remote_as(), peer->external(), local};
      if constexpr (Traits::kIndex == 1) route.next_hop_v6 = next_hop;
      if (peer->config().import_policy(ctx, route) == PolicyResult::kReject) {
        ++peer->counters.denied_by_policy;
        withdraw<Key>(peer, id, Traits::key(p), p.length);
        continue;
      }
      IpAddress hop = next_hop;
      if constexpr (Traits::kIndex == 0) {
        if (route.attributes.has(wire::attr::kNextHop) && route.attributes.next_hop != attrs.next_hop) {
          hop = IpAddress::v4(route.attributes.next_hop);
        }
      } else {
        if (route.next_hop_v6 && route.next_hop_v6->is_v6()) hop = *route.next_hop_v6;
      }
      set_path<Key>(peer, id, Traits::key(p), p.length, attrs_.intern(route.attributes, hop, route.weight));
    }
    return;
  }
  AttrId attr = attrs_.intern(attrs, next_hop, weight);
  for (const auto& p : nlri) {
    attrs_.ref(attr);
    set_path<Key>(peer, id, Traits::key(p), p.length, attr);
  }
  attrs_.release(attr);
}

template <typename Key>
void Engine::set_path(Peer* peer, PeerId id, Key key, int len, AttrId attr) {
  auto r = table<Key>().set(key, len, id, attr);
  if (r.old == attr) {  // unchanged (the stale mark, if any, is cleared)
    attrs_.release(attr);
    return;
  }
  if (r.old == kNoAttr && peer != nullptr) ++peer->accepted[FamilyTraits<Key>::kIndex];
  decide<Key>(r.dest, id, false);
  if (r.old != kNoAttr) attrs_.release(r.old);
}

template <typename Key>
void Engine::withdraw(Peer* peer, PeerId id, Key key, int len) {
  auto h = table<Key>().find(key, len);
  if (h != PathTable<Key>::kNone) withdraw_at<Key>(peer, id, h);
}

template <typename Key>
void Engine::withdraw_at(Peer* peer, PeerId id, typename PathTable<Key>::Handle h) {
  PathTable<Key>& t = table<Key>();
  Path gone = t.remove(h, id);
  if (gone.attr == kNoAttr) return;
  if (peer != nullptr) --peer->accepted[FamilyTraits<Key>::kIndex];
  decide<Key>(h, id, gone.selected());
  attrs_.release(gone.attr);
  t.erase_if_empty(h);
}

void Engine::queue_stale_walk(Peer& peer, bool sweep, unsigned mask) {
  if (mask == 0) return;
  auto& walks = peer.stale_walks;
  if (!walks.empty() && walks.back().sweep == sweep) {
    // The same walk again (marks and sweeps are idempotent): widen it; a walk under way
    // starts over so the families it already passed are covered too.
    walks.back().mask |= mask;
    walks.back().family = 0;
    walks.back().cursor = 0;
  } else {
    walks.push_back({sweep, mask, 0, 0});
  }
  if (!sweep) peer.hold_input(true);
  schedule_work();
}

void Engine::mark_stale(Peer& peer, unsigned mask) { queue_stale_walk(peer, false, mask); }

void Engine::sweep_stale(Peer& peer, unsigned mask) { queue_stale_walk(peer, true, mask); }

void Engine::stale_walk_step(Peer& peer, size_t budget) {
  const PeerId id = peer.id();
  while (!peer.stale_walks.empty() && budget > 0) {
    Peer::StaleWalk& w = peer.stale_walks.front();
    if (w.family > 1) {
      peer.stale_walks.pop_front();
      if (!peer.marking()) peer.hold_input(false);
      continue;
    }
    if (!(w.mask & (1u << w.family))) {
      ++w.family;
      w.cursor = 0;
      continue;
    }
    auto step = [&](auto& t, auto key_tag) {
      using Key = decltype(key_tag);
      size_t visited = 0;
      w.cursor = t.walk_from(w.cursor, budget, [&](uint32_t h) {
        ++visited;
        Path* p = t.find_path(h, id);
        if (p == nullptr) return;
        if (!w.sweep) {
          p->flags |= path_flag::kStale;
        } else if (p->flags & path_flag::kStale) {
          withdraw_at<Key>(&peer, id, h);
        }
      });
      budget -= std::min(budget, std::max<size_t>(visited, 1));
      if (w.cursor >= t.handle_limit()) {
        ++w.family;
        w.cursor = 0;
      }
    };
    if (w.family == 0) {
      step(v4_, rib::Ipv4Key{});
    } else {
      step(v6_, rib::Ipv6Key{});
    }
  }
}

template void Engine::announce<rib::Ipv4Key>(Peer*, PeerId, std::span<const wire::Ipv4Prefix>,
                                             const wire::PathAttributes&, const IpAddress&);
template void Engine::announce<rib::Ipv6Key>(Peer*, PeerId, std::span<const wire::Ipv6Prefix>,
                                             const wire::PathAttributes&, const IpAddress&);
template void Engine::set_path<rib::Ipv4Key>(Peer*, PeerId, rib::Ipv4Key, int, AttrId);
template void Engine::set_path<rib::Ipv6Key>(Peer*, PeerId, rib::Ipv6Key, int, AttrId);
template void Engine::withdraw<rib::Ipv4Key>(Peer*, PeerId, rib::Ipv4Key, int);
template void Engine::withdraw<rib::Ipv6Key>(Peer*, PeerId, rib::Ipv6Key, int);

}  // namespace vgw::bgp
