// Everything the API accepts reloads (issue 14): a policy set or customer gateway that
// SetPolicies / CreateCustomerGateway acknowledges is written to the config file, and vgwd
// must be able to start from that file. Cases are generated from edge values of every field
// (names, seqs, regexes, community values, prefixes, lengths); for each one the API either
// refuses it with an error, or the running config it produces loads into a fresh gateway with
// the same state and renders to the same text.
#include <sstream>

#include <gtest/gtest.h>

#include "vgw/direct_backend.h"
#include "vgw/routing/cli/session.h"
#include "vgw/routing/gateway.h"

namespace vgw::routing {
namespace {

Status load(Gateway& gw, const std::string& text) {
  test::DirectBackend backend(gw);
  std::ostringstream out;
  cli::Session s(cli::command_grammar(), backend, out, {.config_file = true});
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (auto st = s.execute(line); !st) {
      return fail(Error::invalid("line " + std::to_string(n) + " \"" + line + "\": " + st.error().message));
    }
  }
  return s.finish();
}

// Accepted -> reloads to the same state. Returns whether the API accepted it.
bool check_reload(Gateway& a, const std::string& what) {
  v1::GetRunningConfigRequest secrets;
  secrets.set_show_secrets(true);
  const std::string text = a.get_running_config(secrets)->config();
  Gateway b({""});
  auto st = load(b, text);
  EXPECT_TRUE(st.ok()) << what << ": accepted by the API, refused on reload: "
                       << (st ? "" : st.error().message) << "\n" << text;
  if (!st) return false;
  EXPECT_EQ(a.config(), b.config()) << what << "\n" << text;
  EXPECT_EQ(b.get_running_config(secrets)->config(), text) << what;
  return true;
}

const std::vector<std::string> kNames = {
    "PL", "a.b-c_d", "R\xc3\xbc", "", "a b", "-x", "_x", ".x", std::string(63, 'n'),
    std::string(64, 'n'), std::string("a\0b", 3), "a\tb", "RM!", "x\n"};
const std::vector<uint32_t> kSeqs = {0, 1, 5, 4294967295u};
const std::vector<std::string> kRegexes = {
    "_65001_", "^$", " _65001_", "_65001_ ", "(65001", "a{1,100}", "[[:digit:]]+",
    "((((a{1,100}){1,100}){1,100}){1,100})", "65001\xc3\xbc", std::string(1025, '1'), "x\ty", ".*",
    "\\_", "_65001_|_65002_"};
const std::vector<std::string> kCommunities = {
    "65000:1", "no-export", "internet", "65536:1", "0:0", "65535:65535", "1:2:3", "x", "", " 1:1"};
const std::vector<std::string> kPrefixes = {
    "192.0.2.0/24", "2001:db8::/32", "192.0.2.1/24", "0.0.0.0/0", "10.0.0.0/33", "x", "",
    std::string("192.0.2.0/24\0junk", 17)};

TEST(ApiReload, EveryAcceptedPolicyReloads) {
  int accepted = 0, refused = 0;
  auto attempt = [&](const v1::Policies& p, const std::string& what) {
    Gateway a({""});
    v1::SetPoliciesRequest req;
    *req.mutable_policies() = p;
    auto r = a.set_policies(req);
    if (!r) {
      ++refused;
      EXPECT_FALSE(r.error().message.empty()) << what;
      EXPECT_LT(r.error().message.size(), 600u) << what;
      return;
    }
    ++accepted;
    check_reload(a, what);
  };
  for (const auto& name : kNames) {
    for (uint32_t seq : kSeqs) {
      for (const auto& prefix : kPrefixes) {
        v1::Policies p;
        auto* l = p.add_prefix_lists();
        l->set_name(name);
        auto* e = l->add_entries();
        e->set_seq(seq);
        e->set_action(v1::PERMIT);
        e->set_prefix(prefix);
        if (seq == 5) e->set_le(32);
        attempt(p, "prefix-list " + name + " seq " + std::to_string(seq) + " " + prefix);
      }
      for (const auto& regex : kRegexes) {
        v1::Policies p;
        auto* l = p.add_as_path_lists();
        l->set_name(name);
        auto* e = l->add_entries();
        e->set_seq(seq);
        e->set_action(v1::DENY);
        e->set_regex(regex);
        attempt(p, "as-path " + name + " seq " + std::to_string(seq) + " " + regex.substr(0, 40));
      }
      for (const auto& value : kCommunities) {
        for (bool large : {false, true}) {
          v1::Policies p;
          auto* l = p.add_community_lists();
          l->set_name(name);
          l->set_large(large);
          auto* e = l->add_entries();
          e->set_seq(seq);
          e->set_action(v1::PERMIT);
          e->add_values(value);
          attempt(p, "community-list " + name + " " + value);
        }
      }
      v1::Policies p;
      auto* m = p.add_route_maps();
      m->set_name(name);
      auto* e = m->add_entries();
      e->set_seq(seq);
      e->set_action(v1::PERMIT);
      e->mutable_match()->set_as_path(name);
      e->mutable_set()->set_weight(seq);
      e->mutable_set()->set_metric(seq);
      e->mutable_set()->add_as_path_prepend(seq);
      attempt(p, "route-map " + name + " seq " + std::to_string(seq));
    }
  }
  // The generator must exercise both outcomes, or it proves nothing.
  EXPECT_GT(accepted, 50);
  EXPECT_GT(refused, 50);
}

TEST(ApiReload, EveryAcceptedCustomerGatewayReloads) {
  const std::vector<std::string> addresses = {
      "203.0.113.1", std::string("203.0.113.1\0junk", 16), "::ffff:203.0.113.1", "2001:db8::1",
      "0.0.0.0", "224.0.0.1", " 203.0.113.1", "fe80::1"};
  const std::vector<std::string> asns = {"65001", "0", "4294967295", "1.10", "4294967296", ""};
  const std::vector<std::string> descriptions = {"", "HQ", " x", "x ", "a\nb",
                                                 std::string(255, 'd'), std::string(256, 'd'),
                                                 "caf\xc3\xa9"};
  int accepted = 0, refused = 0;
  for (const auto& name : kNames) {
    for (const auto& ip : addresses) {
      for (const auto& asn : asns) {
        for (const auto& d : descriptions) {
          Gateway a({""});
          v1::CreateCustomerGatewayRequest req;
          req.set_name(name);
          req.set_ip_address(ip);
          req.set_asn(asn);
          req.set_description(d);
          auto r = a.create_customer_gateway(req);
          if (!r) {
            ++refused;
            EXPECT_LT(r.error().message.size(), 600u);
            continue;
          }
          ++accepted;
          check_reload(a, "customer-gateway " + name + " ip " + ip + " asn " + asn);
        }
      }
    }
  }
  EXPECT_GT(accepted, 10);
  EXPECT_GT(refused, 100);
}

}  // namespace
}  // namespace vgw::routing
