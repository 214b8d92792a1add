// SA payload negotiation (RFC 7296 2.7, 3.3): suites to proposals and back.
//
// An initiator offers one proposal per configured suite, numbered 1, 2, 3... (3.3.1). A
// responder picks the first of the initiator's proposals it supports, in the initiator's
// order, and within it the first combination of transforms (initiator's order again) that
// equals one of its configured suites; it answers with that single proposal, its number kept
// and one transform of each type (3.3.6). The initiator accepts an answer only if it is one
// of the suites it offered.
//
// ESP in IKE_AUTH carries no DH transform (the Child SA's keys come from the IKE SA's SK_d,
// RFC 7296 1.2), so its offers leave the PFS group out and the selection ignores DH.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "vgw/ike/crypto/suite.h"
#include "vgw/ike/wire/payloads.h"

namespace vgw::ike {

wire::Proposal ike_proposal(const crypto::IkeSuite& suite, uint8_t number,
                            std::span<const uint8_t> spi);
wire::Proposal esp_proposal(const crypto::EspSuite& suite, uint8_t number, uint32_t spi,
                            bool with_dh);
// Offers: one proposal per suite.
wire::SaPayload ike_offer(std::span<const crypto::IkeSuite> suites, std::span<const uint8_t> spi);
wire::SaPayload esp_offer(std::span<const crypto::EspSuite> suites, uint32_t spi, bool with_dh);

struct IkeChoice {
  crypto::IkeSuite suite;
  uint8_t number = 1;
  wire::Bytes spi;  // the proposal's SPI (8 octets in an IKE rekey)
};
struct EspChoice {
  crypto::EspSuite suite;
  uint8_t number = 1;
  uint32_t spi = 0;  // the peer's inbound SPI: our outbound
};

std::optional<IkeChoice> select_ike(const wire::SaPayload& offer,
                                    std::span<const crypto::IkeSuite> ours);
// ignore_dh: IKE_AUTH (no KE), the chosen suite has no dh.
std::optional<EspChoice> select_esp(const wire::SaPayload& offer,
                                    std::span<const crypto::EspSuite> ours, bool ignore_dh);

// The suites an SA payload offers, as keyword strings ("aes256-sha256-modp2048, ..."), for
// reasons shown to the user; transforms vgw does not know appear by name and number.
std::string describe_offer(const wire::SaPayload& sa);
std::string describe_suites(std::span<const crypto::IkeSuite> suites);
std::string describe_suites(std::span<const crypto::EspSuite> suites);

}  // namespace vgw::ike
