// ControlQueue: SA events and IKE datagrams from workers to the control plane (see events.h).
#include "vgw/esp/dataplane/events.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vgw::esp {

const char* sa_event_kind_name(SaEventKind kind) {
  switch (kind) {
    case SaEventKind::kSoftExpired: return "soft-expired";
    case SaEventKind::kHardExpired: return "hard-expired";
    case SaEventKind::kSequenceExhausted: return "sequence-exhausted";
  }
  return "unknown";
}

Result<std::unique_ptr<ControlQueue>> ControlQueue::create(size_t max_ike) {
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) return fail(Error::internal(std::string("eventfd: ") + std::strerror(errno)));
  return std::unique_ptr<ControlQueue>(new ControlQueue(fd, max_ike));
}

ControlQueue::~ControlQueue() { ::close(fd_); }

void ControlQueue::set_notifier(std::function<void()> notifier) {
  std::lock_guard lock(mutex_);
  notifier_ = notifier ? std::make_shared<std::function<void()>>(std::move(notifier)) : nullptr;
}

void ControlQueue::signal_locked(std::unique_lock<std::mutex>& lock) {
  if (signalled_) return;
  signalled_ = true;
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(fd_, &one, sizeof one);
  auto notifier = notifier_;
  lock.unlock();
  if (notifier) (*notifier)();
}

void ControlQueue::reset_locked() {
  if (!events_.empty() || !ike_.empty()) return;
  uint64_t value;
  [[maybe_unused]] ssize_t n = ::read(fd_, &value, sizeof value);
  signalled_ = false;
}

void ControlQueue::push(SaEvent event) {
  std::unique_lock lock(mutex_);
  events_.push_back(std::move(event));
  signal_locked(lock);
}

bool ControlQueue::push(IkeDatagram datagram) {
  std::unique_lock lock(mutex_);
  if (ike_.size() >= max_ike_) return false;
  ike_.push_back(std::move(datagram));
  signal_locked(lock);
  return true;
}

std::vector<SaEvent> ControlQueue::take_sa_events() {
  std::lock_guard lock(mutex_);
  std::vector<SaEvent> out(std::make_move_iterator(events_.begin()),
                           std::make_move_iterator(events_.end()));
  events_.clear();
  reset_locked();
  return out;
}

std::vector<IkeDatagram> ControlQueue::take_ike_datagrams() {
  std::lock_guard lock(mutex_);
  std::vector<IkeDatagram> out(std::make_move_iterator(ike_.begin()),
                               std::make_move_iterator(ike_.end()));
  ike_.clear();
  reset_locked();
  return out;
}

}  // namespace vgw::esp
