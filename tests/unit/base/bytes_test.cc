#include "vgw/base/bytes.h"

#include <gtest/gtest.h>

namespace vgw {
namespace {

TEST(ByteReader, ReadsBigEndianAndStopsAtEnd) {
  const uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  ByteReader r(data);
  EXPECT_EQ(*r.u8(), 0x01);
  EXPECT_EQ(*r.u16(), 0x0203);
  EXPECT_EQ(*r.u32(), 0x04050607u);
  EXPECT_TRUE(r.empty());
  EXPECT_FALSE(r.u8().has_value());
}

TEST(ByteReader, FailedReadDoesNotMove) {
  const uint8_t data[] = {0xaa, 0xbb, 0xcc};
  ByteReader r(data);
  EXPECT_FALSE(r.u32().has_value());
  EXPECT_EQ(r.position(), 0u);
  EXPECT_FALSE(r.bytes(4).has_value());
  EXPECT_FALSE(r.skip(4));
  EXPECT_EQ(*r.u16(), 0xaabb);
  auto sub = r.sub(1);
  ASSERT_TRUE(sub.has_value());
  EXPECT_EQ(*sub->u8(), 0xcc);
  EXPECT_FALSE(sub->u8().has_value());
}

TEST(ByteWriter, WritesAndPatches) {
  ByteWriter w;
  w.u16(0);
  w.u32(0xdeadbeef);
  w.u64(0x0102030405060708ull);
  w.patch_u16(0, static_cast<uint16_t>(w.size()));
  auto v = w.take();
  ASSERT_EQ(v.size(), 14u);
  EXPECT_EQ(v[0], 0);
  EXPECT_EQ(v[1], 14);
  EXPECT_EQ(v[2], 0xde);
  EXPECT_EQ(v[13], 0x08);
  ByteReader r(v);
  r.skip(6);
  EXPECT_EQ(*r.u64(), 0x0102030405060708ull);
}

}  // namespace
}  // namespace vgw
