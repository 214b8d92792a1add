// What the speaker reports for `show bgp ...` and the BgpService API: peer state with counters,
// negotiated capabilities and the last error; Adj-RIB-In/Out routes; Loc-RIB paths with the
// reason the best one won.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "vgw/base/clock.h"
#include "vgw/base/ip.h"
#include "vgw/bgp/session/fsm.h"
#include "vgw/bgp/wire/attributes.h"

namespace vgw::bgp {

struct MessageCounters {
  uint64_t open = 0;
  uint64_t update = 0;
  uint64_t notification = 0;
  uint64_t keepalive = 0;
  uint64_t route_refresh = 0;
  uint64_t total() const { return open + update + notification + keepalive + route_refresh; }
};

struct PeerCounters {
  MessageCounters sent;
  MessageCounters received;
  uint64_t prefixes_announced = 0;   // NLRI received (announcements)
  uint64_t prefixes_withdrawn = 0;   // withdrawals received
  uint64_t denied_by_policy = 0;     // announcements rejected by import policy or RFC 8212
  uint64_t as_path_loops = 0;        // announcements carrying our AS
  uint64_t first_as_mismatch = 0;    // eBGP announcements whose AS_PATH does not start with the
                                     // peer's AS (RFC 4271 6.3, RFC 7606 7.2: treat-as-withdraw)
  uint64_t martian_next_hop = 0;     // announcements ignored for their NEXT_HOP (RFC 4271 6.3)
  uint64_t treat_as_withdraw = 0;    // UPDATEs handled as withdrawals (RFC 7606)
  uint64_t attribute_discards = 0;   // attributes dropped (RFC 7606)
  uint64_t end_of_rib_received = 0;
  uint64_t connect_attempts = 0;
  uint64_t connections_accepted = 0;
  uint64_t connections_rejected = 0;  // incoming connections refused (collision, state)
  uint64_t collisions = 0;           // connection collisions resolved (RFC 4271 6.8)
  uint32_t established = 0;          // sessions that reached Established, whichever connection won
  Clock::TimePoint last_down{};      // when an Established session last went down
};

struct NegotiatedView {
  uint16_t hold_time = 0;
  uint16_t keepalive_time = 0;
  bool four_octet_as = false;
  bool ipv4_unicast = false;
  bool ipv6_unicast = false;
  bool route_refresh = false;
  bool enhanced_route_refresh = false;
  bool graceful_restart = false;  // both sides advertised it (we are the peer's helper)
  uint16_t peer_restart_time = 0;
};

struct PeerStatus {
  IpAddress address;
  uint16_t port = 179;
  std::string description;
  uint32_t remote_as = 0;
  uint32_t local_as = 0;
  bool external = true;
  session::State state = session::State::kIdle;
  Clock::TimePoint state_since{};
  uint32_t remote_id = 0;  // last known BGP Identifier, host order
  std::optional<IpAddress> local_address;
  uint16_t local_port = 0;
  uint16_t remote_port = 0;
  std::optional<NegotiatedView> negotiated;  // while OpenConfirm / Established
  PeerCounters counters;
  uint32_t established_transitions = 0;
  size_t accepted_ipv4 = 0;  // paths in the Adj-RIB-In
  size_t accepted_ipv6 = 0;
  size_t stale = 0;          // of which stale (graceful restart, flush in progress)
  size_t advertised_ipv4 = 0;  // prefixes in the Adj-RIB-Out
  size_t advertised_ipv6 = 0;
  size_t send_queue_bytes = 0;
  session::LastError last_error;
  std::string connect_error;     // last failed connection attempt, if any
  bool admin_shutdown = false;
  bool maximum_prefix_exceeded = false;
  bool graceful_restart_helping = false;  // holding the peer's routes as stale
  bool end_of_rib_ipv4 = false;  // End-of-RIB received in this session
  bool end_of_rib_ipv6 = false;
  bool policy_blocks_import = false;  // RFC 8212: eBGP without import policy
  bool policy_blocks_export = false;
};

// A route in an Adj-RIB-In or Adj-RIB-Out.
struct RouteView {
  Prefix prefix;
  wire::PathAttributes attributes;
  IpAddress next_hop;
  uint32_t weight = 0;
  bool best = false;   // Adj-RIB-In: this path is the Loc-RIB best
  bool stale = false;
};

// A path of a destination in the Loc-RIB.
struct PathView {
  Prefix prefix;
  std::optional<IpAddress> peer;  // none: originated by this speaker
  uint32_t peer_as = 0;
  wire::PathAttributes attributes;
  IpAddress next_hop;
  uint32_t weight = 0;
  uint32_t local_pref = 0;  // effective (default applied)
  uint32_t igp_cost = 0;
  bool reachable = true;
  bool best = false;
  bool multipath = false;
  bool stale = false;
  bool external = false;
  // For the best path: why it won ("AS path length 2 < 3 of 10.0.0.2"); for the others: why
  // the best path beat it.
  std::string reason;
};

struct SpeakerStats {
  size_t destinations_ipv4 = 0;
  size_t destinations_ipv6 = 0;
  size_t attribute_sets = 0;
  size_t nexthops = 0;
  size_t memory_bytes = 0;  // path tables + attribute store (the RIB counts its own)
  // Update groups: export evaluations of changed destinations, and the peers that reused one
  // made for another peer of their group instead of evaluating again.
  uint64_t export_evaluations = 0;
  uint64_t export_shared = 0;
  size_t update_groups = 0;  // distinct outbound signatures among established peers
};

}  // namespace vgw::bgp
