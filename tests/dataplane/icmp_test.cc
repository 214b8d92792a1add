// Too-big handling (icmp.h): when to answer, and the exact ICMP / ICMPv6 messages.
#include "vgw/esp/dataplane/icmp.h"

#include <gtest/gtest.h>

#include <vector>

namespace vgw::esp {
namespace {

// An IPv4 packet of `size` octets from 10.1.1.1 to 10.2.2.2.
std::vector<uint8_t> ipv4(size_t size, bool df, uint8_t proto = 17, uint8_t icmp_type = 8,
                          uint16_t fragment_offset = 0) {
  std::vector<uint8_t> p(size, 0xab);
  p[0] = 0x45;
  p[1] = 0;
  p[2] = static_cast<uint8_t>(size >> 8);
  p[3] = static_cast<uint8_t>(size);
  const uint16_t frag = static_cast<uint16_t>((df ? 0x4000 : 0) | fragment_offset);
  p[6] = static_cast<uint8_t>(frag >> 8);
  p[7] = static_cast<uint8_t>(frag);
  p[8] = 64;
  p[9] = proto;
  const uint8_t src[4] = {10, 1, 1, 1}, dst[4] = {10, 2, 2, 2};
  std::copy(src, src + 4, p.begin() + 12);
  std::copy(dst, dst + 4, p.begin() + 16);
  p[20] = icmp_type;
  return p;
}

std::vector<uint8_t> ipv6(size_t size, uint8_t next_header = 17, uint8_t icmp_type = 128) {
  std::vector<uint8_t> p(size, 0xcd);
  p[0] = 0x60;
  p[1] = p[2] = p[3] = 0;
  p[4] = static_cast<uint8_t>((size - 40) >> 8);
  p[5] = static_cast<uint8_t>(size - 40);
  p[6] = next_header;
  p[7] = 64;
  for (int i = 8; i < 40; ++i) p[i] = 0;
  p[8] = 0xfd;  // fd00::1 -> fd00::2
  p[23] = 1;
  p[24] = 0xfd;
  p[39] = 2;
  p[40] = icmp_type;
  return p;
}

TEST(TooBig, Classify) {
  EXPECT_EQ(classify_size(ipv4(1400, true), 1400), TooBigAction::kFits);
  EXPECT_EQ(classify_size(ipv4(1401, true), 1400), TooBigAction::kAnswer);
  EXPECT_EQ(classify_size(ipv4(1401, false), 1400), TooBigAction::kSend);
  EXPECT_EQ(classify_size(ipv6(1401), 1400), TooBigAction::kAnswer);
  // No error about an ICMP error, nor about a non-first fragment.
  EXPECT_EQ(classify_size(ipv4(1401, true, 1, 3), 1400), TooBigAction::kDrop);
  EXPECT_EQ(classify_size(ipv4(1401, true, 1, 8), 1400), TooBigAction::kAnswer);  // echo
  EXPECT_EQ(classify_size(ipv4(1401, true, 17, 0, 100), 1400), TooBigAction::kDrop);
  EXPECT_EQ(classify_size(ipv6(1401, 58, 1), 1400), TooBigAction::kDrop);
  EXPECT_EQ(classify_size(ipv6(1401, 58, 128), 1400), TooBigAction::kAnswer);
  std::vector<uint8_t> junk(1500, 0x11);
  EXPECT_EQ(classify_size(junk, 1400), TooBigAction::kDrop);
}

TEST(TooBig, Ipv4FragmentationNeeded) {
  const auto p = ipv4(1500, true);
  std::vector<uint8_t> out(kMaxTooBigSize);
  const size_t n = write_too_big(p, 1438, out);
  ASSERT_EQ(n, 576u);  // RFC 1812: at most 576 octets
  out.resize(n);
  EXPECT_EQ(out[0], 0x45);
  EXPECT_EQ((out[2] << 8) | out[3], 576);
  EXPECT_EQ(out[9], 1);  // ICMP
  // From the packet's destination back to its source.
  EXPECT_EQ(std::vector<uint8_t>(out.begin() + 12, out.begin() + 16),
            (std::vector<uint8_t>{10, 2, 2, 2}));
  EXPECT_EQ(std::vector<uint8_t>(out.begin() + 16, out.begin() + 20),
            (std::vector<uint8_t>{10, 1, 1, 1}));
  EXPECT_EQ(out[20], 3);  // destination unreachable
  EXPECT_EQ(out[21], 4);  // fragmentation needed and DF set
  EXPECT_EQ((out[26] << 8) | out[27], 1438);  // next-hop MTU (RFC 1191)
  EXPECT_EQ(std::vector<uint8_t>(out.begin() + 28, out.begin() + 48),
            std::vector<uint8_t>(p.begin(), p.begin() + 20));  // quoted header
  // Both checksums verify (sum over the covered bytes folds to 0xffff).
  EXPECT_EQ(checksum_finish(checksum_add(std::span(out).first(20))), 0);
  EXPECT_EQ(checksum_finish(checksum_add(std::span(out).subspan(20))), 0);
}

TEST(TooBig, Ipv6PacketTooBig) {
  const auto p = ipv6(1500);
  std::vector<uint8_t> out(kMaxTooBigSize);
  const size_t n = write_too_big(p, 1438, out);
  ASSERT_EQ(n, 1280u);  // RFC 4443 2.4 c: fits the minimum MTU
  EXPECT_EQ(out[0] >> 4, 6);
  EXPECT_EQ((out[4] << 8) | out[5], 1280 - 40);
  EXPECT_EQ(out[6], 58);
  EXPECT_EQ(out[23], 2);  // from fd00::2 (the destination) ...
  EXPECT_EQ(out[39], 1);  // ... to fd00::1
  EXPECT_EQ(out[40], 2);  // Packet Too Big
  EXPECT_EQ(out[41], 0);
  EXPECT_EQ((uint32_t{out[44]} << 24) | (out[45] << 16) | (out[46] << 8) | out[47], 1438u);
  // Checksum over pseudo-header + message verifies.
  uint32_t sum = checksum_add(std::span(out).subspan(8, 32));
  const uint8_t tail[8] = {0, 0, 0x04, 0xd8, 0, 0, 0, 58};  // length 1240
  sum = checksum_add(tail, sum);
  sum = checksum_add(std::span(out).subspan(40, n - 40), sum);
  EXPECT_EQ(checksum_finish(sum), 0);
}

TEST(TooBig, NothingForForbiddenPackets) {
  std::vector<uint8_t> out(kMaxTooBigSize);
  EXPECT_EQ(write_too_big(ipv4(1500, true, 1, 11), 1400, out), 0u);  // time exceeded
  auto multicast = ipv4(1500, true);
  multicast[16] = 224;
  EXPECT_EQ(write_too_big(multicast, 1400, out), 0u);
  std::vector<uint8_t> small(kMaxTooBigSize - 1);
  EXPECT_EQ(write_too_big(ipv6(1500), 1400, small), 0u);  // output too small: nothing written
  std::vector<uint8_t> truncated = {0x45, 0, 0};
  EXPECT_EQ(write_too_big(truncated, 1400, out), 0u);
}

TEST(Checksum, Rfc1071Example) {
  // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2 (folded).
  const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(checksum_add(data), 0xddf2u);
  EXPECT_EQ(checksum_finish(checksum_add(data)), static_cast<uint16_t>(~0xddf2));
}

}  // namespace
}  // namespace vgw::esp
