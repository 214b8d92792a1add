#include "vgw/routing/apply/config_apply.h"

#include <sstream>

namespace vgw::routing {

Status DirectBackend::call(const char* path, const google::protobuf::Message& request,
                          google::protobuf::Message& response) {
  auto r = dispatcher_.handle(gw_, path, request);
  if (!r) return fail(Error{r.error().code, "% " + r.error().message});
  response.CopyFrom(**r);
  return {};
}

Status DirectBackend::stream(const char* path, const google::protobuf::Message& request,
                             google::protobuf::Message& response,
                             const std::function<Status()>& on_message) {
  auto s = dispatcher_.open_stream(gw_, path, request);
  if (!s) return fail(Error{s.error().code, "% " + s.error().message});
  (*s)->wake = [] {};
  while (true) {
    auto n = (*s)->next();
    if (n.kind == api::ServerStream::Next::Kind::kMessage) {
      response.CopyFrom(*n.message);
      if (auto st = on_message(); !st) return st;
      continue;
    }
    if (n.kind == api::ServerStream::Next::Kind::kError) return fail(n.error);
    return {};
  }
}

Status apply_lines(cli::Backend& backend, std::string_view text, const std::string& where,
                   size_t* applied) {
  std::ostringstream sink;
  cli::Session session(cli::command_grammar(), backend, sink, {.config_file = true});
  size_t number = 0, count = 0;
  auto failed = [&](const Error& e) {
    std::string msg = e.message;
    if (msg.rfind("% ", 0) == 0) msg = msg.substr(2);
    return fail(Error{e.code, (where.empty() ? "line " : where + ":") + std::to_string(number) + ": " + msg});
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (auto st = session.execute(line); !st) return failed(st.error());
    size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && line[first] != '!' && line[first] != '#') ++count;
  }
  if (auto st = session.finish(); !st) return failed(st.error());  // the last policy lines
  if (applied) *applied = count;
  return {};
}

Result<v1::ApplyConfigResponse> apply_config(Gateway& gw, const v1::ApplyConfigRequest& req) {
  Gateway scratch({""});
  scratch.set_persist(false);
  DirectBackend backend(scratch);
  if (!req.replace()) {
    v1::GetRunningConfigRequest secrets;
    secrets.set_show_secrets(true);
    auto running = gw.get_running_config(secrets);
    if (!running) return fail(running.error());
    if (auto st = apply_lines(backend, running->config(), "running-config"); !st) {
      return fail(Error::internal("the running configuration does not reload: " + st.error().message));
    }
  }
  size_t lines = 0;
  if (auto st = apply_lines(backend, req.config(), "", &lines); !st) {
    return fail(Error{st.error().code, st.error().message + " (nothing was changed)"});
  }
  auto changed = gw.replace_config(scratch.config());
  if (!changed) return fail(changed.error());
  v1::ApplyConfigResponse out;
  out.set_lines(static_cast<uint32_t>(lines));
  out.set_changed(*changed);
  return out;
}

}  // namespace vgw::routing
