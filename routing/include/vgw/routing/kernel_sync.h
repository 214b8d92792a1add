// KernelSync: the RIB's two links to the Linux kernel, run on the control-plane loop.
//
//  kernel interfaces/addresses ──(rtnetlink events)──> connected routes in the RIB
//  RIB selected routes ──(subscriber, batched drains)──> kernel FIB (vgw's route protocol)
//
// Connected routes: an address on an interface that is up gives a connected route through that
// interface; an interface going down or losing the address withdraws it, and the RIB then
// withdraws (or re-resolves) everything that resolved through it. Connected routes are not
// written to the kernel (it has them already).
// FIB: every selected route of another source is installed with NLM_F_REPLACE, ECMP groups as
// weighted multipath routes. The control-plane loop drains the RIB in batches of up to kBatch
// changes and hands each batch, as self-contained kernel routes, to the FIB writer thread, which
// owns the netlink socket and commits it; the results come back to the loop. So the loop never
// waits for the kernel (BGP keeps reading while the kernel is programmed on another core), and
// at most kMaxInFlight batches are out at once, so a slow kernel leaves the changes coalescing in
// the RIB instead of queueing without bound. Routes the kernel refuses are counted, logged and
// remembered per prefix for `show`. At start, routes of vgw's protocol left by an earlier run
// are removed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "vgw/base/result.h"
#include "vgw/rib/fib/interfaces.h"
#include "vgw/rib/fib/route_socket.h"
#include "vgw/rib/rib.h"

namespace boost::asio {
class io_context;
}

namespace vgw::routing {

class KernelSync {
 public:
  struct Options {
    bool program_fib = true;  // false: watch interfaces only, never touch kernel routes
  };
  static constexpr size_t kBatch = 4096;
  static constexpr size_t kMaxInFlight = 2;
  static constexpr uint32_t kFibMetric = 20;

  KernelSync(boost::asio::io_context& io, rib::Rib& rib, Options options);
  ~KernelSync();
  KernelSync(const KernelSync&) = delete;
  KernelSync& operator=(const KernelSync&) = delete;

  // Cleans stale routes, loads interfaces and addresses, starts watching and programming.
  Status start();
  // Takes vgw's routes out of the kernel (clean shutdown without --retain). Returns how many.
  Result<size_t> withdraw_all();
  // Called after interfaces change (e.g. to re-evaluate static routes via an interface).
  void on_interfaces_changed(std::function<void()> fn) { interfaces_changed_ = std::move(fn); }

  // Tunnel health: while held down, an interface counts as down for the RIB whatever the
  // kernel says (its connected prefixes leave the RIB, and with them everything resolved
  // through them); static routes are re-evaluated (on_interfaces_changed).
  void set_held_down(const std::string& name, bool down);
  bool held_down(const std::string& name) const { return held_down_.count(name) != 0; }
  // Up in the kernel and not held down: routes may use it.
  bool usable(const rib::fib::InterfaceInfo& iface) const { return iface.oper_up && !held_down(iface.name); }

  const rib::fib::InterfaceInfo* interface(int ifindex) const;
  const rib::fib::InterfaceInfo* interface(const std::string& name) const;
  bool program_fib() const { return options_.program_fib; }
  // The highest IPv4 address on an interface that is up, loopback addresses aside (the
  // default BGP router-id, as FRR picks it).
  std::optional<IpAddress> highest_ipv4() const;
  // The interfaces as the kernel reported them (those that exist), with their addresses and
  // whether vgw holds them down (a tunnel that is not healthy).
  struct InterfaceView {
    rib::fib::InterfaceInfo info;
    std::vector<std::pair<IpAddress, int>> addresses;  // (address, prefix length)
    bool held_down = false;
  };
  std::vector<InterfaceView> interfaces() const;

  // Whether the prefix's selected route is in the kernel (false while still queued).
  bool installed(const Prefix& prefix, rib::RouteSource source) const;
  // Why the kernel refused the prefix, if it did.
  std::optional<std::string> fib_error(const Prefix& prefix) const;
  uint64_t fib_failures() const { return fib_errors_.size(); }
  uint64_t fib_queued() const;
  uint64_t stale_removed() const { return stale_removed_; }

  static bool fib_source(rib::RouteSource s) {
    return s != rib::RouteSource::kConnected && s != rib::RouteSource::kKernel;
  }

 private:
  void apply(const rib::fib::InterfaceEvent& ev);
  void resync_interface(int ifindex);
  void read_interface_events();
  void schedule_drain();
  void drain();
  struct Batch;
  void written(const Batch& batch, const Result<std::vector<rib::fib::RouteFailure>>& failures);
  void stop_writer();

  struct Iface {
    rib::fib::InterfaceInfo info;
    std::set<std::pair<IpAddress, int>> addresses;  // (address, length)
    std::set<Prefix> connected;                     // connected routes now in the RIB
  };

  struct Watcher;
  class Writer;
  std::unique_ptr<Writer> writer_;  // the FIB writer thread, while programming
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // lets the writer's completions find out the loop's object went
  size_t in_flight_ = 0;            // batches handed to the writer, not yet written
  std::unordered_map<Prefix, uint32_t> in_flight_prefixes_;  // prefix -> batches carrying it
  boost::asio::io_context& io_;
  rib::Rib& rib_;
  Options options_;
  std::unique_ptr<rib::fib::InterfaceWatcher> watcher_;
  std::unique_ptr<Watcher> watch_;
  std::unique_ptr<rib::fib::RouteSocket> routes_;
  std::map<int, Iface> ifaces_;
  std::set<std::string> held_down_;  // interface names
  std::function<void()> interfaces_changed_;
  std::optional<rib::SubscriberId> fib_sub_;
  bool drain_scheduled_ = false;
  std::unordered_map<Prefix, std::string> fib_errors_;
  uint64_t stale_removed_ = 0;
  std::vector<rib::RouteChange> changes_;
};

}  // namespace vgw::routing
