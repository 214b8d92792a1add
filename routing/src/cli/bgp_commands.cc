// BGP commands in FRR's syntax: the `router bgp` block (neighbors, address families,
// networks), `clear bgp`, and the show commands (summary, neighbors, the BGP table with the
// reason the best path won).

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "output.h"
#include "vgw/base/asn.h"
#include "vgw/routing/api/methods.h"
#include "vgw/routing/cli/table.h"
#include "vgw/v1/bfd.pb.h"
#include "vgw/v1/bgp.pb.h"

namespace vgw::routing::cli {

namespace {

namespace api = vgw::routing::api;

// The ASN placeholder (asplain or asdot, already checked by the grammar).
uint32_t asn(const Args& a) { return parse_asn(a.get("ASN")).value(); }

std::string uptime(uint64_t s) {
  char buf[32];
  if (s < 86400) {
    std::snprintf(buf, sizeof buf, "%02u:%02u:%02u", unsigned(s / 3600), unsigned(s / 60 % 60), unsigned(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%ud%02uh%02um", unsigned(s / 86400), unsigned(s / 3600 % 24), unsigned(s / 60 % 60));
  }
  return buf;
}

Status set_bgp(Session& s, const std::function<void(v1::SetBgpRequest&)>& change) {
  v1::SetBgpRequest req;
  req.set_asn(static_cast<uint32_t>(std::stoul(s.context("ASN"))));
  change(req);
  v1::Bgp out;
  return s.backend().call(api::kSetBgp, req, out);
}

Status router_bgp(Session& s, const Args& a) {
  v1::SetBgpRequest req;
  req.set_asn(asn(a));
  v1::Bgp out;
  if (auto st = s.backend().call(api::kSetBgp, req, out); !st) return st;
  s.enter(Mode::kRouterBgp, {{"ASN", std::to_string(out.asn())}});
  return {};
}

// The remote AS as show output writes it: the number in use, or "external" before the OPEN.
std::string remote_as_text(const v1::Peer& p) {
  if (p.state().remote_as()) return std::to_string(p.state().remote_as());
  if (!p.config().remote_as_type().empty()) return p.config().remote_as_type();
  return std::to_string(p.config().remote_as());
}

Status network(Session& s, const Args& a, bool add) {
  bool v6 = s.context("AF") == "ipv6";
  std::string prefix = a.get("PREFIX");
  if ((prefix.find(':') != std::string::npos) != v6) {
    return fail(Error::invalid(std::string("% ") + prefix + " is not an " + (v6 ? "IPv6" : "IPv4") +
                               " prefix (this is address-family " + (v6 ? "ipv6" : "ipv4") + " unicast)"));
  }
  if (add) {
    v1::AddPathRequest req;
    req.set_prefix(prefix);
    v1::AddPathResponse out;
    return s.backend().call(api::kAddPath, req, out);
  }
  v1::DeletePathRequest req;
  req.set_prefix(prefix);
  v1::DeletePathResponse out;
  return s.backend().call(api::kDeletePath, req, out);
}

// Reads the redistribution list, adds or removes one entry, writes the list back.
Status redistribute(Session& s, const Args& a, bool on) {
  v1::Bgp bgp;
  if (auto st = s.backend().call(api::kGetBgp, v1::GetBgpRequest{}, bgp); !st) return st;
  const std::string family = s.context("AF") == "ipv6" ? "ipv6" : "ipv4";
  const std::string protocol = a.has("connected") ? "connected" : "static";
  return set_bgp(s, [&](v1::SetBgpRequest& req) {
    auto* items = req.mutable_redistribute()->mutable_items();
    for (const auto& r : bgp.redistribute()) {
      if (r.family() != family || r.protocol() != protocol) *items->Add() = r;
    }
    if (on) {
      auto* r = items->Add();
      r->set_family(family);
      r->set_protocol(protocol);
    }
  });
}

// ---- show -----------------------------------------------------------------------------------

Status show_summary(Session& s, const Args& a) {
  v1::Bgp bgp;
  if (auto st = s.backend().call(api::kGetBgp, v1::GetBgpRequest{}, bgp); !st) return st;
  auto peers = list_peers(s, "");
  if (!peers) return fail(peers.error());
  if (a.has("json")) {
    s.out() << "{\n \"bgp\": " << to_json(bgp, false) << ",\n \"peers\": [";
    for (size_t i = 0; i < peers->size(); ++i) s.out() << (i ? ",\n  " : "\n  ") << to_json((*peers)[i], false);
    s.out() << (peers->empty() ? "]\n}\n" : "\n ]\n}\n");
    return {};
  }
  s.out() << "BGP router identifier " << (bgp.router_id_in_use().empty() ? "(none)" : bgp.router_id_in_use())
          << ", local AS number " << bgp.asn() << "\n";
  if (!bgp.problem().empty()) s.out() << "Not running: " << bgp.problem() << "\n";
  s.out() << "BGP table: " << bgp.destinations_ipv4() << " IPv4 and " << bgp.destinations_ipv6()
          << " IPv6 destinations, " << bgp.attribute_sets() << " attribute sets, memory "
          << bgp.memory_bytes() / 1024 << " KiB\n";
  s.out() << "Update groups: " << bgp.update_groups() << " (" << bgp.export_shared() << " of "
          << bgp.export_shared() + bgp.export_evaluations() << " export evaluations shared)\n\n";
  Table t({"Neighbor", "V", "AS", "MsgRcvd", "MsgSent", "Up/Down", "State/PfxRcd", "PfxSnt", "Desc"});
  for (const auto& p : *peers) {
    const auto& st = p.state();
    std::string state;
    if (p.config().shutdown()) state = "Idle (Admin)";
    else if (st.state() == "Established") {
      state = std::to_string(st.prefixes_accepted_ipv4() + st.prefixes_accepted_ipv6());
      if (st.policy_blocks_import()) state = "(Policy)";
    } else state = st.state();
    std::string sent = st.state() == "Established"
                           ? (st.policy_blocks_export() ? "(Policy)"
                                                        : std::to_string(st.prefixes_advertised_ipv4() +
                                                                         st.prefixes_advertised_ipv6()))
                           : "0";
    t.add({p.config().address(), "4", remote_as_text(p), std::to_string(st.messages_received()),
           std::to_string(st.messages_sent()),
           st.state() == "Established"      ? uptime(st.state_seconds())
           : st.established_transitions() ? uptime(st.down_seconds())
                                            : "never",
           state, sent, p.config().description()});
  }
  t.print(s.out());
  s.out() << "\nTotal number of neighbors " << peers->size() << "\n";
  return {};
}

// FRR's "BFD:" lines of a neighbor with `bfd`: the session's state and timers in force.
void print_neighbor_bfd(Session& s, const std::string& address) {
  v1::ListBfdPeersRequest req;
  req.set_peer(address);
  v1::ListBfdPeersResponse r;
  if (!s.backend().call(api::kListBfdPeers, req, r) || r.peers().empty()) {
    s.out() << "  BFD: Type: single hop, no session\n";
    return;
  }
  const auto& st = r.peers(0).state();
  s.out() << "  BFD: Type: single hop\n    Detect Multiplier: " << r.peers(0).config().detect_multiplier()
          << ", Min Rx interval: " << r.peers(0).config().receive_interval_ms()
          << ", Min Tx interval: " << r.peers(0).config().transmit_interval_ms() << "\n    Status: " << st.status();
  if (st.detection_time_ms()) s.out() << ", detection time " << st.detection_time_ms() << " ms";
  if (!st.reason().empty()) s.out() << " (" << st.reason() << ")";
  s.out() << "\n";
}

Status show_neighbors(Session& s, const Args& a) {
  auto peers = list_peers(s, a.get("ADDRESS"));
  if (!peers) return fail(peers.error());
  if (a.has("json")) {
    s.out() << "[";
    for (size_t i = 0; i < peers->size(); ++i) s.out() << (i ? ",\n " : "\n ") << to_json((*peers)[i], false);
    s.out() << (peers->empty() ? "]\n" : "\n]\n");
    return {};
  }
  for (const auto& p : *peers) {
    const auto& c = p.config();
    const auto& st = p.state();
    s.out() << "BGP neighbor is " << c.address() << ", remote AS " << remote_as_text(p) << ", local AS "
            << st.local_as() << ", " << (st.external() ? "external" : "internal") << " link\n";
    if (!c.description().empty()) s.out() << " Description: " << c.description() << "\n";
    if (!c.peer_group().empty()) {
      s.out() << "  Member of peer-group " << c.peer_group();
      std::vector<std::string> from;
      for (const auto& f : c.inherited_fields()) {
        auto w = peer_setting_words(f);
        if (std::find(from.begin(), from.end(), w) == from.end()) from.push_back(w);
      }
      for (size_t i = 0; i < from.size(); ++i) s.out() << (i ? ", " : "; from it: ") << from[i];
      s.out() << "\n";
    }
    s.out() << "  BGP state = " << st.state() << (c.shutdown() ? " (administratively shut down)" : "")
            << ", for " << uptime(st.state_seconds()) << "\n";
    if (!st.remote_id().empty()) s.out() << "  Remote router ID " << st.remote_id() << "\n";
    if (st.hold_time() || st.keepalive_time()) {
      s.out() << "  Hold time " << st.hold_time() << " s, keepalive " << st.keepalive_time()
              << " s (configured " << c.hold_time() << "/" << c.keepalive_time() << ")\n";
    }
    if (st.capabilities_size()) {
      s.out() << "  Capabilities:";
      for (const auto& cap : st.capabilities()) s.out() << " " << cap;
      s.out() << "\n";
    }
    s.out() << "  Messages: received " << st.messages_received() << " (" << st.updates_received()
            << " updates, " << st.notifications_received() << " notifications), sent " << st.messages_sent()
            << " (" << st.updates_sent() << " updates, " << st.notifications_sent() << " notifications)\n";
    s.out() << "  Prefixes: accepted " << st.prefixes_accepted_ipv4() << " IPv4, " << st.prefixes_accepted_ipv6()
            << " IPv6; advertised " << st.prefixes_advertised_ipv4() << " IPv4, " << st.prefixes_advertised_ipv6()
            << " IPv6; denied by policy " << st.prefixes_denied() << "\n";
    if (st.prefixes_first_as_mismatch() || st.prefixes_martian_next_hop() || st.prefixes_as_path_loop() ||
        st.treat_as_withdraw()) {
      s.out() << "  Ignored: " << st.prefixes_first_as_mismatch() << " not starting with the peer's AS, "
              << st.prefixes_martian_next_hop() << " with a martian next hop, " << st.prefixes_as_path_loop()
              << " with our AS in the path; " << st.treat_as_withdraw()
              << " malformed UPDATEs treated as withdraw (RFC 7606)\n";
    }
    if (st.policy_blocks_import() || st.policy_blocks_export()) {
      s.out() << "  RFC 8212: no policy, so " << (st.policy_blocks_import() ? "nothing is accepted" : "")
              << (st.policy_blocks_import() && st.policy_blocks_export() ? " and " : "")
              << (st.policy_blocks_export() ? "nothing is sent" : "")
              << " (add route-maps or `no bgp ebgp-requires-policy`)\n";
    }
    s.out() << "  Connections established " << st.established_transitions() << "\n";
    if (!st.last_error().empty()) {
      s.out() << "  Last reset: " << st.last_error();
      if (st.last_error_code()) s.out() << " (code " << st.last_error_code() << "/" << st.last_error_subcode() << ")";
      s.out() << "\n";
    }
    if (!st.connect_error().empty()) s.out() << "  Last connection attempt: " << st.connect_error() << "\n";
    if (c.bfd()) print_neighbor_bfd(s, c.address());
    if (!st.local_address().empty()) {
      s.out() << "  Local host: " << st.local_address() << ", port " << st.local_port() << "; foreign port "
              << st.remote_port() << "\n";
    }
    s.out() << "\n";
  }
  return {};
}

void print_path_line(std::ostream& out, const v1::Path& p, bool first) {
  std::string status = std::string(p.stale() ? "S" : "") + (p.reachable() ? "*" : " ") +
                       (p.best() ? ">" : (p.multipath() ? "=" : " "));
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-4s%-19s %-16s %10s %6u %6u ", status.c_str(), first ? p.prefix().c_str() : "",
                p.peer().empty() ? "0.0.0.0" : p.next_hop().c_str(), p.has_med() ? std::to_string(p.med()).c_str() : "",
                p.local_pref(), p.weight());
  out << buf << (p.as_path().empty() ? "" : p.as_path() + " ")
      << (p.origin() == "IGP" ? "i" : p.origin() == "EGP" ? "e" : "?") << "\n";
}

Handler show_table(bool v6) {
  return [v6](Session& s, const Args& a) -> Status {
    v1::ListPathRequest req;
    req.set_family(v6 ? v1::IPV6 : v1::IPV4);
    req.set_prefix(a.get("PREFIX"));
    bool json = a.has("json");
    bool detail = a.has_value("PREFIX");
    v1::ListPathResponse batch;
    bool first_msg = true;
    if (json) s.out() << "{\n \"paths\": [";
    else if (!detail) {
      s.out() << "Status codes: * valid, > best, = multipath, S stale\nOrigin codes: i - IGP, e - EGP, ? - incomplete\n\n"
              << "    Network             Next Hop           Metric LocPrf Weight Path\n";
    }
    std::string last_prefix;
    size_t count = 0;
    auto st = s.backend().stream(api::kListPath, req, batch, [&]() -> Status {
      for (const auto& p : batch.paths()) {
        ++count;
        if (json) {
          s.out() << (first_msg ? "\n  " : ",\n  ") << to_json(p, false);
          first_msg = false;
        } else if (detail) {
          s.out() << (p.best() ? "Best path" : "Path") << " from " << (p.peer().empty() ? "local" : p.peer())
                  << (p.peer_as() ? " (AS " + std::to_string(p.peer_as()) + ")" : "") << "\n"
                  << "  AS path: " << (p.as_path().empty() ? "(empty)" : p.as_path()) << ", origin " << p.origin()
                  << ", next hop " << p.next_hop() << (p.reachable() ? "" : " (unreachable)") << "\n"
                  << "  local-pref " << p.local_pref() << ", weight " << p.weight()
                  << (p.has_med() ? ", MED " + std::to_string(p.med()) : "") << (p.external() ? ", external" : ", internal")
                  << (p.multipath() ? ", multipath" : "") << (p.stale() ? ", stale" : "") << "\n";
          if (p.communities_size()) {
            s.out() << "  Communities:";
            for (const auto& c : p.communities()) s.out() << " " << c;
            s.out() << "\n";
          }
          if (p.large_communities_size()) {
            s.out() << "  Large communities:";
            for (const auto& c : p.large_communities()) s.out() << " " << c;
            s.out() << "\n";
          }
          if (!p.reason().empty()) s.out() << "  " << (p.best() ? "Selected: " : "Not selected: ") << p.reason() << "\n";
          s.out() << "\n";
        } else {
          print_path_line(s.out(), p, p.prefix() != last_prefix);
          last_prefix = p.prefix();
        }
      }
      return {};
    });
    if (json) s.out() << (first_msg ? "]\n}\n" : "\n ]\n}\n");
    else if (detail && count == 0 && st) return fail(Error::not_found("% Network not in table"));
    else if (!detail && st) s.out() << "\nDisplayed " << count << " path(s)\n";
    return st;
  };
}

Status show_neighbor_routes(Session& s, const Args& a) {
  v1::ListPathRequest req;
  req.set_table(a.has("advertised-routes") ? v1::ListPathRequest::ADJ_RIB_OUT : v1::ListPathRequest::ADJ_RIB_IN);
  req.set_peer(a.get("ADDRESS"));
  req.set_family(a.get("ADDRESS").find(':') != std::string::npos && !a.has("ipv4") ? v1::IPV6 : v1::IPV4);
  if (a.has("ipv6")) req.set_family(v1::IPV6);
  v1::ListPathResponse batch;
  bool json = a.has("json"), first = true;
  size_t count = 0;
  if (json) s.out() << "{\n \"paths\": [";
  else s.out() << "    Network             Next Hop           Metric LocPrf Weight Path\n";
  auto st = s.backend().stream(api::kListPath, req, batch, [&]() -> Status {
    for (const auto& p : batch.paths()) {
      ++count;
      if (json) {
        s.out() << (first ? "\n  " : ",\n  ") << to_json(p, false);
        first = false;
      } else {
        print_path_line(s.out(), p, true);
      }
    }
    return {};
  });
  if (json) s.out() << (first ? "]\n}\n" : "\n ]\n}\n");
  else if (st) s.out() << "\nTotal number of prefixes " << count << "\n";
  return st;
}

Status clear_bgp(Session& s, const Args& a) {
  std::vector<std::string> targets;
  if (a.has("*")) {
    auto peers = list_peers(s, "");
    if (!peers) return fail(peers.error());
    for (const auto& p : *peers) targets.push_back(p.config().address());
  } else if (a.has("peer-group")) {
    v1::ListPeerGroupsRequest req;
    req.set_name(a.get("NAME"));
    v1::ListPeerGroupsResponse r;
    if (auto st = s.backend().call(api::kListPeerGroups, req, r); !st) return st;
    for (const auto& m : r.groups(0).members()) targets.push_back(m);
  } else {
    targets.push_back(a.get("ADDRESS"));
  }
  for (const auto& t : targets) {
    v1::ResetPeerRequest req;
    req.set_address(t);
    req.set_soft(a.has("soft"));
    req.set_direction(a.has("in") ? v1::ResetPeerRequest::IN : a.has("out") ? v1::ResetPeerRequest::OUT
                                                                              : v1::ResetPeerRequest::BOTH);
    v1::ResetPeerResponse out;
    if (auto st = s.backend().call(api::kResetPeer, req, out); !st) return st;
  }
  return {};
}

}  // namespace

void add_bgp_commands(std::vector<CommandSpec>& c, std::map<std::string, std::string>& help) {
  using M = Mode;
  add_neighbor_commands(c, help);
  c.push_back({M::kConfig, "router bgp ASN", "Start BGP (or enter its configuration)", router_bgp});
  c.push_back({M::kConfig, "no router bgp [ASN]", "Stop BGP and remove its configuration", [](Session& s, const Args& a) {
                 if (a.has_value("ASN")) {
                   v1::Bgp bgp;
                   if (auto st = s.backend().call(api::kGetBgp, v1::GetBgpRequest{}, bgp); !st) return st;
                   if (bgp.asn() != asn(a)) {
                     return Status(fail(Error::invalid("% BGP runs with AS " + std::to_string(bgp.asn()) +
                                                       ", not " + a.get("ASN"))));
                   }
                 }
                 v1::DeleteBgpResponse out;
                 return s.backend().call(api::kDeleteBgp, v1::DeleteBgpRequest{}, out);
               }});
  c.push_back({M::kRouterBgp, "bgp router-id ADDRESS4", "Set the BGP identifier", [](Session& s, const Args& a) {
                 return set_bgp(s, [&](v1::SetBgpRequest& r) { r.set_router_id(a.get("ADDRESS4")); });
               }});
  c.push_back({M::kRouterBgp, "no bgp router-id [ADDRESS4]", "Choose the BGP identifier from the interfaces",
               [](Session& s, const Args&) { return set_bgp(s, [](v1::SetBgpRequest& r) { r.set_router_id(""); }); }});
  c.push_back({M::kRouterBgp, "bgp ebgp-requires-policy", "RFC 8212: no eBGP routes in or out without a policy",
               [](Session& s, const Args&) { return set_bgp(s, [](v1::SetBgpRequest& r) { r.set_ebgp_requires_policy(true); }); }});
  c.push_back({M::kRouterBgp, "no bgp ebgp-requires-policy", "Exchange eBGP routes without a policy",
               [](Session& s, const Args&) { return set_bgp(s, [](v1::SetBgpRequest& r) { r.set_ebgp_requires_policy(false); }); }});
  c.push_back({M::kRouterBgp, "bgp bestpath as-path multipath-relax", "Multipath across different neighbour ASes",
               [](Session& s, const Args&) { return set_bgp(s, [](v1::SetBgpRequest& r) { r.set_multipath_relax(true); }); }});
  c.push_back({M::kRouterBgp, "no bgp bestpath as-path multipath-relax", "Multipath only within one neighbour AS",
               [](Session& s, const Args&) { return set_bgp(s, [](v1::SetBgpRequest& r) { r.set_multipath_relax(false); }); }});
  for (M m : {M::kRouterBgp, M::kBgpAddressFamily}) {
    c.push_back({m, "maximum-paths PATHS", "Install up to PATHS equal BGP paths (ECMP)", [](Session& s, const Args& a) {
                   return set_bgp(s, [&](v1::SetBgpRequest& r) { r.set_maximum_paths(number(a, "PATHS")); });
                 }});
    c.push_back({m, "no maximum-paths [PATHS]", "One best path only",
                 [](Session& s, const Args&) { return set_bgp(s, [](v1::SetBgpRequest& r) { r.set_maximum_paths(1); }); }});
  }
  c.push_back({M::kRouterBgp, "address-family (ipv4|ipv6) unicast", "Configure an address family",
               [](Session& s, const Args& a) {
                 s.enter(Mode::kBgpAddressFamily, {{"AF", a.has("ipv6") ? "ipv6" : "ipv4"}});
                 return Status{};
               }});
  c.push_back({M::kRouterBgp, "exit", "Leave the router bgp block", [](Session& s, const Args&) {
                 s.leave();
                 return Status{};
               }});
  c.push_back({M::kBgpAddressFamily, "network PREFIX", "Originate a prefix",
               [](Session& s, const Args& a) { return network(s, a, true); }});
  c.push_back({M::kBgpAddressFamily, "no network PREFIX", "Stop originating a prefix",
               [](Session& s, const Args& a) { return network(s, a, false); }});
  for (bool on : {true, false}) {
    c.push_back({M::kBgpAddressFamily, on ? "redistribute (connected|static)" : "no redistribute (connected|static)",
                 on ? "Originate the RIB's connected or static routes into BGP"
                    : "Stop redistributing connected or static routes",
                 [on](Session& s, const Args& a) { return redistribute(s, a, on); }});
  }
  for (M m : {M::kBgpAddressFamily}) {
    c.push_back({m, "exit-address-family", "Leave the address-family block", [](Session& s, const Args&) {
                   s.leave();
                   return Status{};
                 }});
    c.push_back({m, "exit", "Leave the address-family block", [](Session& s, const Args&) {
                   s.leave();
                   return Status{};
                 }});
  }

  c.push_back({M::kExec, "show bgp summary [json]", "BGP peers at a glance", show_summary});
  c.push_back({M::kExec, "show bgp neighbors [ADDRESS] [json]", "BGP peers in detail, with why they went down",
               show_neighbors});
  c.push_back({M::kExec, "show bgp neighbors ADDRESS (received-routes|advertised-routes) [ipv4|ipv6] [json]",
               "Routes accepted from or advertised to a peer", show_neighbor_routes});
  c.push_back({M::kExec, "show bgp ipv4 unicast [PREFIX] [json]", "The IPv4 BGP table, or one prefix's paths and why the best won",
               show_table(false)});
  c.push_back({M::kExec, "show bgp ipv6 unicast [PREFIX] [json]", "The IPv6 BGP table, or one prefix's paths",
               show_table(true)});
  c.push_back({M::kExec, "clear bgp (ADDRESS|*) [soft [in|out]]", "Reset BGP sessions (soft: route refresh)", clear_bgp});
  c.push_back({M::kExec, "clear bgp peer-group NAME [soft [in|out]]",
               "Reset the sessions of a peer-group's members (soft: route refresh)", clear_bgp});
  // The older spellings vtysh users type.
  c.push_back({M::kExec, "show ip bgp [PREFIX] [json]", "The IPv4 BGP table (as show bgp ipv4 unicast)",
               show_table(false)});
  c.push_back({M::kExec, "show ip bgp summary [json]", "BGP peers at a glance (as show bgp summary)", show_summary});
  c.push_back({M::kExec, "show ip bgp neighbors [ADDRESS] [json]", "BGP peers in detail (as show bgp neighbors)",
               show_neighbors});

  help.insert({{"router", "Routing protocol"},
               {"bgp", "BGP"},
               {"router-id", "BGP identifier"},
               {"ebgp-requires-policy", "RFC 8212 policy requirement for eBGP"},
               {"bestpath", "Best path selection"},
               {"as-path", "AS path"},
               {"multipath-relax", "Multipath across different neighbour ASes"},
               {"maximum-paths", "ECMP paths"},
               {"neighbor", "A BGP peer (an address) or peer-group (a name)"},
               {"remote-as", "The peer's AS"},
               {"external", "Any AS but ours (learned from the peer's OPEN)"},
               {"internal", "Our own AS (iBGP)"},
               {"password", "TCP MD5 password"},
               {"ebgp-multihop", "eBGP TTL"},
               {"ttl-security", "GTSM (RFC 5082)"},
               {"update-source", "Local source address"},
               {"passive", "Only accept connections"},
               {"timers", "BGP timers"},
               {"connect", "Connect retry timer"},
               {"shutdown", "Administrative shutdown"},
               {"message", "Shutdown communication (RFC 8203)"},
               {"maximum-prefix", "Prefix limit"},
               {"warning-only", "Only warn"},
               {"restart", "Restart after MINUTES"},
               {"address-family", "Address family block"},
               {"ipv4", "IPv4"},
               {"unicast", "Unicast"},
               {"network", "Originate a prefix"},
               {"redistribute", "Originate routes of another protocol"},
               {"advertisement-interval", "Minimum route advertisement interval (MRAI)"},
               {"next-hop-self", "Our address as next-hop"},
               {"connected", "Connected routes (interface networks)"},
               {"static", "Static routes"},
               {"activate", "Enable the family for the peer"},
               {"exit-address-family", "Leave the address-family block"},
               {"summary", "Summary"},
               {"bgp summary", "One line per BGP session: state, up/down time, prefixes"},
               {"neighbor weight", "Local weight of the peer's routes (the first tie-breaker of the best path)"},
               {"neighbors", "BGP peers"},
               {"received-routes", "Routes accepted from the peer"},
               {"advertised-routes", "Routes advertised to the peer"},
               {"clear", "Reset"},
               {"*", "All peers"},
               {"soft", "Soft reset (route refresh)"},
               {"in", "Inbound"},
               {"out", "Outbound"}});
}

}  // namespace vgw::routing::cli
