// Route-maps compiled into Policy callbacks (vgw/bgp/policy.h): match combinations, every set
// action checked on the resulting PolicyRoute, deny / implicit deny, FRR's behaviour for
// missing lists and route-maps, compile errors, repeatability and threads, FRR-syntax lines.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "vgw/bgp/policy.h"

namespace vgw::bgp::policy {
namespace {

constexpr Action kPermit = Action::kPermit;
constexpr Action kDeny = Action::kDeny;
constexpr uint32_t comm(uint32_t asn, uint32_t value) { return asn << 16 | value; }

Prefix pfx(const char* s) { return *Prefix::parse(s); }
IpAddress ip(const char* s) { return *IpAddress::parse(s); }

PrefixListEntry ple(uint32_t seq, Action a, const char* prefix, std::optional<int> le = {}) {
  PrefixListEntry e;
  e.seq = seq;
  e.action = a;
  e.prefix = pfx(prefix);
  if (le) e.le = static_cast<uint8_t>(*le);
  return e;
}

PolicyRoute route(std::vector<uint32_t> path, std::vector<uint32_t> communities = {},
                  const char* next_hop = "192.0.2.1") {
  PolicyRoute r;
  r.attributes.set_origin(wire::Origin::kIgp);
  r.attributes.set_as_path(wire::AsPath::sequence(path));
  r.attributes.set_next_hop(ip(next_hop).v4_host_order());
  if (!communities.empty()) {
    r.attributes.communities = std::move(communities);
    r.attributes.set(wire::attr::kCommunities);
  }
  r.weight = 0;
  return r;
}

std::string path_text(const PolicyRoute& r) {
  std::string s;
  format_as_path(r.attributes.as_path, s);
  return s;
}

// A PolicySet with a few lists most tests use.
PolicySet base_set() {
  PolicySet s;
  s.prefix_lists["CUST"] = {"CUST", {ple(5, kPermit, "10.0.0.0/8", 24), ple(10, kPermit, "2001:db8::/32", 48)}};
  s.prefix_lists["NH"] = {"NH", {ple(5, kPermit, "192.0.2.0/24", 32), ple(10, kPermit, "2001:db8:ff::/48", 128)}};
  s.as_path_lists["FROM-65001"] = {"FROM-65001", {{5, kPermit, "^65001_"}}};
  s.community_lists["TAGGED"] = {"TAGGED", {{5, kPermit, {comm(65000, 100)}}}};
  s.large_community_lists["LTAG"] = {"LTAG", {{5, kPermit, {{65000, 1, 1}}}}};
  return s;
}

class RouteMapTest : public ::testing::Test {
 protected:
  // Compiles route-map "RM" with these entries over base_set() plus whatever the test added.
  std::shared_ptr<const CompiledRouteMap> build(std::vector<RouteMapEntry> entries,
                                                Direction dir = Direction::kImport) {
    set.route_maps["RM"] = {"RM", std::move(entries)};
    auto c = compile(set, "RM", dir);
    EXPECT_TRUE(c.ok()) << c.error().message;
    return c.ok() ? *c : nullptr;
  }

  CompiledRouteMap::Outcome run(const CompiledRouteMap& m, const char* prefix, PolicyRoute& r) {
    const Prefix p = pfx(prefix);
    PolicyContext ctx{p, peer, 65001, true, local};
    return m.evaluate(ctx, r);
  }

  PolicySet set = base_set();
  IpAddress peer = ip("198.51.100.1");
  std::optional<IpAddress> local;
};

RouteMapEntry permit(uint32_t seq) { return {seq, kPermit, {}, {}}; }
RouteMapEntry deny(uint32_t seq) { return {seq, kDeny, {}, {}}; }

TEST_F(RouteMapTest, AllMatchClausesOfAnEntryMustMatch) {
  RouteMapEntry e = permit(10);
  e.match.ip_address_prefix_list = "CUST";
  e.match.community = "TAGGED";
  e.set.local_preference = 200;
  auto m = build({e});
  PolicyRoute both = route({65001}, {comm(65000, 100)});
  EXPECT_EQ(run(*m, "10.1.0.0/16", both).result, PolicyResult::kAccept);
  EXPECT_EQ(both.attributes.local_pref, 200u);
  PolicyRoute no_community = route({65001});
  EXPECT_EQ(run(*m, "10.1.0.0/16", no_community).result, PolicyResult::kReject);
  PolicyRoute outside = route({65001}, {comm(65000, 100)});
  EXPECT_EQ(run(*m, "10.1.0.0/25", outside).result, PolicyResult::kReject);  // beyond le 24
  EXPECT_EQ(run(*m, "11.0.0.0/8", outside).result, PolicyResult::kReject);
}

TEST_F(RouteMapTest, AddressClausesSeeOnlyTheirFamily) {
  RouteMapEntry v4 = permit(10);
  v4.match.ip_address_prefix_list = "CUST";
  auto m4 = build({v4});
  PolicyRoute r = route({65001});
  EXPECT_EQ(run(*m4, "10.0.0.0/8", r).result, PolicyResult::kAccept);
  EXPECT_EQ(run(*m4, "2001:db8::/32", r).result, PolicyResult::kReject);  // CUST has it, but `ip`
  RouteMapEntry v6 = permit(10);
  v6.match.ipv6_address_prefix_list = "CUST";
  auto m6 = build({v6});
  EXPECT_EQ(run(*m6, "2001:db8::/32", r).result, PolicyResult::kAccept);
  EXPECT_EQ(run(*m6, "10.0.0.0/8", r).result, PolicyResult::kReject);
}

TEST_F(RouteMapTest, NextHopClauses) {
  RouteMapEntry e = permit(10);
  e.match.ip_next_hop_prefix_list = "NH";
  auto m = build({e});
  PolicyRoute in = route({65001}, {}, "192.0.2.77");
  EXPECT_EQ(run(*m, "10.0.0.0/8", in).result, PolicyResult::kAccept);
  PolicyRoute out = route({65001}, {}, "203.0.113.1");
  EXPECT_EQ(run(*m, "10.0.0.0/8", out).result, PolicyResult::kReject);
  PolicyRoute absent = route({65001}, {}, "192.0.2.77");
  absent.attributes.unset(wire::attr::kNextHop);
  EXPECT_EQ(run(*m, "10.0.0.0/8", absent).result, PolicyResult::kReject);

  RouteMapEntry e6 = permit(10);
  e6.match.ipv6_next_hop_prefix_list = "NH";
  auto m6 = build({e6});
  PolicyRoute r6 = route({65001});
  EXPECT_EQ(run(*m6, "2001:db8:1::/48", r6).result, PolicyResult::kReject);  // next-hop unknown
  r6.next_hop_v6 = ip("2001:db8:ff::1");
  EXPECT_EQ(run(*m6, "2001:db8:1::/48", r6).result, PolicyResult::kAccept);
  r6.next_hop_v6 = ip("2001:db8:fe::1");
  EXPECT_EQ(run(*m6, "2001:db8:1::/48", r6).result, PolicyResult::kReject);
}

TEST_F(RouteMapTest, AsPathAndLargeCommunityClauses) {
  RouteMapEntry e = permit(10);
  e.match.as_path = "FROM-65001";
  e.match.large_community = "LTAG";
  auto m = build({e});
  PolicyRoute r = route({65001, 65010});
  r.attributes.large_communities = {{65000, 1, 1}};
  r.attributes.set(wire::attr::kLargeCommunities);
  EXPECT_EQ(run(*m, "10.0.0.0/8", r).result, PolicyResult::kAccept);
  PolicyRoute other_as = r;
  other_as.attributes.set_as_path(wire::AsPath::sequence(std::vector<uint32_t>{65010, 65001}));
  EXPECT_EQ(run(*m, "10.0.0.0/8", other_as).result, PolicyResult::kReject);
  PolicyRoute no_large = route({65001});
  EXPECT_EQ(run(*m, "10.0.0.0/8", no_large).result, PolicyResult::kReject);
}

TEST_F(RouteMapTest, FirstMatchingEntryInSeqOrderDecides) {
  RouteMapEntry a = permit(30);
  a.set.local_preference = 30;
  RouteMapEntry b = deny(20);
  b.match.community = "TAGGED";
  RouteMapEntry c = permit(10);
  c.match.ip_address_prefix_list = "CUST";
  c.set.local_preference = 10;
  auto m = build({a, b, c});
  PolicyRoute r1 = route({65001}, {comm(65000, 100)});
  auto o1 = run(*m, "10.0.0.0/8", r1);
  EXPECT_EQ(o1.result, PolicyResult::kAccept);
  EXPECT_EQ(o1.seq, 10u);
  EXPECT_EQ(r1.attributes.local_pref, 10u);
  PolicyRoute r2 = route({65001}, {comm(65000, 100)});
  auto o2 = run(*m, "192.0.2.0/24", r2);
  EXPECT_EQ(o2.result, PolicyResult::kReject);
  EXPECT_EQ(o2.seq, 20u);
  PolicyRoute r3 = route({65001});
  auto o3 = run(*m, "192.0.2.0/24", r3);
  EXPECT_EQ(o3.result, PolicyResult::kAccept);
  EXPECT_EQ(o3.seq, 30u);
  EXPECT_EQ(r3.attributes.local_pref, 30u);
}

TEST_F(RouteMapTest, DenyEntryRejectsWithoutApplyingSets) {
  RouteMapEntry d = deny(10);
  d.set.local_preference = 999;
  d.set.community = CommunitySet{{comm(1, 1)}, false};
  auto m = build({d});
  PolicyRoute r = route({65001}, {comm(65000, 100)});
  const PolicyRoute before = r;
  auto o = run(*m, "10.0.0.0/8", r);
  EXPECT_EQ(o.result, PolicyResult::kReject);
  EXPECT_EQ(o.seq, 10u);
  EXPECT_EQ(r.attributes, before.attributes);
}

TEST_F(RouteMapTest, ImplicitDeny) {
  RouteMapEntry e = permit(10);
  e.match.ip_address_prefix_list = "CUST";
  auto m = build({e});
  PolicyRoute r = route({65001});
  auto o = run(*m, "192.0.2.0/24", r);
  EXPECT_EQ(o.result, PolicyResult::kReject);
  EXPECT_FALSE(o.seq.has_value());
  auto empty = build({});
  EXPECT_EQ(run(*empty, "10.0.0.0/8", r).result, PolicyResult::kReject);
}

TEST_F(RouteMapTest, MissingListsDoNotMatchAndEvaluationMovesOn) {
  RouteMapEntry d = deny(5);
  d.match.ip_address_prefix_list = "NO-SUCH-LIST";
  RouteMapEntry p = permit(10);
  p.match.as_path = "NO-SUCH-AS-PATH";
  RouteMapEntry q = permit(15);
  q.match.community = "NO-SUCH-COMMUNITY";
  RouteMapEntry fallback = permit(20);
  fallback.set.local_preference = 50;
  fallback.set.comm_list_delete = "NO-SUCH-DELETE";
  auto m = build({d, p, q, fallback});
  PolicyRoute r = route({65001}, {comm(65000, 100)});
  auto o = run(*m, "10.0.0.0/8", r);
  EXPECT_EQ(o.result, PolicyResult::kAccept);
  EXPECT_EQ(o.seq, 20u);
  EXPECT_EQ(r.attributes.local_pref, 50u);
  EXPECT_EQ(r.attributes.communities, std::vector<uint32_t>{comm(65000, 100)});  // nothing deleted

  auto undefined = undefined_references(set, "RM");
  ASSERT_EQ(undefined.size(), 4u);
  EXPECT_EQ(undefined[0].kind, Reference::Kind::kPrefixList);
  EXPECT_EQ(undefined[0].name, "NO-SUCH-LIST");
  EXPECT_EQ(undefined[0].where, "route-map RM deny 5: match ip address prefix-list");
  EXPECT_EQ(undefined[1].kind, Reference::Kind::kAsPathList);
  EXPECT_EQ(undefined[2].kind, Reference::Kind::kCommunityList);
  EXPECT_EQ(undefined[3].where, "route-map RM permit 20: set comm-list");
  EXPECT_EQ(undefined_references(set).size(), 4u);
}

TEST_F(RouteMapTest, MissingRouteMapRejectsEverything) {
  auto c = compile(set, "NOT-THERE", Direction::kImport);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE((*c)->defined());
  PolicyRoute r = route({65001});
  EXPECT_EQ(run(**c, "10.0.0.0/8", r).result, PolicyResult::kReject);
  auto undefined = undefined_references(set, "NOT-THERE");
  ASSERT_EQ(undefined.size(), 1u);
  EXPECT_EQ(undefined[0].kind, Reference::Kind::kRouteMap);
  auto policy = compile_route_map(set, "NOT-THERE", Direction::kExport);
  ASSERT_TRUE(policy.ok());
  const Prefix p = pfx("10.0.0.0/8");
  EXPECT_EQ((*policy)(PolicyContext{p, peer, 65001, true}, r), PolicyResult::kReject);
}

TEST_F(RouteMapTest, SetLocalPrefMetricWeight) {
  RouteMapEntry e = permit(10);
  e.set.local_preference = 250;
  e.set.metric = 77;
  e.set.weight = 32768;
  auto m = build({e});
  PolicyRoute r = route({65001});
  ASSERT_EQ(run(*m, "10.0.0.0/8", r).result, PolicyResult::kAccept);
  EXPECT_TRUE(r.attributes.has(wire::attr::kLocalPref));
  EXPECT_EQ(r.attributes.local_pref, 250u);
  EXPECT_TRUE(r.attributes.has(wire::attr::kMultiExitDisc));
  EXPECT_EQ(r.attributes.med, 77u);
  EXPECT_EQ(r.weight, 32768u);
}

TEST_F(RouteMapTest, PrependKeepsTheWrittenOrder) {
  RouteMapEntry e = permit(10);
  e.set.as_path_prepend = AsPathPrepend{{65100, 65200}, 0};
  auto m = build({e});
  PolicyRoute r = route({65001, 65002});
  ASSERT_EQ(run(*m, "10.0.0.0/8", r).result, PolicyResult::kAccept);
  EXPECT_EQ(path_text(r), "65100 65200 65001 65002");
  PolicyRoute empty = route({});
  ASSERT_EQ(run(*m, "10.0.0.0/8", empty).result, PolicyResult::kAccept);
  EXPECT_EQ(path_text(empty), "65100 65200");
  EXPECT_TRUE(empty.attributes.has(wire::attr::kAsPath));
}

TEST_F(RouteMapTest, PrependLastAs) {
  RouteMapEntry e = permit(10);
  e.set.as_path_prepend = AsPathPrepend{{}, 2};
  auto m = build({e});
  PolicyRoute r = route({65010, 65020});
  ASSERT_EQ(run(*m, "10.0.0.0/8", r).result, PolicyResult::kAccept);
  EXPECT_EQ(path_text(r), "65010 65010 65010 65020");
  PolicyRoute empty = route({});
  ASSERT_EQ(run(*m, "10.0.0.0/8", empty).result, PolicyResult::kAccept);
  EXPECT_EQ(path_text(empty), "");
}

TEST_F(RouteMapTest, CommunityReplaceAdditiveAndNone) {
  RouteMapEntry replace = permit(10);
  replace.set.community = CommunitySet{{comm(65000, 1), well_known::kNoExport}, false};
  auto m = build({replace});
  PolicyRoute r = route({65001}, {comm(65000, 100), comm(65000, 101)});
  ASSERT_EQ(run(*m, "10.0.0.0/8", r).result, PolicyResult::kAccept);
  EXPECT_EQ(r.attributes.communities, (std::vector<uint32_t>{comm(65000, 1), well_known::kNoExport}));
  EXPECT_TRUE(r.attributes.has(wire::attr::kCommunities));

  RouteMapEntry add = permit(10);
  add.set.community = CommunitySet{{comm(65000, 1), comm(65000, 100), comm(65000, 1)}, true};
  m = build({add});
  PolicyRoute a = route({65001}, {comm(65000, 100), comm(65000, 101)});
  ASSERT_EQ(run(*m, "10.0.0.0/8", a).result, PolicyResult::kAccept);
  EXPECT_EQ(a.attributes.communities,
            (std::vector<uint32_t>{comm(65000, 100), comm(65000, 101), comm(65000, 1)}));
  PolicyRoute bare = route({65001});
  ASSERT_EQ(run(*m, "10.0.0.0/8", bare).result, PolicyResult::kAccept);
  EXPECT_EQ(bare.attributes.communities, (std::vector<uint32_t>{comm(65000, 1), comm(65000, 100)}));
  EXPECT_TRUE(bare.attributes.has(wire::attr::kCommunities));

  RouteMapEntry none = permit(10);
  none.set.community = CommunitySet{};
  m = build({none});
  PolicyRoute n = route({65001}, {comm(65000, 100)});
  ASSERT_EQ(run(*m, "10.0.0.0/8", n).result, PolicyResult::kAccept);
  EXPECT_TRUE(n.attributes.communities.empty());
  EXPECT_FALSE(n.attributes.has(wire::attr::kCommunities));
}

TEST_F(RouteMapTest, CommListDeleteRemovesWhatPermitEntriesName) {
  set.community_lists["STRIP"] = {"STRIP",
                                  {{5, kDeny, {comm(65000, 2)}},
                                   {10, kPermit, {comm(65000, 1), comm(65000, 2), comm(65000, 3)}}}};
  RouteMapEntry e = permit(10);
  e.set.comm_list_delete = "STRIP";
  auto m = build({e});
  PolicyRoute r = route({65001}, {comm(65000, 1), comm(65000, 2), comm(65000, 3), comm(65000, 4)});
  ASSERT_EQ(run(*m, "10.0.0.0/8", r).result, PolicyResult::kAccept);
  // 65000:2 is named first by a deny entry, so it stays.
  EXPECT_EQ(r.attributes.communities, (std::vector<uint32_t>{comm(65000, 2), comm(65000, 4)}));

  PolicyRoute only = route({65001}, {comm(65000, 1)});
  ASSERT_EQ(run(*m, "10.0.0.0/8", only).result, PolicyResult::kAccept);
  EXPECT_TRUE(only.attributes.communities.empty());
  EXPECT_FALSE(only.attributes.has(wire::attr::kCommunities));

  // Delete runs before `set community ... additive`: an added value survives.
  e.set.community = CommunitySet{{comm(65000, 3)}, true};
  m = build({e});
  PolicyRoute both = route({65001}, {comm(65000, 1), comm(65000, 3)});
  ASSERT_EQ(run(*m, "10.0.0.0/8", both).result, PolicyResult::kAccept);
  EXPECT_EQ(both.attributes.communities, std::vector<uint32_t>{comm(65000, 3)});
}

TEST_F(RouteMapTest, LargeCommunitySets) {
  using V = std::vector<wire::LargeCommunity>;
  RouteMapEntry add = permit(10);
  add.set.large_community = LargeCommunitySet{{{65000, 9, 9}, {65000, 1, 1}}, true};
  auto m = build({add});
  PolicyRoute r = route({65001});
  r.attributes.large_communities = {{65000, 1, 1}};
  r.attributes.set(wire::attr::kLargeCommunities);
  ASSERT_EQ(run(*m, "10.0.0.0/8", r).result, PolicyResult::kAccept);
  EXPECT_EQ(r.attributes.large_communities, (V{{65000, 1, 1}, {65000, 9, 9}}));

  RouteMapEntry replace = permit(10);
  replace.set.large_community = LargeCommunitySet{{{1, 2, 3}}, false};
  m = build({replace});
  ASSERT_EQ(run(*m, "10.0.0.0/8", r).result, PolicyResult::kAccept);
  EXPECT_EQ(r.attributes.large_communities, (V{{1, 2, 3}}));
  EXPECT_TRUE(r.attributes.has(wire::attr::kLargeCommunities));

  RouteMapEntry none = permit(10);
  none.set.large_community = LargeCommunitySet{};
  m = build({none});
  ASSERT_EQ(run(*m, "10.0.0.0/8", r).result, PolicyResult::kAccept);
  EXPECT_TRUE(r.attributes.large_communities.empty());
  EXPECT_FALSE(r.attributes.has(wire::attr::kLargeCommunities));
}

TEST_F(RouteMapTest, IpNextHopAddress) {
  RouteMapEntry e = permit(10);
  e.set.ip_next_hop = IpNextHop{false, ip("203.0.113.5")};
  auto m = build({e});
  PolicyRoute r = route({65001});
  ASSERT_EQ(run(*m, "10.0.0.0/8", r).result, PolicyResult::kAccept);
  EXPECT_EQ(r.attributes.next_hop, ip("203.0.113.5").v4_host_order());
  EXPECT_TRUE(r.attributes.has(wire::attr::kNextHop));
  PolicyRoute v6 = route({65001});
  v6.attributes.unset(wire::attr::kNextHop);
  v6.attributes.next_hop = 0;
  ASSERT_EQ(run(*m, "2001:db8::/32", v6).result, PolicyResult::kAccept);
  EXPECT_FALSE(v6.attributes.has(wire::attr::kNextHop));  // IPv4 routes only
}

TEST_F(RouteMapTest, IpNextHopPeerAddressDependsOnDirection) {
  RouteMapEntry e = permit(10);
  e.set.ip_next_hop = IpNextHop{true, {}};
  auto in = build({e}, Direction::kImport);
  PolicyRoute r = route({65001});
  ASSERT_EQ(run(*in, "10.0.0.0/8", r).result, PolicyResult::kAccept);
  EXPECT_EQ(r.attributes.next_hop, peer.v4_host_order());

  auto out = build({e}, Direction::kExport);
  PolicyRoute unknown = route({65001});
  ASSERT_EQ(run(*out, "10.0.0.0/8", unknown).result, PolicyResult::kAccept);
  EXPECT_EQ(unknown.attributes.next_hop, ip("192.0.2.1").v4_host_order());  // no local address
  local = ip("198.51.100.2");
  PolicyRoute known = route({65001});
  ASSERT_EQ(run(*out, "10.0.0.0/8", known).result, PolicyResult::kAccept);
  EXPECT_EQ(known.attributes.next_hop, ip("198.51.100.2").v4_host_order());

  peer = ip("2001:db8::1");  // an IPv6 session: no IPv4 address to use
  PolicyRoute v6peer = route({65001});
  ASSERT_EQ(run(*in, "10.0.0.0/8", v6peer).result, PolicyResult::kAccept);
  EXPECT_EQ(v6peer.attributes.next_hop, ip("192.0.2.1").v4_host_order());
}

TEST_F(RouteMapTest, Ipv6NextHopGlobal) {
  RouteMapEntry e = permit(10);
  e.set.ipv6_next_hop_global = ip("2001:db8:ff::9");
  auto m = build({e});
  PolicyRoute r = route({65001});
  r.next_hop_v6 = ip("2001:db8:1::1");
  ASSERT_EQ(run(*m, "2001:db8::/32", r).result, PolicyResult::kAccept);
  EXPECT_EQ(r.next_hop_v6, ip("2001:db8:ff::9"));
  PolicyRoute v4 = route({65001});
  ASSERT_EQ(run(*m, "10.0.0.0/8", v4).result, PolicyResult::kAccept);
  EXPECT_FALSE(v4.next_hop_v6.has_value());
}

TEST_F(RouteMapTest, CompileErrorsNameTheCulprit) {
  set.as_path_lists["BAD"] = {"BAD", {{5, kPermit, "(65001"}}};
  RouteMapEntry e = permit(10);
  e.match.as_path = "BAD";
  set.route_maps["RM"] = {"RM", {e}};
  auto c = compile(set, "RM", Direction::kImport);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("bgp as-path access-list BAD seq 5"), std::string::npos);

  set.prefix_lists["WIDE"] = {"WIDE", {ple(5, kPermit, "10.0.0.0/16", 8)}};
  e.match = {};
  e.match.ip_address_prefix_list = "WIDE";
  set.route_maps["RM"] = {"RM", {e}};
  c = compile(set, "RM", Direction::kImport);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("ip prefix-list WIDE seq 5"), std::string::npos);

  // Lists nobody uses do not stop a compile; validate(PolicySet) reports them.
  set.route_maps["RM"] = {"RM", {permit(10)}};
  EXPECT_TRUE(compile(set, "RM", Direction::kImport).ok());
  EXPECT_FALSE(validate(set).ok());

  PolicySet misfiled = base_set();
  misfiled.prefix_lists["A"] = {"B", {}};
  EXPECT_FALSE(validate(misfiled).ok());
  EXPECT_TRUE(validate(base_set()).ok());
}

TEST(RouteMap, Validation) {
  auto error_of = [](RouteMapEntry e) {
    Status s = validate(RouteMap{"RM", {std::move(e)}});
    return s.ok() ? std::string("ok") : s.error().message;
  };
  RouteMapEntry e = permit(10);
  EXPECT_EQ(error_of(e), "ok");
  e.set.as_path_prepend = AsPathPrepend{{65001}, 2};
  EXPECT_EQ(error_of(e), "route-map RM permit 10: set as-path prepend needs either ASNs or last-as, not both");
  e.set.as_path_prepend = AsPathPrepend{{}, 11};
  EXPECT_EQ(error_of(e), "route-map RM permit 10: set as-path prepend last-as must be 1-10");
  e.set.as_path_prepend = AsPathPrepend{{65001, 0}, 0};
  EXPECT_NE(error_of(e), "ok");
  e.set = {};
  e.set.ip_next_hop = IpNextHop{false, ip("2001:db8::1")};
  EXPECT_NE(error_of(e), "ok");
  e.set.ip_next_hop = IpNextHop{false, ip("0.0.0.0")};
  EXPECT_NE(error_of(e), "ok");
  e.set = {};
  e.set.ipv6_next_hop_global = ip("fe80::1");
  EXPECT_NE(error_of(e), "ok");
  e.set = {};
  e.set.community = CommunitySet{{}, true};
  EXPECT_NE(error_of(e), "ok");
  e.set = {};
  e.match.as_path = "two words";
  EXPECT_NE(error_of(e), "ok");
  Status dup = validate(RouteMap{"RM", {permit(10), deny(10)}});
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("seq"), std::string::npos);
}

TEST_F(RouteMapTest, CompiledPolicyIsRepeatableAndSelfContained) {
  RouteMapEntry e = permit(10);
  e.match.ip_address_prefix_list = "CUST";
  e.match.as_path = "FROM-65001";
  e.set.local_preference = 200;
  e.set.community = CommunitySet{{comm(65000, 7)}, true};
  e.set.as_path_prepend = AsPathPrepend{{65100}, 0};
  set.route_maps["RM"] = {"RM", {e}};
  auto policy = compile_route_map(set, "RM", Direction::kImport);
  ASSERT_TRUE(policy.ok());
  set = PolicySet{};  // the compiled form keeps what it needs
  Policy copy = *policy;
  const Prefix hit = pfx("10.9.0.0/16"), miss = pfx("172.16.0.0/12");
  const PolicyRoute original = route({65001, 65005}, {comm(65000, 100)});
  PolicyRoute first = original;
  ASSERT_EQ((*policy)(PolicyContext{hit, peer, 65001, true}, first), PolicyResult::kAccept);
  EXPECT_EQ(path_text(first), "65100 65001 65005");
  for (int i = 0; i < 1000; ++i) {
    PolicyRoute r = original;
    const Policy& p = i % 2 ? copy : *policy;
    ASSERT_EQ(p(PolicyContext{hit, peer, 65001, true}, r), PolicyResult::kAccept);
    ASSERT_EQ(r.attributes, first.attributes);
    PolicyRoute m = original;
    ASSERT_EQ(p(PolicyContext{miss, peer, 65001, true}, m), PolicyResult::kReject);
  }
}

TEST_F(RouteMapTest, ThreadsEvaluateOneCompiledMapConcurrently) {
  RouteMapEntry e = permit(10);
  e.match.as_path = "FROM-65001";
  e.set.metric = 5;
  auto m = build({e});
  std::atomic<int> wrong{0};
  auto work = [&](uint32_t first_as) {
    for (int i = 0; i < 5000; ++i) {
      PolicyRoute r = route({first_as, 65010 + static_cast<uint32_t>(i % 7)});
      const Prefix p = pfx("10.0.0.0/8");
      const bool accepted = m->evaluate(PolicyContext{p, peer, 65001, true}, r).result == PolicyResult::kAccept;
      if (accepted != (first_as == 65001)) ++wrong;
    }
  };
  std::thread a(work, 65001), b(work, 65002);
  a.join();
  b.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(RouteMap, ConfigLines) {
  RouteMapEntry e = permit(10);
  e.match.ip_address_prefix_list = "CUST";
  e.match.ipv6_next_hop_prefix_list = "NH6";
  e.match.as_path = "UP";
  e.match.community = "CL";
  e.match.large_community = "LCL";
  e.set.weight = 100;
  e.set.local_preference = 200;
  e.set.metric = 0;
  e.set.as_path_prepend = AsPathPrepend{{65001, 65001}, 0};
  e.set.comm_list_delete = "STRIP";
  e.set.community = CommunitySet{{comm(65000, 1), well_known::kNoExport}, true};
  e.set.large_community = LargeCommunitySet{{{65000, 1, 2}}, false};
  e.set.ip_next_hop = IpNextHop{true, {}};
  e.set.ipv6_next_hop_global = ip("2001:db8::1");
  RouteMapEntry d = deny(20);
  d.match.ip_next_hop_prefix_list = "NH";
  d.match.ipv6_address_prefix_list = "CUST6";
  RouteMapEntry n = permit(30);
  n.set.community = CommunitySet{};
  n.set.large_community = LargeCommunitySet{};
  n.set.ip_next_hop = IpNextHop{false, ip("192.0.2.1")};
  n.set.as_path_prepend = AsPathPrepend{{}, 3};
  RouteMap map{"OUT", {n, d, e}};
  EXPECT_EQ(config_lines(map), (std::vector<std::string>{
                                   "route-map OUT permit 10",
                                   " match ip address prefix-list CUST",
                                   " match ipv6 next-hop prefix-list NH6",
                                   " match as-path UP",
                                   " match community CL",
                                   " match large-community LCL",
                                   " set weight 100",
                                   " set local-preference 200",
                                   " set metric 0",
                                   " set as-path prepend 65001 65001",
                                   " set comm-list STRIP delete",
                                   " set community 65000:1 no-export additive",
                                   " set large-community 65000:1:2",
                                   " set ip next-hop peer-address",
                                   " set ipv6 next-hop global 2001:db8::1",
                                   "exit",
                                   "route-map OUT deny 20",
                                   " match ipv6 address prefix-list CUST6",
                                   " match ip next-hop prefix-list NH",
                                   "exit",
                                   "route-map OUT permit 30",
                                   " set as-path prepend last-as 3",
                                   " set community none",
                                   " set large-community none",
                                   " set ip next-hop 192.0.2.1",
                                   "exit",
                               }));
}

TEST(PolicySet, ConfigLinesPutListsBeforeRouteMaps) {
  PolicySet s = base_set();
  s.route_maps["RM"] = {"RM", {permit(10)}};
  EXPECT_EQ(config_lines(s), (std::vector<std::string>{
                                 "ip prefix-list CUST seq 5 permit 10.0.0.0/8 le 24",
                                 "ip prefix-list NH seq 5 permit 192.0.2.0/24 le 32",
                                 "ipv6 prefix-list CUST seq 10 permit 2001:db8::/32 le 48",
                                 "ipv6 prefix-list NH seq 10 permit 2001:db8:ff::/48 le 128",
                                 "bgp as-path access-list FROM-65001 seq 5 permit ^65001_",
                                 "bgp community-list standard TAGGED seq 5 permit 65000:100",
                                 "bgp large-community-list standard LTAG seq 5 permit 65000:1:1",
                                 "route-map RM permit 10",
                                 "exit",
                             }));
}

}  // namespace
}  // namespace vgw::bgp::policy
