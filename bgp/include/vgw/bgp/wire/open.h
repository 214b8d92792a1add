// OPEN (RFC 4271 4.2) and its Capabilities optional parameter (RFC 5492). The capabilities
// vgw negotiates are decoded into fields; every other capability - known ones FRR sends
// such as add-path, FQDN, long-lived GR, software version, and unknown codes - is kept as
// an opaque {code, value} entry in received order, so nothing the peer said is lost.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/bgp/wire/constants.h"
#include "vgw/bgp/wire/error.h"

namespace vgw::bgp::wire {

// RFC 4724 3.
struct GracefulRestart {
  bool restart_state = false;  // R bit
  bool notification = false;   // N bit (RFC 8538)
  uint16_t restart_time = 0;   // seconds, 12 bits
  struct Family {
    AfiSafi family;
    bool forwarding_preserved = false;  // F bit
    friend bool operator==(const Family&, const Family&) = default;
  };
  std::vector<Family> families;
  friend bool operator==(const GracefulRestart&, const GracefulRestart&) = default;
};

// RFC 8950 3: NLRI of (afi, safi) may carry a next hop of next_hop_afi.
struct ExtendedNextHop {
  Afi nlri_afi = Afi::kIpv4;
  uint16_t nlri_safi = 1;  // 2 octets on the wire here
  Afi next_hop_afi = Afi::kIpv6;
  friend bool operator==(const ExtendedNextHop&, const ExtendedNextHop&) = default;
};

// A capability kept as received (RFC 5492 4: code, length, value).
struct RawCapability {
  uint8_t code = 0;
  std::vector<uint8_t> value;
  friend bool operator==(const RawCapability&, const RawCapability&) = default;
};

struct Capabilities {
  std::vector<AfiSafi> multiprotocol;          // code 1, one entry per capability
  bool route_refresh = false;                  // code 2
  std::vector<ExtendedNextHop> extended_next_hop;  // code 5
  std::optional<GracefulRestart> graceful_restart;  // code 64 (the last one received)
  std::optional<uint32_t> four_octet_as;       // code 65
  bool enhanced_route_refresh = false;         // code 70
  std::vector<RawCapability> other;            // everything else, in received order

  bool supports(AfiSafi f) const;
  // The opaque entry with this code, if any.
  const RawCapability* find(uint8_t code) const;
  friend bool operator==(const Capabilities&, const Capabilities&) = default;
};

struct Open {
  uint8_t version = 4;
  uint16_t my_as = 0;  // the 2-octet field: AS_TRANS when the ASN needs 4 octets
  uint16_t hold_time = 0;
  uint32_t bgp_identifier = 0;  // host order
  Capabilities capabilities;

  // The speaker's ASN: the 4-octet AS capability if present, else My Autonomous System.
  uint32_t asn() const { return capabilities.four_octet_as.value_or(my_as); }
  // Sets my_as and the 4-octet AS capability for asn (RFC 6793 3).
  void set_asn(uint32_t asn);
  friend bool operator==(const Open&, const Open&) = default;
};

// Decodes an OPEN body. Checks that need no configuration: version 4 (2/1), hold time 0 or
// >= 3 (2/6), non-zero BGP Identifier (2/3, RFC 6286), AS 0 (2/2, RFC 7607), optional
// parameters other than Capabilities (2/4), malformed capabilities (2/0). The session checks
// the peer AS, identifier collisions and the capabilities it requires.
Result<Open, ParseError> parse_open(std::span<const uint8_t> body);

// Encodes a complete OPEN message (header included), appending to out. All capabilities go
// in one Capabilities parameter; RFC 9072 extended parameter length is used if needed.
Status serialize_open(const Open& open, std::vector<uint8_t>& out);

}  // namespace vgw::bgp::wire
