// A TUN interface (Linux drivers/net/tun.c): layer-3 packets, no packet-information header
// (IFF_TUN | IFF_NO_PI). The file descriptor is non-blocking; each read() returns one IPv4/IPv6
// packet that the kernel routed into the interface, each write() injects one packet as if it
// had been received on it. The interface exists while the descriptor is open (not persistent),
// in the network namespace of the thread that opened it.
//
// Configuration uses ioctls on a throw-away socket of that namespace: SIOCSIFADDR (+
// SIOCSIFNETMASK) for IPv4 and SIOCSIFADDR with struct in6_ifreq for IPv6, SIOCSIFMTU,
// SIOCSIFFLAGS for IFF_UP.
#pragma once

#include <cstdint>
#include <string>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"
#include "vgw/esp/dataplane/file_descriptor.h"

namespace vgw::esp {

class TunDevice {
 public:
  // name must be a valid interface name (interface_name.h).
  static Result<TunDevice> open(const std::string& name);

  Status set_address(const InterfaceAddress& address);
  Status set_mtu(uint32_t mtu);
  Result<uint32_t> mtu() const;
  Status set_up();
  // With an IPv4 inside address only, the kernel's IPv6 on the interface just emits router
  // solicitations into the tunnel; this turns it off (/proc/sys/net/ipv6/conf/<if>/disable_ipv6).
  Status disable_ipv6();

  int fd() const { return fd_.get(); }
  const std::string& name() const { return name_; }
  int ifindex() const { return ifindex_; }

 private:
  TunDevice(FileDescriptor fd, std::string name, int ifindex)
      : fd_(std::move(fd)), name_(std::move(name)), ifindex_(ifindex) {}
  FileDescriptor fd_;
  std::string name_;
  int ifindex_ = 0;
};

}  // namespace vgw::esp
