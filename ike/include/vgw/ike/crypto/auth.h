// The AUTH payload for pre-shared keys (RFC 7296 section 2.15).
//
// Each side signs its own first message, the peer's nonce and a MAC of its own identity:
//
//   InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI
//       MACedIDForI       = prf(SK_pi, RestOfInitIDPayload)
//   ResponderSignedOctets = RealMessage2 | NonceIData | MACedIDForR
//       MACedIDForR       = prf(SK_pr, RestOfRespIDPayload)
//
//   AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets> )
//
// RealMessage1/2 are the IKE_SA_INIT request/response exactly as sent (first octet of the IKE
// header to the last octet), Nonce*Data the peer's Nonce payload data, RestOf*IDPayload the
// ID payload after its generic header (ID Type, three RESERVED octets, identification data).
// The key pad is the 17 ASCII characters without a terminating NUL. Both sides compute the
// same function: the initiator to send its AUTH and to check the responder's with the
// responder's inputs, and vice versa; the received AUTH is compared in constant time.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/ike/crypto/secret.h"
#include "vgw/ike/crypto/transform_id.h"

namespace vgw::ike::crypto {

inline constexpr std::string_view kKeyPad = "Key Pad for IKEv2";

// <SignedOctets> of the side whose real_message, sk_p and id_payload_rest these are;
// peer_nonce is the other side's Nonce Data.
Result<std::vector<uint8_t>> signed_octets(PrfId prf, std::span<const uint8_t> real_message,
                                           std::span<const uint8_t> peer_nonce,
                                           std::span<const uint8_t> sk_p,
                                           std::span<const uint8_t> id_payload_rest);

// AUTH Data for Shared Key Message Integrity Code (auth method 2).
Result<SecretBytes> psk_auth(PrfId prf, std::span<const uint8_t> shared_secret,
                             std::span<const uint8_t> signed_octets);

// signed_octets() then psk_auth(): what one side sends, or expects from the other.
Result<SecretBytes> psk_auth(PrfId prf, std::span<const uint8_t> shared_secret,
                             std::span<const uint8_t> real_message,
                             std::span<const uint8_t> peer_nonce, std::span<const uint8_t> sk_p,
                             std::span<const uint8_t> id_payload_rest);

// Constant-time check of a received AUTH Data field against the expected value.
bool auth_matches(std::span<const uint8_t> expected, std::span<const uint8_t> received);

}  // namespace vgw::ike::crypto
