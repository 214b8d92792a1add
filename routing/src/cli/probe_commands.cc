// `ping` and `traceroute` as vtysh has them, sent by vgwd itself (SystemService.Ping /
// Traceroute) from the gateway's namespace and addresses, printed as the answers come, in the
// layout of Linux's ping and traceroute.
#include <cstdio>

#include "output.h"
#include "vgw/routing/api/methods.h"
#include "vgw/v1/system.pb.h"

namespace vgw::routing::cli {

namespace {

namespace api = vgw::routing::api;

std::string ms(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

Status ping(Session& s, const Args& a) {
  v1::PingRequest req;
  req.set_destination(a.get("ADDRESS"));
  req.set_source(a.get("SOURCE"));
  req.set_interface(a.get("IFNAME"));
  if (a.has("count")) req.set_count(number(a, "COUNT"));
  if (a.has("size")) req.set_size(number(a, "SIZE"));
  auto& o = s.out();
  o << "PING " << req.destination() << ": " << (req.has_size() ? req.size() : 56) << " data bytes\n";
  o.flush();
  v1::PingReply r;
  uint32_t received = 0;
  auto st = s.backend().stream(api::kPing, req, r, [&]() -> Status {
    switch (r.kind()) {
      case v1::PingReply::REPLY:
        o << r.bytes() << " bytes from " << r.from() << ": icmp_seq=" << r.sequence() << " ttl=" << r.ttl()
          << " time=" << ms(r.rtt_ms()) << " ms\n";
        break;
      case v1::PingReply::TIMEOUT:
        o << "no answer to icmp_seq=" << r.sequence() << (r.error().empty() ? "" : " (" + r.error() + ")") << "\n";
        break;
      case v1::PingReply::ERROR:
        o << "From " << r.from() << " icmp_seq=" << r.sequence() << " " << r.error() << "\n";
        break;
      default: {
        received = r.received();
        const uint32_t lost = r.sent() - r.received();
        o << "\n--- " << req.destination() << " ping statistics ---\n"
          << r.sent() << " packets transmitted, " << r.received() << " received, "
          << (r.sent() ? lost * 100 / r.sent() : 0) << "% packet loss\n";
        if (r.received()) {
          o << "rtt min/avg/max = " << ms(r.rtt_min_ms()) << "/" << ms(r.rtt_avg_ms()) << "/" << ms(r.rtt_max_ms())
            << " ms\n";
        }
      }
    }
    o.flush();
    return {};
  });
  if (!st) return st;
  // As ping's exit status: a script can tell that nothing answered.
  if (received == 0) return fail(Error::unavailable("% no reply from " + req.destination()));
  return {};
}

Status traceroute(Session& s, const Args& a) {
  v1::TracerouteRequest req;
  req.set_destination(a.get("ADDRESS"));
  req.set_source(a.get("SOURCE"));
  req.set_interface(a.get("IFNAME"));
  if (a.has("max-hops")) req.set_max_hops(number(a, "HOPS"));
  if (a.has("probes")) req.set_probes(number(a, "PROBES"));
  auto& o = s.out();
  o << "traceroute to " << req.destination() << ", " << (req.max_hops() ? req.max_hops() : 30) << " hops max\n";
  o.flush();
  v1::TracerouteHop h;
  return s.backend().stream(api::kTraceroute, req, h, [&]() -> Status {
    char hop[8];
    std::snprintf(hop, sizeof hop, "%2u ", h.hop());
    o << hop;
    if (!h.from().empty()) o << " " << h.from();
    for (double r : h.rtt_ms()) o << "  " << ms(r) << " ms";
    for (uint32_t i = 0; i < h.lost(); ++i) o << " *";
    if (!h.note().empty()) o << "  (" << h.note() << ")";
    o << "\n";
    o.flush();
    return {};
  });
}

}  // namespace

void add_probe_commands(std::vector<CommandSpec>& c, std::map<std::string, std::string>& help) {
  c.push_back({Mode::kExec, "ping ADDRESS [source SOURCE] [interface IFNAME] [count COUNT] [size SIZE]",
               "Send ICMP echoes from the gateway (its namespace and addresses)", ping});
  c.push_back({Mode::kExec, "traceroute ADDRESS [source SOURCE] [interface IFNAME] [max-hops HOPS] [probes PROBES]",
               "Trace the path from the gateway to an address (UDP probes, rising TTL)", traceroute});
  help.insert({"ping", "Send ICMP echo requests from the gateway"});
  help.insert({"traceroute", "Trace the route packets take from the gateway"});
  help.insert({"source", "The local address to send from"});
  help.insert({"interface", "Send out of this interface (or a tunnel's)"});
  help.insert({"count", "Number of echoes"});
  help.insert({"size", "Payload bytes of each echo"});
  help.insert({"max-hops", "The largest TTL / hop limit to try"});
  help.insert({"probes", "Probes per hop"});
}

}  // namespace vgw::routing::cli
