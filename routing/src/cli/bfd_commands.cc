// BFD commands in FRR's words: the `bfd` block with its `peer` sub-blocks (detect-multiplier,
// receive-interval, transmit-interval, shutdown), `bfd [...]` in a tunnel block, and
// `show bfd peers` / `show bfd peer` in FRR's layout (text and JSON keys). `neighbor X bfd`
// lives with the other neighbor commands (bgp_commands.cc).
#include <google/protobuf/struct.pb.h>

#include <chrono>
#include <sstream>

#include "output.h"
#include "vgw/routing/api/methods.h"
#include "vgw/routing/cli/table.h"
#include "vgw/v1/bfd.pb.h"
#include "vgw/v1/tunnel.pb.h"

namespace vgw::routing::cli {

namespace {

namespace api = vgw::routing::api;

Status set_peer(Session& s, const std::function<void(v1::SetBfdPeerRequest&)>& change) {
  v1::SetBfdPeerRequest req;
  req.set_peer(s.context("BFDPEER"));
  req.set_interface(s.context("BFDIFNAME"));
  change(req);
  v1::BfdPeer out;
  return s.backend().call(api::kSetBfdPeer, req, out);
}

Status peer_block(Session& s, const Args& a) {
  v1::SetBfdPeerRequest req;
  req.set_peer(a.get("ADDRESS"));
  req.set_interface(a.get("IFNAME"));
  if (a.has("local-address")) req.set_local_address(a.get("SOURCE"));
  v1::BfdPeer out;
  if (auto st = s.backend().call(api::kSetBfdPeer, req, out); !st) return st;
  s.enter(Mode::kBfdPeer, {{"BFDPEER", a.get("ADDRESS")}, {"BFDIFNAME", a.get("IFNAME")}});
  return {};
}

// ---- show ------------------------------------------------------------------------------------

std::string duration_words(uint64_t seconds) {
  // FRR: "1 day(s), 2 hour(s), 3 minute(s), 4 second(s)", largest units first, zeros left out.
  std::ostringstream o;
  const std::pair<uint64_t, const char*> units[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
  bool first = true;
  for (const auto& [size, name] : units) {
    uint64_t n = seconds / size;
    seconds %= size;
    if (n == 0 && !(size == 1 && first)) continue;
    o << (first ? "" : ", ") << n << " " << name << "(s)";
    first = false;
  }
  return o.str();
}

uint64_t age_seconds(uint64_t since_unix_ms) {
  auto now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
  return since_unix_ms && now > since_unix_ms ? (now - since_unix_ms) / 1000 : 0;
}

void print_peer(std::ostream& o, const v1::BfdPeer& p, bool counters) {
  const auto& c = p.config();
  const auto& st = p.state();
  o << "\tpeer " << c.peer();
  if (!st.local_address().empty()) o << " local-address " << st.local_address();
  o << " vrf default";
  if (!c.interface().empty()) o << " interface " << c.interface();
  o << "\n";
  if (counters) {
    const auto& k = st.counters();
    o << "\t\tControl packet input: " << k.control_packets_in() << " packets\n"
      << "\t\tControl packet output: " << k.control_packets_out() << " packets\n"
      << "\t\tControl packets dropped: " << k.dropped() << "\n";
    for (const auto& [why, n] : k.drops()) o << "\t\t\t" << why << ": " << n << "\n";
    o << "\t\tSend errors: " << k.send_errors() << "\n"
      << "\t\tSession up events: " << k.up_events() << "\n"
      << "\t\tSession down events: " << k.down_events() << "\n";
    return;
  }
  o << "\t\tID: " << st.local_id() << "\n\t\tRemote ID: " << st.remote_id() << "\n";
  o << "\t\tActive mode\n";
  o << "\t\tStatus: " << st.status() << "\n";
  uint64_t age = age_seconds(st.since_unix_ms());
  o << (st.status() == "up" ? "\t\tUptime: " : "\t\tDowntime: ") << duration_words(age) << "\n";
  if (!st.reason().empty()) o << "\t\tLast change: " << st.reason() << "\n";
  o << "\t\tDiagnostics: " << st.diagnostic() << "\n\t\tRemote diagnostics: " << st.remote_diagnostic() << "\n";
  o << "\t\tPeer Type: " << (p.configured() ? "configured" : "dynamic") << "\n";
  o << "\t\tClients:";
  for (const auto& client : st.clients()) o << " " << client;
  o << "\n";
  if (!st.problem().empty()) o << "\t\tProblem: " << st.problem() << "\n";
  o << "\t\tLocal timers:\n"
    << "\t\t\tDetect-multiplier: " << c.detect_multiplier() << "\n"
    << "\t\t\tReceive interval: " << c.receive_interval_ms() << "ms\n"
    << "\t\t\tTransmission interval: " << c.transmit_interval_ms() << "ms\n"
    << "\t\t\tEcho receive interval: disabled\n"
    << "\t\t\tEcho transmission interval: disabled\n";
  o << "\t\tRemote timers:\n"
    << "\t\t\tDetect-multiplier: " << st.remote_detect_multiplier() << "\n"
    << "\t\t\tReceive interval: " << st.remote_receive_interval_ms() << "ms\n"
    << "\t\t\tTransmission interval: " << st.remote_transmit_interval_ms() << "ms\n"
    << "\t\t\tEcho receive interval: disabled\n";
  o << "\t\tIn force: transmit every " << st.negotiated_transmit_interval_ms() << "ms, detection time ";
  if (st.detection_time_ms()) {
    o << st.detection_time_ms() << "ms";
  } else {
    o << "- (nothing received)";
  }
  if (st.poll_in_progress()) o << ", Poll sequence in progress";
  o << "\n";
}

// FRR's JSON keys (bfdd's `show bfd peers json`), then vgw's own.
google::protobuf::Value peer_json(const v1::BfdPeer& p, bool counters) {
  google::protobuf::Value v;
  auto& f = *v.mutable_struct_value()->mutable_fields();
  const auto& c = p.config();
  const auto& st = p.state();
  auto str = [&](const char* k, const std::string& s) { f[k].set_string_value(s); };
  auto number = [&](const char* k, double n) { f[k].set_number_value(n); };
  f["multihop"].set_bool_value(false);
  str("peer", c.peer());
  if (!st.local_address().empty()) str("local", st.local_address());
  str("vrf", "default");
  if (!c.interface().empty()) str("interface", c.interface());
  if (counters) {
    const auto& k = st.counters();
    number("control-packet-input", static_cast<double>(k.control_packets_in()));
    number("control-packet-output", static_cast<double>(k.control_packets_out()));
    number("control-packet-dropped", static_cast<double>(k.dropped()));
    number("send-errors", static_cast<double>(k.send_errors()));
    number("session-up", static_cast<double>(k.up_events()));
    number("session-down", static_cast<double>(k.down_events()));
    auto& drops = *f["drops"].mutable_struct_value()->mutable_fields();
    for (const auto& [why, n] : k.drops()) drops[why].set_number_value(static_cast<double>(n));
    return v;
  }
  number("id", st.local_id());
  number("remote-id", st.remote_id());
  f["passive-mode"].set_bool_value(false);
  str("status", st.status());
  number(st.status() == "up" ? "uptime" : "downtime", static_cast<double>(age_seconds(st.since_unix_ms())));
  str("diagnostic", st.diagnostic());
  str("remote-diagnostic", st.remote_diagnostic());
  str("peer-type", p.configured() ? "configured" : "dynamic");
  number("receive-interval", c.receive_interval_ms());
  number("transmit-interval", c.transmit_interval_ms());
  number("echo-receive-interval", 0);
  number("echo-transmit-interval", 0);
  number("detect-multiplier", c.detect_multiplier());
  number("remote-receive-interval", st.remote_receive_interval_ms());
  number("remote-transmit-interval", st.remote_transmit_interval_ms());
  number("remote-echo-receive-interval", 0);
  number("remote-detect-multiplier", st.remote_detect_multiplier());
  // vgw's additions
  f["shutdown"].set_bool_value(c.shutdown());
  str("remote-status", st.remote_status());
  str("reason", st.reason());
  number("negotiated-transmit-interval", st.negotiated_transmit_interval_ms());
  number("detection-time", st.detection_time_ms());
  f["poll-in-progress"].set_bool_value(st.poll_in_progress());
  number("source-port", st.source_port());
  auto& clients = *f["clients"].mutable_list_value();
  for (const auto& client : st.clients()) clients.add_values()->set_string_value(client);
  if (!st.problem().empty()) str("problem", st.problem());
  return v;
}

Status show_peers(Session& s, const Args& a) {
  v1::ListBfdPeersRequest req;
  req.set_peer(a.get("ADDRESS"));
  req.set_interface(a.get("IFNAME"));
  v1::ListBfdPeersResponse r;
  if (auto st = s.backend().call(api::kListBfdPeers, req, r); !st) return st;
  bool counters = a.has("counters");
  if (a.has("json")) {
    if (a.has_value("ADDRESS")) {
      s.out() << to_json(peer_json(r.peers(0), counters), true) << "\n";
      return {};
    }
    google::protobuf::Value list;
    for (const auto& p : r.peers()) *list.mutable_list_value()->add_values() = peer_json(p, counters);
    if (r.peers().empty()) list.mutable_list_value();
    s.out() << to_json(list, true) << "\n";
    return {};
  }
  auto& o = s.out();
  o << (counters ? "BFD Peers (counters):\n" : "BFD Peers:\n");
  if (!r.problem().empty()) o << "% " << r.problem() << "\n";
  for (const auto& p : r.peers()) {
    print_peer(o, p, counters);
    o << "\n";
  }
  if (r.peers().empty()) o << "\t(none: configure `bfd` / `peer ADDRESS`, `neighbor ADDRESS bfd` or `bfd` in a tunnel)\n";
  if (counters || !a.has_value("ADDRESS")) {
    const auto& g = r.counters();
    o << "Received on UDP 3784: " << g.received() << "; dropped: " << g.bad_ttl() << " with TTL not 255, "
      << g.malformed() << " malformed, " << g.no_session() << " for no session\n";
    for (const auto& [why, n] : g.drops()) o << "\t" << why << ": " << n << "\n";
  }
  return {};
}

// FRR's `show bfd peers brief`: one line per session.
Status show_brief(Session& s, const Args& a) {
  v1::ListBfdPeersResponse r;
  if (auto st = s.backend().call(api::kListBfdPeers, v1::ListBfdPeersRequest{}, r); !st) return st;
  if (a.has("json")) {
    google::protobuf::Value list;
    list.mutable_list_value();
    for (const auto& p : r.peers()) {
      google::protobuf::Value v;
      auto& f = *v.mutable_struct_value()->mutable_fields();
      f["id"].set_number_value(p.state().local_id());
      f["local"].set_string_value(p.state().local_address());
      f["peer"].set_string_value(p.config().peer());
      f["interface"].set_string_value(p.config().interface());
      f["status"].set_string_value(p.state().status());
      *list.mutable_list_value()->add_values() = v;
    }
    s.out() << to_json(list, true) << "\n";
    return {};
  }
  s.out() << "Session count: " << r.peers_size() << "\n";
  Table t({"SessionId", "LocalAddress", "PeerAddress", "Interface", "Status"});
  for (const auto& p : r.peers()) {
    t.add({std::to_string(p.state().local_id()), p.state().local_address().empty() ? "-" : p.state().local_address(),
           p.config().peer(), p.config().interface().empty() ? "-" : p.config().interface(), p.state().status()});
  }
  t.print(s.out());
  return {};
}

}  // namespace

void add_bfd_commands(std::vector<CommandSpec>& c, std::map<std::string, std::string>& help) {
  using M = Mode;
  c.push_back({M::kConfig, "bfd", "BFD peers: fast detection of a failed path (RFC 5880, 5881)", [](Session& s, const Args&) {
                 s.enter(Mode::kBfd);
                 return Status{};
               }});
  c.push_back({M::kBfd, "peer ADDRESS [local-address SOURCE] [interface IFNAME]",
               "Create or change a BFD session with a peer (single hop)", peer_block});
  c.push_back({M::kBfd, "no peer ADDRESS [local-address SOURCE] [interface IFNAME]", "Remove a configured BFD peer",
               [](Session& s, const Args& a) {
                 v1::DeleteBfdPeerRequest req;
                 req.set_peer(a.get("ADDRESS"));
                 req.set_interface(a.get("IFNAME"));
                 v1::DeleteBfdPeerResponse out;
                 return s.backend().call(api::kDeleteBfdPeer, req, out);
               }});
  c.push_back({M::kBfd, "exit", "Leave the bfd block", [](Session& s, const Args&) {
                 s.leave();
                 return Status{};
               }});
  c.push_back({M::kBfdPeer, "detect-multiplier MULTIPLIER", "Packets missed before the session is down (default 3)",
               [](Session& s, const Args& a) {
                 return set_peer(s, [&](v1::SetBfdPeerRequest& r) { r.set_detect_multiplier(number(a, "MULTIPLIER")); });
               }});
  c.push_back({M::kBfdPeer, "no detect-multiplier [MULTIPLIER]", "The default multiplier (3)", [](Session& s, const Args&) {
                 return set_peer(s, [](v1::SetBfdPeerRequest& r) { r.set_detect_multiplier(3); });
               }});
  c.push_back({M::kBfdPeer, "receive-interval RXINTERVAL", "The fastest we accept packets (default 300 ms)",
               [](Session& s, const Args& a) {
                 return set_peer(s, [&](v1::SetBfdPeerRequest& r) { r.set_receive_interval_ms(number(a, "RXINTERVAL")); });
               }});
  c.push_back({M::kBfdPeer, "no receive-interval [RXINTERVAL]", "The default receive interval (300 ms)",
               [](Session& s, const Args&) {
                 return set_peer(s, [](v1::SetBfdPeerRequest& r) { r.set_receive_interval_ms(300); });
               }});
  c.push_back({M::kBfdPeer, "transmit-interval TXINTERVAL", "The fastest we want to send (default 300 ms)",
               [](Session& s, const Args& a) {
                 return set_peer(s, [&](v1::SetBfdPeerRequest& r) { r.set_transmit_interval_ms(number(a, "TXINTERVAL")); });
               }});
  c.push_back({M::kBfdPeer, "no transmit-interval [TXINTERVAL]", "The default transmit interval (300 ms)",
               [](Session& s, const Args&) {
                 return set_peer(s, [](v1::SetBfdPeerRequest& r) { r.set_transmit_interval_ms(300); });
               }});
  c.push_back({M::kBfdPeer, "shutdown", "Administratively down (AdminDown: the peer's clients keep their routes)",
               [](Session& s, const Args&) { return set_peer(s, [](v1::SetBfdPeerRequest& r) { r.set_shutdown(true); }); }});
  c.push_back({M::kBfdPeer, "no shutdown", "Bring the session up", [](Session& s, const Args&) {
                 return set_peer(s, [](v1::SetBfdPeerRequest& r) { r.set_shutdown(false); });
               }});
  c.push_back({M::kBfdPeer, "exit", "Leave the peer block", [](Session& s, const Args&) {
                 s.leave();
                 return Status{};
               }});

  c.push_back({M::kTunnel, "bfd [detect-multiplier MULTIPLIER] [receive-interval RXINTERVAL] [transmit-interval TXINTERVAL]",
               "BFD between the inside addresses: a health input; when it fails the tunnel is down at once",
               [](Session& s, const Args& a) {
                 return update_tunnel(s, [&](v1::UpdateTunnelRequest& r) {
                   auto* b = r.mutable_bfd();
                   if (a.has_value("MULTIPLIER")) b->set_detect_multiplier(number(a, "MULTIPLIER"));
                   if (a.has("receive-interval")) b->set_receive_interval_ms(number(a, "RXINTERVAL"));
                   if (a.has("transmit-interval")) b->set_transmit_interval_ms(number(a, "TXINTERVAL"));
                 });
               }});
  c.push_back({M::kTunnel, "no bfd", "No BFD on the tunnel", [](Session& s, const Args&) {
                 return update_tunnel(s, [](v1::UpdateTunnelRequest& r) { r.set_remove_bfd(true); });
               }});

  c.push_back({M::kExec, "show bfd peers [counters] [json]", "BFD sessions: state, timers, who uses them", show_peers});
  c.push_back({M::kExec, "show bfd peer ADDRESS [interface IFNAME] [counters] [json]", "One BFD session in detail",
               show_peers});
  c.push_back({M::kExec, "show bfd peers brief [json]", "BFD sessions, one line each", show_brief});

  help.insert({{"bfd", "Bidirectional Forwarding Detection (RFC 5880)"},
               {"peer", "A BFD peer"},
               {"peers", "Every BFD session"},
               {"counters", "Packet and event counters"},
               {"brief", "One line each"},
               {"local-address", "The source address of our BFD packets"},
               {"detect-multiplier", "Packets missed before the session is down"},
               {"receive-interval", "Required minimum receive interval"},
               {"transmit-interval", "Desired minimum transmit interval"}});
}

}  // namespace vgw::routing::cli
