// Traffic selector narrowing (traffic_selectors.h, RFC 7296 2.9 and 3.13.1).
#include "vgw/ike/traffic_selectors.h"

#include <algorithm>
#include <optional>

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

namespace {

// The length of the prefix that is exactly the range start..end, if there is one.
std::optional<int> prefix_length(const IpAddress& start, const IpAddress& end) {
  if (start.family() != end.family()) return std::nullopt;
  const size_t n = start.size();
  int len = 0;
  size_t i = 0;
  // Equal leading octets, then one octet where start has 0-bits and end 1-bits from some bit
  // on, then octets of 0x00 (start) against 0xff (end).
  while (i < n && start.data()[i] == end.data()[i]) {
    len += 8;
    ++i;
  }
  if (i == n) return len;
  const uint8_t s = start.data()[i], e = end.data()[i];
  const uint8_t diff = static_cast<uint8_t>(s ^ e);
  // diff must be a run of low bits, s has them clear and e has them set.
  if ((diff & static_cast<uint8_t>(diff + 1)) != 0 || (s & diff) != 0 || (e & diff) != diff) return std::nullopt;
  int bits = 0;
  for (uint8_t d = diff; d; d >>= 1) ++bits;
  len += 8 - bits;
  for (++i; i < n; ++i)
    if (start.data()[i] != 0x00 || end.data()[i] != 0xff) return std::nullopt;
  return len;
}

}  // namespace

std::string describe(std::span<const wire::TrafficSelector> ts) {
  std::string out;
  for (const auto& t : ts) {
    if (!out.empty()) out += " ";
    if (auto len = prefix_length(t.start, t.end); len && *len != t.start.bit_length())
      out += t.start.to_string() + "/" + std::to_string(*len);
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
