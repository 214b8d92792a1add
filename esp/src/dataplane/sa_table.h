// The SA table snapshot that workers read, and the long-lived objects it points to.
//
// A snapshot (SaTable) is immutable once published: which tunnels exist with which outer
// endpoint and active outbound SA, and which inbound SA each SPI selects. The objects it points
// to outlive snapshots and carry mutable state with a single writer each:
//   TunnelState    the TUN and the tunnel's counter cells (one cell per worker)
//   OutboundEntry  an OutboundSa, written only by the tunnel's owner worker
//   InboundEntry   an InboundSa, written only by worker SPI mod N
// Owners also publish a few atomics (sequence number, replay top/bitmap, lifetime status) that
// the control plane reads for sa_state().
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "counter_cells.h"
#include "vgw/esp/dataplane/sockets.h"
#include "vgw/esp/dataplane/socket_address.h"
#include "vgw/esp/dataplane/tun_device.h"
#include "vgw/esp/dataplane/tunnel.h"
#include "vgw/esp/sa.h"

namespace vgw::esp {

// Lifetime status as published by an owner: state and cause packed in one atomic.
class PublishedLifetime {
 public:
  void store(LifetimeStatus s) {
    v_.store(static_cast<uint16_t>(static_cast<unsigned>(s.state) << 8 |
                                   static_cast<unsigned>(s.cause)),
             std::memory_order_relaxed);
  }
  LifetimeStatus load() const {
    const uint16_t v = v_.load(std::memory_order_relaxed);
    return {static_cast<LifetimeState>(v >> 8), static_cast<LifetimeCause>(v & 0xff)};
  }

 private:
  std::atomic<uint16_t> v_{0};
};

// What the owner remembers about lifetime events already raised (owner-private).
struct LifetimeReports {
  bool soft = false;
  bool hard = false;
  bool exhausted = false;
};

struct TunnelState {
  TunnelState(std::string name, TunDevice tun, unsigned owner, unsigned workers)
      : name(std::move(name)), tun(std::move(tun)), owner(owner), counters(workers) {}
  const std::string name;
  TunDevice tun;
  const unsigned owner;
  PerWorker<TunnelCells> counters;
};

struct OutboundEntry {
  OutboundEntry(OutboundSa sa, std::string tunnel, unsigned workers)
      : sa(std::move(sa)), tunnel(std::move(tunnel)), counters(workers) {}
  OutboundSa sa;
  const std::string tunnel;
  PerWorker<SaCells> counters;
  std::atomic<uint64_t> last_sequence{0};
  PublishedLifetime lifetime;
  // Owner-private.
  LifetimeReports reported;
  bool dead = false;  // hard-expired by time: refuse every packet
};

struct InboundEntry {
  InboundEntry(InboundSa sa, std::shared_ptr<TunnelState> tunnel, unsigned owner,
               unsigned workers)
      : sa(std::move(sa)), tunnel(std::move(tunnel)), owner(owner), counters(workers) {}
  InboundSa sa;
  const std::shared_ptr<TunnelState> tunnel;
  const unsigned owner;
  PerWorker<SaCells> counters;
  std::atomic<uint64_t> replay_top{0};
  std::atomic<uint64_t> replay_bitmap{0};
  PublishedLifetime lifetime;
  // Owner-private.
  LifetimeReports reported;
  bool dead = false;
};

// One tunnel as one snapshot sees it.
struct TunnelView {
  std::shared_ptr<TunnelState> state;
  SocketAddress remote;  // outer destination (port 0 for bare ESP)
  Encapsulation encapsulation = Encapsulation::kUdp;
  std::shared_ptr<UdpEncapSockets> udp;  // kUdp
  std::shared_ptr<RawEspSockets> raw;    // kEsp
  uint32_t mtu = 0;
  std::shared_ptr<OutboundEntry> outbound;                  // active; null: no outbound SA
  std::vector<std::shared_ptr<OutboundEntry>> all_outbound;  // for housekeeping
};

struct SaTable {
  uint64_t version = 0;  // increases with every publish
  std::vector<std::shared_ptr<const TunnelView>> tunnels;
  std::unordered_map<uint32_t, std::shared_ptr<InboundEntry>> inbound;
  std::vector<std::shared_ptr<UdpEncapSockets>> udp;
  std::vector<std::shared_ptr<RawEspSockets>> raw;
};

// The published snapshot and its version; workers reload when woken.
struct SnapshotCell {
  std::atomic<std::shared_ptr<const SaTable>> table;
};

// Control-plane-side bookkeeping (Dataplane only).
struct UdpEndpointRecord {
  IpAddress local;
  uint16_t port = 0;
  std::shared_ptr<UdpEncapSockets> sockets;
  bool opened_explicitly = false;
};

struct RawEndpointRecord {
  IpAddress local;
  std::shared_ptr<RawEspSockets> sockets;
};

struct TunnelRecord {
  TunnelSpec spec;
  std::string interface_name;
  uint32_t mtu = 0;
  std::shared_ptr<TunnelState> state;
  std::shared_ptr<UdpEndpointRecord> udp;
  std::shared_ptr<RawEndpointRecord> raw;
  std::vector<std::shared_ptr<OutboundEntry>> outbound;  // last = active
  std::vector<std::shared_ptr<InboundEntry>> inbound;
};

}  // namespace vgw::esp
