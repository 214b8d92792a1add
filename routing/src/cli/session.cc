#include "vgw/routing/cli/session.h"

namespace vgw::routing::cli {

Session::Session(const Grammar& grammar, Backend& backend, std::ostream& out, Options options)
    : grammar_(grammar),
      backend_(backend),
      out_(out),
      options_(options),
      mode_(options.config_file ? Mode::kConfig : Mode::kExec) {}

void Session::set_mode(Mode mode) {
  if (options_.config_file && mode == Mode::kExec) return;
  mode_ = mode;
}

Status Session::execute(std::string_view line) {
  size_t start = line.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  if (line[start] == '!' || line[start] == '#') return {};
  auto m = grammar_.match(mode_, line);
  if (!m) return fail(m.error());
  return m->command->handler(*this, m->args);
}

}  // namespace vgw::routing::cli
