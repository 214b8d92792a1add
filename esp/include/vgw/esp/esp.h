// esp: ESP (RFC 4303) in user space: security associations and the packet codec. The dataplane
// (TUN devices, sockets, worker threads, SA table snapshots) will join this module.
//
// Outbound: a worker reads an inner IPv4/IPv6 packet, ideally at out[sa.header_size()], and
// encapsulate() numbers it (the SA's counter never wraps; it stops at the end of the sequence
// space and asks for a rekey before that via lifetime_status), pads it, encrypts it and writes
// the ICV. The socket layer adds the outer IPv4/IPv6 header and, with NAT traversal, UDP 4500.
//
// Inbound, in the order RFC 4303 section 3.4 prescribes:
//   0. classify_udp_encap() sorts UDP 4500 payloads into ESP, IKE and NAT-keepalives;
//      esp_spi() gives the SPI that selects the InboundSa (no SA: kNoSuchSpi).
//   1. Replay check (3.4.3): the window classifies the sequence number WITHOUT changing, and
//      with ESN infers the high 32 bits (Appendix A2) that go into the ICV computation.
//   2. ICV verification (3.4.4): HMAC over header, IV and ciphertext (+ ESN high half); the
//      AEADs verify the tag over AAD and ciphertext. Failure: drop, count, window untouched.
//   3. Replay commit: only now does the window record the number (and slide).
//   4. Decryption: CBC decrypts after the ICV verified; the AEADs decrypted during step 2.
//   5. Padding (1, 2, 3, ...) and Next Header checks: 4 = IPv4, 41 = IPv6 (tunnel mode);
//      59 = dummy packet, dropped silently (kDummy is an outcome, not an error).
//   6. The inner packet, trimmed to its own IP length, is handed back in the caller's buffer.
//
// Headers: transform.h (algorithms and sizes), crypto.h (EVP contexts per SA), replay_window.h,
// lifetime.h, sa.h (OutboundSa, InboundSa), codec.h (encapsulate, decapsulate), udp_encap.h.
#pragma once

#include "vgw/esp/codec.h"
#include "vgw/esp/crypto.h"
#include "vgw/esp/lifetime.h"
#include "vgw/esp/replay_window.h"
#include "vgw/esp/sa.h"
#include "vgw/esp/transform.h"
#include "vgw/esp/udp_encap.h"
