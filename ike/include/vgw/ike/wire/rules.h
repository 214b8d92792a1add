// Which payloads each exchange may carry, as data, checked before any exchange logic runs
// (the strongSwan way: the tables say what a message looks like, the tasks never meet a
// message with two KE payloads or an IKE_AUTH without AUTH).
//
// One ExchangeRules row per (exchange, request/response). It says whether the payloads live
// in cleartext (IKE_SA_INIT) or inside SK (everything else, RFC 7296 1.2-1.4), and lists the
// shapes a message may take: the usual one first, then e.g. the EAP rounds of IKE_AUTH
// (RFC 7296 2.16) or the bare error response (an error Notify answers a request on its own,
// RFC 7296 2.21). A shape lists each allowed payload with a minimum and maximum count;
// payloads in the same non-zero group appear all together or not at all (SA + TSi + TSr of a
// Child SA: absent when IKE_AUTH creates no Child SA, RFC 7296 2.21.2 / RFC 6023). Payloads
// the codec does not know (kept as UnknownPayload) are always allowed and ignored.
//
// The check also applies the SA payload rules that depend on the exchange (RFC 7296 3.3):
// proposals of an offer numbered 1, 2, 3...; exactly one proposal in a response; the
// protocols and SPI sizes the exchange allows (IKE with SPI size 0 in IKE_SA_INIT, 8 when
// CREATE_CHILD_SA rekeys the IKE SA; AH/ESP with 4).
//
// Usage:
//   auto m = parse_message(datagram);        check_message(*m)      (outer: SK only, or
//                                                                    IKE_SA_INIT's payloads)
//   auto inner = parse_payloads(first, pt);  check_payloads(exchange, response, true, *inner)
#pragma once

#include <cstdint>
#include <span>

#include "vgw/base/result.h"
#include "vgw/ike/wire/error.h"
#include "vgw/ike/wire/message.h"

namespace vgw::ike::wire {

inline constexpr uint8_t kUnbounded = 255;  // PayloadRule::max: any number

struct PayloadRule {
  PayloadType type;
  uint8_t min = 0;
  uint8_t max = 1;
  uint8_t group = 0;  // non-zero: all payloads of the group present, or none
};

// When a shape applies.
enum class ShapeCondition : uint8_t {
  kAlways,
  kErrorNotify,  // the message carries an error Notify (type < 16384)
  kCookie,       // the message carries N(COOKIE) (IKE_SA_INIT response, RFC 7296 2.6)
};

struct MessageShape {
  const char* name;
  std::span<const PayloadRule> payloads;
  ShapeCondition condition = ShapeCondition::kAlways;
};

// A protocol an SA payload may propose in an exchange, with its SPI size.
struct SaProtocolRule {
  ProtocolId protocol;
  uint8_t spi_size;
};

struct ExchangeRules {
  ExchangeType exchange;
  bool response;
  bool encrypted;  // payloads inside SK (true) or in cleartext (IKE_SA_INIT)
  std::span<const MessageShape> shapes;
  std::span<const SaProtocolRule> sa_protocols;
};

// All rows, and the row for one exchange direction (nullptr if vgw has none: the exchange
// is not supported).
std::span<const ExchangeRules> exchange_rules();
const ExchangeRules* find_rules(ExchangeType exchange, bool response);

// Checks a payload chain of one message: the cleartext payloads of IKE_SA_INIT
// (encrypted = false) or the decrypted chain of SK (encrypted = true). Errors are
// INVALID_SYNTAX naming the exchange, the direction and the payload.
Result<void, ParseError> check_payloads(ExchangeType exchange, bool response, bool encrypted,
                                        std::span<const Payload> payloads);

// Checks the outer message: IKE_SA_INIT's payloads as above and no SK; any other exchange
// carries SK and nothing else outside it (unknown non-critical payloads aside).
Result<void, ParseError> check_message(const Message& m);

}  // namespace vgw::ike::wire
