// BGP neighbors and peer-groups at the API's edge: PeerConfig <-> BgpNeighborConfig, and the
// PeerConfig field names that requests list (update_fields, inherit_fields, set_fields).
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <string>
#include <string_view>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/routing/config_model.h"
#include "vgw/v1/bgp.pb.h"

namespace vgw::routing {

using FieldNames = google::protobuf::RepeatedPtrField<std::string>;

v1::PeerConfig peer_to_proto(const BgpNeighborConfig& n);

// What is parsed: a peer (address and remote-as required), a peer-group member (remote-as may
// come from the group) or a peer-group's settings (no address).
enum class PeerConfigKind : uint8_t { kPeer, kMember, kGroup };
// Each field checked on its own; `old` (the settings in force) keeps a password that a reply
// masked (has_password without password). Peers are also checked with check_neighbor.
Result<BgpNeighborConfig> parse_peer(const v1::PeerConfig& m, const BgpNeighborConfig* old, PeerConfigKind kind);

// The settings the listed PeerConfig fields belong to (peer_group, when allowed, belongs to
// none); the error names `list` and the field.
Result<NeighborSettings> settings_of_fields(const FieldNames& names, std::string_view list,
                                            bool allow_peer_group = false);
// The PeerConfig fields of the settings, in field order.
std::vector<std::string> fields_of_settings(const NeighborSettings& settings);

// Copies the listed fields (settings' fields, and peer_group when allowed) from `from` to `to`.
Status overlay_fields(const v1::PeerConfig& from, v1::PeerConfig& to, const FieldNames& names, std::string_view list,
                      bool allow_peer_group);

}  // namespace vgw::routing
