// What the dataplane raises to the control plane, and the queue it travels through.
//
// Workers never call control-plane objects. They push SA events (soft/hard lifetime, sequence
// space exhausted) and IKE datagrams (UDP 4500 payloads behind the Non-ESP Marker, RFC 3948
// 2.2) into a ControlQueue; the control plane learns that something is waiting either by
// watching fd() (an eventfd: e.g. wrap it in an asio posix::stream_descriptor) or through the
// notifier, which a worker calls once per empty -> non-empty transition (e.g. a function that
// asio::post()s a drain to the io_context). Either way the control plane then calls take_*().
// Pushing takes a mutex: these are rare, control-plane-bound packets, not the ESP fast path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"
#include "vgw/esp/crypto.h"
#include "vgw/esp/lifetime.h"

namespace vgw::esp {

enum class SaEventKind : uint8_t {
  kSoftExpired,        // rekey now (soft time/bytes/packets, or 15/16 of the sequence space used)
  kHardExpired,        // the SA no longer carries traffic
  kSequenceExhausted,  // an outbound SA used its last sequence number (RFC 4303 3.3.3)
};
const char* sa_event_kind_name(SaEventKind kind);  // "soft-expired", "hard-expired", ...

struct SaEvent {
  SaEventKind kind = SaEventKind::kSoftExpired;
  std::string tunnel;
  Direction direction = Direction::kOutbound;
  uint32_t spi = 0;
  LifetimeCause cause = LifetimeCause::kNone;
};

// An IKE message received on a dataplane-owned UDP encapsulation socket.
struct IkeDatagram {
  IpAddress local;
  uint16_t local_port = 0;
  IpAddress remote;
  uint16_t remote_port = 0;
  std::vector<uint8_t> message;  // the IKE message, Non-ESP Marker removed
};

class ControlQueue {
 public:
  static constexpr size_t kDefaultMaxIke = 1024;
  static Result<std::unique_ptr<ControlQueue>> create(size_t max_ike = kDefaultMaxIke);
  ~ControlQueue();
  ControlQueue(const ControlQueue&) = delete;
  ControlQueue& operator=(const ControlQueue&) = delete;

  // Readable (eventfd counter > 0) while events or datagrams wait; take_*() reset it.
  int fd() const { return fd_; }
  // Called on a worker thread, outside the queue's lock, when the queue becomes non-empty.
  void set_notifier(std::function<void()> notifier);

  void push(SaEvent event);
  // False (and the datagram is dropped) when max_ike datagrams already wait.
  bool push(IkeDatagram datagram);

  std::vector<SaEvent> take_sa_events();
  std::vector<IkeDatagram> take_ike_datagrams();

 private:
  ControlQueue(int fd, size_t max_ike) : fd_(fd), max_ike_(max_ike) {}
  void signal_locked(std::unique_lock<std::mutex>& lock);
  void reset_locked();

  int fd_;
  size_t max_ike_;
  std::mutex mutex_;
  std::deque<SaEvent> events_;
  std::deque<IkeDatagram> ike_;
  bool signalled_ = false;
  std::shared_ptr<std::function<void()>> notifier_;
};

}  // namespace vgw::esp
