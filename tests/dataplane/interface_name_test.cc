// Tunnel -> TUN interface names (interface_name.h).
#include "vgw/esp/dataplane/interface_name.h"

#include <gtest/gtest.h>

namespace vgw::esp {
namespace {

TEST(InterfaceName, Validity) {
  EXPECT_TRUE(valid_interface_name("vgw-c1-t1"));
  EXPECT_TRUE(valid_interface_name("123456789012345"));
  EXPECT_FALSE(valid_interface_name("1234567890123456"));  // 16 octets
  EXPECT_FALSE(valid_interface_name(""));
  EXPECT_FALSE(valid_interface_name("."));
  EXPECT_FALSE(valid_interface_name(".."));
  EXPECT_FALSE(valid_interface_name("a/b"));
  EXPECT_FALSE(valid_interface_name("a b"));
  EXPECT_FALSE(valid_interface_name("a:b"));
}

TEST(InterfaceName, ShortNamesAreKept) {
  InterfaceNames names;
  EXPECT_EQ(names.assign("vgw-c1-t1"), "vgw-c1-t1");
  EXPECT_EQ(names.assign("vgw-c1-t1"), "vgw-c1-t1");  // idempotent
  EXPECT_EQ(names.find("vgw-c1-t1"), "vgw-c1-t1");
}

TEST(InterfaceName, LongNamesAreHashedStablyAndUniquely) {
  InterfaceNames a, b;
  const std::string n1 = a.assign("customer-gateway-7-tunnel-1");
  const std::string n2 = a.assign("customer-gateway-7-tunnel-2");
  EXPECT_NE(n1, n2);
  EXPECT_LE(n1.size(), kMaxInterfaceNameSize);
  EXPECT_TRUE(valid_interface_name(n1));
  EXPECT_EQ(n1.substr(0, 3), "vgw");
  EXPECT_EQ(b.assign("customer-gateway-7-tunnel-1"), n1);  // same name, same interface
  EXPECT_EQ(a.all().size(), 2u);
}

TEST(InterfaceName, CollisionsGetASuffix) {
  InterfaceNames names;
  const std::string hashed = names.assign("a name with spaces");
  // A tunnel literally named like the hashed interface must not get the same interface.
  const std::string literal = names.assign(hashed);
  EXPECT_NE(literal, hashed);
  EXPECT_TRUE(valid_interface_name(literal));
  names.release("a name with spaces");
  EXPECT_EQ(names.find("a name with spaces"), std::nullopt);
  EXPECT_EQ(names.assign("x"), "x");
}

}  // namespace
}  // namespace vgw::esp
