// ROUTE-REFRESH (RFC 2918 3) with the Message Subtype of enhanced route refresh (RFC 7313 3).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/bgp/wire/constants.h"
#include "vgw/bgp/wire/error.h"

namespace vgw::bgp::wire {

// RFC 7313 3: 0 = normal route refresh, 1 = Beginning of Route Refresh, 2 = End of Route
// Refresh. Other values are kept: RFC 7313 5 says to ignore such a message (the session's
// decision; see is_known_subtype()).
enum class RefreshSubtype : uint8_t { kNormal = 0, kBegin = 1, kEnd = 2 };

struct RouteRefresh {
  AfiSafi family = kIpv4Unicast;
  RefreshSubtype subtype = RefreshSubtype::kNormal;

  bool is_known_subtype() const { return static_cast<uint8_t>(subtype) <= 2; }
  friend bool operator==(const RouteRefresh&, const RouteRefresh&) = default;
};

// Decodes a ROUTE-REFRESH from the whole message (header included): RFC 7313 5 wants the
// complete message as NOTIFICATION data when a BoRR/EoRR has the wrong length.
Result<RouteRefresh, ParseError> parse_route_refresh(std::span<const uint8_t> message);
void serialize_route_refresh(const RouteRefresh& rr, std::vector<uint8_t>& out);

}  // namespace vgw::bgp::wire
