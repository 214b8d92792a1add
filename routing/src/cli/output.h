// Shared pieces of the command handlers (internal to routing/cli).
#pragma once

#include <google/protobuf/message.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "vgw/routing/cli/session.h"

namespace vgw::v1 {
class UpdateTunnelRequest;
class Peer;
}

namespace vgw::routing::cli {

// Tunnel-block commands (tunnel_commands.cc): an UpdateTunnel of the block's tunnel with the
// fields `change` sets; handlers that set a string field from a placeholder or clear it.
Status update_tunnel(Session& s, const std::function<void(v1::UpdateTunnelRequest&)>& change);
Handler set_tunnel_field(void (v1::UpdateTunnelRequest::*setter)(const std::string&), const char* placeholder);
Handler clear_tunnel_field(void (v1::UpdateTunnelRequest::*setter)(const std::string&));
// A numeric placeholder's value (the grammar has checked its range).
inline uint32_t number(const Args& a, const char* placeholder) {
  return static_cast<uint32_t>(std::stoul(a.get(placeholder)));
}
// An SPI as show output prints it: "0x00001001".
std::string spi_text(uint32_t spi);

// An age as FRR's uptimes print: hh:mm:ss below a day, then 1d02h03m, then 05w2d03h.
std::string format_age(uint64_t seconds);
// A wall-clock time in milliseconds since the epoch as "2026-12-06 23:45:01.123 UTC".
std::string format_unix_ms(uint64_t unix_ms);
// "for 00:00:05 (since 2026-12-06 23:45:01.123 UTC)"
std::string since_text(uint64_t unix_ms);

// The API's JSON mapping of a message (lowerCamelCase, all fields).
Status print_json(Session& s, const google::protobuf::Message& m);
std::string to_json(const google::protobuf::Message& m, bool pretty);

// Command tables of each area, appended to the grammar's.
void add_route_commands(std::vector<CommandSpec>& commands,
                        std::map<std::string, std::string>& keyword_help);
void add_bgp_commands(std::vector<CommandSpec>& commands,
                      std::map<std::string, std::string>& keyword_help);
// The `neighbor ...` commands and show bgp peer-group (neighbor_commands.cc).
void add_neighbor_commands(std::vector<CommandSpec>& commands, std::map<std::string, std::string>& keyword_help);
// All BGP peers (or one) through the ListPeer stream.
Result<std::vector<v1::Peer>> list_peers(Session& s, const std::string& address);
// A PeerConfig field (inherited_fields) in the command's words: "hold_time" -> "timers".
std::string peer_setting_words(const std::string& field);
void add_policy_commands(std::vector<CommandSpec>& commands,
                         std::map<std::string, std::string>& keyword_help);
void add_tunnel_commands(std::vector<CommandSpec>& commands,
                         std::map<std::string, std::string>& keyword_help);
void add_ike_commands(std::vector<CommandSpec>& commands, std::map<std::string, std::string>& keyword_help);
void add_vpn_commands(std::vector<CommandSpec>& commands, std::map<std::string, std::string>& keyword_help);
void add_bfd_commands(std::vector<CommandSpec>& commands, std::map<std::string, std::string>& keyword_help);
void add_probe_commands(std::vector<CommandSpec>& commands, std::map<std::string, std::string>& keyword_help);

}  // namespace vgw::routing::cli
