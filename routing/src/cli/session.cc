#include "vgw/routing/cli/session.h"

#include "vgw/routing/api/methods.h"
#include "vgw/v1/bgp.pb.h"

namespace vgw::routing::cli {

Session::Session(const Grammar& grammar, Backend& backend, std::ostream& out, Options options)
    : grammar_(grammar), backend_(backend), out_(out), options_(options) {
  stack_.push_back({Mode::kExec, {}});
  if (options.config_file) stack_.push_back({Mode::kConfig, {}});
}

Session::~Session() = default;

v1::Policies* Session::policy_batch() {
  if (!options_.config_file) return nullptr;
  if (!policies_) {
    auto p = std::make_unique<v1::Policies>();
    if (!backend_.call(api::kGetPolicies, v1::GetPoliciesRequest{}, *p)) return nullptr;
    policies_ = std::move(p);
    batch_first_line_ = line_;
  }
  return policies_.get();
}

Status Session::flush_policies() {
  if (!policies_) return {};
  std::unique_ptr<v1::Policies> batch = std::move(policies_);
  v1::SetPoliciesRequest req;
  req.set_expected_version(batch->version());
  batch->clear_undefined();
  *req.mutable_policies() = std::move(*batch);
  v1::Policies out;
  if (auto st = backend_.call(api::kSetPolicies, req, out); !st) {
    std::string msg = st.error().message;
    return fail(Error{st.error().code, msg + " (in the policy lines from line " +
                                           std::to_string(batch_first_line_) + ")"});
  }
  return {};
}

Status Session::finish() {
  auto st = flush_policies();
  if (st) return st;
  return fail(Error{st.error().code, in_cli_words(st.error().message)});
}

void Session::enter(Mode mode, std::map<std::string, std::string> context) {
  stack_.push_back({mode, std::move(context)});
}

void Session::leave() {
  size_t floor = options_.config_file ? 2 : 1;
  if (stack_.size() > floor) stack_.pop_back();
}

void Session::end() { stack_.resize(options_.config_file ? 2 : 1); }

const std::string& Session::context(const std::string& key) const {
  static const std::string empty;
  for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
    auto c = it->context.find(key);
    if (c != it->context.end()) return c->second;
  }
  return empty;
}

Status Session::execute(std::string_view line) {
  auto st = execute_line(line);
  if (st) return st;
  return fail(Error{st.error().code, in_cli_words(st.error().message)});
}

Status Session::execute_line(std::string_view line) {
  ++line_;
  size_t start = line.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  if (line[start] == '!' || line[start] == '#') return {};
  // A line of another kind first applies the policy lines batched before it, so the config
  // takes effect in the order it is written.
  auto run = [this](const CommandSpec& command, const Args& args) -> Status {
    if (!command.policy_edit) {
      if (auto st = flush_policies(); !st) return st;
    }
    return command.handler(*this, args);
  };
  auto m = grammar_.match(mode(), line);
  if (!m) {
    // Inside a block, a line that belongs to an enclosing mode closes the block(s) first.
    for (size_t depth = stack_.size() - 1; depth >= 2; --depth) {
      auto outer = grammar_.match(stack_[depth - 1].mode, line);
      if (outer) {
        stack_.resize(depth);
        return run(*outer->command, outer->args);
      }
    }
    return fail(m.error());
  }
  return run(*m->command, m->args);
}

}  // namespace vgw::routing::cli
