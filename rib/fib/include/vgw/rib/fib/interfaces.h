// InterfaceWatcher: the kernel's interfaces and addresses over rtnetlink, as a snapshot (dump)
// and as a stream of changes (RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR). The
// control plane turns them into connected routes: an address on an interface that is up is a
// connected prefix; an interface going down takes its connected prefixes (and everything that
// resolved through them) out of the RIB.
//
// Two sockets: a non-blocking one joined to the multicast groups (its fd goes into the event
// loop), and a blocking one for dumps, so a dump never interleaves with events. If the kernel
// drops events (ENOBUFS), read() says so and the caller dumps again.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"

struct mnl_socket;

namespace vgw::rib::fib {

struct InterfaceInfo {
  int ifindex = 0;
  std::string name;
  bool admin_up = false;  // IFF_UP
  bool oper_up = false;   // IFF_RUNNING (carrier and operational state)
  uint32_t mtu = 0;
};

struct InterfaceEvent {
  enum class Kind { kLink, kLinkRemoved, kAddressAdded, kAddressRemoved };
  Kind kind = Kind::kLink;
  InterfaceInfo link;        // kLink / kLinkRemoved (ifindex, name)
  int ifindex = 0;           // address events
  InterfaceAddress address;  // address events
};

class InterfaceWatcher {
 public:
  static Result<std::unique_ptr<InterfaceWatcher>> open();
  ~InterfaceWatcher();
  InterfaceWatcher(const InterfaceWatcher&) = delete;
  InterfaceWatcher& operator=(const InterfaceWatcher&) = delete;

  // For the event loop: readable when changes are waiting.
  int event_fd() const;
  // Every interface (as kLink) and then every address (as kAddressAdded).
  Result<std::vector<InterfaceEvent>> dump();
  struct Changes {
    std::vector<InterfaceEvent> events;
    bool overrun = false;  // the kernel dropped events: dump() again to resynchronise
  };
  // The changes waiting now; never blocks.
  Result<Changes> read();

 private:
  InterfaceWatcher(::mnl_socket* events, ::mnl_socket* requests);
  ::mnl_socket* events_;
  ::mnl_socket* requests_;
  uint32_t seq_ = 1;
};

}  // namespace vgw::rib::fib
