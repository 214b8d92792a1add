// Anti-replay window: RFC 4303 3.4.3 semantics (in-window, duplicate, too old, sliding), the
// RFC 6479 ring at and across block edges, and ESN high-half inference (RFC 4303 A2.2).
#include "vgw/esp/replay_window.h"

#include <gtest/gtest.h>

namespace vgw::esp {
namespace {

using V = ReplayWindow::Verdict;

V verdict(const ReplayWindow& w, uint32_t seq_low) { return w.check(seq_low).verdict; }

// check() then commit(), as the codec does for an authentic packet.
bool receive(ReplayWindow& w, uint32_t seq_low) {
  auto c = w.check(seq_low);
  if (!c.acceptable()) return false;
  w.commit(c.seq);
  return true;
}

TEST(ReplayWindow, SizeMustBeAPowerOfTwoInRange) {
  EXPECT_TRUE(ReplayWindow::valid_size(64));
  EXPECT_TRUE(ReplayWindow::valid_size(1024));
  EXPECT_TRUE(ReplayWindow::valid_size(4096));
  EXPECT_TRUE(ReplayWindow::valid_size(65536));
  EXPECT_FALSE(ReplayWindow::valid_size(32));
  EXPECT_FALSE(ReplayWindow::valid_size(1000));
  EXPECT_FALSE(ReplayWindow::valid_size(131072));
  EXPECT_FALSE(ReplayWindow::valid_size(0));
}

TEST(ReplayWindow, SequenceZeroIsNeverAccepted) {
  ReplayWindow w(1024, false);
  EXPECT_EQ(verdict(w, 0), V::kTooOld);
  ReplayWindow esn(1024, true);
  EXPECT_EQ(verdict(esn, 0), V::kTooOld);
}

TEST(ReplayWindow, InOrderOutOfOrderAndDuplicates) {
  ReplayWindow w(1024, false);
  EXPECT_TRUE(receive(w, 1));
  EXPECT_TRUE(receive(w, 2));
  EXPECT_TRUE(receive(w, 5));
  EXPECT_EQ(w.top(), 5u);
  EXPECT_EQ(verdict(w, 4), V::kInWindow);
  EXPECT_EQ(verdict(w, 3), V::kInWindow);
  EXPECT_TRUE(receive(w, 4));
  EXPECT_TRUE(receive(w, 3));
  for (uint32_t s = 1; s <= 5; ++s) EXPECT_EQ(verdict(w, s), V::kDuplicate) << s;
  EXPECT_EQ(verdict(w, 6), V::kAhead);
  EXPECT_EQ(w.top(), 5u);  // duplicates moved nothing
}

TEST(ReplayWindow, CheckWithoutCommitChangesNothing) {
  ReplayWindow w(1024, false);
  ASSERT_TRUE(receive(w, 100));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(verdict(w, 5000), V::kAhead);  // as if the ICV then failed: no commit
    EXPECT_EQ(verdict(w, 99), V::kInWindow);
  }
  EXPECT_EQ(w.top(), 100u);
  // 5000 never committed: 100 - 1023 .. 100 still the window, 99 still receivable.
  EXPECT_TRUE(receive(w, 99));
  EXPECT_EQ(verdict(w, 99), V::kDuplicate);
}

TEST(ReplayWindow, ExactWindowEdges) {
  constexpr uint32_t kW = 1024;
  ReplayWindow w(kW, false);
  ASSERT_TRUE(receive(w, 5000));
  // The window is [top - W + 1, top].
  EXPECT_EQ(verdict(w, 5000 - kW + 1), V::kInWindow);
  EXPECT_EQ(verdict(w, 5000 - kW), V::kTooOld);
  EXPECT_TRUE(receive(w, 5000 - kW + 1));
  EXPECT_EQ(verdict(w, 5000 - kW + 1), V::kDuplicate);
  // Slide by one: the lowest slot falls out.
  ASSERT_TRUE(receive(w, 5001));
  EXPECT_EQ(verdict(w, 5000 - kW + 1), V::kTooOld);
  EXPECT_EQ(verdict(w, 5000 - kW + 2), V::kInWindow);
  EXPECT_EQ(verdict(w, 5000), V::kDuplicate);
}

TEST(ReplayWindow, FirstPacketsBelowWindowSize) {
  ReplayWindow w(64, false);
  ASSERT_TRUE(receive(w, 64));
  EXPECT_EQ(verdict(w, 1), V::kInWindow);  // 64 - 64 + 1
  ASSERT_TRUE(receive(w, 65));
  EXPECT_EQ(verdict(w, 1), V::kTooOld);
}

TEST(ReplayWindow, SlideAcrossBlockBoundariesKeepsBits) {
  ReplayWindow w(128, false);  // ring of 4 blocks of 64
  // Receive every odd number up to 200, then check all of the window.
  for (uint32_t s = 1; s <= 200; s += 2) ASSERT_TRUE(receive(w, s));
  EXPECT_EQ(w.top(), 199u);
  for (uint32_t s = 199 - 127; s <= 199; ++s)
    EXPECT_EQ(verdict(w, s), s % 2 ? V::kDuplicate : V::kInWindow) << s;
  EXPECT_EQ(verdict(w, 199 - 128), V::kTooOld);
}

TEST(ReplayWindow, SlideByMoreThanTheWindowClearsEverything) {
  constexpr uint32_t kW = 1024;
  ReplayWindow w(kW, false);
  for (uint32_t s = 1; s <= 3000; ++s) ASSERT_TRUE(receive(w, s));
  // Jump far: nothing of the old bitmap may survive in the ring, wherever its slots land.
  const uint32_t far = 3000 + 5 * kW + 17;
  ASSERT_TRUE(receive(w, far));
  for (uint32_t s = far - kW + 1; s < far; ++s) ASSERT_EQ(verdict(w, s), V::kInWindow) << s;
  EXPECT_EQ(verdict(w, far), V::kDuplicate);
  EXPECT_EQ(verdict(w, far - kW), V::kTooOld);
  // A jump of exactly the window size: the old top falls out, the rest is fresh.
  ASSERT_TRUE(receive(w, far + kW));
  EXPECT_EQ(verdict(w, far), V::kTooOld);
  EXPECT_EQ(verdict(w, far + 1), V::kInWindow);
}

TEST(ReplayWindow, JumpOfRingMultipleDoesNotAliasOldBits) {
  // Jump by exactly the ring size (2 * W): the new top's slot is the old top's slot.
  ReplayWindow w(64, false);  // ring of 128 numbers
  ASSERT_TRUE(receive(w, 10));
  ASSERT_TRUE(receive(w, 20));
  ASSERT_TRUE(receive(w, 20 + 128));
  EXPECT_EQ(verdict(w, 10 + 128), V::kInWindow);
  EXPECT_EQ(verdict(w, 20 + 127), V::kInWindow);
}

TEST(ReplayWindow, CommitBelowWindowIsIgnored) {
  ReplayWindow w(64, false);
  ASSERT_TRUE(receive(w, 1000));
  w.commit(10);  // stale: must not set a bit that aliases an in-window number
  for (uint32_t s = 1000 - 63; s < 1000; ++s) EXPECT_EQ(verdict(w, s), V::kInWindow) << s;
}

TEST(ReplayWindow, LargeWindow) {
  ReplayWindow w(4096, false);
  ASSERT_TRUE(receive(w, 10000));
  EXPECT_EQ(verdict(w, 10000 - 4095), V::kInWindow);
  EXPECT_EQ(verdict(w, 10000 - 4096), V::kTooOld);
  ASSERT_TRUE(receive(w, 10000 - 4095));
  EXPECT_EQ(verdict(w, 10000 - 4095), V::kDuplicate);
}

TEST(ReplayWindow, WithoutEsnTheTopOfTheSpaceIsFinal) {
  ReplayWindow w(1024, false);
  ASSERT_TRUE(receive(w, 0xFFFFFFFF));
  EXPECT_EQ(verdict(w, 0xFFFFFFFF), V::kDuplicate);
  EXPECT_EQ(verdict(w, 0xFFFFFFFE), V::kInWindow);
  EXPECT_EQ(verdict(w, 1), V::kTooOld);  // no wrap without ESN
  EXPECT_EQ(w.top(), 0xFFFFFFFFu);
}

TEST(ReplayWindowEsn, InfersHighHalfAcrossTheWrap) {
  ReplayWindow w(1024, true);
  // A fresh ESN window reads 0xFFFFFF00 as subspace -1 (see below), so start there directly.
  w.commit(0xFFFFFF00);
  // Case A (Tl >= W - 1): low numbers below the window belong to the next subspace.
  auto c = w.check(0xFFFFFFFF);
  EXPECT_EQ(c.verdict, V::kAhead);
  EXPECT_EQ(c.seq, 0xFFFFFFFFu);
  c = w.check(0);
  EXPECT_EQ(c.verdict, V::kAhead);
  EXPECT_EQ(c.seq, 0x1'00000000u);
  ASSERT_TRUE(receive(w, 0xFFFFFFFF));
  ASSERT_TRUE(receive(w, 0));  // 0x1_00000000: a valid number with ESN
  EXPECT_EQ(w.top(), 0x1'00000000u);
  ASSERT_TRUE(receive(w, 1));
  EXPECT_EQ(w.top(), 0x1'00000001u);
  // Case B (Tl < W - 1): high low-halves are the end of the previous subspace.
  c = w.check(0xFFFFFFFE);
  EXPECT_EQ(c.verdict, V::kInWindow);
  EXPECT_EQ(c.seq, 0xFFFFFFFEu);
  EXPECT_EQ(verdict(w, 0xFFFFFFFF), V::kDuplicate);
  EXPECT_EQ(verdict(w, 0), V::kDuplicate);
  c = w.check(0xFFFFFFFF - 1021);  // 0x0_FFFFFC02 = top - 1023: the window's lowest slot
  EXPECT_EQ(c.verdict, V::kInWindow);
  EXPECT_EQ(c.seq, 0xFFFFFC02u);
  c = w.check(0xFFFFFFFF - 1022);  // one below: mapped to the current subspace, far ahead
  EXPECT_EQ(c.verdict, V::kAhead);
  EXPECT_EQ(c.seq, 0x1'FFFFFC01u);
  c = w.check(500);
  EXPECT_EQ(c.verdict, V::kAhead);
  EXPECT_EQ(c.seq, 0x1'000001F4u);
}

TEST(ReplayWindowEsn, FreshWindowHasNoPreviousSubspace) {
  ReplayWindow w(1024, true);
  EXPECT_EQ(verdict(w, 0xFFFFFFFF), V::kTooOld);  // would be subspace -1
  EXPECT_EQ(verdict(w, 0xFFFFFC01), V::kTooOld);  // Tl - W + 1 mod 2^32: still below 0
  auto c = w.check(0xFFFFFC00);                   // just below that: subspace 0
  EXPECT_EQ(c.verdict, V::kAhead);
  EXPECT_EQ(c.seq, 0xFFFFFC00u);
  c = w.check(1);
  EXPECT_EQ(c.verdict, V::kAhead);
  EXPECT_EQ(c.seq, 1u);
}

TEST(ReplayWindowEsn, TooOldAfterTheWrap) {
  ReplayWindow w(64, true);
  w.commit(0xFFFFFFF0);
  ASSERT_TRUE(receive(w, 100));  // 0x1_00000064
  EXPECT_EQ(w.top(), 0x1'00000064u);
  // Tl = 100 >= W - 1: case A. 0xFFFFFFF0 is below the window's bottom (37) -> next subspace.
  auto c = w.check(0xFFFFFFF0);
  EXPECT_EQ(c.verdict, V::kAhead);
  EXPECT_EQ(c.seq, 0x1'FFFFFFF0u);
  EXPECT_EQ(verdict(w, 36), V::kAhead);  // below the bottom: next subspace too
  EXPECT_EQ(verdict(w, 37), V::kInWindow);
}

TEST(ReplayWindowEsn, EndOfTheSixtyFourBitSpace) {
  ReplayWindow w(64, true);
  w.commit(0xFFFFFFFF'FFFFFF00);
  EXPECT_EQ(verdict(w, 0xFFFFFFFF), V::kAhead);
  // A low half below the window would need subspace 2^32: it does not exist.
  EXPECT_EQ(verdict(w, 5), V::kTooOld);
  ASSERT_TRUE(receive(w, 0xFFFFFFFF));
  EXPECT_EQ(w.top(), UINT64_MAX);
  EXPECT_EQ(verdict(w, 0xFFFFFFFF), V::kDuplicate);
}

TEST(ReplayWindowEsn, SlideAcrossTheWrapKeepsHistory) {
  ReplayWindow w(128, true);
  for (uint32_t s = 0xFFFFFF80; s != 0x40; ++s) ASSERT_TRUE(receive(w, s)) << s;
  EXPECT_EQ(w.top(), 0x1'0000003Fu);
  for (uint32_t s = 0xFFFFFFC0; s != 0x40; ++s) EXPECT_EQ(verdict(w, s), V::kDuplicate) << s;
  // One below the window: RFC 4303 A2.2 case B maps it to the current subspace, far ahead
  // (an old packet replayed there fails its ICV instead).
  auto c = w.check(0xFFFFFFBF);
  EXPECT_EQ(c.verdict, V::kAhead);
  EXPECT_EQ(c.seq, 0x1'FFFFFFBFu);
}

}  // namespace
}  // namespace vgw::esp
