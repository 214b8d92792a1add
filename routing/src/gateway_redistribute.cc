// Redistribution into BGP (`redistribute connected|static` in an address family), as FRR does
// it: every selected RIB route of those protocols is originated by the speaker with ORIGIN
// incomplete and the route's metric as MED; it is withdrawn when the route goes or another
// protocol's route wins the prefix. A `network` statement for the same prefix takes precedence
// (ORIGIN IGP); when it is removed, the redistributed route takes its place again.
//
// The RIB subscription exists only while the speaker runs and something is redistributed, so a
// router without redistribution pays nothing per route change.
#include <boost/asio/post.hpp>

#include "gateway_state.h"
#include "vgw/base/log.h"

namespace vgw::routing {

namespace {

constexpr size_t kDrainBatch = 4096;

std::optional<rib::RouteSource> redistributed_source(const std::string& protocol) {
  if (protocol == "connected") return rib::RouteSource::kConnected;
  if (protocol == "static") return rib::RouteSource::kStatic;
  return std::nullopt;
}

// Loopback, link-local and multicast prefixes never leave the box.
bool local_only(const Prefix& p) {
  static const Prefix kLoop4 = *Prefix::parse("127.0.0.0/8");
  static const Prefix kMulticast4 = *Prefix::parse("224.0.0.0/4");
  static const Prefix kLoop6 = *Prefix::parse("::1/128");
  static const Prefix kLinkLocal6 = *Prefix::parse("fe80::/10");
  static const Prefix kMulticast6 = *Prefix::parse("ff00::/8");
  for (const Prefix* scope : {&kLoop4, &kMulticast4, &kLoop6, &kLinkLocal6, &kMulticast6}) {
    if (scope->contains(p)) return true;
  }
  return false;
}

bgp::wire::PathAttributes redistributed_attributes(uint32_t metric) {
  bgp::wire::PathAttributes a;
  a.set_origin(bgp::wire::Origin::kIncomplete);
  a.set_med(metric);
  return a;
}

}  // namespace

void Gateway::stop_speaker() {
  if (redistribution_) {
    if (redistribution_->subscription) rib_.unsubscribe(*redistribution_->subscription);
    redistribution_.reset();
  }
  if (speaker_) {
    speaker_->stop();
    speaker_.reset();
  }
}

void Gateway::withdraw_network(const Prefix& prefix) {
  if (!speaker_) return;
  if (redistribution_) {
    if (auto it = redistribution_->originated.find(prefix); it != redistribution_->originated.end()) {
      auto attrs = redistributed_attributes(it->second);
      (void)speaker_->add_network(prefix, &attrs);  // replaces the network route
      return;
    }
  }
  (void)speaker_->remove_network(prefix);
}

void Gateway::sync_redistribution() {
  std::set<std::pair<Family, rib::RouteSource>> wanted;
  if (speaker_ && model_.bgp) {  // only router bgp redistributes
    for (const auto& [family, protocol] : model_.bgp->redistribute) {
      if (auto src = redistributed_source(protocol)) wanted.insert({family, *src});
    }
  }
  if (redistribution_ && redistribution_->wanted == wanted) return;
  if (redistribution_) {  // start over: withdraw what no longer applies after a full replay
    if (redistribution_->subscription) rib_.unsubscribe(*redistribution_->subscription);
    for (const auto& [prefix, metric] : redistribution_->originated) {
      if (!bgp_network(prefix)) (void)speaker_->remove_network(prefix);
    }
    redistribution_.reset();
  }
  if (wanted.empty()) return;
  redistribution_ = std::make_unique<Redistribution>();
  redistribution_->wanted = std::move(wanted);
  redistribution_->subscription = rib_.subscribe(
      [this] {
        if (!redistribution_ || redistribution_->drain_scheduled) return;
        redistribution_->drain_scheduled = true;
        boost::asio::post(*io_, [this] { drain_redistribution(); });
      },
      /*replay=*/true);
  redistribution_->drain_scheduled = true;
  boost::asio::post(*io_, [this] { drain_redistribution(); });
}

void Gateway::drain_redistribution() {
  if (!redistribution_ || !redistribution_->subscription || !speaker_) return;
  auto& r = *redistribution_;
  r.drain_scheduled = false;
  r.changes.clear();
  size_t n = rib_.drain(*r.subscription, kDrainBatch, r.changes);
  for (const auto& c : r.changes) {
    bool wanted = c.after.active() && r.wanted.count({c.prefix.family(), c.after.source}) && !local_only(c.prefix);
    auto it = r.originated.find(c.prefix);
    bool network = bgp_network(c.prefix);
    if (wanted) {
      if (it != r.originated.end() && it->second == c.after.metric) continue;
      r.originated[c.prefix] = c.after.metric;
      if (!network) {
        auto attrs = redistributed_attributes(c.after.metric);
        (void)speaker_->add_network(c.prefix, &attrs);
      }
    } else if (it != r.originated.end()) {
      r.originated.erase(it);
      if (!network) (void)speaker_->remove_network(c.prefix);
    }
  }
  if (n == kDrainBatch && !r.drain_scheduled) {  // more waiting: continue on the next turn
    r.drain_scheduled = true;
    boost::asio::post(*io_, [this] { drain_redistribution(); });
  }
}

}  // namespace vgw::routing
