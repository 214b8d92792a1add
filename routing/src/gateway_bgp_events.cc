// BgpService.WatchEvent: peer state changes as the speaker reports them, and best-path changes
// of BGP routes as the RIB sees them, streamed to each watcher with bounded memory (a queue of
// at most kMaxQueued peer events per watcher; table events coalesced per prefix by the RIB's
// subscriber mechanism).
#include <chrono>
#include <deque>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "vgw/base/clock.h"
#include "vgw/bgp/speaker.h"
#include "vgw/routing/gateway.h"
#include "vgw/routing/server_stream.h"

namespace vgw::routing {

namespace {

constexpr size_t kMaxQueued = 10000;
constexpr size_t kBatch = 500;

uint64_t unix_ms() { return static_cast<uint64_t>(unix_ms_now()); }

class WatchEventStream final : public api::ServerStream {
 public:
  WatchEventStream(Gateway& gw, const v1::WatchEventRequest& req) : gw_(gw) {
    if (req.peers()) {
      if (req.initial() && gw_.bgp_speaker()) {
        for (const auto& p : gw_.bgp_speaker()->peers()) {
          v1::PeerEvent e;
          e.set_address(p.address.to_string());
          e.set_new_state(bgp::session::state_name(p.state));
          e.set_unix_time_ms(unix_ms());
          queue_.push_back(std::move(e));
        }
      }
      sink_ = gw_.add_peer_event_sink([this](const v1::PeerEvent& e) {
        if (queue_.size() >= kMaxQueued) {
          queue_.pop_front();
          ++lost_;
        }
        queue_.push_back(e);
        if (wake) wake();
      });
    }
    if (req.table()) {
      table_ = gw_.rib().subscribe(
          [this] {
            if (wake) wake();
          },
          req.initial());
    }
  }
  ~WatchEventStream() override {
    if (sink_) gw_.remove_peer_event_sink(*sink_);
    if (table_) gw_.rib().unsubscribe(*table_);
  }

  Next next() override {
    auto out = std::make_unique<v1::WatchEventResponse>();
    while (!queue_.empty() && out->events_size() < static_cast<int>(kBatch)) {
      *out->add_events()->mutable_peer() = std::move(queue_.front());
      queue_.pop_front();
    }
    while (table_ && out->events_size() < static_cast<int>(kBatch) && gw_.rib().pending(*table_) > 0) {
      changes_.clear();
      gw_.rib().drain(*table_, kBatch - static_cast<size_t>(out->events_size()), changes_);
      for (const auto& c : changes_) add_table_event(*out, c);
    }
    if (out->events_size() == 0) return wait();
    out->set_lost(lost_);
    return message(std::move(out));
  }

 private:
  void add_table_event(v1::WatchEventResponse& out, const rib::RouteChange& c) {
    const bool was = c.before.active() && rib::is_bgp(c.before.source);
    const bool is = c.after.active() && rib::is_bgp(c.after.source);
    if (!was && !is) return;
    auto* t = out.add_events()->mutable_table();
    if (is) {
      t->set_kind(was ? v1::TableEvent::CHANGE : v1::TableEvent::ADD);
      *t->mutable_route() = gw_.describe_selected(c.prefix, c.after);
    } else {
      t->set_kind(v1::TableEvent::WITHDRAW);
      t->mutable_route()->set_prefix(c.prefix.to_string());
    }
  }

  Gateway& gw_;
  std::optional<uint64_t> sink_;
  std::optional<rib::SubscriberId> table_;
  std::deque<v1::PeerEvent> queue_;
  uint64_t lost_ = 0;
  std::vector<rib::RouteChange> changes_;
};

}  // namespace

Result<std::unique_ptr<api::ServerStream>> Gateway::watch_event(const v1::WatchEventRequest& req) {
  if (!req.peers() && !req.table()) {
    return fail(Error::invalid("nothing to watch: set peers and/or table"));
  }
  return std::unique_ptr<api::ServerStream>(std::make_unique<WatchEventStream>(*this, req));
}

uint64_t Gateway::add_peer_event_sink(PeerEventSink sink) {
  uint64_t id = next_sink_id_++;
  peer_event_sinks_.emplace(id, std::move(sink));
  return id;
}

void Gateway::remove_peer_event_sink(uint64_t id) { peer_event_sinks_.erase(id); }

void Gateway::publish_peer_event(const bgp::PeerEvent& e) {
  // The tunnel the session runs over re-evaluates its health, after the speaker's callback
  // returns (a health change re-validates the speaker's next-hops).
  if (e.from != e.to && io_) boost::asio::post(*io_, [this, a = e.address] { on_peer_state_for_health(a); });
  if (peer_event_sinks_.empty()) return;
  v1::PeerEvent out;
  out.set_address(e.address.to_string());
  out.set_old_state(bgp::session::state_name(static_cast<bgp::session::State>(e.from)));
  out.set_new_state(bgp::session::state_name(static_cast<bgp::session::State>(e.to)));
  out.set_reason(e.reason);
  out.set_unix_time_ms(unix_ms());
  for (auto& [id, sink] : peer_event_sinks_) sink(out);
}

}  // namespace vgw::routing
