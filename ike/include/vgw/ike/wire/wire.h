// vgw::ike::wire - the IKEv2 message and payload codec (library vgw::ike_wire; depends on
// base/ only).
//
// What it is for: turning the octets of an IKEv2 datagram (RFC 7296 section 3, RFC 7383
// fragments) into typed payloads and back, with no I/O, clock, key or cipher. The exchanges
// (IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL) build and read Messages; the crypto
// layer protects the SK payload around octets this codec lays out.
//
// How a received datagram flows:
//   bytes -> parse_message()          header checks (version 2, length = datagram), then the
//                                     payload chain via the descriptor table in chain.cc;
//                                     unknown critical payload -> UNSUPPORTED_CRITICAL_PAYLOAD
//         -> check_message()          rules.h: IKE_SA_INIT's payloads fit the table; the
//                                     other exchanges carry SK and nothing else
//   protected exchanges:
//         -> parse_protected()        encrypted.h: AAD, encrypted body, ICV as views
//         -> (crypto: verify, decrypt, strip padding)
//         -> parse_payloads(first, plaintext) -> check_payloads(exchange, response, true, ...)
//   Every failure is a ParseError carrying the Notify the protocol answers with (error.h).
// Sending is the reverse: serialize_message() for IKE_SA_INIT; serialize_payloads() for the
// inner chain plus build_protected() for the frame the crypto layer fills in.
//
// Headers: constants.h (numbers), names.h (names for logs and show), error.h (ParseError),
// payloads.h (typed payload bodies), message.h (header, chains, messages), encrypted.h
// (SK/SKF for the crypto layer), rules.h (per-exchange payload tables).
#pragma once

#include "vgw/ike/wire/constants.h"
#include "vgw/ike/wire/encrypted.h"
#include "vgw/ike/wire/error.h"
#include "vgw/ike/wire/message.h"
#include "vgw/ike/wire/names.h"
#include "vgw/ike/wire/payloads.h"
#include "vgw/ike/wire/rules.h"
