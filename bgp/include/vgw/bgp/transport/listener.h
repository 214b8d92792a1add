// The passive side of BGP transport: listening sockets (TCP port 179 by default, one IPv4 and
// one IPv6 socket, or a single configured address) that hand every accepted connection to the
// speaker, which keeps it only if it comes from a configured peer. MD5 keys (RFC 2385) of the
// peers that have a password are installed on the listening sockets so that the kernel
// accepts only signed SYNs from them.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"

namespace vgw::bgp::transport {

class Listener {
 public:
  using Tcp = boost::asio::ip::tcp;
  using AcceptFn = std::function<void(Tcp::socket)>;

  Listener(boost::asio::io_context& io, AcceptFn on_accept);
  ~Listener();

  // Binds address:port (both families on the wildcard addresses when address is unset) and
  // starts accepting. Port 0 picks a free port (tests). Fails if no socket could be bound.
  Status open(const std::optional<IpAddress>& address, uint16_t port);
  void close();
  bool is_open() const { return !acceptors_.empty(); }
  // The bound port (after open).
  uint16_t port() const { return port_; }

  // Installs, replaces or (empty key) removes the MD5 key for peer on the listening sockets.
  Status set_password(const IpAddress& peer, const std::string& key);

 private:
  void accept(size_t index);

  boost::asio::io_context& io_;
  AcceptFn on_accept_;
  std::vector<std::unique_ptr<Tcp::acceptor>> acceptors_;
  std::map<IpAddress, std::string> keys_;
  uint16_t port_ = 0;
  std::shared_ptr<bool> alive_;
};

}  // namespace vgw::bgp::transport
