// The BGP decision process for one destination (RFC 4271 9.1.2.2, with the tie-breakers
// operators expect from FRR/Cisco): pure functions over candidate paths.
//
// Order (first difference decides): next-hop reachable, highest weight, highest LOCAL_PREF,
// locally originated, shortest AS_PATH, lowest ORIGIN, lowest MED (only between paths from the
// same neighbour AS unless always_compare_med), eBGP over iBGP, lowest IGP cost to the
// next-hop, lowest BGP Identifier (ORIGINATOR_ID if reflected), shortest CLUSTER_LIST, lowest
// peer address. Candidates are compared pairwise in a fixed order (by peer address) so the
// outcome does not depend on arrival order even though MED is not transitive.
// Multipath: paths equal to the best down to the IGP cost, of the same kind (eBGP/iBGP), with an
// identical AS_PATH (or, with multipath_relax, one of the same length), up to maximum_paths
// distinct next-hops. Every result records why the best path won: the step and the runner-up.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/bgp/attribute_store.h"
#include "vgw/bgp/path_table.h"

namespace vgw::bgp {

enum class Reason : uint8_t {
  kOnlyPath,
  kReachability,
  kWeight,
  kLocalPref,
  kLocalOrigin,
  kAsPathLength,
  kOrigin,
  kMed,
  kExternal,
  kIgpCost,
  kRouterId,
  kClusterLength,
  kPeerAddress,
  kEqual,  // indistinguishable (same peer) - not expected between distinct paths
};
const char* reason_name(Reason r);  // "AS path length", "MED", ...

struct Candidate {
  const AttrSummary* attrs = nullptr;
  const IpAddress* peer_address = nullptr;  // null for local routes
  AttrId attr = kNoAttr;
  NexthopId nexthop = kNoNexthop;
  uint32_t router_id = 0;  // peer's BGP Identifier (host order)
  uint32_t igp_cost = 0;
  PeerId peer = kLocalPeer;
  bool external = false;  // learned from an eBGP peer
  bool local = false;     // originated by this speaker
  bool reachable = true;
  uint32_t index = 0;     // the caller's reference to the path
};

struct DecisionOptions {
  bool always_compare_med = false;
  bool multipath_relax = false;  // bestpath as-path multipath-relax
  uint16_t maximum_paths = 1;        // eBGP
  uint16_t maximum_paths_ibgp = 1;
};

// Compares two candidates; < 0 when a is better, > 0 when b is, with the deciding step.
int compare(const Candidate& a, const Candidate& b, const DecisionOptions& o, Reason* why);

struct DecisionResult {
  int best = -1;                // index into the candidates, -1 if none is usable
  Reason reason = Reason::kOnlyPath;  // why best beat runner_up
  int runner_up = -1;
  std::vector<int> multipath;   // indices used for forwarding, best first (size >= 1 if best)
};

// The store compares AS paths exactly for multipath (may be null: then multipath requires only
// an equal neighbour AS and length). out is reused by the caller.
void decide(std::span<const Candidate> candidates, const DecisionOptions& o,
            const AttributeStore* store, DecisionResult& out);

// "AS path length 2 < 3 of 10.0.0.2", "MED 10 < 20 of 192.0.2.1", "only path".
std::string explain(const Candidate& winner, const Candidate* loser, Reason r);

}  // namespace vgw::bgp
