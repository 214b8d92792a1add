// Tunnel commands: the `tunnel NAME` block (outer endpoints, inside address, encapsulation,
// manually keyed SAs) and `show tunnel`, `show ipsec sa`.
#include <chrono>
#include <cstdio>
#include <ctime>

#include "output.h"
#include "vgw/base/clock.h"
#include "vgw/routing/api/methods.h"
#include "vgw/routing/cli/table.h"
#include "vgw/v1/tunnel.pb.h"

namespace vgw::routing::cli {

namespace api = vgw::routing::api;

std::string spi_text(uint32_t spi) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", spi);
  return buf;
}

Status update_tunnel(Session& s, const std::function<void(v1::UpdateTunnelRequest&)>& change) {
  v1::UpdateTunnelRequest req;
  req.set_name(s.context("TUNNEL"));
  change(req);
  v1::Tunnel out;
  return s.backend().call(api::kUpdateTunnel, req, out);
}

Handler set_tunnel_field(void (v1::UpdateTunnelRequest::*setter)(const std::string&), const char* placeholder) {
  return [setter, placeholder](Session& s, const Args& a) {
    return update_tunnel(s, [&](v1::UpdateTunnelRequest& r) { (r.*setter)(a.get(placeholder)); });
  };
}

Handler clear_tunnel_field(void (v1::UpdateTunnelRequest::*setter)(const std::string&)) {
  return [setter](Session& s, const Args&) {
    return update_tunnel(s, [&](v1::UpdateTunnelRequest& r) { (r.*setter)(""); });
  };
}

std::string format_unix_ms(uint64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03u UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<unsigned>(unix_ms % 1000));
  return buf;
}

std::string since_text(uint64_t unix_ms) {
  auto now = static_cast<uint64_t>(unix_ms_now());
  return "for " + format_age(now > unix_ms ? (now - unix_ms) / 1000 : 0) + " (since " + format_unix_ms(unix_ms) + ")";
}

namespace {

void print_health(Session& s, const v1::Tunnel& t) {
  const auto& h = t.state().health();
  auto& o = s.out();
  o << "  Health: " << (h.up() ? "up " : "down ") << since_text(h.since_unix_ms()) << ", " << h.transitions()
    << " transition(s)\n";
  for (const auto& in : h.inputs()) {
    o << "    " << in.name() << ": " << (in.ok() ? "ok" : "failing") << " " << since_text(in.since_unix_ms());
    if (!in.detail().empty()) o << ": " << in.detail();
    o << "\n";
  }
  if (t.config().has_health_check()) {
    const auto& c = t.config().health_check();
    if (c.udp_port()) {
      o << "    Probes: UDP " << c.source() << " -> " << c.destination() << " port " << c.udp_port()
        << " (a reply or a port unreachable answers)";
    } else {
      o << "    Probes: ICMP echo " << c.source() << " -> " << c.destination();
    }
    o << " every " << c.interval_ms() << " ms, down after "
      << c.retries() << " unanswered (" << c.interval_ms() * c.retries() << " ms); " << h.probes_sent() << " sent, "
      << h.probes_answered() << " answered";
    if (h.last_rtt_us() >= 0) {
      char rtt[32];
      std::snprintf(rtt, sizeof rtt, "%.3f", static_cast<double>(h.last_rtt_us()) / 1000.0);
      o << ", last round trip " << rtt << " ms";
    }
    o << "\n";
  } else {
    o << "    No health check: the SAs alone decide (health-check in the tunnel block adds probes)\n";
  }
}

Status tunnel(Session& s, const Args& a) {
  v1::ListTunnelsRequest list;
  list.set_name(a.get("NAME"));
  v1::ListTunnelsResponse existing;
  if (!s.backend().call(api::kListTunnels, list, existing)) {
    v1::CreateTunnelRequest req;
    req.mutable_tunnel()->set_name(a.get("NAME"));
    v1::Tunnel out;
    if (auto st = s.backend().call(api::kCreateTunnel, req, out); !st) return st;
  }
  s.enter(Mode::kTunnel, {{"TUNNEL", a.get("NAME")}});
  return {};
}

v1::SaDirection direction(const Args& a) { return a.has("inbound") ? v1::INBOUND : v1::OUTBOUND; }

Status sa(Session& s, const Args& a) {
  v1::AddSaRequest req;
  auto* c = req.mutable_sa();
  c->set_tunnel(s.context("TUNNEL"));
  c->set_direction(direction(a));
  c->set_spi(*parse_spi(a.get("SPI")));
  c->set_algorithm(a.get("ALGORITHM"));
  c->set_esn(a.has("esn"));
  if (a.has_value("WINDOW")) c->set_replay_window(static_cast<uint32_t>(std::stoul(a.get("WINDOW"))));
  req.set_encryption_key(a.get("KEY"));
  req.set_integrity_key(a.get("HMACKEY"));
  v1::SecurityAssociation out;
  return s.backend().call(api::kAddSa, req, out);
}

Status no_sa(Session& s, const Args& a) {
  v1::DeleteSaRequest req;
  req.set_tunnel(s.context("TUNNEL"));
  req.set_direction(direction(a));
  req.set_spi(*parse_spi(a.get("SPI")));
  v1::DeleteSaResponse out;
  return s.backend().call(api::kDeleteSa, req, out);
}

// ---- show -----------------------------------------------------------------------------------

uint64_t drops(const v1::TunnelCounters& c) {
  return c.replay_drops() + c.integrity_failures() + c.malformed() + c.expired() + c.no_sa_drops() +
         c.errors() + c.too_big();
}

std::string encapsulation_text(const v1::TunnelConfig& c) {
  return c.encapsulation() == "esp" ? "ESP (IP protocol 50)" : "ESP in UDP (RFC 3948, port 4500)";
}

void print_tunnel(Session& s, const v1::Tunnel& t) {
  const auto& c = t.config();
  const auto& st = t.state();
  auto& o = s.out();
  o << "Tunnel " << c.name() << " is " << st.status();
  if (!st.reason().empty()) o << " (" << st.reason() << ")";
  o << "\n";
  if (!c.description().empty()) o << "  Description: " << c.description() << "\n";
  if (!st.interface_name().empty()) {
    o << "  Interface " << st.interface_name() << " (ifindex " << st.ifindex() << "), MTU " << st.mtu()
      << (c.mtu() ? "" : " (derived)") << ", dataplane worker " << st.worker() << "\n";
  }
  o << "  Outer: " << (c.local().empty() ? "?" : c.local()) << " -> " << (c.remote().empty() ? "?" : c.remote())
    << ", " << encapsulation_text(c) << "\n";
  o << "  Inside: " << (c.inside().empty() ? "(none)" : c.inside()) << "\n";
  if (c.ike().enabled()) {
    const auto& k = c.ike();
    o << "  Keyed by IKEv2 (pre-shared key), " << (k.respond_only() ? "responds only" : "initiates")
      << "; IKE " << k.ike_proposals() << ", ESP " << k.esp_proposals() << "\n";
  } else {
    o << "  Keyed by hand (sa ... lines)\n";
  }
  if (st.has_health()) print_health(s, t);
  if (!st.interface_name().empty()) {
    o << "  SAs: outbound";
    if (st.outbound_spis().empty()) o << " (none)";
    for (uint32_t spi : st.outbound_spis())
      o << " " << spi_text(spi) << (spi == st.active_outbound_spi() ? " (active)" : "");
    o << "; inbound";
    if (st.inbound_spis().empty()) o << " (none)";
    for (uint32_t spi : st.inbound_spis()) o << " " << spi_text(spi);
    o << "\n";
    const auto& k = st.counters();
    o << "  Sent:     " << k.tx_packets() << " packets, " << k.tx_bytes() << " bytes\n";
    o << "  Received: " << k.rx_packets() << " packets, " << k.rx_bytes() << " bytes\n";
    o << "  Dropped:  " << k.replay_drops() << " replayed, " << k.integrity_failures() << " integrity failures, "
      << k.malformed() << " malformed, " << k.expired() << " expired SA, " << k.no_sa_drops()
      << " without outbound SA, " << k.too_big() << " too big (ICMP sent), " << k.errors() << " errors\n";
    if (k.dummy()) o << "  Dummy packets received: " << k.dummy() << "\n";
  }
}

Status show_tunnel(Session& s, const Args& a) {
  v1::ListTunnelsRequest req;
  req.set_name(a.get("NAME"));
  v1::ListTunnelsResponse r;
  if (auto st = s.backend().call(api::kListTunnels, req, r); !st) return st;
  if (a.has("json")) return print_json(s, r);
  if (a.has_value("NAME")) {
    print_tunnel(s, r.tunnels(0));
    return {};
  }
  if (r.tunnels().empty()) {
    s.out() << "No tunnels configured.\n";
    return {};
  }
  Table t({"Tunnel", "Status", "Keyed", "Interface", "Local", "Remote", "Encap", "Inside", "MTU", "SAs out/in",
           "Tx pkts", "Rx pkts", "Drops"});
  std::string reasons;
  for (const auto& tun : r.tunnels()) {
    const auto& c = tun.config();
    const auto& st = tun.state();
    bool present = !st.interface_name().empty();
    t.add({c.name(), st.status(), c.ike().enabled() ? "ike" : "manual", present ? st.interface_name() : "-",
           c.local().empty() ? "-" : c.local(),
           c.remote().empty() ? "-" : c.remote(), c.encapsulation(), c.inside().empty() ? "-" : c.inside(),
           present ? std::to_string(st.mtu()) : "-",
           std::to_string(st.outbound_spis_size()) + "/" + std::to_string(st.inbound_spis_size()),
           std::to_string(st.counters().tx_packets()), std::to_string(st.counters().rx_packets()),
           std::to_string(drops(st.counters()))});
    if (!st.reason().empty()) reasons += "  " + c.name() + ": " + st.reason() + "\n";
  }
  t.print(s.out());
  if (!reasons.empty()) s.out() << "\nNot up:\n" << reasons;
  const auto& d = r.dataplane();
  if (d.running()) {
    s.out() << "\nDataplane: " << d.workers() << " worker(s); received outside any tunnel: " << d.no_sa_drops()
            << " unknown SPI, " << d.malformed() << " malformed, " << d.keepalives() << " NAT-keepalives, "
            << d.ike_datagrams() << " IKE, " << d.errors() << " receive errors\n";
  } else if (!d.problem().empty()) {
    s.out() << "\nDataplane not running: " << d.problem() << "\n";
  }
  return {};
}

std::string sa_status(const v1::SecurityAssociation& sa) {
  if (!sa.installed()) return "not installed";
  if (sa.lifetime().state() != "active") return sa.lifetime().state();
  if (sa.config().direction() == v1::OUTBOUND) return sa.active() ? "active" : "standby";
  return "active";
}

void print_sa_detail(Session& s, const v1::SecurityAssociation& sa) {
  const auto& c = sa.config();
  const auto& k = sa.counters();
  bool in = c.direction() == v1::INBOUND;
  auto& o = s.out();
  o << "Tunnel " << c.tunnel() << ", " << (in ? "inbound" : "outbound") << " SA " << spi_text(c.spi()) << " ("
    << sa_status(sa) << ")\n";
  o << "  Algorithm " << c.algorithm() << ", extended sequence numbers " << (c.esn() ? "on" : "off") << ", keys "
    << (!sa.has_keys() ? "missing" : sa.keyed_by() == "ike" ? "negotiated by IKE" : "set (manual)") << "\n";
  if (!sa.installed()) return;
  o << "  Dataplane worker " << sa.worker() << "\n";
  o << "  " << (in ? "Decrypted " : "Encrypted ") << k.packets() << " packets, " << k.bytes() << " bytes\n";
  if (in) {
    o << "  Replay window " << sa.replay_window() << " packets, highest sequence number " << sa.replay_top()
      << ", last 64: 0x";
    char bits[20];
    std::snprintf(bits, sizeof bits, "%016llx", static_cast<unsigned long long>(sa.replay_bitmap()));
    o << bits << "\n";
    o << "  Dropped: " << k.replay_drops() << " replayed, " << k.integrity_failures() << " integrity failures, "
      << k.malformed() << " malformed, " << k.expired() << " after expiry; " << k.dummy() << " dummy packets\n";
  } else {
    o << "  Last sequence number sent " << sa.last_sequence() << "\n";
    o << "  Refused: " << k.expired() << " after expiry, " << k.errors() << " errors\n";
  }
  o << "  Lifetime " << sa.lifetime().state();
  if (sa.lifetime().cause() != "none") o << " (" << sa.lifetime().cause() << ")";
  o << (sa.keyed_by() == "ike" ? "; rekeyed by IKE (show ike sa detail)\n" : "; manual SA, no time or volume limits\n");
}

Status show_ipsec_sa(Session& s, const Args& a) {
  v1::ListSasResponse r;
  if (auto st = s.backend().call(api::kListSas, v1::ListSasRequest{}, r); !st) return st;
  if (a.has("json")) return print_json(s, r);
  if (r.sas().empty()) {
    s.out() << "No security associations.\n";
    return {};
  }
  if (a.has("detail")) {
    for (const auto& sa : r.sas()) print_sa_detail(s, sa);
    return {};
  }
  Table t({"Tunnel", "Dir", "SPI", "Algorithm", "ESN", "Keyed", "Status", "Packets", "Bytes", "Replay", "Integrity"});
  for (const auto& sa : r.sas()) {
    const auto& c = sa.config();
    bool in = c.direction() == v1::INBOUND;
    t.add({c.tunnel(), in ? "in" : "out", spi_text(c.spi()), c.algorithm(), c.esn() ? "yes" : "no", sa.keyed_by(),
           sa_status(sa),
           std::to_string(sa.counters().packets()), std::to_string(sa.counters().bytes()),
           in ? std::to_string(sa.counters().replay_drops()) : "-",
           in ? std::to_string(sa.counters().integrity_failures()) : "-"});
  }
  t.print(s.out());
  return {};
}

}  // namespace

void add_tunnel_commands(std::vector<CommandSpec>& c, std::map<std::string, std::string>& help) {
  using M = Mode;
  c.push_back({M::kConfig, "tunnel NAME", "Create or change an IPsec tunnel interface", tunnel});
  c.push_back({M::kConfig, "no tunnel NAME", "Delete a tunnel, its interface and SAs",
               [](Session& s, const Args& a) {
                 v1::DeleteTunnelRequest req;
                 req.set_name(a.get("NAME"));
                 v1::DeleteTunnelResponse out;
                 return s.backend().call(api::kDeleteTunnel, req, out);
               }});
  c.push_back({M::kTunnel, "description TEXT", "Describe the tunnel",
               set_tunnel_field(&v1::UpdateTunnelRequest::set_description, "TEXT")});
  c.push_back({M::kTunnel, "no description [TEXT]", "Remove the description",
               clear_tunnel_field(&v1::UpdateTunnelRequest::set_description)});
  c.push_back({M::kTunnel, "local ADDRESS", "Outer source address (on this host)",
               set_tunnel_field(&v1::UpdateTunnelRequest::set_local, "ADDRESS")});
  c.push_back({M::kTunnel, "no local [ADDRESS]", "Remove the outer source address (the tunnel goes down)",
               clear_tunnel_field(&v1::UpdateTunnelRequest::set_local)});
  c.push_back({M::kTunnel, "remote ADDRESS", "Outer destination: the peer gateway",
               set_tunnel_field(&v1::UpdateTunnelRequest::set_remote, "ADDRESS")});
  c.push_back({M::kTunnel, "no remote [ADDRESS]", "Remove the peer address (the tunnel goes down)",
               clear_tunnel_field(&v1::UpdateTunnelRequest::set_remote)});
  c.push_back({M::kTunnel, "inside INSIDE", "Address of the tunnel interface, e.g. 169.254.10.1/30",
               set_tunnel_field(&v1::UpdateTunnelRequest::set_inside, "INSIDE")});
  c.push_back({M::kTunnel, "no inside [INSIDE]", "Remove the inside address (the tunnel goes down)",
               clear_tunnel_field(&v1::UpdateTunnelRequest::set_inside)});
  c.push_back({M::kTunnel, "encapsulation (udp|esp)", "ESP in UDP 4500 (NAT traversal) or bare ESP",
               [](Session& s, const Args& a) {
                 return update_tunnel(s, [&](v1::UpdateTunnelRequest& r) { r.set_encapsulation(a.has("esp") ? "esp" : "udp"); });
               }});
  c.push_back({M::kTunnel, "mtu MTU", "Interface MTU (default: derived from the ESP overhead)",
               [](Session& s, const Args& a) {
                 return update_tunnel(s, [&](v1::UpdateTunnelRequest& r) {
                   r.set_mtu(static_cast<uint32_t>(std::stoul(a.get("MTU"))));
                 });
               }});
  c.push_back({M::kTunnel, "no mtu [MTU]", "Derive the MTU from the ESP overhead",
               [](Session& s, const Args&) { return update_tunnel(s, [](v1::UpdateTunnelRequest& r) { r.set_mtu(0); }); }});
  c.push_back({M::kTunnel,
               "sa (inbound|outbound) spi SPI ALGORITHM key KEY [integrity-key HMACKEY] [esn] [replay-window WINDOW]",
               "Install a manually keyed SA (an outbound SA becomes the active one)", sa});
  c.push_back({M::kTunnel, "no sa (inbound|outbound) spi SPI", "Remove an SA", no_sa});
  c.push_back({M::kTunnel,
               "health-check [destination ADDRESS] [source SOURCE] [interval INTERVALMS] [retries RETRIES] [udp-port PORT]",
               "Probe the tunnel (ICMP echo, or UDP to a port); down (routes withdrawn) after interval x retries unanswered",
               [](Session& s, const Args& a) {
                 return update_tunnel(s, [&](v1::UpdateTunnelRequest& r) {
                   auto* h = r.mutable_health_check();
                   h->set_destination(a.get("ADDRESS"));
                   h->set_source(a.get("SOURCE"));
                   if (a.has_value("INTERVALMS")) h->set_interval_ms(static_cast<uint32_t>(std::stoul(a.get("INTERVALMS"))));
                   if (a.has_value("RETRIES")) h->set_retries(static_cast<uint32_t>(std::stoul(a.get("RETRIES"))));
                   if (a.has_value("PORT")) h->set_udp_port(static_cast<uint32_t>(std::stoul(a.get("PORT"))));
                 });
               }});
  c.push_back({M::kTunnel, "no health-check", "Remove the health check (the SAs alone decide the tunnel's health)",
               [](Session& s, const Args&) {
                 return update_tunnel(s, [](v1::UpdateTunnelRequest& r) { r.set_remove_health_check(true); });
               }});
  c.push_back({M::kTunnel, "shutdown", "Drain the tunnel: its routes leave, its SAs stay (nothing in flight is lost)",
               [](Session& s, const Args&) {
                 return update_tunnel(s, [](v1::UpdateTunnelRequest& r) { r.set_shutdown(true); });
               }});
  c.push_back({M::kTunnel, "no shutdown", "Bring the tunnel back into service", [](Session& s, const Args&) {
                 return update_tunnel(s, [](v1::UpdateTunnelRequest& r) { r.set_shutdown(false); });
               }});
  c.push_back({M::kTunnel, "exit", "Leave the tunnel block", [](Session& s, const Args&) {
                 s.leave();
                 return Status{};
               }});
  c.push_back({M::kExec, "show tunnel [NAME] [json]", "Tunnels: state, interface, SAs, counters", show_tunnel});
  c.push_back({M::kExec, "show ipsec sa [detail] [json]", "Security associations with counters and replay state",
               show_ipsec_sa});

  help.insert({{"tunnel", "IPsec tunnel interface"},
               {"local", "Outer source address"},
               {"remote", "Outer destination address (the peer gateway)"},
               {"inside", "Tunnel interface address"},
               {"encapsulation", "How ESP travels"},
               {"udp", "ESP in UDP port 4500 (RFC 3948)"},
               {"esp", "Bare ESP, IP protocol 50"},
               {"mtu", "Interface MTU"},
               {"sa", "Security association"},
               {"inbound", "Received traffic"},
               {"outbound", "Sent traffic"},
               {"spi", "Security Parameter Index"},
               {"key", "Encryption key (AEAD: key and 4-octet salt)"},
               {"integrity-key", "HMAC key (AES-CBC only)"},
               {"esn", "64-bit extended sequence numbers (RFC 4303 2.2.1)"},
               {"replay-window", "Anti-replay window size"},
               {"ipsec", "IPsec"},
               {"health-check", "Probe the tunnel (ICMP echo or UDP); its routes follow the result"},
               {"udp-port", "UDP probes to this port instead of ICMP echo"},
               {"destination", "The address that answers (default: the peer's inside address)"},
               {"source", "The address probes come from (default: the tunnel's inside address)"},
               {"detail", "In detail"}});
}

}  // namespace vgw::routing::cli
