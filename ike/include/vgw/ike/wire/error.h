// What the codec reports when a peer's bytes are wrong, and what IKE does about it.
//
// RFC 7296 gives every decoding failure a protocol consequence: a message whose header
// cannot be read is dropped; a major version other than 2 is answered with
// INVALID_MAJOR_VERSION (1.5, 2.5); an unknown payload with the critical bit is answered with
// UNSUPPORTED_CRITICAL_PAYLOAD carrying the payload type (2.5, 3.2); anything else that is
// out of range is INVALID_SYNTAX (3.10.1). The codec only decides which notify applies; the
// exchange decides whether it may send it (RFC 7296 2.21: an error notify about an
// unauthenticated request goes in a response only where the RFC allows it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "vgw/ike/wire/constants.h"

namespace vgw::ike::wire {

struct ParseError {
  // The Notify to answer with; kNone means "drop the message, send nothing" (a header too
  // short or a length that disagrees with the datagram: there is nothing to answer to).
  NotifyType notify = NotifyType::kInvalidSyntax;
  // Notification Data for that notify: the one-octet payload type for
  // UNSUPPORTED_CRITICAL_PAYLOAD (RFC 7296 3.10.1), otherwise empty.
  std::vector<uint8_t> notify_data;
  // The payload the problem is in (kNone for the IKE header or a rule about the message).
  PayloadType payload = PayloadType::kNone;
  // Octet offset of the problem from the start of the parsed buffer (the datagram, or the
  // decrypted inner payload chain).
  size_t offset = 0;
  // For logs: names the payload, the field and the rule.
  std::string text;

  friend bool operator==(const ParseError&, const ParseError&) = default;
};

// "INVALID_SYNTAX at 40: KE payload: ...", "drop at 0: ..."
std::string to_string(const ParseError& e);

}  // namespace vgw::ike::wire
