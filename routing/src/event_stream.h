// QueuedEventStream: a Watch* stream of the API over one of the Gateway's event buses. Events
// that pass the filter queue up while the client reads; past kMaxQueued the oldest are dropped
// and counted (the reply's `lost`), so a slow client never makes the daemon buffer without
// bound. Response is a message with `repeated Event events` and `uint64 lost`.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <utility>

#include "vgw/routing/server_stream.h"

namespace vgw::routing {

template <class Event, class Response>
class QueuedEventStream final : public api::ServerStream {
 public:
  static constexpr size_t kMaxQueued = 10000;
  static constexpr int kBatch = 500;
  using Sink = std::function<void(const Event&)>;
  // subscribe(sink) registers the sink and returns what unregisters it.
  QueuedEventStream(const std::function<std::function<void()>(Sink)>& subscribe,
                    std::function<bool(const Event&)> filter)
      : filter_(std::move(filter)) {
    unsubscribe_ = subscribe([this](const Event& e) {
      if (filter_ && !filter_(e)) return;
      if (queue_.size() >= kMaxQueued) {
        queue_.pop_front();
        ++lost_;
      }
      queue_.push_back(e);
      if (wake) wake();
    });
  }
  ~QueuedEventStream() override {
    if (unsubscribe_) unsubscribe_();
  }

  Next next() override {
    if (queue_.empty()) return wait();
    auto out = std::make_unique<Response>();
    while (!queue_.empty() && out->events_size() < kBatch) {
      *out->add_events() = std::move(queue_.front());
      queue_.pop_front();
    }
    out->set_lost(lost_);
    return message(std::move(out));
  }

 private:
  std::function<bool(const Event&)> filter_;
  std::function<void()> unsubscribe_;
  std::deque<Event> queue_;
  uint64_t lost_ = 0;
};

}  // namespace vgw::routing
