// IpAddress <-> boost::asio::ip::address, for the modules that own sockets (BGP's TCP, IKE's
// UDP). Header-only, so that base itself needs no Boost: include it where asio is used anyway.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <algorithm>

#include "vgw/base/ip.h"

namespace vgw {

inline boost::asio::ip::address to_asio(const IpAddress& a) {
  if (a.is_v4()) return boost::asio::ip::address_v4(a.v4_host_order());
  boost::asio::ip::address_v6::bytes_type b;
  std::copy(a.data(), a.data() + 16, b.begin());
  return boost::asio::ip::address_v6(b);
}

// A v4-mapped IPv6 address (a dual-stack socket's view of an IPv4 peer) becomes IPv4.
inline IpAddress from_asio(boost::asio::ip::address a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    a = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  }
  if (a.is_v4()) return IpAddress::v4(a.to_v4().to_uint());
  return IpAddress::v6(a.to_v6().to_bytes());
}

}  // namespace vgw
