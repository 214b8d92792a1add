// Tunnel -> TUN interface names (see interface_name.h).
#include "vgw/esp/dataplane/interface_name.h"

#include <cstdio>

namespace vgw::esp {
namespace {

uint32_t fnv1a(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

}  // namespace

bool valid_interface_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxInterfaceNameSize || name == "." || name == "..")
    return false;
  for (unsigned char c : name) {
    if (c <= ' ' || c >= 0x7f || c == '/' || c == ':' || c == '%') return false;
  }
  return true;
}

std::string InterfaceNames::assign(std::string_view tunnel) {
  if (auto it = by_tunnel_.find(tunnel); it != by_tunnel_.end()) return it->second;
  std::string name;
  if (valid_interface_name(tunnel) && !taken_.contains(tunnel)) {
    name = std::string(tunnel);
  } else {
    char base[16];
    std::snprintf(base, sizeof base, "vgw%08x", fnv1a(tunnel));
    name = base;
    for (unsigned n = 1; taken_.contains(name); ++n) name = base + ("-" + std::to_string(n));
  }
  taken_.insert(name);
  by_tunnel_.emplace(std::string(tunnel), name);
  return name;
}

void InterfaceNames::release(std::string_view tunnel) {
  auto it = by_tunnel_.find(tunnel);
  if (it == by_tunnel_.end()) return;
  taken_.erase(it->second);
  by_tunnel_.erase(it);
}

std::optional<std::string> InterfaceNames::find(std::string_view tunnel) const {
  auto it = by_tunnel_.find(tunnel);
  if (it == by_tunnel_.end()) return std::nullopt;
  return it->second;
}

}  // namespace vgw::esp
