// NAT detection (RFC 7296 2.23) and the stateless cookie (2.6) of IKE_SA_INIT.
//
//   NAT_DETECTION_SOURCE_IP / _DESTINATION_IP data = SHA-1(SPIi | SPIr | IP | Port)
//   with the SPIs as in the IKE header of the message carrying them (SPIr is zero in the
//   request), the address in network order (4 or 16 octets) and the port as 2 octets. A
//   receiver that computes a different SOURCE hash from the packet's source knows the peer is
//   behind a NAT; a different DESTINATION hash from its own address: it is itself behind one.
//   Either way IKE moves to UDP 4500 and ESP goes in UDP.
//
//   Cookie = <version> | prf(secret, Ni | IPi | SPIi): the responder can check a returned
//   cookie without keeping state (HMAC-SHA2-256 here, secret per responder, version 0).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vgw/base/ip.h"

namespace vgw::ike {

std::vector<uint8_t> nat_detection_hash(uint64_t spi_i, uint64_t spi_r, const IpAddress& address,
                                        uint16_t port);
std::vector<uint8_t> make_cookie(std::span<const uint8_t> secret, std::span<const uint8_t> ni,
                                 const IpAddress& initiator, uint64_t spi_i);

}  // namespace vgw::ike
