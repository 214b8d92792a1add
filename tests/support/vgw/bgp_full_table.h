// A synthetic full IPv4 table as a pre-encoded UPDATE stream, following the dataset of
// /work/shared/interop/bgp-ingest-method.md: N distinct non-overlapping prefixes upwards from
// 1.0.0.0 (skipping first octets 0, 10, 100, 127, 169, 172, 192, 198, 203 and >= 224) with the
// Internet's length mix; runs of consecutive prefixes share one attribute set (run length 1:
// 50%, 2-3: 30%, 4-8: 17%, 9-71: 3%); AS_PATH = feeder AS + 1-5 random ASNs (10% 4-octet),
// ORIGIN IGP, NEXT_HOP = the feeder; half of the sets with 1-4 communities. One UPDATE per set,
// 4-octet AS encoding, then End-of-RIB. Deterministic (seeded).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "vgw/bgp/wire/wire.h"

namespace vgw::test {

struct FullTable {
  std::vector<uint8_t> stream;  // UPDATE messages + End-of-RIB
  size_t prefixes = 0;
  size_t updates = 0;
};

inline FullTable make_full_table(size_t count, uint32_t feeder_as, uint32_t next_hop,
                                 uint32_t seed = 4271) {
  using namespace bgp::wire;
  FullTable t;
  std::mt19937 rng(seed);
  static const int kLen[] = {24, 23, 22, 21, 20, 19, 18, 17, 16};
  static const double kWeight[] = {63, 10.5, 13, 5, 4, 2.5, 1, 0.5, 0.5};
  std::discrete_distribution<int> length(std::begin(kWeight), std::end(kWeight));
  auto skipped = [](uint32_t o) {
    return o == 0 || o == 10 || o == 100 || o == 127 || o == 169 || o == 172 || o == 192 ||
           o == 198 || o == 203 || o >= 224;
  };
  uint64_t cursor = 0x01000000;
  auto next_prefix = [&] {
    int len = kLen[length(rng)];
    uint64_t size = uint64_t{1} << (32 - len);
    for (;;) {
      cursor = (cursor + size - 1) & ~(size - 1);
      uint32_t octet = static_cast<uint32_t>(cursor >> 24);
      if (!skipped(octet)) break;
      cursor = uint64_t{octet + 1} << 24;
    }
    Ipv4Prefix p = Ipv4Prefix::make(static_cast<uint32_t>(cursor), len);
    cursor += size;
    return p;
  };
  std::uniform_int_distribution<int> pct(0, 99);
  const SessionContext ctx;  // 4-octet ASNs
  std::vector<Ipv4Prefix> run;
  PathAttributes a;
  t.stream.reserve(count * 23);
  while (t.prefixes < count) {
    int r = pct(rng);
    size_t n = r < 50 ? 1 : r < 80 ? 2 + rng() % 2 : r < 97 ? 4 + rng() % 5 : 9 + rng() % 63;
    n = std::min(n, count - t.prefixes);
    run.clear();
    for (size_t i = 0; i < n; ++i) run.push_back(next_prefix());
    a.clear();
    a.set_origin(Origin::kIgp);
    std::vector<uint32_t> path{feeder_as};
    int hops = 1 + static_cast<int>(rng() % 5);
    for (int i = 0; i < hops; ++i) {
      path.push_back(pct(rng) < 10 ? 4200000000u + rng() % 1000000 : 1 + rng() % 64000);
    }
    a.set_as_path(AsPath::sequence(path));
    a.set_next_hop(next_hop);
    if (pct(rng) < 50) {
      int k = 1 + static_cast<int>(rng() % 4);
      for (int i = 0; i < k; ++i) a.communities.push_back((1 + rng() % 64000) << 16 | (rng() % 65536));
      a.set(attr::kCommunities);
    }
    auto m = pack_announce(ctx, a, run, t.stream);
    t.updates += m ? *m : 0;
    t.prefixes += n;
  }
  write_end_of_rib(kIpv4Unicast, t.stream);
  return t;
}

}  // namespace vgw::test
