#include "vgw/base/ip.h"

#include <gtest/gtest.h>

namespace vgw {
namespace {

TEST(IpAddress, ParsesAndFormatsIpv4) {
  auto a = IpAddress::parse("192.0.2.1");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->is_v4());
  EXPECT_EQ(a->v4_host_order(), 0xc0000201u);
  EXPECT_EQ(a->to_string(), "192.0.2.1");
}

TEST(IpAddress, FormatsIpv6Canonically) {
  auto a = IpAddress::parse("2001:0DB8:0000:0000:0000:0000:0000:0001");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->is_v6());
  EXPECT_EQ(a->to_string(), "2001:db8::1");  // RFC 5952: lower case, longest zero run
  EXPECT_EQ(IpAddress::parse("::ffff:192.0.2.1")->to_string(), "::ffff:192.0.2.1");
}

TEST(IpAddress, RejectsBadInputWithMessage) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4x", "1.2.3.4 ", " 1.2.3.4",
                          "a.b.c.d", "2001:db8:::1", "2001:db8::g", "1:2:3:4:5:6:7:8:9", "::1/128"}) {
    auto r = IpAddress::parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
      EXPECT_NE(r.error().message.find("not an"), std::string::npos) << r.error().message;
    }
  }
}

TEST(IpAddress, Classifies) {
  EXPECT_TRUE(IpAddress::parse("0.0.0.0")->is_unspecified());
  EXPECT_TRUE(IpAddress::parse("::")->is_unspecified());
  EXPECT_TRUE(IpAddress::parse("224.0.0.5")->is_multicast());
  EXPECT_TRUE(IpAddress::parse("ff02::1")->is_multicast());
  EXPECT_TRUE(IpAddress::parse("127.0.0.1")->is_loopback());
  EXPECT_TRUE(IpAddress::parse("::1")->is_loopback());
  EXPECT_TRUE(IpAddress::parse("255.255.255.255")->is_v4_broadcast());
  EXPECT_TRUE(IpAddress::parse("169.254.10.1")->is_link_local());
  EXPECT_TRUE(IpAddress::parse("fe80::1")->is_link_local());
  EXPECT_FALSE(IpAddress::parse("203.0.113.7")->is_multicast());
}

TEST(IpAddress, OrdersV4BeforeV6AndNumerically) {
  EXPECT_LT(*IpAddress::parse("9.0.0.0"), *IpAddress::parse("10.0.0.0"));
  EXPECT_LT(*IpAddress::parse("255.0.0.0"), *IpAddress::parse("::"));
}

TEST(Prefix, ParsesAndNormalises) {
  auto p = Prefix::parse("10.1.0.0/16");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->length(), 16);
  EXPECT_EQ(p->to_string(), "10.1.0.0/16");
  EXPECT_EQ(Prefix::parse("2001:db8::/32")->to_string(), "2001:db8::/32");
  EXPECT_EQ(Prefix::parse("0.0.0.0/0")->to_string(), "0.0.0.0/0");
  auto host = Prefix::parse("10.1.2.3/16", /*allow_host_bits=*/true);
  ASSERT_TRUE(host.ok());
  EXPECT_EQ(host->to_string(), "10.1.0.0/16");
}

TEST(Prefix, RejectsHostBitsAndBadLengths) {
  auto r = Prefix::parse("10.1.2.3/16");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("did you mean 10.1.0.0/16"), std::string::npos);
  for (const char* bad : {"10.0.0.0", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8x",
                          "2001:db8::/129", "/8", "10.0.0.0/ 8"}) {
    EXPECT_FALSE(Prefix::parse(bad).ok()) << bad;
  }
}

TEST(Prefix, Contains) {
  auto p = *Prefix::parse("10.1.0.0/16");
  EXPECT_TRUE(p.contains(*IpAddress::parse("10.1.255.255")));
  EXPECT_FALSE(p.contains(*IpAddress::parse("10.2.0.0")));
  EXPECT_FALSE(p.contains(*IpAddress::parse("::a01:0")));
  EXPECT_TRUE(p.contains(*Prefix::parse("10.1.128.0/17")));
  EXPECT_FALSE(p.contains(*Prefix::parse("10.0.0.0/8")));
  EXPECT_TRUE(Prefix::parse("::/0")->contains(*IpAddress::parse("2001:db8::1")));
}

TEST(InterfaceAddress, KeepsHostBits) {
  auto a = InterfaceAddress::parse("169.254.10.1/30");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->to_string(), "169.254.10.1/30");
  EXPECT_EQ(a->network().to_string(), "169.254.10.0/30");
}

}  // namespace
}  // namespace vgw
