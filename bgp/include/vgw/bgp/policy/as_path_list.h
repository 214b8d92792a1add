// AS-path access-lists (FRR `bgp as-path access-list NAME seq N permit|deny REGEX`): the
// model, FRR-syntax rendering, and AsPathRegex, the compiled regular expression.
//
// Semantics (FRR/Cisco): the AS path is matched as text - ASNs in asplain separated by single
// spaces, an AS_SET as "{a,b}", an AS_CONFED_SEQUENCE as "(a b)", an AS_CONFED_SET as "[a,b]",
// segments separated by a space; an empty path is the empty string, so `^$` matches routes of
// the local AS. The regex is a POSIX extended regular expression (no back-references) searched
// anywhere in that text (anchor with ^ and $), where `_` (outside a bracket expression) matches
// one delimiter: the start or end of the text, a space, a comma, a brace or a parenthesis. The matching entry with
// the lowest seq decides; no match = deny.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/bgp/policy/action.h"
#include "vgw/bgp/wire/as_path.h"

namespace vgw::bgp::policy {

struct AsPathListEntry {
  uint32_t seq = 0;
  Action action = Action::kPermit;
  std::string regex;  // as the user wrote it, e.g. "_65001$"
  friend bool operator==(const AsPathListEntry&, const AsPathListEntry&) = default;
};

struct AsPathList {
  std::string name;
  std::vector<AsPathListEntry> entries;
  friend bool operator==(const AsPathList&, const AsPathList&) = default;
};

// Name is a single word, seqs unique, every regex compiles (the message names the list, the
// entry and the compiler's reason).
Status validate(const AsPathList& list);

// `bgp as-path access-list NAME seq 5 permit _65001$`, one line per entry in seq order.
std::string config_line(const std::string& list_name, const AsPathListEntry& e);
std::vector<std::string> config_lines(const AsPathList& list);

// The path as the regexes see it (see above), written into out (cleared first; its capacity
// is reused, so rendering into the same string allocates nothing in steady state).
void format_as_path(const wire::AsPath& path, std::string& out);

// The POSIX ERE an FRR-style AS-path regex becomes: each `_` outside brackets turns into
// "(^|[,{}() ]|$)".
std::string translate_as_path_regex(std::string_view text);

// The longest AS-path regex accepted (FRR's own limit on a command line is far below what made
// glibc's regcomp overflow its stack) and the memory one compiled regex may take.
inline constexpr size_t kMaxAsPathRegexLength = 1024;
inline constexpr int64_t kAsPathRegexMaxMemory = 1 << 20;

// A compiled AS-path regex (RE2 with POSIX syntax, leftmost-longest; compiled once, within
// kAsPathRegexMaxMemory, so compilation is bounded and matching is linear in the path text).
// Copies share the compiled form; matching does not change it and may run on several threads.
class AsPathRegex {
 public:
  static Result<AsPathRegex> compile(std::string_view text);
  // path_text: as written by format_as_path.
  bool matches(const std::string& path_text) const;
  const std::string& text() const;

 private:
  struct Compiled;
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace vgw::bgp::policy
