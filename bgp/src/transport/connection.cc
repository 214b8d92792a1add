// TCP connection of a BGP session: framing by the RFC 4271 4.1 header over a reusable receive
// buffer, bounded delivery per loop turn, and a two-buffer send queue with high/low water marks.
#include "vgw/bgp/transport/connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cstring>

#include "vgw/base/asio_address.h"
#include "vgw/bgp/wire/message.h"

namespace vgw::bgp::transport {

Tcp::endpoint to_asio(const Endpoint& e) { return {vgw::to_asio(e.address), e.port}; }

Endpoint from_asio(const Tcp::endpoint& e) { return {vgw::from_asio(e.address()), e.port()}; }

std::shared_ptr<Connection> Connection::create(asio::io_context& io, Handler& handler,
                                               Limits limits) {
  return std::shared_ptr<Connection>(new Connection(io, handler, limits));
}

Connection::Connection(asio::io_context& io, Handler& handler, Limits limits)
    : io_(io), handler_(&handler), limits_(limits), socket_(io), linger_timer_(io) {
  if (limits_.receive_buffer < 2 * wire::kMaxMessageSize) {
    limits_.receive_buffer = 2 * wire::kMaxMessageSize;
  }
}

Connection::~Connection() {
  boost::system::error_code ec;
  socket_.close(ec);
}

void Connection::learn_endpoints() {
  boost::system::error_code ec;
  auto l = socket_.local_endpoint(ec);
  if (!ec) local_ = from_asio(l);
  auto r = socket_.remote_endpoint(ec);
  if (!ec) remote_ = from_asio(r);
}

void Connection::connect(const Endpoint& remote, const std::optional<IpAddress>& source,
                         const SocketOptions& options) {
  outgoing_ = true;
  remote_ = remote;
  auto self = shared_from_this();
  auto report = [self](std::string error) {
    asio::post(self->io_, [self, error] {
      self->closing_ = true;
      boost::system::error_code ec;
      self->socket_.close(ec);
      if (self->handler_) self->handler_->on_connected(*self, error);
    });
  };
  Tcp::endpoint ep = to_asio(remote);
  boost::system::error_code ec;
  socket_.open(ep.protocol(), ec);
  if (ec) return report("socket: " + ec.message());
  Family fam = remote.address.family();
  if (!options.password.empty()) {
    if (auto s = set_md5_key(socket_.native_handle(), fam, remote.address, options.password); !s)
      return report(s.error().message);
  }
  if (auto s = set_ttl_options(socket_.native_handle(), fam, options); !s) {
    return report(s.error().message);
  }
  if (source) {
    socket_.bind(to_asio({*source, 0}), ec);
    if (ec) return report("bind to " + source->to_string() + ": " + ec.message());
  }
  socket_.async_connect(ep, [self](const boost::system::error_code& e) {
    if (self->handler_ == nullptr || self->closing_) return;
    if (e) {
      self->closing_ = true;
      boost::system::error_code ignore;
      self->socket_.close(ignore);
      self->handler_->on_connected(*self, e.message());
      return;
    }
    self->learn_endpoints();
    self->handler_->on_connected(*self, "");
  });
}

Status Connection::adopt(Tcp::socket socket, const SocketOptions& options) {
  outgoing_ = false;
  socket_ = std::move(socket);
  learn_endpoints();
  boost::system::error_code ec;
  Tcp::endpoint local = socket_.local_endpoint(ec);  // no throwing overloads on network paths
  if (ec) return vgw::fail(Error::unavailable("accepted connection: " + ec.message()));
  Family fam = local.protocol() == Tcp::v4() ? Family::kIpv4 : Family::kIpv6;
  return set_ttl_options(socket_.native_handle(), fam, options);
}

void Connection::start_reading() {
  if (reading_) return;
  reading_ = true;
  rx_.resize(limits_.receive_buffer);
  process();
}

void Connection::read_more() {
  if (rx_begin_ > 0) {
    std::memmove(rx_.data(), rx_.data() + rx_begin_, rx_end_ - rx_begin_);
    rx_end_ -= rx_begin_;
    rx_begin_ = 0;
  }
  auto self = shared_from_this();
  read_pending_ = true;
  socket_.async_read_some(
      asio::buffer(rx_.data() + rx_end_, rx_.size() - rx_end_),
      [self](const boost::system::error_code& ec, size_t n) {
        self->read_pending_ = false;
        if (self->closing_ || self->handler_ == nullptr) return;
        if (ec) {
          self->fail(ec == asio::error::eof ? "connection closed by peer"
                                            : "read: " + ec.message());
          return;
        }
        self->rx_end_ += n;
        self->process();
      });
}

void Connection::process() {
  auto self = shared_from_this();  // the handler may drop its reference while we run
  processing_posted_ = false;
  size_t delivered = 0;
  while (handler_ != nullptr && !closing_) {
    if (paused_) return;  // resume() continues from here
    size_t avail = rx_end_ - rx_begin_;
    if (avail < wire::kHeaderSize) break;
    std::span<const uint8_t> bytes(rx_.data() + rx_begin_, avail);
    auto header = wire::parse_header(bytes);
    if (!header) {
      reading_ = false;
      handler_->on_header_error(*this, header.error());
      return;
    }
    if (avail < header->length) break;
    if (delivered == limits_.messages_per_turn) {
      processing_posted_ = true;
      asio::post(io_, [self] {
        if (self->processing_posted_) self->process();
      });
      return;
    }
    rx_begin_ += header->length;
    ++delivered;
    if (!handler_->on_message(*this, bytes.first(header->length))) return;
  }
  if (handler_ == nullptr || closing_ || paused_ || read_pending_) return;
  read_more();
}

void Connection::pause() { paused_ = true; }

void Connection::resume() {
  if (!paused_) return;
  paused_ = false;
  if (!reading_ || processing_posted_) return;
  // Deliver what is buffered (and read on) from the loop, not from inside the caller.
  processing_posted_ = true;
  auto self = shared_from_this();
  asio::post(io_, [self] {
    if (self->processing_posted_) self->process();
  });
}

void Connection::send(std::span<const uint8_t> bytes) {
  pending_.insert(pending_.end(), bytes.begin(), bytes.end());
  flush();
}

void Connection::flush() {
  if (queued() > limits_.high_water) was_above_ = true;
  if (!writing_ && !pending_.empty() && socket_.is_open()) start_write();
}

void Connection::start_write() {
  std::swap(pending_, inflight_);
  pending_.clear();
  writing_ = true;
  auto self = shared_from_this();
  asio::async_write(socket_, asio::buffer(inflight_),
                    [self](const boost::system::error_code& ec, size_t) {
                      self->writing_ = false;
                      self->inflight_.clear();
                      if (ec) {
                        if (self->closing_) {
                          self->close();
                        } else {
                          self->fail("write: " + ec.message());
                        }
                        return;
                      }
                      if (!self->pending_.empty()) {
                        self->start_write();
                      } else if (self->closing_) {
                        self->close();
                        return;
                      }
                      if (self->was_above_ && self->queued() <= self->limits_.low_water) {
                        self->was_above_ = false;
                        if (self->handler_ && !self->closing_) self->handler_->on_writable(*self);
                      }
                    });
}

void Connection::fail(const std::string& why) {
  if (closing_) return;
  closing_ = true;
  boost::system::error_code ec;
  socket_.close(ec);
  Handler* h = handler_;
  handler_ = nullptr;
  if (h) h->on_closed(*this, why);
}

void Connection::close_after_flush(std::span<const uint8_t> last,
                                   std::chrono::milliseconds linger) {
  handler_ = nullptr;
  if (closing_ || !socket_.is_open()) {
    close();
    return;
  }
  closing_ = true;
  pending_.assign(last.begin(), last.end());
  if (!writing_) {
    if (pending_.empty()) {
      close();
      return;
    }
    start_write();
  }
  auto self = shared_from_this();
  linger_timer_.expires_after(linger);
  linger_timer_.async_wait([self](const boost::system::error_code& ec) {
    if (!ec) self->close();
  });
}

void Connection::close() {
  handler_ = nullptr;
  closing_ = true;
  boost::system::error_code ec;
  if (socket_.is_open()) {
    socket_.shutdown(Tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }
  linger_timer_.cancel();
}

}  // namespace vgw::bgp::transport
