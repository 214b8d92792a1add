// vgwsh's Backend: each API call as a gRPC unary call over the daemon's socket.
#pragma once

#include <memory>
#include <string>

#include "vgw/routing/cli/session.h"

namespace vgw::routing {

class GrpcBackend final : public cli::Backend {
 public:
  // target: "unix:/run/vgw/vgwd.sock" or "host:port". tls_ca: PEM file of the CA (or the
  // self-signed certificate) to verify a TLS listener with; empty = plaintext.
  GrpcBackend(std::string target, const std::string& tls_ca_pem);
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
