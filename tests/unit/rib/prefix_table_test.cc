// PrefixTable against a brute-force reference (a sorted map of prefixes) on thousands of
// random operations with fixed seeds, for IPv4 and IPv6 keys: insert, erase, exact match,
// longest-prefix match (plain and filtered), subtree iteration, ordered iteration and
// resumable next_after() walks.
#include "vgw/rib/prefix_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

namespace vgw::rib {
namespace {

template <typename Key>
class PrefixTableTest : public ::testing::Test {};
using KeyTypes = ::testing::Types<Ipv4Key, Ipv6Key>;
TYPED_TEST_SUITE(PrefixTableTest, KeyTypes);

template <typename Key>
struct Random {
  explicit Random(uint64_t seed) : rng(seed) {}
  std::mt19937_64 rng;
  static constexpr int kBits = KeyTraits<Key>::kBits;

  Key any_key() {
    if constexpr (kBits == 32) {
      return static_cast<Key>(rng());
    } else {
      return (static_cast<Key>(rng()) << 64) | rng();
    }
  }
  // Keys from a few neighbourhoods, so prefixes nest and share branches.
  Key clustered_key() {
    static constexpr uint64_t kTops[] = {0x0a000000, 0x0a010000, 0xc0a80000, 0x64400000};
    Key top = static_cast<Key>(kTops[rng() % 4]) << (kBits - 32);
    return top | (any_key() & ((~Key{0}) >> (8 + rng() % 24)));
  }
  int length() {
    // Mostly long prefixes, some short ones (including /0 and host routes).
    int r = static_cast<int>(rng() % 100);
    if (r < 3) return 0;
    if (r < 8) return kBits;
    return static_cast<int>(rng() % (kBits + 1));
  }
};

template <typename Key>
using Reference = std::map<std::pair<Key, int>, uint32_t>;

template <typename Key>
bool covers(Key pk, int pl, Key k, int l) {
  return l >= pl && key_mask(k, pl) == pk;
}

template <typename Key>
void check_all(const PrefixTable<Key, uint32_t>& t, const Reference<Key>& ref) {
  ASSERT_EQ(t.size(), ref.size());
  std::vector<std::pair<Key, int>> walked;
  t.for_each([&](uint32_t h) { walked.emplace_back(t.key(h), t.length(h)); });
  ASSERT_EQ(walked.size(), ref.size());
  size_t i = 0;
  for (const auto& [p, v] : ref) {
    ASSERT_TRUE(walked[i] == p) << "ordered iteration differs at " << i;
    uint32_t h = t.find(p.first, p.second);
    ASSERT_NE(h, t.kNone);
    EXPECT_EQ(t.value(h), v);
    ++i;
  }
  // Resumable walk gives the same order.
  i = 0;
  for (uint32_t h = t.first(); h != t.kNone; h = t.next(h), ++i) {
    ASSERT_LT(i, walked.size());
    ASSERT_TRUE(walked[i] == std::make_pair(t.key(h), t.length(h)));
  }
  EXPECT_EQ(i, walked.size());
}

TYPED_TEST(PrefixTableTest, MatchesBruteForceOnRandomOperations) {
  using Key = TypeParam;
  constexpr int kBits = KeyTraits<Key>::kBits;
  for (uint64_t seed : {1u, 2u, 3u}) {
    Random<Key> rnd(seed);
    PrefixTable<Key, uint32_t> t;
    Reference<Key> ref;
    uint32_t next_value = 1;
    for (int op = 0; op < 6000; ++op) {
      int what = static_cast<int>(rnd.rng() % 100);
      if (what < 45 || ref.empty()) {  // insert
        int len = rnd.length();
        Key k = key_mask(rnd.clustered_key(), len);
        auto [h, inserted] = t.insert(k, len);
        auto [it, ref_inserted] = ref.emplace(std::make_pair(k, len), next_value);
        ASSERT_EQ(inserted, ref_inserted);
        if (inserted) t.value(h) = next_value++;
        EXPECT_EQ(t.value(h), it->second);
        EXPECT_EQ(t.key(h), k);
        EXPECT_EQ(t.length(h), len);
      } else if (what < 75) {  // erase a present prefix
        auto it = ref.begin();
        std::advance(it, static_cast<long>(rnd.rng() % ref.size()));
        const auto gone = it->first;
        uint32_t h = t.find(gone.first, gone.second);
        ASSERT_NE(h, t.kNone);
        t.erase(h);
        ref.erase(it);
        EXPECT_EQ(t.find(gone.first, gone.second), t.kNone);
      } else if (what < 82) {  // exact match of a probably absent prefix
        int len = rnd.length();
        Key k = key_mask(rnd.clustered_key(), len);
        uint32_t h = t.find(k, len);
        auto it = ref.find({k, len});
        ASSERT_EQ(h != t.kNone, it != ref.end());
        if (h != t.kNone) {
          EXPECT_EQ(t.value(h), it->second);
        }
      } else if (what < 92) {  // longest-prefix match, plain and filtered (odd values only)
        Key a = rnd.clustered_key();
        const std::pair<Key, int>* best = nullptr;
        const std::pair<Key, int>* best_odd = nullptr;
        for (const auto& [p, v] : ref) {
          if (!covers(p.first, p.second, a, kBits)) continue;
          if (!best || p.second > best->second) best = &p;
          if (v % 2 == 1 && (!best_odd || p.second > best_odd->second)) best_odd = &p;
        }
        uint32_t h = t.longest_match(a);
        ASSERT_EQ(h != t.kNone, best != nullptr);
        if (best) {
          EXPECT_EQ(std::make_pair(t.key(h), t.length(h)), *best);
        }
        uint32_t ho = t.longest_match_if(a, [&](uint32_t x) { return t.value(x) % 2 == 1; });
        ASSERT_EQ(ho != t.kNone, best_odd != nullptr);
        if (best_odd) {
          EXPECT_EQ(std::make_pair(t.key(ho), t.length(ho)), *best_odd);
        }
      } else {  // subtree iteration and next_after from an arbitrary point
        int len = rnd.length();
        Key k = key_mask(rnd.clustered_key(), len);
        std::vector<std::pair<Key, int>> want, got;
        for (const auto& [p, v] : ref) {
          if (covers(k, len, p.first, p.second)) want.push_back(p);
        }
        t.for_each_within(k, len, [&](uint32_t h) { got.emplace_back(t.key(h), t.length(h)); });
        ASSERT_EQ(got, want);
        auto it = ref.upper_bound({k, len});
        uint32_t h = t.next_after(k, len);
        ASSERT_EQ(h != t.kNone, it != ref.end());
        if (h != t.kNone) {
          EXPECT_EQ(std::make_pair(t.key(h), t.length(h)), it->first);
        }
      }
      if (op % 500 == 0) check_all(t, ref);
    }
    check_all(t, ref);
    // Erase everything: only the root node may remain.
    while (!ref.empty()) {
      auto it = ref.begin();
      std::advance(it, static_cast<long>(rnd.rng() % ref.size()));
      t.erase(t.find(it->first.first, it->first.second));
      ref.erase(it);
    }
    check_all(t, ref);
    EXPECT_EQ(t.node_count(), 1u);
  }
}

TYPED_TEST(PrefixTableTest, StopsWalkWhenCallbackReturnsFalse) {
  using Key = TypeParam;
  PrefixTable<Key, uint32_t> t;
  for (int i = 0; i < 10; ++i) t.insert(static_cast<Key>(i) << (KeyTraits<Key>::kBits - 8), 8);
  int seen = 0;
  t.for_each([&](uint32_t) { return ++seen < 3; });
  EXPECT_EQ(seen, 3);
}

TEST(PrefixTable, NodesStayBelowPrefixCountForLeafHeavyTables) {
  // Non-overlapping /24s: every prefix is a leaf, so only branch nodes are allocated.
  PrefixTable<Ipv4Key, uint32_t> t;
  for (uint32_t i = 0; i < 10000; ++i) t.insert(0x01000000u + (i << 8), 24);
  EXPECT_EQ(t.size(), 10000u);
  EXPECT_EQ(t.node_count(), 10000u);  // 9999 branch nodes and the root
}

TEST(PrefixTable, OrdersByAddressThenLength) {
  PrefixTable<Ipv4Key, uint32_t> t;
  auto p = [](const char* s) { return *Prefix::parse(s); };
  for (const char* s : {"11.0.0.0/8", "10.1.0.0/16", "10.0.0.0/16", "10.0.0.0/8", "0.0.0.0/0"}) {
    Prefix x = p(s);
    t.insert(KeyTraits<Ipv4Key>::from_address(x.address()), x.length());
  }
  std::vector<std::string> order;
  t.for_each([&](uint32_t h) { order.push_back(key_to_prefix(t.key(h), t.length(h)).to_string()); });
  EXPECT_EQ(order, (std::vector<std::string>{"0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16",
                                             "10.1.0.0/16", "11.0.0.0/8"}));
}

TEST(PrefixKey, ConvertsIpv6AddressesBothWays) {
  auto a = *IpAddress::parse("2001:db8::8000:1");
  Ipv6Key k = KeyTraits<Ipv6Key>::from_address(a);
  EXPECT_EQ(static_cast<uint64_t>(k >> 96), 0x20010db8u);
  EXPECT_EQ(key_bit(k, 96), 1);
  EXPECT_EQ(KeyTraits<Ipv6Key>::to_address(k), a);
  EXPECT_EQ(key_to_prefix(k, 32).to_string(), "2001:db8::/32");
  EXPECT_EQ(key_common_length<Ipv6Key>(k, k ^ 1), 127);
  EXPECT_EQ(key_common_length<Ipv6Key>(k, k), 128);
}

}  // namespace
}  // namespace vgw::rib
