// The ESP dataplane: route-based IPsec tunnels in user space, TUN in, ESP out and back.
//
// Packet path (DESIGN.md "Packet path"):
//   outbound  kernel routes an inner packet into the tunnel's TUN -> the tunnel's worker reads a
//             batch of them (one read() each, up to `batch` per wake-up, straight into buffers
//             with headroom for the ESP header) -> size check against the tunnel MTU (icmp.h)
//             -> encapsulate() in place with the tunnel's active outbound SA -> one sendmmsg()
//             of the whole batch on that worker's UDP 4500 socket (ESP in UDP, RFC 3948) or raw
//             IPPROTO_ESP socket; the kernel adds the outer IP (and UDP) header.
//   inbound   recvmmsg() a batch on a worker's socket -> UDP payloads are classified (RFC 3948:
//             ESP, IKE behind the Non-ESP Marker, NAT-keepalive; raw sockets skip the IPv4
//             header) -> the SPI selects the InboundSa in the current snapshot -> decapsulate()
//             in place (replay check, ICV, replay commit, decrypt, padding; RFC 4303 3.4) ->
//             write() the inner packet into the SA's tunnel TUN; the kernel forwards it.
//
// Threads:
//   - The control plane (vgwd's io_context thread) calls every method of Dataplane. Methods
//     build a new SaTable and publish it; they do not wait for workers, except add_tunnel and
//     open_udp_endpoint right after a removal (bounded, normally microseconds; see add_tunnel).
//   - N workers (default: one per core, at most 2), each an epoll loop over its own
//     descriptors: the TUNs of the tunnels it owns, its socket in every UDP 4500 group and raw
//     ESP set, an eventfd that says "new snapshot" and a housekeeping tick (lifetimes, published
//     replay state) every `tick`.
//
// Who writes what (one writer per mutable thing, no locks on the packet path):
//   - An outbound SA (sequence number, codec counters) belongs to the worker that owns its
//     tunnel (tunnels are spread round-robin); that worker alone reads the TUN, so no other
//     thread ever numbers a packet of that tunnel.
//     Hence one queue per TUN (no IFF_MULTI_QUEUE): one tunnel's outbound traffic is one
//     worker's work; load spreads across tunnels, and inbound across SPIs.
//   - An inbound SA (replay window) belongs to worker SPI mod N; the kernel steers its packets
//     there (sockets.h: reuseport BPF for UDP, per-socket BPF filters for raw ESP). Inbound
//     writes to a TUN may come from any worker: write() on a TUN is one packet, atomically.
//   - SaTable snapshots are immutable: the control plane builds one per change and stores it
//     in an atomic shared_ptr, then wakes the workers, which load it once and drop the old one.
//     SA and tunnel objects are shared between snapshots, so their state carries over.
//   - Counters: every SA and tunnel has one cache-line-aligned cell per worker; a worker
//     updates only its own cell (relaxed atomics, single writer), readers sum the cells.
//   - Events (lifetimes, exhaustion) and IKE datagrams go to a ControlQueue (events.h); the
//     dataplane never calls into control-plane objects.
//
// Rekeying (make before break, as strongSwan's kernel interface does it): add_sa(in, new) ->
// add_sa(out, new), which becomes the active outbound SA -> delete_sa of the old pair later.
// Deleting the active outbound SA makes the previously added one active again, if any.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/base/clock.h"
#include "vgw/base/result.h"
#include "vgw/esp/dataplane/counters.h"
#include "vgw/esp/dataplane/events.h"
#include "vgw/esp/dataplane/interface_name.h"
#include "vgw/esp/dataplane/tunnel.h"
#include "vgw/esp/sa.h"

namespace vgw::esp {

struct DataplaneOptions {
  unsigned workers = 0;  // 0: one per core, at most 2
  unsigned batch = 64;   // packets per read/recvmmsg/sendmmsg round
  std::chrono::milliseconds tick{100};  // housekeeping period (lifetimes, published state)
  const Clock* clock = nullptr;         // lifetimes' clock; SteadyClock if null (thread-safe!)
  size_t max_ike_queue = ControlQueue::kDefaultMaxIke;
};

struct DataplaneShared;
struct TunnelRecord;
struct UdpEndpointRecord;
struct RawEndpointRecord;
class Worker;

class Dataplane {
 public:
  static Result<std::unique_ptr<Dataplane>> create(const DataplaneOptions& options = {});
  ~Dataplane();  // stops and joins the workers, closes TUNs and sockets
  Dataplane(const Dataplane&) = delete;
  Dataplane& operator=(const Dataplane&) = delete;

  unsigned worker_count() const;

  // A random SPI for a new inbound SA: nonzero, not 1..255, not used by any inbound SA and not
  // handed out before (until release_spi or add_sa/delete_sa with it). Given the tunnel the SA
  // will belong to, the SPI is picked so that SPI mod N is the tunnel's worker: both directions
  // of a tunnel then run on one thread (fewer wake-ups, warm caches), tunnels spread over the
  // workers.
  uint32_t allocate_spi(std::string_view tunnel = {});
  void release_spi(uint32_t spi);

  // Creates the TUN (named after the tunnel, see interface_name.h), sets its inside address
  // and MTU, brings it up, and opens the outer sockets for the local address if needed.
  // Right after a remove_tunnel / close_udp_endpoint it first waits (bounded; normally for
  // microseconds, the workers are woken at once) until no worker holds the removed TUN or
  // sockets any more: a TUN name cannot be taken twice, and new UDP sockets must not join the
  // old sockets' SO_REUSEPORT group, where the steering indices would then be wrong.
  Status add_tunnel(const TunnelSpec& spec);
  // Removes the tunnel with all its SAs. The TUN disappears once every worker has moved to
  // the new snapshot (within one loop iteration; they are woken at once).
  Status remove_tunnel(std::string_view tunnel);

  // Installs an SA. Inbound: found by SPI (must be unique among inbound SAs). Outbound: becomes
  // the tunnel's active SA.
  Status add_sa(std::string_view tunnel, Direction direction, const SaConfig& config);
  Status update_sa(std::string_view tunnel, const SaUpdate& update);
  Status delete_sa(std::string_view tunnel, Direction direction, uint32_t spi);

  // UDP encapsulation sockets without a tunnel (an IKE responder listening on local:4500).
  // add_tunnel opens them too; they stay until close_udp_endpoint and no tunnel uses them.
  Status open_udp_endpoint(const IpAddress& local, uint16_t port = kNatTraversalPort);
  Status close_udp_endpoint(const IpAddress& local, uint16_t port = kNatTraversalPort);
  // Sends an IKE message from local:port (an open endpoint) with the Non-ESP Marker prepended.
  Status send_ike(const IkeDatagram& datagram);

  // Batching: between defer_publish() and the matching flush_publish(), changes (add_sa,
  // update_sa, delete_sa, add_tunnel) are made but published to the workers once, at the flush
  // (a snapshot costs O(tunnels) to build and to load). Until then the workers run on the old
  // snapshot: a caller that must know a change is live (an inbound SA before the peer may use
  // it) flushes first. Removals publish at once. Nestable.
  void defer_publish();
  void flush_publish();

  // Queries: sums of the workers' cells, read now.
  Result<TunnelInfo> tunnel(std::string_view tunnel) const;
  std::vector<TunnelInfo> tunnels() const;
  Result<TunnelCounters> counters(std::string_view tunnel) const;
  DataplaneCounters counters() const;
  Result<SaState> sa_state(std::string_view tunnel, Direction direction, uint32_t spi) const;
  // Tunnel name -> interface name, for every tunnel.
  const std::map<std::string, std::string, std::less<>>& interface_names() const;

  // Events: see events.h.
  int event_fd() const;
  void set_event_notifier(std::function<void()> notifier);
  std::vector<SaEvent> take_sa_events();
  std::vector<IkeDatagram> take_ike_datagrams();

 private:
  explicit Dataplane(const DataplaneOptions& options);
  Status start();
  void publish();      // now, or at the flush while deferred
  void publish_now();
  TunnelRecord* find(std::string_view tunnel);
  const TunnelRecord* find(std::string_view tunnel) const;
  Result<std::shared_ptr<UdpEndpointRecord>> udp_endpoint(const IpAddress& local, uint16_t port);
  Result<std::shared_ptr<RawEndpointRecord>> raw_endpoint(const IpAddress& local);
  void drop_unused_endpoints();
  Status await_release();

  DataplaneOptions options_;
  unsigned worker_count_ = 1;
  std::unique_ptr<DataplaneShared> shared_;  // snapshot, queue and counters the workers share
  std::vector<std::unique_ptr<Worker>> workers_;
  std::map<std::string, std::unique_ptr<TunnelRecord>, std::less<>> tunnels_;
  std::vector<std::shared_ptr<UdpEndpointRecord>> udp_endpoints_;
  std::vector<std::shared_ptr<RawEndpointRecord>> raw_endpoints_;
  InterfaceNames names_;
  std::set<uint32_t> inbound_spis_;   // installed
  std::set<uint32_t> reserved_spis_;  // allocated, not installed yet
  std::mt19937_64 random_;
  unsigned next_worker_ = 0;
  uint64_t version_ = 0;          // of the last published snapshot
  int defer_depth_ = 0;           // defer_publish() calls not yet flushed
  bool publish_pending_ = false;  // a change waits for the flush
  uint64_t release_version_ = 0;  // first snapshot without the last removed TUN/sockets
};

}  // namespace vgw::esp
