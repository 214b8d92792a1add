// Listening sockets for BGP (see listener.h).
#include "vgw/bgp/transport/listener.h"

#include <boost/asio/ip/v6_only.hpp>

#include "vgw/base/log.h"
#include "vgw/bgp/transport/connection.h"
#include "vgw/bgp/transport/socket_options.h"

namespace vgw::bgp::transport {

Listener::Listener(boost::asio::io_context& io, AcceptFn on_accept)
    : io_(io), on_accept_(std::move(on_accept)), alive_(std::make_shared<bool>(true)) {}

Listener::~Listener() {
  *alive_ = false;
  close();
}

Status Listener::open(const std::optional<IpAddress>& address, uint16_t port) {
  close();
  std::vector<Tcp::endpoint> endpoints;
  if (address) {
    endpoints.push_back(to_asio({*address, port}));
  } else {
    endpoints.emplace_back(Tcp::v4(), port);
    endpoints.emplace_back(Tcp::v6(), port);
  }
  std::string errors;
  for (const Tcp::endpoint& ep : endpoints) {
    auto acc = std::make_unique<Tcp::acceptor>(io_);
    boost::system::error_code ec;
    acc->open(ep.protocol(), ec);
    if (!ec) acc->set_option(Tcp::acceptor::reuse_address(true), ec);
    if (!ec && ep.protocol() == Tcp::v6()) acc->set_option(boost::asio::ip::v6_only(true), ec);
    Tcp::endpoint bind_ep = ep;
    if (!ec && port == 0 && port_ != 0) bind_ep.port(port_);  // same ephemeral port for both
    if (!ec) acc->bind(bind_ep, ec);
    if (!ec) acc->listen(Tcp::socket::max_listen_connections, ec);
    if (ec) {
      errors += (errors.empty() ? "" : "; ") + bind_ep.address().to_string() + ": " + ec.message();
      continue;
    }
    Tcp::endpoint bound = acc->local_endpoint(ec);
    if (ec) {
      errors += (errors.empty() ? "" : "; ") + bind_ep.address().to_string() + ": " + ec.message();
      continue;
    }
    port_ = bound.port();
    Family fam = ep.protocol() == Tcp::v4() ? Family::kIpv4 : Family::kIpv6;
    // The SYN-ACK leaves from the listening socket: with TTL 255 it passes a GTSM peer's
    // minimum (RFC 5082); accepted connections then get their peer's own TTL.
    SocketOptions syn_ack;
    syn_ack.ttl = 255;
    syn_ack.no_delay = false;
    if (auto s = set_ttl_options(acc->native_handle(), fam, syn_ack); !s) {
      VGW_LOG(kWarning, "bgp") << "listen: " << s.error().message;
    }
    if (auto s = enable_saved_syn(acc->native_handle()); !s) {
      VGW_LOG(kWarning, "bgp") << "listen: " << s.error().message;
    }
    for (const auto& [peer, key] : keys_) {
      if (peer.family() != fam) continue;
      if (auto s = set_md5_key(acc->native_handle(), fam, peer, key); !s) {
        VGW_LOG(kWarning, "bgp") << "MD5 key for " << peer.to_string() << ": " << s.error().message;
      }
    }
    acceptors_.push_back(std::move(acc));
  }
  if (acceptors_.empty()) return fail(Error::unavailable("cannot listen: " + errors));
  if (!errors.empty()) {
    VGW_LOG(kWarning, "bgp") << "listen: " << errors;
  }
  for (size_t i = 0; i < acceptors_.size(); ++i) accept(i);
  return {};
}

void Listener::close() {
  for (auto& a : acceptors_) {
    boost::system::error_code ec;
    a->close(ec);
  }
  acceptors_.clear();
}

Status Listener::set_password(const IpAddress& peer, const std::string& key) {
  if (key.empty()) {
    keys_.erase(peer);
  } else {
    keys_[peer] = key;
  }
  for (auto& a : acceptors_) {
    boost::system::error_code ec;
    Tcp::endpoint bound = a->local_endpoint(ec);
    if (ec) continue;
    Family fam = bound.protocol() == Tcp::v4() ? Family::kIpv4 : Family::kIpv6;
    if (fam != peer.family()) continue;
    if (auto s = set_md5_key(a->native_handle(), fam, peer, key); !s) return s;
  }
  return {};
}

void Listener::accept(size_t index) {
  Tcp::acceptor* acc = acceptors_[index].get();
  std::weak_ptr<bool> alive = alive_;
  acc->async_accept([this, index, acc, alive](const boost::system::error_code& ec,
                                              Tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted) return;
    auto a = alive.lock();
    if (!a || !*a) return;
    if (index >= acceptors_.size() || acceptors_[index].get() != acc) return;  // closed
    if (!ec) on_accept_(std::move(socket));
    accept(index);
  });
}

}  // namespace vgw::bgp::transport
