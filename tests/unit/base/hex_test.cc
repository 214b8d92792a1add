#include "vgw/base/hex.h"

#include <gtest/gtest.h>

namespace vgw {
namespace {

TEST(Hex, ParsesEitherCaseWithOrWithoutPrefix) {
  EXPECT_EQ(*parse_hex("0x0a1B"), (std::vector<uint8_t>{0x0a, 0x1b}));
  EXPECT_EQ(*parse_hex("0XfF00"), (std::vector<uint8_t>{0xff, 0x00}));
  EXPECT_EQ(*parse_hex("deadBEEF"), (std::vector<uint8_t>{0xde, 0xad, 0xbe, 0xef}));
  EXPECT_TRUE(parse_hex("")->empty());
  EXPECT_TRUE(parse_hex("0x")->empty());
}

TEST(Hex, RefusesWithoutRepeatingTheText) {
  for (const char* bad : {"abc", "0x1", "zz", "12 34", "0x0g", "+1"}) {
    auto r = parse_hex(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().message.find(bad), std::string::npos) << r.error().message;
  }
}

TEST(Hex, RoundTrips) {
  std::vector<uint8_t> all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<uint8_t>(i);
  std::string text = to_hex(all);
  EXPECT_EQ(text.substr(0, 8), "00010203");
  EXPECT_EQ(text.substr(text.size() - 4), "feff");
  EXPECT_EQ(*parse_hex(text), all);
}

}  // namespace
}  // namespace vgw
