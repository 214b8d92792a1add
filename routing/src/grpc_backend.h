// vgwsh's Backend: each API call as a gRPC unary call over the daemon's socket.
#pragma once

#include <memory>
#include <string>

#include "vgw/routing/cli/session.h"

namespace vgw::routing {

class GrpcBackend final : public cli::Backend {
 public:
  // target: "unix:/run/vgw/vgwd.sock" or "host:port".
  explicit GrpcBackend(std::string target);
  ~GrpcBackend() override;
  Status call(const char* path, const google::protobuf::Message& request,
              google::protobuf::Message& response) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vgw::routing
