// The command language applied inside vgwd: SystemService.ApplyConfig (a batch of lines as one
// change, `vgwsh -f`) on a scratch gateway. Its own library: it joins the shell's (cli::Session)
// with the daemon's (Gateway, Dispatcher), which do not depend on each other.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "vgw/base/result.h"
#include "vgw/routing/api/dispatcher.h"
#include "vgw/routing/cli/session.h"
#include "vgw/routing/gateway.h"

namespace vgw::routing {

// A cli::Backend whose calls go straight to a Gateway through the Dispatcher on the calling
// thread (the typed path gRPC uses, minus the threads): the scratch gateway's, and the tests'.
class DirectBackend final : public cli::Backend {
 public:
  explicit DirectBackend(Gateway& gw, const api::Dispatcher* dispatcher = nullptr)
      : gw_(gw), own_(dispatcher ? nullptr : std::make_unique<api::Dispatcher>()),
        dispatcher_(dispatcher ? *dispatcher : *own_) {}
  Status call(const char* path, const google::protobuf::Message& request,
              google::protobuf::Message& response) override;
  Status stream(const char* path, const google::protobuf::Message& request,
                google::protobuf::Message& response,
                const std::function<Status()>& on_message) override;

 private:
  Gateway& gw_;
  std::unique_ptr<api::Dispatcher> own_;  // only when none is given (building one is not free)
  const api::Dispatcher& dispatcher_;
};

// Applies lines through a config-file Session, stopping at the first refusal: the error is
// "<where>:N: message" (where empty: "line N: message"). `backend` carries the calls.
Status apply_lines(cli::Backend& backend, std::string_view text, const std::string& where,
                   size_t* applied = nullptr);

// SystemService.ApplyConfig on the control-plane thread: the lines run on a scratch gateway
// (kernel-less, never persisted) that holds the running configuration (or nothing, with
// replace); only if every line is accepted does its configuration replace the running one, in
// one change.
Result<v1::ApplyConfigResponse> apply_config(Gateway& gw, const v1::ApplyConfigRequest& req);

}  // namespace vgw::routing
