// The log's memory of recent lines and the rate limit for lines a remote party can cause.
#include <gtest/gtest.h>

#include "vgw/base/log.h"

namespace vgw::log {
namespace {

TEST(Log, KeepsTheLastLinesInOrder) {
  write(Level::kWarning, "test", "first kept line");
  write(Level::kError, "test", "second kept line");
  auto lines = recent(2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].message, "first kept line");
  EXPECT_EQ(lines[0].level, Level::kWarning);
  EXPECT_EQ(lines[1].component, "test");
  EXPECT_EQ(lines[1].message, "second kept line");
  EXPECT_GT(lines[1].unix_ms, 0);
  // Bounded: never more than kKeptLines, the oldest go first.
  for (size_t i = 0; i < kKeptLines + 5; ++i) write(Level::kDebug, "test", "line " + std::to_string(i));
  lines = recent();
  ASSERT_EQ(lines.size(), kKeptLines);
  EXPECT_EQ(lines.back().message, "line " + std::to_string(kKeptLines + 4));
  EXPECT_EQ(lines.front().message, "line 5");
  EXPECT_STREQ(level_name(Level::kWarning), "warning");
}

TEST(Log, LimiterLetsABurstThroughPerKeyAndCountsTheRest) {
  Limiter limiter(3, std::chrono::seconds(60));
  uint64_t before = suppressed_total();
  for (int i = 0; i < 3; ++i) {
    auto held = limiter.admit("192.0.2.1");
    ASSERT_TRUE(held.has_value());
    EXPECT_EQ(*held, 0u);
  }
  for (int i = 0; i < 7; ++i) EXPECT_FALSE(limiter.admit("192.0.2.1").has_value());
  EXPECT_EQ(suppressed_total() - before, 7u);
  // Another source has its own budget.
  EXPECT_TRUE(limiter.admit("192.0.2.2").has_value());
  EXPECT_EQ(suppressed_text(7), " (7 similar lines suppressed)");
  EXPECT_EQ(suppressed_text(1), " (1 similar line suppressed)");
  EXPECT_EQ(suppressed_text(0), "");
}

TEST(Log, LimiterWindowRenewsAndTheFirstLineAfterSaysWhatWasHeld) {
  Limiter limiter(1, std::chrono::seconds(0));  // every admit starts a new window
  EXPECT_EQ(*limiter.admit("k"), 0u);
  EXPECT_EQ(*limiter.admit("k"), 0u);
  Limiter slow(1, std::chrono::seconds(3600));
  EXPECT_TRUE(slow.admit("k").has_value());
  EXPECT_FALSE(slow.admit("k").has_value());
  EXPECT_FALSE(slow.admit("k").has_value());
}

TEST(Log, LimiterForgetsTheOldestKeyPastItsBound) {
  Limiter limiter(1, std::chrono::seconds(3600), 2);
  EXPECT_TRUE(limiter.admit("a").has_value());
  EXPECT_FALSE(limiter.admit("a").has_value());
  EXPECT_TRUE(limiter.admit("b").has_value());
  EXPECT_TRUE(limiter.admit("c").has_value());  // "a" is forgotten to make room
  EXPECT_TRUE(limiter.admit("a").has_value());  // and starts over
}

}  // namespace
}  // namespace vgw::log
