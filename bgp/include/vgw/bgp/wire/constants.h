// BGP-4 protocol numbers: message types, path attribute type codes and flags, capability
// codes, AFI/SAFI, and NOTIFICATION error codes/subcodes, with names for logs and the CLI.
// Values come from the RFCs cited next to each group and the IANA BGP registries.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>

namespace vgw::bgp::wire {

// RFC 4271 4.1: every message starts with a 19-octet header and is at most 4096 octets
// (RFC 8654 extended messages are not used).
inline constexpr size_t kHeaderSize = 19;
inline constexpr size_t kMaxMessageSize = 4096;
inline constexpr size_t kMarkerSize = 16;

// RFC 4271 4.1 (+ RFC 2918 for ROUTE-REFRESH).
enum class MessageType : uint8_t {
  kOpen = 1,
  kUpdate = 2,
  kNotification = 3,
  kKeepalive = 4,
  kRouteRefresh = 5,
};
const char* message_type_name(MessageType type);

// Path attribute type codes (RFC 4271 5, RFC 1997, RFC 4456, RFC 4760, RFC 4360, RFC 6793,
// RFC 8092). Anything else is "unknown" to this codec and handled by the flags alone.
namespace attr {
inline constexpr uint8_t kOrigin = 1;
inline constexpr uint8_t kAsPath = 2;
inline constexpr uint8_t kNextHop = 3;
inline constexpr uint8_t kMultiExitDisc = 4;
inline constexpr uint8_t kLocalPref = 5;
inline constexpr uint8_t kAtomicAggregate = 6;
inline constexpr uint8_t kAggregator = 7;
inline constexpr uint8_t kCommunities = 8;
inline constexpr uint8_t kOriginatorId = 9;
inline constexpr uint8_t kClusterList = 10;
inline constexpr uint8_t kMpReachNlri = 14;
inline constexpr uint8_t kMpUnreachNlri = 15;
inline constexpr uint8_t kExtendedCommunities = 16;
inline constexpr uint8_t kAs4Path = 17;
inline constexpr uint8_t kAs4Aggregator = 18;
inline constexpr uint8_t kLargeCommunities = 32;
}  // namespace attr

// RFC 4271 4.3: the Attribute Flags octet.
namespace attr_flag {
inline constexpr uint8_t kOptional = 0x80;
inline constexpr uint8_t kTransitive = 0x40;
inline constexpr uint8_t kPartial = 0x20;
inline constexpr uint8_t kExtendedLength = 0x10;
}  // namespace attr_flag

// "ORIGIN", "AS_PATH", ... or "attribute 99".
std::string attribute_name(uint8_t type);

// Capability codes (RFC 5492 and the IANA "Capability Codes" registry). The codec decodes
// the ones vgw negotiates; the rest (including those FRR sends) are kept as opaque entries.
namespace cap {
inline constexpr uint8_t kMultiprotocol = 1;            // RFC 4760
inline constexpr uint8_t kRouteRefresh = 2;             // RFC 2918
inline constexpr uint8_t kOutboundRouteFiltering = 3;   // RFC 5291
inline constexpr uint8_t kExtendedNextHop = 5;          // RFC 8950
inline constexpr uint8_t kExtendedMessage = 6;          // RFC 8654
inline constexpr uint8_t kBgpRole = 9;                  // RFC 9234
inline constexpr uint8_t kGracefulRestart = 64;         // RFC 4724
inline constexpr uint8_t kFourOctetAs = 65;             // RFC 6793
inline constexpr uint8_t kDynamic = 67;                 // draft-ietf-idr-dynamic-cap
inline constexpr uint8_t kMultisession = 68;            // draft-ietf-idr-bgp-multisession
inline constexpr uint8_t kAddPath = 69;                 // RFC 7911
inline constexpr uint8_t kEnhancedRouteRefresh = 70;    // RFC 7313
inline constexpr uint8_t kLongLivedGracefulRestart = 71;  // RFC 9494
inline constexpr uint8_t kFqdn = 73;                    // draft-walton-bgp-hostname-capability
inline constexpr uint8_t kSoftwareVersion = 75;         // draft-abraitis-bgp-version-capability
inline constexpr uint8_t kPathsLimit = 76;              // draft-abraitis-idr-addpath-paths-limit
inline constexpr uint8_t kRouteRefreshCisco = 128;      // pre-standard route refresh (FRR sends it)
}  // namespace cap

// "multiprotocol", "four-octet-as", ... or "capability 200".
std::string capability_name(uint8_t code);

// RFC 4760 3 (IANA Address Family Numbers / SAFI registry). Only unicast IPv4/IPv6 carry
// NLRI this codec decodes; other values pass through opaque places (capabilities).
enum class Afi : uint16_t { kIpv4 = 1, kIpv6 = 2 };
enum class Safi : uint8_t { kUnicast = 1, kMulticast = 2 };

struct AfiSafi {
  Afi afi = Afi::kIpv4;
  Safi safi = Safi::kUnicast;
  friend auto operator<=>(const AfiSafi&, const AfiSafi&) = default;
  friend bool operator==(const AfiSafi&, const AfiSafi&) = default;
};
inline constexpr AfiSafi kIpv4Unicast{Afi::kIpv4, Safi::kUnicast};
inline constexpr AfiSafi kIpv6Unicast{Afi::kIpv6, Safi::kUnicast};
// "ipv4-unicast", "ipv6-unicast", or "afi 25 safi 70".
std::string afi_safi_name(AfiSafi f);

// NOTIFICATION error codes (RFC 4271 4.5, RFC 7313 for ROUTE-REFRESH) and subcodes.
namespace err {
inline constexpr uint8_t kMessageHeader = 1;
inline constexpr uint8_t kOpenMessage = 2;
inline constexpr uint8_t kUpdateMessage = 3;
inline constexpr uint8_t kHoldTimerExpired = 4;
inline constexpr uint8_t kFsm = 5;
inline constexpr uint8_t kCease = 6;
inline constexpr uint8_t kRouteRefreshMessage = 7;

// Message Header Error subcodes (RFC 4271 6.1).
inline constexpr uint8_t kConnectionNotSynchronized = 1;
inline constexpr uint8_t kBadMessageLength = 2;
inline constexpr uint8_t kBadMessageType = 3;

// OPEN Message Error subcodes (RFC 4271 6.2, RFC 5492 5).
inline constexpr uint8_t kUnspecific = 0;
inline constexpr uint8_t kUnsupportedVersionNumber = 1;
inline constexpr uint8_t kBadPeerAs = 2;
inline constexpr uint8_t kBadBgpIdentifier = 3;
inline constexpr uint8_t kUnsupportedOptionalParameter = 4;
inline constexpr uint8_t kUnacceptableHoldTime = 6;
inline constexpr uint8_t kUnsupportedCapability = 7;
inline constexpr uint8_t kRoleMismatch = 11;  // RFC 9234

// UPDATE Message Error subcodes (RFC 4271 6.3).
inline constexpr uint8_t kMalformedAttributeList = 1;
inline constexpr uint8_t kUnrecognizedWellKnownAttribute = 2;
inline constexpr uint8_t kMissingWellKnownAttribute = 3;
inline constexpr uint8_t kAttributeFlagsError = 4;
inline constexpr uint8_t kAttributeLengthError = 5;
inline constexpr uint8_t kInvalidOriginAttribute = 6;
inline constexpr uint8_t kInvalidNextHopAttribute = 8;
inline constexpr uint8_t kOptionalAttributeError = 9;
inline constexpr uint8_t kInvalidNetworkField = 10;
inline constexpr uint8_t kMalformedAsPath = 11;

// Cease subcodes (RFC 4486, RFC 8538, RFC 9384).
inline constexpr uint8_t kMaximumPrefixes = 1;
inline constexpr uint8_t kAdministrativeShutdown = 2;
inline constexpr uint8_t kPeerDeconfigured = 3;
inline constexpr uint8_t kAdministrativeReset = 4;
inline constexpr uint8_t kConnectionRejected = 5;
inline constexpr uint8_t kOtherConfigurationChange = 6;
inline constexpr uint8_t kConnectionCollisionResolution = 7;
inline constexpr uint8_t kOutOfResources = 8;
inline constexpr uint8_t kHardReset = 9;
inline constexpr uint8_t kBfdDown = 10;

// ROUTE-REFRESH Message Error subcode (RFC 7313 5).
inline constexpr uint8_t kInvalidMessageLength = 1;
}  // namespace err

// "UPDATE Message Error / Malformed AS_PATH", "Cease / Administrative Shutdown", ...
std::string error_name(uint8_t code, uint8_t subcode);

}  // namespace vgw::bgp::wire
