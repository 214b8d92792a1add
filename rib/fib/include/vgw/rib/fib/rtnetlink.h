// Parsers of the rtnetlink messages vgw reads from the kernel: links and addresses (the
// InterfaceWatcher's dumps and events), routes (RouteSocket::dump) and acknowledgements (the
// answers to route batches). Pure functions over one message, so they can be tested and fuzzed
// without a socket (tests/fuzz/rtnetlink.cc). Each checks every length it relies on: a message
// shorter than its fixed header, an attribute shorter than its type, a prefix length beyond the
// family's bits or an ack whose quoted request overruns the message is ignored, never read
// past its end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "vgw/rib/fib/interfaces.h"
#include "vgw/rib/fib/route_socket.h"

struct nlmsghdr;

namespace vgw::rib::fib::rtnetlink {

// RTM_NEWLINK / RTM_DELLINK / RTM_NEWADDR / RTM_DELADDR; nullopt for anything else or a
// message that does not hold what it should.
std::optional<InterfaceEvent> parse_interface(const nlmsghdr* nlh);

// RTM_NEWROUTE of `protocol` (not a cached clone), IPv4 or IPv6.
std::optional<KernelRoute> parse_route(const nlmsghdr* nlh, uint8_t protocol);

// NLMSG_ERROR: the errno (positive; 0 for an ack) and the kernel's extended ack message.
struct Ack {
  int error = 0;
  std::string message;
};
std::optional<Ack> parse_ack(const nlmsghdr* nlh);

// Calls fn(const nlmsghdr*) for each whole message of a datagram as recvfrom returned it.
// `data` must be aligned for nlmsghdr (NLMSG_ALIGNTO).
template <typename Fn>
void for_each_message(const void* data, size_t len, Fn&& fn);

// Implementation detail of for_each_message (libmnl stays out of this header).
const nlmsghdr* first_message(const void* data, size_t len, size_t& remaining);
const nlmsghdr* next_message(const nlmsghdr* nlh, size_t& remaining);

template <typename Fn>
void for_each_message(const void* data, size_t len, Fn&& fn) {
  size_t remaining = len;
  for (const nlmsghdr* m = first_message(data, len, remaining); m;
       m = next_message(m, remaining)) {
    fn(m);
  }
}

}  // namespace vgw::rib::fib::rtnetlink
