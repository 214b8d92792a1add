// The whole RIB against a brute-force model on random operations (fixed seeds): after every
// add or remove, each prefix's candidates, statuses, resolved groups and installed group must
// be what a from-scratch evaluation of the model gives (so no re-resolution was missed), and a subscriber that applies its drained changes must end up with exactly the
// RIB's active prefixes. At the end nothing may leak: no groups, no tracked next-hops.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "rib_test_util.h"
#include "vgw/rib/rib.h"

namespace vgw::rib {
namespace {

using testing::Groups;

struct ModelRoute {
  NexthopGroupId group;
  uint32_t metric;
  uint8_t distance;
};
using Key = std::pair<RouteSource, uint16_t>;
using Model = std::map<Prefix, std::map<Key, ModelRoute>>;

class RibModel : public ::testing::Test {
 protected:
  IpAddress random_host() {
    // A host inside one of the pool's prefixes (or just outside them).
    const Prefix& p = pool_[rng_() % pool_.size()];
    uint32_t host = p.length() >= 32 ? 0 : static_cast<uint32_t>(rng_()) >> p.length();
    return IpAddress::v4(p.address().v4_host_order() | host);
  }
  std::string dev() { return "e" + std::to_string(rng_() % 3); }
  std::string via() { return "via " + random_host().to_string(); }

  NexthopGroupId random_group(RouteSource s) {
    std::vector<std::string> members;
    int shape = static_cast<int>(rng_() % 4);
    if (s == RouteSource::kConnected || shape == 0) {
      members = {"dev " + dev()};
    } else if (shape == 1) {
      members = {via()};
    } else if (shape == 2) {
      members = {via() + " dev " + dev()};
    } else {
      members = {via(), via() + " weight 2"};
    }
    std::vector<Nexthop> v;
    for (const auto& m : members) v.push_back(testing::N(m));
    auto g = rib_.groups().intern(std::move(v));
    EXPECT_TRUE(g.ok());
    held_.push_back(*g);
    return *g;
  }

  // From scratch, from the model alone (see the rule in rib.h). Groups returned are held in
  // temp_ and released after each prefix is checked.
  static bool eligible(RouteSource s, ResolveMode m) {
    return m == ResolveMode::kOnLink ? s == RouteSource::kConnected : !is_bgp(s);
  }
  NexthopGroupId hold(NexthopGroupId g) {
    if (g != kNoGroup) temp_.push_back(g);
    return g;
  }
  // The group the best route of prefix q eligible for mode resolves next-hops with, or 0.
  NexthopGroupId expected_view(const Prefix& q, ResolveMode mode) {
    const auto& routes = model_.at(q);
    const std::pair<const Key, ModelRoute>* best = nullptr;
    std::map<Key, NexthopGroupId> resolved;
    for (const auto& kv : routes) {
      if (!eligible(kv.first.first, mode)) continue;
      NexthopGroupId r = expected_resolution(kv.second.group, resolve_mode(kv.first.first));
      if (r == kNoGroup) continue;
      resolved[kv.first] = r;
      if (!best || std::tie(kv.second.distance, kv.second.metric, kv.first) <
                       std::tie(best->second.distance, best->second.metric, best->first)) {
        best = &kv;
      }
    }
    if (!best) return kNoGroup;
    return installed_group(routes, *best, resolved);
  }
  NexthopGroupId installed_group(const std::map<Key, ModelRoute>& routes,
                                 const std::pair<const Key, ModelRoute>& best,
                                 const std::map<Key, NexthopGroupId>& resolved) {
    std::vector<Nexthop> merged;
    int ties = 0;
    for (const auto& [k, r] : routes) {
      auto it = resolved.find(k);
      if (it == resolved.end() || k.first != best.first.first ||
          r.distance != best.second.distance || r.metric != best.second.metric) {
        continue;
      }
      ++ties;
      auto m = rib_.groups().members(it->second);
      merged.insert(merged.end(), m.begin(), m.end());
    }
    if (ties == 1) return resolved.at(best.first);
    return hold(*rib_.groups().intern(merged));
  }
  NexthopGroupId expected_resolution(NexthopGroupId g, ResolveMode mode) {
    if (!rib_.groups().is_recursive(g)) return g;
    std::vector<Nexthop> out;
    for (const Nexthop& m : rib_.groups().members(g)) {
      if (m.is_direct()) {
        out.push_back(m);
        continue;
      }
      NexthopGroupId via = kNoGroup;
      int via_len = -1;
      for (const auto& [p, routes] : model_) {
        if (!p.contains(*m.address) || p.length() <= via_len) continue;
        if (NexthopGroupId v = expected_view(p, mode)) {
          via = v;
          via_len = p.length();
        }
      }
      if (via == kNoGroup) continue;
      for (const Nexthop& r : rib_.groups().members(via)) {
        Nexthop n = r;
        if (!n.address) n.address = m.address;
        n.weight = static_cast<uint8_t>(std::min(255, m.weight * r.weight));
        out.push_back(n);
      }
    }
    if (out.empty()) return kNoGroup;
    return hold(*rib_.groups().intern(std::move(out)));
  }

  void check_prefix(const Prefix& p, const std::map<Key, ModelRoute>& routes) {
    std::vector<Route> got = rib_.routes(p);
    ASSERT_EQ(got.size(), routes.size()) << p.to_string();
    std::map<Key, NexthopGroupId> resolved;
    const std::pair<const Key, ModelRoute>* best = nullptr;
    for (const auto& kv : routes) {
      NexthopGroupId r = expected_resolution(kv.second.group, resolve_mode(kv.first.first));
      if (r == kNoGroup) continue;
      resolved[kv.first] = r;
      if (!best || std::tie(kv.second.distance, kv.second.metric, kv.first) <
                       std::tie(best->second.distance, best->second.metric, best->first)) {
        best = &kv;
      }
    }
    for (const auto& [k, mr] : routes) {
      const Route* r = nullptr;
      for (const Route& x : got) {
        if (x.source == k.first && x.instance == k.second) r = &x;
      }
      ASSERT_NE(r, nullptr) << p.to_string();
      EXPECT_EQ(r->group, mr.group);
      EXPECT_EQ(r->metric, mr.metric);
      EXPECT_EQ(r->distance, mr.distance);
      auto it = resolved.find(k);
      NexthopGroupId want = it == resolved.end() ? kNoGroup : it->second;
      EXPECT_EQ(r->resolved, want) << p.to_string() << " " << route_source_name(k.first);
      if (rib_.groups().is_recursive(mr.group)) ++(want == kNoGroup ? unresolved_ : resolved_);
      RouteStatus status;
      if (want == kNoGroup) {
        status = RouteStatus::kUnresolvable;
      } else if (k.first == best->first.first && mr.distance == best->second.distance &&
                 mr.metric == best->second.metric) {
        status = RouteStatus::kSelected;
      } else if (mr.distance > best->second.distance) {
        status = RouteStatus::kHigherDistance;
      } else if (mr.metric > best->second.metric) {
        status = RouteStatus::kHigherMetric;
      } else {
        status = RouteStatus::kTieBreak;
      }
      EXPECT_EQ(r->status, status) << p.to_string() << " " << route_source_name(k.first);
    }
    Selected s = rib_.selected(p);
    if (!best) {
      EXPECT_FALSE(s.active()) << p.to_string();
    } else {
      EXPECT_EQ(s.group, installed_group(routes, *best, resolved)) << p.to_string();
      EXPECT_EQ(s.source, best->first.first);
      EXPECT_EQ(s.distance, best->second.distance);
      EXPECT_EQ(s.metric, best->second.metric);
    }
    for (NexthopGroupId g : temp_) rib_.groups().release(g);
    temp_.clear();
  }

  void check_all() {
    for (const auto& [p, routes] : model_) {
      check_prefix(p, routes);
      if (::testing::Test::HasFailure()) return;
    }
    EXPECT_EQ(rib_.prefix_count(Family::kIpv4), model_.size());
  }

  void drain_and_apply(size_t batch) {
    std::vector<RouteChange> out;
    while (rib_.drain(sub_, batch, out) > 0) {
      for (const RouteChange& c : out) {
        auto it = mirror_.find(c.prefix);
        switch (c.kind) {
          case ChangeKind::kAdd:
            EXPECT_EQ(it, mirror_.end()) << c.prefix.to_string();
            mirror_[c.prefix] = c.after;
            break;
          case ChangeKind::kChange:
            ASSERT_NE(it, mirror_.end()) << c.prefix.to_string();
            EXPECT_TRUE(it->second == c.before);
            it->second = c.after;
            break;
          case ChangeKind::kDelete:
            ASSERT_NE(it, mirror_.end()) << c.prefix.to_string();
            EXPECT_TRUE(it->second == c.before);
            mirror_.erase(it);
            break;
        }
      }
      out.clear();
    }
    std::map<Prefix, Selected> want;
    for (const auto& [p, routes] : model_) {
      Selected s = rib_.selected(p);
      if (s.active()) want[p] = s;
    }
    ASSERT_EQ(mirror_.size(), want.size());
    for (const auto& [p, s] : want) {
      ASSERT_TRUE(mirror_.count(p)) << p.to_string();
      EXPECT_TRUE(mirror_[p] == s) << p.to_string();
    }
  }

  Rib rib_;
  std::mt19937_64 rng_;
  std::vector<Prefix> pool_;
  std::vector<NexthopGroupId> held_;
  std::vector<NexthopGroupId> temp_;
  size_t resolved_ = 0, unresolved_ = 0;  // recursive routes seen resolved / unresolvable
  Model model_;
  SubscriberId sub_ = 0;
  std::map<Prefix, Selected> mirror_;
};

TEST_F(RibModel, MatchesFromScratchEvaluationOnRandomOperations) {
  constexpr RouteSource kSources[] = {RouteSource::kConnected, RouteSource::kStatic, RouteSource::kKernel,
                                      RouteSource::kVpn, RouteSource::kEbgp, RouteSource::kIbgp};
  for (uint64_t seed : {11u, 12u, 13u, 14u}) {
    rng_.seed(seed);
    pool_.clear();
    // Nested prefixes under 10.0.0.0/16 that share few bits, so resolution paths overlap.
    for (int i = 0; i < 40; ++i) {
      static constexpr int kLens[] = {16, 18, 20, 24, 24, 28, 30, 32};
      int len = kLens[rng_() % 8];
      uint32_t bits = static_cast<uint32_t>(rng_()) & 0x0000f0f3u;
      pool_.emplace_back(IpAddress::v4(0x0a000000u | bits), len);
    }
    int wakeups = 0;
    sub_ = rib_.subscribe([&] { ++wakeups; });
    for (int op = 0; op < 2500; ++op) {
      if (rng_() % 100 < 60) {
        Prefix p = pool_[rng_() % pool_.size()];
        RouteSource s = kSources[rng_() % 6];
        auto instance = static_cast<uint16_t>(s == RouteSource::kVpn ? rng_() % 2 : 0);
        RouteSpec spec = testing::spec(s, random_group(s), static_cast<uint32_t>(rng_() % 3),
                                       instance);
        if (rng_() % 4 == 0) spec.distance = static_cast<uint8_t>(1 + rng_() % 250);
        ASSERT_TRUE(rib_.add(p, spec).ok());
        model_[p][{s, instance}] = {spec.group, spec.metric,
                                    spec.distance.value_or(kDefaultDistance[static_cast<int>(s)])};
      } else if (!model_.empty()) {
        auto it = model_.begin();
        std::advance(it, static_cast<long>(rng_() % model_.size()));
        auto rt = it->second.begin();
        std::advance(rt, static_cast<long>(rng_() % it->second.size()));
        ASSERT_TRUE(rib_.remove(it->first, rt->first.first, rt->first.second));
        it->second.erase(rt);
        if (it->second.empty()) model_.erase(it);
      }
      check_all();
      ASSERT_FALSE(HasFailure()) << "seed " << seed << " op " << op;
      if (rng_() % 10 == 0) drain_and_apply(1 + rng_() % 8);
    }
    drain_and_apply(1000);
    EXPECT_GT(wakeups, 0);
    // The random mix really exercised resolution both ways.
    EXPECT_GT(resolved_, 1000u);
    EXPECT_GT(unresolved_, 1000u);
    // Tear down: everything goes, nothing leaks.
    while (!model_.empty()) {
      auto it = model_.begin();
      for (const auto& [k, r] : it->second) ASSERT_TRUE(rib_.remove(it->first, k.first, k.second));
      model_.erase(it);
    }
    check_all();
    drain_and_apply(1000);
    EXPECT_TRUE(mirror_.empty());
    rib_.unsubscribe(sub_);
    for (NexthopGroupId g : held_) rib_.groups().release(g);
    held_.clear();
    EXPECT_EQ(rib_.groups().size(), 0u);
    EXPECT_TRUE(rib_.tracked_nexthops().empty());
    EXPECT_TRUE(rib_.list(Family::kIpv4, std::nullopt, 10).empty());
  }
}

}  // namespace
}  // namespace vgw::rib
