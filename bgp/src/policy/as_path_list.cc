// AS-path access-lists: path text rendering, the `_` translation, the compiled regex (RE2 in
// POSIX mode: compilation bounded in memory, matching linear in the text, never backtracking,
// so no pattern a user types can exhaust memory or stall the control loop), validation and
// FRR-syntax lines.
#include "vgw/bgp/policy/as_path_list.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "policy_internal.h"

namespace vgw::bgp::policy {

struct AsPathRegex::Compiled {
  Compiled(std::string t, const std::string& pattern, const re2::RE2::Options& options)
      : text(std::move(t)), re(pattern, options) {}
  std::string text;
  re2::RE2 re;
};

namespace {

constexpr const char* kDelimiter = "(^|[,{}() ]|$)";

void append_asn(std::string& out, uint32_t asn) {
  char buf[16];
  auto r = std::to_chars(buf, buf + sizeof buf, asn);
  out.append(buf, r.ptr);
}

}  // namespace

void format_as_path(const wire::AsPath& path, std::string& out) {
  out.clear();
  bool first_segment = true;
  for (wire::AsPath::Segment s : path) {
    if (!first_segment) out += ' ';
    first_segment = false;
    char open = 0, close = 0, sep = ' ';
    switch (s.type) {
      case wire::SegmentType::kSequence: break;
      case wire::SegmentType::kSet: open = '{'; close = '}'; sep = ','; break;
      case wire::SegmentType::kConfedSequence: open = '('; close = ')'; break;
      case wire::SegmentType::kConfedSet: open = '['; close = ']'; sep = ','; break;
    }
    if (open) out += open;
    for (size_t i = 0; i < s.asns.size(); ++i) {
      if (i) out += sep;
      append_asn(out, s.asns[i]);
    }
    if (close) out += close;
  }
}

namespace {

// The index of the ']' closing the bracket expression opened at text[open], or npos. A ']'
// first in the list (after an optional '^') is a member, and "[:class:]", "[.x.]" and "[=x=]"
// are skipped whole (POSIX 9.3.5).
size_t bracket_end(std::string_view text, size_t open) {
  size_t i = open + 1;
  if (i < text.size() && text[i] == '^') ++i;
  if (i < text.size() && text[i] == ']') ++i;
  while (i < text.size()) {
    if (text[i] == ']') return i;
    if (text[i] == '[' && i + 1 < text.size() &&
        (text[i + 1] == ':' || text[i + 1] == '.' || text[i + 1] == '=')) {
      const char kind = text[i + 1];
      size_t j = i + 2;
      while (j + 1 < text.size() && !(text[j] == kind && text[j + 1] == ']')) ++j;
      if (j + 1 >= text.size()) return std::string_view::npos;
      i = j + 2;
      continue;
    }
    ++i;
  }
  return std::string_view::npos;
}

}  // namespace

std::string translate_as_path_regex(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {  // an escaped character stays as it is
      out += c;
      out += text[++i];
    } else if (c == '[') {  // a bracket expression is copied whole: '_' in it is literal
      const size_t end = bracket_end(text, i);
      const size_t stop = end == std::string_view::npos ? text.size() : end + 1;
      out.append(text.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '_') {
      out += kDelimiter;
    } else {
      out += c;
    }
  }
  return out;
}

Result<AsPathRegex> AsPathRegex::compile(std::string_view text) {
  if (text.empty()) return fail(Error::invalid("AS-path regex is empty"));
  if (text.size() > kMaxAsPathRegexLength) {
    return fail(Error::invalid("AS-path regex is " + std::to_string(text.size()) +
                               " characters long; at most " +
                               std::to_string(kMaxAsPathRegexLength) + " are allowed"));
  }
  for (char ch : text) {
    if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) > 0x7e) {
      return fail(Error::invalid("AS-path regex may hold only printable ASCII characters"));
    }
  }
  // A config line keeps no leading or trailing space, so such a regex would not reload as typed.
  if (text.front() == ' ' || text.back() == ' ') {
    return fail(Error::invalid("AS-path regex must not start or end with a space"));
  }
  re2::RE2::Options options;
  options.set_posix_syntax(true);    // POSIX ERE as FRR and Cisco take it: no \d, no (?i)
  options.set_longest_match(true);   // leftmost-longest, as POSIX
  options.set_log_errors(false);     // the error goes to the user, not to stderr
  options.set_max_mem(kAsPathRegexMaxMemory);
  options.set_never_capture(true);
  auto c = std::make_shared<const Compiled>(std::string(text), translate_as_path_regex(text),
                                            options);
  if (!c->re.ok()) {
    std::string reason = c->re.error();
    if (c->re.error_code() == re2::RE2::ErrorPatternTooLarge) {
      reason = "it expands beyond the size a regex may take (nested repetitions?)";
    }
    return fail(Error::invalid("AS-path regex \"" + std::string(text) + "\" is invalid: " + reason));
  }
  AsPathRegex r;
  r.compiled_ = std::move(c);
  return r;
}

bool AsPathRegex::matches(const std::string& path_text) const {
  return re2::RE2::PartialMatch(path_text, compiled_->re);
}

const std::string& AsPathRegex::text() const { return compiled_->text; }

Status validate(const AsPathList& list) {
  if (Status s = internal::check_name("as-path access-list", list.name); !s) return s;
  std::set<uint32_t> seqs;
  for (const AsPathListEntry& e : list.entries) {
    const std::string label = "bgp as-path access-list " + list.name + " seq " + std::to_string(e.seq);
    if (Status s = internal::check_seq(label, e.seq); !s) return s;
    if (!seqs.insert(e.seq).second) {
      return fail(Error::invalid(label + ": the seq is used by another entry"));
    }
    if (e.regex.find('\n') != std::string::npos) {
      return fail(Error::invalid(label + ": the regex spans lines"));
    }
    auto r = AsPathRegex::compile(e.regex);
    if (!r) return fail(Error::invalid(label + ": " + r.error().message));
  }
  return {};
}

std::string config_line(const std::string& list_name, const AsPathListEntry& e) {
  return "bgp as-path access-list " + list_name + " seq " + std::to_string(e.seq) + " " +
         action_name(e.action) + " " + e.regex;
}

std::vector<std::string> config_lines(const AsPathList& list) {
  std::vector<const AsPathListEntry*> sorted;
  for (const AsPathListEntry& e : list.entries) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const AsPathListEntry* a, const AsPathListEntry* b) { return a->seq < b->seq; });
  std::vector<std::string> lines;
  for (const AsPathListEntry* e : sorted) lines.push_back(config_line(list.name, *e));
  return lines;
}

}  // namespace vgw::bgp::policy
