// Micro benchmark of the RIB with a synthetic full IPv4 table: 1,000,000 non-overlapping
// prefixes with the Internet's length mix (/24 63%, /23 10.5%, /22 13%, /21 5%, /20 4%,
// /19 2.5%, /18 1%, /17 0.5%, /16 0.5%), allocated upwards from 1.0.0.0, all as eBGP routes
// over one shared group of two recursive next-hops (two tunnel peers, each resolved through
// its tunnel's connected /30). Measures: insert rate through the whole RIB path (table,
// candidate, shared group, resolution lookup, a subscriber's pending mark), memory per prefix
// (the RIB's own accounting and the resident-set delta), LPM lookups per second on
// random addresses, draining the subscriber, and full-table withdrawal.
//
// Times are this thread's CPU time (the machine is shared); wall time is shown beside.
//   ./rib_table --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <vector>

#include "vgw/rib/rib.h"

namespace {

using vgw::IpAddress;
using vgw::Prefix;
using namespace vgw::rib;

constexpr size_t kRoutes = 1'000'000;

const std::vector<Prefix>& internet_table() {
  static const std::vector<Prefix> table = [] {
    // Lengths /16../24 with weights in per mille.
    static constexpr std::pair<int, int> kMix[] = {{24, 630}, {23, 105}, {22, 130},
                                                   {21, 50},  {20, 40},  {19, 25},
                                                   {18, 10},  {17, 5},   {16, 5}};
    std::vector<Prefix> out;
    out.reserve(kRoutes);
    std::mt19937 rng(2024);
    uint64_t cursor = 0x01000000;  // 1.0.0.0
    while (out.size() < kRoutes) {
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
      out.emplace_back(IpAddress::v4(static_cast<uint32_t>(cursor)), len);
      cursor += size;
    }
    return out;
  }();
  return table;
}

// Resident memory of the process (malloc'd and the RIB's own 2 MiB mappings).
size_t resident_bytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  unsigned long size = 0, resident = 0;
  if (f != nullptr) {
    if (std::fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

// A RIB with the two tunnels' connected networks and the shared BGP group.
struct Setup {
  Setup() {
    auto t1 = *rib.groups().intern({Nexthop{std::nullopt, "vgw-c1-t1"}});
    auto t2 = *rib.groups().intern({Nexthop{std::nullopt, "vgw-c1-t2"}});
    (void)rib.add(*Prefix::parse("169.254.10.0/30"), {RouteSource::kConnected, 0, 0, {}, t1});
    (void)rib.add(*Prefix::parse("169.254.20.0/30"), {RouteSource::kConnected, 0, 0, {}, t2});
    rib.groups().release(t1);
    rib.groups().release(t2);
    group = *rib.groups().intern({Nexthop{IpAddress::v4(0xa9fe0a02), ""},    // 169.254.10.2
                                  Nexthop{IpAddress::v4(0xa9fe1402), ""}});  // 169.254.20.2
  }
  ~Setup() { rib.groups().release(group); }
  void insert_all() {
    RouteSpec spec{RouteSource::kEbgp, 0, 0, {}, group};
    for (const Prefix& p : internet_table()) (void)rib.add(p, spec);
  }
  Rib rib;
  NexthopGroupId group = kNoGroup;
};

// The machine is shared, so phases are timed in this thread's CPU time (user + system, which
// includes page faults); wall time is reported beside it.
struct Stopwatch {
  Stopwatch() : wall0(std::chrono::steady_clock::now()), cpu0(cpu_now()) {}
  static double cpu_now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
  double cpu() const { return cpu_now() - cpu0; }
  double wall() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  }
  std::chrono::steady_clock::time_point wall0;
  double cpu0;
};

// Insert 1M routes with a FIB-like subscriber attached, then drain it. Also reports memory.
void BM_Insert1M(benchmark::State& state) {
  const auto& table = internet_table();
  for (auto _ : state) {
    size_t rss0 = resident_bytes();
    auto setup = std::make_unique<Setup>();
    SubscriberId fib = setup->rib.subscribe(nullptr);
    Stopwatch insert;
    setup->insert_all();
    double insert_s = insert.cpu();
    state.SetIterationTime(insert_s);
    state.counters["wall_ns_per_route"] = insert.wall() * 1e9 / table.size();

    RibMemory mem = setup->rib.memory();
    size_t rss_loaded = resident_bytes() - rss0;
    std::vector<RouteChange> batch;
    batch.reserve(4096);
    size_t drained = 0;
    Stopwatch drain;
    while (size_t n = setup->rib.drain(fib, 4096, batch)) {
      drained += n;
      batch.clear();
    }
    double drain_s = drain.cpu();
    size_t rss_drained = resident_bytes() - rss0;

    state.counters["ns_per_route"] = insert_s * 1e9 / table.size();
    state.counters["routes_per_s"] = table.size() / insert_s;
    state.counters["drain_ns_per_route"] = drain_s * 1e9 / static_cast<double>(drained);
    state.counters["groups"] = static_cast<double>(setup->rib.groups().size());
    state.counters["rib_B_per_prefix"] = static_cast<double>(mem.total()) / table.size();
    state.counters["table_B_per_prefix"] = static_cast<double>(mem.ipv4_table) / table.size();
    state.counters["dependents_B_per_prefix"] = static_cast<double>(mem.groups) / table.size();
    state.counters["pending_B_per_prefix"] = static_cast<double>(mem.subscribers) / table.size();
    state.counters["rss_B_per_prefix"] = static_cast<double>(rss_loaded) / table.size();
    state.counters["rss_B_per_prefix_drained"] =
        static_cast<double>(rss_drained) / table.size();
  }
}
BENCHMARK(BM_Insert1M)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

// Same without subscribers and with a direct (interface) group: the table and selection alone.
void BM_Insert1MDirectNoSubscriber(benchmark::State& state) {
  const auto& table = internet_table();
  for (auto _ : state) {
    auto rib = std::make_unique<Rib>();
    auto g = *rib->groups().intern({Nexthop{IpAddress::v4(0xa9fe0a02), "vgw-c1-t1"},
                                    Nexthop{IpAddress::v4(0xa9fe1402), "vgw-c1-t2"}});
    RouteSpec spec{RouteSource::kEbgp, 0, 0, {}, g};
    Stopwatch insert;
    for (const Prefix& p : table) (void)rib->add(p, spec);
    double s = insert.cpu();
    state.SetIterationTime(s);
    state.counters["ns_per_route"] = s * 1e9 / table.size();
    rib->groups().release(g);
  }
}
BENCHMARK(BM_Insert1MDirectNoSubscriber)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

// Longest-prefix match of random addresses in the loaded table (hits and misses).
void BM_Lookup(benchmark::State& state) {
  static Setup* setup = [] {
    auto* s = new Setup();
    s->insert_all();
    return s;
  }();
  std::mt19937 rng(7);
  std::vector<IpAddress> addrs;
  for (int i = 0; i < 1 << 16; ++i) addrs.push_back(IpAddress::v4(static_cast<uint32_t>(rng())));
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    auto r = setup->rib.lookup(addrs[i++ & 0xffff]);
    hits += r.has_value();
    benchmark::DoNotOptimize(r);
  }
  state.counters["lookups_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["hit_ratio"] = static_cast<double>(hits) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Lookup);

// The same on the bare prefix table (no Prefix/Selected conversion).
void BM_TableLongestMatch(benchmark::State& state) {
  static PrefixTable<Ipv4Key, uint32_t>* t = [] {
    auto* pt = new PrefixTable<Ipv4Key, uint32_t>();
    for (const Prefix& p : internet_table()) {
      pt->insert(p.address().v4_host_order(), p.length());
    }
    return pt;
  }();
  std::mt19937 rng(7);
  std::vector<uint32_t> addrs;
  for (int i = 0; i < 1 << 16; ++i) addrs.push_back(static_cast<uint32_t>(rng()));
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(t->longest_match(addrs[i++ & 0xffff]));
  state.counters["lookups_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["table_B_per_prefix"] =
      static_cast<double>(t->memory_bytes()) / static_cast<double>(t->size());
}
BENCHMARK(BM_TableLongestMatch);

// Withdraw the whole table (with a subscriber attached, as in production).
void BM_Withdraw1M(benchmark::State& state) {
  const auto& table = internet_table();
  for (auto _ : state) {
    auto setup = std::make_unique<Setup>();
    SubscriberId fib = setup->rib.subscribe(nullptr);
    setup->insert_all();
    std::vector<RouteChange> batch;
    while (setup->rib.drain(fib, 4096, batch)) batch.clear();
    Stopwatch withdraw;
    for (const Prefix& p : table) (void)setup->rib.remove(p, RouteSource::kEbgp);
    double s = withdraw.cpu();
    state.SetIterationTime(s);
    size_t deletes = 0;
    while (size_t n = setup->rib.drain(fib, 4096, batch)) {
      deletes += n;
      batch.clear();
    }
    state.counters["ns_per_route"] = s * 1e9 / table.size();
    state.counters["delete_events"] = static_cast<double>(deletes);
    state.counters["prefixes_left"] = static_cast<double>(setup->rib.prefix_count(vgw::Family::kIpv4));
  }
}
BENCHMARK(BM_Withdraw1M)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

// Tunnel failure: the connected /30 of tunnel 1 goes, so every one of the 1M routes changes its
// installed group from two members to one (one group re-resolution, 1M re-selections).
void BM_TunnelDown1M(benchmark::State& state) {
  for (auto _ : state) {
    auto setup = std::make_unique<Setup>();
    setup->insert_all();
    Stopwatch down;
    (void)setup->rib.remove(*Prefix::parse("169.254.10.0/30"), RouteSource::kConnected);
    double s = down.cpu();
    state.SetIterationTime(s);
    state.counters["ns_per_route"] = s * 1e9 / kRoutes;
  }
}
BENCHMARK(BM_TunnelDown1M)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
