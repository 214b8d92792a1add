// Per-worker counter cells. Each worker adds to its own cache-line-aligned cell with relaxed
// atomic load + store (one writer, so no read-modify-write instruction is needed and readers
// on other threads see whole values); readers sum the cells of all workers.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "vgw/esp/dataplane/counters.h"

namespace vgw::esp {

class Cell {
 public:
  void add(uint64_t n = 1) {
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  uint64_t get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

struct alignas(64) SaCells {
  Cell packets, bytes, replay_drops, integrity_failures, malformed, expired, errors, dummy;
  void sum_into(SaCounters& c) const {
    c.packets += packets.get();
    c.bytes += bytes.get();
    c.replay_drops += replay_drops.get();
    c.integrity_failures += integrity_failures.get();
    c.malformed += malformed.get();
    c.expired += expired.get();
    c.errors += errors.get();
    c.dummy += dummy.get();
  }
};

struct alignas(64) TunnelCells {
  Cell tx_packets, tx_bytes, rx_packets, rx_bytes, replay_drops, integrity_failures, malformed,
      expired, no_sa_drops, errors, dummy, too_big;
  void sum_into(TunnelCounters& c) const {
    c.tx_packets += tx_packets.get();
    c.tx_bytes += tx_bytes.get();
    c.rx_packets += rx_packets.get();
    c.rx_bytes += rx_bytes.get();
    c.replay_drops += replay_drops.get();
    c.integrity_failures += integrity_failures.get();
    c.malformed += malformed.get();
    c.expired += expired.get();
    c.no_sa_drops += no_sa_drops.get();
    c.errors += errors.get();
    c.dummy += dummy.get();
    c.too_big += too_big.get();
  }
};

struct alignas(64) DataplaneCells {
  Cell no_sa_drops, malformed, keepalives, ike_datagrams, ike_dropped, misrouted, errors;
  void sum_into(DataplaneCounters& c) const {
    c.no_sa_drops += no_sa_drops.get();
    c.malformed += malformed.get();
    c.keepalives += keepalives.get();
    c.ike_datagrams += ike_datagrams.get();
    c.ike_dropped += ike_dropped.get();
    c.misrouted += misrouted.get();
    c.errors += errors.get();
  }
};

template <typename Cells>
class PerWorker {
 public:
  explicit PerWorker(unsigned workers) : cells_(new Cells[workers]), n_(workers) {}
  Cells& at(unsigned worker) { return cells_[worker]; }
  template <typename Sum>
  Sum sum() const {
    Sum s;
    for (unsigned i = 0; i < n_; ++i) cells_[i].sum_into(s);
    return s;
  }

 private:
  std::unique_ptr<Cells[]> cells_;
  unsigned n_;
};

}  // namespace vgw::esp
