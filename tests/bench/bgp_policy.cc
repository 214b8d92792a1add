// Micro benchmark of compiled route-maps (vgw/bgp/policy.h) over a synthetic full IPv4 table
// (1M prefixes, internet_table.h). Each benchmark reports the time per route:
//   CopyOnly             the attribute copy the speaker makes per route anyway (baseline)
//   Typical              copy + the typical import map: match ip address prefix-list (4
//                        entries), set local-preference, set community additive
//   TypicalEvalOnly      the same map on one reused PolicyRoute (no copy: pure evaluation)
//   AsPathRegex          copy + a map matching `_65001_` (path rendered to text, regexec)
//   LongPrefixList       copy + a map matching a 20,000-entry prefix-list (trie form)
//   ./bgp_policy --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "internet_table.h"
#include "vgw/bgp/policy.h"

namespace {

using namespace vgw;
using namespace vgw::bgp;
using namespace vgw::bgp::policy;

constexpr size_t kRoutes = 1'000'000;

const std::vector<Prefix>& table() {
  static const std::vector<Prefix> t = bench::internet_table(kRoutes);
  return t;
}

wire::PathAttributes attributes() {
  wire::PathAttributes a;
  a.set_origin(wire::Origin::kIgp);
  a.set_as_path(wire::AsPath::sequence(std::vector<uint32_t>{65001, 3356, 1299, 13335}));
  a.set_next_hop(IpAddress::parse("169.254.10.1")->v4_host_order());
  a.communities = {3356u << 16 | 2, 3356u << 16 | 501};
  a.set(wire::attr::kCommunities);
  return a;
}

PrefixListEntry entry(uint32_t seq, Action action, const char* prefix, std::optional<uint8_t> ge,
                      std::optional<uint8_t> le) {
  return {seq, action, *Prefix::parse(prefix), ge, le};
}

PolicySet policy_set() {
  PolicySet s;
  s.prefix_lists["IMPORT"] = {"IMPORT",
                              {entry(5, Action::kDeny, "0.0.0.0/8", {}, 32),
                               entry(10, Action::kDeny, "10.0.0.0/8", {}, 32),
                               entry(15, Action::kDeny, "192.168.0.0/16", {}, 32),
                               entry(20, Action::kPermit, "0.0.0.0/0", {}, 24)}};
  RouteMapEntry typical{10, Action::kPermit, {}, {}};
  typical.match.ip_address_prefix_list = "IMPORT";
  typical.set.local_preference = 200;
  typical.set.community = CommunitySet{{65000u << 16 | 100}, true};
  s.route_maps["TYPICAL"] = {"TYPICAL", {typical}};

  s.as_path_lists["VIA-65001"] = {"VIA-65001", {{5, Action::kPermit, "_65001_"}}};
  RouteMapEntry as_path{10, Action::kPermit, {}, {}};
  as_path.match.as_path = "VIA-65001";
  as_path.set.local_preference = 200;
  s.route_maps["AS-PATH"] = {"AS-PATH", {as_path}};

  // Every 50th prefix of the table, as an IRR-generated customer list would hold them.
  PrefixList longl{"LONG", {}};
  for (size_t i = 0; i < kRoutes && longl.entries.size() < 20000; i += 50) {
    const Prefix& p = table()[i];
    longl.entries.push_back({static_cast<uint32_t>(longl.entries.size() * 5 + 5), Action::kPermit, p,
                             {}, static_cast<uint8_t>(std::min(p.length() + 2, 32))});
  }
  s.prefix_lists["LONG"] = std::move(longl);
  RouteMapEntry lng{10, Action::kPermit, {}, {}};
  lng.match.ip_address_prefix_list = "LONG";
  s.route_maps["LONG"] = {"LONG", {lng}};
  return s;
}

std::shared_ptr<const CompiledRouteMap> compiled(const char* name) {
  auto c = compile(policy_set(), name, Direction::kImport);
  if (!c) {
    std::fprintf(stderr, "%s\n", c.error().message.c_str());
    std::abort();
  }
  return *c;
}

const IpAddress kPeer = *IpAddress::parse("169.254.10.1");

void BM_CopyOnly(benchmark::State& state) {
  const auto& t = table();
  const wire::PathAttributes attrs = attributes();
  PolicyRoute route;
  size_t i = 0;
  for (auto _ : state) {
    route.attributes = attrs;
    benchmark::DoNotOptimize(route);
    benchmark::DoNotOptimize(t[i]);
    if (++i == t.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void run_map(benchmark::State& state, const char* name, bool copy) {
  const auto& t = table();
  auto map = compiled(name);
  const wire::PathAttributes attrs = attributes();
  PolicyRoute route;
  route.attributes = attrs;
  size_t i = 0, accepted = 0;
  for (auto _ : state) {
    if (copy) route.attributes = attrs;
    PolicyContext ctx{t[i], kPeer, 65001, true};
    accepted += map->evaluate(ctx, route).result == PolicyResult::kAccept;
    benchmark::DoNotOptimize(route);
    if (++i == t.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["accepted_pct"] = 100.0 * static_cast<double>(accepted) /
                                   static_cast<double>(std::max<int64_t>(state.iterations(), 1));
}

void BM_Typical(benchmark::State& state) { run_map(state, "TYPICAL", true); }
void BM_TypicalEvalOnly(benchmark::State& state) { run_map(state, "TYPICAL", false); }
void BM_AsPathRegex(benchmark::State& state) { run_map(state, "AS-PATH", true); }
void BM_LongPrefixList(benchmark::State& state) { run_map(state, "LONG", true); }

// The std::function the speaker holds, for the call overhead.
void BM_TypicalAsPolicy(benchmark::State& state) {
  const auto& t = table();
  auto policy = compile_route_map(policy_set(), "TYPICAL", Direction::kImport);
  const wire::PathAttributes attrs = attributes();
  PolicyRoute route;
  size_t i = 0;
  for (auto _ : state) {
    route.attributes = attrs;
    benchmark::DoNotOptimize((*policy)(PolicyContext{t[i], kPeer, 65001, true}, route));
    if (++i == t.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_CopyOnly);
BENCHMARK(BM_Typical);
BENCHMARK(BM_TypicalEvalOnly);
BENCHMARK(BM_TypicalAsPolicy);
BENCHMARK(BM_AsPathRegex);
BENCHMARK(BM_LongPrefixList);

}  // namespace

BENCHMARK_MAIN();
