// The Encrypted payload seen from the crypto layer: where the protected octets sit in a
// received datagram, and an outgoing message laid out around an encrypted body the caller
// fills in. Pure: no cipher, no key, no copy of the ciphertext.
//
// Layout of a protected message (RFC 7296 3.14; RFC 7383 2.5 adds 4 octets to SKF's header):
//
//   0            28                         body_offset                          end
//   | IKE header | [cleartext payloads] | SK payload header [| Frag No | Total] | IV | ciphertext
//   (padding, Pad Length inside) | ICV |
//   |<------------------ associated_data ------------------------------------->|
//   |<------------------ authenticated(icv_size) --------------------------------------->|
//
//   - AEAD (AES-GCM, RFC 5282 5.1; ChaCha20-Poly1305, RFC 7634): the AAD is everything from
//     the first octet of the IKE header to the last octet of the SK (or SKF, fragment fields
//     included, RFC 7383 2.5) payload header: `associated_data`. The IV follows, then the
//     ciphertext, and the ICV (the tag) ends the message.
//   - Encrypt-then-MAC (AES-CBC + HMAC, RFC 7296 3.14): the ICV is computed over everything
//     from the first octet of the header to the last octet before the ICV, i.e. the
//     encrypted body included: `authenticated(icv_size)`.
// Both ranges are final only once the lengths are: so the builder reserves `body_size`
// octets and patches the header Length and the SK Payload Length before the caller encrypts,
// and the parser hands out the views of the datagram as received. Neither re-parses.
//
// Receiving:
//   auto v = parse_protected(datagram);                 // header + SK located, nothing decrypted
//   aead:  open(key, v->body IV/ciphertext/tag, aad = v->associated_data) -> plaintext
//   etm:   verify(mac(v->authenticated(icv)), v->icv(icv)); decrypt(v->body minus ICV)
//   strip padding (Pad Length), then parse_payloads(v->first_payload, plaintext)
// Sending:
//   auto plain = serialize_payloads(inner);              // append padding + Pad Length
//   auto f = build_protected(header, first_type(inner), iv + ct + icv sizes);
//   write IV, ciphertext into f->body(); tag/ICV over f->associated_data() or
//   f->authenticated(icv) into f->icv(icv); send f->message.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/ike/wire/message.h"

namespace vgw::ike::wire {

// A received protected message, as views into the datagram it was parsed from (valid while
// that buffer lives and is not modified).
struct ProtectedView {
  Header header;
  std::vector<Payload> cleartext;  // payloads before SK (normally none)
  PayloadType sk_type = PayloadType::kEncrypted;  // kEncrypted or kEncryptedFragment
  PayloadType first_payload = PayloadType::kNone;  // SK Next Payload: first inner payload
  bool critical = false;
  std::optional<Fragment> fragment;  // SKF only
  std::span<const uint8_t> message;          // the whole message
  std::span<const uint8_t> associated_data;  // header .. end of the SK/SKF payload header
  std::span<const uint8_t> body;             // IV | ciphertext | ICV

  // Octets covered by an encrypt-then-MAC ICV of icv_size octets: the message without its
  // last icv_size octets. Empty if the body is shorter than icv_size.
  std::span<const uint8_t> authenticated(size_t icv_size) const;
  // The last icv_size octets of the message (empty if the body is shorter).
  std::span<const uint8_t> icv(size_t icv_size) const;
};

// Parses a datagram whose last payload is SK or SKF (the header and any cleartext payloads
// with all the checks of parse_message()). A message without SK/SKF is INVALID_SYNTAX.
Result<ProtectedView, ParseError> parse_protected(std::span<const uint8_t> datagram);

// An outgoing protected message with room for the encrypted body. Header Length and SK/SKF
// Payload Length already count the body, so associated_data() and authenticated() are final.
struct ProtectedFrame {
  Bytes message;
  size_t body_offset = 0;

  std::span<const uint8_t> associated_data() const {
    return std::span<const uint8_t>(message).first(body_offset);
  }
  std::span<uint8_t> body() { return std::span<uint8_t>(message).subspan(body_offset); }
  // Octets an encrypt-then-MAC ICV of icv_size covers: the message without its last
  // icv_size octets. Empty if icv_size exceeds the body (as icv()).
  std::span<const uint8_t> authenticated(size_t icv_size) const {
    if (icv_size > message.size() - body_offset) return {};
    return std::span<const uint8_t>(message).first(message.size() - icv_size);
  }
  std::span<uint8_t> icv(size_t icv_size) {
    if (icv_size > message.size() - body_offset) return {};
    return std::span<uint8_t>(message).last(icv_size);
  }
};

// Lays out header + cleartext payloads + SK (or SKF when fragment is set) header + body_size
// zero octets. first_payload is the SK Next Payload (first_type(inner); 0 in SKF fragments
// after the first, RFC 7383 2.5). Fails if a cleartext payload cannot be encoded, the SK
// payload would exceed 65535 octets, or the fragment numbers are out of order.
Result<ProtectedFrame> build_protected(const Header& header, PayloadType first_payload,
                                       size_t body_size, std::span<const Payload> cleartext = {},
                                       std::optional<Fragment> fragment = std::nullopt);

}  // namespace vgw::ike::wire
