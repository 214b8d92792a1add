// The Gateway's private run-time state of the tunnels and of redistribution into BGP: kept out
// of gateway.h so that its users need neither asio nor the dataplane's headers.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "vgw/bgp/speaker.h"
#include "vgw/esp/dataplane/dataplane.h"
#include "vgw/rib/rib.h"
#include "vgw/routing/gateway.h"
#include "ike_driver.h"
#include "tunnel_health.h"

namespace vgw::routing {

// The ESP dataplane and what has been applied to it (gateway_tunnel.cc).
struct Gateway::TunnelRuntime {
  explicit TunnelRuntime(boost::asio::io_context& io) : io(io), retry(io) {}
  boost::asio::io_context& io;
  std::unique_ptr<esp::Dataplane> dataplane;
  std::unique_ptr<IkeDriver> ike;  // after dataplane: destroyed before it
  std::unique_ptr<TunnelHealth> health;  // after dataplane: destroyed before it
  std::unique_ptr<boost::asio::posix::stream_descriptor> events;  // the dataplane's eventfd
  boost::asio::steady_timer retry;
  bool retry_armed = false;
  std::string problem;                            // why there is no dataplane
  std::map<std::string, std::string> failed;      // tunnel -> why the dataplane refused it
  std::map<std::string, TunnelConfig> installed;  // as last applied to the dataplane
  uint64_t ike_dropped = 0;  // IKE datagrams received while no tunnel negotiates
};

// `redistribute connected|static`: a RIB subscription while the speaker runs and something is
// to be redistributed, and the prefixes originated that way (gateway_redistribute.cc).
struct Gateway::Redistribution {
  std::optional<rib::SubscriberId> subscription;
  bool drain_scheduled = false;
  std::set<std::pair<Family, rib::RouteSource>> wanted;  // what the subscription serves
  std::map<Prefix, uint32_t> originated;                  // prefix -> metric given as MED
  std::vector<rib::RouteChange> changes;                  // drain buffer
};

}  // namespace vgw::routing
