// vgwsh's Backend: each API call as a gRPC unary call over the daemon's socket.
#pragma once

#include <memory>
#include <string>

#include "vgw/routing/cli/session.h"

namespace vgw::routing {

class GrpcBackend final : public cli::Backend {
 public:
  // PEM texts for a TLS target: the CA (or self-signed certificate) that vgwd's certificate
  // is checked against, and the client's own certificate and key (vgwd's listener asks for
  // one: mutual TLS). All empty = plaintext.
  struct Tls {
    std::string ca;
    std::string cert;
    std::string key;
  };
  // target: "unix:/run/vgw/vgwd.sock" or "host:port".
  GrpcBackend(std::string target, const Tls& tls);
  ~GrpcBackend() override;
  Status call(const char* path, const google::protobuf::Message& request,
              google::protobuf::Message& response) override;
  Status stream(const char* path, const google::protobuf::Message& request,
                google::protobuf::Message& response,
                const std::function<Status()>& on_message) override;

 private:
  Status connect();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vgw::routing
