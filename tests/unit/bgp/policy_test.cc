// BGP policy lists (vgw/bgp/policy/): prefix-list ge/le rules and the compiled matcher (linear
// and trie forms checked against the reference walk), AS-path text and FRR-style regexes,
// community text and community-lists, FRR-syntax lines. Route-maps: policy_route_map_test.cc.
#include <gtest/gtest.h>

#include <random>

#include "vgw/bgp/policy.h"

namespace vgw::bgp::policy {
namespace {

Prefix pfx(const char* s) { return *Prefix::parse(s); }

PrefixListEntry entry(uint32_t seq, Action a, const char* prefix, std::optional<int> ge = {},
                      std::optional<int> le = {}) {
  PrefixListEntry e;
  e.seq = seq;
  e.action = a;
  e.prefix = pfx(prefix);
  if (ge) e.ge = static_cast<uint8_t>(*ge);
  if (le) e.le = static_cast<uint8_t>(*le);
  return e;
}

constexpr Action kPermit = Action::kPermit;
constexpr Action kDeny = Action::kDeny;

// The reference walk and the compiled matcher must agree with the expectation.
void expect(const PrefixList& list, const char* prefix, Action want) {
  SCOPED_TRACE(prefix);
  EXPECT_EQ(evaluate(list, pfx(prefix)), want);
  auto m = PrefixListMatcher::compile(list);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->permits(pfx(prefix)), want == kPermit);
}

TEST(PrefixList, WithoutGeLeOnlyTheExactLengthMatches) {
  PrefixList l{"P", {entry(5, kPermit, "10.0.0.0/8")}};
  expect(l, "10.0.0.0/8", kPermit);
  expect(l, "10.1.0.0/16", kDeny);
  expect(l, "11.0.0.0/8", kDeny);
  expect(l, "0.0.0.0/0", kDeny);
  expect(l, "8.0.0.0/7", kDeny);  // covers the entry, is not inside it
}

TEST(PrefixList, GeOnlyRunsToTheFamilyMaximum) {
  PrefixList l{"P", {entry(5, kPermit, "10.0.0.0/8", 16)}};
  expect(l, "10.0.0.0/8", kDeny);
  expect(l, "10.0.0.0/15", kDeny);
  expect(l, "10.1.0.0/16", kPermit);
  expect(l, "10.1.2.3/32", kPermit);
  expect(l, "11.1.0.0/16", kDeny);
  EXPECT_EQ(l.entries[0].max_length(), 32);
}

TEST(PrefixList, LeOnlyStartsAtTheEntryLength) {
  PrefixList l{"P", {entry(5, kPermit, "10.0.0.0/8", {}, 24)}};
  expect(l, "10.0.0.0/8", kPermit);
  expect(l, "10.20.0.0/16", kPermit);
  expect(l, "10.20.30.0/24", kPermit);
  expect(l, "10.20.30.0/25", kDeny);
  expect(l, "10.0.0.0/7", kDeny);
}

TEST(PrefixList, GeAndLeTogether) {
  PrefixList l{"P", {entry(5, kPermit, "10.0.0.0/8", 16, 24)}};
  expect(l, "10.0.0.0/8", kDeny);
  expect(l, "10.0.0.0/15", kDeny);
  expect(l, "10.5.0.0/16", kPermit);
  expect(l, "10.5.5.0/24", kPermit);
  expect(l, "10.5.5.0/25", kDeny);
  PrefixList same{"P", {entry(5, kPermit, "10.0.0.0/8", 20, 20)}};
  expect(same, "10.0.16.0/20", kPermit);
  expect(same, "10.0.16.0/21", kDeny);
}

TEST(PrefixList, DefaultRouteAndHostRoutes) {
  PrefixList def{"D", {entry(5, kPermit, "0.0.0.0/0")}};
  expect(def, "0.0.0.0/0", kPermit);
  expect(def, "10.0.0.0/8", kDeny);
  PrefixList any{"A", {entry(5, kPermit, "0.0.0.0/0", {}, 32)}};
  expect(any, "0.0.0.0/0", kPermit);
  expect(any, "203.0.113.7/32", kPermit);
  expect(any, "::/0", kDeny);
  PrefixList hosts{"H", {entry(5, kPermit, "0.0.0.0/0", 32)}};
  expect(hosts, "192.0.2.1/32", kPermit);
  expect(hosts, "192.0.2.0/31", kDeny);
  PrefixList one{"O", {entry(5, kPermit, "192.0.2.1/32")}};
  expect(one, "192.0.2.1/32", kPermit);
  expect(one, "192.0.2.0/32", kDeny);
  expect(one, "192.0.2.0/24", kDeny);
}

TEST(PrefixList, Ipv6) {
  PrefixList l{"P6", {entry(5, kPermit, "2001:db8::/32", {}, 48), entry(10, kPermit, "::/0", 128)}};
  expect(l, "2001:db8::/32", kPermit);
  expect(l, "2001:db8:ffff::/48", kPermit);
  expect(l, "2001:db8:ffff::/49", kDeny);
  expect(l, "2001:db9::/48", kDeny);
  expect(l, "2001:db9::1/128", kPermit);  // second entry: host routes only
  expect(l, "::/0", kDeny);
  PrefixList low{"L", {entry(5, kPermit, "2001:db8:0:0:8000::/65", {}, 80)}};
  expect(low, "2001:db8::8000:0:0:0/65", kPermit);
  expect(low, "2001:db8::8001:0:0:0/80", kPermit);
  expect(low, "2001:db8::4000:0:0:0/66", kDeny);  // bit 65 differs
}

TEST(PrefixList, EntriesOfTheOtherFamilyNeverMatch) {
  PrefixList v4{"P", {entry(5, kPermit, "0.0.0.0/0", {}, 32)}};
  expect(v4, "::/0", kDeny);
  expect(v4, "::ffff:10.0.0.0/104", kDeny);
  PrefixList v6{"P", {entry(5, kPermit, "::/0", {}, 128)}};
  expect(v6, "10.0.0.0/8", kDeny);
  expect(v6, "0.0.0.0/0", kDeny);
}

TEST(PrefixList, LowestSeqWinsWhateverTheStorageOrder) {
  PrefixList l{"P", {entry(10, kPermit, "10.0.0.0/8", {}, 32), entry(5, kDeny, "10.1.0.0/16", {}, 32)}};
  expect(l, "10.1.2.0/24", kDeny);
  expect(l, "10.2.0.0/16", kPermit);
  l.entries[1].seq = 15;  // now after the permit
  expect(l, "10.1.2.0/24", kPermit);
}

TEST(PrefixList, NoMatchAndEmptyListDeny) {
  expect(PrefixList{"E", {}}, "10.0.0.0/8", kDeny);
  expect(PrefixList{"P", {entry(5, kPermit, "10.0.0.0/8")}}, "192.0.2.0/24", kDeny);
  PrefixListMatcher none;
  EXPECT_FALSE(none.permits(pfx("0.0.0.0/0")));
}

TEST(PrefixList, MatcherHostAddresses) {
  PrefixList l{"NH", {entry(5, kPermit, "192.0.2.0/24", {}, 32), entry(10, kPermit, "2001:db8::/64", 128)}};
  auto m = PrefixListMatcher::compile(l);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->permits(*IpAddress::parse("192.0.2.9")));
  EXPECT_FALSE(m->permits(*IpAddress::parse("192.0.3.9")));
  EXPECT_TRUE(m->permits(*IpAddress::parse("2001:db8::1")));
  EXPECT_FALSE(m->permits(*IpAddress::parse("2001:db8:1::1")));
}

TEST(PrefixList, ValidationNamesTheEntryAndTheRule) {
  auto error_of = [](PrefixListEntry e) {
    Status s = validate(PrefixList{"CUST", {std::move(e)}});
    return s.ok() ? std::string("ok") : s.error().message;
  };
  EXPECT_EQ(error_of(entry(5, kPermit, "10.0.0.0/16", 8)),
            "ip prefix-list CUST seq 5: ge 8 is below the prefix length 16 (need len <= ge <= le <= 32)");
  EXPECT_EQ(error_of(entry(5, kPermit, "10.0.0.0/16", {}, 8)),
            "ip prefix-list CUST seq 5: le 8 is below the prefix length 16 (need len <= ge <= le <= 32)");
  EXPECT_EQ(error_of(entry(7, kPermit, "10.0.0.0/8", {}, 33)),
            "ip prefix-list CUST seq 7: le 33 is above 32 (need len <= ge <= le <= 32)");
  EXPECT_EQ(error_of(entry(5, kPermit, "10.0.0.0/8", 33)),
            "ip prefix-list CUST seq 5: ge 33 is above 32 (need len <= ge <= le <= 32)");
  EXPECT_EQ(error_of(entry(5, kDeny, "10.0.0.0/8", 24, 16)),
            "ip prefix-list CUST seq 5: ge 24 is above le 16 (need len <= ge <= le <= 32)");
  EXPECT_EQ(error_of(entry(5, kPermit, "2001:db8::/32", 129)),
            "ipv6 prefix-list CUST seq 5: ge 129 is above 128 (need len <= ge <= le <= 128)");
  // The boundaries themselves are fine.
  EXPECT_EQ(error_of(entry(5, kPermit, "10.0.0.0/8", 8, 8)), "ok");
  EXPECT_EQ(error_of(entry(5, kPermit, "10.0.0.0/8", 32, 32)), "ok");
  EXPECT_EQ(error_of(entry(5, kPermit, "2001:db8::/32", 64, 128)), "ok");

  Status dup = validate(PrefixList{"CUST", {entry(5, kPermit, "10.0.0.0/8"), entry(5, kDeny, "11.0.0.0/8")}});
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("seq 5"), std::string::npos);
  EXPECT_FALSE(validate(PrefixList{"two words", {}}).ok());
  EXPECT_FALSE(validate(PrefixList{"", {}}).ok());
  auto compiled = PrefixListMatcher::compile(PrefixList{"CUST", {entry(5, kPermit, "10.0.0.0/16", 8)}});
  EXPECT_FALSE(compiled.ok());
}

// Long lists use the trie: it must give exactly what the reference walk gives.
void compare_with_reference(Family family, uint32_t seed) {
  std::mt19937 rng(seed);
  const int max = family == Family::kIpv4 ? 32 : 128;
  auto random_address = [&](int len) {
    // Few distinct top bits so that routes and entries overlap often.
    std::array<uint8_t, 16> b{};
    for (auto& x : b) x = static_cast<uint8_t>(rng() % 4 == 0 ? rng() : rng() % 2);
    IpAddress a = family == Family::kIpv4 ? IpAddress::v4({b[0], b[1], b[2], b[3]}) : IpAddress::v6(b);
    return Prefix(a, len);
  };
  PrefixList list{"BIG", {}};
  for (uint32_t i = 0; i < 400; ++i) {
    PrefixListEntry e;
    e.seq = static_cast<uint32_t>(rng() % 100000);
    if (std::any_of(list.entries.begin(), list.entries.end(), [&](auto& x) { return x.seq == e.seq; })) continue;
    e.action = rng() % 3 == 0 ? kDeny : kPermit;
    const int len = static_cast<int>(rng() % 25);
    e.prefix = random_address(len);
    const int ge = len + static_cast<int>(rng() % (max - len + 1));
    const int le = ge + static_cast<int>(rng() % (max - ge + 1));
    if (rng() % 2) e.ge = static_cast<uint8_t>(ge);
    if (rng() % 2) e.le = static_cast<uint8_t>(std::max(le, e.ge ? ge : len));
    list.entries.push_back(e);
  }
  ASSERT_TRUE(validate(list).ok()) << validate(list).error().message;
  auto m = PrefixListMatcher::compile(list);
  ASSERT_TRUE(m.ok());
  ASSERT_GT(list.entries.size(), PrefixListMatcher::kLinearLimit);
  int permits = 0;
  for (int i = 0; i < 20000; ++i) {
    Prefix p = random_address(static_cast<int>(rng() % (max + 1)));
    if (i % 4 == 0) {  // an entry's own prefix, or one inside it
      const PrefixListEntry& e = list.entries[rng() % list.entries.size()];
      const int len = e.prefix.length() + static_cast<int>(rng() % (max - e.prefix.length() + 1));
      p = Prefix(i % 8 == 0 ? e.prefix.address() : random_address(max).address(), len);
      if (!e.prefix.contains(p)) p = e.prefix;
    }
    const bool want = evaluate(list, p) == kPermit;
    permits += want;
    ASSERT_EQ(m->permits(p), want) << p.to_string();
  }
  EXPECT_GT(permits, 1000);  // the comparison covered both verdicts
  EXPECT_LT(permits, 19000);
}

TEST(PrefixList, TrieAgreesWithTheReferenceIpv4) { compare_with_reference(Family::kIpv4, 1); }
TEST(PrefixList, TrieAgreesWithTheReferenceIpv6) { compare_with_reference(Family::kIpv6, 2); }

TEST(PrefixList, ConfigLines) {
  PrefixList l{"CUST",
               {entry(10, kDeny, "2001:db8::/32", {}, 48), entry(5, kPermit, "10.0.0.0/8", 16, 24),
                entry(7, kPermit, "192.0.2.0/24")}};
  EXPECT_EQ(config_lines(l), (std::vector<std::string>{
                                 "ip prefix-list CUST seq 5 permit 10.0.0.0/8 ge 16 le 24",
                                 "ip prefix-list CUST seq 7 permit 192.0.2.0/24",
                                 "ipv6 prefix-list CUST seq 10 deny 2001:db8::/32 le 48",
                             }));
}

TEST(PolicyEntries, SeqHelpers) {
  std::vector<PrefixListEntry> v;
  EXPECT_EQ(next_seq(v), 5u);
  put_entry(v, entry(10, kPermit, "10.0.0.0/8"));
  put_entry(v, entry(5, kPermit, "11.0.0.0/8"));
  put_entry(v, entry(10, kDeny, "12.0.0.0/8"));  // replaces seq 10
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].seq, 5u);
  EXPECT_EQ(v[1].action, kDeny);
  EXPECT_EQ(next_seq(v), 15u);
  put_entry(v, entry(12, kPermit, "13.0.0.0/8"));
  EXPECT_EQ(next_seq(v), 15u);
  EXPECT_TRUE(erase_entry(v, 5));
  EXPECT_FALSE(erase_entry(v, 5));
  EXPECT_EQ(v.size(), 2u);
}

// ---- AS paths ----

wire::AsPath seq(std::initializer_list<uint32_t> asns) {
  std::vector<uint32_t> v(asns);
  return wire::AsPath::sequence(v);
}

std::string text(const wire::AsPath& p) {
  std::string out = "stale";
  format_as_path(p, out);
  return out;
}

TEST(AsPathText, SegmentsRenderLikeFrr) {
  EXPECT_EQ(text(wire::AsPath{}), "");
  EXPECT_EQ(text(seq({65001})), "65001");
  EXPECT_EQ(text(seq({65001, 65002, 4200000000u})), "65001 65002 4200000000");
  wire::AsPath p;
  std::vector<uint32_t> a{65001, 65002}, set{65003, 65004}, cseq{65010, 65011}, cset{65012, 65013};
  p.append(wire::SegmentType::kConfedSequence, cseq);
  p.append(wire::SegmentType::kConfedSet, cset);
  p.append(wire::SegmentType::kSequence, a);
  p.append(wire::SegmentType::kSet, set);
  EXPECT_EQ(text(p), "(65010 65011) [65012,65013] 65001 65002 {65003,65004}");
}

TEST(AsPathRegex, UnderscoreBecomesADelimiterAlternative) {
  EXPECT_EQ(translate_as_path_regex("_65001_"), "(^|[,{}() ]|$)65001(^|[,{}() ]|$)");
  EXPECT_EQ(translate_as_path_regex("^65001$"), "^65001$");
  EXPECT_EQ(translate_as_path_regex("[_0-9]+"), "[_0-9]+");      // literal inside brackets
  EXPECT_EQ(translate_as_path_regex("[]_]_"), "[]_](^|[,{}() ]|$)");
  EXPECT_EQ(translate_as_path_regex("[[:digit:]_]_"), "[[:digit:]_](^|[,{}() ]|$)");
  EXPECT_EQ(translate_as_path_regex("\\_"), "\\_");
}

bool re_matches(const char* re, const wire::AsPath& path) {
  auto r = AsPathRegex::compile(re);
  EXPECT_TRUE(r.ok()) << re;
  return r.ok() && r->matches(text(path));
}

TEST(AsPathRegex, FrrSemantics) {
  wire::AsPath empty;
  wire::AsPath with_set;
  std::vector<uint32_t> a{65002}, set{65001, 65003};
  with_set.append(wire::SegmentType::kSequence, a);
  with_set.append(wire::SegmentType::kSet, set);
  wire::AsPath confed;
  std::vector<uint32_t> c{65001};
  confed.append(wire::SegmentType::kConfedSequence, c);
  confed.append(wire::SegmentType::kSequence, a);

  // Anywhere, as a whole ASN.
  EXPECT_TRUE(re_matches("_65001_", seq({65001})));
  EXPECT_TRUE(re_matches("_65001_", seq({65002, 65001, 65003})));
  EXPECT_FALSE(re_matches("_65001_", seq({165001})));
  EXPECT_FALSE(re_matches("_65001_", seq({650011, 65002})));
  EXPECT_TRUE(re_matches("_65001_", with_set));
  EXPECT_TRUE(re_matches("_65003_", with_set));
  EXPECT_TRUE(re_matches("_65001_", confed));
  EXPECT_FALSE(re_matches("_65001_", empty));
  // Exactly one AS.
  EXPECT_TRUE(re_matches("^65001$", seq({65001})));
  EXPECT_FALSE(re_matches("^65001$", seq({65001, 65002})));
  EXPECT_FALSE(re_matches("^65001$", seq({165001})));
  // Locally originated (empty path).
  EXPECT_TRUE(re_matches("^$", empty));
  EXPECT_FALSE(re_matches("^$", seq({65001})));
  // Originated by 65001 / learned from 65002.
  EXPECT_TRUE(re_matches("_65001$", seq({65002, 65001})));
  EXPECT_FALSE(re_matches("_65001$", seq({65001, 65002})));
  EXPECT_FALSE(re_matches("_65001$", seq({65002, 165001})));
  EXPECT_TRUE(re_matches("^65002_", seq({65002, 65001})));
  EXPECT_FALSE(re_matches("^65002_", seq({650021})));
  // Sets and prepends are visible as text.
  EXPECT_TRUE(re_matches("\\{65001,65003\\}$", with_set));
  EXPECT_TRUE(re_matches("^(65002_)+65001$", seq({65002, 65002, 65002, 65001})));
  EXPECT_TRUE(re_matches("^[0-9]+$", seq({4200000000u})));
  EXPECT_TRUE(re_matches(".*", empty));
}

// Issue 14: glibc's regcomp overflowed its stack on 20,000 nested groups and took 17 GB for
// nested counted repetitions, on the control loop. Each of these is refused at once, in bounded
// memory, with a reason.
TEST(AsPathRegex, PathologicalPatternsAreRefusedInBoundedTimeAndMemory) {
  std::string deep(20000, '(');
  deep += "65001";
  deep += std::string(20000, ')');
  const std::string nested_repeat = "((((a{1,100}){1,100}){1,100}){1,100})";
  for (const std::string& bad : {deep, nested_repeat, std::string("_6500\xc3\xbc_"),
                                 std::string("_65001_\t"), std::string(1025, '1'),
                                 std::string(" _65001_"), std::string("_65001_ ")}) {
    auto r = AsPathRegex::compile(bad);
    ASSERT_FALSE(r.ok()) << bad.substr(0, 60);
    EXPECT_NE(r.error().message.find("AS-path regex"), std::string::npos);
    EXPECT_LT(r.error().message.size(), 1200u);
  }
  EXPECT_TRUE(AsPathRegex::compile(std::string(1024, '1')).ok());
  // Deep but within the length limit: compiles, in bounded memory.
  std::string nesting(400, '(');
  nesting += "1" + std::string(400, ')');
  EXPECT_TRUE(AsPathRegex::compile(nesting).ok());
}

// Matching never backtracks: a pattern that is exponential for a backtracking engine on a
// long path is answered at once (a backtracking engine would not finish one match of 255 hops).
TEST(AsPathRegex, MatchingIsLinearInThePath) {
  auto r = AsPathRegex::compile("^(([0-9]+_)|([0-9]+_))*x$");
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::vector<uint32_t> hops(255, 65001);
  wire::AsPath path = wire::AsPath::sequence(hops);
  const std::string t = text(path);
  int matched = 0;
  for (int i = 0; i < 1000; ++i) matched += r->matches(t);
  EXPECT_EQ(matched, 0);
}

TEST(AsPathRegex, InvalidRegexIsAClearError) {
  for (const char* bad : {"(65001", "[65001", "65001{2,1}", ""}) {
    auto r = AsPathRegex::compile(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("AS-path regex"), std::string::npos);
  }
  AsPathList l{"UPSTREAM", {{5, kPermit, "_65001_"}, {10, kDeny, "(65002"}}};
  Status s = validate(l);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("bgp as-path access-list UPSTREAM seq 10"), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find("(65002"), std::string::npos);
  EXPECT_TRUE(validate(AsPathList{"UPSTREAM", {{5, kPermit, "_65001_"}}}).ok());
}

TEST(AsPathRegex, CopiesShareTheCompiledForm) {
  auto r = AsPathRegex::compile("_65001$");
  ASSERT_TRUE(r.ok());
  AsPathRegex copy = *r;
  { AsPathRegex gone = *r; }
  EXPECT_TRUE(copy.matches("65002 65001"));
  EXPECT_EQ(copy.text(), "_65001$");
}

TEST(AsPathList, ConfigLines) {
  AsPathList l{"UP", {{10, kDeny, "^65002 65003$"}, {5, kPermit, "_65001$"}}};
  EXPECT_EQ(config_lines(l), (std::vector<std::string>{
                                 "bgp as-path access-list UP seq 5 permit _65001$",
                                 "bgp as-path access-list UP seq 10 deny ^65002 65003$",
                             }));
}

// ---- Communities ----

constexpr uint32_t comm(uint32_t asn, uint32_t value) { return asn << 16 | value; }

TEST(CommunityText, ParseAndFormat) {
  EXPECT_EQ(*parse_community("65000:1"), comm(65000, 1));
  EXPECT_EQ(*parse_community("0:0"), 0u);
  EXPECT_EQ(*parse_community("65535:65535"), 0xffffffffu);
  EXPECT_EQ(*parse_community("internet"), well_known::kInternet);
  EXPECT_EQ(*parse_community("no-export"), 0xFFFFFF01u);
  EXPECT_EQ(*parse_community("no-advertise"), 0xFFFFFF02u);
  EXPECT_EQ(*parse_community("local-AS"), 0xFFFFFF03u);
  EXPECT_EQ(*parse_community("no-export-subconfed"), 0xFFFFFF03u);
  EXPECT_EQ(*parse_community("graceful-shutdown"), 0xFFFF0000u);
  EXPECT_EQ(*parse_community("blackhole"), 0xFFFF029Au);
  EXPECT_EQ(*parse_community("no-peer"), 0xFFFFFF04u);
  for (const char* bad : {"65536:1", "1:65536", "1", "a:b", ":1", "1:", "-1:2", "+1:2", "1:2:3", "",
                          "NO-EXPORT", " 1:2", "1:2 ", "0x10:1", "99999999999:1"}) {
    auto r = parse_community(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.error().message.find("community"), std::string::npos);
    }
  }
  EXPECT_EQ(format_community(comm(65000, 1)), "65000:1");
  EXPECT_EQ(format_community(0xFFFFFF03), "local-AS");
  EXPECT_EQ(format_community(0xFFFF029A), "blackhole");
  EXPECT_EQ(format_community(0xFFFF0000), "graceful-shutdown");
  EXPECT_EQ(format_community(0), "internet");
  for (uint32_t v : {0u, 0xFFFF0000u, 0xFFFF0001u, 0xFFFF0006u, 0xFFFF0007u, 0xFFFF029Au, 0xFFFFFF01u,
                     0xFFFFFF02u, 0xFFFFFF03u, 0xFFFFFF04u, comm(1, 2), 0xFFFF0005u}) {
    EXPECT_EQ(*parse_community(format_community(v)), v) << v;
  }
  auto list = parse_communities(" 65000:1  no-export\t65000:2 ");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(*list, (std::vector<uint32_t>{comm(65000, 1), 0xFFFFFF01, comm(65000, 2)}));
  EXPECT_EQ(format_communities(*list), "65000:1 no-export 65000:2");
  EXPECT_FALSE(parse_communities("").ok());
  EXPECT_FALSE(parse_communities("65000:1 bogus").ok());
}

TEST(CommunityText, LargeParseAndFormat) {
  auto v = parse_large_community("65000:1:2");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, (wire::LargeCommunity{65000, 1, 2}));
  EXPECT_EQ(*parse_large_community("4294967295:0:4294967295"),
            (wire::LargeCommunity{4294967295u, 0, 4294967295u}));
  for (const char* bad : {"1:2", "1:2:3:4", "4294967296:1:1", "1::2", "a:b:c", "", "no-export", "1:2:-3"}) {
    EXPECT_FALSE(parse_large_community(bad).ok()) << bad;
  }
  EXPECT_EQ(format_large_community({4200000000u, 7, 9}), "4200000000:7:9");
  auto list = parse_large_communities("65000:1:2 65000:3:4");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);
  EXPECT_EQ(format_large_communities(*list), "65000:1:2 65000:3:4");
  EXPECT_FALSE(parse_large_communities("  ").ok());
}

TEST(CommunityList, AnEntryNeedsAllItsValues) {
  CommunityList l{"CL", {{5, kPermit, {comm(65000, 1), comm(65000, 2)}}}};
  using V = std::vector<uint32_t>;
  EXPECT_EQ(evaluate(l, V{comm(65000, 1)}), kDeny);
  EXPECT_EQ(evaluate(l, V{comm(65000, 2), comm(65000, 3), comm(65000, 1)}), kPermit);
  EXPECT_EQ(evaluate(l, V{}), kDeny);
}

TEST(CommunityList, SeqOrderWellKnownNamesAndInternet) {
  using V = std::vector<uint32_t>;
  CommunityList l{"CL",
                  {{10, kPermit, {comm(65000, 1)}}, {5, kDeny, {comm(65000, 3)}},
                   {20, kPermit, {well_known::kNoExport}}}};
  EXPECT_EQ(evaluate(l, V{comm(65000, 1), comm(65000, 3)}), kDeny);
  EXPECT_EQ(evaluate(l, V{comm(65000, 1)}), kPermit);
  EXPECT_EQ(evaluate(l, V{*parse_community("no-export")}), kPermit);
  EXPECT_EQ(evaluate(l, V{*parse_community("no-advertise")}), kDeny);
  CommunityList all{"ALL", {{5, kDeny, {comm(65000, 9)}}, {10, kPermit, {well_known::kInternet}}}};
  EXPECT_EQ(evaluate(all, V{}), kPermit);
  EXPECT_EQ(evaluate(all, V{comm(1, 1)}), kPermit);
  EXPECT_EQ(evaluate(all, V{comm(65000, 9)}), kDeny);
}

TEST(CommunityList, Large) {
  using V = std::vector<wire::LargeCommunity>;
  LargeCommunityList l{"LCL", {{5, kPermit, {{65000, 1, 2}, {65000, 3, 4}}}, {10, kDeny, {{65000, 1, 2}}}}};
  EXPECT_EQ(evaluate(l, V{{65000, 3, 4}, {65000, 1, 2}}), kPermit);
  EXPECT_EQ(evaluate(l, V{{65000, 1, 2}}), kDeny);
  EXPECT_EQ(evaluate(l, V{{65000, 2, 1}}), kDeny);
}

TEST(CommunityList, ValidationAndConfigLines) {
  EXPECT_FALSE(validate(CommunityList{"CL", {{5, kPermit, {}}}}).ok());
  Status dup = validate(CommunityList{"CL", {{5, kPermit, {1}}, {5, kDeny, {2}}}});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().message, "bgp community-list standard CL seq 5: the seq is used by another entry");
  EXPECT_FALSE(validate(LargeCommunityList{"L L", {}}).ok());
  EXPECT_TRUE(validate(LargeCommunityList{"LCL", {{5, kPermit, {{1, 2, 3}}}}}).ok());

  CommunityList l{"CL", {{10, kDeny, {comm(65000, 2)}}, {5, kPermit, {comm(65000, 1), well_known::kNoExport}}}};
  EXPECT_EQ(config_lines(l), (std::vector<std::string>{
                                 "bgp community-list standard CL seq 5 permit 65000:1 no-export",
                                 "bgp community-list standard CL seq 10 deny 65000:2",
                             }));
  LargeCommunityList lc{"LCL", {{5, kPermit, {{65000, 1, 2}}}}};
  EXPECT_EQ(config_lines(lc),
            std::vector<std::string>{"bgp large-community-list standard LCL seq 5 permit 65000:1:2"});
}

}  // namespace
}  // namespace vgw::bgp::policy
