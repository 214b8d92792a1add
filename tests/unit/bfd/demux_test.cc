// Session lookup (RFC 5880 6.3, 6.8.6; RFC 5881 3): by Your Discriminator once the peer knows
// ours, by peer address and interface before, and the allocation of local discriminators.
#include <gtest/gtest.h>

#include <set>

#include "bfd_test_util.h"
#include "vgw/bfd/demux.h"

namespace vgw::bfd {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

ControlPacket packet(uint32_t your, State state = State::kUp) {
  ControlPacket p;
  p.state = state;
  p.detect_mult = 3;
  p.my_discriminator = 0x99;
  p.your_discriminator = your;
  return p;
}

TEST(BfdDemux, ByDiscriminatorAndByAddress) {
  test::ScriptedRandom random({0, 111, 111, 222});  // 0 and the repeat are skipped
  Demux demux(random);
  auto d1 = demux.add(PeerKey{ip("169.254.10.1"), 7});
  auto d2 = demux.add(PeerKey{ip("169.254.10.5"), 8});
  ASSERT_TRUE(d1.ok() && d2.ok());
  EXPECT_EQ(*d1, 111u);
  EXPECT_EQ(*d2, 222u);
  EXPECT_EQ(demux.size(), 2u);

  // Your Discriminator selects the session...
  EXPECT_EQ(*demux.find(packet(222), PeerKey{ip("169.254.10.5"), 8}), 222u);
  // ...but only from its peer and interface.
  EXPECT_EQ(demux.find(packet(222), PeerKey{ip("169.254.10.1"), 8}).error(),
            DropReason::kNoSession);
  EXPECT_EQ(demux.find(packet(222), PeerKey{ip("169.254.10.5"), 9}).error(),
            DropReason::kNoSession);
  EXPECT_EQ(demux.find(packet(333), PeerKey{ip("169.254.10.5"), 8}).error(),
            DropReason::kNoSession);

  // Your Discriminator 0 (Down): the source address and interface select it.
  EXPECT_EQ(*demux.find(packet(0, State::kDown), PeerKey{ip("169.254.10.1"), 7}), 111u);
  EXPECT_EQ(demux.find(packet(0, State::kDown), PeerKey{ip("169.254.10.1"), 9}).error(),
            DropReason::kNoSession);
  EXPECT_EQ(demux.find(packet(0, State::kDown), PeerKey{ip("10.0.0.1"), 7}).error(),
            DropReason::kNoSession);

  // One session per peer and interface.
  EXPECT_FALSE(demux.add(PeerKey{ip("169.254.10.1"), 7}).ok());

  demux.remove(111);
  EXPECT_EQ(demux.size(), 1u);
  EXPECT_EQ(demux.find(packet(111), PeerKey{ip("169.254.10.1"), 7}).error(),
            DropReason::kNoSession);
  EXPECT_FALSE(demux.find_by_peer(PeerKey{ip("169.254.10.1"), 7}).has_value());
  demux.remove(111);  // twice is harmless
}

TEST(BfdDemux, SessionWithoutInterfaceMatchesAnyInterface) {
  test::ScriptedRandom random({5, 6});
  Demux demux(random);
  ASSERT_TRUE(demux.add(PeerKey{ip("2001:db8::1"), 0}).ok());
  EXPECT_EQ(*demux.find(packet(0, State::kDown), PeerKey{ip("2001:db8::1"), 42}), 5u);
  EXPECT_EQ(*demux.find(packet(5), PeerKey{ip("2001:db8::1"), 42}), 5u);
  // A more specific session wins for its interface.
  ASSERT_TRUE(demux.add(PeerKey{ip("2001:db8::1"), 42}).ok());
  EXPECT_EQ(*demux.find(packet(0, State::kDown), PeerKey{ip("2001:db8::1"), 42}), 6u);
  EXPECT_EQ(*demux.find(packet(0, State::kDown), PeerKey{ip("2001:db8::1"), 43}), 5u);
  ASSERT_NE(demux.peer_of(6), nullptr);
  EXPECT_EQ(demux.peer_of(6)->ifindex, 42u);
}

TEST(BfdDemux, RekeyKeepsTheDiscriminatorUnderTheNewInterface) {
  test::ScriptedRandom random({5, 6});
  Demux demux(random);
  // A tunnel's session registered before its interface existed (0), then bound to it.
  ASSERT_TRUE(demux.add(PeerKey{ip("169.254.10.1"), 0}).ok());
  ASSERT_TRUE(demux.rekey(5, PeerKey{ip("169.254.10.1"), 12}).ok());
  EXPECT_EQ(*demux.find(packet(5), PeerKey{ip("169.254.10.1"), 12}), 5u);
  EXPECT_EQ(demux.find(packet(5), PeerKey{ip("169.254.10.1"), 13}).error(), DropReason::kNoSession);
  EXPECT_EQ(demux.find(packet(0, State::kDown), PeerKey{ip("169.254.10.1"), 13}).error(),
            DropReason::kNoSession);
  EXPECT_TRUE(demux.rekey(5, PeerKey{ip("169.254.10.1"), 12}).ok());  // unchanged: fine
  // Another session's key is refused, an unknown discriminator too.
  ASSERT_TRUE(demux.add(PeerKey{ip("169.254.10.1"), 14}).ok());
  EXPECT_FALSE(demux.rekey(5, PeerKey{ip("169.254.10.1"), 14}).ok());
  EXPECT_EQ(demux.peer_of(5)->ifindex, 12u);
  EXPECT_FALSE(demux.rekey(77, PeerKey{ip("169.254.10.1"), 15}).ok());
}

TEST(BfdDemux, DiscriminatorsAreUniqueNonZeroAndRandom) {
  SplitMix64 random(1);
  Demux demux(random);
  std::set<uint32_t> seen;
  for (uint32_t i = 1; i <= 2000; ++i) {
    auto d = demux.add(PeerKey{IpAddress::v4(0x0a000000 + i), 1});
    ASSERT_TRUE(d.ok());
    EXPECT_NE(*d, 0u);
    EXPECT_TRUE(seen.insert(*d).second);
  }
  // Not sequential: the high bits are used too.
  EXPECT_GT(*seen.rbegin(), 0x10000000u);
}

TEST(BfdDemux, DriverPathFromBytesToSession) {
  // What the socket driver does with one datagram: decode, find, hand to the session.
  SplitMix64 random(3);
  Demux demux(random);
  const PeerKey peer{ip("169.254.10.2"), 3};
  const uint32_t local = *demux.add(peer);
  BfdSession session(local, SessionConfig{}, random);
  FakeClock clock;
  session.start(clock.now());
  auto bytes = test::bytes("20 40 03 18 0000abcd 00000000 000f4240 000f4240 00000000");
  auto p = decode_control_packet(bytes);
  ASSERT_TRUE(p.ok());
  auto d = demux.find(*p, peer);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(*d, session.local_discriminator());
  session.on_packet(*p, clock.now());
  EXPECT_EQ(session.state(), State::kInit);
  EXPECT_EQ(session.remote_discriminator(), 0xabcdu);
}

}  // namespace
}  // namespace vgw::bfd
