// The BFD Control packet of RFC 5880 section 4.1, pure: bytes -> ControlPacket -> bytes.
//
// BFD (Bidirectional Forwarding Detection) is a health input of routing/: a session per BGP
// neighbour over a tunnel tells BGP within a few hundred milliseconds that the path is gone.
// This codec is the vgw::bfd_wire library (depends on base/ only): the socket driver hands it
// a UDP payload, parse_control_packet() decodes it and refuses what cannot be read, validate()
// applies the per-packet reception checks of 6.8.6, and the session (vgw::bfd, session.h)
// runs the state machine. Every refusal names a DropReason so the driver can count drops per
// reason and `show bfd` can say why a peer's packets are ignored.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Vers |  Diag   |Sta|P|F|C|A|D|M|  Detect Mult  |    Length     |
// |                       My Discriminator                        |
// |                      Your Discriminator                       |
// |                    Desired Min TX Interval                    |   (microseconds)
// |                   Required Min RX Interval                    |   (microseconds)
// |                 Required Min Echo RX Interval                 |   (microseconds)
// |   Auth Type   |   Auth Len    |    Authentication Data...     |   (only when A is set)
//
// The authentication section (4.2-4.4) is decoded structurally and kept opaque: vgw does not
// verify it yet, and a session without authentication drops packets that carry one (6.8.6).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vgw/base/result.h"

namespace vgw::bfd {

inline constexpr uint8_t kVersion = 1;
inline constexpr size_t kMandatoryLength = 24;       // 4.1: Length without authentication
inline constexpr size_t kMinLengthWithAuth = 26;     // 6.8.6: with the A bit set
inline constexpr uint32_t kSlowTxIntervalUs = 1'000'000;  // 6.8.3: DesiredMinTx while not Up

// 4.1 State (Sta).
enum class State : uint8_t { kAdminDown = 0, kDown = 1, kInit = 2, kUp = 3 };
const char* state_name(State s);  // "AdminDown", "Down", "Init", "Up"

// 4.1 Diagnostic (Diag): the local system's reason for the last change of session state.
enum class Diag : uint8_t {
  kNone = 0,
  kControlDetectionTimeExpired = 1,
  kEchoFunctionFailed = 2,
  kNeighborSignaledSessionDown = 3,
  kForwardingPlaneReset = 4,
  kPathDown = 5,
  kConcatenatedPathDown = 6,
  kAdministrativelyDown = 7,
  kReverseConcatenatedPathDown = 8,
  // 9-31 reserved; a received value is kept as is.
};
const char* diag_name(Diag d);  // "No Diagnostic", "Control Detection Time Expired", ...

// 4.1 Auth Type; 0 and 6-255 are reserved.
enum class AuthType : uint8_t {
  kReserved = 0,
  kSimplePassword = 1,      // 4.2: Key ID + 1..16 octets of password
  kKeyedMd5 = 2,            // 4.3: Key ID, reserved, sequence number, 16-octet digest
  kMeticulousKeyedMd5 = 3,
  kKeyedSha1 = 4,           // 4.4: Key ID, reserved, sequence number, 20-octet hash
  kMeticulousKeyedSha1 = 5,
};
const char* auth_type_name(AuthType t);

// The authentication section after Auth Type and Auth Len: the Key ID and the rest as sent
// (the password for type 1; reserved octet, sequence number and digest for types 2-5).
struct AuthSection {
  AuthType type = AuthType::kSimplePassword;
  uint8_t key_id = 0;
  std::vector<uint8_t> data;

  // Auth Len as on the wire: Auth Type + Auth Len + Key ID + data.
  size_t wire_length() const { return 3 + data.size(); }
  // The Sequence Number of types 2-5 (4.3, 4.4); nullopt for the others.
  std::optional<uint32_t> sequence_number() const;

  friend bool operator==(const AuthSection&, const AuthSection&) = default;
};

// A decoded Control packet. Intervals are in microseconds, as on the wire. Length is not kept:
// serialize() writes 24 plus the authentication section.
struct ControlPacket {
  uint8_t version = kVersion;
  Diag diag = Diag::kNone;
  State state = State::kDown;
  bool poll = false;                       // P
  bool final = false;                      // F
  bool control_plane_independent = false;  // C
  bool auth_present = false;               // A
  bool demand = false;                     // D
  bool multipoint = false;                 // M (reserved, must be zero)
  uint8_t detect_mult = 0;
  uint32_t my_discriminator = 0;
  uint32_t your_discriminator = 0;
  uint32_t desired_min_tx_us = 0;
  uint32_t required_min_rx_us = 0;
  uint32_t required_min_echo_rx_us = 0;
  std::optional<AuthSection> auth;

  // "Up diag=0 my=0x1 your=0x2 tx=300000 rx=300000 mult=3 P" for logs and test failures.
  std::string to_string() const;

  friend bool operator==(const ControlPacket&, const ControlPacket&) = default;
};

// Why a received packet was not used: one counter per value.
enum class DropReason : uint8_t {
  // parse_control_packet (the bytes themselves, in the order of 6.8.6)
  kTruncated = 0,           // fewer than 24 octets of UDP payload
  kBadVersion,              // Version is not 1
  kBadLength,               // Length < 24, or < 26 with the A bit set
  kLengthExceedsPayload,    // Length > the UDP payload
  kBadAuthSection,          // A set but Auth Len disagrees with Length or its type's layout
  // validate (the fields)
  kZeroDetectMult,          // Detect Mult is 0
  kMultipoint,              // M bit set
  kZeroMyDiscriminator,     // My Discriminator is 0
  kZeroYourDiscriminator,   // Your Discriminator 0 while State is Init or Up
  kAuthBitMismatch,         // A bit and authentication section disagree
  // demux and session (which session, and whether it takes this packet)
  kNoSession,               // no session for Your Discriminator / the source address
  kYourDiscriminatorMismatch,  // Your Discriminator is not this session's
  kAuthNotInUse,            // A bit set and the session uses no authentication
  kCount,
};
const char* drop_reason_name(DropReason r);  // "truncated", "bad-version", ...

// Decodes one Control packet from a UDP payload. Refuses (with the reason) a payload shorter
// than 24 octets, a Version other than 1, a Length below 24 (26 with A) or above the payload,
// and an authentication section that does not fit. Octets beyond Length are ignored.
Result<ControlPacket, DropReason> parse_control_packet(std::span<const uint8_t> payload);

// The field checks of 6.8.6 that need no session: Version 1, Detect Mult non-zero, M clear,
// My Discriminator non-zero, Your Discriminator non-zero unless State is Down or AdminDown, A
// bit set exactly when an authentication section is present. nullopt when the packet passes.
std::optional<DropReason> validate(const ControlPacket& p);

// parse_control_packet, then validate: what the driver calls on every received datagram.
Result<ControlPacket, DropReason> decode_control_packet(std::span<const uint8_t> payload);

// Appends the packet: Length = 24 (+ Auth Len); the A bit is written as auth.has_value(), so
// what is sent is always self-consistent. Diag is masked to 5 bits, Version to 3, and
// authentication data is cut at the 228 octets an 8-bit Length can count.
void serialize(const ControlPacket& p, std::vector<uint8_t>& out);
std::vector<uint8_t> serialize(const ControlPacket& p);

}  // namespace vgw::bfd
