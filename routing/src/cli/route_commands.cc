// Routing commands: static routes (`ip route`, `ipv6 route`) and the RIB's show commands in
// FRR's layout (codes, selected and FIB markers, [distance/metric], via/interface).
#include <cstdio>
#include <sstream>

#include "output.h"
#include "vgw/routing/api/methods.h"
#include "vgw/routing/cli/table.h"
#include "vgw/v1/rib.pb.h"

namespace vgw::routing::cli {

// FRR's uptime format (output.h): hh:mm:ss below a day, then 1d02h03m, then 05w2d03h.
std::string format_age(uint64_t s) {
  char buf[32];
  if (s < 86400) {
    std::snprintf(buf, sizeof buf, "%02u:%02u:%02u", unsigned(s / 3600), unsigned(s / 60 % 60), unsigned(s % 60));
  } else if (s < 7 * 86400) {
    std::snprintf(buf, sizeof buf, "%ud%02uh%02um", unsigned(s / 86400), unsigned(s / 3600 % 24), unsigned(s / 60 % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%02uw%ud%02uh", unsigned(s / 604800), unsigned(s / 86400 % 7), unsigned(s / 3600 % 24));
  }
  return buf;
}

namespace {

namespace api = vgw::routing::api;

v1::StaticRoute static_route_from(const Args& a, bool v6) {
  v1::StaticRoute r;
  r.set_prefix(a.get(v6 ? "PREFIX6" : "PREFIX4"));
  r.set_nexthop_address(a.get(v6 ? "ADDRESS6" : "ADDRESS4"));
  r.set_interface(a.get("IFNAME"));
  if (a.has("blackhole") || a.has("Null0")) r.set_type(v1::STATIC_ROUTE_BLACKHOLE);
  if (a.has("reject")) r.set_type(v1::STATIC_ROUTE_REJECT);
  if (a.has_value("DISTANCE")) r.set_distance(static_cast<uint32_t>(std::stoul(a.get("DISTANCE"))));
  if (a.has_value("WEIGHT")) r.set_weight(static_cast<uint32_t>(std::stoul(a.get("WEIGHT"))));
  return r;
}

Handler add_static(bool v6) {
  return [v6](Session& s, const Args& a) -> Status {
    v1::CreateStaticRouteRequest req;
    *req.mutable_route() = static_route_from(a, v6);
    v1::StaticRoute out;
    return s.backend().call(api::kCreateStaticRoute, req, out);
  };
}

Handler delete_static(bool v6) {
  return [v6](Session& s, const Args& a) -> Status {
    v1::DeleteStaticRouteRequest req;
    *req.mutable_route() = static_route_from(a, v6);
    if (!a.has_value("DISTANCE")) req.mutable_route()->set_distance(0);  // any distance
    v1::DeleteStaticRouteResponse out;
    return s.backend().call(api::kDeleteStaticRoute, req, out);
  };
}

char protocol_code(const std::string& p) {
  if (p == "connected") return 'C';
  if (p == "kernel") return 'K';
  if (p == "static") return 'S';
  if (p == "vpn") return 'V';
  if (p == "ebgp" || p == "ibgp") return 'B';
  return '?';
}

constexpr const char* kCodes =
    "Codes: K - kernel, C - connected, S - static, V - VPN, B - BGP,\n"
    "       > - selected route, * - in the kernel FIB, r - refused by the kernel\n\n";


void print_route(std::ostream& out, const v1::Route& r) {
  std::string head;
  head += protocol_code(r.protocol());
  head += r.selected() ? '>' : ' ';
  head += r.fib_installed() ? '*' : (!r.fib_error().empty() ? 'r' : ' ');
  head += " " + r.prefix();
  const auto& hops = r.selected() && r.resolved_nexthops_size() > 0 ? r.resolved_nexthops() : r.nexthops();
  if (r.protocol() == "connected") {
    out << head << " is directly connected, "
        << (hops.empty() ? std::string("?") : hops[0].interface()) << ", " << format_age(r.age_seconds())
        << "\n";
    return;
  }
  head += " [" + std::to_string(r.distance()) + "/" + std::to_string(r.metric()) + "]";
  std::string indent(head.size(), ' ');
  indent[2] = r.fib_installed() ? '*' : ' ';
  bool first = true;
  for (const auto& nh : hops) {
    out << (first ? head : indent);
    // FRR's words for drop routes.
    if (nh.type() == "blackhole") out << " unreachable (blackhole)";
    if (nh.type() == "unreachable") out << " unreachable (ICMP unreachable)";
    if (!nh.address().empty()) out << " via " << nh.address() << (nh.interface().empty() ? "" : ",");
    if (!nh.interface().empty()) out << (nh.address().empty() ? " is directly connected, " : " ") << nh.interface();
    if (hops.size() > 1 || nh.weight() != 1) out << ", weight " << nh.weight();
    if (first && r.selected()) out << ", " << format_age(r.age_seconds());
    if (first && !r.selected()) out << " (" << r.status() << ")";
    if (first && !r.fib_error().empty()) out << " (kernel: " << r.fib_error() << ")";
    out << "\n";
    first = false;
  }
  if (hops.empty()) out << head << " (" << r.status() << ")\n";
}

Handler show_routes(bool v6) {
  return [v6](Session& s, const Args& a) -> Status {
    bool json = a.has("json");
    std::string dest = a.get(v6 ? "PREFIX6" : "PREFIX4");
    if (dest.empty()) dest = a.get(v6 ? "ADDRESS6" : "ADDRESS4");
    if (!dest.empty()) {
      v1::LookupRouteRequest req;
      req.set_destination(dest);
      v1::LookupRouteResponse r;
      if (auto st = s.backend().call(api::kLookupRoute, req, r); !st) return st;
      if (json) return print_json(s, r);
      s.out() << "Routing entry for " << r.prefix() << "\n";
      for (const auto& route : r.routes()) {
        s.out() << "  Known via \"" << route.protocol() << "\", distance " << route.distance()
                << ", metric " << route.metric() << (route.selected() ? ", best" : "") << "\n";
        if (route.selected()) s.out() << "  Last update " << format_age(route.age_seconds()) << " ago\n";
        s.out() << "  Status: " << route.status()
                << (route.selected() ? (route.fib_installed() ? ", installed in the kernel FIB"
                                                              : ", not in the kernel FIB")
                                     : "")
                << "\n";
        if (!route.fib_error().empty()) s.out() << "  Kernel refused it: " << route.fib_error() << "\n";
        for (const auto& nh : route.nexthops()) {
          s.out() << "    " << (!nh.type().empty() ? "unreachable (" + nh.type() + ")"
                                  : nh.address().empty() ? "directly connected" : "via " + nh.address())
                  << (nh.interface().empty() ? "" : ", " + nh.interface()) << ", weight " << nh.weight()
                  << "\n";
        }
        for (const auto& nh : route.resolved_nexthops()) {
          s.out() << "    resolved: " << (nh.address().empty() ? "directly connected" : "via " + nh.address())
                  << (nh.interface().empty() ? "" : ", " + nh.interface()) << ", weight " << nh.weight()
                  << "\n";
        }
        s.out() << "\n";
      }
      return {};
    }
    // FRR's `show ip route bgp|connected|static|kernel`: only that protocol's routes (bgp: eBGP
    // and iBGP; vpn: a connection's destination routes).
    std::string only;
    for (const char* p : {"bgp", "connected", "static", "kernel", "vpn"})
      if (a.has(p)) only = p;
    auto wanted = [&only](const std::string& protocol) {
      if (only.empty()) return true;
      if (only == "bgp") return protocol == "ebgp" || protocol == "ibgp";
      return protocol == only;
    };
    v1::ListRoutesRequest req;
    req.set_family(v6 ? v1::IPV6 : v1::IPV4);
    v1::ListRoutesResponse batch;
    bool first = true;
    if (json) s.out() << "{\n \"routes\": [";
    else s.out() << kCodes;
    auto st = s.backend().stream(api::kListRoutes, req, batch, [&]() -> Status {
      for (const auto& r : batch.routes()) {
        if (!wanted(r.protocol())) continue;
        if (json) {
          s.out() << (first ? "\n  " : ",\n  ") << to_json(r, false);
        } else {
          print_route(s.out(), r);
        }
        first = false;
      }
      return {};
    });
    if (json) s.out() << (first ? "]\n}\n" : "\n ]\n}\n");
    return st;
  };
}

// FRR's words for an interface's state; vgw adds why it holds a tunnel's interface down.
std::string interface_status(const v1::Interface& i) {
  if (!i.admin_up()) return "admin-down";
  if (!i.oper_up()) return "down";
  return i.held_down() ? "held-down" : "up";
}

Status show_interfaces(Session& s, const Args& a) {
  v1::ListInterfacesRequest req;
  req.set_name(a.get("IFNAME"));
  v1::ListInterfacesResponse r;
  if (auto st = s.backend().call(api::kListInterfaces, req, r); !st) return st;
  if (a.has("json")) return print_json(s, r);
  if (a.has("brief")) {
    Table t({"Interface", "Status", "MTU", "Addresses", "Tunnel"});
    for (const auto& i : r.interfaces()) {
      std::string addrs;
      for (const auto& x : i.addresses()) addrs += (addrs.empty() ? "" : " ") + x;
      t.add({i.name(), interface_status(i), std::to_string(i.mtu()), addrs.empty() ? "-" : addrs,
             i.tunnel().empty() ? "-" : i.tunnel()});
    }
    t.print(s.out());
    return {};
  }
  for (const auto& i : r.interfaces()) {
    s.out() << "Interface " << i.name() << " is " << (i.admin_up() ? "up" : "administratively down")
            << ", line protocol is " << (i.oper_up() ? "up" : "down") << "\n";
    if (!i.tunnel().empty()) {
      s.out() << "  vgw tunnel " << i.tunnel()
              << (i.held_down() ? ": held down (the tunnel is not healthy: its routes are withdrawn; "
                                  "show tunnel " + i.tunnel() + " says why)"
                                : "")
              << "\n";
    }
    s.out() << "  index " << i.ifindex() << ", mtu " << i.mtu() << "\n";
    for (const auto& x : i.addresses()) s.out() << "  " << (x.find(':') == std::string::npos ? "inet " : "inet6 ") << x << "\n";
  }
  return {};
}

Handler show_summary(bool v6) {
  return [v6](Session& s, const Args& a) -> Status {
    v1::GetRouteSummaryRequest req;
    req.set_family(v6 ? v1::IPV6 : v1::IPV4);
    v1::GetRouteSummaryResponse r;
    if (auto st = s.backend().call(api::kGetRouteSummary, req, r); !st) return st;
    if (a.has("json")) return print_json(s, r);
    Table t({"Route Source", "Routes", "Selected", "FIB"});
    uint64_t routes = 0, selected = 0, fib = 0;
    for (const auto& p : r.protocols()) {
      t.add({p.protocol(), std::to_string(p.routes()), std::to_string(p.selected()), std::to_string(p.fib())});
      routes += p.routes();
      selected += p.selected();
      fib += p.fib();
    }
    t.add({"------", "", "", ""});
    t.add({"Totals", std::to_string(routes), std::to_string(selected), std::to_string(fib)});
    t.print(s.out());
    s.out() << "\n" << r.total_prefixes() << " prefixes, " << r.fib_failures()
            << " refused by the kernel, " << r.fib_queued() << " changes waiting for the kernel, RIB memory "
            << r.rib_memory_bytes() / 1024 << " KiB\n";
    return {};
  };
}

}  // namespace

void add_route_commands(std::vector<CommandSpec>& c, std::map<std::string, std::string>& help) {
  // FRR's form: the distance may follow the next hop as a bare number (`ip route P GW 200`);
  // blackhole and Null0 drop silently, reject answers with ICMP unreachable.
  const char* v4 = "PREFIX4 (ADDRESS4 [IFNAME]|IFNAME|blackhole|reject|Null0) [DISTANCE] "
                   "[distance DISTANCE] [weight WEIGHT]";
  const char* v6 = "PREFIX6 (ADDRESS6 [IFNAME]|IFNAME|blackhole|reject|Null0) [DISTANCE] "
                   "[distance DISTANCE] [weight WEIGHT]";
  c.push_back({Mode::kConfig, std::string("ip route ") + v4,
               "Add a static IPv4 route (same prefix and distance: ECMP)", add_static(false)});
  c.push_back({Mode::kConfig, std::string("ipv6 route ") + v6,
               "Add a static IPv6 route (same prefix and distance: ECMP)", add_static(true)});
  c.push_back({Mode::kConfig, std::string("no ip route ") + v4, "Delete a static IPv4 route",
               delete_static(false)});
  c.push_back({Mode::kConfig, std::string("no ipv6 route ") + v6, "Delete a static IPv6 route",
               delete_static(true)});
  c.push_back({Mode::kExec, "show ip route [PREFIX4|ADDRESS4] [json]",
               "Show the IPv4 routing table, or the route to a prefix or address", show_routes(false)});
  c.push_back({Mode::kExec, "show ipv6 route [PREFIX6|ADDRESS6] [json]",
               "Show the IPv6 routing table, or the route to a prefix or address", show_routes(true)});
  c.push_back({Mode::kExec, "show ip route (bgp|connected|static|kernel|vpn) [json]",
               "Show the IPv4 routes of one protocol", show_routes(false)});
  c.push_back({Mode::kExec, "show ipv6 route (bgp|connected|static|kernel|vpn) [json]",
               "Show the IPv6 routes of one protocol", show_routes(true)});
  c.push_back({Mode::kExec, "show interface [IFNAME] [json]",
               "Show the interfaces (state, MTU, addresses, the tunnel of a tunnel interface)", show_interfaces});
  c.push_back({Mode::kExec, "show interface brief [json]", "Show the interfaces, one line each", show_interfaces});
  c.push_back({Mode::kExec, "show ip route summary [json]", "Count IPv4 routes per protocol",
               show_summary(false)});
  c.push_back({Mode::kExec, "show ipv6 route summary [json]", "Count IPv6 routes per protocol",
               show_summary(true)});
  help.insert({{"route", "Routes"},
               {"ipv6", "IPv6"},
               {"distance", "Administrative distance"},
               {"weight", "Share of the route's traffic among the next hops of an ECMP route (1-255)"},
               {"blackhole", "Drop matching packets silently"},
               {"Null0", "Drop matching packets silently (as blackhole)"},
               {"reject", "Drop matching packets with an ICMP unreachable"},
               {"summary", "Counts of routes per protocol"},
               {"route summary", "Counts of routes per protocol"},
               {"connected", "Routes of the interfaces' addresses"},
               {"kernel", "Routes learned from the kernel"},
               {"vpn", "VPN connections' destination routes"},
               {"interface", "Interfaces"},
               {"brief", "One line each"}});
  help["ip"] = "IP address or IPv4 routing";
}

}  // namespace vgw::routing::cli
