// AS-path access-lists: path text rendering, the `_` translation, regcomp/regexec (libc POSIX
// regular expressions, not std::regex: compiled once, matched without allocating), validation
// and FRR-syntax lines.
#include "vgw/bgp/policy/as_path_list.h"

#include <regex.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "policy_internal.h"

namespace vgw::bgp::policy {

struct AsPathRegex::Compiled {
  std::string text;
  regex_t re{};
  bool compiled = false;  // regcomp succeeded (only then may regfree run)
  Compiled() = default;
  Compiled(const Compiled&) = delete;
  Compiled& operator=(const Compiled&) = delete;
  ~Compiled() {
    if (compiled) regfree(&re);
  }
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
  if (text.find('\0') != std::string_view::npos) {
    return fail(Error::invalid("AS-path regex contains a NUL character"));
  }
  auto c = std::make_shared<Compiled>();
  c->text = std::string(text);
  const std::string ere = translate_as_path_regex(text);
  const int rc = regcomp(&c->re, ere.c_str(), REG_EXTENDED | REG_NOSUB);
  if (rc != 0) {
    char reason[256];
    regerror(rc, &c->re, reason, sizeof reason);
    return fail(Error::invalid("AS-path regex \"" + std::string(text) + "\" is invalid: " + reason));
  }
  c->compiled = true;
  AsPathRegex r;
  r.compiled_ = std::move(c);
  return r;
}

bool AsPathRegex::matches(const std::string& path_text) const {
  return regexec(&compiled_->re, path_text.c_str(), 0, nullptr, 0) == 0;
}

const std::string& AsPathRegex::text() const { return compiled_->text; }

Status validate(const AsPathList& list) {
  if (Status s = internal::check_name("as-path access-list", list.name); !s) return s;
  std::set<uint32_t> seqs;
  for (const AsPathListEntry& e : list.entries) {
    const std::string label = "bgp as-path access-list " + list.name + " seq " + std::to_string(e.seq);
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
