// Speaker facade and the engine's lifecycle: listener, peers added/changed/removed at runtime,
// incoming connections matched to configured peers, `network` origination.
#include "vgw/bgp/speaker.h"

#include <boost/asio/post.hpp>

#include "engine.h"
#include "peer.h"
#include "vgw/base/log.h"
#include "vgw/bgp/transport/connection.h"

namespace vgw::bgp {

Engine::Engine(boost::asio::io_context& io, rib::Rib& rib, Config config)
    : io_(io), rib_(rib), config_(std::move(config)), nexthops_(rib, config_.nexthop_check),
      attrs_(nexthops_, config_.default_local_pref),
      listener_(io, [this](boost::asio::ip::tcp::socket s) { on_accept(std::move(s)); }),
      alive_(std::make_shared<bool>(true)), nexthop_timer_(io) {
  peers_.emplace_back();  // PeerId 0: routes of this speaker
  // The RIB says when a route that can resolve next-hops changed: one re-check per loop turn.
  resolver_watch_ = rib_.watch_resolvers([this] {
    if (revalidation_posted_) return;
    revalidation_posted_ = true;
    boost::asio::post(io_, [this, alive = std::weak_ptr<bool>(alive_)] {
      auto a = alive.lock();
      if (!a || !*a) return;
      revalidation_posted_ = false;
      revalidate_nexthops();
    });
  });
}

Engine::~Engine() {
  rib_.unwatch_resolvers(resolver_watch_);
  *alive_ = false;
  nexthop_timer_.cancel();
  listener_.close();
  peers_.clear();
  // Our routes leave the RIB with us.
  auto uninstall = [&](auto& t, auto key_tag) {
    using Key = decltype(key_tag);
    t.walk_from(0, SIZE_MAX, [&](uint32_t h) {
      Path& head = t.head(h);
      if (head.installed == kInstalledNone) return;
      rib_.remove(FamilyTraits<Key>::prefix(t.key(h), t.length(h)),
                  head.installed == kInstalledIbgp ? rib::RouteSource::kIbgp : rib::RouteSource::kEbgp,
                  0);
      head.installed = kInstalledNone;
    });
  };
  uninstall(v4_, rib::Ipv4Key{});
  uninstall(v6_, rib::Ipv6Key{});
}

Peer* Engine::find_peer(const IpAddress& address) const {
  auto it = by_address_.find(address);
  return it == by_address_.end() ? nullptr : peers_[it->second].get();
}

Status Engine::start() {
  if (started_) return {};
  if (config_.router_id == 0) return fail(Error::invalid("BGP router-id is not set"));
  if (config_.listen) {
    if (auto s = listener_.open(config_.listen_address, config_.listen_port); !s) return s;
    for (auto& p : peers_) {
      if (p && !p->config().password.empty()) {
        (void)listener_.set_password(p->config().address, p->config().password);
      }
    }
  }
  started_ = true;
  for (auto& p : peers_) {
    if (p && !p->deleting) p->start();
  }
  scan_nexthops_later();
  return {};
}

void Engine::stop() {
  for (auto& p : peers_) {
    if (p && !p->deleting) {
      p->stop(wire::Notification::shutdown(wire::err::kAdministrativeShutdown, "BGP speaker stopped"),
              "speaker stopped");
    }
  }
  listener_.close();
  nexthop_timer_.cancel();
  started_ = false;
}

namespace {

Status validate(const PeerConfig& c) {
  if (c.address.is_unspecified()) return fail(Error::invalid("peer address is not set"));
  if (c.remote_as == 0 && c.remote_as_kind == PeerConfig::RemoteAs::kNumber) {
    return fail(Error::invalid("remote-as of " + c.address.to_string() + " is not set"));
  }
  if (c.hold_time == 1 || c.hold_time == 2) {
    return fail(Error::invalid("hold time must be 0 or at least 3 seconds"));
  }
  if (c.password.size() > 80) return fail(Error::invalid("password longer than 80 characters"));
  if (c.source_address && c.source_address->family() != c.address.family()) {
    return fail(Error::invalid("source address family differs from the peer's"));
  }
  return {};
}

}  // namespace

Status Engine::add_peer(PeerConfig c) {
  if (auto s = validate(c); !s) return s;
  if (by_address_.count(c.address)) {
    return fail(Error::exists("peer " + c.address.to_string() + " already exists"));
  }
  PeerId id = 0;
  for (size_t i = 1; i < peers_.size(); ++i) {
    if (!peers_[i]) {
      id = static_cast<PeerId>(i);
      break;
    }
  }
  if (id == 0) {
    if (peers_.size() >= kNoPeer) return fail(Error{ErrorCode::kResourceExhausted, "too many peers"});
    id = static_cast<PeerId>(peers_.size());
    peers_.emplace_back();
  }
  IpAddress address = c.address;
  std::string password = c.password;
  peers_[id] = std::make_unique<Peer>(*this, id, std::move(c));
  by_address_[address] = id;
  if (!password.empty() && listener_.is_open()) {
    if (auto s = listener_.set_password(address, password); !s) {
      VGW_LOG(kWarning, "bgp") << "peer " << address.to_string() << ": " << s.error().message;
    }
  }
  if (started_) peers_[id]->start();
  return {};
}

Status Engine::update_peer(PeerConfig c) {
  if (auto s = validate(c); !s) return s;
  Peer* p = find_peer(c.address);
  if (p == nullptr) return fail(Error::not_found("no peer " + c.address.to_string()));
  if (c.password != p->config().password && listener_.is_open()) {
    if (auto s = listener_.set_password(c.address, c.password); !s) return s;
  }
  p->reconfigure(std::move(c));
  return {};
}

Status Engine::remove_peer(const IpAddress& address) {
  auto it = by_address_.find(address);
  if (it == by_address_.end()) return fail(Error::not_found("no peer " + address.to_string()));
  PeerId id = it->second;
  by_address_.erase(it);
  Peer& p = *peers_[id];
  if (!p.config().password.empty() && listener_.is_open()) {
    (void)listener_.set_password(address, "");
  }
  p.deleting = true;
  p.stop(wire::Notification{wire::err::kCease, wire::err::kPeerDeconfigured, {}}, "peer removed");
  // Stale handling of a removed peer: no graceful restart, its routes go now.
  p.gr_stale_mask = 0;
  mark_stale(p, 3);
  sweep_stale(p, 3);
  return {};
}

void Engine::on_accept(boost::asio::ip::tcp::socket socket) {
  boost::system::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  if (ec) return;
  transport::Endpoint from = transport::from_asio(remote);
  Peer* p = find_peer(from.address);
  if (p == nullptr) {
    // Anyone can connect to port 179: at most 5 lines a minute per source address.
    static log::Limiter limiter(5, std::chrono::seconds(60));
    if (auto held = limiter.admit(from.address.to_string())) {
      VGW_LOG(kInfo, "bgp") << "connection from " << from.address.to_string() << " refused: not a configured peer"
                            << log::suppressed_text(*held);
    }
    socket.close(ec);
    return;
  }
  p->accept(std::move(socket));
}

Status Engine::set_network(const Prefix& prefix, const wire::PathAttributes* extra, bool add) {
  const bool v4 = prefix.family() == Family::kIpv4;
  if (!add) {
    if (v4) {
      withdraw<rib::Ipv4Key>(nullptr, kLocalPeer, rib::KeyTraits<rib::Ipv4Key>::from_address(prefix.address()), prefix.length());
    } else {
      withdraw<rib::Ipv6Key>(nullptr, kLocalPeer, rib::KeyTraits<rib::Ipv6Key>::from_address(prefix.address()), prefix.length());
    }
    return {};
  }
  wire::PathAttributes a;
  if (extra != nullptr) a = *extra;
  if (!a.has(wire::attr::kOrigin)) a.set_origin(wire::Origin::kIgp);
  a.set_as_path(wire::AsPath{});
  a.unset(wire::attr::kNextHop);
  a.next_hop = 0;
  a.unset(wire::attr::kLocalPref);
  IpAddress self = v4 ? IpAddress() : IpAddress::v6({});
  AttrId id = attrs_.intern(a, self, kLocalRouteWeight);
  if (v4) {
    set_path<rib::Ipv4Key>(nullptr, kLocalPeer, rib::KeyTraits<rib::Ipv4Key>::from_address(prefix.address()),
                           prefix.length(), id);
  } else {
    set_path<rib::Ipv6Key>(nullptr, kLocalPeer, rib::KeyTraits<rib::Ipv6Key>::from_address(prefix.address()),
                           prefix.length(), id);
  }
  return {};
}

// ---- Speaker ----

Speaker::Speaker(boost::asio::io_context& io, rib::Rib& rib, Config config)
    : engine_(std::make_unique<Engine>(io, rib, std::move(config))) {}
Speaker::~Speaker() = default;

Status Speaker::start() { return engine_->start(); }
void Speaker::stop() { engine_->stop(); }
const Config& Speaker::config() const { return engine_->config_; }
uint16_t Speaker::listen_port() const { return engine_->listener_.port(); }
Status Speaker::add_peer(PeerConfig peer) { return engine_->add_peer(std::move(peer)); }
Status Speaker::update_peer(PeerConfig peer) { return engine_->update_peer(std::move(peer)); }
Status Speaker::remove_peer(const IpAddress& address) { return engine_->remove_peer(address); }

Status Speaker::soft_reset_in(const IpAddress& address) {
  Peer* p = engine_->find_peer(address);
  if (p == nullptr) return fail(Error::not_found("no peer " + address.to_string()));
  return p->send_route_refresh();
}

Status Speaker::soft_reset_out(const IpAddress& address) {
  Peer* p = engine_->find_peer(address);
  if (p == nullptr) return fail(Error::not_found("no peer " + address.to_string()));
  engine_->soft_reset_out(*p);
  return {};
}

Status Speaker::hard_reset(const IpAddress& address) {
  Peer* p = engine_->find_peer(address);
  if (p == nullptr) return fail(Error::not_found("no peer " + address.to_string()));
  p->hard_reset();
  return {};
}

Status Speaker::bfd_down(const IpAddress& address) {
  Peer* p = engine_->find_peer(address);
  if (p == nullptr) return fail(Error::not_found("no peer " + address.to_string()));
  p->bfd_down();
  return {};
}

Status Speaker::add_network(const Prefix& prefix, const wire::PathAttributes* attributes) {
  return engine_->set_network(prefix, attributes, true);
}

Status Speaker::remove_network(const Prefix& prefix) {
  return engine_->set_network(prefix, nullptr, false);
}

void Speaker::nexthops_changed() { engine_->revalidate_nexthops(); }

void Speaker::set_multipath(uint16_t maximum_paths, uint16_t maximum_paths_ibgp, bool relax) {
  engine_->set_multipath(maximum_paths, maximum_paths_ibgp, relax);
}

void Speaker::set_ebgp_requires_policy(bool on) { engine_->set_ebgp_requires_policy(on); }

void Engine::set_multipath(uint16_t maximum_paths, uint16_t maximum_paths_ibgp, bool relax) {
  if (config_.maximum_paths == maximum_paths && config_.maximum_paths_ibgp == maximum_paths_ibgp &&
      config_.multipath_relax == relax) {
    return;
  }
  config_.maximum_paths = maximum_paths;
  config_.maximum_paths_ibgp = maximum_paths_ibgp;
  config_.multipath_relax = relax;
  redecide_all();
}

void Engine::set_ebgp_requires_policy(bool on) {
  if (config_.ebgp_requires_policy == on) return;
  config_.ebgp_requires_policy = on;
  // The gate (Peer::imports/exports) moves only for eBGP peers without that direction's policy.
  for (auto& peer : peers_) {
    if (!peer || peer->deleting || !peer->established() || !peer->external()) continue;
    Peer& p = *peer;  // a session not established starts under the new rule
    if (!p.config().export_policy) soft_reset_out(p);  // sends everything, or withdraws it
    if (p.config().import_policy) continue;
    if (!p.imports()) {  // what it sent so far goes, as if it had withdrawn it
      mark_stale(p, 3);
      sweep_stale(p, 3);
    } else if (p.negotiated()->route_refresh) {
      (void)p.send_route_refresh();
    } else {  // no other way to get its routes again
      p.hard_reset();
    }
  }
}

}  // namespace vgw::bgp
