// What a session agrees on when it receives the peer's OPEN (RFC 4271 4.2, 6.2): the checks
// that need our configuration (peer AS, BGP Identifier, hold time) and the capabilities both
// sides advertised (RFC 5492): multiprotocol families (RFC 4760), 4-octet AS (RFC 6793),
// route refresh (RFC 2918) and enhanced route refresh (RFC 7313), graceful restart
// (RFC 4724). A failed check yields the NOTIFICATION to send.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "vgw/base/result.h"
#include "vgw/bgp/wire/notification.h"
#include "vgw/bgp/wire/open.h"
#include "vgw/bgp/wire/session_context.h"

namespace vgw::bgp::session {

// What this speaker offers and expects on one session.
struct LocalSettings {
  uint32_t local_as = 0;
  uint32_t router_id = 0;   // host order
  uint32_t remote_as = 0;   // the AS the peer must announce
  bool any_external_as = false;  // instead: any AS but local_as (`remote-as external`)
  uint16_t hold_time = 90;  // 0 or >= 3 (RFC 4271 4.2)
  uint16_t keepalive_time = 30;  // 0: a third of the negotiated hold time
  bool ipv4_unicast = true;
  bool ipv6_unicast = true;
  bool route_refresh = true;
  bool enhanced_route_refresh = true;
  bool graceful_restart = true;  // helper: the capability with no families (RFC 4724 3)
  uint16_t graceful_restart_time = 120;

  bool internal() const { return !any_external_as && local_as == remote_as; }
};

// The OPEN this speaker sends for settings s.
wire::Open make_open(const LocalSettings& s);

struct Negotiated {
  uint32_t remote_as = 0;
  uint32_t remote_id = 0;        // host order
  uint16_t hold_time = 0;        // min of both; 0 = no hold timer and no keepalives
  uint16_t keepalive_time = 0;
  bool four_octet_as = false;
  bool ipv4_unicast = false;
  bool ipv6_unicast = false;
  bool route_refresh = false;
  bool enhanced_route_refresh = false;
  // The peer's graceful restart capability (present = the peer can restart gracefully and we
  // act as its helper when we advertised ours too).
  std::optional<wire::GracefulRestart> peer_graceful_restart;
  bool graceful_restart = false;  // both advertised the capability
  wire::Capabilities received;    // everything the peer sent

  bool enabled(wire::AfiSafi f) const {
    return f == wire::kIpv4Unicast ? ipv4_unicast : f == wire::kIpv6Unicast && ipv6_unicast;
  }
  wire::SessionContext context(bool internal) const;
};

// Validates the received OPEN against the settings and negotiates. On failure the error holds
// the NOTIFICATION (code/subcode/data) and a text for logs.
Result<Negotiated, wire::ParseError> negotiate(const wire::Open& received, const LocalSettings& s);

}  // namespace vgw::bgp::session
