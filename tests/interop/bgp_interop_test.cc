// vgw::bgp::Speaker against real FRR 8.4 (zebra + bgpd) and BIRD 2.0 peers in network
// namespaces (see lab.h): sessions over IPv4 and IPv6 transport, routes both ways with
// communities and large communities checked on the peer (vtysh JSON, birdc), withdrawal, route
// refresh both ways, TCP MD5, hold timer expiry against a frozen (SIGSTOP) bgpd and recovery,
// NOTIFICATION for a wrong AS, and one ECMP route from FRR + BIRD announcing the same prefix.
//
// Topology: this process (AS 65000, router-id 10.91.0.1) <-> FRR (AS 65001) on 10.91.1.0/24 +
// fd00:91:1::/64 and <-> BIRD (AS 65002) on 10.91.2.0/24 + fd00:91:2::/64; we are .1 / ::1.
#include <signal.h>

#include <gtest/gtest.h>

#include "lab.h"
#include "vgw/bgp/speaker.h"
#include "vgw/io_thread.h"
#include "vgw/rib/rib.h"

namespace vgw::interop {
namespace {

using namespace std::chrono_literals;
using bgp::PeerConfig;
using bgp::session::State;

IpAddress ip(const char* s) { return *IpAddress::parse(s); }
Prefix pfx(const char* s) { return *Prefix::parse(s); }

bgp::Policy accept_all() {
  return [](const bgp::PolicyContext&, bgp::PolicyRoute&) { return bgp::PolicyResult::kAccept; };
}

struct FrrOptions {
  std::string remote_as = "65000";
  std::string password;
  std::string extra;  // more bgpd.conf lines inside "router bgp"
};

std::string frr_conf(const std::string& dir, const FrrOptions& o) {
  std::string n4 = "10.91.1.1", n6 = "fd00:91:1::1";
  std::string pw = o.password.empty() ? "" : " neighbor " + n4 + " password " + o.password + "\n";
  return "frr defaults traditional\nhostname frr\nlog file " + dir + "/frr.log informational\n!\n"
         "route-map TAG permit 10\n set community 65001:100\n set large-community 65001:1:1\n!\n"
         "router bgp 65001\n bgp router-id 10.91.1.2\n no bgp ebgp-requires-policy\n"
         " no bgp network import-check\n"
         " neighbor " + n4 + " remote-as " + o.remote_as + "\n neighbor " + n4 + " timers 3 9\n"
         " neighbor " + n4 + " timers connect 2\n" + pw +
         " neighbor " + n6 + " remote-as " + o.remote_as + "\n neighbor " + n6 + " timers 3 9\n"
         " neighbor " + n6 + " timers connect 2\n" + o.extra +
         " address-family ipv4 unicast\n  network 198.51.100.0/24 route-map TAG\n"
         "  network 192.0.2.0/24\n  no neighbor " + n6 + " activate\n exit-address-family\n"
         " address-family ipv6 unicast\n  network 2001:db8:f::/48 route-map TAG\n"
         "  neighbor " + n6 + " activate\n exit-address-family\n!\n";
}

struct BirdOptions {
  std::string our_as = "65000";
  std::string password;
};

std::string bird_conf(const std::string& dir, const BirdOptions& o) {
  std::string pw = o.password.empty() ? "" : "  password \"" + o.password + "\";\n";
  return "log \"" + dir + "/bird.log\" all;\nrouter id 10.91.2.2;\nprotocol device { }\n"
         "protocol static st4 {\n  ipv4;\n"
         "  route 100.64.1.0/24 blackhole { bgp_origin = ORIGIN_IGP; "
         "bgp_community.add((65002,200)); bgp_large_community.add((65002,2,2)); };\n"
         "  route 192.0.2.0/24 blackhole { bgp_origin = ORIGIN_IGP; };\n}\n"
         "protocol static st6 {\n  ipv6;\n"
         "  route 2001:db8:b::/48 blackhole { bgp_large_community.add((65002,6,6)); };\n}\n"
         "protocol bgp vgw4 {\n  local 10.91.2.2 as 65002;\n  neighbor 10.91.2.1 as " + o.our_as +
         ";\n  hold time 9;\n  connect retry time 2;\n  error wait time 1, 5;\n" + pw +
         "  ipv4 { import all; export all; };\n}\n"
         "protocol bgp vgw6 {\n  local fd00:91:2::2 as 65002;\n  neighbor fd00:91:2::1 as " +
         o.our_as + ";\n  hold time 9;\n  connect retry time 2;\n  error wait time 1, 5;\n"
         "  ipv6 { import all; export all; };\n}\n";
}

class InteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    frr_if_ = lab_.link("frr", "10.91.1", "fd00:91:1");
    bird_if_ = lab_.link("bird", "10.91.2", "fd00:91:2");
  }
  void TearDown() override {
    if (speaker_) {
      io_.call([&] {
        speaker_.reset();
        rib_.reset();
      });
    }
  }

  PeerConfig peer(const char* address, uint32_t as, bool v4) {
    PeerConfig p;
    p.address = ip(address);
    p.remote_as = as;
    p.ipv4_unicast = v4;
    p.ipv6_unicast = !v4;
    p.hold_time = 9;
    p.keepalive_time = 3;
    p.connect_retry_time = 2;
    p.idle_hold_time = 1;
    p.import_policy = accept_all();  // RFC 8212 stays on: explicit policies
    p.export_policy = accept_all();
    return p;
  }
  // Starts our speaker with the four peers (FRR and BIRD, IPv4 and IPv6 sessions).
  void start_speaker(bgp::Config c = {}, std::vector<PeerConfig> peers = {}) {
    c.local_as = 65000;
    c.router_id = ip("10.91.0.1").v4_host_order();
    if (peers.empty()) {
      peers = {peer("10.91.1.2", 65001, true), peer("fd00:91:1::2", 65001, false),
               peer("10.91.2.2", 65002, true), peer("fd00:91:2::2", 65002, false)};
    }
    ASSERT_TRUE(io_.call([&] {
      rib_ = std::make_unique<rib::Rib>();
      connected("10.91.1.0/24", frr_if_);
      connected("fd00:91:1::/64", frr_if_);
      connected("10.91.2.0/24", bird_if_);
      connected("fd00:91:2::/64", bird_if_);
      speaker_ = std::make_unique<bgp::Speaker>(io_.io(), *rib_, c);
      Status s = speaker_->start();
      for (auto& p : peers) {
        if (s) s = speaker_->add_peer(p);
      }
      return s;
    }).ok());
  }
  void connected(const char* prefix, const std::string& ifname) {
    auto g = *rib_->groups().intern({rib::Nexthop{std::nullopt, ifname, 0, 1}});
    rib::RouteSpec spec;
    spec.source = rib::RouteSource::kConnected;
    spec.group = g;
    EXPECT_TRUE(rib_->add(pfx(prefix), spec).ok());
    rib_->groups().release(g);
  }
  bgp::PeerStatus status(const char* address) {
    return io_.call([&] { return *speaker_->peer(ip(address)); });
  }
  bool established(const char* address, std::chrono::milliseconds timeout = 30s) {
    return io_.wait_until([&] { return speaker_->peer(ip(address))->state == State::kEstablished; },
                          timeout);
  }
  bool has_route(const char* prefix) {
    return io_.call([&] { return rib_->selected(pfx(prefix)).active(); });
  }
  bool wait_route(const char* prefix, bool present = true, std::chrono::milliseconds t = 20s) {
    return io_.wait_until([&] { return rib_->selected(pfx(prefix)).active() == present; }, t);
  }
  std::vector<bgp::RouteView> adj_in(const char* peer, Family f) {
    return io_.call([&] { return speaker_->adj_rib_in(ip(peer), f, std::nullopt, 100); });
  }
  const bgp::RouteView* find(const std::vector<bgp::RouteView>& v, const char* prefix) {
    for (const auto& r : v) {
      if (r.prefix == pfx(prefix)) return &r;
    }
    return nullptr;
  }
  void network(const char* prefix, bool add = true) {
    wire_attrs_.communities = {65000u << 16 | 7};
    wire_attrs_.set(bgp::wire::attr::kCommunities);
    wire_attrs_.large_communities = {{65000, 7, 7}};
    wire_attrs_.set(bgp::wire::attr::kLargeCommunities);
    ASSERT_TRUE(io_.call([&] {
      return add ? speaker_->add_network(pfx(prefix), &wire_attrs_) : speaker_->remove_network(pfx(prefix));
    }).ok());
  }
  // FRR's view of a prefix: "<aspath>|<community>|<largeCommunity>", empty if absent.
  std::string frr_route(const std::string& afi, const std::string& prefix) {
    return lab_.frr_json("frr", "show bgp " + afi + " unicast " + prefix + " json",
                         "if .paths then (.paths[0] | \"\\(.aspath.string)|\\(.community.string)|"
                         "\\(.largeCommunity.string)\") else \"\" end");
  }
  std::string bird_route(const std::string& prefix) { return lab_.birdc("bird", "show route all " + prefix); }
  bool bird_established(const std::string& proto) {
    return lab_.birdc("bird", "show protocols " + proto).find("Established") != std::string::npos;
  }

  Lab lab_;
  std::string frr_if_, bird_if_;
  test::IoThread io_;
  std::unique_ptr<rib::Rib> rib_;
  std::unique_ptr<bgp::Speaker> speaker_;
  bgp::wire::PathAttributes wire_attrs_;
};

TEST_F(InteropTest, FrrOverIpv4AndIpv6RoutesBothWaysAndWithdrawal) {
  start_speaker();
  network("203.0.113.0/24");
  network("2001:db8:c::/48");
  lab_.start_frr("frr", frr_conf(lab_.dir("frr"), {}));
  ASSERT_TRUE(established("10.91.1.2"));
  ASSERT_TRUE(established("fd00:91:1::2"));
  // FRR -> us, with its communities.
  ASSERT_TRUE(wait_route("198.51.100.0/24"));
  ASSERT_TRUE(wait_route("2001:db8:f::/48"));
  auto in4 = adj_in("10.91.1.2", Family::kIpv4);
  const bgp::RouteView* r = find(in4, "198.51.100.0/24");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->attributes.as_path.to_string(), "65001");
  EXPECT_EQ(r->attributes.communities, std::vector<uint32_t>{65001u << 16 | 100});
  ASSERT_EQ(r->attributes.large_communities.size(), 1u);
  EXPECT_EQ(r->attributes.large_communities[0], (bgp::wire::LargeCommunity{65001, 1, 1}));
  EXPECT_EQ(r->next_hop, ip("10.91.1.2"));
  auto in6 = adj_in("fd00:91:1::2", Family::kIpv6);
  ASSERT_NE(find(in6, "2001:db8:f::/48"), nullptr);
  // Us -> FRR, checked in FRR's own JSON.
  ASSERT_TRUE(eventually([&] { return !frr_route("ipv4", "203.0.113.0/24").empty(); }, 20s));
  EXPECT_EQ(frr_route("ipv4", "203.0.113.0/24"), "65000|65000:7|65000:7:7");
  ASSERT_TRUE(eventually([&] { return !frr_route("ipv6", "2001:db8:c::/48").empty(); }, 20s));
  EXPECT_EQ(frr_route("ipv6", "2001:db8:c::/48"), "65000|65000:7|65000:7:7");
  EXPECT_EQ(lab_.frr_json("frr", "show bgp ipv4 unicast 203.0.113.0/24 json", ".paths[0].nexthops[0].ip"),
            "10.91.1.1");
  // Withdrawal both ways.
  network("203.0.113.0/24", false);
  EXPECT_TRUE(eventually([&] { return frr_route("ipv4", "203.0.113.0/24").empty(); }, 20s));
  lab_.vtysh("frr", {"conf t", "router bgp 65001", "address-family ipv4 unicast",
                     "no network 198.51.100.0/24 route-map TAG", "end"});
  EXPECT_TRUE(wait_route("198.51.100.0/24", false));
  EXPECT_TRUE(has_route("2001:db8:f::/48"));
}

TEST_F(InteropTest, BirdOverIpv4AndIpv6RoutesBothWaysAndWithdrawal) {
  start_speaker();
  network("203.0.113.0/24");
  network("2001:db8:c::/48");
  lab_.start_bird("bird", bird_conf(lab_.dir("bird"), {}));
  ASSERT_TRUE(established("10.91.2.2"));
  ASSERT_TRUE(established("fd00:91:2::2"));
  ASSERT_TRUE(wait_route("100.64.1.0/24"));
  ASSERT_TRUE(wait_route("2001:db8:b::/48"));
  auto in4 = adj_in("10.91.2.2", Family::kIpv4);
  const bgp::RouteView* r = find(in4, "100.64.1.0/24");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->attributes.as_path.to_string(), "65002");
  EXPECT_EQ(r->attributes.communities, std::vector<uint32_t>{65002u << 16 | 200});
  ASSERT_EQ(r->attributes.large_communities.size(), 1u);
  EXPECT_EQ(r->attributes.large_communities[0], (bgp::wire::LargeCommunity{65002, 2, 2}));
  // Us -> BIRD.
  ASSERT_TRUE(eventually([&] { return bird_route("203.0.113.0/24").find("BGP.as_path") != std::string::npos; }, 20s));
  std::string b = bird_route("203.0.113.0/24");
  EXPECT_NE(b.find("BGP.as_path: 65000"), std::string::npos) << b;
  EXPECT_NE(b.find("(65000,7)"), std::string::npos) << b;
  EXPECT_NE(b.find("(65000, 7, 7)"), std::string::npos) << b;
  EXPECT_NE(b.find("BGP.next_hop: 10.91.2.1"), std::string::npos) << b;
  ASSERT_TRUE(eventually([&] { return bird_route("2001:db8:c::/48").find("BGP.as_path: 65000") != std::string::npos; }, 20s));
  // Withdrawal both ways.
  network("203.0.113.0/24", false);
  EXPECT_TRUE(eventually([&] { return bird_route("203.0.113.0/24").find("BGP.as_path") == std::string::npos; }, 20s));
  lab_.birdc("bird", "disable st4");
  EXPECT_TRUE(wait_route("100.64.1.0/24", false));
  EXPECT_TRUE(has_route("2001:db8:b::/48"));
}

TEST_F(InteropTest, TransitBetweenFrrAndBirdKeepsCommunities) {
  start_speaker();
  lab_.start_frr("frr", frr_conf(lab_.dir("frr"), {}));
  lab_.start_bird("bird", bird_conf(lab_.dir("bird"), {}));
  ASSERT_TRUE(established("10.91.1.2"));
  ASSERT_TRUE(established("10.91.2.2"));
  // FRR's route at BIRD, through us.
  ASSERT_TRUE(eventually([&] { return bird_route("198.51.100.0/24").find("BGP.as_path: 65000 65001") != std::string::npos; }, 30s))
      << bird_route("198.51.100.0/24");
  std::string b = bird_route("198.51.100.0/24");
  EXPECT_NE(b.find("(65001,100)"), std::string::npos) << b;
  EXPECT_NE(b.find("(65001, 1, 1)"), std::string::npos) << b;
  // BIRD's route at FRR, through us.
  ASSERT_TRUE(eventually([&] { return frr_route("ipv4", "100.64.1.0/24") == "65000 65002|65002:200|65002:2:2"; }, 30s))
      << frr_route("ipv4", "100.64.1.0/24");
  // And IPv6: BIRD's 2001:db8:b::/48 at FRR.
  ASSERT_TRUE(eventually([&] { return frr_route("ipv6", "2001:db8:b::/48").rfind("65000 65002|", 0) == 0; }, 30s))
      << frr_route("ipv6", "2001:db8:b::/48");
}

TEST_F(InteropTest, RouteRefreshBothWaysWithFrr) {
  start_speaker();
  network("203.0.113.0/24");
  lab_.start_frr("frr", frr_conf(lab_.dir("frr"), {}));
  ASSERT_TRUE(established("10.91.1.2"));
  ASSERT_TRUE(wait_route("198.51.100.0/24"));
  ASSERT_TRUE(eventually([&] { return !frr_route("ipv4", "203.0.113.0/24").empty(); }, 20s));
  bgp::PeerStatus before = status("10.91.1.2");
  EXPECT_TRUE(before.negotiated->route_refresh);
  EXPECT_TRUE(before.negotiated->enhanced_route_refresh);
  // We ask FRR (soft reset in): FRR counts the ROUTE-REFRESH and sends its routes again.
  ASSERT_TRUE(io_.call([&] { return speaker_->soft_reset_in(ip("10.91.1.2")); }).ok());
  ASSERT_TRUE(eventually([&] {
    return lab_.frr_json("frr", "show bgp neighbors 10.91.1.1 json", ".\"10.91.1.1\".messageStats.routeRefreshRecv") == "1";
  }, 20s)) << lab_.frr_json("frr", "show bgp neighbors 10.91.1.1 json", ".\"10.91.1.1\".messageStats");
  ASSERT_TRUE(io_.wait_until([&] {
    return speaker_->peer(ip("10.91.1.2"))->counters.received.update > before.counters.received.update;
  }, 20s));
  EXPECT_TRUE(has_route("198.51.100.0/24"));
  // FRR asks us (clear ... soft in): we resend, FRR keeps our route.
  std::string updates = lab_.frr_json("frr", "show bgp neighbors 10.91.1.1 json", ".\"10.91.1.1\".messageStats.updatesRecv");
  lab_.vtysh("frr", {"clear bgp ipv4 unicast 10.91.1.1 soft in"});
  ASSERT_TRUE(io_.wait_until([&] { return speaker_->peer(ip("10.91.1.2"))->counters.received.route_refresh >= 1; }, 20s));
  EXPECT_TRUE(eventually([&] {
    return lab_.frr_json("frr", "show bgp neighbors 10.91.1.1 json", ".\"10.91.1.1\".messageStats.updatesRecv") != updates;
  }, 20s));
  EXPECT_EQ(frr_route("ipv4", "203.0.113.0/24"), "65000|65000:7|65000:7:7");
}

TEST_F(InteropTest, Md5PasswordWithFrrAndMismatchWithBird) {
  PeerConfig f = peer("10.91.1.2", 65001, true);
  f.password = "vgw-md5-secret";
  PeerConfig b = peer("10.91.2.2", 65002, true);
  b.password = "vgw-md5-secret";
  start_speaker({}, {f, b});
  FrrOptions fo;
  fo.password = "vgw-md5-secret";
  lab_.start_frr("frr", frr_conf(lab_.dir("frr"), fo));
  BirdOptions bo;
  bo.password = "another-secret";
  lab_.start_bird("bird", bird_conf(lab_.dir("bird"), bo));
  ASSERT_TRUE(established("10.91.1.2"));
  EXPECT_TRUE(wait_route("198.51.100.0/24"));
  // BIRD signs with another key: both sides keep trying, the session never comes up.
  ASSERT_TRUE(io_.wait_until([&] { return speaker_->peer(ip("10.91.2.2"))->counters.connect_attempts >= 4; }, 30s));
  EXPECT_EQ(status("10.91.2.2").established_transitions, 0u);
  EXPECT_FALSE(bird_established("vgw4"));
}

TEST_F(InteropTest, HoldTimerExpiresAgainstFrozenFrrAndRecovers) {
  start_speaker({}, {peer("10.91.1.2", 65001, true)});
  lab_.start_frr("frr", frr_conf(lab_.dir("frr"), {}));
  ASSERT_TRUE(established("10.91.1.2"));
  ASSERT_TRUE(wait_route("198.51.100.0/24"));
  EXPECT_EQ(status("10.91.1.2").negotiated->hold_time, 9);
  pid_t bgpd = lab_.bgpd_pid("frr");
  ASSERT_GT(bgpd, 0);
  ASSERT_EQ(kill(bgpd, SIGSTOP), 0);
  bool expired = io_.wait_until([&] {
    return speaker_->peer(ip("10.91.1.2"))->last_error.code == bgp::wire::err::kHoldTimerExpired;
  }, 30s);
  bgp::PeerStatus s = status("10.91.1.2");
  bool gone = !has_route("198.51.100.0/24");
  kill(bgpd, SIGCONT);
  ASSERT_TRUE(expired);
  EXPECT_EQ(s.last_error.origin, bgp::session::LastError::Origin::kSent);
  EXPECT_EQ(s.last_error.to_string(), "sent Hold Timer Expired (in Established)");
  EXPECT_TRUE(gone);
  // After SIGCONT FRR notices, both reconnect, the route returns.
  EXPECT_TRUE(io_.wait_until([&] { return speaker_->peer(ip("10.91.1.2"))->established_transitions >= 2; }, 60s));
  EXPECT_TRUE(established("10.91.1.2"));
  EXPECT_TRUE(wait_route("198.51.100.0/24"));
}

TEST_F(InteropTest, RouteRefreshBothWaysWithBird) {
  start_speaker();
  network("203.0.113.0/24");
  lab_.start_bird("bird", bird_conf(lab_.dir("bird"), {}));
  ASSERT_TRUE(established("10.91.2.2"));
  ASSERT_TRUE(wait_route("100.64.1.0/24"));
  ASSERT_TRUE(eventually([&] { return bird_route("203.0.113.0/24").find("65000") != std::string::npos; }, 20s));
  bgp::PeerStatus before = status("10.91.2.2");
  EXPECT_TRUE(before.negotiated->route_refresh);
  // We ask BIRD (soft reset in): BIRD sends its routes again.
  ASSERT_TRUE(io_.call([&] { return speaker_->soft_reset_in(ip("10.91.2.2")); }).ok());
  ASSERT_TRUE(io_.wait_until([&] {
    return speaker_->peer(ip("10.91.2.2"))->counters.received.update > before.counters.received.update;
  }, 20s));
  EXPECT_TRUE(has_route("100.64.1.0/24"));
  // BIRD asks us (`reload in`): a ROUTE-REFRESH arrives and we send our routes again.
  bgp::PeerStatus mid = status("10.91.2.2");
  lab_.birdc("bird", "reload in vgw4");
  ASSERT_TRUE(io_.wait_until([&] {
    return speaker_->peer(ip("10.91.2.2"))->counters.received.route_refresh > mid.counters.received.route_refresh;
  }, 20s));
  EXPECT_TRUE(io_.wait_until([&] {
    return speaker_->peer(ip("10.91.2.2"))->counters.sent.update > mid.counters.sent.update;
  }, 20s));
  EXPECT_NE(bird_route("203.0.113.0/24").find("65000"), std::string::npos);
}

TEST_F(InteropTest, Md5PasswordWithBird) {
  PeerConfig b = peer("10.91.2.2", 65002, true);
  b.password = "vgw-md5-secret";
  start_speaker({}, {b});
  BirdOptions bo;
  bo.password = "vgw-md5-secret";
  lab_.start_bird("bird", bird_conf(lab_.dir("bird"), bo));
  ASSERT_TRUE(established("10.91.2.2"));
  EXPECT_TRUE(wait_route("100.64.1.0/24"));
  EXPECT_TRUE(eventually([&] { return bird_established("vgw4"); }, 10s));
}

TEST_F(InteropTest, HoldTimerExpiresAgainstFrozenBirdAndRecovers) {
  start_speaker({}, {peer("10.91.2.2", 65002, true)});
  lab_.start_bird("bird", bird_conf(lab_.dir("bird"), {}));
  ASSERT_TRUE(established("10.91.2.2"));
  ASSERT_TRUE(wait_route("100.64.1.0/24"));
  EXPECT_EQ(status("10.91.2.2").negotiated->hold_time, 9);
  pid_t bird = lab_.daemon_pid("bird", "bird");
  ASSERT_GT(bird, 0);
  ASSERT_EQ(kill(bird, SIGSTOP), 0);
  bool expired = io_.wait_until([&] {
    return speaker_->peer(ip("10.91.2.2"))->last_error.code == bgp::wire::err::kHoldTimerExpired;
  }, 30s);
  bgp::PeerStatus s = status("10.91.2.2");
  bool gone = !has_route("100.64.1.0/24");
  kill(bird, SIGCONT);
  ASSERT_TRUE(expired);
  EXPECT_EQ(s.last_error.to_string(), "sent Hold Timer Expired (in Established)");
  EXPECT_TRUE(gone);
  EXPECT_TRUE(io_.wait_until([&] { return speaker_->peer(ip("10.91.2.2"))->established_transitions >= 2; }, 60s));
  EXPECT_TRUE(wait_route("100.64.1.0/24"));
}

TEST_F(InteropTest, WrongAsIsRefusedWithBadPeerAs) {
  // FRR expects AS 65099 for us: FRR sends OPEN Message Error / Bad Peer AS.
  // We expect AS 65098 for BIRD: we send it.
  start_speaker({}, {peer("10.91.1.2", 65001, true), peer("10.91.2.2", 65098, true)});
  FrrOptions fo;
  fo.remote_as = "65099";
  lab_.start_frr("frr", frr_conf(lab_.dir("frr"), fo));
  lab_.start_bird("bird", bird_conf(lab_.dir("bird"), {}));
  ASSERT_TRUE(io_.wait_until([&] {
    return speaker_->peer(ip("10.91.1.2"))->last_error.origin == bgp::session::LastError::Origin::kReceived;
  }, 30s));
  bgp::PeerStatus f = status("10.91.1.2");
  EXPECT_EQ(f.last_error.code, bgp::wire::err::kOpenMessage);
  EXPECT_EQ(f.last_error.subcode, bgp::wire::err::kBadPeerAs);
  EXPECT_EQ(f.established_transitions, 0u);
  ASSERT_TRUE(io_.wait_until([&] {
    return speaker_->peer(ip("10.91.2.2"))->last_error.subcode == bgp::wire::err::kBadPeerAs;
  }, 30s));
  bgp::PeerStatus b = status("10.91.2.2");
  EXPECT_EQ(b.last_error.origin, bgp::session::LastError::Origin::kSent);
  EXPECT_EQ(b.established_transitions, 0u);
  EXPECT_NE(lab_.birdc("bird", "show protocols all vgw4").find("Bad peer AS"), std::string::npos)
      << lab_.birdc("bird", "show protocols all vgw4");
}

TEST_F(InteropTest, SamePrefixFromFrrAndBirdIsOneEcmpRoute) {
  bgp::Config c;
  c.maximum_paths = 2;
  c.multipath_relax = true;  // FRR and BIRD are different neighbour ASes
  start_speaker(c, {peer("10.91.1.2", 65001, true), peer("10.91.2.2", 65002, true)});
  lab_.start_frr("frr", frr_conf(lab_.dir("frr"), {}));
  lab_.start_bird("bird", bird_conf(lab_.dir("bird"), {}));
  ASSERT_TRUE(established("10.91.1.2"));
  ASSERT_TRUE(established("10.91.2.2"));
  ASSERT_TRUE(io_.wait_until([&] {
    rib::Selected s = rib_->selected(pfx("192.0.2.0/24"));
    return s.active() && rib_->groups().members(s.group).size() == 2;
  }, 30s)) << io_.call([&] { return rib_->explain(pfx("192.0.2.0/24")); });
  std::string group = io_.call([&] {
    return rib_->groups().to_string(rib_->selected(pfx("192.0.2.0/24")).group);
  });
  EXPECT_NE(group.find("10.91.1.2"), std::string::npos) << group;
  EXPECT_NE(group.find("10.91.2.2"), std::string::npos) << group;
  auto paths = io_.call([&] { return speaker_->paths(pfx("192.0.2.0/24")); });
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_TRUE(paths[0].best);
  EXPECT_TRUE(paths[1].multipath);
}

}  // namespace
}  // namespace vgw::interop
