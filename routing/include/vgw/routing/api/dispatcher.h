// Dispatcher: every RPC of the management API, keyed by its gRPC method path, bound to the
// Gateway method that serves it. The gRPC server (one generic bridge for all methods) and the
// config loader at start-up both go through here, so a command behaves the same from vgwsh,
// from any gRPC client and from the config file.
#pragma once

#include <google/protobuf/message.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/routing/gateway.h"

namespace vgw::routing::api {

using Message = google::protobuf::Message;

// The control-plane side of one server-streaming call (List*, Watch*). The transport asks for
// the next message whenever the client can take one, so a long listing is produced batch by
// batch between other work and a slow client never makes the daemon buffer without bound.
// Lives on the control-plane thread only.
class ServerStream {
 public:
  virtual ~ServerStream() = default;
  struct Next {
    enum class Kind { kMessage, kWait, kEnd, kError } kind = Kind::kEnd;
    std::unique_ptr<Message> message;  // kMessage
    Error error;                       // kError
  };
  // kWait: nothing to send now; the stream calls wake() once there is.
  virtual Next next() = 0;
  // Set by the transport before the first next().
  std::function<void()> wake;

  static Next message(std::unique_ptr<Message> m) {
    return {Next::Kind::kMessage, std::move(m), {}};
  }
  static Next wait() { return {Next::Kind::kWait, nullptr, {}}; }
  static Next end() { return {Next::Kind::kEnd, nullptr, {}}; }
};

class Dispatcher {
 public:
  struct Method {
    const Message* request_prototype = nullptr;
    // Exactly one of these is set.
    std::function<Result<std::unique_ptr<Message>>(Gateway&, const Message&)> handler;
    std::function<Result<std::unique_ptr<ServerStream>>(Gateway&, const Message&)> open_stream;
    bool streaming() const { return static_cast<bool>(open_stream); }
  };

  Dispatcher();
  const Method* find(std::string_view path) const;
  std::vector<std::string> paths() const;

  // Runs one request on the calling thread (which must be the control-plane thread).
  Result<std::unique_ptr<Message>> handle(Gateway& gw, std::string_view path,
                                          const Message& request) const;
  // The same from wire bytes: an unparsable request is INVALID_ARGUMENT, an unknown method
  // UNIMPLEMENTED.
  Result<std::string> handle_bytes(Gateway& gw, std::string_view path,
                                   const std::string& request) const;
  // Opens a server stream from wire bytes.
  Result<std::unique_ptr<ServerStream>> open_stream_bytes(Gateway& gw, std::string_view path,
                                                          const std::string& request) const;
  Result<std::unique_ptr<ServerStream>> open_stream(Gateway& gw, std::string_view path,
                                                    const Message& request) const;

 private:
  template <typename Req, typename Resp, typename Fn>
  void add(const char* path, Fn fn);
  template <typename Req, typename Resp, typename Fn>
  void add_stream(const char* path, Fn fn);
  template <typename Req, typename Resp>
  void check(const char* path, bool streaming) const;

  std::map<std::string, Method, std::less<>> methods_;
};

}  // namespace vgw::routing::api
