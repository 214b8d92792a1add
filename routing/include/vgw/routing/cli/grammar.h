// The command language of vgwsh and of the config file, as one grammar.
//
// A command is declared by its syntax, FRR style:
//   "customer-gateway NAME ip ADDRESS asn ASN [description TEXT]"
// lower-case words are keywords (abbreviations accepted while unique), upper-case words are
// placeholders whose type and help come from one table (NAME, ADDRESS, ASN, TEXT, ...),
// [ ... ] is optional and ( a | b ) is a choice. Each declaration expands into the linear token
// sequences it accepts; matching, tab completion and `?` help all walk those sequences, so the
// three can never disagree. vgwsh turns a matched command into API requests; vgwd's config
// loader runs the same commands at start-up.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/base/result.h"

namespace vgw::routing::cli {

class Session;

// Modes nest like FRR's: exec > config > a block (router bgp, tunnel) > a sub-block
// (address-family). A line that does not fit the current block is tried in the enclosing ones,
// so config files need no explicit `exit`.
enum class Mode {
  kExec, kConfig, kRouterBgp, kBgpAddressFamily, kTunnel, kRouteMap, kVpnGateway, kVpnConnection, kBfd, kBfdPeer
};
const char* mode_name(Mode mode);
// The prompt suffix of a mode: "", "config", "config-router", "config-router-af", ...
const char* mode_prompt(Mode mode);

// What a matched command carries: placeholder values by placeholder name, keywords present.
class Args {
 public:
  bool has(const std::string& keyword) const { return keywords_.count(keyword) > 0; }
  // The value of a placeholder, or "" when the (optional) placeholder was not given.
  const std::string& get(const std::string& placeholder) const;
  bool has_value(const std::string& placeholder) const { return values_.count(placeholder) > 0; }

  void set(const std::string& placeholder, std::string value) { values_[placeholder] = std::move(value); }
  void add_keyword(const std::string& keyword) { keywords_.insert(keyword); }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> keywords_;
};

using Handler = std::function<Status(Session&, const Args&)>;

struct CommandSpec {
  Mode mode;
  std::string syntax;
  std::string help;  // one line: what the command does
  Handler handler;
  // A routing-policy edit: while a config file loads, consecutive ones are applied as one
  // PolicyService.SetPolicies (see Session::policy_batch).
  bool policy_edit = false;
};

// One completion / help candidate for the next token.
struct Candidate {
  std::string token;  // keyword, placeholder (e.g. "ADDRESS") or "<cr>"
  std::string help;
  bool placeholder = false;
  friend bool operator<(const Candidate& a, const Candidate& b) { return a.token < b.token; }
  friend bool operator==(const Candidate& a, const Candidate& b) { return a.token == b.token; }
};

struct PlaceholderInfo;

class Grammar {
 public:
  // keyword_help: a line of help for every keyword used by any command (checked: a keyword
  // without help is a programming error, reported by validate()); an entry "PREVIOUS KEYWORD"
  // ("bgp summary") overrides the keyword's own where it follows that keyword.
  Grammar(std::vector<CommandSpec> commands, std::map<std::string, std::string> keyword_help);

  struct Match {
    const CommandSpec* command = nullptr;
    Args args;
  };
  // Errors are INVALID_ARGUMENT with a message for the user ("% Unknown command", ...).
  Result<Match> match(Mode mode, std::string_view line) const;
  // Candidates for the token being typed at the end of `line` (after a space: the next one).
  std::vector<Candidate> candidates(Mode mode, std::string_view line) const;

  const std::vector<CommandSpec>& commands() const { return commands_; }
  // Problems in the declarations themselves (bad syntax, unknown placeholder, missing help).
  std::vector<std::string> validate() const;

  struct Element {
    enum class Kind { kKeyword, kPlaceholder } kind;
    std::string text;
    const PlaceholderInfo* info = nullptr;  // placeholders: looked up once, when expanded
  };
  using Sequence = std::vector<Element>;
  struct Expanded {
    const CommandSpec* command;
    Sequence sequence;
  };
  // Every token sequence the declarations expand into (what match() walks), each with its
  // command, in declaration order: for tests that exercise every command the grammar has.
  const std::vector<Expanded>& expansions() const { return expanded_; }

 private:
  // The expanded sequences of one mode: those starting with a keyword sorted by it (a line's
  // first word selects a range: the keywords it abbreviates), and those starting with a
  // placeholder. Indexes into expanded_.
  struct ModeIndex {
    std::vector<size_t> by_keyword;  // sorted by the first keyword, then declaration order
    std::vector<size_t> by_placeholder;
  };
  // The sequences of `mode` a line starting with `first` can match, in declaration order.
  std::vector<size_t> starting_with(Mode mode, std::string_view first) const;

  std::vector<CommandSpec> commands_;
  std::map<std::string, std::string> keyword_help_;
  std::vector<Expanded> expanded_;
  std::map<Mode, ModeIndex> index_;
  std::vector<std::string> problems_;
};

// Placeholder table: type check and help per placeholder name.
struct PlaceholderInfo {
  std::string help;
  // Returns an error message when `value` is not of this type, "" when it is.
  std::function<std::string(std::string_view value)> check;
  bool rest_of_line = false;  // TEXT: takes everything to the end of the line
};
const PlaceholderInfo* placeholder_info(const std::string& name);

// The ESP algorithm words of `sa ...` (the same list as vgw::esp::transform_names(), which this
// library does not link; a unit test keeps them equal).
inline constexpr const char* kEspAlgorithms[] = {
    "aes128gcm16",   "aes256gcm16",   "chacha20poly1305", "aes128-sha256",
    "aes128-sha384", "aes128-sha512", "aes192-sha256",    "aes192-sha384",
    "aes192-sha512", "aes256-sha256", "aes256-sha384",    "aes256-sha512"};
// An SPI in decimal or 0x hex, 256..4294967295.
Result<uint32_t> parse_spi(std::string_view text);

}  // namespace vgw::routing::cli
