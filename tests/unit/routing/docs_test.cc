// docs/cli.md documents exactly the commands of the grammar: each command has a heading
// "### `SYNTAX`" in the section of its mode ("## Exec mode (`exec`)", "## Config mode
// (`config`)", ... the name in backquotes is the mode's).
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "vgw/routing/cli/session.h"

namespace vgw::routing::cli {
namespace {

TEST(Docs, CliReferenceMatchesGrammar) {
  std::ifstream in(std::string(VGW_SOURCE_DIR) + "/docs/cli.md");
  ASSERT_TRUE(in) << "docs/cli.md missing";
  std::set<std::string> documented;
  std::string mode, line;
  std::regex heading("^### `(.+)`\\s*$");
  std::regex section("^## .* \\(`([a-z-]+)`\\)\\s*$");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, section)) mode = m[1].str();
    if (std::regex_match(line, m, heading)) documented.insert(mode + ": " + m[1].str());
  }
  std::set<std::string> grammar;
  for (const auto& c : command_grammar().commands()) {
    grammar.insert(std::string(mode_name(c.mode)) + ": " + c.syntax);
  }
  for (const auto& g : grammar) EXPECT_TRUE(documented.count(g)) << "undocumented: " << g;
  for (const auto& d : documented) EXPECT_TRUE(grammar.count(d)) << "no such command: " << d;
}

}  // namespace
}  // namespace vgw::routing::cli
