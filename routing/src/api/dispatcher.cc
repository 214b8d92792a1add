#include "vgw/routing/api/dispatcher.h"

#include <google/protobuf/descriptor.h>

#include <cstdio>
#include <cstdlib>

#include "vgw/routing/api/methods.h"

namespace vgw::routing::api {

namespace {

// The method's descriptor, or a fatal error: a path that does not match the .proto files is a
// programming error that must not reach users.
const google::protobuf::MethodDescriptor* method_descriptor(std::string_view path) {
  auto* pool = google::protobuf::DescriptorPool::generated_pool();
  auto slash = path.rfind('/');
  if (path.size() < 2 || path[0] != '/' || slash == 0 || slash == std::string_view::npos) {
    return nullptr;
  }
  auto* service = pool->FindServiceByName(std::string(path.substr(1, slash - 1)));
  return service ? service->FindMethodByName(std::string(path.substr(slash + 1))) : nullptr;
}

}  // namespace

template <typename Req, typename Resp>
void Dispatcher::check(const char* path, bool streaming) const {
  auto* md = method_descriptor(path);
  if (!md || md->input_type() != Req::descriptor() || md->output_type() != Resp::descriptor() ||
      md->client_streaming() || md->server_streaming() != streaming) {
    std::fprintf(stderr, "vgw: API method %s does not match the .proto files\n", path);
    std::abort();
  }
}

template <typename Req, typename Resp, typename Fn>
void Dispatcher::add_stream(const char* path, Fn fn) {
  check<Req, Resp>(path, true);
  Method m;
  m.request_prototype = &Req::default_instance();
  m.open_stream = [fn](Gateway& gw, const Message& req) -> Result<std::unique_ptr<ServerStream>> {
    return fn(gw, static_cast<const Req&>(req));
  };
  methods_[path] = std::move(m);
}

template <typename Req, typename Resp, typename Fn>
void Dispatcher::add(const char* path, Fn fn) {
  check<Req, Resp>(path, false);
  methods_[path] = Method{
      &Req::default_instance(),
      [fn](Gateway& gw, const Message& req) -> Result<std::unique_ptr<Message>> {
        Result<Resp> r = fn(gw, static_cast<const Req&>(req));
        if (!r) return fail(r.error());
        return std::unique_ptr<Message>(std::make_unique<Resp>(std::move(*r)));
      },
      {}};
}

Dispatcher::Dispatcher(ConfigApplier applier) {
  add<v1::ApplyConfigRequest, v1::ApplyConfigResponse>(
      kApplyConfig, [applier](Gateway& gw, const auto& r) -> Result<v1::ApplyConfigResponse> {
        if (!applier) return fail(Error{ErrorCode::kUnimplemented, "this server does not apply configuration text"});
        return applier(gw, r);
      });
  add<v1::GetVersionRequest, v1::GetVersionResponse>(
      kGetVersion, [](Gateway& gw, const auto& r) { return gw.get_version(r); });
  add_stream<v1::PingRequest, v1::PingReply>(kPing, [](Gateway& gw, const auto& r) { return gw.ping(r); });
  add_stream<v1::TracerouteRequest, v1::TracerouteHop>(
      kTraceroute, [](Gateway& gw, const auto& r) { return gw.traceroute(r); });
  add<v1::GetRunningConfigRequest, v1::GetRunningConfigResponse>(
      kGetRunningConfig, [](Gateway& gw, const auto& r) { return gw.get_running_config(r); });
  add<v1::HealthRequest, v1::HealthResponse>(
      kHealth, [](Gateway& gw, const auto& r) { return gw.health(r); });
  add<v1::GetLogRequest, v1::GetLogResponse>(kGetLog, [](Gateway& gw, const auto& r) { return gw.get_log(r); });

  add<v1::CreateCustomerGatewayRequest, v1::CustomerGateway>(
      kCreateCustomerGateway,
      [](Gateway& gw, const auto& r) { return gw.create_customer_gateway(r); });
  add<v1::DescribeCustomerGatewaysRequest, v1::DescribeCustomerGatewaysResponse>(
      kDescribeCustomerGateways,
      [](Gateway& gw, const auto& r) { return gw.describe_customer_gateways(r); });
  add<v1::ModifyCustomerGatewayRequest, v1::CustomerGateway>(
      kModifyCustomerGateway,
      [](Gateway& gw, const auto& r) { return gw.modify_customer_gateway(r); });
  add<v1::DeleteCustomerGatewayRequest, v1::DeleteCustomerGatewayResponse>(
      kDeleteCustomerGateway,
      [](Gateway& gw, const auto& r) { return gw.delete_customer_gateway(r); });
  add<v1::GetVpnGatewayRequest, v1::VpnGateway>(kGetVpnGateway,
                                                 [](Gateway& gw, const auto& r) { return gw.get_vpn_gateway(r); });
  add<v1::SetVpnGatewayRequest, v1::VpnGateway>(kSetVpnGateway,
                                                 [](Gateway& gw, const auto& r) { return gw.set_vpn_gateway(r); });
  add<v1::CreateVpnConnectionRequest, v1::VpnConnection>(
      kCreateVpnConnection, [](Gateway& gw, const auto& r) { return gw.create_vpn_connection(r); });
  add<v1::DescribeVpnConnectionsRequest, v1::DescribeVpnConnectionsResponse>(
      kDescribeVpnConnections, [](Gateway& gw, const auto& r) { return gw.describe_vpn_connections(r); });
  add<v1::ModifyVpnConnectionRequest, v1::VpnConnection>(
      kModifyVpnConnection, [](Gateway& gw, const auto& r) { return gw.modify_vpn_connection(r); });
  add<v1::DeleteVpnConnectionRequest, v1::DeleteVpnConnectionResponse>(
      kDeleteVpnConnection, [](Gateway& gw, const auto& r) { return gw.delete_vpn_connection(r); });

  add_stream<v1::ListRoutesRequest, v1::ListRoutesResponse>(
      kListRoutes, [](Gateway& gw, const auto& r) { return gw.list_routes(r); });
  add<v1::LookupRouteRequest, v1::LookupRouteResponse>(
      kLookupRoute, [](Gateway& gw, const auto& r) { return gw.lookup_route(r); });
  add_stream<v1::WatchRoutesRequest, v1::WatchRoutesResponse>(
      kWatchRoutes, [](Gateway& gw, const auto& r) { return gw.watch_routes(r); });
  add<v1::GetRouteSummaryRequest, v1::GetRouteSummaryResponse>(
      kGetRouteSummary, [](Gateway& gw, const auto& r) { return gw.get_route_summary(r); });
  add<v1::ListInterfacesRequest, v1::ListInterfacesResponse>(
      kListInterfaces, [](Gateway& gw, const auto& r) { return gw.list_interfaces(r); });
  add<v1::CreateStaticRouteRequest, v1::StaticRoute>(
      kCreateStaticRoute, [](Gateway& gw, const auto& r) { return gw.create_static_route(r); });
  add<v1::DescribeStaticRoutesRequest, v1::DescribeStaticRoutesResponse>(
      kDescribeStaticRoutes,
      [](Gateway& gw, const auto& r) { return gw.describe_static_routes(r); });
  add<v1::DeleteStaticRouteRequest, v1::DeleteStaticRouteResponse>(
      kDeleteStaticRoute, [](Gateway& gw, const auto& r) { return gw.delete_static_route(r); });

  add<v1::GetBgpRequest, v1::Bgp>(kGetBgp, [](Gateway& gw, const auto& r) { return gw.get_bgp(r); });
  add<v1::SetBgpRequest, v1::Bgp>(kSetBgp, [](Gateway& gw, const auto& r) { return gw.set_bgp(r); });
  add<v1::DeleteBgpRequest, v1::DeleteBgpResponse>(
      kDeleteBgp, [](Gateway& gw, const auto& r) { return gw.delete_bgp(r); });
  add<v1::AddPeerRequest, v1::Peer>(kAddPeer, [](Gateway& gw, const auto& r) { return gw.add_peer(r); });
  add<v1::UpdatePeerRequest, v1::Peer>(
      kUpdatePeer, [](Gateway& gw, const auto& r) { return gw.update_peer(r); });
  add<v1::DeletePeerRequest, v1::DeletePeerResponse>(
      kDeletePeer, [](Gateway& gw, const auto& r) { return gw.delete_peer(r); });
  add_stream<v1::ListPeerRequest, v1::ListPeerResponse>(
      kListPeer, [](Gateway& gw, const auto& r) { return gw.list_peer(r); });
  add<v1::ResetPeerRequest, v1::ResetPeerResponse>(
      kResetPeer, [](Gateway& gw, const auto& r) { return gw.reset_peer(r); });
  add<v1::AddPeerGroupRequest, v1::PeerGroup>(
      kAddPeerGroup, [](Gateway& gw, const auto& r) { return gw.add_peer_group(r); });
  add<v1::UpdatePeerGroupRequest, v1::PeerGroup>(
      kUpdatePeerGroup, [](Gateway& gw, const auto& r) { return gw.update_peer_group(r); });
  add<v1::DeletePeerGroupRequest, v1::DeletePeerGroupResponse>(
      kDeletePeerGroup, [](Gateway& gw, const auto& r) { return gw.delete_peer_group(r); });
  add<v1::ListPeerGroupsRequest, v1::ListPeerGroupsResponse>(
      kListPeerGroups, [](Gateway& gw, const auto& r) { return gw.list_peer_groups(r); });
  add<v1::AddPathRequest, v1::AddPathResponse>(
      kAddPath, [](Gateway& gw, const auto& r) { return gw.add_path(r); });
  add<v1::DeletePathRequest, v1::DeletePathResponse>(
      kDeletePath, [](Gateway& gw, const auto& r) { return gw.delete_path(r); });
  add_stream<v1::ListPathRequest, v1::ListPathResponse>(
      kListPath, [](Gateway& gw, const auto& r) { return gw.list_path(r); });
  add_stream<v1::WatchEventRequest, v1::WatchEventResponse>(
      kWatchEvent, [](Gateway& gw, const auto& r) { return gw.watch_event(r); });

  add<v1::GetPoliciesRequest, v1::Policies>(
      kGetPolicies, [](Gateway& gw, const auto& r) { return gw.get_policies(r); });
  add<v1::SetPoliciesRequest, v1::Policies>(
      kSetPolicies, [](Gateway& gw, const auto& r) { return gw.set_policies(r); });

  add<v1::CreateTunnelRequest, v1::Tunnel>(
      kCreateTunnel, [](Gateway& gw, const auto& r) { return gw.create_tunnel(r); });
  add<v1::UpdateTunnelRequest, v1::Tunnel>(
      kUpdateTunnel, [](Gateway& gw, const auto& r) { return gw.update_tunnel(r); });
  add<v1::DeleteTunnelRequest, v1::DeleteTunnelResponse>(
      kDeleteTunnel, [](Gateway& gw, const auto& r) { return gw.delete_tunnel(r); });
  add<v1::ListTunnelsRequest, v1::ListTunnelsResponse>(
      kListTunnels, [](Gateway& gw, const auto& r) { return gw.list_tunnels(r); });
  add<v1::AddSaRequest, v1::SecurityAssociation>(kAddSa, [](Gateway& gw, const auto& r) { return gw.add_sa(r); });
  add<v1::DeleteSaRequest, v1::DeleteSaResponse>(
      kDeleteSa, [](Gateway& gw, const auto& r) { return gw.delete_sa(r); });
  add<v1::ListSasRequest, v1::ListSasResponse>(kListSas, [](Gateway& gw, const auto& r) { return gw.list_sas(r); });
  add_stream<v1::WatchTunnelsRequest, v1::WatchTunnelsResponse>(
      kWatchTunnels, [](Gateway& gw, const auto& r) { return gw.watch_tunnels(r); });

  add<v1::ListIkeSasRequest, v1::ListIkeSasResponse>(
      kListIkeSas, [](Gateway& gw, const auto& r) { return gw.list_ike_sas(r); });
  add<v1::InitiateIkeRequest, v1::InitiateIkeResponse>(
      kInitiateIke, [](Gateway& gw, const auto& r) { return gw.initiate_ike(r); });
  add<v1::TerminateIkeRequest, v1::TerminateIkeResponse>(
      kTerminateIke, [](Gateway& gw, const auto& r) { return gw.terminate_ike(r); });
  add_stream<v1::WatchIkeRequest, v1::WatchIkeResponse>(
      kWatchIke, [](Gateway& gw, const auto& r) { return gw.watch_ike(r); });
  add<v1::RekeyIkeRequest, v1::RekeyIkeResponse>(kRekeyIke,
                                                 [](Gateway& gw, const auto& r) { return gw.rekey_ike(r); });

  add<v1::SetBfdPeerRequest, v1::BfdPeer>(kSetBfdPeer, [](Gateway& gw, const auto& r) { return gw.set_bfd_peer(r); });
  add<v1::DeleteBfdPeerRequest, v1::DeleteBfdPeerResponse>(
      kDeleteBfdPeer, [](Gateway& gw, const auto& r) { return gw.delete_bfd_peer(r); });
  add<v1::ListBfdPeersRequest, v1::ListBfdPeersResponse>(
      kListBfdPeers, [](Gateway& gw, const auto& r) { return gw.list_bfd_peers(r); });
  add_stream<v1::WatchBfdRequest, v1::WatchBfdResponse>(
      kWatchBfd, [](Gateway& gw, const auto& r) { return gw.watch_bfd(r); });
}

const Dispatcher::Method* Dispatcher::find(std::string_view path) const {
  auto it = methods_.find(path);
  return it == methods_.end() ? nullptr : &it->second;
}

std::vector<std::string> Dispatcher::paths() const {
  std::vector<std::string> out;
  for (const auto& [path, m] : methods_) out.push_back(path);
  return out;
}

namespace {

Error unknown_method(std::string_view path) {
  return Error{ErrorCode::kUnimplemented, "unknown method " + std::string(path)};
}

Error wrong_kind(std::string_view path, bool streaming) {
  return Error{ErrorCode::kUnimplemented,
               std::string(path) + (streaming ? " is a server stream" : " is not a stream")};
}

}  // namespace

Result<std::unique_ptr<ServerStream>> Dispatcher::open_stream(Gateway& gw, std::string_view path,
                                                              const Message& request) const {
  auto* m = find(path);
  if (!m) return fail(unknown_method(path));
  if (!m->streaming()) return fail(wrong_kind(path, false));
  if (request.GetDescriptor() != m->request_prototype->GetDescriptor()) {
    return fail(Error::invalid("wrong request type for " + std::string(path)));
  }
  return m->open_stream(gw, request);
}

Result<std::unique_ptr<ServerStream>> Dispatcher::open_stream_bytes(
    Gateway& gw, std::string_view path, const std::string& request) const {
  auto* m = find(path);
  if (!m) return fail(unknown_method(path));
  if (!m->streaming()) return fail(wrong_kind(path, false));
  std::unique_ptr<Message> req(m->request_prototype->New());
  if (!req->ParseFromString(request)) {
    return fail(Error::invalid("request for " + std::string(path) + " is not a valid " +
                               req->GetDescriptor()->full_name()));
  }
  return m->open_stream(gw, *req);
}

Result<std::unique_ptr<Message>> Dispatcher::handle(Gateway& gw, std::string_view path,
                                                    const Message& request) const {
  auto* m = find(path);
  if (!m) return fail(unknown_method(path));
  if (m->streaming()) return fail(wrong_kind(path, true));
  if (request.GetDescriptor() != m->request_prototype->GetDescriptor()) {
    return fail(Error::invalid("wrong request type for " + std::string(path)));
  }
  return m->handler(gw, request);
}

Result<std::string> Dispatcher::handle_bytes(Gateway& gw, std::string_view path,
                                             const std::string& request) const {
  auto* m = find(path);
  if (!m) return fail(unknown_method(path));
  if (m->streaming()) return fail(wrong_kind(path, true));
  std::unique_ptr<Message> req(m->request_prototype->New());
  if (!req->ParseFromString(request)) {
    return fail(Error::invalid("request for " + std::string(path) + " is not a valid " +
                               req->GetDescriptor()->full_name()));
  }
  auto resp = m->handler(gw, *req);
  if (!resp) return fail(resp.error());
  return (*resp)->SerializeAsString();
}

bool Dispatcher::reveals_secrets(std::string_view path, const std::string& request) {
  if (path != kGetRunningConfig) return false;
  v1::GetRunningConfigRequest r;
  // An unparsable request is refused by the handler anyway; treat it as asking.
  return !r.ParseFromString(request) || r.show_secrets();
}

}  // namespace vgw::routing::api
