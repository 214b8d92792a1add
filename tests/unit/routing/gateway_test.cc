#include "vgw/routing/gateway.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "vgw/base/file.h"

namespace vgw::routing {
namespace {

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vgw-gateway-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static v1::CreateCustomerGatewayRequest cgw(std::string name, std::string ip, std::string asn,
                                              std::string description = "") {
    v1::CreateCustomerGatewayRequest r;
    r.set_name(name);
    r.set_ip_address(ip);
    r.set_asn(asn);
    r.set_description(description);
    return r;
  }
  std::string dir_;
};

TEST_F(GatewayTest, CreatesDescribesModifiesDeletes) {
  Gateway gw({dir_ + "/vgwd.conf"});
  auto c = gw.create_customer_gateway(cgw("hq", "203.0.113.10", "1.10", "HQ"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->asn(), 65546u);
  ASSERT_TRUE(gw.create_customer_gateway(cgw("br", "2001:DB8::1", "65010")).ok());

  auto all = gw.describe_customer_gateways({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->customer_gateways_size(), 2);
  EXPECT_EQ(all->customer_gateways(0).name(), "br");  // ordered by name
  EXPECT_EQ(all->customer_gateways(0).ip_address(), "2001:db8::1");  // canonical form

  v1::ModifyCustomerGatewayRequest mod;
  mod.set_name("hq");
  mod.set_description("Headquarters");
  auto m = gw.modify_customer_gateway(mod);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->description(), "Headquarters");
  EXPECT_EQ(m->ip_address(), "203.0.113.10");  // untouched fields keep their values

  v1::DeleteCustomerGatewayRequest del;
  del.set_name("br");
  ASSERT_TRUE(gw.delete_customer_gateway(del).ok());
  EXPECT_EQ(gw.config().customer_gateways.size(), 1u);
}

TEST_F(GatewayTest, RefusesBadInputNamingFieldAndRule) {
  Gateway gw({""});
  struct Case {
    v1::CreateCustomerGatewayRequest req;
    std::string expect;
  } cases[] = {
      {cgw("", "192.0.2.1", "1"), "name is required"},
      {cgw("-x", "192.0.2.1", "1"), "must start with a letter or a digit"},
      {cgw("a b", "192.0.2.1", "1"), "may contain only letters"},
      {cgw(std::string(64, 'a'), "192.0.2.1", "1"), "longer than 63"},
      {cgw("x", "", "1"), "ip_address is required"},
      {cgw("x", "192.0.2", "1"), "ip_address: '192.0.2' is not an IPv4 address"},
      {cgw("x", "0.0.0.0", "1"), "unspecified"},
      {cgw("x", "ff02::1", "1"), "multicast"},
      {cgw("x", "255.255.255.255", "1"), "broadcast"},
      {cgw("x", "192.0.2.1", ""), "asn is required"},
      {cgw("x", "192.0.2.1", "4294967296"), "asn: '4294967296' is not an AS number"},
      {cgw("x", "192.0.2.1", "23456"), "AS_TRANS"},
      {cgw("x", "192.0.2.1", "1", "two\nlines"), "description must not contain control"},
      {cgw("x", "192.0.2.1", "1", std::string(256, 'd')), "description is longer than 255"},
  };
  for (const auto& c : cases) {
    auto r = gw.create_customer_gateway(c.req);
    ASSERT_FALSE(r.ok()) << c.expect;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << c.expect;
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos)
        << "got: " << r.error().message << " want: " << c.expect;
  }
  EXPECT_TRUE(gw.config().customer_gateways.empty());
}

TEST_F(GatewayTest, DuplicateAndUnknownNames) {
  Gateway gw({""});
  ASSERT_TRUE(gw.create_customer_gateway(cgw("hq", "192.0.2.1", "65001")).ok());
  auto dup = gw.create_customer_gateway(cgw("hq", "192.0.2.2", "65002"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(gw.config().customer_gateways.at("hq").asn, 65001u);  // unchanged

  v1::DescribeCustomerGatewaysRequest d;
  d.set_name("nope");
  EXPECT_EQ(gw.describe_customer_gateways(d).error().code, ErrorCode::kNotFound);
  v1::ModifyCustomerGatewayRequest m;
  m.set_name("nope");
  EXPECT_EQ(gw.modify_customer_gateway(m).error().code, ErrorCode::kNotFound);
  v1::DeleteCustomerGatewayRequest del;
  del.set_name("nope");
  EXPECT_EQ(gw.delete_customer_gateway(del).error().code, ErrorCode::kNotFound);
}

TEST_F(GatewayTest, PersistsEveryChangeBeforeReplying) {
  std::string path = dir_ + "/vgwd.conf";
  Gateway gw({path});
  ASSERT_TRUE(gw.create_customer_gateway(cgw("hq", "192.0.2.1", "65001", "Head office")).ok());
  auto text = read_file(path);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("customer-gateway hq ip 192.0.2.1 asn 65001 description Head office\n"),
            std::string::npos)
      << *text;
  struct stat st{};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(GatewayTest, UnwritableConfigRefusesChangeAndKeepsState) {
  Gateway gw({dir_ + "/missing/vgwd.conf"});
  auto r = gw.create_customer_gateway(cgw("hq", "192.0.2.1", "65001"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("nothing was changed"), std::string::npos);
  EXPECT_TRUE(gw.config().customer_gateways.empty());
  auto h = gw.health({});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->state(), v1::HealthResponse::DEGRADED);
  ASSERT_EQ(h->problems_size(), 1);
}

TEST_F(GatewayTest, LoadingDoesNotRewriteTheFile) {
  std::string path = dir_ + "/vgwd.conf";
  ASSERT_TRUE(write_file_atomic(path, "! hand-written\n", 0600).ok());
  Gateway gw({path});
  gw.set_persist(false);
  ASSERT_TRUE(gw.create_customer_gateway(cgw("hq", "192.0.2.1", "65001")).ok());
  EXPECT_EQ(*read_file(path), "! hand-written\n");
}

}  // namespace
}  // namespace vgw::routing

namespace vgw::routing {
namespace {

v1::CreateStaticRouteRequest static_route(std::string prefix, std::string gw, std::string dev = "",
                                          uint32_t distance = 0, uint32_t weight = 0) {
  v1::CreateStaticRouteRequest r;
  r.mutable_route()->set_prefix(prefix);
  r.mutable_route()->set_nexthop_address(gw);
  r.mutable_route()->set_interface(dev);
  r.mutable_route()->set_distance(distance);
  r.mutable_route()->set_weight(weight);
  return r;
}

TEST(GatewayStaticRoutes, EcmpSetFormsOneRibRouteAndFollowsConnected) {
  Gateway gw({""});
  ASSERT_TRUE(gw.create_static_route(static_route("198.51.100.0/24", "10.1.0.2")).ok());
  ASSERT_TRUE(gw.create_static_route(static_route("198.51.100.0/24", "10.2.0.2", "", 0, 3)).ok());
  // Without connected routes the gateways do not resolve: nothing is selected.
  auto p = *Prefix::parse("198.51.100.0/24");
  EXPECT_FALSE(gw.rib().selected(p).active());
  auto routes = gw.describe_routes(p, false);
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0].nexthops_size(), 2);
  EXPECT_NE(routes[0].status().find("unresolvable"), std::string::npos) << routes[0].status();

  // Connected networks appear (as the kernel sync would add them): the ECMP set resolves.
  for (auto [net, dev, idx] : {std::tuple{"10.1.0.0/24", "eth1", 2u}, std::tuple{"10.2.0.0/24", "eth2", 3u}}) {
    rib::Nexthop nh;
    nh.interface = dev;
    nh.ifindex = idx;
    auto g = gw.rib().groups().intern({nh});
    ASSERT_TRUE(g.ok());
    ASSERT_TRUE(gw.rib().add(*Prefix::parse(net), {rib::RouteSource::kConnected, static_cast<uint16_t>(idx), 0, {}, *g}).ok());
    gw.rib().groups().release(*g);
  }
  auto sel = gw.rib().selected(p);
  ASSERT_TRUE(sel.active());
  auto members = gw.rib().groups().members(sel.group);
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[1].weight, 3);
  routes = gw.describe_routes(p, false);
  EXPECT_TRUE(routes[0].selected());
  EXPECT_EQ(routes[0].resolved_nexthops_size(), 2);
}

TEST(GatewayStaticRoutes, ValidatesAndDeletes) {
  Gateway gw({""});
  struct Case {
    v1::CreateStaticRouteRequest req;
    std::string expect;
  } cases[] = {
      {static_route("", "10.0.0.1"), "route.prefix is required"},
      {static_route("10.0.0.1/8", "10.0.0.1"), "did you mean 10.0.0.0/8"},
      {static_route("10.0.0.0/8", "2001:db8::1"), "not of the prefix's address family"},
      {static_route("10.0.0.0/8", "224.0.0.1"), "cannot be a gateway"},
      {static_route("10.0.0.0/8", ""), "needs a nexthop_address, an interface, or both"},
      {static_route("10.0.0.0/8", "", "a/b"), "may not contain"},
      {static_route("10.0.0.0/8", "", "averyveryverylongname!"), "may contain only"},  // longer than 15: a tunnel name
      {static_route("10.0.0.0/8", "10.0.0.1", "", 256), "distance must be 1..255"},
      {static_route("10.0.0.0/8", "10.0.0.1", "", 1, 300), "weight must be 1..255"},
      {static_route("2001:db8::/32", "fe80::1"), "link-local: name the interface"},
  };
  for (const auto& c : cases) {
    auto r = gw.create_static_route(c.req);
    ASSERT_FALSE(r.ok()) << c.expect;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << r.error().message;
  }
  ASSERT_TRUE(gw.create_static_route(static_route("10.0.0.0/8", "10.0.0.1", "", 5)).ok());
  ASSERT_TRUE(gw.create_static_route(static_route("10.0.0.0/8", "10.0.0.1", "", 7)).ok());
  EXPECT_EQ(gw.config().static_routes.size(), 2u);
  v1::DeleteStaticRouteRequest del;
  del.mutable_route()->set_prefix("10.0.0.0/8");
  del.mutable_route()->set_nexthop_address("10.0.0.1");
  ASSERT_TRUE(gw.delete_static_route(del).ok());  // distance 0: any
  EXPECT_TRUE(gw.config().static_routes.empty());
  auto again = gw.delete_static_route(del);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace vgw::routing
