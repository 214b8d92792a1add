// Packing many prefixes with one attribute set into <= 4096-octet UPDATEs, and withdrawals:
// every message is decoded back and the prefixes must come out complete and in order.
#include <gtest/gtest.h>

#include "wire_test_util.h"

namespace vgw::bgp::wire {
namespace {

PathAttributes attrs_v4() {
  PathAttributes a;
  a.set_origin(Origin::kIgp);
  const uint32_t path[] = {65100, 27285, 4200000001};
  a.set_as_path(AsPath::sequence(path));
  a.set_next_hop(0x0a631401);
  a.communities = {0xfde90001, 0xfde90002};
  a.set(attr::kCommunities);
  return a;
}

std::vector<Ipv4Prefix> many_v4(size_t n) {
  std::vector<Ipv4Prefix> v;
  for (size_t i = 0; i < n; ++i) {
    int len = 16 + static_cast<int>(i % 17);  // /16 .. /32
    v.push_back(Ipv4Prefix::make(0x01000000u + static_cast<uint32_t>(i) * 256, len));
  }
  return v;
}

// Splits a stream into messages, decodes each, checks size and returns them.
std::vector<Update> decode_stream(const std::vector<uint8_t>& stream, const SessionContext& ctx) {
  std::vector<Update> out;
  size_t off = 0;
  while (off < stream.size()) {
    auto h = parse_header(std::span(stream).subspan(off));
    EXPECT_TRUE(h.ok());
    if (!h.ok()) break;
    EXPECT_LE(h->length, kMaxMessageSize);
    Update u;
    auto r = parse_update(std::span(stream).subspan(off + kHeaderSize, h->length - kHeaderSize),
                          ctx, u);
    EXPECT_TRUE(r.ok()) << to_string(r.error());
    EXPECT_EQ(u.action, ErrorAction::kNone);
    out.push_back(std::move(u));
    off += h->length;
  }
  EXPECT_EQ(off, stream.size());
  return out;
}

TEST(Pack, AnnouncementsSplitAtTheMessageLimit) {
  const auto prefixes = many_v4(5000);
  const PathAttributes a = attrs_v4();
  std::vector<uint8_t> out;
  auto n = pack_announce({}, a, prefixes, out);
  ASSERT_TRUE(n.ok());
  auto msgs = decode_stream(out, {});
  ASSERT_EQ(msgs.size(), *n);
  std::vector<Ipv4Prefix> back;
  for (size_t i = 0; i < msgs.size(); ++i) {
    EXPECT_EQ(msgs[i].attributes, a);
    back.insert(back.end(), msgs[i].nlri.begin(), msgs[i].nlri.end());
  }
  EXPECT_EQ(back, prefixes);
  // Every message but the last is full: adding its successor prefix would overflow.
  size_t off = 0, idx = 0;
  for (size_t i = 0; i + 1 < msgs.size(); ++i) {
    size_t len = size_t{out[off + 16]} << 8 | out[off + 17];
    idx += msgs[i].nlri.size();
    EXPECT_GT(len + nlri_size(prefixes[idx].length), kMaxMessageSize);
    off += len;
  }
}

TEST(Pack, SlashTwentyFoursFillMessagesAsExpected) {
  std::vector<Ipv4Prefix> v;
  for (uint32_t i = 0; i < 2000; ++i) v.push_back(Ipv4Prefix::make(0x01000000u + i * 256, 24));
  std::vector<uint8_t> attr_bytes;
  ByteWriter w(attr_bytes);
  write_path_attributes(attrs_v4(), {}, w);
  const size_t per_message = (kMaxMessageSize - 23 - attr_bytes.size()) / 4;
  std::vector<uint8_t> out;
  auto n = pack_announce({}, attrs_v4(), v, out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, (v.size() + per_message - 1) / per_message);
  EXPECT_EQ(out.size(), *n * (23 + attr_bytes.size()) + v.size() * 4);
}

TEST(Pack, TwoOctetSessionCarriesAs4Path) {
  std::vector<uint8_t> out;
  SessionContext two;
  two.four_octet_as = false;
  ASSERT_TRUE(pack_announce(two, attrs_v4(), many_v4(10), out).ok());
  auto msgs = decode_stream(out, two);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].attributes.as_path.to_string(), "65100 27285 4200000001");
}

TEST(Pack, Ipv6AnnouncementsInMpReach) {
  std::vector<Ipv6Prefix> v;
  for (uint32_t i = 0; i < 3000; ++i) {
    std::array<uint8_t, 16> a{0x20, 0x01, 0x0d, 0xb8, static_cast<uint8_t>(i >> 8),
                              static_cast<uint8_t>(i)};
    v.push_back(Ipv6Prefix::make(a, 32 + static_cast<int>(i % 33)));
  }
  PathAttributes a;
  a.set_origin(Origin::kIgp);
  const uint32_t path[] = {65001};
  a.set_as_path(AsPath::sequence(path));
  MpNextHop nh;
  nh.global = *IpAddress::parse("2001:db8::1");
  nh.link_local = *IpAddress::parse("fe80::1");
  nh.has_link_local = true;
  std::vector<uint8_t> out;
  auto n = pack_announce_mp({}, a, kIpv6Unicast, nh, v, out);
  ASSERT_TRUE(n.ok());
  EXPECT_GT(*n, 1u);
  auto msgs = decode_stream(out, {});
  std::vector<Ipv6Prefix> back;
  for (const auto& m : msgs) {
    ASSERT_TRUE(m.has_mp_reach);
    EXPECT_EQ(m.mp_reach.next_hop, nh);
    EXPECT_EQ(m.attributes, a);
    back.insert(back.end(), m.mp_reach.nlri6.begin(), m.mp_reach.nlri6.end());
  }
  EXPECT_EQ(back, v);
}

TEST(Pack, Ipv4WithIpv6NextHop) {
  SessionContext enh;
  enh.extended_next_hop_ipv4 = true;
  PathAttributes a;
  a.set_origin(Origin::kIncomplete);
  a.set_as_path(AsPath{});
  MpNextHop nh;
  nh.global = *IpAddress::parse("2001:db8::1");
  std::vector<uint8_t> out;
  ASSERT_TRUE(pack_announce_mp(enh, a, kIpv4Unicast, nh, many_v4(100), out).ok());
  auto msgs = decode_stream(out, enh);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].mp_reach.nlri4, many_v4(100));
  EXPECT_EQ(msgs[0].mp_reach.next_hop.global.to_string(), "2001:db8::1");
}

TEST(Pack, Withdrawals) {
  const auto v4 = many_v4(3000);
  std::vector<uint8_t> out;
  size_t n = pack_withdraw(v4, out);
  auto msgs = decode_stream(out, {});
  ASSERT_EQ(msgs.size(), n);
  EXPECT_GT(n, 1u);
  std::vector<Ipv4Prefix> back;
  for (const auto& m : msgs) back.insert(back.end(), m.withdrawn.begin(), m.withdrawn.end());
  EXPECT_EQ(back, v4);

  std::vector<Ipv6Prefix> v6;
  for (uint32_t i = 0; i < 1000; ++i) {
    std::array<uint8_t, 16> a{0x20, 0x01, 0x0d, 0xb8, static_cast<uint8_t>(i >> 8),
                              static_cast<uint8_t>(i)};
    v6.push_back(Ipv6Prefix::make(a, 48));
  }
  out.clear();
  n = pack_withdraw_mp(kIpv6Unicast, v6, out);
  msgs = decode_stream(out, {});
  ASSERT_EQ(msgs.size(), n);
  std::vector<Ipv6Prefix> back6;
  for (const auto& m : msgs) {
    ASSERT_TRUE(m.has_mp_unreach);
    back6.insert(back6.end(), m.mp_unreach.withdrawn6.begin(), m.mp_unreach.withdrawn6.end());
  }
  EXPECT_EQ(back6, v6);

  out.clear();
  EXPECT_EQ(pack_withdraw_mp(kIpv4Unicast, many_v4(5), out), 1u);
  msgs = decode_stream(out, {});
  EXPECT_EQ(msgs[0].mp_unreach.withdrawn4, many_v4(5));
}

TEST(Pack, EmptyListWritesNothing) {
  std::vector<uint8_t> out;
  EXPECT_EQ(*pack_announce({}, attrs_v4(), {}, out), 0u);
  EXPECT_EQ(pack_withdraw({}, out), 0u);
  EXPECT_TRUE(out.empty());
}

TEST(Pack, AttributesTooLargeForAnyPrefixFail) {
  PathAttributes a = attrs_v4();
  a.communities.assign(1020, 0xfde90001);  // 4080 octets of communities
  std::vector<uint8_t> out = {7};
  auto n = pack_announce({}, a, many_v4(3), out);
  EXPECT_FALSE(n.ok());
  EXPECT_EQ(out, std::vector<uint8_t>{7});
  MpNextHop nh;
  nh.global = *IpAddress::parse("2001:db8::1");
  std::vector<Ipv6Prefix> v6 = {test::p6("2001:db8::/32")};
  EXPECT_FALSE(pack_announce_mp({}, a, kIpv6Unicast, nh, v6, out).ok());
  EXPECT_EQ(out, std::vector<uint8_t>{7});
}

}  // namespace
}  // namespace vgw::bgp::wire
