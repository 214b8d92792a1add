// Traffic selector narrowing (traffic_selectors.h, RFC 7296 2.9 and 3.13.1).
#include "vgw/ike/traffic_selectors.h"

#include <algorithm>

namespace vgw::ike {

std::optional<wire::TrafficSelector> intersect(const wire::TrafficSelector& a,
                                               const wire::TrafficSelector& b) {
  if (a.start.family() != b.start.family()) return std::nullopt;
  if (a.ip_protocol != 0 && b.ip_protocol != 0 && a.ip_protocol != b.ip_protocol)
    return std::nullopt;
  wire::TrafficSelector t;
  t.ip_protocol = a.ip_protocol != 0 ? a.ip_protocol : b.ip_protocol;
  t.start_port = std::max(a.start_port, b.start_port);
  t.end_port = std::min(a.end_port, b.end_port);
  t.start = std::max(a.start, b.start);
  t.end = std::min(a.end, b.end);
  if (t.start_port > t.end_port || t.start > t.end) return std::nullopt;
  return t;
}

std::vector<wire::TrafficSelector> narrow(std::span<const wire::TrafficSelector> offered,
                                          std::span<const wire::TrafficSelector> policy) {
  std::vector<wire::TrafficSelector> out;
  for (const auto& o : offered)
    for (const auto& p : policy)
      if (auto t = intersect(o, p); t && std::find(out.begin(), out.end(), *t) == out.end())
        out.push_back(*t);
  return out;
}

bool covered(std::span<const wire::TrafficSelector> returned,
             std::span<const wire::TrafficSelector> offered) {
  for (const auto& r : returned) {
    bool inside = false;
    for (const auto& o : offered) {
      auto t = intersect(r, o);
      inside |= t && *t == r;
    }
    if (!inside) return false;
  }
  return true;
}

std::string describe(std::span<const wire::TrafficSelector> ts) {
  std::string out;
  for (const auto& t : ts) {
    if (!out.empty()) out += " ";
    const auto any = wire::TrafficSelector::any(t.start.family());
    if (t.start == any.start && t.end == any.end)
      out += t.start.is_v4() ? "0.0.0.0/0" : "::/0";
    else if (t.start == t.end)
      out += t.start.to_string();
    else
      out += t.start.to_string() + "-" + t.end.to_string();
    if (t.ip_protocol != 0 || t.start_port != 0 || t.end_port != 65535) {
      out += "[" + std::to_string(t.ip_protocol) + "/" + std::to_string(t.start_port);
      if (t.end_port != t.start_port) out += "-" + std::to_string(t.end_port);
      out += "]";
    }
  }
  return out.empty() ? "none" : out;
}

}  // namespace vgw::ike
