// Session: one conversation in the command language — vgwsh's interactive or -c session, or
// vgwd loading its config file. It holds the mode (exec / config), runs matched commands and
// sends the API requests they make through a Backend (gRPC in vgwsh, in-process in vgwd).
#pragma once

#include <google/protobuf/message.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include <ostream>
#include <string_view>

#include "vgw/base/result.h"
#include "vgw/routing/cli/grammar.h"

namespace vgw::v1 {
class Policies;
}

namespace vgw::routing::cli {

class Backend {
 public:
  virtual ~Backend() = default;
  // Calls one API method (a path from vgw/routing/api/methods.h).
  virtual Status call(const char* path, const google::protobuf::Message& request,
                      google::protobuf::Message& response) = 0;
  // Calls a server-streaming method: each message is parsed into `response` and handed to
  // on_message; an error from on_message ends the call.
  virtual Status stream(const char* path, const google::protobuf::Message& request,
                        google::protobuf::Message& response,
                        const std::function<Status()>& on_message) = 0;
};

// An error message with the API's field names (`peer.hold_time`, `ip_address`) said in the
// command language's words (`timers hold`, `ip`); quoted text ('...') is left as it is.
std::string in_cli_words(std::string_view message);

class Session {
 public:
  struct Options {
    // Loading a config file: starts in config mode and `end` / `exit` stay there.
    bool config_file = false;
  };
  Session(const Grammar& grammar, Backend& backend, std::ostream& out, Options options);
  ~Session();

  // Runs one line. Blank lines and comments ('!' or '#') do nothing. Errors carry the message
  // to print ("% ...").
  Status execute(std::string_view line);
  // Applies what is still pending (a config file's last policy lines). A config file loader
  // calls it after the last line; until then the file is not fully applied.
  Status finish();

  // Loading a config file, policy edits (prefix-lists, as-path and community lists,
  // route-maps) are made on one copy of the policy set, read once, and written back with one
  // SetPolicies when a line of another kind comes or the file ends: loading N policy lines
  // costs O(N), not O(N^2) as a read-modify-write per line would. Null when not batching.
  v1::Policies* policy_batch();

  Mode mode() const { return stack_.back().mode; }
  // Enters a block (router bgp, tunnel, address-family) with values its commands need, e.g.
  // {"ASN": "65000"}.
  void enter(Mode mode, std::map<std::string, std::string> context = {});
  // Leaves the current block (`exit`); from config mode, back to exec.
  void leave();
  // Back to exec mode (`end`); a config file stays in config mode.
  void end();
  // A value of the current block or an enclosing one ("" if none).
  const std::string& context(const std::string& key) const;
  bool quit_requested() const { return quit_; }
  void request_quit() { quit_ = true; }

  const Grammar& grammar() const { return grammar_; }
  Backend& backend() { return backend_; }
  std::ostream& out() { return out_; }

 private:
  Status execute_line(std::string_view line);
  const Grammar& grammar_;
  Backend& backend_;
  std::ostream& out_;
  struct Frame {
    Mode mode;
    std::map<std::string, std::string> context;
  };
  Options options_;
  std::vector<Frame> stack_;
  bool quit_ = false;
  Status flush_policies();
  std::unique_ptr<v1::Policies> policies_;  // the batch being built (config files only)
  size_t line_ = 0;                         // lines executed so far
  size_t batch_first_line_ = 0;
};

// The grammar of vgw's command language: every command of vgwsh and of the config file.
const Grammar& command_grammar();

}  // namespace vgw::routing::cli
