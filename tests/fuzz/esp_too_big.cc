// Fuzz target: the dataplane's too-big path (vgw/esp/dataplane/icmp.h) on arbitrary "inner
// packets" as a TUN read may return them. The first two octets choose the MTU. Checks that
// classify_size and write_too_big never read or write out of bounds and that every ICMP error
// they build is a well-formed IPv4/IPv6 packet within its size limit.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "vgw/esp/dataplane/icmp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint32_t mtu = 68u + (static_cast<uint32_t>(data[0]) << 8 | data[1]) % 9000u;
  // A heap copy of exactly the packet, so sanitizers see any overread.
  std::vector<uint8_t> packet(data + 2, data + size);
  const auto action = vgw::esp::classify_size(packet, mtu);
  std::vector<uint8_t> out(vgw::esp::kMaxTooBigSize);
  const size_t n = vgw::esp::write_too_big(packet, mtu, out);
  if (n > out.size()) std::abort();
  if (n > 0) {
    const int version = out[0] >> 4;
    if (version == 4 && (n > 576 || (size_t{out[2]} << 8 | out[3]) != n)) std::abort();
    if (version == 6 && (n > 1280 || (size_t{out[4]} << 8 | out[5]) + 40 != n)) std::abort();
    if (version != 4 && version != 6) std::abort();
  }
  (void)action;
  return 0;
}
