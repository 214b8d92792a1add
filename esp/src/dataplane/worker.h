// One dataplane worker: a thread with its own epoll loop over its TUNs and sockets (see
// dataplane.h for the packet path and who owns what). Created and stopped by Dataplane.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

#include "counter_cells.h"
#include "sa_table.h"
#include "vgw/base/clock.h"
#include "vgw/base/result.h"
#include "vgw/esp/codec.h"
#include "vgw/esp/dataplane/events.h"
#include "vgw/esp/dataplane/file_descriptor.h"

namespace vgw::esp {

struct WorkerContext {
  SnapshotCell* snapshot = nullptr;
  ControlQueue* queue = nullptr;
  PerWorker<DataplaneCells>* counters = nullptr;
  const Clock* clock = nullptr;
  unsigned workers = 1;
  unsigned batch = 64;
  std::chrono::milliseconds tick{100};
};

class Worker {
 public:
  static Result<std::unique_ptr<Worker>> create(unsigned index, const WorkerContext& context);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();
  // Asks the worker to load the current snapshot (after the control plane published one).
  void wake();
  void stop();
  // The version of the snapshot this worker runs on. Once it is >= v, the worker holds no
  // reference to anything that snapshot v no longer contains.
  uint64_t seen_version() const { return seen_version_.load(std::memory_order_acquire); }

 private:
  struct Source {
    enum class Kind : uint8_t { kWake, kTun, kUdp, kRaw } kind;
    int fd;
    std::shared_ptr<const TunnelView> tunnel;  // kTun
    std::shared_ptr<UdpEncapSockets> udp;      // kUdp
    std::shared_ptr<RawEspSockets> raw;        // kRaw
  };

  Worker(unsigned index, const WorkerContext& context);
  void run();
  void reload();
  void on_tun(const TunnelView& view);
  void on_udp(const UdpEncapSockets& sockets);
  void on_raw(const RawEspSockets& sockets);
  void on_esp(std::span<uint8_t> packet);
  void send_batch(const TunnelView& view, OutboundEntry& out, unsigned count);
  void answer_too_big(const TunnelView& view, std::span<const uint8_t> packet);
  void outbound_refused(OutboundEntry& out, TunnelCells& tc, EncapError error);
  void housekeeping();
  template <typename Entry>
  void check_lifetime(Entry& entry, Direction direction);
  void raise(const std::string& tunnel, Direction d, uint32_t spi, SaEventKind kind,
             LifetimeCause cause);
  unsigned receive(int fd);
  uint8_t* slot(unsigned i) { return arena_.data() + size_t{i} * kSlotSize; }

  // Inner packet <= kMaxInnerMtu plus the largest ESP header (24), padding (17) and ICV (32).
  static constexpr size_t kSlotSize = 10240;
  static constexpr size_t kMaxHeadroom = 24;

  const unsigned index_;
  const WorkerContext context_;
  FileDescriptor epoll_;
  FileDescriptor wake_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> seen_version_{0};
  std::thread thread_;
  std::shared_ptr<const SaTable> table_;
  std::unordered_map<int, std::unique_ptr<Source>> sources_;
  Source wake_source_{Source::Kind::kWake, -1, nullptr, nullptr, nullptr};
  bool reload_pending_ = false;

  std::vector<uint8_t> arena_;
  std::vector<mmsghdr> msgs_;
  std::vector<iovec> iovs_;
  std::vector<sockaddr_storage> names_;
  std::vector<uint32_t> inner_sizes_;
  std::vector<uint8_t> scratch_;
};

}  // namespace vgw::esp
