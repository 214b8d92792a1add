// BGP best path and multipath selection (see decision.h).
#include "vgw/bgp/decision.h"

#include <algorithm>
#include <array>

namespace vgw::bgp {
namespace {

const char* origin_name(wire::Origin o) {
  switch (o) {
    case wire::Origin::kIgp: return "IGP";
    case wire::Origin::kEgp: return "EGP";
    case wire::Origin::kIncomplete: return "incomplete";
  }
  return "?";
}

std::string ipv4_text(uint32_t v) { return IpAddress::v4(v).to_string(); }

// Lower is better for each step's key, so each step returns a - b style comparisons.
template <typename T>
int cmp_low(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

uint32_t effective_router_id(const Candidate& c) {
  return c.attrs->originator_id != 0 ? c.attrs->originator_id : c.router_id;
}

bool peer_address_less(const Candidate& a, const Candidate& b) {
  if (a.local != b.local) return a.local;
  if (a.peer_address == nullptr || b.peer_address == nullptr) return a.peer < b.peer;
  if (*a.peer_address != *b.peer_address) return *a.peer_address < *b.peer_address;
  return a.peer < b.peer;
}

}  // namespace

const char* reason_name(Reason r) {
  switch (r) {
    case Reason::kOnlyPath: return "only path";
    case Reason::kReachability: return "next-hop reachability";
    case Reason::kWeight: return "weight";
    case Reason::kLocalPref: return "local preference";
    case Reason::kLocalOrigin: return "locally originated";
    case Reason::kAsPathLength: return "AS path length";
    case Reason::kOrigin: return "origin";
    case Reason::kMed: return "MED";
    case Reason::kExternal: return "eBGP over iBGP";
    case Reason::kIgpCost: return "IGP cost";
    case Reason::kRouterId: return "router ID";
    case Reason::kClusterLength: return "cluster list length";
    case Reason::kPeerAddress: return "peer address";
    case Reason::kEqual: return "equal";
  }
  return "?";
}

int compare(const Candidate& a, const Candidate& b, const DecisionOptions& o, Reason* why) {
  auto decided = [&](Reason r, int c) {
    if (why) *why = r;
    return c;
  };
  const AttrSummary& x = *a.attrs;
  const AttrSummary& y = *b.attrs;
  if (a.reachable != b.reachable) return decided(Reason::kReachability, a.reachable ? -1 : 1);
  if (x.weight != y.weight) return decided(Reason::kWeight, x.weight > y.weight ? -1 : 1);
  if (x.local_pref != y.local_pref) {
    return decided(Reason::kLocalPref, x.local_pref > y.local_pref ? -1 : 1);
  }
  if (a.local != b.local) return decided(Reason::kLocalOrigin, a.local ? -1 : 1);
  if (int c = cmp_low(x.path_length, y.path_length)) return decided(Reason::kAsPathLength, c);
  if (int c = cmp_low(static_cast<int>(x.origin), static_cast<int>(y.origin))) {
    return decided(Reason::kOrigin, c);
  }
  // RFC 4271 9.1.2.2 c: MED only between routes from the same neighbouring AS.
  if (o.always_compare_med || x.neighbor_as == y.neighbor_as) {
    if (int c = cmp_low(x.med, y.med)) return decided(Reason::kMed, c);
  }
  if (a.external != b.external) return decided(Reason::kExternal, a.external ? -1 : 1);
  if (int c = cmp_low(a.igp_cost, b.igp_cost)) return decided(Reason::kIgpCost, c);
  if (int c = cmp_low(effective_router_id(a), effective_router_id(b))) {
    return decided(Reason::kRouterId, c);
  }
  if (int c = cmp_low(x.cluster_length, y.cluster_length)) {
    return decided(Reason::kClusterLength, c);
  }
  if (a.peer_address && b.peer_address && *a.peer_address != *b.peer_address) {
    return decided(Reason::kPeerAddress, *a.peer_address < *b.peer_address ? -1 : 1);
  }
  return decided(Reason::kEqual, 0);
}

void decide(std::span<const Candidate> c, const DecisionOptions& o, const AttributeStore* store,
            DecisionResult& out) {
  out.best = -1;
  out.runner_up = -1;
  out.reason = Reason::kOnlyPath;
  out.multipath.clear();
  if (c.empty()) return;
  if (c.size() == 1) {
    if (!c[0].reachable) return;
    out.best = 0;
    out.multipath.push_back(0);
    return;
  }
  // A fixed order (by peer address) makes pairwise MED comparisons order-independent.
  thread_local std::vector<int> order;
  order.resize(c.size());
  for (size_t i = 0; i < c.size(); ++i) order[i] = static_cast<int>(i);
  std::sort(order.begin(), order.end(),
            [&](int a, int b) { return peer_address_less(c[a], c[b]); });
  int best = order[0];
  for (size_t k = 1; k < order.size(); ++k) {
    if (compare(c[order[k]], c[best], o, nullptr) < 0) best = order[k];
  }
  if (!c[best].reachable) return;
  out.best = best;
  int runner = -1;
  for (int i : order) {
    if (i == best) continue;
    if (runner < 0 || compare(c[i], c[runner], o, nullptr) < 0) runner = i;
  }
  out.runner_up = runner;
  if (runner >= 0) compare(c[best], c[runner], o, &out.reason);

  // Multipath.
  out.multipath.push_back(best);
  const Candidate& b = c[best];
  size_t limit = b.external ? o.maximum_paths : o.maximum_paths_ibgp;
  if (limit <= 1 || b.local) return;
  std::span<const uint8_t> best_path = store ? store->as_path_bytes(b.attr) : std::span<const uint8_t>{};
  for (int i : order) {
    if (out.multipath.size() >= limit) break;
    if (i == best) continue;
    const Candidate& x = c[i];
    if (!x.reachable || x.local || x.external != b.external) continue;
    Reason r = Reason::kEqual;
    compare(b, x, o, &r);
    if (r < Reason::kRouterId) continue;  // differs at or before the IGP cost
    if (!o.multipath_relax) {
      if (store) {
        std::span<const uint8_t> p = store->as_path_bytes(x.attr);
        if (!std::equal(p.begin(), p.end(), best_path.begin(), best_path.end())) continue;
      } else if (x.attrs->neighbor_as != b.attrs->neighbor_as) {
        continue;
      }
    }
    bool same_nexthop = false;
    for (int m : out.multipath) same_nexthop |= c[m].nexthop == x.nexthop;
    if (same_nexthop) continue;
    out.multipath.push_back(i);
  }
}

std::string explain(const Candidate& w, const Candidate* l, Reason r) {
  if (l == nullptr) return "only path";
  std::string of = l->peer_address ? " of " + l->peer_address->to_string() : " of local route";
  const AttrSummary& x = *w.attrs;
  const AttrSummary& y = *l->attrs;
  auto n = [](uint64_t v) { return std::to_string(v); };
  switch (r) {
    case Reason::kOnlyPath: return "only path";
    case Reason::kReachability: return "next-hop reachable, unreachable" + of;
    case Reason::kWeight: return "weight " + n(x.weight) + " > " + n(y.weight) + of;
    case Reason::kLocalPref:
      return "local preference " + n(x.local_pref) + " > " + n(y.local_pref) + of;
    case Reason::kLocalOrigin: return "locally originated over learned" + of;
    case Reason::kAsPathLength:
      return "AS path length " + n(x.path_length) + " < " + n(y.path_length) + of;
    case Reason::kOrigin:
      return std::string("origin ") + origin_name(x.origin) + " < " + origin_name(y.origin) + of;
    case Reason::kMed: return "MED " + n(x.med) + " < " + n(y.med) + of;
    case Reason::kExternal: return "eBGP over iBGP" + of;
    case Reason::kIgpCost: return "IGP cost " + n(w.igp_cost) + " < " + n(l->igp_cost) + of;
    case Reason::kRouterId:
      return "router ID " + ipv4_text(effective_router_id(w)) + " < " +
             ipv4_text(effective_router_id(*l)) + of;
    case Reason::kClusterLength:
      return "cluster list length " + n(x.cluster_length) + " < " + n(y.cluster_length) + of;
    case Reason::kPeerAddress:
      return "peer address " + (w.peer_address ? w.peer_address->to_string() : "local") + " < " +
             (l->peer_address ? l->peer_address->to_string() : "local");
    case Reason::kEqual: return "equal to" + of;
  }
  return "";
}

}  // namespace vgw::bgp
