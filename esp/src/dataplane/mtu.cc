// TUN MTU arithmetic (see mtu.h for the layout it follows).
#include "vgw/esp/dataplane/mtu.h"

#include <algorithm>
#include <array>

namespace vgw::esp {

std::span<const Transform> supported_transforms() {
  static const std::array<Transform, 6> all = {{
      {Encryption::kAesGcm16, 128, Integrity::kNone},
      {Encryption::kAesGcm16, 256, Integrity::kNone},
      {Encryption::kChaCha20Poly1305, 256, Integrity::kNone},
      {Encryption::kAesCbc, 128, Integrity::kHmacSha256_128},
      {Encryption::kAesCbc, 256, Integrity::kHmacSha384_192},
      {Encryption::kAesCbc, 256, Integrity::kHmacSha512_256},
  }};
  return all;
}

uint32_t fixed_overhead(const Transform& t, Family outer, Encapsulation e) {
  const uint32_t ip = outer == Family::kIpv4 ? 20 : 40;
  const uint32_t udp = e == Encapsulation::kUdp ? 8 : 0;
  return ip + udp + 8 + static_cast<uint32_t>(t.iv_size() + t.icv_size()) + 2;
}

uint32_t inner_mtu(uint32_t path_mtu, Family outer, Encapsulation e, const Transform& t) {
  // Everything but Pad Length / Next Header, which count towards the padded block.
  const uint32_t before = fixed_overhead(t, outer, e) - 2;
  if (path_mtu <= before) return 0;
  const uint32_t room = path_mtu - before;
  const auto block = static_cast<uint32_t>(t.block_size());
  const uint32_t padded = room / block * block;
  return padded < 2 ? 0 : padded - 2;
}

uint32_t inner_mtu(uint32_t path_mtu, Family outer, Encapsulation e,
                   std::span<const Transform> transforms) {
  if (transforms.empty()) transforms = supported_transforms();
  uint32_t mtu = UINT32_MAX;
  for (const Transform& t : transforms) mtu = std::min(mtu, inner_mtu(path_mtu, outer, e, t));
  return mtu;
}

}  // namespace vgw::esp
