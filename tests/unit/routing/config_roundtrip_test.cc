// `show running-config` output loaded by a fresh gateway yields the same state.
#include <map>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "vgw/direct_backend.h"
#include "vgw/routing/api/methods.h"
#include "vgw/routing/cli/session.h"
#include "vgw/routing/gateway.h"

namespace vgw::routing {
namespace {

v1::GetRunningConfigRequest secrets_request() {
  v1::GetRunningConfigRequest r;
  r.set_show_secrets(true);
  return r;
}

Status load(Gateway& gw, const std::string& text) {
  test::DirectBackend backend(gw);
  std::ostringstream out;
  cli::Session s(cli::command_grammar(), backend, out, {.config_file = true});
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto st = s.execute(line);
    if (!st) return st;
  }
  return s.finish();
}

// Each (lines, why) loaded on top of `base` is refused with a message containing why, and
// changes nothing.
void expect_refused(const std::string& base, const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [text, why] : cases) {
    Gateway g({""});
    ASSERT_TRUE(load(g, base).ok());
    auto before = g.config();
    auto bad = load(g, text);
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_NE(bad.error().message.find(why), std::string::npos) << text << ": " << bad.error().message;
    EXPECT_EQ(g.config(), before) << text;
  }
}

TEST(ConfigRoundTrip, RunningConfigLoadsBackToTheSameState) {
  Gateway a({""});
  ASSERT_TRUE(load(a, 
                      "customer-gateway hq ip 203.0.113.10 asn 1.10 description HQ  router, floor 3\n"
                      "customer-gateway br-1 ip 2001:db8:0:0::7 asn 4200000001\n"
                      "customer-gateway lab.x ip 198.51.100.1 asn 65001 description x\n"
                      "no customer-gateway lab.x\n"
                      "customer-gateway br-1 ip 2001:db8::8 asn 4200000001\n"
                      "ip route 198.51.100.0/24 10.1.0.2\n"
                      "ip route 198.51.100.0/24 10.2.0.2 weight 3\n"
                      "ip route 203.0.113.0/24 eth1 distance 7\n"
                      "ip route 198.18.0.0/15 Null0\n"
                      "ip route 100.64.0.0/10 reject 250\n"
                      "ip route 10.9.0.0/16 10.1.0.2 200\n"
                      "ipv6 route 2001:db8:dead::/48 blackhole\n"
                      "ip route 192.0.2.0/24 10.1.0.9 eth2\n"
                      "ipv6 route 2001:db8:100::/48 fe80::1 eth1 distance 20 weight 2\n"
                      "no ip route 192.0.2.0/24 10.1.0.9 eth2\n"
                      "end\n")
                  .ok());
  ASSERT_EQ(a.config().customer_gateways.size(), 2u);
  EXPECT_EQ(a.config().customer_gateways.at("br-1").ip_address.to_string(), "2001:db8::8");
  EXPECT_EQ(a.config().static_routes.size(), 8u);
  std::string text = a.get_running_config({})->config();

  Gateway b({""});
  auto st = load(b, text);
  ASSERT_TRUE(st.ok()) << st.error().message << "\n" << text;
  EXPECT_EQ(a.config(), b.config());
  EXPECT_EQ(b.get_running_config({})->config(), text);
}

TEST(ConfigRoundTrip, RouterBgpBlockRoundTripsAndMasksSecrets) {
  Gateway a({""});
  auto st = load(a,
                 "router bgp 65001\n"
                 " bgp router-id 10.0.0.1\n"
                 " no bgp ebgp-requires-policy\n"
                 " bgp bestpath as-path multipath-relax\n"
                 " neighbor 10.1.0.2 remote-as 65002\n"
                 " neighbor 10.1.0.2 description FRR in the lab\n"
                 " neighbor 10.1.0.2 password s3cret!\n"
                 " neighbor 10.1.0.2 timers 3 9\n"
                 " neighbor 10.1.0.2 shutdown message maintenance window\n"
                 " neighbor 2001:db8::2 remote-as 65003\n"
                 " neighbor 2001:db8::2 maximum-prefix 1000 restart 5\n"
                 " neighbor 2001:db8::2 advertisement-interval 5\n"
                 " neighbor 2001:db8::2 next-hop-self\n"
                 " neighbor 2001:db8::2 weight 300\n"
                 " address-family ipv4 unicast\n"
                 "  maximum-paths 4\n"
                 "  network 192.0.2.0/24\n"
                 " exit-address-family\n"
                 " address-family ipv6 unicast\n"
                 "  network 2001:db8:100::/48\n"
                 "  redistribute static\n"
                 "  neighbor 2001:db8::2 activate\n"
                 "ip route 198.51.100.0/24 10.1.0.9\n");  // closes the block, as in FRR
  ASSERT_TRUE(st.ok()) << st.error().message;
  ASSERT_TRUE(a.config().bgp.has_value());
  const auto& b = *a.config().bgp;
  EXPECT_EQ(b.maximum_paths, 4);
  EXPECT_EQ(b.redistribute.size(), 1u);
  const auto& v6peer = b.neighbors.at(*IpAddress::parse("2001:db8::2"));
  EXPECT_EQ(v6peer.advertisement_interval, 5);
  EXPECT_TRUE(v6peer.next_hop_self);
  EXPECT_EQ(v6peer.weight, 300u);
  EXPECT_TRUE(b.redistribute.count({Family::kIpv6, "static"}));
  EXPECT_EQ(b.neighbors.size(), 2u);
  EXPECT_TRUE(b.neighbors.at(*IpAddress::parse("2001:db8::2")).ipv6_unicast);
  EXPECT_EQ(b.neighbors.at(*IpAddress::parse("10.1.0.2")).password, "s3cret!");
  EXPECT_EQ(a.config().static_routes.size(), 1u);

  std::string file = a.get_running_config(secrets_request())->config();
  Gateway c({""});
  ASSERT_TRUE(load(c, file).ok()) << file;
  EXPECT_EQ(a.config(), c.config());
  EXPECT_EQ(c.get_running_config(secrets_request())->config(), file);

  std::string shown = a.get_running_config({})->config();
  EXPECT_EQ(shown.find("s3cret"), std::string::npos);
  EXPECT_NE(shown.find("neighbor 10.1.0.2 password <hidden>"), std::string::npos) << shown;
  // The mask cannot be loaded back as a password.
  Gateway d({""});
  auto masked = load(d, shown);
  ASSERT_FALSE(masked.ok());
  EXPECT_NE(masked.error().message.find("hidden secret"), std::string::npos) << masked.error().message;
}

TEST(ConfigRoundTrip, TunnelBlocksRoundTripAndMaskKeys) {
  // Without start_kernel there is no dataplane: the model alone round-trips.
  Gateway a({""});
  const std::string gcm_key(40, 'a'), cbc_key(32, 'b'), hmac_key(64, 'c');
  auto st = load(a, "tunnel t1\n"
                    " description to the branch\n"
                    " local 192.0.2.1\n"
                    " remote 192.0.2.2\n"
                    " inside 169.254.10.1/30\n"
                    " encapsulation esp\n"
                    " mtu 1400\n"
                    " sa outbound spi 0x1001 aes128gcm16 key 0x" + gcm_key + "\n"
                    " sa inbound spi 8193 aes128-sha256 key 0X" + cbc_key + " integrity-key " + hmac_key +
                    " esn replay-window 4096\n"
                    " sa outbound spi 0x1002 aes128gcm16 key 0x" + gcm_key + "\n"
                    "exit\n"
                    "tunnel t0\n"
                    " local 2001:db8::1\n"
                    "exit\n");
  ASSERT_TRUE(st.ok()) << st.error().message;
  const auto& t1 = a.config().tunnels.at("t1");
  ASSERT_EQ(t1.sas.size(), 3u);
  EXPECT_EQ(t1.sas[1].spi, 8193u);
  EXPECT_EQ(t1.sas[1].encryption_key, cbc_key);
  EXPECT_EQ(t1.sas[1].replay_window, 4096u);
  EXPECT_TRUE(t1.sas[1].esn);
  EXPECT_FALSE(t1.udp_encapsulation);
  EXPECT_FALSE(a.config().tunnels.at("t0").complete());

  std::string file = a.get_running_config(secrets_request())->config();
  EXPECT_NE(file.find(" sa inbound spi 0x00002001 aes128-sha256 key 0x" + cbc_key + " integrity-key 0x" + hmac_key +
                      " esn replay-window 4096\n"),
            std::string::npos)
      << file;
  // The order of the SAs is kept: the last outbound SA is the active one after a reload too.
  EXPECT_LT(file.find("0x00001001"), file.find("0x00001002"));
  Gateway b({""});
  st = load(b, file);
  ASSERT_TRUE(st.ok()) << st.error().message << "\n" << file;
  EXPECT_EQ(a.config(), b.config());

  std::string shown = a.get_running_config({})->config();
  for (const auto& k : {gcm_key, cbc_key, hmac_key}) EXPECT_EQ(shown.find(k), std::string::npos) << shown;
  EXPECT_NE(shown.find("aes128-sha256 key <hidden> integrity-key <hidden> esn"), std::string::npos) << shown;
  Gateway c({""});
  auto masked = load(c, shown);
  ASSERT_FALSE(masked.ok());
  EXPECT_NE(masked.error().message.find("masked key"), std::string::npos) << masked.error().message;

  // Describing works without a dataplane and says why the tunnel is not up.
  v1::ListTunnelsRequest req;
  req.set_name("t0");
  auto listed = a.list_tunnels(req);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->tunnels(0).state().status(), "incomplete");
  EXPECT_EQ(listed->tunnels(0).state().reason(), "not configured: remote, inside");
  req.set_name("t1");
  EXPECT_EQ(a.list_tunnels(req)->tunnels(0).state().status(), "error");
}

TEST(ConfigRoundTrip, IkeSettingsRoundTripAndMaskThePreSharedKey) {
  Gateway a({""});
  const std::string psk = "Secret-PSK_with.punct!#%";
  auto st = load(a, "tunnel t1\n"
                    " local 192.0.2.1\n"
                    " remote 198.51.100.2\n"
                    " inside 169.254.10.1/30\n"
                    " ike pre-shared-key " + psk + "\n"
                    " ike local-id fqdn:vpn.example.com\n"
                    " ike remote-id email:ops@branch.example\n"
                    " ike proposal aes256-sha256-modp2048,aes128gcm16-prfsha256-x25519\n"
                    " esp proposal aes128gcm16-ecp256,aes256-sha512\n"
                    " ike lifetime 28800\n"
                    " esp lifetime 1800\n"
                    " ike dpd interval 5 retries 4\n"
                    " ike respond-only\n"
                    "exit\n"
                    "tunnel t2\n"
                    " ike pre-shared-key 0123456789\n"
                    " ike dpd interval 0\n"
                    "exit\n");
  ASSERT_TRUE(st.ok()) << st.error().message;
  const auto& k = a.config().tunnels.at("t1").ike;
  EXPECT_TRUE(k.enabled());
  EXPECT_EQ(k.pre_shared_key, psk);
  EXPECT_EQ(k.dpd_interval, 5u);
  EXPECT_EQ(k.dpd_retries, 4u);
  EXPECT_TRUE(k.respond_only);
  EXPECT_EQ(a.config().tunnels.at("t2").ike.dpd_interval_or_default(), 0u);  // checks off

  std::string file = a.get_running_config(secrets_request())->config();
  EXPECT_NE(file.find(" ike pre-shared-key " + psk + "\n"), std::string::npos) << file;
  EXPECT_NE(file.find(" ike dpd interval 0\n"), std::string::npos) << file;
  Gateway b({""});
  st = load(b, file);
  ASSERT_TRUE(st.ok()) << st.error().message << "\n" << file;
  EXPECT_EQ(a.config(), b.config());

  std::string shown = a.get_running_config({})->config();
  EXPECT_EQ(shown.find(psk), std::string::npos) << shown;
  EXPECT_NE(shown.find(" ike pre-shared-key <hidden>\n"), std::string::npos) << shown;
  Gateway c({""});
  auto masked = load(c, shown);
  ASSERT_FALSE(masked.ok());
  EXPECT_NE(masked.error().message.find("masked key"), std::string::npos) << masked.error().message;

  // The API shows the values in effect and never the key.
  v1::ListTunnelsRequest req;
  req.set_name("t2");
  auto listed = a.list_tunnels(req);
  ASSERT_TRUE(listed.ok());
  const auto& ike = listed->tunnels(0).config().ike();
  EXPECT_TRUE(ike.enabled());
  EXPECT_EQ(ike.ike_lifetime(), 86400u);
  EXPECT_EQ(ike.dpd_interval(), 0u);
  EXPECT_EQ(ike.dpd_retries(), 3u);
  EXPECT_EQ(listed->DebugString().find("0123456789"), std::string::npos);

  // Back to the defaults: `no` lines leave nothing behind.
  st = load(a, "tunnel t1\n no ike local-id\n no ike remote-id\n no ike proposal\n no esp proposal\n"
               " no ike lifetime\n no esp lifetime\n no ike dpd\n ike initiate\n no ike pre-shared-key\nexit\n");
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(a.config().tunnels.at("t1").ike, TunnelIkeConfig{});
}

TEST(ConfigRoundTrip, HealthChecksRoundTripWithTheirDefaults) {
  Gateway a({""});
  auto st = load(a, "tunnel t1\n inside 169.254.10.1/30\n health-check\nexit\n"
                    "tunnel t2\n inside 169.254.20.2/31\n health-check interval 100 retries 5 udp-port 7\n shutdown\nexit\n"
                    "tunnel t3\n inside 2001:db8:30::1/64\n"
                    " health-check destination 2001:db8:30::99 source 2001:db8:30::1 interval 250 retries 2\nexit\n");
  ASSERT_TRUE(st.ok()) << st.error().message;
  std::string file = a.get_running_config({})->config();
  EXPECT_NE(file.find("tunnel t1\n inside 169.254.10.1/30\n encapsulation udp\n health-check\nexit\n"), std::string::npos)
      << file;
  EXPECT_NE(file.find(" health-check interval 100 retries 5 udp-port 7\n shutdown\n"), std::string::npos) << file;
  EXPECT_TRUE(a.config().tunnels.at("t2").shutdown);
  EXPECT_NE(file.find(" health-check destination 2001:db8:30::99 source 2001:db8:30::1 interval 250 retries 2\n"),
            std::string::npos)
      << file;
  Gateway b({""});
  st = load(b, file);
  ASSERT_TRUE(st.ok()) << st.error().message << "\n" << file;
  EXPECT_EQ(a.config(), b.config());

  // The API shows the values in effect: the other end of a /30 or /31, 1000 ms, 3 retries.
  auto listed = a.list_tunnels({});
  ASSERT_TRUE(listed.ok());
  const auto& h1 = listed->tunnels(0).config().health_check();
  EXPECT_EQ(h1.source(), "169.254.10.1");
  EXPECT_EQ(h1.destination(), "169.254.10.2");
  EXPECT_EQ(h1.interval_ms(), 1000u);
  EXPECT_EQ(h1.retries(), 3u);
  EXPECT_EQ(listed->tunnels(1).config().health_check().destination(), "169.254.20.3");
  EXPECT_FALSE(listed->tunnels(0).config().ike().enabled());

  // What cannot work is refused, naming the rule; nothing changes.
  expect_refused(file,
                 {{"tunnel t1\n health-check interval 99\n", "100-60000"},
           {"tunnel t1\n health-check udp-port 65536\n", "1-65535"},
           {"tunnel t1\n health-check retries 101\n", "1-100"},
           {"tunnel t1\n health-check destination 169.254.10.1\n", "same address"},
           {"tunnel t1\n health-check destination 255.255.255.255\n", "not a unicast address"},
           {"tunnel t1\n health-check source 2001:db8::1\n", "different address families"},
           {"tunnel t1\n inside 169.254.10.1/24\n", "destination: required"}});
  st = load(a, "tunnel t1\n no health-check\nexit\n");
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_FALSE(a.config().tunnels.at("t1").health_check.has_value());
}

TEST(ConfigRoundTrip, RemoteAsExternalAndInternalRoundTrip) {
  Gateway a({""});
  auto st = load(a, "router bgp 65001\n neighbor 10.0.0.2 remote-as external\n neighbor 10.0.0.3 remote-as internal\n"
                    " neighbor 10.0.0.4 remote-as 65004\n neighbor 10.0.0.4 remote-as external\nexit\n");
  ASSERT_TRUE(st.ok()) << st.error().message;
  const auto& n = a.config().bgp->neighbors;
  using K = BgpNeighborConfig::RemoteAs;
  EXPECT_EQ(n.at(*IpAddress::parse("10.0.0.2")).remote_as_kind, K::kExternal);
  EXPECT_EQ(n.at(*IpAddress::parse("10.0.0.3")).remote_as_kind, K::kInternal);
  EXPECT_EQ(n.at(*IpAddress::parse("10.0.0.4")).remote_as_kind, K::kExternal);  // changed in place
  EXPECT_EQ(n.at(*IpAddress::parse("10.0.0.4")).remote_as, 0u);
  std::string file = a.get_running_config({})->config();
  EXPECT_NE(file.find(" neighbor 10.0.0.2 remote-as external\n"), std::string::npos) << file;
  EXPECT_NE(file.find(" neighbor 10.0.0.3 remote-as internal\n"), std::string::npos) << file;
  Gateway b({""});
  st = load(b, file);
  ASSERT_TRUE(st.ok()) << st.error().message << "\n" << file;
  EXPECT_EQ(a.config(), b.config());
  // The API refuses a number and a word at once, and unknown words.
  v1::UpdatePeerRequest both;
  both.mutable_peer()->set_address("10.0.0.2");
  both.mutable_peer()->set_remote_as(65002);
  both.mutable_peer()->set_remote_as_type("external");
  auto r = a.update_peer(both);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not both"), std::string::npos) << r.error().message;
  v1::UpdatePeerRequest word;
  word.mutable_peer()->set_address("10.0.0.2");
  word.mutable_peer()->set_remote_as_type("confederation");
  r = a.update_peer(word);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not external or internal"), std::string::npos) << r.error().message;
}

TEST(ConfigRoundTrip, BfdPeersNeighborBfdAndTunnelBfdRoundTrip) {
  Gateway a({""});
  auto st = load(a,
                 "tunnel t1\n inside 169.254.10.1/30\n bfd\nexit\n"
                 "tunnel t2\n inside 169.254.20.2/31\n bfd detect-multiplier 5 receive-interval 100 transmit-interval 50\nexit\n"
                 "bfd\n"
                 " peer 10.0.0.2\n  detect-multiplier 4\n  receive-interval 100\n  transmit-interval 150\n  shutdown\n exit\n"
                 " peer fe80::2 interface eth1\n exit\n"
                 " peer 2001:db8::2 local-address 2001:db8::1\n  receive-interval 50\n"
                 "exit\n"
                 "router bgp 65001\n neighbor 10.0.0.2 remote-as 65002\n neighbor 10.0.0.2 bfd\n"
                 " neighbor 10.0.0.3 remote-as 65003\n neighbor 10.0.0.3 bfd\nexit\n");
  ASSERT_TRUE(st.ok()) << st.error().message;
  const auto& peers = a.config().bfd_peers;
  ASSERT_EQ(peers.size(), 3u);
  const auto& p = peers.at({*IpAddress::parse("10.0.0.2"), ""});
  EXPECT_EQ(p.timers.detect_multiplier, 4u);
  EXPECT_EQ(p.timers.receive_interval_ms, 100u);
  EXPECT_EQ(p.timers.transmit_interval_ms, 150u);
  EXPECT_TRUE(p.shutdown);
  EXPECT_EQ(peers.at({*IpAddress::parse("2001:db8::2"), ""}).local_address->to_string(), "2001:db8::1");
  EXPECT_TRUE(a.config().bgp->neighbors.begin()->second.bfd);
  EXPECT_EQ(a.config().tunnels.at("t2").bfd->detect_multiplier, 5u);
  EXPECT_EQ(*a.config().tunnels.at("t1").bfd, BfdTimersConfig{});

  std::string file = a.get_running_config({})->config();
  EXPECT_NE(file.find("bfd\n peer 10.0.0.2\n  detect-multiplier 4\n  receive-interval 100\n  transmit-interval 150\n"
                      "  shutdown\n exit\n"),
            std::string::npos)
      << file;
  EXPECT_NE(file.find(" peer fe80::2 interface eth1\n exit\n"), std::string::npos) << file;
  EXPECT_NE(file.find(" peer 2001:db8::2 local-address 2001:db8::1\n  receive-interval 50\n exit\n"), std::string::npos)
      << file;
  EXPECT_NE(file.find(" neighbor 10.0.0.2 bfd\n"), std::string::npos) << file;
  EXPECT_NE(file.find(" bfd detect-multiplier 5 receive-interval 100 transmit-interval 50\n"), std::string::npos) << file;
  Gateway b({""});
  st = load(b, file);
  ASSERT_TRUE(st.ok()) << st.error().message << "\n" << file;
  EXPECT_EQ(a.config(), b.config());
  EXPECT_EQ(b.get_running_config({})->config(), file);

  // Without protocols running, the API still lists every session wanted: the configured peers,
  // the neighbors' (10.0.0.2 joins its configured peer) and none for tunnels without interface.
  auto listed = a.list_bfd_peers({});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->peers_size(), 4);
  EXPECT_EQ(listed->peers(0).config().peer(), "10.0.0.2");
  EXPECT_TRUE(listed->peers(0).configured());
  ASSERT_EQ(listed->peers(0).state().clients_size(), 2);
  EXPECT_EQ(listed->peers(0).state().clients(1), "bgp");
  EXPECT_EQ(listed->peers(1).config().peer(), "10.0.0.3");
  EXPECT_FALSE(listed->peers(1).configured());
  EXPECT_EQ(listed->peers(1).config().receive_interval_ms(), 300u);

  // Deleting a peer a neighbor uses leaves the neighbor's session with the defaults.
  st = load(a, "bfd\n no peer 10.0.0.2\nexit\n");
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(a.config().bfd_peers.size(), 2u);
  v1::ListBfdPeersRequest one;
  one.set_peer("10.0.0.2");
  listed = a.list_bfd_peers(one);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->peers(0).config().detect_multiplier(), 3u);
  EXPECT_FALSE(listed->peers(0).configured());

  expect_refused(file, {{"bfd\n peer 10.0.0.2\n  detect-multiplier 1\n", "2-255"},
                        {"bfd\n peer 10.0.0.2\n  receive-interval 9\n", "10-60000"},
                        {"bfd\n peer 10.0.0.2\n  transmit-interval 60001\n", "10-60000"},
                        {"bfd\n peer 224.0.0.5\n", "not a unicast address"},
                        {"bfd\n peer 10.0.0.9 local-address 2001:db8::1\n", "address family"},
                        {"bfd\n no peer 10.0.0.9\n", "no BFD peer 10.0.0.9"},
                        {"tunnel t1\n inside 169.254.10.1/24\n", "/30 or /31"}});
  st = load(a, "tunnel t1\n no bfd\nexit\nrouter bgp 65001\n no neighbor 10.0.0.2 bfd\nexit\n");
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_FALSE(a.config().tunnels.at("t1").bfd.has_value());
  EXPECT_FALSE(a.config().bgp->neighbors.begin()->second.bfd);
}

TEST(ConfigRoundTrip, VpnGatewayAndConnectionsRoundTrip) {
  Gateway a({""});
  auto st = load(a, "customer-gateway hq ip 203.0.113.10 asn 65010\n"
                    "tunnel hq-1\n inside 169.254.10.1/30\nexit\n"
                    "tunnel hq-2\n inside 169.254.11.1/30\nexit\n"
                    "vpn-gateway\n kind transit-router\n failback-delay 30\nexit\n"
                    "vpn-connection hq\n description head office\n customer-gateway hq\n tunnel hq-2 standby\n"
                    " tunnel hq-1 active\n route 10.20.0.0/16\n route 10.30.0.0/16 weight 0\nexit\n"
                    "vpn-connection empty\nexit\n");
  ASSERT_TRUE(st.ok()) << st.error().message;
  const auto& c = a.config().vpn_connections.at("hq");
  ASSERT_EQ(c.tunnels.size(), 2u);
  EXPECT_EQ(c.tunnels[0].tunnel, "hq-2");
  EXPECT_EQ(c.tunnels[0].role, TunnelRole::kStandby);
  EXPECT_EQ(c.routes.at(*Prefix::parse("10.30.0.0/16")), 0);
  EXPECT_EQ(a.config().vpn_gateway.kind, GatewayKind::kTransitRouter);
  std::string file = a.get_running_config({})->config();
  EXPECT_NE(file.find("vpn-gateway\n kind transit-router\n failback-delay 30\nexit\n"), std::string::npos) << file;
  EXPECT_NE(file.find("vpn-connection hq\n description head office\n customer-gateway hq\n tunnel hq-2 standby\n"
                      " tunnel hq-1 active\n route 10.20.0.0/16\n route 10.30.0.0/16 weight 0\nexit\n"),
            std::string::npos)
      << file;
  Gateway b({""});
  st = load(b, file);
  ASSERT_TRUE(st.ok()) << st.error().message << "\n" << file;
  EXPECT_EQ(a.config(), b.config());

  // Without a dataplane no tunnel can carry: down, with the tunnels' reasons; nothing installed.
  auto d = a.describe_vpn_connections({});
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->vpn_connections_size(), 2);
  EXPECT_EQ(d->vpn_connections(0).status(), "incomplete");
  EXPECT_EQ(d->vpn_connections(0).reason(), "no customer gateway");
  const auto& hq = d->vpn_connections(1);
  EXPECT_EQ(hq.status(), "down");
  EXPECT_EQ(hq.tunnels(0).role(), "ecmp");
  EXPECT_FALSE(hq.routes(0).installed());
  EXPECT_EQ(a.rib().routes(*Prefix::parse("10.20.0.0/16")).size(), 0u);
  auto g = a.get_vpn_gateway({});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->connections(), 2u);
  EXPECT_EQ(g->failback_delay(), 30u);

  // What cannot work is refused, naming the rule; nothing changes.
  expect_refused(file,
                 {{"vpn-connection hq\n customer-gateway nope\n", "customer gateway 'nope' does not exist"},
           {"vpn-connection hq\n tunnel hq-1 standby\n", "both tunnels are standby"},
           {"vpn-connection empty\n tunnel hq-1 active\n", "already belongs to connection hq"},
           {"vpn-connection hq\n route 10.40.0.0/16 weight 50\n", "not 100 (active) or 0 (standby)"},
           {"vpn-connection hq\n no route 10.40.0.0/16\n", "has no route 10.40.0.0/16"},
           {"vpn-connection hq\n no tunnel nope\n", "is not part of connection hq"},
           {"vpn-gateway\n failback-delay 3601\n", "0-3600"},
           {"no tunnel hq-1\n", "belongs to VPN connection hq"},
           {"no customer-gateway hq\n", "VPN connection hq"}});
  // A third tunnel.
  ASSERT_TRUE(load(a, "tunnel hq-3\n inside 169.254.12.1/30\nexit\n").ok());
  auto third = load(a, "vpn-connection hq\n tunnel hq-3 active\n");
  ASSERT_FALSE(third.ok());
  EXPECT_NE(third.error().message.find("at most two tunnels"), std::string::npos) << third.error().message;
}

TEST(ConfigRoundTrip, VpnConnectionBgpRoundTripsAndRunsThroughThePlan) {
  Gateway a({""});
  auto st = load(a, "customer-gateway hq ip 203.0.113.10 asn 65010\n"
                    "customer-gateway branch ip 203.0.113.20 asn 65020\n"
                    "tunnel hq-1\n inside 169.254.10.1/30\nexit\n"
                    "tunnel hq-2\n inside 169.254.11.2/31\nexit\n"
                    "tunnel br-1\n inside 169.254.20.1/30\nexit\n"
                    "vpn-gateway\n local-asn 64512\n router-id 192.0.2.1\n public-address 192.0.2.1\n"
                    " vpc-network 10.0.0.0/16\n vpc-network 10.1.0.0/16\nexit\n"
                    "vpn-connection hq\n customer-gateway hq\n tunnel hq-1 active\n tunnel hq-2 standby\n"
                    " bgp timers 10 30\nexit\n"
                    "vpn-connection branch\n customer-gateway branch\n tunnel br-1 active\n bgp\n"
                    " local-subnet 10.0.0.0/16\n remote-subnet 10.50.0.0/16\n remote-subnet 10.51.0.0/16\n"
                    " no route-propagation\nexit\n");
  ASSERT_TRUE(st.ok()) << st.error().message;
  const auto& m = a.config();
  EXPECT_EQ(m.vpn_gateway.local_asn_or_default(), 64512u);
  EXPECT_EQ(m.vpn_gateway.vpc_networks.size(), 2u);
  ASSERT_TRUE(m.vpn_connections.at("hq").bgp.has_value());
  EXPECT_EQ(m.vpn_connections.at("hq").bgp->hold, 30);
  EXPECT_FALSE(m.vpn_connections.at("branch").route_propagation);
  std::string file = a.get_running_config({})->config();
  EXPECT_NE(file.find("vpn-gateway\n local-asn 64512\n router-id 192.0.2.1\n public-address 192.0.2.1\n"
                      " vpc-network 10.0.0.0/16\n vpc-network 10.1.0.0/16\nexit\n"),
            std::string::npos)
      << file;
  EXPECT_NE(file.find(" tunnel hq-2 standby\n bgp timers 10 30\nexit\n"), std::string::npos) << file;
  EXPECT_NE(file.find(" tunnel br-1 active\n bgp\n local-subnet 10.0.0.0/16\n remote-subnet 10.50.0.0/16\n"
                      " remote-subnet 10.51.0.0/16\n no route-propagation\nexit\n"),
            std::string::npos)
      << file;
  // The remote subnets are the policy-based connection's destination routes (weight 100).
  auto described = a.describe_vpn_connections({});
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->vpn_connections(0).routes_size(), 2);
  EXPECT_EQ(described->vpn_connections(0).routes(1).prefix(), "10.51.0.0/16");
  Gateway b({""});
  st = load(b, file);
  ASSERT_TRUE(st.ok()) << st.error().message << "\n" << file;
  EXPECT_EQ(a.config(), b.config());

  // Three sessions (the far ends of the /30s and of the /31) with the customers' ASNs, the
  // speaker on the local ASN.
  auto peers_of = [](Gateway& g) {
    std::map<std::string, v1::PeerConfig> out;
    auto stream = g.list_peer({});
    EXPECT_TRUE(stream.ok()) << stream.error().message;
    if (!stream.ok()) return out;
    v1::ListPeerResponse r;
    while (true) {
      auto next = (*stream)->next();
      if (!next.message) break;
      r.CopyFrom(*next.message);
      out[r.peer().config().address()] = r.peer().config();
    }
    return out;
  };
  auto peers = peers_of(a);
  ASSERT_EQ(peers.size(), 3u);
  const auto& hq2 = peers.at("169.254.11.3");
  EXPECT_EQ(hq2.vpn_connection(), "hq");
  EXPECT_EQ(hq2.tunnel(), "hq-2");
  EXPECT_EQ(hq2.remote_as(), 65010u);
  EXPECT_EQ(hq2.update_source(), "169.254.11.2");
  EXPECT_EQ(hq2.keepalive_time(), 10u);
  // A connect that failed is retried after the keepalive interval (at most 10 s), not 120 s.
  EXPECT_EQ(hq2.connect_retry_time(), 10u);
  EXPECT_EQ(peers.at("169.254.20.2").remote_as(), 65020u);
  EXPECT_EQ(peers.at("169.254.20.2").connect_retry_time(), 10u);  // keepalive 30
  ASSERT_TRUE(load(a, "vpn-connection hq\n bgp timers 3 9\nexit\n").ok());
  EXPECT_EQ(peers_of(a).at("169.254.11.3").connect_retry_time(), 3u);
  ASSERT_TRUE(load(a, "vpn-connection hq\n bgp timers 10 30\nexit\n").ok());
  auto bgp = a.get_bgp({});
  ASSERT_TRUE(bgp.ok()) << bgp.error().message;
  EXPECT_EQ(bgp->asn(), 64512u);
  EXPECT_FALSE(bgp->router_bgp());
  EXPECT_EQ(bgp->maximum_paths_in_use(), 1u);
  // With router bgp the speaker keeps its AS; a transit router keeps two paths.
  ASSERT_TRUE(load(a, "router bgp 65000\nexit\nvpn-gateway\n kind transit-router\nexit\n").ok());
  bgp = a.get_bgp({});
  EXPECT_EQ(bgp->asn(), 65000u);
  EXPECT_TRUE(bgp->router_bgp());
  EXPECT_EQ(bgp->maximum_paths_in_use(), 2u);
  EXPECT_EQ(peers_of(a).size(), 3u);
  // A session of a connection is changed there, not as a neighbor.
  v1::UpdatePeerRequest up;
  up.mutable_peer()->set_address("169.254.10.2");
  up.mutable_peer()->set_remote_as(65010);
  auto refused = a.update_peer(up);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("change it in that connection"), std::string::npos);
  // Without BGP on any connection nor router bgp, nothing runs.
  ASSERT_TRUE(load(a, "no router bgp 65000\nvpn-connection hq\n no bgp\nexit\nvpn-connection branch\n no bgp\nexit\n")
                  .ok());
  EXPECT_FALSE(a.get_bgp({}).ok());

  expect_refused(file,
                 {{"vpn-gateway\n local-asn 65010\n", "the two ASNs must differ"},
                  {"vpn-gateway\n no vpc-network 10.9.0.0/16\n", "no vpc-network 10.9.0.0/16"},
                  {"vpn-gateway\n vpc-network 224.0.0.0/4\n", "not a unicast network"},
                  {"vpn-connection hq\n bgp timers 40 30\n", "must not exceed"},
                  {"vpn-connection hq\n bgp timers 1 2\n", "at least 3"},
                  {"vpn-connection hq\n no customer-gateway\n", "has no customer gateway"},
                  {"tunnel hq-1\n inside 169.254.10.1/29\n", "not a host address of a /30 or /31"},
                  {"customer-gateway hq ip 203.0.113.10 asn 64512\n", "the two ASNs must differ"},
                  {"vpn-connection branch\n no remote-subnet 10.9.0.0/16\n", "has no remote subnet 10.9.0.0/16"},
                  {"vpn-connection branch\n local-subnet 224.0.0.0/4\n", "is multicast"},
                  {"tunnel hq-1\n local 203.0.113.99\n", "not one of the gateway's public addresses (192.0.2.1)"},
                  {"vpn-gateway\n public-address 224.0.0.1\n", "multicast"}});
}

TEST(ConfigRoundTrip, IkeRefusesWhatCannotWork) {
  Gateway a({""});
  ASSERT_TRUE(load(a, "tunnel t1\n local 192.0.2.1\n remote 192.0.2.2\n inside 169.254.1.1/30\n"
                      " ike pre-shared-key 0123456789\nexit\n").ok());
  const auto before = a.config();
  struct Case {
    std::string line, message;
  } cases[] = {
      {"tunnel t1\n ike proposal aes256-sha1-modp1024\n", "modp1024"},
      {"tunnel t1\n ike proposal aes256gcm16-sha256-modp2048,\n", ""},
      {"tunnel t1\n esp proposal aes192gcm16\n", "aes192gcm16"},
      {"tunnel t1\n ike local-id %any\n", "remote identity only"},
      {"tunnel t1\n ike lifetime 59\n", "60-604800"},
      {"tunnel t1\n sa outbound spi 0x1001 aes128gcm16 key 0x" + std::string(40, 'a') + "\n", "negotiates its SAs"},
      // Two IKE tunnels between the same addresses could not be told apart.
      {"tunnel t2\n local 192.0.2.1\n remote 192.0.2.2\n ike pre-shared-key 0123456789\n", "already negotiates"},
  };
  for (const auto& c : cases) {
    Gateway g({""});
    ASSERT_TRUE(load(g, "tunnel t1\n local 192.0.2.1\n remote 192.0.2.2\n inside 169.254.1.1/30\n"
                        " ike pre-shared-key 0123456789\nexit\n").ok());
    auto st = load(g, c.line);
    ASSERT_FALSE(st.ok()) << c.line;
    EXPECT_NE(st.error().message.find(c.message), std::string::npos) << c.line << ": " << st.error().message;
  }
  EXPECT_EQ(a.config(), before);
}

TEST(ConfigRoundTrip, PolicyObjectsAndNeighborRouteMapsRoundTrip) {
  Gateway a({""});
  auto st = load(a, "ip prefix-list PL seq 5 permit 10.0.0.0/8 ge 16 le 24\n"
                    "ip prefix-list PL deny 0.0.0.0/0 le 32\n"
                    "ipv6 prefix-list PL seq 7 permit 2001:db8::/32 le 48\n"
                    "bgp as-path access-list AP permit _65001$\n"
                    "bgp community-list standard CL seq 10 permit 65000:1 no-export\n"
                    "bgp large-community-list standard LCL permit 65000:1:2\n"
                    "route-map RM deny 5\n"
                    " match community CL\n"
                    "route-map RM permit 10\n"
                    " match ip address prefix-list PL\n"
                    " match as-path AP\n"
                    " set local-preference 200\n"
                    " set as-path prepend 65000 65000\n"
                    " set community 65000:7 additive\n"
                    " set comm-list CL delete\n"
                    " set ip next-hop peer-address\n"
                    "exit\n"
                    "router bgp 65000\n"
                    " bgp router-id 10.0.0.1\n"
                    " neighbor 10.1.0.2 remote-as 65001\n"
                    " neighbor 10.1.0.2 route-map RM in\n"
                    " address-family ipv4 unicast\n"
                    "  neighbor 10.1.0.2 route-map MISSING out\n"
                    " exit-address-family\n");
  ASSERT_TRUE(st.ok()) << st.error().message;
  const auto& p = a.config().policies;
  ASSERT_EQ(p.prefix_lists.at("PL").entries.size(), 3u);
  // Entries are kept in seq order; the one without a seq got FRR's next multiple of 5.
  EXPECT_EQ(p.prefix_lists.at("PL").entries[2].prefix.to_string(), "0.0.0.0/0");
  EXPECT_EQ(p.prefix_lists.at("PL").entries[2].seq, 10u);
  ASSERT_EQ(p.route_maps.at("RM").entries.size(), 2u);
  EXPECT_EQ(p.route_maps.at("RM").entries[1].set.local_preference, 200u);
  const auto& n = a.config().bgp->neighbors.at(*IpAddress::parse("10.1.0.2"));
  EXPECT_EQ(n.route_map_in, "RM");
  EXPECT_EQ(n.route_map_out, "MISSING");

  std::string file = a.get_running_config(secrets_request())->config();
  EXPECT_NE(file.find("ip prefix-list PL seq 5 permit 10.0.0.0/8 ge 16 le 24\n"), std::string::npos) << file;
  EXPECT_NE(file.find("route-map RM permit 10\n match ip address prefix-list PL\n"), std::string::npos) << file;
  EXPECT_NE(file.find("  neighbor 10.1.0.2 route-map RM in\n"), std::string::npos) << file;
  Gateway b({""});
  st = load(b, file);
  ASSERT_TRUE(st.ok()) << st.error().message << "\n" << file;
  EXPECT_EQ(a.config(), b.config());
  EXPECT_EQ(b.get_running_config(secrets_request())->config(), file);

  // The missing route-map is reported, not refused (FRR).
  auto pol = a.get_policies({});
  ASSERT_TRUE(pol.ok());
  bool reported = false;
  for (const auto& u : pol->undefined()) reported |= u.find("route-map MISSING out") != std::string::npos;
  EXPECT_TRUE(reported);

  // Bad input: refused with the entry named, nothing changed; a stale version is refused.
  Gateway c({""});
  EXPECT_FALSE(load(c, "ip prefix-list X permit 10.0.0.0/16 le 8\n").ok());
  EXPECT_TRUE(c.config().policies.prefix_lists.empty());
  v1::SetPoliciesRequest stale;
  stale.set_expected_version(pol->version() + 1);
  auto r = a.set_policies(stale);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(a.config(), b.config());
}

// Values a router cannot use are refused, never clamped or kept silently.
TEST(ConfigRoundTrip, BgpRefusesUnusableNumbersAndAddresses) {
  const std::string base = "router bgp 65000\n neighbor 192.0.2.2 remote-as 65001\nexit\n";
  expect_refused(base, {
      {"router bgp 65000\n neighbor 192.0.2.2 update-source 224.0.0.5\nexit\n", "not a unicast address"},
      {"router bgp 65000\n neighbor 192.0.2.2 update-source 255.255.255.255\nexit\n", "not a unicast address"},
      {"router bgp 65000\n neighbor 192.0.2.2 weight 65536\nexit\n", "weight must be 0..65535"},
      {"router bgp 65000\n address-family ipv4 unicast\n network 224.0.0.0/4\n exit-address-family\nexit\n",
       "is multicast"},
      {"router bgp 65000\n address-family ipv6 unicast\n network ff00::/8\n exit-address-family\nexit\n",
       "is multicast"},
  });
  Gateway g({""});
  ASSERT_TRUE(load(g, base).ok());
  v1::UpdatePeerRequest req;
  req.mutable_peer()->set_address("192.0.2.2");
  req.mutable_peer()->set_remote_as(65001);
  req.mutable_peer()->set_connect_retry_time(4294967295u);  // was clamped to 65535
  auto r = g.update_peer(req);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("connect_retry_time must be 0..65535"), std::string::npos) << r.error().message;
  req.mutable_peer()->set_connect_retry_time(65535);
  req.mutable_peer()->set_weight(65535);
  EXPECT_TRUE(g.update_peer(req).ok());
}

TEST(ConfigRoundTrip, EmptyConfigRoundTrips) {
  Gateway a({""});
  std::string text = a.get_running_config({})->config();
  Gateway b({""});
  ASSERT_TRUE(load(b, text).ok());
  EXPECT_EQ(a.config(), b.config());
}

TEST(ConfigRoundTrip, BadLineStopsWithMessage) {
  Gateway gw({""});
  auto st = load(gw, "customer-gateway a ip 192.0.2.1 asn 1\ncustomer-gateway b ip 192.0.2.2\n");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("Incomplete command"), std::string::npos);
  EXPECT_EQ(gw.config().customer_gateways.size(), 1u);
}

// Found by the config_loader fuzz target: route-map entries entered out of seq order were
// kept in that order, so the model reloaded from the rendered file (seq order) compared
// unequal to the running one, and re-applying the same policies counted as a change.
TEST(ConfigRoundTrip, PolicyEntriesOutOfSeqOrderAreOneModel) {
  Gateway a({""});
  ASSERT_TRUE(load(a, "route-map RO deny 5\n match as-path AP\nexit\n"
                      "customer-gateway hq ip 203.0.113.10 asn 65010\n"
                      "route-map RO deny 1\n match as-path AP\nexit\n"
                      "ip prefix-list PL seq 20 permit 10.0.0.0/8\nip prefix-list PL seq 10 deny 10.1.0.0/16\n"
                      "bgp as-path access-list AP seq 9 deny _1_\nbgp as-path access-list AP seq 3 permit _2_\n")
                  .ok());
  const std::string text = a.get_running_config({})->config();
  Gateway b({""});
  ASSERT_TRUE(load(b, text).ok());
  EXPECT_EQ(a.config(), b.config());
  EXPECT_EQ(a.config().policies.route_maps.at("RO").entries.front().seq, 1u);
  auto version = a.get_policies({})->version();
  ASSERT_TRUE(load(a, text).ok());  // the same again: no change
  EXPECT_EQ(a.get_policies({})->version(), version);
}

// Refusals speak the command language (issue 14): the API names its fields (`peer.hold_time`,
// `ip_address`, `encryption_key`, `sa.replay_window`), the shell and the config loader say the
// words the user typed. No refusal of these lines shows a protobuf field name.
TEST(ConfigRoundTrip, RefusalsNameTheCommandsWordsNotTheApisFields) {
  const std::string tunnel = "tunnel t1\n local 192.0.2.1\n remote 198.51.100.2\n inside 169.254.10.1/30\n";
  const std::string gcm_key(40, 'a');
  const std::string bgp = "router bgp 65001\n neighbor 10.0.0.2 remote-as 65002\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"customer-gateway hq ip 0.0.0.0 asn 65001\n", "ip 0.0.0.0 is the unspecified address"},
      {"customer-gateway hq ip 224.0.0.1 asn 65001\n", "ip 224.0.0.1 is a multicast address"},
      {bgp + " neighbor 10.0.0.2 timers 1 2\n", "timers hold"},
      {bgp + " neighbor 10.0.0.2 update-source 2001:db8::1\n", "update-source"},
      {bgp + " neighbor 10.0.0.2 ebgp-multihop 2\n neighbor 10.0.0.2 ttl-security\n", "ttl-security"},
      {tunnel + " sa inbound spi 4096 aes128gcm16 key 0x00\n", "key must be"},
      {tunnel + " sa outbound spi 4096 aes128gcm16 key 0x" + gcm_key + " replay-window 64\n",
       "replay-window applies to inbound SAs only"},
      {bgp + " neighbor 10.0.0.2 weight 65536\n", "weight must be 0..65535"},
  };
  const std::regex api_field("(^|[^a-z0-9_.'])[a-z][a-z0-9]*(_[a-z0-9]+)+|[a-z]+\\.[a-z_]+[a-z]");
  for (const auto& [text, words] : cases) {
    Gateway g({""});
    auto st = load(g, text);
    ASSERT_FALSE(st.ok()) << text;
    const std::string& m = st.error().message;
    EXPECT_NE(m.find(words), std::string::npos) << text << ": " << m;
    std::smatch field;
    EXPECT_FALSE(std::regex_search(m, field, api_field)) << text << ": " << m << " (" << field.str() << ")";
  }
  // The translation itself: fields at word boundaries, a full stop kept, quoted input kept.
  EXPECT_EQ(cli::in_cli_words("peer.hold_time must be 0 or at least 3."), "timers hold must be 0 or at least 3.");
  EXPECT_EQ(cli::in_cli_words("name 'ip_address' is taken by ip_address 192.0.2.1"),
            "name 'ip_address' is taken by ip 192.0.2.1");
  EXPECT_EQ(cli::in_cli_words("no_such_field stays; 10.0.0.1 too"), "no_such_field stays; 10.0.0.1 too");
}

// Loading policy lines is linear (issue 14): consecutive policy edits of a config file are
// made on one copy of the set and written with one SetPolicies, not one read-modify-write per
// line. A line of another kind applies the batch first, so the file's order holds; an error in
// a batch names the first line of the batch.
class CountingBackend final : public cli::Backend {
 public:
  explicit CountingBackend(Gateway& gw) : inner_(gw) {}
  Status call(const char* path, const google::protobuf::Message& request,
              google::protobuf::Message& response) override {
    ++calls[path];
    return inner_.call(path, request, response);
  }
  Status stream(const char* path, const google::protobuf::Message& request,
                google::protobuf::Message& response, const std::function<Status()>& on_message) override {
    ++calls[path];
    return inner_.stream(path, request, response, on_message);
  }
  std::map<std::string, int> calls;

 private:
  test::DirectBackend inner_;
};

TEST(ConfigLoad, PolicyLinesOfAFileAreAppliedInOneRequestPerRun) {
  Gateway gw({""});
  CountingBackend backend(gw);
  std::ostringstream out;
  cli::Session s(cli::command_grammar(), backend, out, {.config_file = true});
  std::string file;
  for (int i = 0; i < 2000; ++i) {
    file += "ip prefix-list BIG seq " + std::to_string(i + 1) + " permit 10." + std::to_string(i / 250) +
            "." + std::to_string(i % 250) + ".0/24\n";
  }
  file += "router bgp 65001\n neighbor 192.0.2.2 remote-as 65002\n neighbor 192.0.2.2 route-map RM in\n";
  file += "route-map RM permit 10\n match ip address prefix-list BIG\n set local-preference 200\n";
  std::istringstream in(file);
  std::string line;
  while (std::getline(in, line)) ASSERT_TRUE(s.execute(line).ok()) << line;
  ASSERT_TRUE(s.finish().ok());
  EXPECT_EQ(backend.calls[api::kSetPolicies], 2);  // the prefix-list run, then the route-map run
  EXPECT_EQ(backend.calls[api::kGetPolicies], 2);
  auto pol = gw.get_policies({});
  ASSERT_TRUE(pol.ok());
  ASSERT_EQ(pol->prefix_lists_size(), 1);
  EXPECT_EQ(pol->prefix_lists(0).entries_size(), 2000);
  ASSERT_EQ(pol->route_maps_size(), 1);
  EXPECT_EQ(pol->route_maps(0).entries(0).set().local_preference(), 200u);

  // A bad entry in a batch: the error names the entry and the batch's first line.
  Gateway gw2({""});
  CountingBackend backend2(gw2);
  cli::Session s2(cli::command_grammar(), backend2, out, {.config_file = true});
  ASSERT_TRUE(s2.execute("! comment").ok());
  ASSERT_TRUE(s2.execute("bgp as-path access-list AP seq 5 permit _65001_").ok());
  ASSERT_TRUE(s2.execute("bgp as-path access-list AP seq 10 permit (65002").ok());
  auto st = s2.execute("router bgp 65001");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("seq 10"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("from line 2"), std::string::npos) << st.error().message;
}

// Two administrators change different knobs of one neighbor at the same moment (issue 14):
// one shell's change lands between the other's read and write. Each neighbor command sends
// only the fields it changed (UpdatePeerRequest.update_fields), so neither undoes the other.
class InterleavingBackend final : public cli::Backend {
 public:
  explicit InterleavingBackend(Gateway& gw) : inner_(gw) {}
  Status call(const char* path, const google::protobuf::Message& request,
              google::protobuf::Message& response) override {
    if (std::string_view(path) == api::kUpdatePeer && before_update) {
      auto other = std::move(before_update);
      before_update = nullptr;
      other();
    }
    return inner_.call(path, request, response);
  }
  Status stream(const char* path, const google::protobuf::Message& request,
                google::protobuf::Message& response, const std::function<Status()>& on_message) override {
    return inner_.stream(path, request, response, on_message);
  }
  std::function<void()> before_update;

 private:
  test::DirectBackend inner_;
};

TEST(NeighborChange, ConcurrentChangesOfDifferentKnobsBothStay) {
  Gateway gw({""});
  ASSERT_TRUE(load(gw, "router bgp 65001\n neighbor 192.0.2.2 remote-as 65002\n").ok());
  std::ostringstream out;
  InterleavingBackend a_backend(gw);
  test::DirectBackend b_backend(gw);
  cli::Session a(cli::command_grammar(), a_backend, out, {.config_file = true});
  cli::Session b(cli::command_grammar(), b_backend, out, {.config_file = true});
  for (auto* s : {&a, &b}) ASSERT_TRUE(s->execute("router bgp 65001").ok());
  a_backend.before_update = [&] { ASSERT_TRUE(b.execute(" neighbor 192.0.2.2 description core-1").ok()); };
  ASSERT_TRUE(a.execute(" neighbor 192.0.2.2 timers 10 30").ok());
  EXPECT_FALSE(static_cast<bool>(a_backend.before_update));  // the other change landed in between
  const auto& n = gw.config().bgp->neighbors.at(*IpAddress::parse("192.0.2.2"));
  EXPECT_EQ(n.description, "core-1");
  EXPECT_EQ(n.keepalive, 10);
  EXPECT_EQ(n.hold, 30);

  // The API: listed fields only, a listed field left unset is reset, unknown names refused.
  v1::UpdatePeerRequest req;
  req.mutable_peer()->set_address("192.0.2.2");
  req.mutable_peer()->set_weight(7);
  req.add_update_fields("weight");
  req.add_update_fields("description");
  ASSERT_TRUE(gw.update_peer(req).ok());
  const auto& m = gw.config().bgp->neighbors.at(*IpAddress::parse("192.0.2.2"));
  EXPECT_EQ(m.weight, 7u);
  EXPECT_EQ(m.description, "");
  EXPECT_EQ(m.hold, 30);
  req.add_update_fields("holdtime");
  auto bad = gw.update_peer(req);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("'holdtime' is not a PeerConfig field"), std::string::npos);
  req.clear_update_fields();
  req.add_update_fields("address");
  EXPECT_FALSE(gw.update_peer(req).ok());
}

}  // namespace
}  // namespace vgw::routing
