// Gateway: the control-plane object of one vgwd process. It owns the configuration model and
// (as later issues add them) the RIB, the BGP speaker, IKE and the tunnels. Every method runs
// on the control-plane io_context thread; it takes no locks and never blocks except for the
// configuration write that must finish before a change is acknowledged.
//
// Requests arrive as the API's protobuf messages (from gRPC or from the config loader, which
// use the same path) and are answered with a message or an Error carrying the gRPC code.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/rib/rib.h"
#include "vgw/routing/config_model.h"
#include "vgw/routing/kernel_sync.h"
#include "vgw/v1/bfd.pb.h"
#include "vgw/v1/bgp.pb.h"
#include "vgw/v1/ike.pb.h"
#include "vgw/v1/rib.pb.h"
#include "vgw/v1/system.pb.h"
#include "vgw/v1/tunnel.pb.h"
#include "vgw/v1/vpn.pb.h"

namespace boost::asio {
class io_context;
}

namespace vgw::bgp {
class Speaker;
struct PeerConfig;
struct PeerEvent;
}

namespace vgw::routing {

namespace api {
class ServerStream;
}
class IkeDriver;
class BfdDriver;
struct BfdChange;
struct BfdSessionSpec;
struct BgpPlan;
struct ProbeOptions;
struct ConnectionBgpPeer;
struct IkeEventView;
struct HealthChange;
class VpnConnections;
struct VpnTunnelLink;

class Gateway {
 public:
  struct Options {
    std::string config_path;  // where acknowledged changes are persisted; empty = nowhere
  };
  explicit Gateway(Options options);

  ~Gateway();

  // While loading the config file at start-up, changes are applied but not written back
  // (and not logged as "changed" once per line).
  void set_persist(bool on) { persist_ = on; }
  // Connects the RIB to the kernel: interfaces and addresses become connected routes, and
  // (unless options say otherwise) selected routes are programmed into the kernel FIB.
  Status start_kernel(boost::asio::io_context& io, KernelSync::Options options);
  // On shutdown: stop BGP (Cease to every peer), stop programming the kernel and, unless
  // retain, remove vgw's routes from it.
  void stop_kernel(bool retain);

  // SystemService
  Result<v1::GetVersionResponse> get_version(const v1::GetVersionRequest&) const;
  Result<v1::GetRunningConfigResponse> get_running_config(const v1::GetRunningConfigRequest&) const;
  Result<v1::HealthResponse> health(const v1::HealthRequest&) const;
  Result<v1::GetLogResponse> get_log(const v1::GetLogRequest&) const;
  // Probes from the gateway itself (gateway_probe.cc).
  Result<std::unique_ptr<api::ServerStream>> ping(const v1::PingRequest&);
  Result<std::unique_ptr<api::ServerStream>> traceroute(const v1::TracerouteRequest&);

  // VpnService: customer gateways
  Result<v1::CustomerGateway> create_customer_gateway(const v1::CreateCustomerGatewayRequest&);
  Result<v1::DescribeCustomerGatewaysResponse> describe_customer_gateways(
      const v1::DescribeCustomerGatewaysRequest&) const;
  Result<v1::CustomerGateway> modify_customer_gateway(const v1::ModifyCustomerGatewayRequest&);
  Result<v1::DeleteCustomerGatewayResponse> delete_customer_gateway(
      const v1::DeleteCustomerGatewayRequest&);

  // VpnService: the gateway and its connections (gateway_vpn.cc)
  Result<v1::VpnGateway> get_vpn_gateway(const v1::GetVpnGatewayRequest&) const;
  Result<v1::VpnGateway> set_vpn_gateway(const v1::SetVpnGatewayRequest&);
  Result<v1::VpnConnection> create_vpn_connection(const v1::CreateVpnConnectionRequest&);
  Result<v1::DescribeVpnConnectionsResponse> describe_vpn_connections(const v1::DescribeVpnConnectionsRequest&) const;
  Result<v1::VpnConnection> modify_vpn_connection(const v1::ModifyVpnConnectionRequest&);
  Result<v1::DeleteVpnConnectionResponse> delete_vpn_connection(const v1::DeleteVpnConnectionRequest&);

  // RibService
  Result<v1::StaticRoute> create_static_route(const v1::CreateStaticRouteRequest&);
  Result<v1::DescribeStaticRoutesResponse> describe_static_routes(
      const v1::DescribeStaticRoutesRequest&) const;
  Result<v1::DeleteStaticRouteResponse> delete_static_route(const v1::DeleteStaticRouteRequest&);
  Result<std::unique_ptr<api::ServerStream>> list_routes(const v1::ListRoutesRequest&);
  Result<v1::LookupRouteResponse> lookup_route(const v1::LookupRouteRequest&) const;
  Result<std::unique_ptr<api::ServerStream>> watch_routes(const v1::WatchRoutesRequest&);
  Result<v1::GetRouteSummaryResponse> get_route_summary(const v1::GetRouteSummaryRequest&) const;
  Result<v1::ListInterfacesResponse> list_interfaces(const v1::ListInterfacesRequest&) const;

  // BgpService
  Result<v1::Bgp> get_bgp(const v1::GetBgpRequest&) const;
  Result<v1::Bgp> set_bgp(const v1::SetBgpRequest&);
  Result<v1::DeleteBgpResponse> delete_bgp(const v1::DeleteBgpRequest&);
  Result<v1::Peer> add_peer(const v1::AddPeerRequest&);
  Result<v1::Peer> update_peer(const v1::UpdatePeerRequest&);
  Result<v1::DeletePeerResponse> delete_peer(const v1::DeletePeerRequest&);
  Result<std::unique_ptr<api::ServerStream>> list_peer(const v1::ListPeerRequest&);
  Result<v1::ResetPeerResponse> reset_peer(const v1::ResetPeerRequest&);
  Result<v1::PeerGroup> add_peer_group(const v1::AddPeerGroupRequest&);
  Result<v1::PeerGroup> update_peer_group(const v1::UpdatePeerGroupRequest&);
  Result<v1::DeletePeerGroupResponse> delete_peer_group(const v1::DeletePeerGroupRequest&);
  Result<v1::ListPeerGroupsResponse> list_peer_groups(const v1::ListPeerGroupsRequest&) const;
  Result<v1::AddPathResponse> add_path(const v1::AddPathRequest&);
  Result<v1::DeletePathResponse> delete_path(const v1::DeletePathRequest&);
  Result<std::unique_ptr<api::ServerStream>> list_path(const v1::ListPathRequest&);
  Result<std::unique_ptr<api::ServerStream>> watch_event(const v1::WatchEventRequest&);

  // PolicyService
  Result<v1::Policies> get_policies(const v1::GetPoliciesRequest&) const;
  Result<v1::Policies> set_policies(const v1::SetPoliciesRequest&);
  // WatchEvent streams register to receive peer events.
  using PeerEventSink = std::function<void(const v1::PeerEvent&)>;
  uint64_t add_peer_event_sink(PeerEventSink sink);
  void remove_peer_event_sink(uint64_t id);

  // TunnelService
  Result<v1::Tunnel> create_tunnel(const v1::CreateTunnelRequest&);
  Result<v1::Tunnel> update_tunnel(const v1::UpdateTunnelRequest&);
  Result<v1::DeleteTunnelResponse> delete_tunnel(const v1::DeleteTunnelRequest&);
  Result<v1::ListTunnelsResponse> list_tunnels(const v1::ListTunnelsRequest&) const;
  Result<v1::SecurityAssociation> add_sa(const v1::AddSaRequest&);
  Result<v1::DeleteSaResponse> delete_sa(const v1::DeleteSaRequest&);
  Result<v1::ListSasResponse> list_sas(const v1::ListSasRequest&) const;
  Result<std::unique_ptr<api::ServerStream>> watch_tunnels(const v1::WatchTunnelsRequest&);

  // IkeService (gateway_ike.cc)
  Result<v1::ListIkeSasResponse> list_ike_sas(const v1::ListIkeSasRequest&) const;
  Result<v1::InitiateIkeResponse> initiate_ike(const v1::InitiateIkeRequest&);
  Result<v1::TerminateIkeResponse> terminate_ike(const v1::TerminateIkeRequest&);
  Result<v1::RekeyIkeResponse> rekey_ike(const v1::RekeyIkeRequest&);
  Result<std::unique_ptr<api::ServerStream>> watch_ike(const v1::WatchIkeRequest&);
  using IkeEventSink = std::function<void(const v1::IkeEvent&)>;
  uint64_t add_ike_event_sink(IkeEventSink sink);
  void remove_ike_event_sink(uint64_t id);

  // BfdService (gateway_bfd.cc)
  Result<v1::BfdPeer> set_bfd_peer(const v1::SetBfdPeerRequest&);
  Result<v1::DeleteBfdPeerResponse> delete_bfd_peer(const v1::DeleteBfdPeerRequest&);
  Result<v1::ListBfdPeersResponse> list_bfd_peers(const v1::ListBfdPeersRequest&) const;
  Result<std::unique_ptr<api::ServerStream>> watch_bfd(const v1::WatchBfdRequest&);

  const ConfigModel& config() const { return model_; }
  // Makes `next` the configuration in one change (SystemService.ApplyConfig: a batch of lines
  // built on a scratch gateway): validated as a whole, written once, reconciled once. Returns
  // whether anything changed.
  Result<bool> replace_config(ConfigModel next);
  const bgp::Speaker* bgp_speaker() const { return speaker_.get(); }
  rib::Rib& rib() { return rib_; }
  const rib::Rib& rib() const { return rib_; }
  // Every candidate of the prefix as the API shows it, selected first.
  std::vector<v1::Route> describe_routes(const Prefix& prefix, bool selected_only) const;
  // The selected route of a prefix (for Watch events); empty prefix when none.
  v1::Route describe_selected(const Prefix& prefix, const rib::Selected& selected) const;

 private:
  Status check_address_unused(const std::string& name, const IpAddress& ip) const;
  Status check_customer_gateway_unused(const CustomerGatewayConfig& cgw) const;
  // Persists `next` and makes it the running model; on a write error nothing changes.
  Status commit(ConfigModel next);
  // A tunnel's new settings, made in place in the running model (no copy of it: loading N
  // tunnels line by line stays linear), then as commit(); on a refusal nothing changes.
  Status commit_tunnel(TunnelConfig tunnel);
  // What commit() has in common: the model-wide checks and the durable write of `next`.
  Status check_and_persist(const ConfigModel& next);
  // Which parts of the running model a commit changed; reconcile() brings the engines in line.
  struct Changed {
    bool statics = false, tunnels = false, policies = false, vpn = false, connections = false;
  };
  void reconcile(const Changed& changed);
  // Brings the RIB's static routes in line with the config and interface state.
  void sync_static_routes();
  // Applies the BGP plan (router bgp and the connections' sessions) to the speaker, creating,
  // changing or stopping it; `before` is the plan applied so far (null: none).
  void sync_bgp(const BgpPlan* before);
  std::optional<IpAddress> bgp_router_id() const;
  bool bgp_network(const Prefix& prefix) const;  // originated by `network` or `vpc-network`
  // The speaker's view of a session a connection runs (gateway_vpn_bgp.cc).
  struct ConnectionExport;
  bgp::PeerConfig connection_speaker_peer(const ConnectionBgpPeer& peer) const;
  bool refresh_connection_export();  // from bgp_plan_; true when it changed
  // The connection whose session this is, if any.
  const ConnectionBgpPeer* connection_peer(const IpAddress& address) const;
  Status check_not_connection_peer(const IpAddress& address) const;
  // A tunnel of a connection waiting out the fail-back delay stays out of the RIB until then,
  // as does a tunnel that is down. changed: only this tunnel's health changed, so only it and
  // the tunnels entering or leaving the fail-back wait are looked at (not every tunnel: one
  // health change per tunnel while thousands come up); null: all.
  void sync_failback_holds(const std::string* changed = nullptr);
  std::set<std::string> failback_waiting_;  // as sync_failback_holds last applied it
  // Redistribution into BGP (gateway_redistribute.cc).
  struct Redistribution;
  void stop_speaker();  // Cease to all peers; the speaker's and redistribution's state goes
  void sync_redistribution();
  void drain_redistribution();
  void withdraw_network(const Prefix& prefix);
  void publish_peer_event(const bgp::PeerEvent& event);
  void sync_bgp_policies();  // route-maps changed: peers using them get the new ones  // `no network`: unless redistribution covers it
  // Tunnels (gateway_tunnel.cc): the ESP dataplane follows the model's tunnel blocks.
  struct TunnelRuntime;
  void start_tunnels(boost::asio::io_context& io);
  void stop_tunnels();
  void sync_tunnels();
  Status ensure_dataplane();
  Status apply_to_dataplane(const TunnelConfig& tunnel);
  std::optional<std::string> tunnel_interface(const std::string& tunnel) const;
  void watch_dataplane_events();
  void drain_dataplane_events();
  // before: the tunnel's settings so far (null: a new tunnel).
  Status validate_tunnel(const TunnelConfig& tunnel, const TunnelConfig* before) const;
  Result<v1::Tunnel> apply_tunnel(TunnelConfig tunnel, const v1::UpdateTunnelRequest& change, const char* verb);
  Status apply_tunnel_ike(TunnelConfig& tunnel, const v1::UpdateTunnelRequest& change) const;
  // Tunnel health (gateway_health.cc).
  Status apply_tunnel_health(TunnelConfig& tunnel, const v1::UpdateTunnelRequest& change) const;
  Status validate_tunnel_health(const TunnelConfig& tunnel) const;
  void sync_tunnel_health(const TunnelConfig& tunnel);
  void forget_tunnel_health(const std::string& tunnel, const std::string& interface_name);
  void refresh_tunnel_keys(const std::string& tunnel);
  void refresh_tunnel_bgp(const TunnelConfig& tunnel);
  void refresh_tunnels_bgp();
  // gateway_probe.cc: a probe's destination, source and interface (a tunnel's name: its TUN).
  Result<ProbeOptions> probe_target(const std::string& destination, const std::string& source,
                                    const std::string& interface) const;
  void on_peer_state_for_health(const IpAddress& peer);
  void on_tunnel_health(const HealthChange& change);
  void describe_health(const std::string& tunnel, v1::TunnelState& state) const;
  // BFD (gateway_bfd.cc): the sessions the bfd block, BGP neighbors and tunnels want.
  std::vector<BfdSessionSpec> bfd_wanted() const;
  void sync_bfd();
  void stop_bfd();
  void on_bfd_change(const BfdChange& change);
  Status apply_tunnel_bfd(TunnelConfig& tunnel, const v1::UpdateTunnelRequest& change) const;
  // Connections (gateway_vpn.cc).
  void sync_vpn(const std::string* health_changed = nullptr);
  VpnTunnelLink tunnel_link(const std::string& tunnel) const;
  Status validate_vpn_connection(const VpnConnectionConfig& connection) const;
  void describe_connection_bgp(const VpnConnectionConfig& connection, const std::string& tunnel,
                               v1::VpnConnectionTunnel& out) const;
  v1::VpnConnection describe_vpn_connection(const VpnConnectionConfig& connection) const;
  void sync_tunnel_ike(const TunnelConfig& tunnel);
  // (local, remote) traffic selectors a tunnel negotiates (policy-based connections); empty: any.
  std::pair<std::vector<Prefix>, std::vector<Prefix>> tunnel_selectors(const TunnelConfig& tunnel) const;
  Result<IkeDriver*> running_ike(const std::string& tunnel) const;
  void publish_ike_event(const IkeEventView& event);
  v1::Tunnel describe_tunnel(const TunnelConfig& tunnel) const;
  v1::SecurityAssociation describe_sa(const TunnelConfig& tunnel, const TunnelSaConfig& sa) const;
  Result<v1::Peer> describe_peer(const IpAddress& address) const;
  v1::PeerGroup describe_peer_group(const BgpPeerGroupConfig& group) const;
  // Makes `n` a member of `group` with `own` as its own settings (NOT_FOUND: no such group).
  Status join_peer_group(BgpNeighborConfig& n, const std::string& group, NeighborSettings own) const;
  // The address of a configured peer, or the error naming the field.
  Result<IpAddress> configured_peer(const std::string& field, const std::string& text) const;

  Options options_;
  ConfigModel model_;
  bool persist_ = true;
  uint64_t changes_ = 0;  // persisted changes since start
  std::string persist_problem_;
  std::chrono::steady_clock::time_point started_;

  rib::Rib rib_;
  std::unique_ptr<KernelSync> kernel_;
  // Static routes as given to the RIB: (prefix, distance) -> members.
  std::map<std::pair<Prefix, uint8_t>, std::vector<rib::Nexthop>> static_applied_;
  boost::asio::io_context* io_ = nullptr;  // set once protocols start
  std::unique_ptr<bgp::Speaker> speaker_;  // declared after rib_: destroyed before it
  std::unique_ptr<BgpPlan> bgp_plan_;      // as applied to the speaker; null: no BGP
  std::shared_ptr<const ConnectionExport> connection_export_;  // what the connections' policies read
  std::string bgp_problem_;
  std::unique_ptr<TunnelRuntime> tunnels_;  // the dataplane, once start_kernel ran
  std::unique_ptr<Redistribution> redistribution_;
  std::unique_ptr<VpnConnections> vpn_;  // after rib_: destroyed before it
  std::unique_ptr<BfdDriver> bfd_;       // once protocols start (start_kernel), until stop_kernel
  std::map<uint64_t, std::function<void(const v1::BfdEvent&)>> bfd_event_sinks_;
  std::map<uint64_t, PeerEventSink> peer_event_sinks_;
  std::map<uint64_t, IkeEventSink> ike_event_sinks_;
  std::map<uint64_t, std::function<void(const v1::TunnelEvent&)>> tunnel_event_sinks_;
  uint64_t next_sink_id_ = 1;
  uint64_t policy_version_ = 0;
};

}  // namespace vgw::routing
