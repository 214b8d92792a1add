// The message layer: the 19-octet header (RFC 4271 4.1), the Message variant of the five
// message types, and parse/serialize of whole messages.
#pragma once

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/bgp/wire/error.h"
#include "vgw/bgp/wire/notification.h"
#include "vgw/bgp/wire/open.h"
#include "vgw/bgp/wire/route_refresh.h"
#include "vgw/bgp/wire/session_context.h"
#include "vgw/bgp/wire/update.h"

namespace vgw::bgp::wire {

struct Keepalive {
  friend bool operator==(const Keepalive&, const Keepalive&) = default;
};

using Message = std::variant<Open, Update, Notification, Keepalive, RouteRefresh>;

struct Header {
  uint16_t length = 0;  // whole message, header included
  MessageType type = MessageType::kKeepalive;
};

// Decodes the header from the first 19 octets of `bytes` (more may follow). Checks the
// marker (1/1), the length against 19..4096 and the type's minimum (1/2, data = the length
// field), and the type (1/3, data = the type octet), per RFC 4271 6.1.
Result<Header, ParseError> parse_header(std::span<const uint8_t> bytes);

// Decodes one whole message (header + body, exactly header.length octets).
Result<Message, ParseError> parse_message(std::span<const uint8_t> message,
                                          const SessionContext& ctx);

// Appends the encoded message. Fails (writing nothing) only if an OPEN or UPDATE would not
// fit in 4096 octets.
Status serialize(const Message& m, const SessionContext& ctx, std::vector<uint8_t>& out);
void serialize_keepalive(std::vector<uint8_t>& out);

}  // namespace vgw::bgp::wire
