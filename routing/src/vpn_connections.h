// VpnConnections: the connection manager. For each `vpn-connection` it decides which of its
// tunnels carry traffic, from their health, and keeps its destination routes in the RIB
// (source vpn, one instance per connection) pointing at them:
//
//   vpn-gateway kind     active/standby: the active-role tunnel carries while it is healthy;
//                        when it fails, the standby takes over at once; when it recovers, traffic
//                        moves back only after it stayed healthy for the fail-back delay (no
//                        flapping), and at once if the standby fails meanwhile.
//   transit-router kind  ECMP: every healthy tunnel carries; one next-hop group, replaced in
//                        place in the kernel when a member leaves or returns.
//
// A destination route of weight 100 has the vpn source's distance, one of weight 0 that plus
// one: the standby of another connection's weight-100 route to the same prefix. A connection
// with no tunnel that can carry has no routes in the RIB. The routes that point at a tunnel
// otherwise (static routes, BGP over its inside addresses) follow its health through the RIB
// (KernelSync holds a down tunnel's interface down); this component adds the roles.
//
// No protobuf here: the Gateway converts the views for the API.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "vgw/rib/rib.h"
#include "vgw/routing/config_model.h"

namespace vgw::routing {

// What the connection manager needs to know of a tunnel.
struct VpnTunnelLink {
  bool up = false;
  std::string reason;          // why not up
  std::string interface_name;  // empty: no interface
  uint32_t ifindex = 0;
};

class VpnConnections {
 public:
  using TunnelLink = VpnTunnelLink;
  using TunnelLookup = std::function<TunnelLink(const std::string& tunnel)>;

  VpnConnections(rib::Rib& rib, TunnelLookup lookup, std::function<void()> request_sync);
  ~VpnConnections();
  VpnConnections(const VpnConnections&) = delete;
  VpnConnections& operator=(const VpnConnections&) = delete;

  // The RIB distance of a destination route of this weight (100: the vpn source's, 0: one more).
  static uint8_t distance(uint8_t weight);

  // Timers for fail-back need the control-plane loop (unset: fail-back happens at the next sync).
  void set_io(boost::asio::io_context* io) { io_ = io; }
  // Brings every connection's carriers and routes in line with the model and the tunnels' health.
  void sync(const ConfigModel& model);
  // Shutdown: cancels the timers (routes stay in the RIB as they are).
  void stop();

  struct TunnelView {
    std::string tunnel;
    TunnelRole role = TunnelRole::kActive;
    TunnelLink link;
    bool carrying = false;
  };
  struct RouteView {
    Prefix prefix;
    uint8_t weight = 100;
    std::vector<std::string> via;  // tunnels
  };
  struct View {
    std::string status;  // "up", "degraded", "down", "incomplete"
    std::string reason;
    std::vector<TunnelView> tunnels;
    std::vector<RouteView> routes;
    std::optional<uint32_t> failback_in;  // seconds
    uint16_t instance = 0;                // the RIB instance of its routes
  };
  View view(const VpnConnectionConfig& connection) const;
  // The tunnels that recovered while their connection's standby carries and wait out the
  // fail-back delay (vpn-gateway kind).
  std::set<std::string> waiting_failback() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Runtime {
    uint16_t instance = 0;
    std::optional<std::string> carrier;  // vpn-gateway kind: the tunnel carrying
    bool preferred_was_up = false;
    std::string preferred;               // the tunnel the preference history is about
    Clock::time_point preferred_up_since{};
    std::vector<std::string> carrying;
    std::map<Prefix, std::vector<rib::Nexthop>> applied;  // prefix -> members given to the RIB
    std::map<Prefix, uint8_t> applied_distance;
    std::unique_ptr<boost::asio::steady_timer> failback;
    std::optional<Clock::time_point> failback_at;
  };
  void sync_one(const ConfigModel& model, const VpnConnectionConfig& c, Runtime& rt);
  void choose_carriers(const ConfigModel& model, const VpnConnectionConfig& c, Runtime& rt);
  void apply_routes(const VpnConnectionConfig& c, Runtime& rt);
  void remove_routes(Runtime& rt);
  void arm_failback(Runtime& rt, Clock::time_point at);
  uint16_t allocate_instance() const;

  rib::Rib& rib_;
  TunnelLookup lookup_;
  std::function<void()> request_sync_;
  boost::asio::io_context* io_ = nullptr;
  std::map<std::string, Runtime> runtime_;  // by connection name
};

}  // namespace vgw::routing
