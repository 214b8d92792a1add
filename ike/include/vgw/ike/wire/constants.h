// IKEv2 protocol numbers: exchange types, header flags, payload types, protocol IDs,
// transform types and IDs, ID types, authentication methods, notify message types, traffic
// selector types and configuration payload types. Values come from RFC 7296 section 3 and
// the IANA "Internet Key Exchange Version 2 (IKEv2) Parameters" registries; names for logs
// and `show` output are in names.h.
//
// Numbers that identify a thing in a family whose members vgw does not all know (payload
// types, notify types, ...) are enum classes with a fixed underlying type: any received
// value fits, the named ones are the ones vgw acts on. Transform IDs depend on the transform
// type, so they are plain uint16_t constants grouped by type (encr::, prf::, integ::, dh::).
#pragma once

#include <cstddef>
#include <cstdint>

namespace vgw::ike::wire {

// RFC 7296 3.1: the fixed 28-octet IKE header.
inline constexpr size_t kHeaderSize = 28;
// RFC 7296 3.2: the generic payload header.
inline constexpr size_t kPayloadHeaderSize = 4;
// RFC 7296 3.1: this is version 2.0; a different major version is answered with
// INVALID_MAJOR_VERSION, the minor version is ignored on receipt.
inline constexpr uint8_t kMajorVersion = 2;
inline constexpr uint8_t kMinorVersion = 0;

// RFC 7296 3.1 Exchange Type (+ RFC 9242 IKE_INTERMEDIATE).
enum class ExchangeType : uint8_t {
  kIkeSaInit = 34,
  kIkeAuth = 35,
  kCreateChildSa = 36,
  kInformational = 37,
  kIkeIntermediate = 43,  // RFC 9242; parsed, no payload rules yet
};

// RFC 7296 3.1 Flags octet: X X R V I X X X (X bits are ignored on receipt, sent as 0).
namespace header_flag {
inline constexpr uint8_t kInitiator = 0x08;  // I: sent by the original initiator of the IKE SA
inline constexpr uint8_t kVersion = 0x10;    // V: sender can speak a higher major version
inline constexpr uint8_t kResponse = 0x20;   // R: this message is a response
}  // namespace header_flag

// RFC 7296 3.2 generic payload header, second octet: C | RESERVED (7).
inline constexpr uint8_t kCriticalBit = 0x80;

// RFC 7296 3.2 Payload Type values (+ RFC 7383 2.5 for SKF).
enum class PayloadType : uint8_t {
  kNone = 0,  // "No Next Payload"
  kSa = 33,
  kKe = 34,
  kIdi = 35,
  kIdr = 36,
  kCert = 37,
  kCertReq = 38,
  kAuth = 39,
  kNonce = 40,  // Ni and Nr
  kNotify = 41,
  kDelete = 42,
  kVendorId = 43,
  kTsi = 44,
  kTsr = 45,
  kEncrypted = 46,  // SK
  kConfiguration = 47,
  kEap = 48,
  kEncryptedFragment = 53,  // SKF, RFC 7383
};

// RFC 7296 3.3.1 Protocol ID (also used by Notify 3.10 and Delete 3.11).
enum class ProtocolId : uint8_t {
  kNone = 0,  // Notify without SPI
  kIke = 1,
  kAh = 2,
  kEsp = 3,
};

// RFC 7296 3.3.2 Transform Type.
enum class TransformType : uint8_t {
  kEncr = 1,   // Encryption Algorithm
  kPrf = 2,    // Pseudorandom Function
  kInteg = 3,  // Integrity Algorithm
  kDh = 4,     // Diffie-Hellman Group (Key Exchange Method, RFC 9370)
  kEsn = 5,    // Extended Sequence Numbers
};

// Transform IDs per type (IANA IKEv2 Transform Type 1..5 registries), the ones vgw offers
// or is likely to see from peers.
namespace encr {
inline constexpr uint16_t k3des = 3;
inline constexpr uint16_t kNull = 11;
inline constexpr uint16_t kAesCbc = 12;             // RFC 3602, key length attribute
inline constexpr uint16_t kAesCtr = 13;             // RFC 5930
inline constexpr uint16_t kAesCcm16 = 16;           // RFC 5282
inline constexpr uint16_t kAesGcm8 = 18;            // RFC 5282
inline constexpr uint16_t kAesGcm12 = 19;           // RFC 5282
inline constexpr uint16_t kAesGcm16 = 20;           // RFC 5282
inline constexpr uint16_t kNullAuthAesGmac = 21;    // RFC 4543
inline constexpr uint16_t kChacha20Poly1305 = 28;   // RFC 7634
}  // namespace encr

namespace prf {
inline constexpr uint16_t kHmacMd5 = 1;
inline constexpr uint16_t kHmacSha1 = 2;
inline constexpr uint16_t kAes128Xcbc = 4;
inline constexpr uint16_t kHmacSha2_256 = 5;  // RFC 4868
inline constexpr uint16_t kHmacSha2_384 = 6;
inline constexpr uint16_t kHmacSha2_512 = 7;
inline constexpr uint16_t kAes128Cmac = 8;
}  // namespace prf

namespace integ {
inline constexpr uint16_t kNone = 0;
inline constexpr uint16_t kHmacMd5_96 = 1;
inline constexpr uint16_t kHmacSha1_96 = 2;
inline constexpr uint16_t kAesXcbc96 = 5;
inline constexpr uint16_t kAesCmac96 = 8;
inline constexpr uint16_t kHmacSha2_256_128 = 12;  // RFC 4868
inline constexpr uint16_t kHmacSha2_384_192 = 13;
inline constexpr uint16_t kHmacSha2_512_256 = 14;
}  // namespace integ

namespace dh {
inline constexpr uint16_t kNone = 0;
inline constexpr uint16_t kModp1024 = 2;
inline constexpr uint16_t kModp1536 = 5;
inline constexpr uint16_t kModp2048 = 14;  // RFC 3526
inline constexpr uint16_t kModp3072 = 15;
inline constexpr uint16_t kModp4096 = 16;
inline constexpr uint16_t kModp6144 = 17;
inline constexpr uint16_t kModp8192 = 18;
inline constexpr uint16_t kEcp256 = 19;  // RFC 5903
inline constexpr uint16_t kEcp384 = 20;
inline constexpr uint16_t kEcp521 = 21;
inline constexpr uint16_t kCurve25519 = 31;  // RFC 8031
inline constexpr uint16_t kCurve448 = 32;
}  // namespace dh

namespace esn {
inline constexpr uint16_t kNo = 0;
inline constexpr uint16_t kYes = 1;
}  // namespace esn

// RFC 7296 3.3.5 transform attribute types. Key Length is TV format (AF bit set).
namespace transform_attr {
inline constexpr uint16_t kKeyLength = 14;
inline constexpr uint16_t kFormatTv = 0x8000;  // AF bit of the first 16-bit word
}  // namespace transform_attr

// RFC 7296 3.5 ID Type.
enum class IdType : uint8_t {
  kIpv4Addr = 1,
  kFqdn = 2,
  kRfc822Addr = 3,
  kIpv6Addr = 5,
  kDerAsn1Dn = 9,
  kDerAsn1Gn = 10,
  kKeyId = 11,
};

// RFC 7296 3.6 Certificate Encoding (CERT and CERTREQ).
enum class CertEncoding : uint8_t {
  kPkcs7 = 1,
  kX509Signature = 4,
  kCrl = 7,
  kHashUrlX509Cert = 12,
  kHashUrlX509Bundle = 13,
  kRawPublicKey = 15,  // RFC 7670
};

// RFC 7296 3.8 Auth Method (+ RFC 4754, RFC 7619, RFC 7427).
enum class AuthMethod : uint8_t {
  kRsaSig = 1,
  kSharedKeyMic = 2,
  kDssSig = 3,
  kEcdsaSha256P256 = 9,
  kEcdsaSha384P384 = 10,
  kEcdsaSha512P521 = 11,
  kGenericSecurePassword = 12,  // RFC 6467
  kNull = 13,                   // RFC 7619
  kDigitalSignature = 14,       // RFC 7427
};

// RFC 7296 3.10.1 Notify Message Types: error types below 16384, status types from 16384
// (plus the extensions vgw meets in practice: RFC 4555 MOBIKE, RFC 7383, RFC 7427, ...).
enum class NotifyType : uint16_t {
  kNone = 0,  // not a notify type: "no answer" in ParseError
  // Error types.
  kUnsupportedCriticalPayload = 1,
  kInvalidIkeSpi = 4,
  kInvalidMajorVersion = 5,
  kInvalidSyntax = 7,
  kInvalidMessageId = 9,
  kInvalidSpi = 11,
  kNoProposalChosen = 14,
  kInvalidKePayload = 17,
  kAuthenticationFailed = 24,
  kSinglePairRequired = 34,
  kNoAdditionalSas = 35,
  kInternalAddressFailure = 36,
  kFailedCpRequired = 37,
  kTsUnacceptable = 38,
  kInvalidSelectors = 39,
  kUnacceptableAddresses = 40,   // RFC 4555
  kUnexpectedNatDetected = 41,   // RFC 4555
  kUseAssignedHoa = 42,          // RFC 5026
  kTemporaryFailure = 43,
  kChildSaNotFound = 44,
  // Status types.
  kInitialContact = 16384,
  kSetWindowSize = 16385,
  kAdditionalTsPossible = 16386,
  kIpcompSupported = 16387,
  kNatDetectionSourceIp = 16388,
  kNatDetectionDestinationIp = 16389,
  kCookie = 16390,
  kUseTransportMode = 16391,
  kHttpCertLookupSupported = 16392,
  kRekeySa = 16393,
  kEspTfcPaddingNotSupported = 16394,
  kNonFirstFragmentsAlso = 16395,
  kMobikeSupported = 16396,       // RFC 4555
  kAdditionalIp4Address = 16397,
  kAdditionalIp6Address = 16398,
  kNoAdditionalAddresses = 16399,
  kUpdateSaAddresses = 16400,
  kCookie2 = 16401,
  kNoNatsAllowed = 16402,
  kAuthLifetime = 16403,          // RFC 4478
  kMultipleAuthSupported = 16404, // RFC 4739
  kAnotherAuthFollows = 16405,
  kRedirectSupported = 16406,     // RFC 5685
  kRedirect = 16407,
  kRedirectedFrom = 16408,
  kEapOnlyAuthentication = 16417,     // RFC 5998
  kChildlessIkev2Supported = 16418,   // RFC 6023
  kIkev2FragmentationSupported = 16430,  // RFC 7383
  kSignatureHashAlgorithms = 16431,      // RFC 7427
  kUsePpk = 16435,                       // RFC 8784
  kIntermediateExchangeSupported = 16438,  // RFC 9242
};
inline constexpr uint16_t kFirstStatusNotify = 16384;
inline bool is_error_notify(NotifyType t) {
  auto v = static_cast<uint16_t>(t);
  return v != 0 && v < kFirstStatusNotify;
}

// RFC 7296 3.13.1 TS Type.
enum class TsType : uint8_t {
  kIpv4AddrRange = 7,
  kIpv6AddrRange = 8,
};

// RFC 7296 3.15 CFG Type and 3.15.1 configuration attribute types.
enum class CfgType : uint8_t {
  kRequest = 1,
  kReply = 2,
  kSet = 3,
  kAck = 4,
};
namespace cfg_attr {
inline constexpr uint16_t kInternalIp4Address = 1;
inline constexpr uint16_t kInternalIp4Netmask = 2;
inline constexpr uint16_t kInternalIp4Dns = 3;
inline constexpr uint16_t kInternalIp4Nbns = 4;
inline constexpr uint16_t kInternalIp4Dhcp = 6;
inline constexpr uint16_t kApplicationVersion = 7;
inline constexpr uint16_t kInternalIp6Address = 8;
inline constexpr uint16_t kInternalIp6Dns = 10;
inline constexpr uint16_t kInternalIp6Dhcp = 12;
inline constexpr uint16_t kInternalIp4Subnet = 13;
inline constexpr uint16_t kSupportedAttributes = 14;
inline constexpr uint16_t kInternalIp6Subnet = 15;
}  // namespace cfg_attr

// RFC 7296 3.9: Nonce Data is 16..256 octets.
inline constexpr size_t kMinNonceSize = 16;
inline constexpr size_t kMaxNonceSize = 256;

}  // namespace vgw::ike::wire
