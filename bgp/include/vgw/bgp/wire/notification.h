// NOTIFICATION (RFC 4271 4.5), including the shutdown communication of RFC 8203 / RFC 9003
// carried by Cease / Administrative Shutdown and Administrative Reset.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/bgp/wire/error.h"

namespace vgw::bgp::wire {

struct Notification {
  uint8_t code = 0;
  uint8_t subcode = 0;
  std::vector<uint8_t> data;

  // RFC 9003 2: Cease with a shutdown communication (UTF-8, at most 255 octets; longer
  // text is cut at a character boundary).
  static Notification shutdown(uint8_t subcode, std::string_view text);
  // The NOTIFICATION a ParseError asks the session to send.
  static Notification from(const ParseError& e) { return {e.code, e.subcode, e.data}; }

  // The shutdown communication if this is Cease / Administrative Shutdown or Reset and the
  // data holds a well-formed one (length octet + that many octets). Not validated as UTF-8.
  std::optional<std::string> shutdown_communication() const;
  // "Cease / Administrative Shutdown: \"maintenance\"" or with the data in hex.
  std::string to_string() const;

  friend bool operator==(const Notification&, const Notification&) = default;
};

// Decodes a NOTIFICATION body (error code, subcode, data).
Result<Notification, ParseError> parse_notification(std::span<const uint8_t> body);
// Encodes a complete NOTIFICATION (header included); data is cut to fit 4096 octets.
void serialize_notification(const Notification& n, std::vector<uint8_t>& out);

}  // namespace vgw::bgp::wire
