// Shared pieces of the command handlers (internal to routing/cli).
#pragma once

#include <google/protobuf/message.h>

#include <map>
#include <string>
#include <vector>

#include "vgw/routing/cli/session.h"

namespace vgw::routing::cli {

// The API's JSON mapping of a message (lowerCamelCase, all fields).
Status print_json(Session& s, const google::protobuf::Message& m);
std::string to_json(const google::protobuf::Message& m, bool pretty);

// Command tables of each area, appended to the grammar's.
void add_route_commands(std::vector<CommandSpec>& commands,
                        std::map<std::string, std::string>& keyword_help);
void add_bgp_commands(std::vector<CommandSpec>& commands,
                      std::map<std::string, std::string>& keyword_help);
void add_policy_commands(std::vector<CommandSpec>& commands,
                         std::map<std::string, std::string>& keyword_help);
void add_tunnel_commands(std::vector<CommandSpec>& commands,
                         std::map<std::string, std::string>& keyword_help);
void add_ike_commands(std::vector<CommandSpec>& commands, std::map<std::string, std::string>& keyword_help);

}  // namespace vgw::routing::cli
