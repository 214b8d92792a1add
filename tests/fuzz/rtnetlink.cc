// rtnetlink parsers (rib/fib): a datagram as the kernel would send it to vgwd's sockets - link,
// address and route messages, dumps' DONE and NLMSG_ERROR with extended acks - walked message
// by message through every parser. The first byte is the route protocol to match (so routes
// of vgw's own protocol and of others are both reached); the rest is the datagram.
// Invariants beyond "no memory error": a parsed prefix or address length fits its family, a
// multipath route's next-hops have the family's addresses, an ack's errno is positive.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "vgw/rib/fib/rtnetlink.h"

using namespace vgw;
using namespace vgw::rib::fib;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t protocol = data[0];
  // The kernel hands out 4-byte aligned datagrams; keep that (and exact bounds for ASan).
  std::vector<uint32_t> aligned((size - 1 + 3) / 4);
  if (size > 1) std::memcpy(aligned.data(), data + 1, size - 1);
  rtnetlink::for_each_message(aligned.data(), size - 1, [&](const nlmsghdr* m) {
    if (auto ev = rtnetlink::parse_interface(m)) {
      if (ev->kind == InterfaceEvent::Kind::kAddressAdded ||
          ev->kind == InterfaceEvent::Kind::kAddressRemoved) {
        const int bits = ev->address.address.is_v4() ? 32 : 128;
        if (ev->address.length < 0 || ev->address.length > bits) std::abort();
      }
      if (ev->link.name.find('\0') != std::string::npos) std::abort();
    }
    for (uint8_t p : {protocol, kRouteProtocol}) {
      if (auto r = rtnetlink::parse_route(m, p)) {
        const bool v4 = r->prefix.address().is_v4();
        if (r->prefix.length() < 0 || r->prefix.length() > (v4 ? 32 : 128)) std::abort();
        for (const auto& nh : r->nexthops) {
          if (nh.gateway && nh.gateway->is_v4() != v4) std::abort();
          if (nh.weight == 0) std::abort();
        }
      }
    }
    if (auto ack = rtnetlink::parse_ack(m)) {
      if (ack->error < 0) std::abort();
      if (ack->message.find('\0') != std::string::npos) std::abort();
    }
  });
  return 0;
}
