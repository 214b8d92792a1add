// IKE commands: the `ike ...` / `esp ...` lines of a tunnel block, `show ike sa` and
// `clear ike sa`.
#include <cstdio>

#include "output.h"
#include "vgw/routing/api/methods.h"
#include "vgw/routing/cli/table.h"
#include "vgw/v1/ike.pb.h"
#include "vgw/v1/tunnel.pb.h"

namespace vgw::routing::cli {

namespace {

namespace api = vgw::routing::api;


Handler set_number(void (v1::UpdateTunnelRequest::*setter)(uint32_t), const char* placeholder) {
  return [setter, placeholder](Session& s, const Args& a) {
    return update_tunnel(s, [&](v1::UpdateTunnelRequest& r) {
      (r.*setter)(static_cast<uint32_t>(std::stoul(a.get(placeholder))));
    });
  };
}

Handler clear_number(void (v1::UpdateTunnelRequest::*setter)(uint32_t)) {
  return [setter](Session& s, const Args&) { return update_tunnel(s, [&](v1::UpdateTunnelRequest& r) { (r.*setter)(0); }); };
}

std::string duration_text(int64_t seconds) {
  if (seconds < 0) return "-";
  char buf[32];
  if (seconds < 3600) {
    std::snprintf(buf, sizeof buf, "%02lld:%02lld", static_cast<long long>(seconds / 60),
                  static_cast<long long>(seconds % 60));
  } else if (seconds < 86400) {
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lldd%02lldh", static_cast<long long>(seconds / 86400),
                  static_cast<long long>(seconds / 3600 % 24));
  }
  return buf;
}

std::string endpoint_text(const std::string& address, uint32_t port) {
  return (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

void print_detail(Session& s, const v1::IkeTunnel& t) {
  auto& o = s.out();
  o << "Tunnel " << t.tunnel() << ": IKE " << t.status() << " (" << (t.respond_only() ? "responds only" : "initiates")
    << ")\n";
  if (!t.last_error().empty()) o << "  Last error: " << t.last_error() << "\n";
  if (t.next_attempt_in_seconds() >= 0) o << "  Next attempt in " << t.next_attempt_in_seconds() << " s\n";
  for (const auto& sa : t.sas()) {
    o << "  IKE SA " << sa.initiator_spi() << "_i " << sa.responder_spi() << "_r " << sa.state() << ", "
      << (sa.initiator() ? "initiator" : "responder") << "\n";
    o << "    " << endpoint_text(sa.local_address(), sa.local_port()) << " " << sa.local_id() << " <-> "
      << endpoint_text(sa.remote_address(), sa.remote_port()) << " " << sa.remote_id() << "\n";
    if (!sa.suite().empty()) {
      o << "    " << sa.suite() << (sa.nat_t() ? ", UDP encapsulated (NAT-T)" : "");
      if (sa.age_seconds() >= 0) o << ", established " << duration_text(sa.age_seconds()) << " ago";
      if (sa.rekey_in_seconds() >= 0) o << ", rekey in " << duration_text(sa.rekey_in_seconds());
      o << "\n";
    }
    if (!sa.reason().empty()) o << "    Reason: " << sa.reason() << "\n";
    const auto& k = sa.counters();
    o << "    Messages: " << k.received() << " received, " << k.sent() << " sent, " << k.retransmits()
      << " retransmits, " << k.malformed() << " malformed, " << k.integrity_failures() << " integrity failures\n";
    for (const auto& c : sa.children()) {
      o << "    CHILD SA " << spi_text(c.inbound_spi()) << "_i " << spi_text(c.outbound_spi()) << "_o " << c.state()
        << ", " << c.suite() << (c.udp_encapsulated() ? ", ESP in UDP" : "") << ", age " << duration_text(c.age_seconds());
      if (c.rekey_in_seconds() >= 0) o << ", rekey in " << duration_text(c.rekey_in_seconds());
      o << "\n      " << c.local_ts() << " === " << c.remote_ts() << "\n";
    }
  }
}

Status show_ike_sa(Session& s, const Args& a) {
  v1::ListIkeSasRequest req;
  if (a.has_value("TUNNEL")) req.set_tunnel(a.get("TUNNEL"));
  v1::ListIkeSasResponse r;
  if (auto st = s.backend().call(api::kListIkeSas, req, r); !st) return st;
  if (a.has("json")) return print_json(s, r);
  if (r.tunnels().empty()) {
    s.out() << "No tunnel negotiates with IKE (configure `ike pre-shared-key` in a tunnel block).\n";
    return {};
  }
  if (a.has("detail")) {
    for (const auto& t : r.tunnels()) print_detail(s, t);
    return {};
  }
  Table table({"Tunnel", "Status", "Role", "Peer", "State", "Suite", "NAT-T", "Up", "Children", "Last error"});
  for (const auto& t : r.tunnels()) {
    if (t.sas().empty()) {
      table.add({t.tunnel(), t.status(), t.respond_only() ? "responder" : "initiator", "-", "-", "-", "-", "-", "0",
                 t.last_error().empty() ? "-" : t.last_error()});
      continue;
    }
    for (const auto& sa : t.sas()) {
      table.add({t.tunnel(), t.status(), sa.initiator() ? "initiator" : "responder",
                 endpoint_text(sa.remote_address(), sa.remote_port()), sa.state(), sa.suite().empty() ? "-" : sa.suite(),
                 sa.nat_t() ? "yes" : "no", duration_text(sa.age_seconds()), std::to_string(sa.children_size()),
                 !sa.reason().empty() ? sa.reason() : t.last_error().empty() ? "-" : t.last_error()});
    }
  }
  table.print(s.out());
  const auto& k = r.counters();
  s.out() << "\nIKE messages received: " << k.received() << "; dropped: " << k.unknown_peer()
          << " from no tunnel's peer, " << k.unmatched() << " of no IKE SA, " << k.half_open_drops()
          << " over the half-open limit; " << k.cookies_sent() << " answered with COOKIE; "
          << k.half_open_expired() << " half-open SAs expired; " << k.send_errors() << " send errors\n";
  return {};
}

Status show_ike_summary(Session& s, const Args& a) {
  v1::ListIkeSasRequest req;
  req.set_summary_only(true);
  v1::ListIkeSasResponse r;
  if (auto st = s.backend().call(api::kListIkeSas, req, r); !st) return st;
  if (a.has("json")) return print_json(s, r);
  const auto& m = r.summary();
  s.out() << "Tunnels negotiating with IKE: " << m.tunnels() << " (" << m.established() << " established, "
          << m.connecting() << " connecting, " << m.waiting() << " waiting for the peer, " << m.down() << " down)\n"
          << "IKE SAs: " << m.ike_sas() << ", Child SAs: " << m.child_sas() << "\n";
  return {};
}

Status clear_ike_sa(Session& s, const Args& a) {
  std::vector<std::string> names;
  if (a.has_value("TUNNEL")) {
    names.push_back(a.get("TUNNEL"));
  } else {
    v1::ListIkeSasResponse r;
    if (auto st = s.backend().call(api::kListIkeSas, v1::ListIkeSasRequest{}, r); !st) return st;
    for (const auto& t : r.tunnels()) names.push_back(t.tunnel());
  }
  for (const auto& name : names) {
    v1::TerminateIkeRequest req;
    req.set_tunnel(name);
    v1::TerminateIkeResponse out;
    if (auto st = s.backend().call(api::kTerminateIke, req, out); !st) return st;
  }
  return {};
}

Handler rekey(bool child) {
  return [child](Session& s, const Args& a) {
    v1::RekeyIkeRequest req;
    req.set_tunnel(a.get("TUNNEL"));
    req.set_child(child);
    v1::RekeyIkeResponse out;
    return s.backend().call(api::kRekeyIke, req, out);
  };
}

}  // namespace

void add_ike_commands(std::vector<CommandSpec>& c, std::map<std::string, std::string>& help) {
  using M = Mode;
  using R = v1::UpdateTunnelRequest;
  c.push_back({M::kTunnel, "ike pre-shared-key PSK", "Negotiate the tunnel's SAs with IKEv2 and this key",
               set_tunnel_field(&R::set_ike_pre_shared_key, "PSK")});
  c.push_back({M::kTunnel, "no ike pre-shared-key [PSK]", "Stop negotiating with IKE (the IKE SAs are deleted)",
               clear_tunnel_field(&R::set_ike_pre_shared_key)});
  c.push_back({M::kTunnel, "ike local-id IDENTITY", "Our IKE identity (default: the local address)",
               set_tunnel_field(&R::set_ike_local_id, "IDENTITY")});
  c.push_back({M::kTunnel, "no ike local-id [IDENTITY]", "Use the local address as our identity",
               clear_tunnel_field(&R::set_ike_local_id)});
  c.push_back({M::kTunnel, "ike remote-id IDENTITY", "The identity the peer must prove (default: its address)",
               set_tunnel_field(&R::set_ike_remote_id, "IDENTITY")});
  c.push_back({M::kTunnel, "no ike remote-id [IDENTITY]", "Expect the remote address as the peer's identity",
               clear_tunnel_field(&R::set_ike_remote_id)});
  c.push_back({M::kTunnel, "ike proposal PROPOSALS", "IKE SA proposals, strongSwan keywords",
               set_tunnel_field(&R::set_ike_proposals, "PROPOSALS")});
  c.push_back({M::kTunnel, "no ike proposal [PROPOSALS]", "Use the default IKE proposals",
               clear_tunnel_field(&R::set_ike_proposals)});
  c.push_back({M::kTunnel, "esp proposal PROPOSALS", "Child SA (ESP) proposals, strongSwan keywords",
               set_tunnel_field(&R::set_esp_proposals, "PROPOSALS")});
  c.push_back({M::kTunnel, "no esp proposal [PROPOSALS]", "Use the default ESP proposals",
               clear_tunnel_field(&R::set_esp_proposals)});
  c.push_back({M::kTunnel, "ike lifetime LIFETIME", "Rekey the IKE SA after this many seconds",
               set_number(&R::set_ike_lifetime, "LIFETIME")});
  c.push_back({M::kTunnel, "no ike lifetime [LIFETIME]", "Default IKE SA lifetime (86400 s)",
               clear_number(&R::set_ike_lifetime)});
  c.push_back({M::kTunnel, "esp lifetime LIFETIME", "Rekey Child SAs after this many seconds",
               set_number(&R::set_esp_lifetime, "LIFETIME")});
  c.push_back({M::kTunnel, "no esp lifetime [LIFETIME]", "Default Child SA lifetime (3600 s)",
               clear_number(&R::set_esp_lifetime)});
  c.push_back({M::kTunnel, "ike dpd interval DPDINTERVAL [retries RETRIES]",
               "Dead peer detection: check after this many silent seconds", [](Session& s, const Args& a) {
                 return update_tunnel(s, [&](R& r) {
                   r.set_ike_dpd_interval(static_cast<uint32_t>(std::stoul(a.get("DPDINTERVAL"))));
                   r.set_ike_dpd_retries(a.has_value("RETRIES") ? static_cast<uint32_t>(std::stoul(a.get("RETRIES"))) : 0);
                 });
               }});
  c.push_back({M::kTunnel, "no ike dpd", "Default dead peer detection (10 s, 3 retries)",
               [](Session& s, const Args&) { return update_tunnel(s, [](R& r) { r.set_ike_dpd_default(true); }); }});
  c.push_back({M::kTunnel, "ike respond-only", "Wait for the peer to initiate",
               [](Session& s, const Args&) { return update_tunnel(s, [](R& r) { r.set_ike_respond_only(true); }); }});
  c.push_back({M::kTunnel, "ike initiate", "Initiate the IKE SA, and again whenever it closes (default)",
               [](Session& s, const Args&) { return update_tunnel(s, [](R& r) { r.set_ike_respond_only(false); }); }});
  c.push_back({M::kExec, "show ike sa [TUNNEL] [detail] [json]", "IKE SAs: state, algorithms, NAT, Child SAs, errors",
               show_ike_sa});
  c.push_back({M::kExec, "show ike sa summary [json]", "How many tunnels are established, connecting, down",
               show_ike_summary});
  c.push_back({M::kExec, "clear ike sa [TUNNEL]", "Delete IKE SAs (all, or one tunnel's); initiators start again",
               clear_ike_sa});
  c.push_back({M::kExec, "clear ike sa TUNNEL rekey", "Rekey the tunnel's IKE SA now (no traffic is lost)",
               rekey(false)});
  c.push_back({M::kExec, "clear ipsec sa TUNNEL rekey", "Rekey the tunnel's Child SA now (no traffic is lost)",
               rekey(true)});

  help.insert({{"ike", "IKEv2 negotiation"},
               {"pre-shared-key", "Pre-shared key (RFC 7296 2.15)"},
               {"local-id", "Our IKE identity"},
               {"remote-id", "The peer's IKE identity"},
               {"proposal", "Algorithm proposals"},
               {"lifetime", "Seconds until rekey"},
               {"dpd", "Dead peer detection (liveness checks)"},
               {"interval", "Time between checks (IKE DPD: seconds; health-check: milliseconds)"},
               {"retries", "Unanswered checks before the peer or tunnel is declared dead"},
               {"respond-only", "Wait for the peer to initiate"},
               {"initiate", "Initiate the IKE SA"},
               {"rekey", "Negotiate new keys, keep the SA up (make before break)"},
               {"summary", "Counts only"}});
}

}  // namespace vgw::routing::cli
