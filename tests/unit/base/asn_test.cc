#include "vgw/base/asn.h"

#include <gtest/gtest.h>

namespace vgw {
namespace {

TEST(Asn, ParsesPlainAndDot) {
  EXPECT_EQ(*parse_asn("65010"), 65010u);
  EXPECT_EQ(*parse_asn("4294967295"), 4294967295u);
  EXPECT_EQ(*parse_asn("1.10"), 65546u);  // RFC 5396 asdot
  EXPECT_EQ(*parse_asn("0.1"), 1u);
  EXPECT_EQ(*parse_asn("65535.65535"), 4294967295u);
}

TEST(Asn, RejectsOutOfRangeAndReserved) {
  for (const char* bad : {"", "0", "0.0", "4294967296", "-1", "+5", "1.65536", "65536.0", "1.", ".1",
                          "1.2.3", "abc", "23456", "99999999999"}) {
    auto r = parse_asn(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_NE(parse_asn("23456").error().message.find("AS_TRANS"), std::string::npos);
  EXPECT_NE(parse_asn("0").error().message.find("reserved"), std::string::npos);
}

}  // namespace
}  // namespace vgw
