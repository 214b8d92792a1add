// A synthetic, deterministic full IPv4 table for benchmarks, following
// ../shared/interop/bgp-ingest-method.md: distinct, non-overlapping prefixes allocated upwards
// from 1.0.0.0, skipping first octets 0, 10, 100, 127, 169, 172, 192, 198, 203 and >= 224,
// with the Internet's length mix (/24 63%, /23 10.5%, /22 13%, /21 5%, /20 4%, /19 2.5%,
// /18 1%, /17 0.5%, /16 0.5%).
#pragma once

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "vgw/base/ip.h"

namespace vgw::bench {

inline std::vector<Prefix> internet_table(size_t count, uint32_t seed = 2024) {
  static constexpr std::pair<int, int> kMix[] = {{24, 630}, {23, 105}, {22, 130}, {21, 50}, {20, 40},
                                                 {19, 25},  {18, 10},  {17, 5},   {16, 5}};
  auto skipped = [](uint64_t a) {
    uint32_t o = static_cast<uint32_t>(a >> 24);
    return o == 0 || o == 10 || o == 100 || o == 127 || o == 169 || o == 172 || o == 192 ||
           o == 198 || o == 203 || o >= 224;
  };
  std::vector<Prefix> out;
  out.reserve(count);
  std::mt19937 rng(seed);
  uint64_t cursor = 0x01000000;  // 1.0.0.0
  while (out.size() < count && cursor < 0xe0000000ull) {
    int pick = static_cast<int>(rng() % 1000), len = 24;
    for (auto [l, w] : kMix) {
      if (pick < w) {
        len = l;
        break;
      }
      pick -= w;
    }
    uint64_t size = uint64_t{1} << (32 - len);
    cursor = (cursor + size - 1) & ~(size - 1);
    while (skipped(cursor)) cursor = ((cursor >> 24) + 1) << 24;
    out.emplace_back(IpAddress::v4(static_cast<uint32_t>(cursor)), len);
    cursor += size;
  }
  return out;
}

}  // namespace vgw::bench
