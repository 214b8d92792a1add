// The worker loop: TUN -> encapsulate -> sendmmsg, recvmmsg -> decapsulate -> TUN, and the
// housekeeping tick (lifetimes, published SA state). See dataplane.h.
#include "worker.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "vgw/base/bytes.h"
#include "vgw/base/log.h"
#include "vgw/esp/codec.h"
#include "vgw/esp/dataplane/icmp.h"
#include "vgw/esp/dataplane/mtu.h"
#include "vgw/esp/udp_encap.h"

namespace vgw::esp {
namespace {

Error sys_error(const std::string& what) {
  return Error::internal(what + ": " + std::strerror(errno));
}

}  // namespace

Worker::Worker(unsigned index, const WorkerContext& context)
    : index_(index),
      context_(context),
      arena_(size_t{context.batch} * kSlotSize),
      msgs_(context.batch),
      iovs_(context.batch),
      names_(context.batch),
      inner_sizes_(context.batch),
      scratch_(kMaxTooBigSize) {}

Result<std::unique_ptr<Worker>> Worker::create(unsigned index, const WorkerContext& context) {
  std::unique_ptr<Worker> w(new Worker(index, context));
  w->epoll_ = FileDescriptor(::epoll_create1(EPOLL_CLOEXEC));
  if (!w->epoll_.valid()) return fail(sys_error("epoll_create1"));
  w->wake_ = FileDescriptor(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!w->wake_.valid()) return fail(sys_error("eventfd"));
  w->wake_source_.fd = w->wake_.get();
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &w->wake_source_;
  if (::epoll_ctl(w->epoll_.get(), EPOLL_CTL_ADD, w->wake_.get(), &ev) < 0)
    return fail(sys_error("epoll_ctl wake"));
  return w;
}

Worker::~Worker() { stop(); }

void Worker::start() {
  reload();
  thread_ = std::thread([this] { run(); });
}

void Worker::wake() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof one);
}

void Worker::stop() {
  if (!thread_.joinable()) return;
  stop_.store(true);
  wake();
  thread_.join();
}

void Worker::run() {
  epoll_event events[64];
  auto next_tick = std::chrono::steady_clock::now() + context_.tick;
  while (!stop_.load(std::memory_order_relaxed)) {
    const auto now = std::chrono::steady_clock::now();
    const auto wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - now).count();
    const int n = ::epoll_wait(epoll_.get(), events, 64, wait > 0 ? static_cast<int>(wait) : 0);
    for (int i = 0; i < n; ++i) {
      auto* source = static_cast<Source*>(events[i].data.ptr);
      switch (source->kind) {
        case Source::Kind::kWake: {
          uint64_t value;
          [[maybe_unused]] ssize_t r = ::read(wake_.get(), &value, sizeof value);
          reload_pending_ = true;
          break;
        }
        case Source::Kind::kTun: on_tun(*source->tunnel); break;
        case Source::Kind::kUdp: on_udp(*source->udp); break;
        case Source::Kind::kRaw: on_raw(*source->raw); break;
      }
    }
    // Sources of this round stay valid until every event of the round is handled.
    if (reload_pending_) reload();
    if (std::chrono::steady_clock::now() >= next_tick) {
      housekeeping();
      next_tick = std::chrono::steady_clock::now() + context_.tick;
    }
  }
}

void Worker::reload() {
  reload_pending_ = false;
  std::shared_ptr<const SaTable> table = context_.snapshot->table.load();
  std::unordered_map<int, std::unique_ptr<Source>> wanted;
  if (table) {
    for (const auto& view : table->tunnels) {
      if (view->state->owner != index_) continue;
      const int fd = view->state->tun.fd();
      wanted[fd] = std::make_unique<Source>(Source{Source::Kind::kTun, fd, view, nullptr, nullptr});
    }
    for (const auto& udp : table->udp) {
      const int fd = udp->fd(index_);
      wanted[fd] = std::make_unique<Source>(Source{Source::Kind::kUdp, fd, nullptr, udp, nullptr});
    }
    for (const auto& raw : table->raw) {
      const int fd = raw->fd(index_);
      wanted[fd] = std::make_unique<Source>(Source{Source::Kind::kRaw, fd, nullptr, nullptr, raw});
    }
  }
  // Drop what is gone (before anything can close it), update what stays, add what is new.
  for (auto it = sources_.begin(); it != sources_.end();) {
    if (!wanted.contains(it->first)) {
      ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->first, nullptr);
      it = sources_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [fd, source] : wanted) {
    auto it = sources_.find(fd);
    if (it != sources_.end()) {
      *it->second = std::move(*source);  // same descriptor, newer view
      continue;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = source.get();
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) < 0) {
      VGW_LOG(kError, "esp") << "worker " << index_ << ": epoll_ctl add: " << std::strerror(errno);
      context_.counters->at(index_).errors.add();
      continue;
    }
    sources_.emplace(fd, std::move(source));
  }
  table_ = std::move(table);  // drops the old snapshot (and whatever only it held)
  seen_version_.store(table_ ? table_->version : 0, std::memory_order_release);
}

// ---- outbound ----

void Worker::on_tun(const TunnelView& view) {
  TunnelState& state = *view.state;
  TunnelCells& tc = state.counters.at(index_);
  OutboundEntry* out = view.outbound.get();
  const size_t head = out ? out->sa.header_size() : kMaxHeadroom;
  const size_t capacity = kMaxInnerMtu + 64;
  unsigned count = 0;
  for (unsigned i = 0; i < context_.batch; ++i) {
    uint8_t* buffer = slot(count);
    const ssize_t r = ::read(state.tun.fd(), buffer + head, capacity);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) tc.errors.add();
      break;
    }
    std::span<const uint8_t> inner(buffer + head, static_cast<size_t>(r));
    if (out == nullptr) {
      tc.no_sa_drops.add();
      continue;
    }
    if (inner.size() > view.mtu) {
      const TooBigAction action = classify_size(inner, view.mtu);
      if (action == TooBigAction::kAnswer || action == TooBigAction::kDrop) {
        tc.too_big.add();
        if (action == TooBigAction::kAnswer) answer_too_big(view, inner);
        continue;
      }
    }
    if (out->dead) {
      tc.expired.add();
      out->counters.at(index_).expired.add();
      continue;
    }
    auto size = encapsulate(out->sa, inner, std::span<uint8_t>(buffer, kSlotSize));
    if (!size) {
      outbound_refused(*out, tc, size.error());
      continue;
    }
    iovs_[count] = {buffer, *size};
    inner_sizes_[count] = static_cast<uint32_t>(inner.size());
    ++count;
  }
  if (count > 0) send_batch(view, *out, count);
}

void Worker::send_batch(const TunnelView& view, OutboundEntry& out, unsigned count) {
  const int fd = view.udp ? view.udp->fd(index_) : view.raw->fd(index_);
  for (unsigned i = 0; i < count; ++i) {
    msghdr& h = msgs_[i].msg_hdr;
    h = {};
    h.msg_name = const_cast<sockaddr*>(view.remote.get());
    h.msg_namelen = view.remote.size;
    h.msg_iov = &iovs_[i];
    h.msg_iovlen = 1;
  }
  TunnelCells& tc = view.state->counters.at(index_);
  SaCells& sc = out.counters.at(index_);
  unsigned done = 0;
  while (done < count) {
    const int sent = ::sendmmsg(fd, msgs_.data() + done, count - done, MSG_DONTWAIT);
    if (sent <= 0) {
      if (sent < 0 && errno == EINTR) continue;
      // The message at `done` failed (buffer full, no route...): drop it, go on with the rest.
      tc.errors.add();
      sc.errors.add();
      ++done;
      continue;
    }
    uint64_t bytes = 0;
    for (int i = 0; i < sent; ++i) bytes += inner_sizes_[done + static_cast<unsigned>(i)];
    tc.tx_packets.add(static_cast<uint64_t>(sent));
    tc.tx_bytes.add(bytes);
    sc.packets.add(static_cast<uint64_t>(sent));
    sc.bytes.add(bytes);
    done += static_cast<unsigned>(sent);
  }
  out.last_sequence.store(out.sa.last_sequence(), std::memory_order_relaxed);
}

void Worker::answer_too_big(const TunnelView& view, std::span<const uint8_t> packet) {
  const size_t n = write_too_big(packet, view.mtu, scratch_);
  if (n == 0) return;
  if (::write(view.state->tun.fd(), scratch_.data(), n) < 0)
    view.state->counters.at(index_).errors.add();
}

void Worker::outbound_refused(OutboundEntry& out, TunnelCells& tc, EncapError error) {
  SaCells& sc = out.counters.at(index_);
  switch (error) {
    case EncapError::kSequenceExhausted:
      tc.expired.add();
      sc.expired.add();
      if (!out.reported.exhausted) {
        out.reported.exhausted = true;
        raise(out.tunnel, Direction::kOutbound, out.sa.spi(), SaEventKind::kSequenceExhausted,
              LifetimeCause::kSequence);
      }
      break;
    case EncapError::kExpired:
      tc.expired.add();
      sc.expired.add();
      check_lifetime(out, Direction::kOutbound);  // raises the hard event at once
      break;
    case EncapError::kInvalidPacket:
    case EncapError::kBufferTooSmall:
    case EncapError::kCryptoFailure:
      tc.errors.add();
      sc.errors.add();
      break;
  }
}

// ---- inbound ----

unsigned Worker::receive(int fd) {
  for (unsigned i = 0; i < context_.batch; ++i) {
    iovs_[i] = {slot(i), kSlotSize};
    msghdr& h = msgs_[i].msg_hdr;
    h = {};
    h.msg_name = &names_[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_iov = &iovs_[i];
    h.msg_iovlen = 1;
  }
  const int n = ::recvmmsg(fd, msgs_.data(), context_.batch, MSG_DONTWAIT, nullptr);
  if (n < 0) {
    if (errno != EAGAIN && errno != EINTR) context_.counters->at(index_).errors.add();
    return 0;
  }
  return static_cast<unsigned>(n);
}

void Worker::on_udp(const UdpEncapSockets& sockets) {
  DataplaneCells& dc = context_.counters->at(index_);
  const unsigned n = receive(sockets.fd(index_));
  for (unsigned i = 0; i < n; ++i) {
    const mmsghdr& m = msgs_[i];
    if (m.msg_hdr.msg_flags & MSG_TRUNC) {
      dc.malformed.add();
      continue;
    }
    std::span<uint8_t> payload(slot(i), m.msg_len);
    switch (classify_udp_encap(payload)) {
      case UdpEncapKind::kEsp: on_esp(payload); break;
      case UdpEncapKind::kIke: {
        const SocketAddress from = SocketAddress::from(
            reinterpret_cast<const sockaddr*>(&names_[i]), m.msg_hdr.msg_namelen);
        IkeDatagram d{sockets.local().address(), sockets.local().port(), from.address(),
                      from.port(),
                      std::vector<uint8_t>(payload.begin() + kNonEspMarkerSize, payload.end())};
        if (context_.queue->push(std::move(d)))
          dc.ike_datagrams.add();
        else
          dc.ike_dropped.add();
        break;
      }
      case UdpEncapKind::kKeepalive: dc.keepalives.add(); break;
      case UdpEncapKind::kInvalid: dc.malformed.add(); break;
    }
  }
}

void Worker::on_raw(const RawEspSockets& sockets) {
  DataplaneCells& dc = context_.counters->at(index_);
  const bool v4 = sockets.local().is_v4();
  const unsigned n = receive(sockets.fd(index_));
  for (unsigned i = 0; i < n; ++i) {
    const mmsghdr& m = msgs_[i];
    std::span<uint8_t> packet(slot(i), m.msg_len);
    if (m.msg_hdr.msg_flags & MSG_TRUNC) {
      dc.malformed.add();
      continue;
    }
    if (v4) {
      // IPv4 raw sockets deliver the (reassembled) datagram with its header (RFC 791 3.1).
      ByteReader r(packet);
      const auto vihl = r.u8();
      r.skip(1);
      const auto total = r.u16();
      if (!vihl || !total || (*vihl >> 4) != 4) {
        dc.malformed.add();
        continue;
      }
      const size_t ihl = size_t{*vihl & 0xfu} * 4;
      if (ihl < 20 || *total < ihl || *total > packet.size()) {
        dc.malformed.add();
        continue;
      }
      packet = packet.subspan(ihl, *total - ihl);
    }
    if (packet.size() < kEspHeaderSize) {
      dc.malformed.add();
      continue;
    }
    on_esp(packet);
  }
}

void Worker::on_esp(std::span<uint8_t> packet) {
  DataplaneCells& dc = context_.counters->at(index_);
  const auto spi = esp_spi(packet);
  const auto it = spi ? table_->inbound.find(*spi) : table_->inbound.end();
  if (it == table_->inbound.end()) {
    dc.no_sa_drops.add();
    return;
  }
  InboundEntry& entry = *it->second;
  if (entry.owner != index_) {  // steering broken: never touch another worker's SA
    dc.misrouted.add();
    return;
  }
  TunnelState& tunnel = *entry.tunnel;
  TunnelCells& tc = tunnel.counters.at(index_);
  SaCells& sc = entry.counters.at(index_);
  if (entry.dead) {
    tc.expired.add();
    sc.expired.add();
    return;
  }
  const DecapResult r = decapsulate(entry.sa, packet);
  switch (r.status) {
    case DecapStatus::kOk:
      if (::write(tunnel.tun.fd(), r.inner.data(), r.inner.size()) < 0) {
        tc.errors.add();
        sc.errors.add();
        break;
      }
      tc.rx_packets.add();
      tc.rx_bytes.add(r.inner.size());
      sc.packets.add();
      sc.bytes.add(r.inner.size());
      break;
    case DecapStatus::kDummy:
      tc.dummy.add();
      sc.dummy.add();
      break;
    case DecapStatus::kReplayed:
      tc.replay_drops.add();
      sc.replay_drops.add();
      break;
    case DecapStatus::kIntegrityFailed:
      tc.integrity_failures.add();
      sc.integrity_failures.add();
      break;
    case DecapStatus::kMalformed:
      tc.malformed.add();
      sc.malformed.add();
      break;
    case DecapStatus::kNoSuchSpi: dc.no_sa_drops.add(); break;
    case DecapStatus::kExpired:
      tc.expired.add();
      sc.expired.add();
      check_lifetime(entry, Direction::kInbound);
      break;
  }
}

// ---- housekeeping ----

void Worker::raise(const std::string& tunnel, Direction d, uint32_t spi, SaEventKind kind,
                   LifetimeCause cause) {
  context_.queue->push(SaEvent{kind, tunnel, d, spi, cause});
}

template <typename Entry>
void Worker::check_lifetime(Entry& entry, Direction direction) {
  const LifetimeStatus st = entry.sa.lifetime_status(*context_.clock);
  entry.lifetime.store(st);
  const std::string& tunnel = [&]() -> const std::string& {
    if constexpr (std::is_same_v<Entry, InboundEntry>)
      return entry.tunnel->name;
    else
      return entry.tunnel;
  }();
  if (st.state == LifetimeState::kHardExpired) {
    if (st.cause == LifetimeCause::kTime) entry.dead = true;
    if (!entry.reported.hard) {
      entry.reported.hard = true;
      raise(tunnel, direction, entry.sa.spi(), SaEventKind::kHardExpired, st.cause);
    }
  } else if (st.state == LifetimeState::kSoftExpired && !entry.reported.soft) {
    entry.reported.soft = true;
    raise(tunnel, direction, entry.sa.spi(), SaEventKind::kSoftExpired, st.cause);
  }
}

void Worker::housekeeping() {
  if (!table_) return;
  for (const auto& view : table_->tunnels) {
    if (view->state->owner != index_) continue;
    for (const auto& out : view->all_outbound) {
      check_lifetime(*out, Direction::kOutbound);
      out->last_sequence.store(out->sa.last_sequence(), std::memory_order_relaxed);
    }
  }
  for (const auto& [spi, entry] : table_->inbound) {
    if (entry->owner != index_) continue;
    check_lifetime(*entry, Direction::kInbound);
    const ReplayWindow& window = entry->sa.replay_window();
    const uint64_t top = window.top();
    // Bit i: top - i was received. check() does not change the window.
    uint64_t bitmap = 0;
    for (uint64_t i = 0; i < 64 && i < top; ++i) {
      const auto verdict = window.check(static_cast<uint32_t>(top - i)).verdict;
      if (verdict == ReplayWindow::Verdict::kDuplicate) bitmap |= uint64_t{1} << i;
    }
    entry->replay_bitmap.store(bitmap, std::memory_order_relaxed);
    entry->replay_top.store(top, std::memory_order_relaxed);
  }
}

}  // namespace vgw::esp
