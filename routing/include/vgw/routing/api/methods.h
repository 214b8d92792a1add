// The gRPC method paths of the management API, named once. The Dispatcher checks each against
// the protobuf descriptors at start-up (and a unit test checks that every method of every
// service has a handler), so a name here cannot drift from the .proto files.
#pragma once

namespace vgw::routing::api {

inline constexpr const char* kGetVersion = "/vgw.v1.SystemService/GetVersion";
inline constexpr const char* kGetRunningConfig = "/vgw.v1.SystemService/GetRunningConfig";
inline constexpr const char* kHealth = "/vgw.v1.SystemService/Health";
inline constexpr const char* kApplyConfig = "/vgw.v1.SystemService/ApplyConfig";
inline constexpr const char* kPing = "/vgw.v1.SystemService/Ping";
inline constexpr const char* kTraceroute = "/vgw.v1.SystemService/Traceroute";
inline constexpr const char* kGetLog = "/vgw.v1.SystemService/GetLog";

inline constexpr const char* kCreateCustomerGateway = "/vgw.v1.VpnService/CreateCustomerGateway";
inline constexpr const char* kDescribeCustomerGateways =
    "/vgw.v1.VpnService/DescribeCustomerGateways";
inline constexpr const char* kModifyCustomerGateway = "/vgw.v1.VpnService/ModifyCustomerGateway";
inline constexpr const char* kDeleteCustomerGateway = "/vgw.v1.VpnService/DeleteCustomerGateway";
inline constexpr const char* kGetVpnGateway = "/vgw.v1.VpnService/GetVpnGateway";
inline constexpr const char* kSetVpnGateway = "/vgw.v1.VpnService/SetVpnGateway";
inline constexpr const char* kCreateVpnConnection = "/vgw.v1.VpnService/CreateVpnConnection";
inline constexpr const char* kDescribeVpnConnections = "/vgw.v1.VpnService/DescribeVpnConnections";
inline constexpr const char* kModifyVpnConnection = "/vgw.v1.VpnService/ModifyVpnConnection";
inline constexpr const char* kDeleteVpnConnection = "/vgw.v1.VpnService/DeleteVpnConnection";

inline constexpr const char* kListRoutes = "/vgw.v1.RibService/ListRoutes";
inline constexpr const char* kLookupRoute = "/vgw.v1.RibService/LookupRoute";
inline constexpr const char* kWatchRoutes = "/vgw.v1.RibService/WatchRoutes";
inline constexpr const char* kGetRouteSummary = "/vgw.v1.RibService/GetRouteSummary";
inline constexpr const char* kListInterfaces = "/vgw.v1.RibService/ListInterfaces";
inline constexpr const char* kCreateStaticRoute = "/vgw.v1.RibService/CreateStaticRoute";
inline constexpr const char* kDescribeStaticRoutes = "/vgw.v1.RibService/DescribeStaticRoutes";
inline constexpr const char* kDeleteStaticRoute = "/vgw.v1.RibService/DeleteStaticRoute";

inline constexpr const char* kGetBgp = "/vgw.v1.BgpService/GetBgp";
inline constexpr const char* kSetBgp = "/vgw.v1.BgpService/SetBgp";
inline constexpr const char* kDeleteBgp = "/vgw.v1.BgpService/DeleteBgp";
inline constexpr const char* kAddPeer = "/vgw.v1.BgpService/AddPeer";
inline constexpr const char* kUpdatePeer = "/vgw.v1.BgpService/UpdatePeer";
inline constexpr const char* kDeletePeer = "/vgw.v1.BgpService/DeletePeer";
inline constexpr const char* kListPeer = "/vgw.v1.BgpService/ListPeer";
inline constexpr const char* kResetPeer = "/vgw.v1.BgpService/ResetPeer";
inline constexpr const char* kAddPeerGroup = "/vgw.v1.BgpService/AddPeerGroup";
inline constexpr const char* kUpdatePeerGroup = "/vgw.v1.BgpService/UpdatePeerGroup";
inline constexpr const char* kDeletePeerGroup = "/vgw.v1.BgpService/DeletePeerGroup";
inline constexpr const char* kListPeerGroups = "/vgw.v1.BgpService/ListPeerGroups";
inline constexpr const char* kAddPath = "/vgw.v1.BgpService/AddPath";
inline constexpr const char* kDeletePath = "/vgw.v1.BgpService/DeletePath";
inline constexpr const char* kListPath = "/vgw.v1.BgpService/ListPath";
inline constexpr const char* kWatchEvent = "/vgw.v1.BgpService/WatchEvent";

inline constexpr const char* kGetPolicies = "/vgw.v1.PolicyService/GetPolicies";
inline constexpr const char* kSetPolicies = "/vgw.v1.PolicyService/SetPolicies";

inline constexpr const char* kCreateTunnel = "/vgw.v1.TunnelService/CreateTunnel";
inline constexpr const char* kUpdateTunnel = "/vgw.v1.TunnelService/UpdateTunnel";
inline constexpr const char* kDeleteTunnel = "/vgw.v1.TunnelService/DeleteTunnel";
inline constexpr const char* kListTunnels = "/vgw.v1.TunnelService/ListTunnels";
inline constexpr const char* kAddSa = "/vgw.v1.TunnelService/AddSa";
inline constexpr const char* kDeleteSa = "/vgw.v1.TunnelService/DeleteSa";
inline constexpr const char* kListSas = "/vgw.v1.TunnelService/ListSas";
inline constexpr const char* kWatchTunnels = "/vgw.v1.TunnelService/WatchTunnels";

inline constexpr const char* kListIkeSas = "/vgw.v1.IkeService/ListIkeSas";
inline constexpr const char* kInitiateIke = "/vgw.v1.IkeService/Initiate";
inline constexpr const char* kTerminateIke = "/vgw.v1.IkeService/Terminate";
inline constexpr const char* kRekeyIke = "/vgw.v1.IkeService/Rekey";
inline constexpr const char* kWatchIke = "/vgw.v1.IkeService/Watch";

inline constexpr const char* kSetBfdPeer = "/vgw.v1.BfdService/SetPeer";
inline constexpr const char* kDeleteBfdPeer = "/vgw.v1.BfdService/DeletePeer";
inline constexpr const char* kListBfdPeers = "/vgw.v1.BfdService/ListPeers";
inline constexpr const char* kWatchBfd = "/vgw.v1.BfdService/Watch";

}  // namespace vgw::routing::api
