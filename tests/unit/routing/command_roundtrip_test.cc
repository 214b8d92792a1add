// Every configuration command the grammar has, generated from the grammar itself (each token
// sequence its declarations expand into, with sample values for the placeholders), applied on
// top of a configuration that gives the commands something to act on. For every line that is
// accepted, the running configuration must load into a fresh gateway to the same model and
// render to the same text (render -> load -> render is a fixed point), so a knob that is
// applied but rendered wrongly, or not at all, fails here. Every declaration must have at
// least one sequence that is accepted, so a new command cannot escape the check: when one
// does not, give its placeholders a sample value below.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vgw/base/log.h"
#include "vgw/direct_backend.h"
#include "vgw/routing/apply/config_apply.h"
#include "vgw/routing/cli/grammar.h"
#include "vgw/routing/gateway.h"

namespace vgw::routing {
namespace {

using cli::Grammar;
using cli::Mode;

// As vgwd loads its config file (the first refused line ends it).
Status load(Gateway& gw, const std::string& text) {
  test::DirectBackend backend(gw);
  return apply_lines(backend, text, "");
}

std::string running(const Gateway& gw) {
  v1::GetRunningConfigRequest r;
  r.set_show_secrets(true);
  return gw.get_running_config(r)->config();
}

// Names, addresses and numbers that exist or fit in kBase.
const char* const kBase =
    "customer-gateway hq ip 203.0.113.10 asn 65010\n"
    "customer-gateway spare ip 203.0.113.11 asn 65011\n"
    "tunnel t1\n local 192.0.2.1\n remote 192.0.2.9\n inside 169.254.10.1/30\n"
    " sa inbound spi 0x1001 aes128gcm16 key 0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nexit\n"
    "tunnel t2\n local 192.0.2.1\n remote 192.0.2.10\n inside 169.254.11.1/30\n"
    " ike pre-shared-key 0123456789abcdef\nexit\n"
    "tunnel t3\n inside 169.254.12.1/30\nexit\n"
    "ip route 10.20.0.0/16 10.99.0.1\n"
    "ipv6 route 2001:db8:20::/48 2001:db8::2\n"
    "ip prefix-list PL seq 5 permit 10.0.0.0/8 le 24\n"
    "bgp as-path access-list AP seq 10 permit _65002_\n"
    "bgp community-list standard CL seq 10 permit 65002:100\n"
    "bgp large-community-list standard LC seq 10 permit 65002:1:1\n"
    "route-map RM permit 10\nexit\n"
    "router bgp 65001\n"
    " neighbor G peer-group\n neighbor G remote-as 65003\n"
    " neighbor 192.0.2.2 remote-as 65002\n"
    " neighbor 10.0.0.2 peer-group G\n"
    " address-family ipv4 unicast\n  network 10.20.0.0/16\n exit-address-family\n"
    " address-family ipv6 unicast\n  network 2001:db8:20::/48\n exit-address-family\n"
    "exit\n"
    "vpn-gateway\n public-address 192.0.2.1\n vpc-network 10.20.0.0/16\n vpc-network 10.30.0.0/16\nexit\n"
    "vpn-connection vc1\n customer-gateway hq\n tunnel t1 active\n route 10.20.0.0/16\n route 10.30.0.0/16\nexit\n"
    "vpn-connection vc2\n customer-gateway hq\n tunnel t2 active\n"
    " local-subnet 10.20.0.0/16\n local-subnet 10.30.0.0/16\n remote-subnet 10.40.0.0/16\n remote-subnet 10.50.0.0/16\nexit\n"
    "bfd\n peer 192.0.2.2\n exit\nexit\n";

// Lines that enter each mode from config mode, on kBase's objects (a command is tried in each).
const std::map<Mode, std::vector<std::string>>& contexts() {
  static const std::map<Mode, std::vector<std::string>> c = {
      {Mode::kConfig, {""}},
      {Mode::kRouterBgp, {"router bgp 65001"}},
      {Mode::kBgpAddressFamily,
       {"router bgp 65001\naddress-family ipv4 unicast", "router bgp 65001\naddress-family ipv6 unicast"}},
      {Mode::kTunnel, {"tunnel t1", "tunnel t2"}},
      {Mode::kRouteMap, {"route-map RM permit 10"}},
      {Mode::kVpnGateway, {"vpn-gateway"}},
      {Mode::kVpnConnection, {"vpn-connection vc1", "vpn-connection vc2"}},
      {Mode::kBfd, {"bfd"}},
      {Mode::kBfdPeer, {"bfd\npeer 192.0.2.2"}},
  };
  return c;
}

// Sample values per placeholder. Attempt k takes value k (wrapping) of every placeholder, so
// values that must go together (an algorithm and its key lengths) share an index.
const std::map<std::string, std::vector<std::string>>& samples() {
  static const std::string key128 = "0x" + std::string(40, 'a');   // AES-128-GCM key + salt
  static const std::string key256 = "0x" + std::string(64, 'b');   // AES-256-CBC key
  static const std::map<std::string, std::vector<std::string>> s = {
      {"NAME", {"RM", "t1", "hq", "PL", "G", "vc1", "fresh", "AP", "CL", "LC", "spare", "t3"}},
      // Descriptions, and what community lists, set community and prepend take.
      {"TEXT", {"a description", "65002:100", "65002:1:1", "65001 65001"}},
      {"ADDRESS", {"192.0.2.2", "10.0.0.2", "2001:db8::2", "169.254.10.2", "203.0.113.20", "192.0.2.1"}},
      {"ADDRESS4", {"10.99.0.1", "192.0.2.2"}},
      {"ADDRESS6", {"2001:db8::2", "2001:db8::7"}},
      {"PREFIX", {"10.20.0.0/16", "2001:db8:20::/48", "10.40.0.0/16"}},
      {"PREFIX4", {"10.20.0.0/16", "10.30.0.0/16"}},
      {"PREFIX6", {"2001:db8:20::/48", "2001:db8:30::/48"}},
      {"SEQ", {"10", "20"}},
      {"PEER", {"192.0.2.2", "G", "10.0.0.2", "192.0.2.2", "192.0.2.30"}},
      {"SOURCE", {"192.0.2.1", "2001:db8::1"}},
      {"ASN", {"65002", "65001", "65020"}},
      {"TUNNEL", {"t1", "t2"}},
      {"IFNAME", {"t1", "eth0"}},
      {"SECONDS", {"30", "45"}},
      {"PROPOSALS", {"aes256gcm16-prfsha256-curve25519", "aes128gcm16-ecp256"}},
      {"LIFETIME", {"3600", "7200"}},
      {"KEEPALIVE", {"10", "20"}},
      {"HOLD", {"30", "60"}},
      {"IDENTITY", {"fqdn:vgw.example.net", "192.0.2.1"}},
      {"TXINTERVAL", {"200", "300"}},
      {"RXINTERVAL", {"200", "300"}},
      {"MULTIPLIER", {"5", "4"}},
      {"HOPS", {"3", "5"}},
      {"TTL", {"3", "5"}},
      {"VPNWEIGHT", {"0", "100"}},
      {"SPI", {"0x1001", "0x2001"}},
      {"ALGORITHM", {"aes128gcm16", "aes256-sha256"}},
      {"KEY", {key128, key256}},
      {"HMACKEY", {key256, key256}},
      {"WINDOW", {"128", "256"}},
      {"RETRIES", {"5", "4"}},
      {"PSK", {"fedcba9876543210", "another-secret-key"}},
      {"PATHS", {"4", "8"}},
      {"PASSWORD", {"s3cret", "s3cret2"}},
      {"NUMBER", {"200", "300"}},
      {"MTU", {"1400", "1300"}},
      {"MAXPREFIX", {"1000", "2000"}},
      {"GE", {"20", "18"}},
      {"LE", {"24", "28"}},
      {"INSIDE", {"169.254.30.1/30", "169.254.31.2/31"}},
      {"FAILBACK", {"30", "60"}},
      {"ECMP", {"4", "2"}},
      {"VPC", {"10.50.0.0/16", "10.60.0.0/16"}},
      {"PORT", {"4501", "4502"}},
      {"MINUTES", {"5", "10"}},
      {"INTERVALMS", {"500", "1000"}},
      {"DPDINTERVAL", {"15", "20"}},
      {"DISTANCE", {"200", "150"}},
      {"WEIGHT", {"5", "7"}},
      {"LINES", {"10", "20"}},
      {"COUNT", {"3", "4"}},
      {"SIZE", {"100", "200"}},
      {"PROBES", {"2", "3"}},
  };
  return s;
}

// Enough attempts for every value of the longest sample list.
constexpr size_t kAttempts = 12;

std::string line_of(const Grammar::Sequence& seq, size_t attempt, std::string* missing) {
  std::string line;
  for (const auto& e : seq) {
    if (!line.empty()) line += ' ';
    if (e.kind == Grammar::Element::Kind::kKeyword) {
      line += e.text;
      continue;
    }
    auto it = samples().find(e.text);
    if (it == samples().end()) {
      *missing = e.text;
      return {};
    }
    line += it->second[attempt % it->second.size()];
  }
  return line;
}

TEST(CommandRoundTrip, EveryConfigCommandOfTheGrammarRendersAndReloadsToTheSameState) {
  log::set_level(log::Level::kError);  // every change logs at info
  Gateway base_gw({""});
  auto st = load(base_gw, kBase);
  ASSERT_TRUE(st.ok()) << st.error().message;

  std::set<const cli::CommandSpec*> accepted;
  std::set<const cli::CommandSpec*> tried;
  std::set<std::string> missing_samples;
  size_t lines = 0;
  for (const auto& x : cli::command_grammar().expansions()) {
    auto ctx = contexts().find(x.command->mode);
    if (ctx == contexts().end()) continue;  // exec commands change nothing
    // `do COMMAND` runs an exec command from config mode: nothing to render.
    if (x.sequence.front().text == "do") continue;
    tried.insert(x.command);
    bool done = false;
    for (size_t attempt = 0; attempt < kAttempts && !done; ++attempt) {
      std::string missing;
      const std::string line = line_of(x.sequence, attempt, &missing);
      if (!missing.empty()) {
        missing_samples.insert(missing);
        break;
      }
      for (const auto& enter : ctx->second) {
        Gateway g({""});
        ASSERT_TRUE(load(g, kBase).ok());
        const std::string text = enter.empty() ? line : enter + "\n" + line;
        if (!load(g, text).ok()) continue;
        ++lines;
        done = true;
        accepted.insert(x.command);
        // render -> load -> render: a fixed point, and the same model.
        const std::string first = running(g);
        Gateway again({""});
        auto reload = load(again, first);
        ASSERT_TRUE(reload.ok()) << "after `" << text << "` the running config does not load: "
                                 << reload.error().message << "\n" << first;
        EXPECT_EQ(running(again), first) << "after `" << text << "`";
        EXPECT_TRUE(again.config() == g.config()) << "after `" << text << "`: another model\n" << first;
        break;
      }
    }
  }
  EXPECT_TRUE(missing_samples.empty()) << "placeholders without a sample value: " << [&] {
    std::string s;
    for (const auto& m : missing_samples) s += m + " ";
    return s;
  }();
  std::string never;
  for (const auto* c : tried) {
    if (!accepted.count(c)) never += std::string("\n  ") + cli::mode_name(c->mode) + ": " + c->syntax;
  }
  EXPECT_TRUE(never.empty()) << "commands none of whose forms was accepted on the sample config:" << never;
  EXPECT_GT(lines, 300u);
}

}  // namespace
}  // namespace vgw::routing
