// Dataplane: the control-plane side. Keeps the authoritative tunnel/SA records, creates TUNs
// and sockets, builds and publishes SaTable snapshots, and answers queries by summing the
// workers' counter cells. Runs only on the control-plane thread (see dataplane.h).
#include "vgw/esp/dataplane/dataplane.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "counter_cells.h"
#include "sa_table.h"
#include "vgw/base/log.h"
#include "vgw/esp/dataplane/mtu.h"
#include "vgw/esp/dataplane/socket_address.h"
#include "worker.h"

namespace vgw::esp {

struct DataplaneShared {
  explicit DataplaneShared(unsigned workers) : counters(workers) {}
  SnapshotCell snapshot;
  std::unique_ptr<ControlQueue> queue;
  PerWorker<DataplaneCells> counters;
};

const char* encapsulation_name(Encapsulation e) { return e == Encapsulation::kUdp ? "udp" : "esp"; }

Dataplane::Dataplane(const DataplaneOptions& options)
    : options_(options), random_(std::random_device{}()) {}

Dataplane::~Dataplane() {
  for (auto& w : workers_) w->stop();
  workers_.clear();
}

Result<std::unique_ptr<Dataplane>> Dataplane::create(const DataplaneOptions& options) {
  std::unique_ptr<Dataplane> d(new Dataplane(options));
  if (auto s = d->start(); !s) return fail(std::move(s.error()));
  return d;
}

Status Dataplane::start() {
  if (options_.batch == 0 || options_.batch > 1024)
    return fail(Error::invalid("batch must be 1..1024"));
  unsigned n = options_.workers;
  if (n == 0) n = std::clamp(std::thread::hardware_concurrency(), 1u, 2u);
  if (n > 64) return fail(Error::invalid("at most 64 workers"));
  worker_count_ = n;
  shared_ = std::make_unique<DataplaneShared>(n);
  auto queue = ControlQueue::create(options_.max_ike_queue);
  if (!queue) return fail(std::move(queue.error()));
  shared_->queue = std::move(*queue);
  publish();  // an empty table before the workers start
  WorkerContext context{&shared_->snapshot,
                        shared_->queue.get(),
                        &shared_->counters,
                        options_.clock ? options_.clock : &SteadyClock::instance(),
                        n,
                        options_.batch,
                        options_.tick};
  for (unsigned i = 0; i < n; ++i) {
    auto w = Worker::create(i, context);
    if (!w) return fail(std::move(w.error()));
    workers_.push_back(std::move(*w));
  }
  for (auto& w : workers_) w->start();
  return {};
}

unsigned Dataplane::worker_count() const { return worker_count_; }

// ---- SPIs ----

uint32_t Dataplane::allocate_spi(std::string_view tunnel) {
  const TunnelRecord* rec = tunnel.empty() ? nullptr : find(tunnel);
  for (;;) {
    const auto spi = static_cast<uint32_t>(random_());
    if (spi < 256 || inbound_spis_.contains(spi) || reserved_spis_.contains(spi)) continue;
    if (rec && spi % worker_count_ != rec->state->owner) continue;
    reserved_spis_.insert(spi);
    return spi;
  }
}

void Dataplane::release_spi(uint32_t spi) { reserved_spis_.erase(spi); }

// ---- snapshots ----

void Dataplane::defer_publish() { ++defer_depth_; }

void Dataplane::flush_publish() {
  if (defer_depth_ > 0) --defer_depth_;
  if (defer_depth_ == 0 && publish_pending_) publish();
}

void Dataplane::publish() {
  if (defer_depth_ > 0) {
    publish_pending_ = true;
    return;
  }
  publish_now();
}

void Dataplane::publish_now() {
  publish_pending_ = false;
  auto table = std::make_shared<SaTable>();
  table->version = ++version_;
  for (const auto& [name, rec] : tunnels_) {
    auto view = std::make_shared<TunnelView>();
    view->state = rec->state;
    view->encapsulation = rec->spec.encapsulation;
    view->remote =
        SocketAddress(rec->spec.remote,
                      rec->spec.encapsulation == Encapsulation::kUdp ? rec->spec.remote_port : 0);
    if (rec->udp) view->udp = rec->udp->sockets;
    if (rec->raw) view->raw = rec->raw->sockets;
    view->mtu = rec->mtu;
    view->all_outbound = rec->outbound;
    if (!rec->outbound.empty()) view->outbound = rec->outbound.back();
    table->tunnels.push_back(std::move(view));
    for (const auto& in : rec->inbound) table->inbound.emplace(in->sa.spi(), in);
  }
  for (const auto& e : udp_endpoints_) table->udp.push_back(e->sockets);
  for (const auto& e : raw_endpoints_) table->raw.push_back(e->sockets);
  shared_->snapshot.table.store(std::move(table));
  for (auto& w : workers_) w->wake();
}

TunnelRecord* Dataplane::find(std::string_view tunnel) {
  auto it = tunnels_.find(tunnel);
  return it == tunnels_.end() ? nullptr : it->second.get();
}

const TunnelRecord* Dataplane::find(std::string_view tunnel) const {
  auto it = tunnels_.find(tunnel);
  return it == tunnels_.end() ? nullptr : it->second.get();
}

// ---- endpoints ----

Result<std::shared_ptr<UdpEndpointRecord>> Dataplane::udp_endpoint(const IpAddress& local,
                                                                   uint16_t port) {
  for (const auto& e : udp_endpoints_)
    if (e->local == local && e->port == port) return e;
  auto sockets = UdpEncapSockets::open(SocketAddress(local, port), worker_count_);
  if (!sockets) return fail(std::move(sockets.error()));
  auto e = std::make_shared<UdpEndpointRecord>();
  e->local = local;
  e->port = port;
  e->sockets = std::move(*sockets);
  udp_endpoints_.push_back(e);
  return e;
}

Result<std::shared_ptr<RawEndpointRecord>> Dataplane::raw_endpoint(const IpAddress& local) {
  for (const auto& e : raw_endpoints_)
    if (e->local == local) return e;
  auto sockets = RawEspSockets::open(local, worker_count_);
  if (!sockets) return fail(std::move(sockets.error()));
  auto e = std::make_shared<RawEndpointRecord>();
  e->local = local;
  e->sockets = std::move(*sockets);
  raw_endpoints_.push_back(e);
  return e;
}

Status Dataplane::await_release() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (;;) {
    const bool released = std::all_of(workers_.begin(), workers_.end(), [&](const auto& w) {
      return w->seen_version() >= release_version_;
    });
    if (released) return {};
    if (std::chrono::steady_clock::now() > deadline)
      return fail(Error::unavailable("dataplane workers did not release removed resources"));
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

void Dataplane::drop_unused_endpoints() {
  std::erase_if(udp_endpoints_, [&](const std::shared_ptr<UdpEndpointRecord>& e) {
    if (e->opened_explicitly) return false;
    return std::none_of(tunnels_.begin(), tunnels_.end(),
                        [&](const auto& t) { return t.second->udp == e; });
  });
  std::erase_if(raw_endpoints_, [&](const std::shared_ptr<RawEndpointRecord>& e) {
    return std::none_of(tunnels_.begin(), tunnels_.end(),
                        [&](const auto& t) { return t.second->raw == e; });
  });
}

Status Dataplane::open_udp_endpoint(const IpAddress& local, uint16_t port) {
  if (auto s = await_release(); !s) return s;
  auto e = udp_endpoint(local, port);
  if (!e) return fail(std::move(e.error()));
  (*e)->opened_explicitly = true;
  publish();
  return {};
}

Status Dataplane::close_udp_endpoint(const IpAddress& local, uint16_t port) {
  for (const auto& e : udp_endpoints_) {
    if (e->local == local && e->port == port) {
      e->opened_explicitly = false;
      drop_unused_endpoints();
      publish_now();
      release_version_ = version_;
      return {};
    }
  }
  return fail(Error::not_found("no UDP endpoint " + SocketAddress(local, port).to_string()));
}

Status Dataplane::send_ike(const IkeDatagram& d) {
  for (const auto& e : udp_endpoints_) {
    if (e->local != d.local || e->port != d.local_port) continue;
    std::vector<uint8_t> bytes(kNonEspMarkerSize, 0);  // Non-ESP Marker (RFC 3948 2.2)
    bytes.insert(bytes.end(), d.message.begin(), d.message.end());
    const SocketAddress to(d.remote, d.remote_port);
    // Any socket of the group sends from local:port; sendto is safe next to the workers.
    if (::sendto(e->sockets->fd(0), bytes.data(), bytes.size(), MSG_DONTWAIT, to.get(), to.size) <
        0)
      return fail(
          Error::unavailable("send IKE to " + to.to_string() + ": " + std::strerror(errno)));
    return {};
  }
  return fail(
      Error::not_found("no UDP endpoint " + SocketAddress(d.local, d.local_port).to_string()));
}

// ---- tunnels ----

Status Dataplane::add_tunnel(const TunnelSpec& spec) {
  if (spec.name.empty()) return fail(Error::invalid("tunnel name is empty"));
  if (find(spec.name)) return fail(Error::exists("tunnel " + spec.name + " exists"));
  if (spec.local.family() != spec.remote.family())
    return fail(Error::invalid("local and remote addresses must be of one family"));
  const int max_len = spec.inside.address.bit_length();
  if (spec.inside.length < 1 || spec.inside.length > max_len)
    return fail(Error::invalid("inside address prefix length out of range"));
  for (const Transform& t : spec.transforms)
    if (auto s = validate(t); !s) return s;
  const uint32_t mtu =
      spec.mtu ? *spec.mtu
               : inner_mtu(spec.path_mtu, spec.local.family(), spec.encapsulation, spec.transforms);
  const uint32_t min_mtu = spec.inside.address.is_v6() ? kMinInnerMtuIpv6 : kMinInnerMtuIpv4;
  if (mtu < min_mtu || mtu > kMaxInnerMtu)
    return fail(Error::invalid("tunnel MTU " + std::to_string(mtu) + " outside " +
                               std::to_string(min_mtu) + ".." + std::to_string(kMaxInnerMtu)));

  if (auto s = await_release(); !s) return s;
  auto rec = std::make_unique<TunnelRecord>();
  rec->spec = spec;
  rec->mtu = mtu;
  rec->interface_name = names_.assign(spec.name);
  auto undo_name = [&] { names_.release(spec.name); };

  auto tun = TunDevice::open(rec->interface_name);
  if (!tun) {
    undo_name();
    return fail(std::move(tun.error()));
  }
  if (spec.inside.address.is_v4()) {
    if (auto s = tun->disable_ipv6(); !s) {
      VGW_LOG(kDebug, "esp") << rec->interface_name << ": " << s.error().message;
    }
  }
  Status configured = tun->set_mtu(mtu);
  if (configured) configured = tun->set_address(spec.inside);
  if (configured) configured = tun->set_up();
  if (!configured) {
    undo_name();
    return configured;
  }
  if (spec.encapsulation == Encapsulation::kUdp) {
    auto e = udp_endpoint(spec.local, spec.local_port);
    if (!e) {
      undo_name();
      return fail(std::move(e.error()));
    }
    rec->udp = std::move(*e);
  } else {
    auto e = raw_endpoint(spec.local);
    if (!e) {
      undo_name();
      return fail(std::move(e.error()));
    }
    rec->raw = std::move(*e);
  }
  const unsigned owner = next_worker_++ % worker_count_;
  rec->state = std::make_shared<TunnelState>(spec.name, std::move(*tun), owner, worker_count_);
  VGW_LOG(kInfo, "esp") << "tunnel " << spec.name << ": interface " << rec->interface_name
                        << " mtu " << mtu << " " << encapsulation_name(spec.encapsulation) << " "
                        << spec.local.to_string() << " -> " << spec.remote.to_string()
                        << ", worker " << owner;
  tunnels_.emplace(spec.name, std::move(rec));
  publish();
  return {};
}

Status Dataplane::remove_tunnel(std::string_view tunnel) {
  auto it = tunnels_.find(tunnel);
  if (it == tunnels_.end()) return fail(Error::not_found("no tunnel " + std::string(tunnel)));
  for (const auto& in : it->second->inbound) inbound_spis_.erase(in->sa.spi());
  names_.release(tunnel);
  tunnels_.erase(it);
  drop_unused_endpoints();
  publish_now();
  release_version_ = version_;
  return {};
}

// ---- SAs ----

Status Dataplane::add_sa(std::string_view tunnel, Direction direction, const SaConfig& config) {
  TunnelRecord* rec = find(tunnel);
  if (!rec) return fail(Error::not_found("no tunnel " + std::string(tunnel)));
  const std::string spi_text = std::to_string(config.spi);
  if (direction == Direction::kOutbound) {
    for (const auto& o : rec->outbound)
      if (o->sa.spi() == config.spi)
        return fail(Error::exists("outbound SA " + spi_text + " exists on " + rec->spec.name));
    auto sa = OutboundSa::create(config);
    if (!sa) return fail(std::move(sa.error()));
    // A transform with more overhead than the MTU allows for lowers the MTU (unless the MTU
    // was configured explicitly).
    const uint32_t fits = inner_mtu(rec->spec.path_mtu, rec->spec.local.family(),
                                    rec->spec.encapsulation, config.transform);
    if (!rec->spec.mtu && fits < rec->mtu) {
      if (auto s = rec->state->tun.set_mtu(fits); !s) return s;
      VGW_LOG(kInfo, "esp") << rec->spec.name << ": MTU " << rec->mtu << " -> " << fits << " for "
                            << config.transform.name();
      rec->mtu = fits;
    }
    rec->outbound.push_back(
        std::make_shared<OutboundEntry>(std::move(*sa), rec->spec.name, worker_count_));
  } else {
    if (inbound_spis_.contains(config.spi))
      return fail(Error::exists("inbound SPI " + spi_text + " is in use"));
    auto sa = InboundSa::create(config);
    if (!sa) return fail(std::move(sa.error()));
    const unsigned owner = config.spi % worker_count_;  // the kernel steers by the same rule
    rec->inbound.push_back(
        std::make_shared<InboundEntry>(std::move(*sa), rec->state, owner, worker_count_));
    inbound_spis_.insert(config.spi);
    reserved_spis_.erase(config.spi);
  }
  publish();
  return {};
}

Status Dataplane::update_sa(std::string_view tunnel, const SaUpdate& update) {
  TunnelRecord* rec = find(tunnel);
  if (!rec) return fail(Error::not_found("no tunnel " + std::string(tunnel)));
  if (update.remote && update.remote->family() != rec->spec.local.family())
    return fail(Error::invalid("the remote address must be of the local address's family"));
  if (update.remote) rec->spec.remote = *update.remote;
  if (update.remote_port) rec->spec.remote_port = *update.remote_port;
  publish();
  return {};
}

Status Dataplane::delete_sa(std::string_view tunnel, Direction direction, uint32_t spi) {
  TunnelRecord* rec = find(tunnel);
  if (!rec) return fail(Error::not_found("no tunnel " + std::string(tunnel)));
  size_t removed;
  if (direction == Direction::kOutbound) {
    removed = std::erase_if(rec->outbound, [&](const auto& o) { return o->sa.spi() == spi; });
  } else {
    removed = std::erase_if(rec->inbound, [&](const auto& i) { return i->sa.spi() == spi; });
    if (removed) inbound_spis_.erase(spi);
  }
  if (removed == 0)
    return fail(Error::not_found(
        "no " + std::string(direction == Direction::kOutbound ? "outbound" : "inbound") + " SA " +
        std::to_string(spi) + " on " + std::string(tunnel)));
  publish();
  return {};
}

// ---- queries ----

Result<TunnelInfo> Dataplane::tunnel(std::string_view tunnel) const {
  const TunnelRecord* rec = find(tunnel);
  if (!rec) return fail(Error::not_found("no tunnel " + std::string(tunnel)));
  TunnelInfo info;
  info.name = rec->spec.name;
  info.interface_name = rec->interface_name;
  info.ifindex = rec->state->tun.ifindex();
  info.mtu = rec->mtu;
  info.spec = rec->spec;
  info.worker = rec->state->owner;
  for (const auto& o : rec->outbound) info.outbound_spis.push_back(o->sa.spi());
  if (!rec->outbound.empty()) info.active_outbound_spi = rec->outbound.back()->sa.spi();
  for (const auto& i : rec->inbound) info.inbound_spis.push_back(i->sa.spi());
  return info;
}

std::vector<TunnelInfo> Dataplane::tunnels() const {
  std::vector<TunnelInfo> out;
  for (const auto& [name, rec] : tunnels_) out.push_back(*tunnel(name));
  return out;
}

Result<TunnelCounters> Dataplane::counters(std::string_view tunnel) const {
  const TunnelRecord* rec = find(tunnel);
  if (!rec) return fail(Error::not_found("no tunnel " + std::string(tunnel)));
  return rec->state->counters.sum<TunnelCounters>();
}

DataplaneCounters Dataplane::counters() const { return shared_->counters.sum<DataplaneCounters>(); }

Result<SaState> Dataplane::sa_state(std::string_view tunnel, Direction direction,
                                    uint32_t spi) const {
  const TunnelRecord* rec = find(tunnel);
  if (!rec) return fail(Error::not_found("no tunnel " + std::string(tunnel)));
  SaState s;
  s.spi = spi;
  s.direction = direction;
  s.tunnel = rec->spec.name;
  if (direction == Direction::kOutbound) {
    for (const auto& o : rec->outbound) {
      if (o->sa.spi() != spi) continue;
      // Immutable after creation: transform, esn, lifetime. The rest is published state.
      s.transform = o->sa.transform();
      s.esn = o->sa.esn();
      s.lifetime = o->sa.lifetime();
      s.worker = rec->state->owner;
      s.active = o == rec->outbound.back();
      s.counters = o->counters.sum<SaCounters>();
      s.last_sequence = o->last_sequence.load(std::memory_order_relaxed);
      s.lifetime_status = o->lifetime.load();
      return s;
    }
  } else {
    for (const auto& i : rec->inbound) {
      if (i->sa.spi() != spi) continue;
      s.transform = i->sa.transform();
      s.esn = i->sa.esn();
      s.lifetime = i->sa.lifetime();
      s.worker = i->owner;
      s.active = true;
      s.counters = i->counters.sum<SaCounters>();
      s.replay_top = i->replay_top.load(std::memory_order_relaxed);
      s.replay_bitmap = i->replay_bitmap.load(std::memory_order_relaxed);
      s.replay_window = i->sa.replay_window().size();
      s.lifetime_status = i->lifetime.load();
      return s;
    }
  }
  return fail(Error::not_found("no SA " + std::to_string(spi) + " on " + std::string(tunnel)));
}

const std::map<std::string, std::string, std::less<>>& Dataplane::interface_names() const {
  return names_.all();
}

// ---- events ----

int Dataplane::event_fd() const { return shared_->queue->fd(); }

void Dataplane::set_event_notifier(std::function<void()> notifier) {
  shared_->queue->set_notifier(std::move(notifier));
}

std::vector<SaEvent> Dataplane::take_sa_events() { return shared_->queue->take_sa_events(); }

std::vector<IkeDatagram> Dataplane::take_ike_datagrams() {
  return shared_->queue->take_ike_datagrams();
}

}  // namespace vgw::esp
