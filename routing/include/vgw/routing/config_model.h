// The gateway's configuration as data: what `show running-config` prints and what the config
// file holds. Pure values with validation and rendering; no I/O, no protocol state.
//
// Every change goes model -> validated copy -> rendered text -> atomic file write -> swap
// (see Gateway), so the model held in memory is always the one on disk.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <string>
#include <string_view>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"

namespace vgw::routing {

struct CustomerGatewayConfig {
  std::string name;
  IpAddress ip_address;
  uint32_t asn = 0;
  std::string description;

  friend bool operator==(const CustomerGatewayConfig&, const CustomerGatewayConfig&) = default;
};

// `ip route PREFIX (ADDRESS|IFNAME|ADDRESS IFNAME) [distance N] [weight W]`. Identified by
// (prefix, gateway, interface, distance); routes of one prefix and distance form one ECMP set.
struct StaticRouteConfig {
  Prefix prefix;
  std::optional<IpAddress> gateway;
  std::string interface;
  uint8_t distance = 1;
  uint8_t weight = 1;

  auto key() const { return std::tie(prefix, gateway, interface, distance); }
  friend bool operator<(const StaticRouteConfig& a, const StaticRouteConfig& b) {
    return a.key() < b.key();
  }
  friend bool operator==(const StaticRouteConfig&, const StaticRouteConfig&) = default;
};

struct ConfigModel {
  std::map<std::string, CustomerGatewayConfig> customer_gateways;  // by name, ordered
  std::set<StaticRouteConfig> static_routes;

  friend bool operator==(const ConfigModel&, const ConfigModel&) = default;
};

// Field rules shared by the API and the config loader. Each returns a message naming the field.
Status validate_resource_name(std::string_view field, std::string_view name);
Status validate_description(std::string_view field, std::string_view text);
Result<IpAddress> parse_customer_gateway_ip(std::string_view text);
// Linux interface names: 1-15 characters, no '/', ':' or white space, not "." or "..".
Status validate_interface_name(std::string_view field, std::string_view name);

std::string render_static_route(const StaticRouteConfig& route);

// The configuration in vgwsh's command language, loadable by `vgwd -f`.
std::string render_config(const ConfigModel& model, bool show_secrets);

}  // namespace vgw::routing
