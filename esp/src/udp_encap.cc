// RFC 3948 classification of UDP port 4500 payloads (see udp_encap.h).
#include "vgw/esp/udp_encap.h"

#include "vgw/base/bytes.h"
#include "vgw/esp/codec.h"

namespace vgw::esp {

UdpEncapKind classify_udp_encap(std::span<const uint8_t> udp_payload) {
  if (udp_payload.size() == 1 && udp_payload[0] == 0xFF) return UdpEncapKind::kKeepalive;
  const auto first_word = ByteReader(udp_payload).u32();
  if (!first_word) return UdpEncapKind::kInvalid;
  if (*first_word == 0) {
    // Non-ESP Marker: an IKE message must follow (the IKE codec checks it further).
    return udp_payload.size() > kNonEspMarkerSize ? UdpEncapKind::kIke : UdpEncapKind::kInvalid;
  }
  // An SPI: 1..255 are reserved (RFC 4303 2.1), and an ESP packet has at least SPI and
  // sequence number.
  if (*first_word < 256 || udp_payload.size() < kEspHeaderSize) return UdpEncapKind::kInvalid;
  return UdpEncapKind::kEsp;
}

const char* udp_encap_kind_name(UdpEncapKind kind) {
  switch (kind) {
    case UdpEncapKind::kEsp: return "esp";
    case UdpEncapKind::kIke: return "ike";
    case UdpEncapKind::kKeepalive: return "keepalive";
    case UdpEncapKind::kInvalid: return "invalid";
  }
  return "unknown";
}

}  // namespace vgw::esp
