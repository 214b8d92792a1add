// Configuration of the BGP speaker and of each peer, and the policy hooks.
//
// Policies are plain callbacks (route-maps compile into them: policy.h): an import
// policy sees each received route before it enters the Adj-RIB-In, an export policy each route
// before it enters a peer's Adj-RIB-Out; both may edit the attributes or reject the route.
// RFC 8212: with Config::ebgp_requires_policy (the default, like FRR), an eBGP peer without an
// import policy accepts nothing and one without an export policy is sent nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "vgw/base/ip.h"
#include "vgw/bgp/wire/attributes.h"

namespace vgw::bgp {

// What a policy may read about the route and the peer.
struct PolicyContext {
  const Prefix& prefix;
  const IpAddress& peer_address;  // the peer it came from (import) or goes to (export)
  uint32_t peer_as = 0;
  bool external = false;          // that peer is eBGP
  // Our own address on the session with that peer (export: `set ip next-hop peer-address`
  // uses it). The speaker must fill it; unset, such a set leaves the next-hop alone.
  std::optional<IpAddress> local_address;
  // Export only: the peer the route was learned from; unset for our own routes (networks,
  // redistribution). Import: unset.
  std::optional<IpAddress> source_peer;
};

// What a policy may change: the path attributes (the next-hop of IPv4 routes is
// attributes.next_hop) and the local weight.
struct PolicyRoute {
  wire::PathAttributes attributes;
  uint32_t weight = 0;
  // The next-hop of an IPv6 route (MP_REACH_NLRI global address, RFC 2545 3); unset for IPv4
  // routes, whose next-hop is attributes.next_hop. The speaker must fill it before calling the
  // policy and take it back afterwards (route-maps match and set it); unset, an `ipv6 next-hop`
  // match does not match.
  std::optional<IpAddress> next_hop_v6;
};

enum class PolicyResult : uint8_t { kAccept, kReject };
using Policy = std::function<PolicyResult(const PolicyContext&, PolicyRoute&)>;

struct PeerConfig {
  IpAddress address;
  uint16_t port = 179;           // the peer's port we connect to
  uint32_t remote_as = 0;
  // FRR's `remote-as external` (any AS but ours, learned from the peer's OPEN) and `remote-as
  // internal` (ours); kNumber: remote_as.
  enum class RemoteAs : uint8_t { kNumber, kExternal, kInternal };
  RemoteAs remote_as_kind = RemoteAs::kNumber;
  std::optional<uint32_t> local_as;  // overrides Config::local_as for this session
  std::string description;
  std::string password;          // TCP MD5 (RFC 2385); empty: none. Never logged or shown.
  std::optional<uint8_t> ebgp_multihop;  // TTL for eBGP; unset: 1 (directly connected)
  bool ttl_security = false;     // GTSM (RFC 5082)
  std::optional<IpAddress> source_address;
  bool passive = false;          // only accept connections
  uint16_t hold_time = 90;       // seconds; 0 or >= 3
  uint16_t keepalive_time = 30;  // 0: hold / 3
  uint16_t connect_retry_time = 120;
  uint16_t idle_hold_time = 5;   // wait before reconnecting after an error
  bool shutdown = false;         // administrative shutdown (RFC 8203 message below)
  std::string shutdown_message;
  bool ipv4_unicast = true;
  bool ipv6_unicast = true;
  Policy import_policy;
  Policy export_policy;
  // Names export_policy for update groups: established peers whose outbound treatment is the
  // same (eBGP/iBGP, remote and local AS, our next-hop address, next-hop-self, and this id)
  // share the export evaluation of each change. Empty with an export_policy: never shared.
  std::string export_policy_id;
  std::optional<uint32_t> maximum_prefix;  // accepted prefixes (all families)
  bool maximum_prefix_warning_only = false;
  uint16_t maximum_prefix_restart = 0;  // minutes before reconnecting after a teardown; 0: never
  bool graceful_restart = true;  // act as graceful restart helper (RFC 4724)
  uint32_t weight = 0;           // default weight of routes from this peer
  uint32_t advertisement_interval_ms = 0;  // MRAI (RFC 4271 9.2.1.1)
  bool next_hop_self = false;    // also for iBGP (eBGP always uses next-hop self)
  // Next-hop to send for the family the session's transport does not carry (e.g. IPv6 routes
  // over an IPv4 session). Unset: routes of that family are not sent.
  std::optional<IpAddress> next_hop_v4;
  std::optional<IpAddress> next_hop_v6;
};

// A peer's session changed state (its primary session; a colliding second connection is not
// reported). `reason` is the last error when the session went down.
struct PeerEvent {
  IpAddress address;
  uint8_t from = 0;  // session::State values (fsm.h), kept numeric to keep this header light
  uint8_t to = 0;
  std::string reason;
};

struct Config {
  // Called on the io_context's thread after each state change of a peer's session.
  std::function<void(const PeerEvent&)> on_peer_event;
  uint32_t local_as = 45104;
  uint32_t router_id = 0;  // host order IPv4; must be set
  std::optional<IpAddress> listen_address;  // unset: all addresses, IPv4 and IPv6
  uint16_t listen_port = 179;  // 0: pick a free port (tests)
  bool listen = true;
  bool ebgp_requires_policy = true;  // RFC 8212
  uint16_t maximum_paths = 1;         // eBGP multipath
  uint16_t maximum_paths_ibgp = 1;
  bool multipath_relax = false;       // bestpath as-path multipath-relax
  bool always_compare_med = false;
  uint32_t default_local_pref = 100;
  // Paths whose next-hop has no route in the RIB are not selected (RFC 4271 9.1.2).
  bool nexthop_check = true;
  // The RIB tells the speaker when a route that can resolve next-hops changes
  // (Rib::watch_resolvers), so no periodic re-check is needed; > 0 adds one (and
  // Speaker::nexthops_changed() asks for one at once).
  std::chrono::seconds nexthop_scan_interval{0};
  uint16_t graceful_restart_time = 120;  // advertised in our capability
  std::chrono::seconds stale_path_time{360};  // stale routes kept after the peer is back
  // Work per loop turn: messages read per connection, destinations per table walk step.
  size_t messages_per_turn = 512;
  size_t walk_budget = 20000;
  size_t send_high_water = 4 * 1024 * 1024;
  size_t send_low_water = 1024 * 1024;
};

}  // namespace vgw::bgp
