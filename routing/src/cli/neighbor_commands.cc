// `neighbor PEER ...` commands of the router bgp block and its address families, in FRR's
// syntax, for a peer (PEER an address) or a peer-group (PEER a word), and `show bgp
// peer-group`. Each command sends only the fields it sets (UpdatePeer/UpdatePeerGroup with
// update_fields), and its `no` form hands them back: a member takes its group's value again,
// anything else the default.
#include <set>

#include "output.h"
#include "vgw/base/ip.h"
#include "vgw/routing/api/methods.h"
#include "vgw/v1/bgp.pb.h"

namespace vgw::routing::cli {

namespace api = vgw::routing::api;

Result<std::vector<v1::Peer>> list_peers(Session& s, const std::string& address) {
  v1::ListPeerRequest req;
  req.set_address(address);
  v1::ListPeerResponse one;
  std::vector<v1::Peer> out;
  auto st = s.backend().stream(api::kListPeer, req, one, [&]() -> Status {
    out.push_back(one.peer());
    return {};
  });
  if (!st) return fail(st.error());
  return out;
}

std::string peer_setting_words(const std::string& field) {
  static const std::map<std::string, std::string> kWords = {
      {"remote_as", "remote-as"},
      {"remote_as_type", "remote-as"},
      {"description", "description"},
      {"password", "password"},
      {"ebgp_multihop", "ebgp-multihop"},
      {"ttl_security", "ttl-security"},
      {"update_source", "update-source"},
      {"passive", "passive"},
      {"keepalive_time", "timers"},
      {"hold_time", "timers"},
      {"connect_retry_time", "timers connect"},
      {"shutdown", "shutdown"},
      {"shutdown_message", "shutdown"},
      {"ipv4_unicast", "activate (ipv4 unicast)"},
      {"ipv6_unicast", "activate (ipv6 unicast)"},
      {"maximum_prefix", "maximum-prefix"},
      {"maximum_prefix_warning_only", "maximum-prefix"},
      {"maximum_prefix_restart", "maximum-prefix"},
      {"route_map_in", "route-map in"},
      {"route_map_out", "route-map out"},
      {"advertisement_interval", "advertisement-interval"},
      {"next_hop_self", "next-hop-self"},
      {"weight", "weight"},
      {"bfd", "bfd"},
  };
  auto it = kWords.find(field);
  return it == kWords.end() ? field : it->second;
}

namespace {

using Fields = std::vector<std::string>;

// PEER: an address names a peer, anything else a peer-group.
bool is_address(const std::string& peer) { return IpAddress::parse(peer).ok(); }

// One change of a peer or a peer-group: `set` take their values from `c`, `back` stop being
// its own (a member takes its group's value again, anything else the default).
Status change(Session& s, const std::string& peer, v1::PeerConfig c, const Fields& set, const Fields& back) {
  if (is_address(peer)) {
    v1::UpdatePeerRequest req;
    c.set_address(peer);
    *req.mutable_peer() = std::move(c);
    for (const auto& f : set) req.add_update_fields(f);
    for (const auto& f : back) req.add_inherit_fields(f);
    v1::Peer out;
    return s.backend().call(api::kUpdatePeer, req, out);
  }
  v1::UpdatePeerGroupRequest req;
  req.set_name(peer);
  *req.mutable_config() = std::move(c);
  for (const auto& f : set) req.add_update_fields(f);
  for (const auto& f : back) req.add_clear_fields(f);
  v1::PeerGroup out;
  return s.backend().call(api::kUpdatePeerGroup, req, out);
}

Status set_fields(Session& s, const std::string& peer, v1::PeerConfig c, const Fields& fields) {
  return change(s, peer, std::move(c), fields, {});
}

// The `no` form.
Status hand_back(Session& s, const std::string& peer, const Fields& fields) { return change(s, peer, {}, {}, fields); }

Status delete_group(Session& s, const std::string& name) {
  v1::DeletePeerGroupRequest req;
  req.set_name(name);
  v1::DeletePeerGroupResponse out;
  return s.backend().call(api::kDeletePeerGroup, req, out);
}

Handler setter(Fields fields, std::function<void(v1::PeerConfig&, const Args&)> fill) {
  return [fields, fill](Session& s, const Args& a) {
    v1::PeerConfig c;
    fill(c, a);
    return set_fields(s, a.get("PEER"), std::move(c), fields);
  };
}

Handler unsetter(Fields fields) {
  return [fields](Session& s, const Args& a) { return hand_back(s, a.get("PEER"), fields); };
}

// A command and its `no` form: `neighbor PEER WORDS` sets `fields`, `no neighbor PEER NOWORDS`
// hands them back.
void setting(std::vector<CommandSpec>& c, Mode m, const std::string& words, const std::string& no_words,
             const char* help, const char* no_help, Fields fields,
             std::function<void(v1::PeerConfig&, const Args&)> fill) {
  c.push_back({m, "neighbor PEER " + words, help, setter(fields, std::move(fill))});
  c.push_back({m, "no neighbor PEER " + no_words, no_help, unsetter(std::move(fields))});
}

// A new peer's configuration (AddPeer replaces it all): the defaults of a `neighbor` line.
v1::PeerConfig new_peer(const std::string& address) {
  v1::PeerConfig c;
  c.set_address(address);
  c.set_keepalive_time(30);
  c.set_hold_time(90);
  c.set_connect_retry_time(120);
  c.set_ipv4_unicast(true);
  return c;
}

// `remote-as ASN|external|internal` into the API's two fields.
void set_remote_as(v1::PeerConfig& c, const Args& a) {
  c.set_remote_as(a.has_value("ASN") ? static_cast<uint32_t>(std::stoul(a.get("ASN"))) : 0);
  c.set_remote_as_type(a.has("external") ? "external" : a.has("internal") ? "internal" : "");
}

Status require_address(const std::string& peer, const char* what) {
  if (is_address(peer)) return {};
  return fail(Error::invalid("% " + peer + " is not an address: " + what));
}

Status require_name(const std::string& peer) {
  if (!is_address(peer)) return {};
  return fail(Error::invalid("% " + peer + " is an address: a peer-group is named by a word"));
}

Status neighbor_remote_as(Session& s, const Args& a) {
  const std::string peer = a.get("PEER");
  v1::PeerConfig c;
  set_remote_as(c, a);
  if (is_address(peer)) {
    auto peers = list_peers(s, peer);
    if (!peers || peers->empty()) {  // a new peer
      v1::AddPeerRequest req;
      *req.mutable_peer() = new_peer(peer);
      set_remote_as(*req.mutable_peer(), a);
      v1::Peer out;
      return s.backend().call(api::kAddPeer, req, out);
    }
  }
  return set_fields(s, peer, c, {"remote_as", "remote_as_type"});
}

Status no_neighbor(Session& s, const Args& a) {
  const std::string peer = a.get("PEER");
  if (is_address(peer)) {
    v1::DeletePeerRequest req;
    req.set_address(peer);
    v1::DeletePeerResponse out;
    return s.backend().call(api::kDeletePeer, req, out);
  }
  // FRR: `no neighbor GROUP remote-as ASN` takes the AS from the group, `no neighbor GROUP`
  // deletes it.
  if (a.has("remote-as")) return hand_back(s, peer, {"remote_as", "remote_as_type"});
  return delete_group(s, peer);
}

Status create_peer_group(Session& s, const Args& a) {
  const std::string name = a.get("PEER");
  if (auto st = require_name(name); !st) return st;
  v1::AddPeerGroupRequest req;
  req.set_name(name);
  v1::PeerGroup out;
  auto st = s.backend().call(api::kAddPeerGroup, req, out);
  if (!st && st.error().code == ErrorCode::kAlreadyExists) return {};  // as FRR: entering it again is fine
  return st;
}

Status join_peer_group(Session& s, const Args& a) {
  const std::string peer = a.get("PEER");
  if (auto st = require_address(peer, "only a peer joins a peer-group"); !st) return st;
  auto peers = list_peers(s, peer);
  if (!peers || peers->empty()) {  // a new peer with the group's remote-as
    v1::AddPeerRequest req;
    *req.mutable_peer() = new_peer(peer);
    req.mutable_peer()->set_peer_group(a.get("NAME"));
    v1::Peer out;
    return s.backend().call(api::kAddPeer, req, out);
  }
  v1::PeerConfig c;
  c.set_peer_group(a.get("NAME"));
  return set_fields(s, peer, std::move(c), {"peer_group"});
}

Status leave_peer_group(Session& s, const Args& a) {
  const std::string peer = a.get("PEER");
  if (!is_address(peer)) {
    if (a.has_value("NAME")) return fail(Error::invalid("% " + peer + " is not an address: only a peer leaves a peer-group"));
    return delete_group(s, peer);  // `no neighbor GROUP peer-group`
  }
  auto peers = list_peers(s, peer);
  if (!peers) return fail(peers.error());
  const std::string& in = (*peers)[0].config().peer_group();
  if (in.empty()) return fail(Error::invalid("% peer " + peer + " is in no peer-group"));
  if (a.has_value("NAME") && a.get("NAME") != in) {
    return fail(Error::invalid("% peer " + peer + " is in peer-group " + in + ", not " + a.get("NAME")));
  }
  v1::PeerConfig c;  // peer_group "": it keeps the settings it ran with, as its own
  return set_fields(s, peer, std::move(c), {"peer_group"});
}

// ---- show bgp peer-group ------------------------------------------------------------------

// The group's settings in the command's words, as `show running-config` writes them.
std::vector<std::string> group_settings(const v1::PeerGroup& g) {
  const auto& c = g.config();
  std::set<std::string> set(g.set_fields().begin(), g.set_fields().end());
  auto has = [&](const char* f) { return set.count(f) > 0; };
  std::vector<std::string> out;
  if (has("remote_as")) out.push_back("remote-as " + (c.remote_as_type().empty() ? std::to_string(c.remote_as()) : c.remote_as_type()));
  if (has("description")) out.push_back("description " + c.description());
  if (has("password")) out.push_back("password <hidden>");
  if (has("ebgp_multihop")) out.push_back("ebgp-multihop " + std::to_string(c.ebgp_multihop()));
  if (has("ttl_security")) out.push_back("ttl-security");
  if (has("update_source")) out.push_back("update-source " + c.update_source());
  if (has("passive")) out.push_back("passive");
  if (has("keepalive_time")) out.push_back("timers " + std::to_string(c.keepalive_time()) + " " + std::to_string(c.hold_time()));
  if (has("connect_retry_time")) out.push_back("timers connect " + std::to_string(c.connect_retry_time()));
  if (has("bfd")) out.push_back("bfd");
  if (has("advertisement_interval")) out.push_back("advertisement-interval " + std::to_string(c.advertisement_interval()));
  if (has("maximum_prefix")) {
    out.push_back("maximum-prefix " + std::to_string(c.maximum_prefix()) + (c.maximum_prefix_warning_only() ? " warning-only" : "") +
                  (c.maximum_prefix_restart() ? " restart " + std::to_string(c.maximum_prefix_restart()) : ""));
  }
  if (has("shutdown")) out.push_back("shutdown" + (c.shutdown_message().empty() ? "" : " message " + c.shutdown_message()));
  if (has("route_map_in")) out.push_back("route-map " + c.route_map_in() + " in");
  if (has("route_map_out")) out.push_back("route-map " + c.route_map_out() + " out");
  if (has("next_hop_self")) out.push_back("next-hop-self");
  if (has("weight")) out.push_back("weight " + std::to_string(c.weight()));
  if (has("ipv4_unicast")) out.push_back(std::string(c.ipv4_unicast() ? "" : "no ") + "activate (ipv4 unicast)");
  if (has("ipv6_unicast")) out.push_back(std::string(c.ipv6_unicast() ? "" : "no ") + "activate (ipv6 unicast)");
  return out;
}

Status show_peer_groups(Session& s, const Args& a) {
  v1::ListPeerGroupsRequest req;
  req.set_name(a.get("NAME"));
  v1::ListPeerGroupsResponse r;
  if (auto st = s.backend().call(api::kListPeerGroups, req, r); !st) return st;
  if (a.has("json")) return print_json(s, r);
  auto peers = list_peers(s, "");
  if (!peers) return fail(peers.error());
  for (const auto& g : r.groups()) {
    s.out() << "BGP peer-group " << g.name() << "\n";
    auto settings = group_settings(g);
    if (settings.empty()) s.out() << "  Sets nothing (members use their own settings)\n";
    else s.out() << "  Gives its members (unless they set their own):\n";
    for (const auto& line : settings) s.out() << "    " << line << "\n";
    s.out() << "  Members: " << g.members_size() << "\n";
    for (const auto& m : g.members()) {
      std::string state = "?";
      for (const auto& p : *peers) {
        if (p.config().address() == m) state = p.config().shutdown() ? "Idle (Admin)" : p.state().state();
      }
      s.out() << "    " << m << "  " << state << "\n";
    }
    s.out() << "\n";
  }
  return {};
}

}  // namespace

void add_neighbor_commands(std::vector<CommandSpec>& c, std::map<std::string, std::string>& help) {
  using M = Mode;
  const M B = M::kRouterBgp;
  c.push_back({B, "neighbor PEER remote-as (ASN|external|internal)",
               "Configure a BGP peer (or a peer-group's): its AS, any AS but ours (external) or ours (internal)",
               neighbor_remote_as});
  c.push_back({B, "no neighbor PEER [remote-as ASN]",
               "Remove a BGP peer, or a peer-group (with remote-as: only the group's AS)", no_neighbor});
  c.push_back({B, "neighbor PEER peer-group", "Create a peer-group named PEER", create_peer_group});
  c.push_back({B, "neighbor PEER peer-group NAME",
               "Make the peer a member of peer-group NAME (creating the peer if the group has a remote-as)",
               join_peer_group});
  c.push_back({B, "no neighbor PEER peer-group [NAME]",
               "Take the peer out of its peer-group (it keeps the settings it ran with), or delete the group PEER",
               leave_peer_group});
  setting(c, B, "description TEXT", "description [TEXT]", "Describe the peer", "Remove the description",
          {"description"}, [](v1::PeerConfig& p, const Args& a) { p.set_description(a.get("TEXT")); });
  setting(c, B, "password PASSWORD", "password [PASSWORD]", "TCP MD5 signature (RFC 2385)", "No TCP MD5 signature",
          {"password"}, [](v1::PeerConfig& p, const Args& a) { p.set_password(a.get("PASSWORD")); });
  setting(c, B, "ebgp-multihop [HOPS]", "ebgp-multihop [HOPS]", "eBGP peer not directly connected (TTL)",
          "eBGP peer directly connected", {"ebgp_multihop"}, [](v1::PeerConfig& p, const Args& a) {
            p.set_ebgp_multihop(a.has_value("HOPS") ? number(a, "HOPS") : 255);
          });
  setting(c, B, "ttl-security", "ttl-security", "GTSM (RFC 5082): accept only TTL 255", "No GTSM", {"ttl_security"},
          [](v1::PeerConfig& p, const Args&) { p.set_ttl_security(true); });
  setting(c, B, "update-source SOURCE", "update-source [SOURCE]", "Connect from this local address",
          "Let the kernel choose the source", {"update_source"},
          [](v1::PeerConfig& p, const Args& a) { p.set_update_source(a.get("SOURCE")); });
  setting(c, B, "passive", "passive", "Only accept connections from the peer", "Also connect to the peer", {"passive"},
          [](v1::PeerConfig& p, const Args&) { p.set_passive(true); });
  setting(c, B, "timers KEEPALIVE HOLD", "timers [KEEPALIVE HOLD]", "Keepalive interval and hold time",
          "Default timers (30/90, or the peer-group's)", {"keepalive_time", "hold_time"},
          [](v1::PeerConfig& p, const Args& a) {
            p.set_keepalive_time(number(a, "KEEPALIVE"));
            p.set_hold_time(number(a, "HOLD"));
          });
  setting(c, B, "timers connect SECONDS", "timers connect [SECONDS]", "Connect retry interval",
          "Default connect retry (120 s, or the peer-group's)", {"connect_retry_time"},
          [](v1::PeerConfig& p, const Args& a) { p.set_connect_retry_time(number(a, "SECONDS")); });
  setting(c, B, "bfd", "bfd", "Detect a failed path with BFD; its session is reset at once", "No BFD for the session",
          {"bfd"}, [](v1::PeerConfig& p, const Args&) { p.set_bfd(true); });
  setting(c, B, "shutdown [message TEXT]", "shutdown", "Administratively shut the session down",
          "Bring the session up", {"shutdown", "shutdown_message"}, [](v1::PeerConfig& p, const Args& a) {
            p.set_shutdown(true);
            p.set_shutdown_message(a.get("TEXT"));
          });
  setting(c, B, "maximum-prefix MAXPREFIX [warning-only|restart MINUTES]", "maximum-prefix [MAXPREFIX]",
          "Limit the prefixes accepted from the peer", "No prefix limit",
          {"maximum_prefix", "maximum_prefix_warning_only", "maximum_prefix_restart"},
          [](v1::PeerConfig& p, const Args& a) {
            p.set_maximum_prefix(number(a, "MAXPREFIX"));
            p.set_maximum_prefix_warning_only(a.has("warning-only"));
            p.set_maximum_prefix_restart(a.has_value("MINUTES") ? number(a, "MINUTES") : 0);
          });
  setting(c, B, "advertisement-interval SECONDS", "advertisement-interval [SECONDS]",
          "Minimum interval between UPDATEs to the peer (MRAI)", "No MRAI (send at once)", {"advertisement_interval"},
          [](v1::PeerConfig& p, const Args& a) { p.set_advertisement_interval(number(a, "SECONDS")); });
  for (M m : {M::kRouterBgp, M::kBgpAddressFamily}) {
    setting(c, m, "next-hop-self", "next-hop-self", "Send our own address as next-hop, also to iBGP peers",
            "Keep the next-hop towards iBGP peers", {"next_hop_self"},
            [](v1::PeerConfig& p, const Args&) { p.set_next_hop_self(true); });
    setting(c, m, "weight NUMBER", "weight [NUMBER]", "Local weight of the peer's routes",
            "Weight 0 (or the peer-group's)", {"weight"},
            [](v1::PeerConfig& p, const Args& a) { p.set_weight(number(a, "NUMBER")); });
    c.push_back({m, "neighbor PEER route-map NAME (in|out)",
                 "Apply a route-map to the peer's routes (in: import, out: export)", [](Session& s, const Args& a) {
                   v1::PeerConfig p;
                   bool in = a.has("in");
                   (in ? p.mutable_route_map_in() : p.mutable_route_map_out())->assign(a.get("NAME"));
                   return set_fields(s, a.get("PEER"), std::move(p), {in ? "route_map_in" : "route_map_out"});
                 }});
    c.push_back({m, "no neighbor PEER route-map NAME (in|out)", "Remove the route-map", [](Session& s, const Args& a) {
                   return hand_back(s, a.get("PEER"), {a.has("in") ? "route_map_in" : "route_map_out"});
                 }});
  }
  for (bool on : {true, false}) {
    c.push_back({M::kBgpAddressFamily, on ? "neighbor PEER activate" : "no neighbor PEER activate",
                 on ? "Exchange this family with the peer" : "Do not exchange this family with the peer",
                 [on](Session& s, const Args& a) {
                   bool v6 = s.context("AF") == "ipv6";
                   v1::PeerConfig p;
                   if (v6) p.set_ipv6_unicast(on);
                   else p.set_ipv4_unicast(on);
                   return set_fields(s, a.get("PEER"), std::move(p), {v6 ? "ipv6_unicast" : "ipv4_unicast"});
                 }});
  }
  c.push_back({M::kExec, "show bgp peer-group [NAME] [json]", "BGP peer-groups: what they give their members, and who they are",
               show_peer_groups});
  c.push_back({M::kExec, "show ip bgp peer-group [NAME] [json]", "BGP peer-groups (as show bgp peer-group)",
               show_peer_groups});
  help.insert({{"peer-group", "A group of peers sharing their settings (FRR's peer-group)"}});
}

}  // namespace vgw::routing::cli
