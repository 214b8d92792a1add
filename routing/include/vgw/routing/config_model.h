// The gateway's configuration as data: what `show running-config` prints and what the config
// file holds. Pure values with validation and rendering; no I/O, no protocol state.
//
// Every change goes model -> validated copy -> rendered text -> atomic file write -> swap
// (see Gateway), so the model held in memory is always the one on disk.
#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>
#include <string>
#include <string_view>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"
#include "vgw/bgp/policy.h"

namespace vgw::routing {

// What show output prints instead of a secret (pre-shared keys, passwords); refused as a value.
inline constexpr const char* kMaskedSecret = "<hidden>";

struct CustomerGatewayConfig {
  std::string name;
  IpAddress ip_address;
  uint32_t asn = 0;
  std::string description;

  friend bool operator==(const CustomerGatewayConfig&, const CustomerGatewayConfig&) = default;
};

// Forward via a gateway and/or interface, or drop: silently (blackhole, Null0) or with an ICMP
// unreachable (reject), as FRR's static routes.
enum class StaticRouteType : uint8_t { kForward = 0, kBlackhole = 1, kReject = 2 };

// `ip route PREFIX (ADDRESS|IFNAME|ADDRESS IFNAME|blackhole|reject) [distance N] [weight W]`.
// Identified by (prefix, gateway, interface, type, distance); routes of one prefix and distance
// form one ECMP set (a drop route in it drops everything).
struct StaticRouteConfig {
  Prefix prefix;
  std::optional<IpAddress> gateway;
  std::string interface;
  uint8_t distance = 1;
  uint8_t weight = 1;
  StaticRouteType type = StaticRouteType::kForward;

  auto key() const { return std::tie(prefix, gateway, interface, type, distance); }
  friend bool operator<(const StaticRouteConfig& a, const StaticRouteConfig& b) {
    return a.key() < b.key();
  }
  friend bool operator==(const StaticRouteConfig&, const StaticRouteConfig&) = default;
};

// The settings of a BGP neighbor, one per command that sets them: what a peer-group can give
// its members and what a member can set for itself instead.
enum class NeighborSetting : uint8_t {
  kRemoteAs,          // remote_as, remote_as_kind
  kDescription,
  kPassword,
  kEbgpMultihop,
  kTtlSecurity,
  kUpdateSource,
  kPassive,
  kTimers,            // keepalive, hold
  kConnectRetry,
  kBfd,
  kAdvertisementInterval,
  kMaximumPrefix,     // maximum_prefix, its warning_only and restart
  kShutdown,          // shutdown, shutdown_message
  kRouteMapIn,
  kRouteMapOut,
  kNextHopSelf,
  kWeight,
  kIpv4Unicast,       // `neighbor X activate` in address-family ipv4 unicast
  kIpv6Unicast,
  kCount
};
using NeighborSettings = std::bitset<static_cast<size_t>(NeighborSetting::kCount)>;
inline size_t setting_index(NeighborSetting s) { return static_cast<size_t>(s); }

// `neighbor ADDRESS ...` inside `router bgp`.
struct BgpNeighborConfig {
  IpAddress address;
  uint32_t remote_as = 0;
  // `remote-as external` (any AS but ours, learned from the OPEN; remote_as 0) or `internal`.
  enum class RemoteAs : uint8_t { kNumber, kExternal, kInternal };
  RemoteAs remote_as_kind = RemoteAs::kNumber;
  std::string description;
  std::string password;  // secret: masked in show output
  uint8_t ebgp_multihop = 0;
  bool ttl_security = false;
  std::optional<IpAddress> update_source;
  bool passive = false;
  uint16_t keepalive = 30;
  uint16_t hold = 90;
  uint16_t connect_retry = 120;
  bool shutdown = false;
  std::string shutdown_message;
  bool ipv4_unicast = true;
  bool ipv6_unicast = false;
  uint32_t maximum_prefix = 0;
  bool maximum_prefix_warning_only = false;
  uint16_t maximum_prefix_restart = 0;
  std::string route_map_in;   // `neighbor X route-map NAME in` (policies below)
  std::string route_map_out;
  uint16_t advertisement_interval = 0;  // seconds (MRAI)
  bool next_hop_self = false;
  uint32_t weight = 0;
  bool bfd = false;  // `neighbor X bfd`: a BFD session to X; when it fails, the session is reset
  // `neighbor X peer-group NAME`: a member takes every setting the group sets, except those in
  // `own` (set on the member itself; the member's fields outside `own` hold the defaults).
  // Outside a group `own` is empty and every field is the neighbor's own.
  std::string peer_group;
  NeighborSettings own;
  friend bool operator==(const BgpNeighborConfig&, const BgpNeighborConfig&) = default;
};

// `neighbor NAME peer-group` and the `neighbor NAME ...` lines that set its settings, as FRR's
// peer-groups: `set` says which settings the group gives its members (the others' fields hold
// the defaults; `settings.address` is unused).
struct BgpPeerGroupConfig {
  std::string name;
  BgpNeighborConfig settings;
  NeighborSettings set;
  friend bool operator==(const BgpPeerGroupConfig&, const BgpPeerGroupConfig&) = default;
};

// Copies one setting's fields.
void copy_setting(NeighborSetting setting, const BgpNeighborConfig& from, BgpNeighborConfig& to);
// The settings whose fields differ from a new neighbor's defaults (remote-as: set unless 0 and
// a number).
NeighborSettings non_default_settings(const BgpNeighborConfig& neighbor);
// Settings outside `keep` back to their defaults.
void reset_settings_except(BgpNeighborConfig& neighbor, const NeighborSettings& keep);
// The cross-field rules of a neighbor's settings (ttl-security vs ebgp-multihop, keepalive vs
// hold, update-source's family); messages name the API fields, as parse_peer's.
Status check_neighbor(const BgpNeighborConfig& neighbor);

// `router bgp ASN` and its block.
struct BgpConfig {
  uint32_t asn = 0;
  std::optional<IpAddress> router_id;
  bool ebgp_requires_policy = true;
  bool multipath_relax = false;
  uint16_t maximum_paths = 1;
  std::map<IpAddress, BgpNeighborConfig> neighbors;   // as configured (members: own settings)
  std::map<std::string, BgpPeerGroupConfig> peer_groups;  // by name
  std::set<Prefix> networks;
  // `redistribute connected|static` per address family: (family, "connected"|"static").
  std::set<std::pair<Family, std::string>> redistribute;
  friend bool operator==(const BgpConfig&, const BgpConfig&) = default;
};

// The settings a neighbor runs with: its own, then its peer-group's, then the defaults.
BgpNeighborConfig effective_neighbor(const BgpConfig& bgp, const BgpNeighborConfig& neighbor);
// Every member's group exists, every member has a remote-as (its own or its group's, not both)
// and runs with settings that pass check_neighbor. Checked on every change (Gateway::commit).
Status validate_peer_groups(const BgpConfig& bgp);

// `sa (inbound|outbound) spi SPI ALGORITHM key KEY [integrity-key KEY] [esn] [replay-window N]`
// inside a tunnel block: a manually keyed SA. Keys are hex, secrets (masked in show output).
enum class SaDirection : uint8_t { kInbound, kOutbound };
struct TunnelSaConfig {
  SaDirection direction = SaDirection::kOutbound;
  uint32_t spi = 0;
  std::string algorithm;       // a transform name (vgw::esp::parse_transform)
  std::string encryption_key;  // lower-case hex without "0x"
  std::string integrity_key;   // lower-case hex without "0x"; CBC only
  bool esn = false;
  uint32_t replay_window = 0;  // 0: the default (1024)
  friend bool operator==(const TunnelSaConfig&, const TunnelSaConfig&) = default;
};

// The `ike ...` and `esp ...` lines of a tunnel block: its SAs are negotiated with IKEv2
// (RFC 7296) and a pre-shared key instead of being keyed by hand. IKE is on exactly when a
// pre-shared key is set. Empty strings and zeros mean the defaults below.
struct TunnelIkeConfig {
  static constexpr const char* kDefaultIkeProposals =
      "aes256gcm16-prfsha256-curve25519,aes256gcm16-prfsha384-ecp384,aes256-sha256-modp2048,"
      "aes128-sha256-modp2048";
  static constexpr const char* kDefaultEspProposals = "aes256gcm16,aes128gcm16,aes256-sha256,aes128-sha256";
  static constexpr uint32_t kDefaultIkeLifetime = 86400;  // seconds
  static constexpr uint32_t kDefaultEspLifetime = 3600;
  static constexpr uint32_t kDefaultDpdInterval = 10;
  static constexpr uint32_t kDefaultDpdRetries = 3;

  std::string pre_shared_key;  // secret: masked in show output, never in API replies
  std::string local_id;        // "fqdn:vpn.example.com", "email:a@b", an address; empty: local
  std::string remote_id;       // ... or "%any"; empty: remote
  std::string ike_proposals;   // strongSwan keywords, comma separated
  std::string esp_proposals;
  uint32_t ike_lifetime = 0;   // seconds until the IKE SA is rekeyed
  uint32_t esp_lifetime = 0;   // seconds until a Child SA is rekeyed
  // Seconds without a message from the peer before a liveness check; 0 turns checks off.
  std::optional<uint32_t> dpd_interval;
  uint32_t dpd_retries = 0;    // unanswered checks before the peer is declared dead; 0: default
  bool respond_only = false;   // wait for the peer to initiate

  bool enabled() const { return !pre_shared_key.empty(); }
  const std::string& ike_proposals_or_default() const;
  const std::string& esp_proposals_or_default() const;
  uint32_t ike_lifetime_or_default() const { return ike_lifetime ? ike_lifetime : kDefaultIkeLifetime; }
  uint32_t esp_lifetime_or_default() const { return esp_lifetime ? esp_lifetime : kDefaultEspLifetime; }
  uint32_t dpd_interval_or_default() const { return dpd_interval.value_or(kDefaultDpdInterval); }
  uint32_t dpd_retries_or_default() const { return dpd_retries ? dpd_retries : kDefaultDpdRetries; }
  friend bool operator==(const TunnelIkeConfig&, const TunnelIkeConfig&) = default;
};

// `health-check [destination ADDRESS] [source ADDRESS] [interval MS] [retries N] [udp-port N]`
// in a tunnel block: ICMP echo (or UDP) probes through the tunnel; it is down once nothing
// answered for interval x retries. Unset addresses and zeros mean the defaults (health_check_addresses).
struct TunnelHealthCheckConfig {
  static constexpr uint32_t kDefaultIntervalMs = 1000;
  static constexpr uint32_t kMinIntervalMs = 100;
  static constexpr uint32_t kMaxIntervalMs = 60000;
  static constexpr uint32_t kDefaultRetries = 3;
  static constexpr uint32_t kMaxRetries = 100;
  std::optional<IpAddress> destination;  // default: the peer's address of a /30 or /31 inside prefix
  std::optional<IpAddress> source;       // default: the tunnel's inside address
  uint32_t interval_ms = 0;
  uint32_t retries = 0;
  uint16_t udp_port = 0;  // `udp-port N`: UDP probes to that port instead of ICMP echo
  uint32_t interval_ms_or_default() const { return interval_ms ? interval_ms : kDefaultIntervalMs; }
  uint32_t retries_or_default() const { return retries ? retries : kDefaultRetries; }
  friend bool operator==(const TunnelHealthCheckConfig&, const TunnelHealthCheckConfig&) = default;
};

// BFD timers (RFC 5880) in FRR's words and units: milliseconds and a multiplier.
struct BfdTimersConfig {
  static constexpr uint32_t kDefaultIntervalMs = 300;  // FRR's default
  static constexpr uint32_t kMinIntervalMs = 10;
  static constexpr uint32_t kMaxIntervalMs = 60000;
  static constexpr uint32_t kDefaultMultiplier = 3;
  static constexpr uint32_t kMinMultiplier = 2;        // FRR's range
  static constexpr uint32_t kMaxMultiplier = 255;
  uint32_t detect_multiplier = kDefaultMultiplier;
  uint32_t receive_interval_ms = kDefaultIntervalMs;
  uint32_t transmit_interval_ms = kDefaultIntervalMs;
  friend bool operator==(const BfdTimersConfig&, const BfdTimersConfig&) = default;
};
// Checks each field's range; the message names the field (prefix + "detect_multiplier", ...).
Status validate_bfd_timers(const std::string& prefix, const BfdTimersConfig& timers);

// `peer ADDRESS [local-address ADDRESS] [interface IFNAME]` in the `bfd` block and its lines.
// Keyed by (peer, interface). A BGP neighbor with `bfd` uses the peer entry of its address
// without interface when there is one, FRR's defaults when not.
struct BfdPeerConfig {
  IpAddress peer;
  std::string interface;               // "": any (the route decides)
  std::optional<IpAddress> local_address;
  BfdTimersConfig timers;
  bool shutdown = false;               // AdminDown (RFC 5880 6.8.16): clients keep their routes
  auto key() const { return std::make_pair(peer, interface); }
  friend bool operator==(const BfdPeerConfig&, const BfdPeerConfig&) = default;
};

// `tunnel NAME` and its block: a route-based IPsec tunnel interface.
struct TunnelConfig {
  std::string name;
  std::optional<IpAddress> local;
  std::optional<IpAddress> remote;
  std::optional<InterfaceAddress> inside;
  bool udp_encapsulation = true;  // false: bare ESP (IP protocol 50)
  uint32_t mtu = 0;               // 0: derived
  std::string description;
  // In the order configured: the last outbound SA is the active one, as in the dataplane.
  std::vector<TunnelSaConfig> sas;
  TunnelIkeConfig ike;
  std::optional<TunnelHealthCheckConfig> health_check;
  // `bfd [detect-multiplier N] [receive-interval MS] [transmit-interval MS]`: a BFD session
  // between the inside addresses (over the tunnel's interface), a health input of the tunnel;
  // when it fails the tunnel is down and the BGP session over it is reset at once.
  std::optional<BfdTimersConfig> bfd;
  // `shutdown`: administratively down: its routes leave (a drain: the SAs and the interface stay,
  // so what is in flight still arrives), IKE and the health check keep running.
  bool shutdown = false;
  bool complete() const { return local && remote && inside; }
  // The part that defines the interface and outer sockets (changing it recreates the tunnel).
  auto endpoint_key() const { return std::tie(local, remote, inside, udp_encapsulation, mtu); }
  friend bool operator==(const TunnelConfig&, const TunnelConfig&) = default;
};

// `vpn-gateway` block: what kind of cloud gateway this is.
enum class GatewayKind : uint8_t { kVpnGateway, kTransitRouter };
struct VpnGatewayConfig {
  static constexpr uint32_t kDefaultFailbackDelay = 10;  // seconds
  static constexpr uint32_t kMaxFailbackDelay = 3600;
  static constexpr uint32_t kDefaultLocalAsn = 45104;    // the cloud's default
  GatewayKind kind = GatewayKind::kVpnGateway;
  std::optional<uint32_t> failback_delay;
  // `local-asn ASN`: the AS the gateway's BGP sessions with customer gateways use.
  std::optional<uint32_t> local_asn;
  // `router-id A.B.C.D`: the BGP identifier while no `router bgp` block sets one.
  std::optional<IpAddress> router_id;
  // `vpc-network PREFIX`: the networks behind the gateway (the VPC side), advertised over BGP to
  // every connection.
  std::set<Prefix> vpc_networks;
  // `public-address ADDRESS`: the gateway's public (outer) addresses; when any is set, every
  // tunnel of a connection must use one of them as its local address.
  std::set<IpAddress> public_addresses;
  uint32_t failback_delay_or_default() const { return failback_delay.value_or(kDefaultFailbackDelay); }
  uint32_t local_asn_or_default() const { return local_asn.value_or(kDefaultLocalAsn); }
  friend bool operator==(const VpnGatewayConfig&, const VpnGatewayConfig&) = default;
};
const char* gateway_kind_name(GatewayKind kind);  // "vpn-gateway", "transit-router"

// `vpn-connection NAME` and its block: a customer gateway, up to two tunnels with their roles,
// destination routes (weight 100 active, 0 standby).
enum class TunnelRole : uint8_t { kActive, kStandby };
const char* tunnel_role_name(TunnelRole role);  // "active", "standby"
struct VpnConnectionConfig;
// A connection's destination routes: its `route` lines and its remote subnets (weight 100,
// unless a `route` line gives the prefix another weight).
std::map<Prefix, uint8_t> connection_routes(const VpnConnectionConfig& connection);
struct VpnConnectionTunnelConfig {
  std::string tunnel;
  TunnelRole role = TunnelRole::kActive;
  friend bool operator==(const VpnConnectionTunnelConfig&, const VpnConnectionTunnelConfig&) = default;
};
// `bgp [timers KEEPALIVE HOLD]` in a connection block: a BGP session over each tunnel, between
// the two ends of its inside prefix (a /30 or /31), with the customer gateway's ASN.
struct VpnConnectionBgpConfig {
  uint16_t keepalive = 30;
  uint16_t hold = 90;
  friend bool operator==(const VpnConnectionBgpConfig&, const VpnConnectionBgpConfig&) = default;
};
struct VpnConnectionConfig {
  static constexpr size_t kMaxTunnels = 2;
  std::string name;
  std::string customer_gateway;
  std::string description;
  std::vector<VpnConnectionTunnelConfig> tunnels;  // in the order configured
  std::map<Prefix, uint8_t> routes;                // destination routes: prefix -> weight (100 or 0)
  std::optional<VpnConnectionBgpConfig> bgp;
  // `local-subnet PREFIX` / `remote-subnet PREFIX`: policy-based: the tunnels' IKE negotiates
  // these traffic selectors (plus the inside addresses, so health checks and BGP pass) instead
  // of 0.0.0.0/0 and ::/0, and each remote subnet is a destination route of weight 100.
  std::set<Prefix> local_subnets;
  std::set<Prefix> remote_subnets;
  // `no route-propagation`: routes learned over this connection are not advertised to the other
  // connections, nor theirs to it (the VPC networks still are).
  bool route_propagation = true;
  friend bool operator==(const VpnConnectionConfig&, const VpnConnectionConfig&) = default;
};

struct ConfigModel {
  std::map<std::string, CustomerGatewayConfig> customer_gateways;  // by name, ordered
  std::set<StaticRouteConfig> static_routes;
  std::optional<BgpConfig> bgp;
  std::map<std::string, TunnelConfig> tunnels;  // by name
  bgp::policy::PolicySet policies;              // prefix-lists, as-path/community lists, route-maps
  VpnGatewayConfig vpn_gateway;
  std::map<std::string, VpnConnectionConfig> vpn_connections;  // by name
  std::map<std::pair<IpAddress, std::string>, BfdPeerConfig> bfd_peers;  // by (peer, interface)

  friend bool operator==(const ConfigModel&, const ConfigModel&) = default;
};

// Field rules shared by the API and the config loader. Each returns a message naming the field.
Status validate_resource_name(std::string_view field, std::string_view name);
Status validate_description(std::string_view field, std::string_view text);
Result<IpAddress> parse_customer_gateway_ip(std::string_view text);
// An optional unicast address field ("" = unset): tunnel endpoints, health-check addresses.
Result<std::optional<IpAddress>> parse_optional_unicast(const std::string& field, const std::string& text);
// Linux interface names: 1-15 characters, no '/', ':' or white space, not "." or "..".
Status validate_interface_name(std::string_view field, std::string_view name);

// Every tunnel of a connection has one of the gateway's public addresses as its local address
// (when the gateway has any); the error names the tunnel.
Status validate_public_addresses(const ConfigModel& model);

std::string render_static_route(const StaticRouteConfig& route);
// An SPI as show output and the config file write it: "0x00001001".
std::string format_spi(uint32_t spi);
// An IKE SPI as show output, the API and the logs write it: 16 hex digits, as charon does.
std::string format_ike_spi(uint64_t spi);
// The `sa ...` line of a tunnel block (keys as kMaskedSecret unless show_secrets).
std::string render_tunnel_sa(const TunnelSaConfig& sa, bool show_secrets);

// The `ike ...` / `esp ...` lines of a tunnel block, without the leading space.
std::vector<std::string> render_tunnel_ike(const TunnelIkeConfig& ike, bool show_secrets);

// The other address of a point-to-point inside prefix: of a /31 (/127) the other of the two, of a
// /30 (/126) the other host address; none for other lengths or a /30's network/broadcast address.
std::optional<IpAddress> point_to_point_peer(const InterfaceAddress& inside);

// The (source, destination) a tunnel's health check uses: the configured ones, else the inside
// address and the other address of its /30 or /31 (/126, /127). The error names the field.
Result<std::pair<IpAddress, IpAddress>> health_check_addresses(const TunnelConfig& tunnel);
// The `bfd ...` line of a tunnel block, without the leading space.
std::string render_tunnel_bfd(const BfdTimersConfig& timers);
// The BFD session of a tunnel with `bfd`: (local, peer) inside addresses; the error says why
// there is none (no inside prefix, not a /30 or /31).
Result<std::pair<IpAddress, IpAddress>> tunnel_bfd_addresses(const TunnelConfig& tunnel);

// The `health-check ...` line of a tunnel block, without the leading space.
std::string render_health_check(const TunnelHealthCheckConfig& check);

// The configuration in vgwsh's command language, loadable by `vgwd -f`.
std::string render_config(const ConfigModel& model, bool show_secrets);

}  // namespace vgw::routing
