// Typed IKEv2 payload bodies (RFC 7296 3.3-3.16) and their codecs.
//
// Each struct is the body of one payload, without the 4-octet generic payload header (3.2),
// which the chain codec in message.h reads and writes. Every body has
//   parse_<name>(body octets) -> Result<T, ParseError>   (offsets relative to the body)
//   serialize(const T&, ByteWriter&) -> Status            (fails only if a field cannot be
//                                                          encoded, e.g. an SPI over 255 octets)
// The parsers check what RFC 7296 fixes for the layout (lengths, counts, SPI sizes for the
// protocol, nonce size, address sizes, range order); what a value means for negotiation
// (which transforms are acceptable, whether a KE group was offered) is the exchange's
// business. Values the codec does not know (transform types, notify types, attribute types)
// are kept, never rejected, so negotiation can answer them as the RFC says.
//
// IDi/IDr, TSi/TSr, CERT/CERTREQ share a body type; Ni and Nr are both the Nonce payload.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/base/bytes.h"
#include "vgw/base/ip.h"
#include "vgw/base/result.h"
#include "vgw/ike/wire/constants.h"
#include "vgw/ike/wire/error.h"

namespace vgw::ike::wire {

using Bytes = std::vector<uint8_t>;

// RFC 7296 3.3.5: AF | Attribute Type (15) | Length or Value (2) | [Value]. TV attributes
// (AF = 1, e.g. Key Length) carry exactly two value octets.
struct TransformAttribute {
  uint16_t type = 0;  // without the AF bit
  bool tv = false;    // AF bit: Type/Value format
  Bytes value;        // two octets when tv

  static TransformAttribute key_length(uint16_t bits);
  friend bool operator==(const TransformAttribute&, const TransformAttribute&) = default;
};

// RFC 7296 3.3.2: Transform Type | Transform ID | attributes.
struct Transform {
  TransformType type = TransformType::kEncr;
  uint16_t id = 0;
  std::vector<TransformAttribute> attributes;

  // The Key Length attribute (RFC 7296 3.3.5), in bits, if present.
  std::optional<uint16_t> key_length() const;
  friend bool operator==(const Transform&, const Transform&) = default;
};

// RFC 7296 3.3.1: Proposal Num | Protocol ID | SPI | transforms.
struct Proposal {
  uint8_t number = 1;
  ProtocolId protocol = ProtocolId::kIke;
  Bytes spi;  // 0 or 8 octets for IKE, 4 for AH/ESP
  std::vector<Transform> transforms;

  // The transforms of one type, in offered order.
  std::vector<const Transform*> of_type(TransformType type) const;
  friend bool operator==(const Proposal&, const Proposal&) = default;
};

// RFC 7296 3.3: SA payload.
struct SaPayload {
  std::vector<Proposal> proposals;
  friend bool operator==(const SaPayload&, const SaPayload&) = default;
};

// RFC 7296 3.4: Diffie-Hellman Group Num (2) | RESERVED (2) | Key Exchange Data.
struct KePayload {
  uint16_t group = 0;
  Bytes data;
  friend bool operator==(const KePayload&, const KePayload&) = default;
};

// RFC 7296 3.5: ID Type (1) | RESERVED (3) | Identification Data. IDi and IDr.
struct IdPayload {
  IdType type = IdType::kFqdn;
  Bytes data;  // 4 octets for ID_IPV4_ADDR, 16 for ID_IPV6_ADDR, text for FQDN/RFC822

  // The address of an ID_IPV4_ADDR / ID_IPV6_ADDR identity.
  std::optional<IpAddress> address() const;
  static IdPayload from_address(const IpAddress& a);
  static IdPayload fqdn(std::string_view name);
  friend bool operator==(const IdPayload&, const IdPayload&) = default;
};

// RFC 7296 3.6 / 3.7: Cert Encoding (1) | Certificate Data / Certification Authority.
// Kept opaque: vgw authenticates with pre-shared keys.
struct CertPayload {
  CertEncoding encoding = CertEncoding::kX509Signature;
  Bytes data;
  friend bool operator==(const CertPayload&, const CertPayload&) = default;
};

// RFC 7296 3.8: Auth Method (1) | RESERVED (3) | Authentication Data.
struct AuthPayload {
  AuthMethod method = AuthMethod::kSharedKeyMic;
  Bytes data;
  friend bool operator==(const AuthPayload&, const AuthPayload&) = default;
};

// RFC 7296 3.9: Nonce Data, 16..256 octets. Ni and Nr.
struct NoncePayload {
  Bytes data;
  friend bool operator==(const NoncePayload&, const NoncePayload&) = default;
};

// RFC 7296 3.10: Protocol ID (1) | SPI Size (1) | Notify Message Type (2) | SPI | Data.
struct NotifyPayload {
  ProtocolId protocol = ProtocolId::kNone;
  Bytes spi;
  NotifyType type = NotifyType::kNone;
  Bytes data;

  bool is_error() const { return is_error_notify(type); }
  friend bool operator==(const NotifyPayload&, const NotifyPayload&) = default;
};

// RFC 7296 3.11: Protocol ID (1) | SPI Size (1) | Num of SPIs (2) | SPIs. Deleting the IKE
// SA has no SPIs (size 0); AH/ESP SPIs are 4 octets.
struct DeletePayload {
  ProtocolId protocol = ProtocolId::kEsp;
  std::vector<uint32_t> spis;
  friend bool operator==(const DeletePayload&, const DeletePayload&) = default;
};

// RFC 7296 3.12: Vendor ID.
struct VendorIdPayload {
  Bytes data;
  friend bool operator==(const VendorIdPayload&, const VendorIdPayload&) = default;
};

// RFC 7296 3.13.1: TS Type (1) | IP Protocol ID (1) | Selector Length (2) | Start Port (2) |
// End Port (2) | Starting Address | Ending Address. Type 7 = IPv4 (length 16), 8 = IPv6 (40).
struct TrafficSelector {
  uint8_t ip_protocol = 0;  // 0 = any
  uint16_t start_port = 0;
  uint16_t end_port = 65535;
  IpAddress start;
  IpAddress end;

  TsType type() const { return start.is_v4() ? TsType::kIpv4AddrRange : TsType::kIpv6AddrRange; }
  // Every address, port and protocol of a family.
  static TrafficSelector any(Family family);
  // The addresses of a prefix, any protocol and port.
  static TrafficSelector from_prefix(const Prefix& p);
  friend bool operator==(const TrafficSelector&, const TrafficSelector&) = default;
};

// RFC 7296 3.13: Number of TSs (1) | RESERVED (3) | Traffic Selectors. TSi and TSr.
struct TsPayload {
  std::vector<TrafficSelector> selectors;
  friend bool operator==(const TsPayload&, const TsPayload&) = default;
};

// RFC 7296 3.15.1: R | Attribute Type (15) | Length (2) | Value.
struct CpAttribute {
  uint16_t type = 0;
  Bytes value;
  friend bool operator==(const CpAttribute&, const CpAttribute&) = default;
};

// RFC 7296 3.15: CFG Type (1) | RESERVED (3) | Configuration Attributes.
struct CpPayload {
  CfgType type = CfgType::kRequest;
  std::vector<CpAttribute> attributes;
  friend bool operator==(const CpPayload&, const CpPayload&) = default;
};

// RFC 7296 3.16: the EAP message, kept opaque.
struct EapPayload {
  Bytes data;
  friend bool operator==(const EapPayload&, const EapPayload&) = default;
};

// A payload type this codec does not decode (no critical bit, RFC 7296 3.2), or any payload
// kept as raw body octets.
struct UnknownPayload {
  Bytes data;
  friend bool operator==(const UnknownPayload&, const UnknownPayload&) = default;
};

Result<SaPayload, ParseError> parse_sa(std::span<const uint8_t> body);
Result<KePayload, ParseError> parse_ke(std::span<const uint8_t> body);
Result<IdPayload, ParseError> parse_id(std::span<const uint8_t> body);
Result<CertPayload, ParseError> parse_cert(std::span<const uint8_t> body);
Result<AuthPayload, ParseError> parse_auth(std::span<const uint8_t> body);
Result<NoncePayload, ParseError> parse_nonce(std::span<const uint8_t> body);
Result<NotifyPayload, ParseError> parse_notify(std::span<const uint8_t> body);
Result<DeletePayload, ParseError> parse_delete(std::span<const uint8_t> body);
Result<VendorIdPayload, ParseError> parse_vendor_id(std::span<const uint8_t> body);
Result<TsPayload, ParseError> parse_ts(std::span<const uint8_t> body);
Result<CpPayload, ParseError> parse_cp(std::span<const uint8_t> body);
Result<EapPayload, ParseError> parse_eap(std::span<const uint8_t> body);

Status serialize(const SaPayload& p, ByteWriter& w);
Status serialize(const KePayload& p, ByteWriter& w);
Status serialize(const IdPayload& p, ByteWriter& w);
Status serialize(const CertPayload& p, ByteWriter& w);
Status serialize(const AuthPayload& p, ByteWriter& w);
Status serialize(const NoncePayload& p, ByteWriter& w);
Status serialize(const NotifyPayload& p, ByteWriter& w);
Status serialize(const DeletePayload& p, ByteWriter& w);
Status serialize(const VendorIdPayload& p, ByteWriter& w);
Status serialize(const TsPayload& p, ByteWriter& w);
Status serialize(const CpPayload& p, ByteWriter& w);
Status serialize(const EapPayload& p, ByteWriter& w);
Status serialize(const UnknownPayload& p, ByteWriter& w);

// A parse error at `offset` within a body (used by the payload codecs).
ParseError syntax_error(size_t offset, std::string text);

}  // namespace vgw::ike::wire
