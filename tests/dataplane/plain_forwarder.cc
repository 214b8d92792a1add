// Plain TUN <-> UDP forwarder without crypto (see plain_forwarder.h).
#include "plain_forwarder.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <vector>

#include "vgw/esp/dataplane/sockets.h"
#include "vgw/esp/dataplane/tun_device.h"

using namespace vgw;
using namespace vgw::esp;

int run_plain_forwarder(const std::map<std::string, std::string>& pairs) {
  auto get = [&](const char* k, const char* d = "") {
    auto it = pairs.find(k);
    return it == pairs.end() ? std::string(d) : it->second;
  };
  auto local = IpAddress::parse(get("local"));
  auto remote = IpAddress::parse(get("remote"));
  auto inside = InterfaceAddress::parse(get("inside"));
  if (!local || !remote || !inside) {
    std::cerr << "plain: need local= remote= inside=\n";
    return 2;
  }
  const auto port = static_cast<uint16_t>(std::stoul(get("port", "4500")));
  const auto mtu = static_cast<uint32_t>(std::stoul(get("mtu", "1438")));
  const unsigned batch = static_cast<unsigned>(std::stoul(get("batch", "64")));
  auto tun = TunDevice::open(get("ifname", "plain0"));
  if (!tun) {
    std::cerr << "plain: " << tun.error().message << "\n";
    return 1;
  }
  if (inside->address.is_v4()) (void)tun->disable_ipv6();
  if (auto s = tun->set_mtu(mtu); !s) return std::cerr << s.error().message << "\n", 1;
  if (auto s = tun->set_address(*inside); !s) return std::cerr << s.error().message << "\n", 1;
  if (auto s = tun->set_up(); !s) return std::cerr << s.error().message << "\n", 1;
  auto sockets = UdpEncapSockets::open(SocketAddress(*local, port), 1);
  if (!sockets) return std::cerr << sockets.error().message << "\n", 1;
  const int udp = (*sockets)->fd(0);
  const SocketAddress to(*remote, port);

  constexpr size_t kSlot = 10240;
  std::vector<uint8_t> arena(size_t{batch} * kSlot);
  std::vector<mmsghdr> msgs(batch);
  std::vector<iovec> iovs(batch);
  uint64_t tx = 0, rx = 0;
  std::cout << "ok ready" << std::endl;
  pollfd fds[3] = {{tun->fd(), POLLIN, 0}, {udp, POLLIN, 0}, {0, POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 3, -1) < 0 && errno != EINTR) break;
    if (fds[2].revents) {
      std::string line;
      if (!std::getline(std::cin, line)) break;
      if (line == "quit") {
        std::cout << "ok" << std::endl;
        break;
      }
      std::cout << "ok tx_packets=" << tx << " rx_packets=" << rx << std::endl;
    }
    if (fds[0].revents & POLLIN) {  // TUN -> UDP
      unsigned n = 0;
      for (; n < batch; ++n) {
        const ssize_t r = ::read(tun->fd(), arena.data() + n * kSlot, kSlot);
        if (r <= 0) break;
        iovs[n] = {arena.data() + n * kSlot, static_cast<size_t>(r)};
        msgs[n].msg_hdr = {};
        msgs[n].msg_hdr.msg_name = const_cast<sockaddr*>(to.get());
        msgs[n].msg_hdr.msg_namelen = to.size;
        msgs[n].msg_hdr.msg_iov = &iovs[n];
        msgs[n].msg_hdr.msg_iovlen = 1;
      }
      for (unsigned done = 0; done < n;) {
        const int s = ::sendmmsg(udp, msgs.data() + done, n - done, MSG_DONTWAIT);
        done += s > 0 ? static_cast<unsigned>(s) : 1;
        if (s > 0) tx += static_cast<uint64_t>(s);
      }
    }
    if (fds[1].revents & POLLIN) {  // UDP -> TUN
      for (unsigned i = 0; i < batch; ++i) {
        iovs[i] = {arena.data() + i * kSlot, kSlot};
        msgs[i].msg_hdr = {};
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      const int n = ::recvmmsg(udp, msgs.data(), batch, MSG_DONTWAIT, nullptr);
      for (int i = 0; i < n; ++i) {
        if (::write(tun->fd(), arena.data() + size_t(i) * kSlot, msgs[i].msg_len) > 0) ++rx;
      }
    }
  }
  return 0;
}
