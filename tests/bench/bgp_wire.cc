// Micro benchmarks of the BGP wire codec on a full-table-like UPDATE stream: 1,000,000 IPv4
// prefixes in runs sharing one attribute set (run length 1: 50%, 2-3: 30%, 4-8: 17%, 9-71:
// 3%, about 288k UPDATEs), mostly /24, AS_PATH = feeder AS + 1-5 ASNs (10% 4-octet), half
// of the sets with 1-4 communities; 4-octet AS encoding (the method of
// /work/shared/interop/bgp-ingest-method.md). Deterministic (fixed seed).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "vgw/bgp/wire/wire.h"

namespace {

using namespace vgw::bgp::wire;

struct Stream {
  std::vector<uint8_t> bytes;
  size_t messages = 0;
  size_t prefixes = 0;
  std::vector<PathAttributes> sets;                 // for the encode benchmark
  std::vector<std::vector<Ipv4Prefix>> set_prefixes;
};

int pick_length(std::mt19937& rng) {
  // /24 63%, /23 10.5%, /22 13%, /21 5%, /20 4%, /19 2.5%, /18 1%, /17 0.5%, /16 0.5%.
  static const int kLen[] = {24, 23, 22, 21, 20, 19, 18, 17, 16};
  static const double kW[] = {63, 10.5, 13, 5, 4, 2.5, 1, 0.5, 0.5};
  std::discrete_distribution<int> d(std::begin(kW), std::end(kW));
  return kLen[d(rng)];
}

bool skipped_octet(uint32_t o) {
  return o == 0 || o == 10 || o == 100 || o == 127 || o == 169 || o == 172 || o == 192 ||
         o == 198 || o == 203 || o >= 224;
}

const Stream& stream() {
  static const Stream s = [] {
    Stream st;
    std::mt19937 rng(4271);
    uint64_t cursor = 0x01000000;
    auto next_prefix = [&]() {
      int len = pick_length(rng);
      uint64_t size = uint64_t{1} << (32 - len);
      for (;;) {
        cursor = (cursor + size - 1) & ~(size - 1);
        uint32_t octet = static_cast<uint32_t>(cursor >> 24);
        if (!skipped_octet(octet)) break;
        cursor = uint64_t{octet + 1} << 24;
      }
      Ipv4Prefix p = Ipv4Prefix::make(static_cast<uint32_t>(cursor), len);
      cursor += size;
      return p;
    };
    std::uniform_int_distribution<int> pct(0, 99);
    const SessionContext ctx;
    while (st.prefixes < 1000000) {
      int r = pct(rng);
      size_t run = r < 50 ? 1 : r < 80 ? 2 + rng() % 2 : r < 97 ? 4 + rng() % 5 : 9 + rng() % 63;
      run = std::min(run, 1000000 - st.prefixes);
      PathAttributes a;
      a.set_origin(Origin::kIgp);
      std::vector<uint32_t> path = {65100};
      int extra = 1 + static_cast<int>(rng() % 5);
      for (int i = 0; i < extra; ++i)
        path.push_back(pct(rng) < 10 ? 4200000000u + rng() % 90000 : 1 + rng() % 64000);
      a.set_as_path(AsPath::sequence(path));
      a.set_next_hop(0x0a631401);  // 10.99.20.1
      if (pct(rng) < 50) {
        int n = 1 + static_cast<int>(rng() % 4);
        for (int i = 0; i < n; ++i) a.communities.push_back(static_cast<uint32_t>(rng()));
        a.set(attr::kCommunities);
      }
      std::vector<Ipv4Prefix> v;
      for (size_t i = 0; i < run; ++i) v.push_back(next_prefix());
      auto n = pack_announce(ctx, a, v, st.bytes);
      st.messages += *n;
      st.prefixes += run;
      st.sets.push_back(std::move(a));
      st.set_prefixes.push_back(std::move(v));
    }
    write_end_of_rib(kIpv4Unicast, st.bytes);
    ++st.messages;
    return st;
  }();
  return s;
}

void report(benchmark::State& state, const Stream& s) {
  const double iters = static_cast<double>(state.iterations());
  state.counters["prefixes/s"] =
      benchmark::Counter(iters * static_cast<double>(s.prefixes), benchmark::Counter::kIsRate);
  state.counters["messages/s"] =
      benchmark::Counter(iters * static_cast<double>(s.messages), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(iters * static_cast<double>(s.bytes.size())));
  state.counters["stream_MB"] = static_cast<double>(s.bytes.size()) / 1e6;
  state.counters["updates"] = static_cast<double>(s.messages);
}

// The session's hot path: frame each message by its header and decode it into one reused
// Update (no allocation in steady state).
void BM_ParseUpdateStream(benchmark::State& state) {
  const Stream& s = stream();
  const SessionContext ctx;
  Update u;
  for (auto _ : state) {
    size_t off = 0, prefixes = 0;
    std::span<const uint8_t> all(s.bytes);
    while (off < all.size()) {
      auto h = parse_header(all.subspan(off));
      if (!h.ok() || !parse_update(all.subspan(off + kHeaderSize, h->length - kHeaderSize), ctx, u)
                         .ok())
        state.SkipWithError("decode failed");
      prefixes += u.nlri.size();
      off += h->length;
    }
    benchmark::DoNotOptimize(prefixes);
  }
  report(state, s);
}
BENCHMARK(BM_ParseUpdateStream)->Unit(benchmark::kMillisecond);

// Same, plus hashing each attribute set as an intern table lookup would.
void BM_ParseAndHashStream(benchmark::State& state) {
  const Stream& s = stream();
  const SessionContext ctx;
  Update u;
  for (auto _ : state) {
    size_t off = 0, h_acc = 0;
    std::span<const uint8_t> all(s.bytes);
    while (off < all.size()) {
      auto h = parse_header(all.subspan(off));
      (void)parse_update(all.subspan(off + kHeaderSize, h->length - kHeaderSize), ctx, u);
      h_acc += hash_value(u.attributes);
      off += h->length;
    }
    benchmark::DoNotOptimize(h_acc);
  }
  report(state, s);
}
BENCHMARK(BM_ParseAndHashStream)->Unit(benchmark::kMillisecond);

// The general API: parse_message builds a fresh Message (allocates) for every UPDATE.
void BM_ParseMessageStream(benchmark::State& state) {
  const Stream& s = stream();
  const SessionContext ctx;
  for (auto _ : state) {
    size_t off = 0, prefixes = 0;
    std::span<const uint8_t> all(s.bytes);
    while (off < all.size()) {
      auto h = parse_header(all.subspan(off));
      auto m = parse_message(all.subspan(off, h->length), ctx);
      prefixes += std::get<Update>(*m).nlri.size();
      off += h->length;
    }
    benchmark::DoNotOptimize(prefixes);
  }
  report(state, s);
}
BENCHMARK(BM_ParseMessageStream)->Unit(benchmark::kMillisecond);

// Encoding the same table: one pack_announce per attribute set.
void BM_PackAnnounceStream(benchmark::State& state) {
  const Stream& s = stream();
  const SessionContext ctx;
  std::vector<uint8_t> out;
  out.reserve(s.bytes.size());
  for (auto _ : state) {
    out.clear();
    for (size_t i = 0; i < s.sets.size(); ++i)
      (void)pack_announce(ctx, s.sets[i], s.set_prefixes[i], out);
    benchmark::DoNotOptimize(out.data());
  }
  report(state, s);
}
BENCHMARK(BM_PackAnnounceStream)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
