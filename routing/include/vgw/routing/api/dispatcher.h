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
#include "vgw/routing/server_stream.h"

namespace vgw::routing::api {

class Dispatcher {
 public:
  struct Method {
    const Message* request_prototype = nullptr;
    // Exactly one of these is set.
    std::function<Result<std::unique_ptr<Message>>(Gateway&, const Message&)> handler;
    std::function<Result<std::unique_ptr<ServerStream>>(Gateway&, const Message&)> open_stream;
    bool streaming() const { return static_cast<bool>(open_stream); }
  };

  // SystemService.ApplyConfig runs the command language, which the daemon's main links in
  // (the API layer does not depend on the shell's library): without an applier the method
  // answers UNIMPLEMENTED.
  using ConfigApplier =
      std::function<Result<v1::ApplyConfigResponse>(Gateway&, const v1::ApplyConfigRequest&)>;
  explicit Dispatcher(ConfigApplier applier = {});
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
  // Whether this request (wire bytes) asks for secrets in the reply (GetRunningConfig with
  // show_secrets): the transport decides who may (api/server.cc).
  static bool reveals_secrets(std::string_view path, const std::string& request);

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
