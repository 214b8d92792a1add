// A cli::Backend for tests: requests go straight to a Gateway through the Dispatcher on the
// calling thread (the same typed path gRPC and the config loader use, minus the threads).
#pragma once

#include "vgw/routing/api/dispatcher.h"
#include "vgw/routing/cli/session.h"

namespace vgw::test {

class DirectBackend final : public routing::cli::Backend {
 public:
  explicit DirectBackend(routing::Gateway& gw) : gw_(gw) {}
  Status call(const char* path, const google::protobuf::Message& request,
              google::protobuf::Message& response) override {
    auto r = dispatcher_.handle(gw_, path, request);
    if (!r) return fail(Error{r.error().code, "% " + r.error().message});
    response.CopyFrom(**r);
    return {};
  }
  Status stream(const char* path, const google::protobuf::Message& request,
                google::protobuf::Message& response,
                const std::function<Status()>& on_message) override {
    auto s = dispatcher_.open_stream(gw_, path, request);
    if (!s) return fail(Error{s.error().code, "% " + s.error().message});
    (*s)->wake = [] {};
    while (true) {
      auto n = (*s)->next();
      if (n.kind == routing::api::ServerStream::Next::Kind::kMessage) {
        response.CopyFrom(*n.message);
        if (auto st = on_message(); !st) return st;
        continue;
      }
      if (n.kind == routing::api::ServerStream::Next::Kind::kError) return fail(n.error);
      return {};
    }
  }

 private:
  routing::Gateway& gw_;
  routing::api::Dispatcher dispatcher_;
};

}  // namespace vgw::test
