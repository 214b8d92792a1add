// Writes the seed corpus of the esp_inbound fuzz target (see tests/fuzz/esp_inbound.cc for the
// input format). Run by hand when the format or the fixed SAs change:
//   ninja -C build esp_write_fuzz_seeds
//   build/tests/unit/esp/esp_write_fuzz_seeds tests/fuzz/corpus/esp_inbound
// esp_test (fuzz_seeds_test.cc) checks that the committed "esp-valid-*" seeds still decrypt.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "esp_fixtures.h"

using namespace vgw::esp;

namespace {

std::string dir;

void write(const std::string& name, uint8_t sa, uint8_t mode, std::span<const uint8_t> data) {
  std::ofstream f(dir + "/" + name, std::ios::binary | std::ios::trunc);
  const char head[2] = {static_cast<char>(sa), static_cast<char>(mode)};
  f.write(head, 2);
  f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

std::vector<uint8_t> encapsulated(OutboundSa& sa, const std::vector<uint8_t>& inner) {
  std::vector<uint8_t> buf(sa.encapsulated_size(inner.size()));
  auto size = encapsulate(sa, inner, buf);
  if (!size.ok()) std::abort();
  buf.resize(*size);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  dir = argv[1];
  for (size_t i = 0; i < testing::fuzz_sa_count(); ++i) {
    const auto keys = testing::fuzz_sa_keys(i);
    auto sa = OutboundSa::create(testing::fuzz_sa_config(i, keys));
    if (!sa.ok()) return 1;
    const auto id = static_cast<uint8_t>(i);
    const std::string n = std::to_string(i);
    auto v4 = encapsulated(*sa, testing::ipv4_packet(64));
    write("esp-valid-" + n + "-ipv4", id, 0, v4);
    write("esp-valid-" + n + "-ipv6", id, 0, encapsulated(*sa, testing::ipv6_packet(77)));
    write("esp-truncated-" + n, id, 0, std::span<const uint8_t>(v4).first(v4.size() / 2));
    std::vector<uint8_t> dummy(sa->encapsulated_size(9));
    auto size = encapsulate_dummy(*sa, 9, dummy);
    if (!size.ok()) return 1;
    write("esp-dummy-" + n, id, 0, std::span<const uint8_t>(dummy).first(*size));
    if (i % 2 == 0) {  // per transform, ESN off
      const size_t block = sa->transform().block_size();
      auto body = testing::padded_body(testing::ipv4_packet(50), kNextHeaderIpv4, block);
      write("body-good-" + n, id, 1, body);
      body[50] ^= 0x40;
      write("body-bad-padding-" + n, id, 1, body);
      write("inner-ipv6-" + n, id, 2, testing::ipv6_packet(81));
    }
  }
  write("udp-keepalive", 0, 0, std::vector<uint8_t>{0xff});
  write("udp-ike", 0, 0,
        testing::hex("00000000 0011223344556677 0000000000000000 2120220800000000 0000001c"));
  write("udp-bare-marker", 0, 0, testing::hex("00000000"));
  write("window-steps", 0, 3,
        testing::hex("01 00000005 01 00000003 00 00000009 01 00000003 81 00000000 "
                     "01 ffffff00 01 00000001 81 00000000 01 00000040"));
  write("window-steps-esn", 1, 3,
        testing::hex("01 00000100 01 fffffff0 81 00000000 01 00000001 "
                     "01 00000000 81 00000000 01 ffffffff"));
  return 0;
}
