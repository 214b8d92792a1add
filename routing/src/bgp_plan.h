// What the BGP speaker should run, derived from the whole model: the `router bgp` block and the
// sessions that `vpn-connection` blocks with `bgp` run over their tunnels. Pure data, no I/O;
// the Gateway applies the difference between two plans to the speaker (gateway_bgp.cc).
//
// A connection with `bgp` runs one eBGP session per tunnel, between the two ends of the tunnel's
// inside prefix (a /30 or /31, /126 or /127), with the customer gateway's ASN as remote AS and the
// vpn-gateway's local ASN (default 45104) as ours. The speaker runs while `router bgp` exists or
// any connection has `bgp`; its AS is router bgp's if that exists (the connection sessions then
// use the vpn-gateway's local ASN as their local-as), else the local ASN.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "vgw/base/ip.h"
#include "vgw/bgp/config.h"
#include "vgw/routing/config_model.h"

namespace vgw::routing {

// A session a connection runs over one of its tunnels.
struct ConnectionBgpPeer {
  std::string connection;
  std::string tunnel;
  TunnelRole role = TunnelRole::kActive;
  bool route_propagation = true;
  // address: the far end of the inside prefix; update_source: ours; remote_as: the customer
  // gateway's; timers from the connection's `bgp` line.
  BgpNeighborConfig neighbor;
  uint32_t local_as = 0;
  friend bool operator==(const ConnectionBgpPeer&, const ConnectionBgpPeer&) = default;
};

struct BgpPlan {
  uint32_t asn = 0;
  std::optional<IpAddress> router_id;  // configured; unset: the highest IPv4 address
  bool ebgp_requires_policy = true;
  bool multipath_relax = false;
  uint16_t maximum_paths = 1;
  std::map<IpAddress, BgpNeighborConfig> neighbors;          // router bgp's
  std::map<IpAddress, ConnectionBgpPeer> connection_peers;   // the connections'
  std::set<Prefix> networks;                                 // router bgp's and the VPC networks
  std::set<std::pair<Family, std::string>> redistribute;     // router bgp's
  GatewayKind kind = GatewayKind::kVpnGateway;

  // A change of these restarts the speaker (every session resets, as FRR's do when the
  // router-id changes); the other global settings change in place (sync_bgp).
  auto identity() const { return std::tie(asn, router_id); }
  // Every session's address, router bgp's and the connections'.
  std::set<IpAddress> peer_addresses() const;
  friend bool operator==(const BgpPlan&, const BgpPlan&) = default;
};

// A transit router spreads a connection's routes over both tunnels: its speaker keeps at least
// this many equal paths, whatever `maximum-paths` says.
inline constexpr uint16_t kTransitRouterPaths = 2;
// A connection's session retries a failed connect after its keepalive interval, at most this
// many seconds (the tunnel under it may just have come up).
inline constexpr uint16_t kConnectionConnectRetryMax = 10;

// The plan of a model; none when BGP has nothing to run.
std::optional<BgpPlan> plan_bgp(const ConfigModel& model);

// The session a connection would run over a tunnel, or why it cannot (the message names the
// tunnel and what is missing). The customer gateway must exist.
Result<ConnectionBgpPeer> connection_bgp_peer(const ConfigModel& model, const VpnConnectionConfig& connection,
                                              const VpnConnectionTunnelConfig& tunnel);

// Every connection with bgp can run its sessions in `model`: a customer gateway with an ASN other
// than the local one, tunnels with a /30 or /31 inside, no session that is also a router bgp
// neighbor. Checked on every change (Gateway::commit), so no change can break a connection's BGP.
Status validate_connections_bgp(const ConfigModel& model);

// A neighbor's session settings as the speaker takes them, without its policies (gateway_bgp.cc).
bgp::PeerConfig speaker_peer_config(const BgpNeighborConfig& neighbor);

}  // namespace vgw::routing
