// Test fixtures for the speaker: a Speaker with its own RIB on its own io thread (every call goes
// through IoThread::call, the way routing/ and gRPC will reach it), with the loopback networks as
// connected routes so that next-hops on 127.0.0.0/8 and ::1 resolve.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "vgw/bgp/speaker.h"
#include "vgw/io_thread.h"
#include "vgw/rib/rib.h"

namespace vgw::bgp::testing_util {

using namespace std::chrono_literals;

inline IpAddress ip(const char* s) { return *IpAddress::parse(s); }
inline Prefix pfx(const char* s) { return *Prefix::parse(s); }

inline Policy accept_all() {
  return [](const PolicyContext&, PolicyRoute&) { return PolicyResult::kAccept; };
}

inline Config base_config(uint32_t asn, const char* router_id, const char* listen) {
  Config c;
  c.local_as = asn;
  c.router_id = ip(router_id).v4_host_order();
  c.listen_address = ip(listen);
  c.listen_port = 0;
  c.ebgp_requires_policy = false;
  c.nexthop_scan_interval = std::chrono::seconds(0);
  return c;
}

inline PeerConfig peer_config(const char* address, uint32_t remote_as, uint16_t port = 179,
                              bool passive = true) {
  PeerConfig p;
  p.address = ip(address);
  p.remote_as = remote_as;
  p.port = port;
  p.passive = passive;
  p.connect_retry_time = 1;
  p.idle_hold_time = 1;
  return p;
}

struct SpeakerNode {
  explicit SpeakerNode(Config config) {
    io.call([&] {
      rib = std::make_unique<rib::Rib>();
      add_connected("127.0.0.0/8");
      add_connected("::1/128");
      speaker = std::make_unique<Speaker>(io.io(), *rib, std::move(config));
    });
  }
  ~SpeakerNode() {
    io.call([&] {
      speaker.reset();
      rib.reset();
    });
    io.stop();
  }
  void add_connected(const char* prefix) {
    auto g = *rib->groups().intern({rib::Nexthop{std::nullopt, "lo", 1, 1}});
    rib::RouteSpec spec;
    spec.source = rib::RouteSource::kConnected;
    spec.group = g;
    EXPECT_TRUE(rib->add(pfx(prefix), spec).ok());
    rib->groups().release(g);
  }
  void start() {
    ASSERT_TRUE(io.call([&] { return speaker->start(); }).ok());
    port = io.call([&] { return speaker->listen_port(); });
  }
  void add_peer(PeerConfig p) {
    ASSERT_TRUE(io.call([&] { return speaker->add_peer(std::move(p)); }).ok());
  }
  PeerStatus peer(const char* address) {
    return io.call([&] { return *speaker->peer(ip(address)); });
  }
  bool wait_state(const char* address, session::State s, std::chrono::milliseconds timeout = 10s) {
    return io.wait_until([&] { return speaker->peer(ip(address))->state == s; }, timeout);
  }
  template <typename Pred>
  bool wait(Pred&& pred, std::chrono::milliseconds timeout = 10s) {
    return io.wait_until(std::forward<Pred>(pred), timeout);
  }
  rib::Selected selected(const char* prefix) {
    return io.call([&] { return rib->selected(pfx(prefix)); });
  }
  bool has_route(const char* prefix) { return selected(prefix).active(); }
  // Members of the group the RIB installed for prefix (after resolution).
  size_t group_size(const char* prefix) {
    return io.call([&] {
      rib::Selected s = rib->selected(pfx(prefix));
      return s.active() ? rib->groups().members(s.group).size() : size_t{0};
    });
  }

  test::IoThread io;
  std::unique_ptr<rib::Rib> rib;
  std::unique_ptr<Speaker> speaker;
  uint16_t port = 0;
};

}  // namespace vgw::bgp::testing_util
