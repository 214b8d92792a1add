// The outer sockets of the dataplane, one set per local address and kind, one socket per worker
// in each set, so that every worker polls only its own descriptors.
//
// UdpEncapSockets: UDP sockets bound to local:4500 in one SO_REUSEPORT group. A classic BPF
// program attached with SO_ATTACH_REUSEPORT_CBPF picks the socket of each datagram: it sees
// the UDP payload, loads its first 32-bit word (the SPI, RFC 3948 2.1) and returns SPI mod N,
// so the inbound SA's owner (worker SPI mod N) receives it. IKE messages start with the 4-octet
// Non-ESP Marker (zero) and NAT-keepalives are one octet, so both land on worker 0, which hands
// IKE to the control plane (events.h). Outgoing IKE is sent from the same sockets
// (Dataplane::send_ike), so the port stays owned by the dataplane alone. UDP checksums are
// sent as zero over IPv4 (RFC 3948 2.1 SHOULD; SO_NO_CHECK).
//
// RawEspSockets: raw IPPROTO_ESP sockets (the kernel has no ESP, so every protocol-50 packet to
// the bound address reaches every raw socket); a per-socket BPF filter keeps only the packets
// whose SPI mod N is that socket's worker. IPv4 raw sockets see (and receive) the IP header,
// IPv6 ones start at the ESP header.
//
// Both send with the outer header built by the kernel and never set DF on it
// (IP_PMTUDISC_DONT): an outer packet above a smaller link MTU is fragmented, not dropped.
#pragma once

#include <memory>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/esp/dataplane/file_descriptor.h"
#include "vgw/esp/dataplane/socket_address.h"

namespace vgw::esp {

class UdpEncapSockets {
 public:
  static Result<std::shared_ptr<UdpEncapSockets>> open(const SocketAddress& local,
                                                       unsigned workers);
  int fd(unsigned worker) const { return fds_[worker].get(); }
  const SocketAddress& local() const { return local_; }

 private:
  explicit UdpEncapSockets(const SocketAddress& local) : local_(local) {}
  SocketAddress local_;
  std::vector<FileDescriptor> fds_;
};

class RawEspSockets {
 public:
  static Result<std::shared_ptr<RawEspSockets>> open(const IpAddress& local, unsigned workers);
  int fd(unsigned worker) const { return fds_[worker].get(); }
  const IpAddress& local() const { return local_; }

 private:
  explicit RawEspSockets(const IpAddress& local) : local_(local) {}
  IpAddress local_;
  std::vector<FileDescriptor> fds_;
};

}  // namespace vgw::esp
