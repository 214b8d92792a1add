// BGP peer-groups (FRR's `neighbor NAME peer-group`): members run with their group's settings
// unless they set their own, a change of the group reaches every member at once, the running
// config renders groups and members so that they reload to the same model, and every refusal
// names what is wrong and changes nothing.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "vgw/direct_backend.h"
#include "vgw/routing/cli/session.h"
#include "vgw/routing/gateway.h"

namespace vgw::routing {
namespace {

Status load(Gateway& gw, const std::string& text) {
  test::DirectBackend backend(gw);
  return apply_lines(backend, text, "");
}

std::string running(const Gateway& gw, bool secrets = true) {
  v1::GetRunningConfigRequest r;
  r.set_show_secrets(secrets);
  return gw.get_running_config(r)->config();
}

// The settings a neighbor runs with (what the BGP plan gives the speaker).
BgpNeighborConfig in_force(const Gateway& gw, const char* address) {
  const auto& bgp = *gw.config().bgp;
  return effective_neighbor(bgp, bgp.neighbors.at(*IpAddress::parse(address)));
}

v1::Peer peer(Gateway& gw, const char* address) {
  test::DirectBackend backend(gw);
  v1::ListPeerRequest req;
  req.set_address(address);
  v1::ListPeerResponse one;
  v1::Peer out;
  EXPECT_TRUE(backend.stream("/vgw.v1.BgpService/ListPeer", req, one, [&]() -> Status {
    out = one.peer();
    return {};
  }).ok());
  return out;
}

std::set<std::string> inherited(const v1::Peer& p) {
  return {p.config().inherited_fields().begin(), p.config().inherited_fields().end()};
}

const char* kBase =
    "route-map IN permit 10\nexit\nroute-map OUT permit 10\nexit\n"
    "router bgp 65000\n"
    " neighbor SPINES peer-group\n"
    " neighbor SPINES remote-as external\n"
    " neighbor SPINES description spine layer\n"
    " neighbor SPINES password s3cret\n"
    " neighbor SPINES timers 10 30\n"
    " neighbor SPINES timers connect 15\n"
    " neighbor SPINES bfd\n"
    " neighbor SPINES passive\n"
    " neighbor SPINES maximum-prefix 5000 warning-only\n"
    " neighbor SPINES advertisement-interval 2\n"
    " neighbor SPINES ttl-security\n"
    " neighbor 10.0.1.1 peer-group SPINES\n"
    " neighbor 10.0.2.1 peer-group SPINES\n"
    " neighbor 10.0.2.1 description spine-2\n"
    " neighbor 10.0.2.1 timers 30 90\n"
    " neighbor LEAVES peer-group\n"
    " neighbor LEAVES update-source 2001:db8::1\n"
    " neighbor 2001:db8::5 remote-as 65005\n"
    " neighbor 2001:db8::5 peer-group LEAVES\n"
    " neighbor 2001:db8::6 remote-as 65006\n"
    " neighbor 2001:db8::6 peer-group LEAVES\n"
    " neighbor 192.0.2.9 remote-as 65009\n"
    " address-family ipv4 unicast\n"
    "  neighbor SPINES route-map IN in\n"
    "  neighbor SPINES route-map OUT out\n"
    "  neighbor SPINES next-hop-self\n"
    "  neighbor SPINES weight 200\n"
    "  neighbor 10.0.2.1 weight 0\n"
    " exit-address-family\n"
    " address-family ipv6 unicast\n"
    "  neighbor LEAVES activate\n"
    "  neighbor 2001:db8::6 route-map IN in\n"
    " exit-address-family\n"
    "exit\n";

TEST(PeerGroup, MembersRunWithTheGroupsSettingsUnlessTheySetTheirOwn) {
  Gateway gw({""});
  auto st = load(gw, kBase);
  ASSERT_TRUE(st.ok()) << st.error().message;

  auto one = in_force(gw, "10.0.1.1");
  EXPECT_EQ(one.remote_as_kind, BgpNeighborConfig::RemoteAs::kExternal);
  EXPECT_EQ(one.description, "spine layer");
  EXPECT_EQ(one.password, "s3cret");
  EXPECT_EQ(one.keepalive, 10);
  EXPECT_EQ(one.hold, 30);
  EXPECT_EQ(one.connect_retry, 15);
  EXPECT_TRUE(one.bfd);
  EXPECT_TRUE(one.passive);
  EXPECT_TRUE(one.ttl_security);
  EXPECT_EQ(one.maximum_prefix, 5000u);
  EXPECT_TRUE(one.maximum_prefix_warning_only);
  EXPECT_EQ(one.advertisement_interval, 2);
  EXPECT_EQ(one.route_map_in, "IN");
  EXPECT_EQ(one.route_map_out, "OUT");
  EXPECT_TRUE(one.next_hop_self);
  EXPECT_EQ(one.weight, 200u);
  EXPECT_TRUE(one.ipv4_unicast);

  // Its own description, and the defaults' timers and weight held against the group's.
  auto two = in_force(gw, "10.0.2.1");
  EXPECT_EQ(two.description, "spine-2");
  EXPECT_EQ(two.keepalive, 30);
  EXPECT_EQ(two.hold, 90);
  EXPECT_EQ(two.weight, 0u);
  EXPECT_EQ(two.route_map_in, "IN");

  // A group without remote-as: each member has its own; the group's update-source and activate.
  auto five = in_force(gw, "2001:db8::5");
  EXPECT_EQ(five.remote_as, 65005u);
  EXPECT_EQ(five.update_source->to_string(), "2001:db8::1");
  EXPECT_TRUE(five.ipv6_unicast);
  EXPECT_EQ(in_force(gw, "2001:db8::6").route_map_in, "IN");
  EXPECT_EQ(in_force(gw, "192.0.2.9").keepalive, 30);  // not a member

  // The API shows the values in force, the group, and what comes from it.
  auto p = peer(gw, "10.0.2.1");
  EXPECT_EQ(p.config().peer_group(), "SPINES");
  EXPECT_EQ(p.config().hold_time(), 90u);
  EXPECT_TRUE(p.config().has_password());
  EXPECT_TRUE(p.config().password().empty());
  auto from = inherited(p);
  EXPECT_TRUE(from.count("remote_as") && from.count("route_map_in") && from.count("password") && from.count("bfd"));
  EXPECT_FALSE(from.count("description") || from.count("hold_time") || from.count("weight"));
  EXPECT_TRUE(peer(gw, "192.0.2.9").config().inherited_fields().empty());

  v1::ListPeerGroupsRequest lr;
  auto groups = gw.list_peer_groups(lr);
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->groups_size(), 2);
  const auto& spines = groups->groups(1);
  EXPECT_EQ(spines.name(), "SPINES");
  EXPECT_EQ(spines.members_size(), 2);
  EXPECT_EQ(spines.members(1), "10.0.2.1");
  EXPECT_TRUE(spines.config().password().empty());
  EXPECT_TRUE(spines.config().has_password());
}

TEST(PeerGroup, RunningConfigRendersGroupsAndMembersAndReloadsToTheSameModel) {
  Gateway a({""});
  ASSERT_TRUE(load(a, kBase).ok());
  std::string text = running(a);
  // Groups before the members that name them; a member's own remote-as before its group line.
  EXPECT_LT(text.find(" neighbor SPINES peer-group\n"), text.find(" neighbor 10.0.1.1 peer-group SPINES\n"));
  EXPECT_LT(text.find(" neighbor 2001:db8::5 remote-as 65005\n"), text.find(" neighbor 2001:db8::5 peer-group LEAVES\n"));
  EXPECT_NE(text.find(" neighbor 10.0.2.1 timers 30 90\n"), std::string::npos);
  EXPECT_NE(text.find("  neighbor 10.0.2.1 weight 0\n"), std::string::npos);
  EXPECT_EQ(text.find("neighbor 10.0.1.1 timers"), std::string::npos);  // inherited: not its line
  EXPECT_NE(running(a, false).find(" neighbor SPINES password <hidden>\n"), std::string::npos);

  Gateway b({""});
  auto st = load(b, text);
  ASSERT_TRUE(st.ok()) << st.error().message << "\n" << text;
  EXPECT_EQ(a.config(), b.config());
  EXPECT_EQ(running(b), text);
}

TEST(PeerGroup, AChangeOfTheGroupReachesEveryMemberThatDoesNotSetItsOwn) {
  Gateway gw({""});
  ASSERT_TRUE(load(gw, kBase).ok());
  ASSERT_TRUE(load(gw, "router bgp 65000\n neighbor SPINES timers 5 15\n neighbor SPINES shutdown message upgrade\n").ok());
  EXPECT_EQ(in_force(gw, "10.0.1.1").hold, 15);
  EXPECT_TRUE(in_force(gw, "10.0.1.1").shutdown);
  EXPECT_EQ(in_force(gw, "10.0.1.1").shutdown_message, "upgrade");
  EXPECT_EQ(in_force(gw, "10.0.2.1").hold, 90);  // its own
  EXPECT_TRUE(in_force(gw, "10.0.2.1").shutdown);

  // `no` on a member: the group's value again; on the group: the default for the members.
  ASSERT_TRUE(load(gw, "router bgp 65000\n no neighbor 10.0.2.1 timers\n no neighbor 10.0.2.1 description\n").ok());
  EXPECT_EQ(in_force(gw, "10.0.2.1").hold, 15);
  EXPECT_EQ(in_force(gw, "10.0.2.1").description, "spine layer");
  ASSERT_TRUE(load(gw, "router bgp 65000\n no neighbor SPINES shutdown\n no neighbor SPINES bfd\n"
                       " address-family ipv4 unicast\n  no neighbor SPINES route-map IN in\n").ok());
  for (const char* m : {"10.0.1.1", "10.0.2.1"}) {
    EXPECT_FALSE(in_force(gw, m).shutdown) << m;
    EXPECT_FALSE(in_force(gw, m).bfd) << m;
    EXPECT_EQ(in_force(gw, m).route_map_in, "") << m;
    EXPECT_EQ(in_force(gw, m).route_map_out, "OUT") << m;
  }
  // A member's `no` of a flag its group sets hands it back: the flag stays (as FRR).
  ASSERT_TRUE(load(gw, "router bgp 65000\n no neighbor 10.0.1.1 passive\n").ok());
  EXPECT_TRUE(in_force(gw, "10.0.1.1").passive);
  // Setting a member's knob to the group's value makes it its own: a later group change
  // leaves it.
  ASSERT_TRUE(load(gw, "router bgp 65000\n neighbor 10.0.1.1 timers 5 15\n neighbor SPINES timers 20 60\n").ok());
  EXPECT_EQ(in_force(gw, "10.0.1.1").hold, 15);
  EXPECT_EQ(in_force(gw, "10.0.2.1").hold, 60);
}

TEST(PeerGroup, JoiningAndLeavingKeepTheSettingsThePeerRunsWith) {
  Gateway gw({""});
  ASSERT_TRUE(load(gw, kBase).ok());
  // 192.0.2.9 has remote-as 65009 of its own: a group with remote-as external refuses it.
  auto bad = load(gw, "router bgp 65000\n neighbor 192.0.2.9 peer-group SPINES\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("has a remote-as of its own and peer-group SPINES sets one too"),
            std::string::npos)
      << bad.error().message;
  // Into a group without remote-as, its settings stay its own.
  ASSERT_TRUE(load(gw, "router bgp 65000\n neighbor EDGE peer-group\n neighbor EDGE passive\n"
                      " neighbor 192.0.2.9 timers 7 21\n neighbor 192.0.2.9 peer-group EDGE\n").ok());
  auto n = gw.config().bgp->neighbors.at(*IpAddress::parse("192.0.2.9"));
  EXPECT_EQ(n.peer_group, "EDGE");
  EXPECT_TRUE(in_force(gw, "192.0.2.9").passive);
  EXPECT_EQ(in_force(gw, "192.0.2.9").hold, 21);
  EXPECT_EQ(in_force(gw, "192.0.2.9").remote_as, 65009u);

  // Leaving: the settings in force become the peer's own, the session sees no change.
  auto before = in_force(gw, "10.0.1.1");
  ASSERT_TRUE(load(gw, "router bgp 65000\n no neighbor 10.0.1.1 peer-group SPINES\n").ok());
  auto after = in_force(gw, "10.0.1.1");
  before.peer_group.clear();
  EXPECT_EQ(after, before);
  EXPECT_NE(running(gw).find(" neighbor 10.0.1.1 remote-as external\n"), std::string::npos);
  EXPECT_NE(running(gw).find(" neighbor 10.0.1.1 timers 10 30\n"), std::string::npos);
  Gateway b({""});
  ASSERT_TRUE(load(b, running(gw)).ok());
  EXPECT_EQ(b.config(), gw.config());

  // A new peer joins a group with a remote-as in one line; its settings are all the group's.
  ASSERT_TRUE(load(gw, "router bgp 65000\n neighbor 10.0.3.1 peer-group SPINES\n").ok());
  EXPECT_EQ(gw.config().bgp->neighbors.at(*IpAddress::parse("10.0.3.1")).own.none(), true);
  EXPECT_EQ(in_force(gw, "10.0.3.1").hold, 30);
}

TEST(PeerGroup, RefusalsSayWhatIsWrongAndChangeNothing) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"router bgp 65000\n neighbor 10.0.0.1 peer-group\n", "10.0.0.1 is an address: a peer-group is named by a word"},
      {"router bgp 65000\n neighbor 10.0.4.1 peer-group NOPE\n", "peer-group NOPE does not exist"},
      {"router bgp 65000\n neighbor NOPE timers 3 9\n", "peer-group NOPE does not exist"},
      {"router bgp 65000\n neighbor 10.0.4.1 peer-group LEAVES\n", "peer 10.0.4.1 has no remote-as"},
      {"router bgp 65000\n neighbor 10.0.1.1 remote-as 65001\n", "has a remote-as of its own"},
      {"router bgp 65000\n no neighbor SPINES\n", "peer-group SPINES has members (10.0.1.1, 10.0.2.1)"},
      {"router bgp 65000\n no neighbor SPINES peer-group\n", "peer-group SPINES has members"},
      {"router bgp 65000\n neighbor 10.0.1.1 ebgp-multihop 3\n", "ttl-security and ebgp-multihop exclude each other"},
      {"router bgp 65000\n neighbor LEAVES timers 60 30\n", "keepalive"},
      {"router bgp 65000\n neighbor SPINES update-source 2001:db8::1\n", "peer 10.0.1.1 with the settings of peer-group SPINES"},
      {"router bgp 65000\n neighbor 192.0.2.9 peer-group LEAVES\n", "update-source must be of the peer address's family"},
      {"router bgp 65000\n neighbor 10.0.2.1 peer-group LEAVES\n", "is a member of peer-group SPINES: take it out"},
      {"router bgp 65000\n no neighbor 192.0.2.9 peer-group\n", "is in no peer-group"},
      {"router bgp 65000\n no neighbor 10.0.1.1 peer-group LEAVES\n", "is in peer-group SPINES, not LEAVES"},
      {"router bgp 65000\n no neighbor SPINES peer-group LEAVES\n", "only a peer leaves a peer-group"},
      {"router bgp 65000\n neighbor SPINES peer-group LEAVES\n", "only a peer joins a peer-group"},
      {"router bgp 65000\n neighbor 10.0.0 description x\n", "10.0.0"},
      {"router bgp 65000\n no neighbor SPINES remote-as 1\n", "peer 10.0.1.1 has no remote-as"},
  };
  for (const auto& [text, why] : cases) {
    Gateway gw({""});
    ASSERT_TRUE(load(gw, kBase).ok());
    auto before = gw.config();
    auto st = load(gw, text);
    ASSERT_FALSE(st.ok()) << text;
    EXPECT_NE(st.error().message.find(why), std::string::npos) << text << ": " << st.error().message;
    EXPECT_EQ(gw.config(), before) << text;
  }
  // A group without members goes; a group's name is not a peer's.
  Gateway gw({""});
  ASSERT_TRUE(load(gw, kBase).ok());
  ASSERT_TRUE(load(gw, "router bgp 65000\n neighbor EMPTY peer-group\n neighbor EMPTY peer-group\n no neighbor EMPTY\n").ok());
  EXPECT_EQ(gw.config().bgp->peer_groups.count("EMPTY"), 0u);
}

TEST(PeerGroup, TheApiSetsClearsAndInheritsByFieldName) {
  Gateway gw({""});
  ASSERT_TRUE(load(gw, kBase).ok());
  v1::AddPeerGroupRequest add;
  add.set_name("RR");
  add.mutable_config()->set_remote_as_type("internal");
  add.mutable_config()->set_hold_time(9);
  add.mutable_config()->set_keepalive_time(3);
  add.mutable_config()->set_description("not listed, so not set");
  add.add_set_fields("remote_as_type");
  add.add_set_fields("hold_time");
  auto g = gw.add_peer_group(add);
  ASSERT_TRUE(g.ok()) << g.error().message;
  std::set<std::string> set(g->set_fields().begin(), g->set_fields().end());
  EXPECT_EQ(set, (std::set<std::string>{"remote_as", "remote_as_type", "keepalive_time", "hold_time"}));
  EXPECT_TRUE(g->config().description().empty());
  EXPECT_EQ(gw.add_peer_group(add).error().code, ErrorCode::kAlreadyExists);

  v1::AddPeerRequest ap;
  ap.mutable_peer()->set_address("10.9.9.9");
  ap.mutable_peer()->set_peer_group("RR");
  auto p = gw.add_peer(ap);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->config().hold_time(), 9u);
  EXPECT_EQ(in_force(gw, "10.9.9.9").remote_as_kind, BgpNeighborConfig::RemoteAs::kInternal);

  v1::UpdatePeerGroupRequest up;
  up.set_name("RR");
  up.add_clear_fields("keepalive_time");
  ASSERT_TRUE(gw.update_peer_group(up).ok());
  EXPECT_EQ(in_force(gw, "10.9.9.9").hold, 90);
  up.clear_clear_fields();
  up.add_update_fields("no_such_field");
  auto bad = gw.update_peer_group(up);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("'no_such_field' is not a PeerConfig field"), std::string::npos);

  v1::UpdatePeerRequest u;
  u.mutable_peer()->set_address("10.9.9.9");
  u.mutable_peer()->set_weight(5);
  u.add_update_fields("weight");
  ASSERT_TRUE(gw.update_peer(u).ok());
  EXPECT_EQ(in_force(gw, "10.9.9.9").weight, 5u);
  u.clear_update_fields();
  u.add_inherit_fields("weight");
  ASSERT_TRUE(gw.update_peer(u).ok());
  EXPECT_EQ(in_force(gw, "10.9.9.9").weight, 0u);

  // Outside a group, a peer cannot hand its remote-as back: there is nothing to take one from.
  v1::UpdatePeerRequest lone;
  lone.mutable_peer()->set_address("192.0.2.9");
  lone.add_inherit_fields("remote_as");
  auto refused = gw.update_peer(lone);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("is in no peer-group to take one from"), std::string::npos);
  EXPECT_EQ(in_force(gw, "192.0.2.9").remote_as, 65009u);

  v1::DeletePeerGroupRequest del;
  del.set_name("RR");
  EXPECT_EQ(gw.delete_peer_group(del).error().code, ErrorCode::kFailedPrecondition);
  v1::DeletePeerRequest dp;
  dp.set_address("10.9.9.9");
  ASSERT_TRUE(gw.delete_peer(dp).ok());
  EXPECT_TRUE(gw.delete_peer_group(del).ok());
  EXPECT_EQ(gw.delete_peer_group(del).error().code, ErrorCode::kNotFound);
}

// What the shell shows: each group with what it gives and its members; a member's group and
// the settings it takes from it.
TEST(PeerGroup, ShowOutputExplainsGroupsAndMembers) {
  Gateway gw({""});
  ASSERT_TRUE(load(gw, kBase).ok());
  test::DirectBackend backend(gw);
  std::ostringstream out;
  cli::Session s(cli::command_grammar(), backend, out, {});
  ASSERT_TRUE(s.execute("show bgp peer-group SPINES").ok());
  std::string text = out.str();
  for (const char* want : {"BGP peer-group SPINES\n", "    remote-as external\n", "    password <hidden>\n",
                           "    timers 10 30\n", "    maximum-prefix 5000 warning-only\n", "    route-map IN in\n",
                           "    weight 200\n", "  Members: 2\n", "    10.0.1.1  Idle\n"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << " in:\n" << text;
  }
  EXPECT_EQ(text.find("s3cret"), std::string::npos);
  out.str("");
  ASSERT_TRUE(s.execute("show bgp neighbors 10.0.2.1").ok());
  text = out.str();
  EXPECT_NE(text.find("  Member of peer-group SPINES; from it: remote-as, password, ttl-security, passive, "
                      "timers connect, maximum-prefix, route-map in, route-map out, advertisement-interval, "
                      "next-hop-self, bfd\n"),
            std::string::npos)
      << text;
  out.str("");
  ASSERT_TRUE(s.execute("show bgp peer-group json").ok());
  EXPECT_NE(out.str().find("\"setFields\""), std::string::npos) << out.str();
  auto bad = s.execute("show bgp peer-group NOPE");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("peer-group NOPE does not exist"), std::string::npos);
  bad = s.execute("clear bgp peer-group NOPE");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("peer-group NOPE does not exist"), std::string::npos);
}

}  // namespace
}  // namespace vgw::routing
