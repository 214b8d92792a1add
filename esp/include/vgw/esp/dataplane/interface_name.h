// TUN interface names. Linux allows IFNAMSIZ - 1 = 15 octets, no '/', ':' or whitespace, not
// "." or "..". A tunnel whose name is a valid interface name keeps it; any other tunnel gets
// "vgw" + 8 hex digits of a hash of its name (FNV-1a), with "-<n>" to break the rare tie, so
// the mapping is stable for a given set of names and `show tunnel` can reveal it.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace vgw::esp {

inline constexpr size_t kMaxInterfaceNameSize = 15;

bool valid_interface_name(std::string_view name);

class InterfaceNames {
 public:
  // The interface name for tunnel, assigned now if it has none yet. An interface name already
  // assigned to another tunnel is never handed out twice.
  std::string assign(std::string_view tunnel);
  void release(std::string_view tunnel);
  std::optional<std::string> find(std::string_view tunnel) const;
  const std::map<std::string, std::string, std::less<>>& all() const { return by_tunnel_; }

 private:
  std::map<std::string, std::string, std::less<>> by_tunnel_;  // tunnel -> interface
  std::set<std::string, std::less<>> taken_;
};

}  // namespace vgw::esp
