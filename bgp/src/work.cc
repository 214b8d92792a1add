// The work loop: one posted task at a time does a bounded amount of background work - stale
// marks and sweeps, next-hop revalidation walks, export steps (initial table walks and
// flushes) - and posts itself again while work remains, so protocol events are never starved
// (BIRD's chunked table walks). Also the periodic next-hop scan.
#include <boost/asio/post.hpp>

#include "engine.h"
#include "peer.h"

namespace vgw::bgp {

void Engine::schedule_work() {
  if (work_posted_) return;
  work_posted_ = true;
  std::weak_ptr<bool> alive = alive_;
  boost::asio::post(io_, [this, alive] {
    auto a = alive.lock();
    if (!a || !*a) return;
    work_posted_ = false;
    work();
  });
}

void Engine::work() {
  const size_t budget = std::max<size_t>(1, config_.walk_budget);
  bool more = false;
  for (size_t i = 1; i < peers_.size(); ++i) {
    Peer* p = peers_[i].get();
    if (p == nullptr || p->stale_walks.empty()) continue;
    stale_walk_step(*p, budget);
    more |= !p->stale_walks.empty();
  }
  if (revalidation_.active) {
    revalidate_step(budget);
    more |= revalidation_.active;
  }
  for (size_t i = 1; i < peers_.size(); ++i) {
    if (Peer* p = peers_[i].get()) more |= export_step(*p, budget);
  }
  // Removed peers go once their paths are gone.
  for (size_t i = 1; i < peers_.size(); ++i) {
    Peer* p = peers_[i].get();
    if (p != nullptr && p->deleting && p->stale_walks.empty() && p->accepted[0] + p->accepted[1] == 0 &&
        p->state() == session::State::kIdle) {
      peers_[i].reset();
    }
  }
  if (more) schedule_work();
}

void Engine::revalidate_nexthops() {
  std::vector<NexthopId> changed = nexthops_.refresh();
  if (changed.empty()) return;
  std::sort(changed.begin(), changed.end());
  if (revalidation_.active) {  // merge and start over
    changed.insert(changed.end(), revalidation_.changed.begin(), revalidation_.changed.end());
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  }
  // A walk over every destination under way covers these too: it starts over.
  const bool all = revalidation_.active && revalidation_.all;
  revalidation_ = Revalidation{true, 0, 0, std::move(changed), all};
  schedule_work();
}

void Engine::redecide_all() {
  // Next-hops whose change is still being walked stay in the walk, which starts over.
  std::vector<NexthopId> changed = revalidation_.active ? std::move(revalidation_.changed) : std::vector<NexthopId>{};
  revalidation_ = Revalidation{true, 0, 0, std::move(changed), true};
  schedule_work();
}

void Engine::revalidate_step(size_t budget) {
  Revalidation& r = revalidation_;
  auto uses_changed = [&](auto& t, uint32_t h) {
    if (r.all && t.head(h).next != Path::kNil) return true;  // one path: multipath does not matter
    bool hit = false;
    t.for_each_path(h, [&](const Path& p) {
      hit |= std::binary_search(r.changed.begin(), r.changed.end(), attrs_.nexthop(p.attr));
    });
    return hit;
  };
  if (r.family == 0) {
    r.cursor = v4_.walk_from(r.cursor, budget, [&](uint32_t h) {
      if (uses_changed(v4_, h)) decide<rib::Ipv4Key>(h, kNoPeer, false);
    });
    if (r.cursor >= v4_.handle_limit()) {
      r.family = 1;
      r.cursor = 0;
    }
    return;
  }
  r.cursor = v6_.walk_from(r.cursor, budget, [&](uint32_t h) {
    if (uses_changed(v6_, h)) decide<rib::Ipv6Key>(h, kNoPeer, false);
  });
  if (r.cursor >= v6_.handle_limit()) r = Revalidation{};
}

void Engine::scan_nexthops_later() {
  if (config_.nexthop_scan_interval.count() <= 0) return;
  nexthop_timer_.expires_after(config_.nexthop_scan_interval);
  std::weak_ptr<bool> alive = alive_;
  nexthop_timer_.async_wait([this, alive](const boost::system::error_code& ec) {
    if (ec) return;
    auto a = alive.lock();
    if (!a || !*a) return;
    revalidate_nexthops();
    scan_nexthops_later();
  });
}

}  // namespace vgw::bgp
