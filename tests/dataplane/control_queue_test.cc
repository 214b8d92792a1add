// ControlQueue (events.h): eventfd readiness, notifier once per empty -> non-empty, bounded
// IKE backlog, pushes from other threads.
#include "vgw/esp/dataplane/events.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <atomic>
#include <thread>

namespace vgw::esp {
namespace {

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

TEST(ControlQueue, EventFdFollowsContent) {
  auto q = ControlQueue::create();
  ASSERT_TRUE(q);
  EXPECT_FALSE(readable((*q)->fd()));
  (*q)->push(SaEvent{SaEventKind::kSoftExpired, "t1", Direction::kOutbound, 0x1234,
                     LifetimeCause::kBytes});
  EXPECT_TRUE(readable((*q)->fd()));
  auto events = (*q)->take_sa_events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].tunnel, "t1");
  EXPECT_EQ(events[0].spi, 0x1234u);
  EXPECT_EQ(events[0].cause, LifetimeCause::kBytes);
  EXPECT_FALSE(readable((*q)->fd()));
}

TEST(ControlQueue, StaysReadableWhileIkeWaits) {
  auto q = ControlQueue::create();
  ASSERT_TRUE(q);
  (*q)->push(SaEvent{});
  ASSERT_TRUE((*q)->push(IkeDatagram{}));
  EXPECT_EQ((*q)->take_sa_events().size(), 1u);
  EXPECT_TRUE(readable((*q)->fd()));  // the datagram still waits
  EXPECT_EQ((*q)->take_ike_datagrams().size(), 1u);
  EXPECT_FALSE(readable((*q)->fd()));
}

TEST(ControlQueue, NotifierOncePerBurst) {
  auto q = ControlQueue::create();
  ASSERT_TRUE(q);
  int calls = 0;
  (*q)->set_notifier([&] { ++calls; });
  (*q)->push(SaEvent{});
  (*q)->push(SaEvent{});
  EXPECT_EQ(calls, 1);
  (void)(*q)->take_sa_events();
  (*q)->push(SaEvent{});
  EXPECT_EQ(calls, 2);
}

TEST(ControlQueue, IkeBacklogIsBounded) {
  auto q = ControlQueue::create(2);
  ASSERT_TRUE(q);
  EXPECT_TRUE((*q)->push(IkeDatagram{}));
  EXPECT_TRUE((*q)->push(IkeDatagram{}));
  EXPECT_FALSE((*q)->push(IkeDatagram{}));
  EXPECT_EQ((*q)->take_ike_datagrams().size(), 2u);
}

TEST(ControlQueue, PushesFromWorkers) {
  auto q = ControlQueue::create();
  ASSERT_TRUE(q);
  std::atomic<int> notified{0};
  (*q)->set_notifier([&] { notified.fetch_add(1); });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i)
        (*q)->push(SaEvent{SaEventKind::kHardExpired, "t", Direction::kInbound,
                           static_cast<uint32_t>(t * 1000 + i), LifetimeCause::kTime});
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ((*q)->take_sa_events().size(), 4000u);
  EXPECT_GE(notified.load(), 1);
}

}  // namespace
}  // namespace vgw::esp
