#include "vgw/routing/kernel_sync.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <net/if.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "vgw/base/log.h"

namespace vgw::routing {

using rib::fib::InterfaceEvent;

// Waits on the interface watcher's netlink socket inside the event loop.
struct KernelSync::Watcher {
  explicit Watcher(boost::asio::io_context& io, int fd) : sd(io, ::dup(fd)) {}
  boost::asio::posix::stream_descriptor sd;
};

// One batch of kernel changes, self-contained (no RIB references), in RIB drain order.
struct KernelSync::Batch {
  std::vector<rib::fib::KernelRoute> replace;
  std::vector<Prefix> remove;
  std::vector<Prefix> prefixes;  // every prefix of the batch
};

// The FIB writer: a thread that owns the RouteSocket while programming and commits batches in
// the order given; each result is posted back to the control-plane loop.
class KernelSync::Writer {
 public:
  using Done = std::function<void(std::shared_ptr<Batch>, Result<std::vector<rib::fib::RouteFailure>>)>;
  Writer(rib::fib::RouteSocket& socket, Done done) : socket_(socket), done_(std::move(done)) {
    thread_ = std::thread([this] { run(); });
  }
  ~Writer() { stop(); }
  void submit(std::shared_ptr<Batch> b) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(b));
    }
    cv_.notify_one();
  }
  // Writes what was submitted, then ends the thread.
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    while (true) {
      std::shared_ptr<Batch> b;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        b = std::move(queue_.front());
        queue_.pop_front();
      }
      for (const auto& r : b->replace) socket_.replace(r);
      for (const auto& p : b->remove) socket_.remove(p, rib::fib::kMainTable, kFibMetric);
      done_(std::move(b), socket_.commit());
    }
  }

  rib::fib::RouteSocket& socket_;
  Done done_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Batch>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

KernelSync::KernelSync(boost::asio::io_context& io, rib::Rib& rib, Options options)
    : io_(io), rib_(rib), options_(options) {}

KernelSync::~KernelSync() {
  stop_writer();
  if (fib_sub_) rib_.unsubscribe(*fib_sub_);
}

void KernelSync::stop_writer() {
  if (!writer_) return;
  writer_->stop();  // finishes the batches handed over; their completions are posted
  writer_.reset();
  *alive_ = false;  // ... and find this object gone, whatever the loop does with them
  alive_ = std::make_shared<bool>(true);
}

Status KernelSync::start() {
  if (options_.program_fib) {
    auto rs = rib::fib::RouteSocket::open();
    if (!rs) return fail(rs.error());
    routes_ = std::move(*rs);
    auto removed = routes_->remove_all();
    if (!removed) return fail(removed.error());
    stale_removed_ = *removed;
    if (*removed > 0) {
      VGW_LOG(kInfo, "fib") << "removed " << *removed << " stale route(s) of protocol "
                            << int{rib::fib::kRouteProtocol} << " left by an earlier run";
    }
  }
  auto w = rib::fib::InterfaceWatcher::open();
  if (!w) return fail(w.error());
  watcher_ = std::move(*w);
  auto snapshot = watcher_->dump();
  if (!snapshot) return fail(snapshot.error());
  for (const auto& ev : *snapshot) apply(ev);
  for (auto& [ifindex, iface] : ifaces_) resync_interface(ifindex);
  watch_ = std::make_unique<Watcher>(io_, watcher_->event_fd());
  read_interface_events();

  if (options_.program_fib) {
    std::weak_ptr<bool> alive = alive_;
    writer_ = std::make_unique<Writer>(*routes_, [this, alive, &io = io_](std::shared_ptr<Batch> b, auto result) {
      boost::asio::post(io, [this, alive, b = std::move(b), result = std::move(result)] {
        auto a = alive.lock();
        if (a && *a) written(*b, result);
      });
    });
    fib_sub_ = rib_.subscribe([this] { schedule_drain(); }, /*replay=*/true);
    schedule_drain();
  }
  return {};
}

Result<size_t> KernelSync::withdraw_all() {
  if (!routes_) return size_t{0};
  if (fib_sub_) {
    rib_.unsubscribe(*fib_sub_);
    fib_sub_.reset();
  }
  stop_writer();  // the socket is the loop's again
  in_flight_ = 0;
  in_flight_prefixes_.clear();
  return routes_->remove_all();
}

std::optional<IpAddress> KernelSync::highest_ipv4() const {
  std::optional<IpAddress> best;
  for (const auto& [i, iface] : ifaces_) {
    if (!iface.info.oper_up) continue;
    for (const auto& [addr, len] : iface.addresses) {
      if (!addr.is_v4() || addr.is_loopback()) continue;
      if (!best || *best < addr) best = addr;
    }
  }
  return best;
}

std::vector<KernelSync::InterfaceView> KernelSync::interfaces() const {
  std::vector<InterfaceView> out;
  for (const auto& [i, iface] : ifaces_) {
    if (iface.info.ifindex == 0) continue;  // removed, its connected routes being withdrawn
    out.push_back({iface.info, {iface.addresses.begin(), iface.addresses.end()}, held_down_.count(iface.info.name) > 0});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.info.name < b.info.name; });
  return out;
}

const rib::fib::InterfaceInfo* KernelSync::interface(int ifindex) const {
  auto it = ifaces_.find(ifindex);
  return it == ifaces_.end() ? nullptr : &it->second.info;
}

// A removed link leaves no entry that a name can find: a tunnel interface deleted and created
// again (new ifindex, same name) is found under its new index.
const rib::fib::InterfaceInfo* KernelSync::interface(const std::string& name) const {
  for (const auto& [i, iface] : ifaces_)
    if (iface.info.ifindex != 0 && iface.info.name == name) return &iface.info;
  return nullptr;
}

void KernelSync::apply(const InterfaceEvent& ev) {
  switch (ev.kind) {
    case InterfaceEvent::Kind::kLink: ifaces_[ev.link.ifindex].info = ev.link; break;
    case InterfaceEvent::Kind::kLinkRemoved: {
      // Gone: resync_interface withdraws its connected routes and forgets it.
      Iface& iface = ifaces_[ev.link.ifindex];
      iface.info = ev.link;
      iface.info.ifindex = 0;
      iface.info.oper_up = iface.info.admin_up = false;
      iface.addresses.clear();
      break;
    }
    case InterfaceEvent::Kind::kAddressAdded:
      ifaces_[ev.ifindex].addresses.insert({ev.address.address, ev.address.length});
      break;
    case InterfaceEvent::Kind::kAddressRemoved:
      ifaces_[ev.ifindex].addresses.erase({ev.address.address, ev.address.length});
      break;
  }
}

// Brings the interface's connected routes in the RIB in line with its state.
void KernelSync::resync_interface(int ifindex) {
  Iface& iface = ifaces_[ifindex];
  std::set<Prefix> want;
  bool gone = iface.info.ifindex == 0;
  if (!gone && usable(iface.info)) {
    for (const auto& [addr, len] : iface.addresses) want.insert(Prefix(addr, len));
  }
  auto instance = static_cast<uint16_t>(ifindex & 0xffff);
  for (const auto& p : iface.connected) {
    if (!want.count(p)) rib_.remove(p, rib::RouteSource::kConnected, instance);
  }
  std::vector<Prefix> added;
  for (const auto& p : want) {
    if (iface.connected.count(p)) continue;
    rib::Nexthop nh;
    nh.interface = iface.info.name;
    nh.ifindex = static_cast<uint32_t>(ifindex);
    auto g = rib_.groups().intern({nh});
    if (!g) continue;
    rib::RouteSpec spec;
    spec.source = rib::RouteSource::kConnected;
    spec.instance = instance;
    spec.group = *g;
    if (auto st = rib_.add(p, spec); !st) {
      VGW_LOG(kWarning, "rib") << "connected " << p.to_string() << ": " << st.error().message;
    }
    rib_.groups().release(*g);
  }
  iface.connected = std::move(want);
  if (gone && iface.connected.empty()) ifaces_.erase(ifindex);
}

void KernelSync::set_held_down(const std::string& name, bool down) {
  bool changed = down ? held_down_.insert(name).second : held_down_.erase(name) != 0;
  if (!changed) return;
  for (auto& [ifindex, iface] : ifaces_) {
    if (iface.info.name != name || iface.info.ifindex == 0) continue;
    resync_interface(ifindex);
    break;
  }
  if (interfaces_changed_) interfaces_changed_();
}

void KernelSync::read_interface_events() {
  watch_->sd.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                        [this](const boost::system::error_code& ec) {
                          if (ec) return;  // shutting down
                          auto changes = watcher_->read();
                          if (!changes) {
                            VGW_LOG(kError, "kernel") << changes.error().message;
                            return;
                          }
                          std::set<int> touched;
                          if (changes->overrun) {
                            VGW_LOG(kWarning, "kernel")
                                << "interface events overran the socket; resynchronising";
                            auto snap = watcher_->dump();
                            if (snap) {
                              for (auto& [i, iface] : ifaces_) {
                                iface.addresses.clear();
                                iface.info.ifindex = 0;
                                touched.insert(i);
                              }
                              for (const auto& ev : *snap) apply(ev);
                              for (auto& [i, iface] : ifaces_) touched.insert(i);
                            }
                          }
                          for (const auto& ev : changes->events) {
                            apply(ev);
                            touched.insert(ev.kind == InterfaceEvent::Kind::kLink ||
                                                   ev.kind == InterfaceEvent::Kind::kLinkRemoved
                                               ? ev.link.ifindex
                                               : ev.ifindex);
                          }
                          for (int i : touched) resync_interface(i);
                          if (!touched.empty() && interfaces_changed_) interfaces_changed_();
                          read_interface_events();
                        });
}

void KernelSync::schedule_drain() {
  if (drain_scheduled_) return;
  drain_scheduled_ = true;
  boost::asio::post(io_, [this] { drain(); });
}

void KernelSync::drain() {
  drain_scheduled_ = false;
  if (!fib_sub_ || !writer_ || in_flight_ >= kMaxInFlight) return;  // written() drains again
  changes_.clear();
  size_t n = rib_.drain(*fib_sub_, kBatch, changes_);
  if (n == 0) return;
  auto batch = std::make_shared<Batch>();
  for (const auto& c : changes_) {
    fib_errors_.erase(c.prefix);
    bool install = c.after.active() && fib_source(c.after.source);
    bool was = c.before.active() && fib_source(c.before.source);
    if (install) {
      rib::fib::KernelRoute kr;
      kr.prefix = c.prefix;
      kr.metric = kFibMetric;
      for (const auto& m : rib_.groups().members(c.after.group)) {
        if (m.drops()) {  // a drop group has just this member
          kr.type = m.type == rib::NexthopType::kBlackhole ? rib::fib::KernelRouteType::kBlackhole
                                                           : rib::fib::KernelRouteType::kUnreachable;
          break;
        }
        rib::fib::KernelNexthop nh;
        nh.gateway = m.address;
        nh.ifindex = static_cast<int>(m.ifindex);
        if (nh.ifindex == 0 && !m.interface.empty()) {
          nh.ifindex = static_cast<int>(if_nametoindex(m.interface.c_str()));
        }
        nh.weight = m.weight;
        kr.nexthops.push_back(nh);
      }
      batch->replace.push_back(std::move(kr));
    } else if (was) {
      batch->remove.push_back(c.prefix);
    } else {
      continue;
    }
    batch->prefixes.push_back(c.prefix);
    ++in_flight_prefixes_[c.prefix];
  }
  if (!batch->prefixes.empty()) {
    ++in_flight_;
    writer_->submit(std::move(batch));
  }
  if (rib_.pending(*fib_sub_) > 0) schedule_drain();
}

void KernelSync::written(const Batch& batch, const Result<std::vector<rib::fib::RouteFailure>>& failures) {
  if (in_flight_ > 0) --in_flight_;
  for (const auto& p : batch.prefixes) {
    auto it = in_flight_prefixes_.find(p);
    if (it != in_flight_prefixes_.end() && --it->second == 0) in_flight_prefixes_.erase(it);
  }
  if (!failures) {
    VGW_LOG(kError, "fib") << "kernel FIB update failed: " << failures.error().message;
  } else {
    for (const auto& f : *failures) {
      if (f.remove && f.error == ESRCH) continue;  // already gone: the goal is met
      if (fib_errors_.size() < 100 || log::enabled(log::Level::kDebug)) {
        VGW_LOG(kWarning, "fib") << "kernel refused " << (f.remove ? "removal of " : "")
                                 << f.prefix.to_string() << ": " << f.message;
      }
      fib_errors_[f.prefix] = f.message;
    }
  }
  if (fib_sub_ && rib_.pending(*fib_sub_) > 0) schedule_drain();
}

bool KernelSync::installed(const Prefix& prefix, rib::RouteSource source) const {
  if (!fib_source(source)) return true;  // the kernel's own
  return options_.program_fib && !fib_errors_.count(prefix) && !in_flight_prefixes_.count(prefix) &&
         !(fib_sub_ && rib_.is_pending(*fib_sub_, prefix));
}

std::optional<std::string> KernelSync::fib_error(const Prefix& prefix) const {
  auto it = fib_errors_.find(prefix);
  if (it == fib_errors_.end()) return std::nullopt;
  return it->second;
}

uint64_t KernelSync::fib_queued() const {
  return (fib_sub_ ? rib_.pending(*fib_sub_) : 0) + in_flight_prefixes_.size();
}

}  // namespace vgw::routing
