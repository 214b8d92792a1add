// Helpers for the IKEv2 wire codec tests: hex vectors with per-field comments, and the
// realistic messages several test files share.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/hex_text.h"
#include "vgw/ike/wire/wire.h"

namespace vgw::ike::wire::test {

// Hex digits; whitespace ignored; '#' starts a comment that runs to the end of the line.
using ::vgw::test::hex;

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes repeat(uint8_t v, size_t n) { return Bytes(n, v); }

// Payload bodies that must fail to parse at every truncation: returns the first prefix
// length that parsed (or body.size() if none did).
template <typename Parse>
size_t first_parsing_prefix(const Bytes& body, Parse parse) {
  for (size_t n = 0; n < body.size(); ++n)
    if (parse(std::span<const uint8_t>(body).first(n)).ok()) return n;
  return body.size();
}

// A realistic IKE_SA_INIT request, built by hand from RFC 7296 3 with the payloads and notify
// order strongSwan 5.9 uses: proposals aes128gcm16-prfsha256-ecp256 and
// aes256-sha256-modp2048, KE for ECP_256 (64 octets), a 32-octet nonce, NAT detection,
// IKEV2_FRAGMENTATION_SUPPORTED and SIGNATURE_HASH_ALGORITHMS. (Not a capture: the public
// material searched had no strongSwan IKE_SA_INIT octets.)
inline Bytes ike_sa_init_request() {
  return hex(R"(
    # IKE header (RFC 7296 3.1)
    0102030405060708                  # initiator SPI
    0000000000000000                  # responder SPI: zero in the first message
    21                                # next payload: SA (33)
    20                                # version 2.0
    22                                # exchange type: IKE_SA_INIT (34)
    08                                # flags: I (initiator)
    00000000                          # message ID 0
    0000012a                          # length 298
    # SA payload (3.3)
    22 00 0054                        # next: KE, not critical, length 84
      # proposal 1 (3.3.1)
      02 00 0024                      # more proposals follow, length 36
      01 01 00 03                     # number 1, protocol IKE, SPI size 0, 3 transforms
        03 00 000c 01 00 0014 800e0080  # ENCR AES_GCM_16 (20), Key Length 128 (TV)
        03 00 0008 02 00 0005           # PRF HMAC_SHA2_256 (5)
        00 00 0008 04 00 0013           # DH ECP_256 (19), last transform
      # proposal 2
      00 00 002c                      # last proposal, length 44
      02 01 00 04                     # number 2, IKE, SPI size 0, 4 transforms
        03 00 000c 01 00 000c 800e0100  # ENCR AES_CBC (12), Key Length 256
        03 00 0008 02 00 0005           # PRF HMAC_SHA2_256
        03 00 0008 03 00 000c           # INTEG HMAC_SHA2_256_128 (12)
        00 00 0008 04 00 000e           # DH MODP_2048 (14)
    # KE payload (3.4)
    28 00 0048                        # next: Nonce, length 72
    0013 0000                         # group ECP_256, reserved
    )" + std::string(128, 'a') + R"(  # 64 octets of public value (0xaa)
    # Nonce payload (3.9)
    29 00 0024                        # next: N, length 36
    )" + std::string(64, 'b') + R"(   # 32 octets of nonce (0xbb)
    # N(NAT_DETECTION_SOURCE_IP) (3.10)
    29 00 001c                        # next: N, length 28
    00 00 4004                        # protocol 0, SPI size 0, type 16388
    )" + std::string(40, 'c') + R"(   # 20-octet SHA-1 hash (0xcc)
    # N(NAT_DETECTION_DESTINATION_IP)
    29 00 001c 00 00 4005
    )" + std::string(40, 'd') + R"(   # (0xdd)
    # N(IKEV2_FRAGMENTATION_SUPPORTED) (RFC 7383 2.3)
    29 00 0008 00 00 402e
    # N(SIGNATURE_HASH_ALGORITHMS) (RFC 7427 4): SHA2-256, SHA2-384, SHA2-512
    00 00 000e 00 00 402f 0002 0003 0004
  )");
}

}  // namespace vgw::ike::wire::test
