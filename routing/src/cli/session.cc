#include "vgw/routing/cli/session.h"

namespace vgw::routing::cli {

Session::Session(const Grammar& grammar, Backend& backend, std::ostream& out, Options options)
    : grammar_(grammar), backend_(backend), out_(out), options_(options) {
  stack_.push_back({Mode::kExec, {}});
  if (options.config_file) stack_.push_back({Mode::kConfig, {}});
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
  size_t start = line.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  if (line[start] == '!' || line[start] == '#') return {};
  auto m = grammar_.match(mode(), line);
  if (!m) {
    // Inside a block, a line that belongs to an enclosing mode closes the block(s) first.
    for (size_t depth = stack_.size() - 1; depth >= 2; --depth) {
      auto outer = grammar_.match(stack_[depth - 1].mode, line);
      if (outer) {
        stack_.resize(depth);
        return outer->command->handler(*this, outer->args);
      }
    }
    return fail(m.error());
  }
  return m->command->handler(*this, m->args);
}

}  // namespace vgw::routing::cli
