// RouteSocket: programs routes into the Linux kernel FIB over rtnetlink (libmnl).
//
// Routes carry vgw's own route protocol number (kRouteProtocol, `ip route show proto 199`),
// so they are recognisable and vgw never touches anyone else's routes: deletes match on the
// protocol too. Operations are queued and sent in batches — thousands of requests per
// sendmsg — with an acknowledgement asked only for the last request of each batch; the kernel
// answers a failing request with an error naming its sequence number, so failures are
// reported per route without an ack per route. Changes use NLM_F_REPLACE (never delete+add),
// ECMP sets go in as one multipath route (RTA_MULTIPATH) with weights.
//
// The socket is synchronous: it is meant to be driven from the FIB writer's own thread, not
// from the control-plane loop.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"

struct mnl_socket;

namespace vgw::rib::fib {

// vgw's route protocol number in the kernel (rtm_protocol). 186-196 are taken by other
// routing daemons (/etc/iproute2/rt_protos.d); 199 is unassigned.
inline constexpr uint8_t kRouteProtocol = 199;
inline constexpr uint32_t kMainTable = 254;

struct KernelNexthop {
  std::optional<IpAddress> gateway;  // none: on-link via the interface
  int ifindex = 0;                   // 0: let the kernel resolve the gateway
  uint8_t weight = 1;                // 1..255, relative share in a multipath route

  friend bool operator==(const KernelNexthop&, const KernelNexthop&) = default;
};

// The kernel's route types vgw writes (rtm_type): forward, or drop silently / with ICMP.
enum class KernelRouteType : uint8_t { kUnicast = 0, kBlackhole = 1, kUnreachable = 2 };

struct KernelRoute {
  Prefix prefix;
  std::vector<KernelNexthop> nexthops;  // more than one: a multipath (ECMP) route
  uint32_t table = kMainTable;
  uint32_t metric = 20;  // RTA_PRIORITY
  KernelRouteType type = KernelRouteType::kUnicast;  // drop types have no next-hops

  friend bool operator==(const KernelRoute&, const KernelRoute&) = default;
};

struct RouteFailure {
  Prefix prefix;
  bool remove = false;  // the failed operation was a delete
  int error = 0;        // errno from the kernel
  std::string message;  // strerror plus the kernel's extended ack message, if any
};

class RouteSocket {
 public:
  static Result<std::unique_ptr<RouteSocket>> open(uint8_t protocol = kRouteProtocol);
  ~RouteSocket();
  RouteSocket(const RouteSocket&) = delete;
  RouteSocket& operator=(const RouteSocket&) = delete;

  // Queue a route to install or replace, or a prefix to remove. Nothing is sent until commit().
  void replace(const KernelRoute& route);
  // Without a metric the first route of this protocol for the prefix goes.
  void remove(const Prefix& prefix, uint32_t table = kMainTable,
              std::optional<uint32_t> metric = std::nullopt);
  size_t queued() const { return ops_.size(); }

  // Sends everything queued, in batches, and waits for the kernel. Returns the routes the
  // kernel refused (an error here means the socket itself failed).
  Result<std::vector<RouteFailure>> commit();

  // The routes of this protocol now in the kernel (all tables), IPv4 and IPv6.
  Result<std::vector<KernelRoute>> dump();
  // Removes every route of this protocol (stale routes of a previous run). Returns how many.
  Result<size_t> remove_all();

 private:
  struct Op {
    bool remove;
    KernelRoute route;
    bool metric_known = true;
  };
  RouteSocket(::mnl_socket* socket, uint8_t protocol);
  Result<std::vector<RouteFailure>> send_batch(size_t begin, size_t end);

  ::mnl_socket* socket_;
  uint8_t protocol_;
  uint32_t port_id_;
  uint32_t seq_ = 1;
  std::vector<Op> ops_;
  std::vector<char> buffer_;
};

}  // namespace vgw::rib::fib
