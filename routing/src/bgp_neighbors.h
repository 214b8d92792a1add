// BGP neighbors' settings as config lines, and peer-groups' members (bgp_neighbors.cc; the
// model's functions are declared in config_model.h).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "vgw/routing/config_model.h"

namespace vgw::routing {

// Of `wanted`, the settings that a `neighbor` line can express for `n`: those whose value is not
// the default, and those whose default has a line of its own (timers, timers connect, weight,
// activate). A member's own settings and a group's are kept in this form, so that what is
// stored is what renders and reloads.
NeighborSettings settings_that_render(const BgpNeighborConfig& n, const NeighborSettings& wanted);

// The addresses of a peer-group's members, in address order.
std::vector<std::string> peer_group_members(const BgpConfig& bgp, const std::string& group);

// ` neighbor NAME ...` lines of the router bgp block for the settings in `which` (and the
// `peer-group` line of a member), and the lines of one address-family block.
void render_neighbor_settings(std::ostream& out, const std::string& name, const BgpNeighborConfig& n,
                              const NeighborSettings& which, bool show_secrets);
void render_neighbor_family_settings(std::ostream& af, Family family, const std::string& name,
                                     const BgpNeighborConfig& n, const NeighborSettings& which);

}  // namespace vgw::routing
