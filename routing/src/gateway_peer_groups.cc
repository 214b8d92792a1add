// The Gateway's peer-groups (BgpService AddPeerGroup, UpdatePeerGroup, DeletePeerGroup,
// ListPeerGroups): settings given to member peers, as FRR's `neighbor NAME peer-group`.
// A change of a group changes the plan of every member; Gateway::commit checks the members.
#include "bgp_neighbors.h"
#include "bgp_plan.h"
#include "peer_config_proto.h"
#include "vgw/routing/gateway.h"

namespace vgw::routing {

namespace {

Status check_group_name(const std::string& name) {
  if (auto st = validate_resource_name("name", name); !st) return st;
  if (IpAddress::parse(name).ok()) {
    return fail(Error::invalid("name '" + name + "' is an address: a peer-group is named by a word"));
  }
  return {};
}

// The group's settings from `m`: only those in `set` are kept (in the form that renders).
Result<BgpPeerGroupConfig> group_from(const std::string& name, const v1::PeerConfig& m, const BgpNeighborConfig* old,
                                      NeighborSettings set) {
  auto settings = parse_peer(m, old, PeerConfigKind::kGroup);
  if (!settings) return fail(settings.error());
  if (set.test(setting_index(NeighborSetting::kRemoteAs)) && settings->remote_as == 0 &&
      settings->remote_as_kind == BgpNeighborConfig::RemoteAs::kNumber) {
    return fail(Error::invalid("peer.remote_as is required (1..4294967295) when the group sets it"));
  }
  BgpPeerGroupConfig g;
  g.name = name;
  g.settings = std::move(*settings);
  g.set = settings_that_render(g.settings, set);
  reset_settings_except(g.settings, g.set);
  return g;
}

}  // namespace

v1::PeerGroup Gateway::describe_peer_group(const BgpPeerGroupConfig& group) const {
  v1::PeerGroup out;
  out.set_name(group.name);
  *out.mutable_config() = peer_to_proto(group.settings);
  out.mutable_config()->clear_address();
  for (auto& f : fields_of_settings(group.set)) out.add_set_fields(f);
  for (auto& m : peer_group_members(*model_.bgp, group.name)) out.add_members(m);
  return out;
}

Result<v1::PeerGroup> Gateway::add_peer_group(const v1::AddPeerGroupRequest& req) {
  if (!model_.bgp) return fail(Error::precondition("BGP is not configured (router bgp ASN)"));
  if (auto st = check_group_name(req.name()); !st) return fail(st.error());
  if (model_.bgp->peer_groups.count(req.name())) {
    return fail(Error::exists("peer-group " + req.name() + " already exists"));
  }
  auto set = settings_of_fields(req.set_fields(), "set_fields");
  if (!set) return fail(set.error());
  auto g = group_from(req.name(), req.config(), nullptr, *set);
  if (!g) return fail(g.error());
  ConfigModel next = model_;
  next.bgp->peer_groups[g->name] = *g;
  if (auto st = commit(std::move(next)); !st) return fail(st.error());
  return describe_peer_group(model_.bgp->peer_groups.at(req.name()));
}

Result<v1::PeerGroup> Gateway::update_peer_group(const v1::UpdatePeerGroupRequest& req) {
  if (!model_.bgp) return fail(Error::precondition("BGP is not configured (router bgp ASN)"));
  auto it = model_.bgp->peer_groups.find(req.name());
  if (it == model_.bgp->peer_groups.end()) {
    return fail(Error::not_found("peer-group " + req.name().substr(0, 64) + " does not exist"));
  }
  const BgpPeerGroupConfig& old = it->second;
  auto listed = settings_of_fields(req.update_fields(), "update_fields");
  if (!listed) return fail(listed.error());
  auto cleared = settings_of_fields(req.clear_fields(), "clear_fields");
  if (!cleared) return fail(cleared.error());
  // The group's settings with the listed fields taken from the request.
  v1::PeerConfig wanted = peer_to_proto(old.settings);
  if (auto st = overlay_fields(req.config(), wanted, req.update_fields(), "update_fields", false); !st) {
    return fail(st.error());
  }
  auto g = group_from(old.name, wanted, &old.settings, (old.set | *listed) & ~*cleared);
  if (!g) return fail(g.error());
  if (!(*g == old)) {
    ConfigModel next = model_;
    next.bgp->peer_groups[g->name] = *g;
    if (auto st = commit(std::move(next)); !st) return fail(st.error());
  }
  return describe_peer_group(model_.bgp->peer_groups.at(req.name()));
}

Result<v1::DeletePeerGroupResponse> Gateway::delete_peer_group(const v1::DeletePeerGroupRequest& req) {
  if (!model_.bgp) return fail(Error::precondition("BGP is not configured (router bgp ASN)"));
  if (!model_.bgp->peer_groups.count(req.name())) {
    return fail(Error::not_found("peer-group " + req.name().substr(0, 64) + " does not exist"));
  }
  auto members = peer_group_members(*model_.bgp, req.name());
  if (!members.empty()) {
    std::string list;
    for (size_t i = 0; i < members.size() && i < 5; ++i) list += (i ? ", " : "") + members[i];
    if (members.size() > 5) list += " and " + std::to_string(members.size() - 5) + " more";
    return fail(Error::precondition("peer-group " + req.name() + " has members (" + list +
                                    "): take them out of it or delete them first"));
  }
  ConfigModel next = model_;
  next.bgp->peer_groups.erase(req.name());
  if (auto st = commit(std::move(next)); !st) return fail(st.error());
  return v1::DeletePeerGroupResponse{};
}

Result<v1::ListPeerGroupsResponse> Gateway::list_peer_groups(const v1::ListPeerGroupsRequest& req) const {
  if (!model_.bgp) return fail(Error::not_found("BGP is not configured (router bgp ASN)"));
  v1::ListPeerGroupsResponse out;
  if (!req.name().empty()) {
    auto it = model_.bgp->peer_groups.find(req.name());
    if (it == model_.bgp->peer_groups.end()) {
      return fail(Error::not_found("peer-group " + req.name().substr(0, 64) + " does not exist"));
    }
    *out.add_groups() = describe_peer_group(it->second);
    return out;
  }
  for (const auto& [name, g] : model_.bgp->peer_groups) *out.add_groups() = describe_peer_group(g);
  return out;
}

}  // namespace vgw::routing
