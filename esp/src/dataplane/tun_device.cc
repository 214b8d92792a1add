// TUN device creation and configuration through ioctls (see tun_device.h).
#include "vgw/esp/dataplane/tun_device.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/ipv6.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace vgw::esp {
namespace {

Error sys_error(const std::string& what) {
  return Error::internal(what + ": " + std::strerror(errno));
}

void copy_name(char (&dst)[IFNAMSIZ], const std::string& name) {
  std::memset(dst, 0, IFNAMSIZ);
  std::memcpy(dst, name.data(), std::min(name.size(), size_t{IFNAMSIZ - 1}));
}

// An ioctl on a short-lived socket of the calling thread's network namespace.
Status ifreq_ioctl(int family, unsigned long request, void* arg, const std::string& what) {
  FileDescriptor s(::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!s.valid()) return fail(sys_error("socket for " + what));
  if (::ioctl(s.get(), request, arg) < 0) return fail(sys_error(what));
  return {};
}

}  // namespace

Result<TunDevice> TunDevice::open(const std::string& name) {
  FileDescriptor fd(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return fail(sys_error("open /dev/net/tun"));
  ifreq ifr{};
  copy_name(ifr.ifr_name, name);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  if (::ioctl(fd.get(), TUNSETIFF, &ifr) < 0) return fail(sys_error("TUNSETIFF " + name));
  const std::string actual(ifr.ifr_name);
  const unsigned index = ::if_nametoindex(actual.c_str());
  if (index == 0) return fail(sys_error("if_nametoindex " + actual));
  return TunDevice(std::move(fd), actual, static_cast<int>(index));
}

Status TunDevice::set_address(const InterfaceAddress& a) {
  if (a.address.is_v4()) {
    ifreq ifr{};
    copy_name(ifr.ifr_name, name_);
    auto* sin = reinterpret_cast<sockaddr_in*>(&ifr.ifr_addr);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, a.address.data(), 4);
    if (auto s = ifreq_ioctl(AF_INET, SIOCSIFADDR, &ifr, "SIOCSIFADDR " + name_); !s) return s;
    const uint32_t mask = a.length == 0 ? 0 : ~uint32_t{0} << (32 - a.length);
    sin->sin_addr.s_addr = htonl(mask);
    return ifreq_ioctl(AF_INET, SIOCSIFNETMASK, &ifr, "SIOCSIFNETMASK " + name_);
  }
  in6_ifreq req{};
  std::memcpy(&req.ifr6_addr, a.address.data(), 16);
  req.ifr6_prefixlen = static_cast<uint32_t>(a.length);
  req.ifr6_ifindex = ifindex_;
  return ifreq_ioctl(AF_INET6, SIOCSIFADDR, &req, "SIOCSIFADDR (IPv6) " + name_);
}

Status TunDevice::set_mtu(uint32_t mtu) {
  ifreq ifr{};
  copy_name(ifr.ifr_name, name_);
  ifr.ifr_mtu = static_cast<int>(mtu);
  return ifreq_ioctl(AF_INET, SIOCSIFMTU, &ifr, "SIOCSIFMTU " + name_);
}

Result<uint32_t> TunDevice::mtu() const {
  ifreq ifr{};
  copy_name(ifr.ifr_name, name_);
  if (auto s = ifreq_ioctl(AF_INET, SIOCGIFMTU, &ifr, "SIOCGIFMTU " + name_); !s)
    return fail(std::move(s.error()));
  return static_cast<uint32_t>(ifr.ifr_mtu);
}

Status TunDevice::set_up() {
  ifreq ifr{};
  copy_name(ifr.ifr_name, name_);
  if (auto s = ifreq_ioctl(AF_INET, SIOCGIFFLAGS, &ifr, "SIOCGIFFLAGS " + name_); !s) return s;
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
  return ifreq_ioctl(AF_INET, SIOCSIFFLAGS, &ifr, "SIOCSIFFLAGS " + name_);
}

Status TunDevice::disable_ipv6() {
  const std::string path = "/proc/sys/net/ipv6/conf/" + name_ + "/disable_ipv6";
  FileDescriptor f(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!f.valid()) return fail(sys_error("open " + path));
  if (::write(f.get(), "1", 1) != 1) return fail(sys_error("write " + path));
  return {};
}

}  // namespace vgw::esp
