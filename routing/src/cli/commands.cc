// vgw's commands: syntax, help and what each one does, in one table. Handlers build API
// requests, call the backend and print the replies (as text tables, or as the API's JSON
// mapping when the command ends in `json`).
#include <google/protobuf/util/json_util.h>


#include "vgw/routing/api/methods.h"
#include "vgw/routing/cli/session.h"
#include "vgw/routing/cli/table.h"
#include "output.h"
#include "vgw/v1/system.pb.h"
#include "vgw/v1/vpn.pb.h"

namespace vgw::routing::cli {

std::string to_json(const google::protobuf::Message& m, bool pretty) {
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = pretty;
  opts.always_print_primitive_fields = true;
  std::string json;
  auto st = google::protobuf::util::MessageToJsonString(m, &json, opts);
  if (!st.ok()) return "{}";
  while (!json.empty() && json.back() == '\n') json.pop_back();
  return json;
}

Status print_json(Session& s, const google::protobuf::Message& m) {
  s.out() << to_json(m, true) << '\n';
  return {};
}

namespace {

namespace api = vgw::routing::api;


// ---- exec mode ------------------------------------------------------------------------------

Status show_version(Session& s, const Args& a) {
  v1::GetVersionResponse r;
  if (auto st = s.backend().call(api::kGetVersion, v1::GetVersionRequest{}, r); !st) return st;
  v1::HealthResponse h;
  if (auto st = s.backend().call(api::kHealth, v1::HealthRequest{}, h); !st) return st;
  if (a.has("json")) {  // what the text shows: the build and the daemon (pid, uptime, file)
    s.out() << "{\n\"build\": " << to_json(r, true) << ",\n\"daemon\": " << to_json(h, true) << "\n}\n";
    return {};
  }
  s.out() << "vgw " << r.version() << " (commit " << r.git_commit() << ", " << r.build_type()
          << ", API " << r.api_version() << ")\n";
  s.out() << "vgwd pid " << h.pid() << ", up " << h.uptime_seconds() << " s, config file "
          << (h.config_file().empty() ? "(none)" : h.config_file()) << ", "
          << h.config_changes() << " change(s) saved since start\n";
  for (const auto& p : h.problems()) s.out() << "problem: " << p << "\n";
  return {};
}

Status show_running_config(Session& s, const Args& a) {
  v1::GetRunningConfigRequest req;
  req.set_show_secrets(a.has("with-secrets"));
  v1::GetRunningConfigResponse r;
  if (auto st = s.backend().call(api::kGetRunningConfig, req, r); !st) return st;
  s.out() << r.config();
  return {};
}

Status show_customer_gateway(Session& s, const Args& a) {
  v1::DescribeCustomerGatewaysRequest req;
  req.set_name(a.get("NAME"));
  v1::DescribeCustomerGatewaysResponse r;
  if (auto st = s.backend().call(api::kDescribeCustomerGateways, req, r); !st) return st;
  if (a.has("json")) {
    if (a.has_value("NAME") && r.customer_gateways_size() == 1) {
      return print_json(s, r.customer_gateways(0));
    }
    return print_json(s, r);
  }
  if (r.customer_gateways_size() == 0) {
    s.out() << "No customer gateways configured.\n";
    return {};
  }
  Table t({"Name", "IP address", "ASN", "Description"});
  for (const auto& c : r.customer_gateways()) {
    t.add({c.name(), c.ip_address(), std::to_string(c.asn()), c.description()});
  }
  t.print(s.out());
  return {};
}

Status configure(Session& s, const Args&) {
  if (s.mode() == Mode::kExec) s.enter(Mode::kConfig);
  return {};
}

Status quit(Session& s, const Args&) {
  s.request_quit();
  return {};
}

// ---- config mode ----------------------------------------------------------------------------

// `do COMMAND` in any configuration mode runs an exec-mode command, as in vtysh.
Status do_exec(Session& s, const Args& a) {
  auto m = s.grammar().match(Mode::kExec, a.get("TEXT"));
  if (!m) return fail(m.error());
  return m->command->handler(s, m->args);
}

// vtysh habits: there is nothing to write, every acknowledged change is saved as it is made.
Status write_memory(Session& s, const Args&) {
  v1::HealthResponse h;
  if (auto st = s.backend().call(api::kHealth, v1::HealthRequest{}, h); !st) return st;
  s.out() << "Nothing to do: vgwd saves every change to "
          << (h.config_file().empty() ? "its config file" : h.config_file())
          << " as it is made (" << h.config_changes() << " since start).\n";
  return {};
}

Status end_config(Session& s, const Args&) {
  s.end();
  return {};
}

Status show_logging(Session& s, const Args& a) {
  v1::GetLogRequest req;
  if (a.has("last")) req.set_max_lines(static_cast<uint32_t>(std::stoul(a.get("LINES"))));
  for (const char* level : {"debug", "info", "warning", "error"}) {
    if (a.has(level)) req.set_min_level(level);
  }
  v1::GetLogResponse r;
  if (auto st = s.backend().call(api::kGetLog, req, r); !st) return st;
  if (a.has("json")) return print_json(s, r);
  auto& o = s.out();
  o << "Logging to standard error at level " << r.level() << "; the last " << r.kept()
    << " lines are kept in memory\n";
  o << "Rate limits held back " << r.suppressed()
    << " lines since the start (connections from unknown hosts, malformed UPDATEs kept per RFC 7606, ...)\n";
  if (r.lines().empty()) o << "(no lines" << (req.min_level().empty() ? "" : " at " + req.min_level() + " or above") << ")\n";
  for (const auto& l : r.lines()) {
    o << format_unix_ms(l.unix_ms()) << " " << l.level() << " " << l.component() << ": " << l.message() << "\n";
  }
  return {};
}

Status exit_mode(Session& s, const Args&) {
  s.leave();
  return {};
}

Status customer_gateway(Session& s, const Args& a) {
  v1::CreateCustomerGatewayRequest create;
  create.set_name(a.get("NAME"));
  create.set_ip_address(a.get("ADDRESS"));
  create.set_asn(a.get("ASN"));
  create.set_description(a.get("TEXT"));
  v1::CustomerGateway out;
  auto st = s.backend().call(api::kCreateCustomerGateway, create, out);
  if (st || st.error().code != ErrorCode::kAlreadyExists) return st;
  // The line is the whole definition: re-entering it for an existing gateway changes it.
  v1::ModifyCustomerGatewayRequest modify;
  modify.set_name(a.get("NAME"));
  modify.set_ip_address(a.get("ADDRESS"));
  modify.set_asn(a.get("ASN"));
  modify.set_description(a.get("TEXT"));
  return s.backend().call(api::kModifyCustomerGateway, modify, out);
}

Status no_customer_gateway(Session& s, const Args& a) {
  v1::DeleteCustomerGatewayRequest req;
  req.set_name(a.get("NAME"));
  v1::DeleteCustomerGatewayResponse r;
  return s.backend().call(api::kDeleteCustomerGateway, req, r);
}

std::vector<CommandSpec> base_commands() {
  return {
          {Mode::kExec, "show version [json]", "Show the daemon's version and state", show_version},
          {Mode::kExec, "show logging [(debug|info|warning|error)] [last LINES] [json]",
           "The daemon's last log lines (at or above a level) and what rate limits held back", show_logging},
          {Mode::kExec, "show running-config [with-secrets]",
           "Show the running configuration (keys and passwords masked unless with-secrets)",
           show_running_config},
          {Mode::kExec, "show customer-gateway [NAME] [json]",
           "Show customer gateways (all, or one by name)", show_customer_gateway},
          {Mode::kExec, "configure [terminal]", "Enter configuration mode", configure},
          {Mode::kExec, "write [memory|file]", "Save the configuration (vgwd saves every change already)",
           write_memory},
          {Mode::kExec, "copy running-config startup-config",
           "Save the configuration (vgwd saves every change already)", write_memory},
          {Mode::kConfig, "do TEXT", "Run an exec-mode command from configuration mode", do_exec},
          {Mode::kExec, "exit", "Leave the shell", quit},
          {Mode::kExec, "quit", "Leave the shell", quit},
          {Mode::kConfig, "customer-gateway NAME ip ADDRESS asn ASN [description TEXT]",
           "Create or change a customer gateway", customer_gateway},
          {Mode::kConfig, "no customer-gateway NAME", "Delete a customer gateway",
           no_customer_gateway},
          {Mode::kConfig, "end", "Leave configuration mode", end_config},
          {Mode::kConfig, "exit", "Leave configuration mode", exit_mode},
  };
}

std::map<std::string, std::string> base_keyword_help() {
  return {
          {"show", "Show running system information"},
          {"write", "Save the configuration"},
          {"memory", "To the startup configuration"},
          {"file", "To the startup configuration"},
          {"copy", "Copy a configuration"},
          {"startup-config", "The configuration loaded at start"},
          {"do", "Run an exec-mode command"},
          {"version", "Daemon version and state"},
          {"logging", "The daemon's recent log lines"},
          {"debug", "Every line (debug and above)"},
          {"info", "Info, warning and error lines"},
          {"warning", "Warning and error lines"},
          {"error", "Error lines only"},
          {"last", "Only the newest lines"},
          {"running-config", "The running configuration"},
          {"with-secrets", "Include keys and passwords"},
          {"customer-gateway", "Customer gateway (the on-premises VPN device)"},
          {"json", "Output as JSON (the API's JSON mapping)"},
          {"configure", "Enter configuration mode"},
          {"terminal", "From the terminal"},
          {"exit", "Leave the current mode"},
          {"quit", "Leave the shell"},
          {"ip", "IP address"},
          {"asn", "BGP AS number"},
          {"description", "Free-text description"},
          {"no", "Delete a configuration item"},
          {"end", "Leave configuration mode"},
  };
}

}  // namespace

const Grammar& command_grammar() {
  static const Grammar grammar = [] {
    auto commands = base_commands();
    auto help = base_keyword_help();
    add_route_commands(commands, help);
    add_bgp_commands(commands, help);
    add_policy_commands(commands, help);
    add_tunnel_commands(commands, help);
    add_ike_commands(commands, help);
    add_vpn_commands(commands, help);
    add_bfd_commands(commands, help);
    add_probe_commands(commands, help);
    return Grammar(std::move(commands), std::move(help));
  }();
  return grammar;
}

}  // namespace vgw::routing::cli
