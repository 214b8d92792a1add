// One TCP connection of a BGP session: connect (bound to a source address, with MD5, TTL or
// GTSM options) or adopt an accepted socket, read whole BGP messages, write with a send queue.
//
// Reading: bytes land in one reusable buffer; complete messages (framed by the 19-octet header,
// RFC 4271 4.1) are handed to the Handler in place, at most `messages_per_turn` per loop turn -
// then the rest is posted, so a full-table burst never monopolises the io_context. Nothing more
// is read from the socket while complete messages wait, which pushes back on the sender via TCP;
// pause() holds delivery (and reading) the same way until resume().
// Writing: the owner appends encoded messages to out() and calls flush(); queued() counts the
// bytes not yet written. When it drops from above the high-water mark to the low-water mark,
// Handler::on_writable() fires so that update generation can resume.
// Lifetime: shared_ptr; pending asio operations keep it alive. detach() disconnects the
// Handler; close_after_flush() sends what is queued (e.g. a NOTIFICATION), then closes.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/bgp/transport/socket_options.h"
#include "vgw/bgp/wire/error.h"

namespace vgw::bgp::transport {

namespace asio = boost::asio;
using Tcp = asio::ip::tcp;

struct Endpoint {
  IpAddress address;
  uint16_t port = 179;
};

Tcp::endpoint to_asio(const Endpoint& e);
Endpoint from_asio(const Tcp::endpoint& e);  // v4-mapped IPv6 becomes IPv4

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    // Outcome of connect(); error is empty on success.
    virtual void on_connected(Connection& c, const std::string& error) = 0;
    // One complete message (header included). Return false to stop delivering (the handler
    // closed or detached the connection).
    virtual bool on_message(Connection& c, std::span<const uint8_t> message) = 0;
    // The header is invalid (RFC 4271 6.1); reading has stopped.
    virtual void on_header_error(Connection& c, const wire::ParseError& e) = 0;
    // The peer closed the connection or a read/write failed; nothing more will come.
    virtual void on_closed(Connection& c, const std::string& why) = 0;
    // The send queue went from above high water down to low water.
    virtual void on_writable(Connection&) {}
  };

  struct Limits {
    size_t messages_per_turn = 512;
    size_t receive_buffer = 256 * 1024;  // must exceed 4096
    size_t high_water = 4 * 1024 * 1024;
    size_t low_water = 1024 * 1024;
  };

  static std::shared_ptr<Connection> create(asio::io_context& io, Handler& handler, Limits limits);
  ~Connection();

  // Starts an outgoing connection. Options are applied before connect (MD5, TTL).
  void connect(const Endpoint& remote, const std::optional<IpAddress>& source,
               const SocketOptions& options);
  // Takes an accepted socket (options are applied here).
  Status adopt(Tcp::socket socket, const SocketOptions& options);
  // Begins delivering messages (after on_connected / adopt).
  void start_reading();
  // Stops delivering after the message being handled (nothing more is read from the socket
  // either, so TCP pushes back), and starts again; may be called before start_reading.
  void pause();
  void resume();

  std::vector<uint8_t>& out() { return pending_; }
  void send(std::span<const uint8_t> bytes);
  void flush();
  size_t queued() const { return pending_.size() + (writing_ ? inflight_.size() : 0); }
  bool above_high_water() const { return queued() > limits_.high_water; }

  // Drops unsent queued data, sends `last` (if not empty), then closes; closes anyway after
  // `linger`. The handler is detached first.
  void close_after_flush(std::span<const uint8_t> last, std::chrono::milliseconds linger);
  void close();  // immediately; detaches the handler
  void detach() { handler_ = nullptr; }
  bool is_open() const { return socket_.is_open() && !closing_; }

  std::optional<Endpoint> local() const { return local_; }
  std::optional<Endpoint> remote() const { return remote_; }
  bool outgoing() const { return outgoing_; }

 private:
  Connection(asio::io_context& io, Handler& handler, Limits limits);
  void read_more();
  void process();
  void start_write();
  void fail(const std::string& why);
  void learn_endpoints();

  asio::io_context& io_;
  Handler* handler_;
  Limits limits_;
  Tcp::socket socket_;
  asio::steady_timer linger_timer_;
  std::vector<uint8_t> rx_;
  size_t rx_begin_ = 0;
  size_t rx_end_ = 0;
  std::vector<uint8_t> pending_;
  std::vector<uint8_t> inflight_;
  bool writing_ = false;
  bool reading_ = false;
  bool processing_posted_ = false;
  bool paused_ = false;
  bool read_pending_ = false;
  bool closing_ = false;
  bool was_above_ = false;
  bool outgoing_ = false;
  std::optional<Endpoint> local_;
  std::optional<Endpoint> remote_;
};

}  // namespace vgw::bgp::transport
