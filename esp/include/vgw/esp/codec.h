// ESP packet codec, RFC 4303 tunnel mode: encapsulate an inner IPv4/IPv6 packet for an outbound
// SA, decapsulate an ESP packet for an inbound SA. Pure: buffers in, buffers out, no I/O, no
// clock, no heap allocation. The outer IP (and, for NAT traversal, UDP) header belongs to the
// socket layer; the codec's bytes start at the SPI. See esp.h for the inbound processing order.
//
// Wire layout (RFC 4303 section 2; RFC 4106 section 3 and RFC 7634 section 2 for the AEADs):
//
//    0                   1                   2                   3
//   +---------------------------------------------------------------+
//   |               Security Parameters Index (SPI)                 |
//   |             Sequence Number (low 32 bits with ESN)            |
//   |   IV: 8 octets (GCM, ChaCha20-Poly1305) or 16 octets (CBC)    |  ^ encrypted from here
//   |                 Payload Data: the inner packet                |  |
//   |       Padding 1, 2, 3, ... (0-255 octets)  | Pad Len | Next Hdr|  v to here
//   |       ICV: 16 (AEAD tag), 16/24/32 (truncated HMAC) octets    |
//   +---------------------------------------------------------------+
//
// AEAD: nonce = salt || IV, AAD = SPI || [ESN high half] || sequence number (RFC 4106 5).
// CBC + HMAC: ICV over SPI .. Next Header, then the ESN high half if ESN (RFC 4303 2.2.1).
// The IV of the AEADs is the 64-bit sequence number, unique per SA key (RFC 4106 8.1); CBC IVs
// are random. The ESN high half never goes on the wire.
//
// Buffers: encapsulate writes into a caller buffer; an inner packet that already sits at
// out[sa.header_size()] (headroom reserved by the reader) is encrypted where it is. decapsulate
// works in place and returns the inner packet as a span into the caller's buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "vgw/base/result.h"
#include "vgw/esp/crypto.h"
#include "vgw/esp/sa.h"

namespace vgw::esp {

// Next Header values (IANA protocol numbers) that tunnel mode carries.
inline constexpr uint8_t kNextHeaderIpv4 = 4;
inline constexpr uint8_t kNextHeaderIpv6 = 41;
inline constexpr uint8_t kNextHeaderNone = 59;  // dummy packet (RFC 4303 2.6)

// SPI and sequence number: what a packet must hold before anything else is looked at.
inline constexpr size_t kEspHeaderSize = 8;

enum class EncapError : uint8_t {
  kInvalidPacket,      // the inner packet is not IPv4 or IPv6 (version nibble, header size)
  kBufferTooSmall,     // out is smaller than sa.encapsulated_size(inner.size())
  kSequenceExhausted,  // the SA has used its last sequence number (RFC 4303 3.3.3): rekey
  kExpired,            // hard byte or packet lifetime reached: rekey
  kCryptoFailure,      // libcrypto or its DRBG failed
};
const char* encap_error_name(EncapError error);

// Writes the ESP packet carrying inner into out and returns its size. inner may lie anywhere,
// including inside out (moved into place first, or used in place at out[sa.header_size()]).
Result<size_t, EncapError> encapsulate(OutboundSa& sa, std::span<const uint8_t> inner,
                                       std::span<uint8_t> out);
// A dummy packet (Next Header 59) with payload_size zero octets of payload, e.g. for traffic
// flow confidentiality; receivers authenticate it and drop it.
Result<size_t, EncapError> encapsulate_dummy(OutboundSa& sa, size_t payload_size,
                                             std::span<uint8_t> out);
// Known-answer tests only: like encapsulate, but an AES-CBC SA uses cbc_iv instead of a random
// IV (AEAD SAs ignore it). Production IVs must be unpredictable (RFC 3602 section 2.3).
Result<size_t, EncapError> encapsulate_with_iv_for_testing(
    OutboundSa& sa, std::span<const uint8_t, CbcCipher::kBlockSize> cbc_iv,
    std::span<const uint8_t> inner, std::span<uint8_t> out);

enum class DecapStatus : uint8_t {
  kOk,               // inner packet ready
  kDummy,            // authentic dummy packet (Next Header 59): drop silently, not an error
  kReplayed,         // duplicate or older than the window (RFC 4303 3.4.3)
  kIntegrityFailed,  // ICV did not verify (RFC 4303 3.4.4)
  kMalformed,        // truncated, misaligned, bad padding, unexpected next header, bad inner
  kNoSuchSpi,        // the SPI is not this SA's (the caller's lookup missed)
  kExpired,          // the SA's hard byte or packet lifetime is reached
};
const char* decap_status_name(DecapStatus status);

struct DecapResult {
  DecapStatus status = DecapStatus::kMalformed;
  uint8_t next_header = 0;   // kOk: kNextHeaderIpv4 or kNextHeaderIpv6
  uint64_t seq = 0;          // full sequence number, once inferred
  std::span<uint8_t> inner;  // kOk: the inner packet, inside the caller's buffer
  const char* reason = "";   // kMalformed: which check failed (static text, for logs)
  bool ok() const { return status == DecapStatus::kOk; }
};

// Authenticates and decrypts packet (the ESP header onwards) in place. Counts the outcome in
// sa.counters(). The buffer's content is unspecified unless the result is kOk.
DecapResult decapsulate(InboundSa& sa, std::span<uint8_t> packet);

// The SPI of an ESP packet, for the SA lookup; nullopt if the packet is too short to have one.
std::optional<uint32_t> esp_spi(std::span<const uint8_t> packet);

}  // namespace vgw::esp
