// The message layer: the IKE header (RFC 7296 3.1), payloads with the generic payload header
// (3.2), payload chains, and whole messages with an optional Encrypted payload (SK, 3.14, or
// SKF, RFC 7383 2.5).
//
// A payload chain is a run of payloads, each naming the type of the next in its generic
// header; the IKE header (or the SK payload, for the chain inside it) names the first. An
// unknown payload type without the critical bit is kept as an UnknownPayload (the exchange
// ignores it); with the critical bit the whole message is refused with
// UNSUPPORTED_CRITICAL_PAYLOAD and the type as notification data (3.2).
//
// The Encrypted payload must be the last payload of a message (3.14), and its body is only
// octets to this layer: encrypted.h has the views and builders the crypto layer uses, and
// parse_payloads() decodes the chain once it is decrypted.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/ike/wire/constants.h"
#include "vgw/ike/wire/error.h"
#include "vgw/ike/wire/payloads.h"

namespace vgw::ike::wire {

// RFC 7296 3.1:
//   IKE SA Initiator's SPI (8) | IKE SA Responder's SPI (8) | Next Payload (1) |
//   MjVer (4 bits) | MnVer (4 bits) | Exchange Type (1) | Flags (1) | Message ID (4) |
//   Length (4, whole message)
struct Header {
  uint64_t initiator_spi = 0;
  uint64_t responder_spi = 0;
  PayloadType next_payload = PayloadType::kNone;  // as received; serialize fills it in
  uint8_t major_version = kMajorVersion;
  uint8_t minor_version = kMinorVersion;
  ExchangeType exchange = ExchangeType::kIkeSaInit;
  bool initiator = false;  // I flag
  bool version = false;    // V flag
  bool response = false;   // R flag
  uint32_t message_id = 0;
  uint32_t length = 0;  // as received; serialize fills it in

  uint8_t flags() const;
  friend bool operator==(const Header&, const Header&) = default;
};

// Decodes the header from the first 28 octets of a datagram and checks it against the
// datagram: fewer than 28 octets or Length != datagram size -> notify kNone (drop);
// major version != 2 -> INVALID_MAJOR_VERSION (RFC 7296 2.5).
Result<Header, ParseError> parse_header(std::span<const uint8_t> datagram);
// Writes the 28 octets as given (next_payload and length included).
void serialize_header(const Header& h, ByteWriter& w);

using PayloadBody = std::variant<SaPayload, KePayload, IdPayload, CertPayload, AuthPayload,
                                 NoncePayload, NotifyPayload, DeletePayload, VendorIdPayload,
                                 TsPayload, CpPayload, EapPayload, UnknownPayload>;

// One payload of a chain (never SK/SKF: see Message::encrypted).
struct Payload {
  PayloadType type = PayloadType::kNone;
  bool critical = false;  // C bit as received (sent as 0 for the RFC 7296 types)
  PayloadBody body;

  template <typename T>
  const T* get() const { return std::get_if<T>(&body); }
  friend bool operator==(const Payload&, const Payload&) = default;
};

// Payload builders with the type the body implies (IDi/IDr and TSi/TSr need it spelled).
Payload make_payload(SaPayload p);
Payload make_payload(KePayload p);
Payload make_payload(NoncePayload p);
Payload make_payload(NotifyPayload p);
Payload make_payload(DeletePayload p);
Payload make_payload(VendorIdPayload p);
Payload make_payload(AuthPayload p);
Payload make_payload(CpPayload p);
Payload make_payload(EapPayload p);
Payload make_payload(PayloadType type, PayloadBody body);  // IDi/IDr, TSi/TSr, CERT/CERTREQ

// RFC 7383 2.5: Fragment Number (2) | Total Fragments (2), 1 <= number <= total.
struct Fragment {
  uint16_t number = 1;
  uint16_t total = 1;
  friend bool operator==(const Fragment&, const Fragment&) = default;
};

// The Encrypted payload as octets: SK (RFC 7296 3.14) or, with `fragment`, SKF.
struct EncryptedPayload {
  PayloadType first_payload = PayloadType::kNone;  // its Next Payload: the first inner payload
  bool critical = false;
  std::optional<Fragment> fragment;  // set for SKF
  Bytes body;  // IV | encrypted payloads | padding | Pad Length | ICV, still encrypted
  friend bool operator==(const EncryptedPayload&, const EncryptedPayload&) = default;
};

struct Message {
  Header header;
  // The payloads outside SK: all of IKE_SA_INIT; normally none in the other exchanges.
  std::vector<Payload> payloads;
  std::optional<EncryptedPayload> encrypted;
  friend bool operator==(const Message&, const Message&) = default;
};

// Decodes one datagram (the whole of it: RFC 7296 3.1 Length must equal its size; a UDP 4500
// datagram is given without its non-ESP marker). The SK/SKF body is copied, not decrypted.
Result<Message, ParseError> parse_message(std::span<const uint8_t> datagram);
// Encodes a message; the header's next_payload and length are computed. Fails if a payload
// cannot be encoded or is over 65535 octets, or a payload's body does not match its type.
Result<Bytes> serialize_message(const Message& m);

// Decodes a decrypted inner chain (RFC 7296 3.14: the plaintext without padding and Pad
// Length) whose first payload type the SK payload named. Offsets in errors count from the
// start of `chain`.
Result<std::vector<Payload>, ParseError> parse_payloads(PayloadType first,
                                                        std::span<const uint8_t> chain);
// Encodes a chain; the first payload's type is payloads.front().type (kNone if empty).
Result<Bytes> serialize_payloads(std::span<const Payload> payloads);
// Appends the chain to w, the last payload's Next Payload being `next_after_last`.
Status serialize_payloads(std::span<const Payload> payloads, PayloadType next_after_last,
                          ByteWriter& w);
// The type the first payload gets in a header (kNone for an empty chain).
PayloadType first_type(std::span<const Payload> payloads);

// Lookups over a chain.
const Payload* find_payload(std::span<const Payload> payloads, PayloadType type);
const NotifyPayload* find_notify(std::span<const Payload> payloads, NotifyType type);
// The first error notify (type < 16384), if any.
const NotifyPayload* find_error_notify(std::span<const Payload> payloads);

// For logs, RFC notation: "SA KE Nonce N(NAT_DETECTION_SOURCE_IP) V".
std::string describe(std::span<const Payload> payloads);
// "IKE_SA_INIT request 0 [ SA KE Nonce N(...) ]", "IKE_AUTH response 1 [ SK ]".
std::string describe(const Message& m);

}  // namespace vgw::ike::wire
