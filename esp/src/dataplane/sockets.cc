// Outer sockets and the classic BPF programs that steer inbound ESP to the SA's owner worker
// (see sockets.h).
#include "vgw/esp/dataplane/sockets.h"

#include <linux/filter.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace vgw::esp {
namespace {

Error sys_error(const std::string& what) {
  return Error::internal(what + ": " + std::strerror(errno));
}

Status set_int(int fd, int level, int name, int value, const char* what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) < 0) return fail(sys_error(what));
  return {};
}

// Large socket buffers: a worker drains a batch per wake-up, bursts must not overflow between.
void grow_buffers(int fd) {
  constexpr int kBytes = 4 << 20;
  // SO_*BUFFORCE needs CAP_NET_ADMIN; fall back to the capped variant.
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &kBytes, sizeof kBytes) < 0)
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kBytes, sizeof kBytes);
  if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &kBytes, sizeof kBytes) < 0)
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kBytes, sizeof kBytes);
}

Status no_fragment_df(int fd, int family) {
  if (family == AF_INET)
    return set_int(fd, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT, "IP_MTU_DISCOVER");
  return set_int(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DONT, "IPV6_MTU_DISCOVER");
}

// Reuseport selector: the program sees the UDP payload; A = first word (SPI) mod N. A packet
// shorter than 4 octets aborts the load, which returns 0 (socket 0).
std::vector<sock_filter> reuseport_program(unsigned workers) {
  return {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
      BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, workers),
      BPF_STMT(BPF_RET | BPF_A, 0),
  };
}

// Raw ESP filter of worker w: accept the packet if its SPI mod N == w. IPv4 raw sockets see
// the IP header (X = its length from IHL), IPv6 ones start at the ESP header.
std::vector<sock_filter> raw_filter(int family, unsigned workers, unsigned w) {
  std::vector<sock_filter> p;
  if (family == AF_INET) {
    p.push_back(BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0));
    p.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0));
  } else {
    p.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0));
  }
  p.push_back(BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, workers));
  p.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, w, 0, 1));
  p.push_back(BPF_STMT(BPF_RET | BPF_K, 0xffffffffu));
  p.push_back(BPF_STMT(BPF_RET | BPF_K, 0));
  return p;
}

Status attach(int fd, int option, std::vector<sock_filter>& program, const char* what) {
  sock_fprog prog{static_cast<unsigned short>(program.size()), program.data()};
  if (::setsockopt(fd, SOL_SOCKET, option, &prog, sizeof prog) < 0) return fail(sys_error(what));
  return {};
}

}  // namespace

Result<std::shared_ptr<UdpEncapSockets>> UdpEncapSockets::open(const SocketAddress& local,
                                                               unsigned workers) {
  std::shared_ptr<UdpEncapSockets> set(new UdpEncapSockets(local));
  const std::string where = "UDP " + local.to_string();
  for (unsigned w = 0; w < workers; ++w) {
    FileDescriptor fd(::socket(local.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return fail(sys_error("socket " + where));
    if (workers > 1) {
      if (auto s = set_int(fd.get(), SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT"); !s)
        return fail(std::move(s.error()));
    }
    if (local.family() == AF_INET6) {
      if (auto s = set_int(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY"); !s)
        return fail(std::move(s.error()));
    } else {
      // RFC 3948 2.1: the checksum SHOULD be zero (IPv4 only; IPv6 UDP needs one).
      if (auto s = set_int(fd.get(), SOL_SOCKET, SO_NO_CHECK, 1, "SO_NO_CHECK"); !s)
        return fail(std::move(s.error()));
    }
    if (auto s = no_fragment_df(fd.get(), local.family()); !s) return fail(std::move(s.error()));
    grow_buffers(fd.get());
    if (::bind(fd.get(), local.get(), local.size) < 0) return fail(sys_error("bind " + where));
    // The program belongs to the whole group; attaching it once (to the first socket, after
    // its bind created the group) is enough. Socket index = bind order.
    if (workers > 1 && w == 0) {
      auto program = reuseport_program(workers);
      if (auto s = attach(fd.get(), SO_ATTACH_REUSEPORT_CBPF, program,
                          "SO_ATTACH_REUSEPORT_CBPF");
          !s)
        return fail(std::move(s.error()));
    }
    set->fds_.push_back(std::move(fd));
  }
  return set;
}

Result<std::shared_ptr<RawEspSockets>> RawEspSockets::open(const IpAddress& local,
                                                           unsigned workers) {
  std::shared_ptr<RawEspSockets> set(new RawEspSockets(local));
  const SocketAddress bound(local, 0);
  const std::string where = "raw ESP " + local.to_string();
  for (unsigned w = 0; w < workers; ++w) {
    FileDescriptor fd(
        ::socket(bound.family(), SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ESP));
    if (!fd.valid()) return fail(sys_error("socket " + where));
    if (workers > 1) {
      auto program = raw_filter(bound.family(), workers, w);
      if (auto s = attach(fd.get(), SO_ATTACH_FILTER, program, "SO_ATTACH_FILTER"); !s)
        return fail(std::move(s.error()));
    }
    if (auto s = no_fragment_df(fd.get(), bound.family()); !s) return fail(std::move(s.error()));
    grow_buffers(fd.get());
    if (::bind(fd.get(), bound.get(), bound.size) < 0) return fail(sys_error("bind " + where));
    set->fds_.push_back(std::move(fd));
  }
  return set;
}

}  // namespace vgw::esp
