// Community text (RFC 1997 "ASN:VALUE" and well-known names, RFC 8092 "G:L1:L2") and the
// standard / large community-lists: validation, evaluation, FRR-syntax lines.
#include "vgw/bgp/policy/community.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "policy_internal.h"

namespace vgw::bgp::policy {

namespace {

struct WellKnown {
  const char* name;
  uint32_t value;
};
// The first name of a value is the one printed.
constexpr WellKnown kWellKnown[] = {
    {"internet", well_known::kInternet},
    {"graceful-shutdown", well_known::kGracefulShutdown},
    {"accept-own", well_known::kAcceptOwn},
    {"llgr-stale", well_known::kLlgrStale},
    {"no-llgr", well_known::kNoLlgr},
    {"blackhole", well_known::kBlackhole},
    {"no-export", well_known::kNoExport},
    {"no-advertise", well_known::kNoAdvertise},
    {"local-AS", well_known::kLocalAs},
    {"no-export-subconfed", well_known::kLocalAs},
    {"no-peer", well_known::kNoPeer},
};

// A decimal number in [0, max]: digits only, nothing else.
bool parse_number(std::string_view text, uint64_t max, uint64_t& out) {
  if (text.empty() || text.size() > 10) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  uint64_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v > max) return false;
  out = v;
  return true;
}

// Splits on runs of spaces/tabs.
std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\t') ++j;
    if (j > i) out.push_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

template <typename Entry>
std::vector<const Entry*> by_seq(const std::vector<Entry>& entries) {
  std::vector<const Entry*> sorted;
  for (const Entry& e : entries) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Entry* a, const Entry* b) { return a->seq < b->seq; });
  return sorted;
}

template <typename List>
Status validate_list(const List& list, const char* kind) {
  const std::string what = std::string(kind) + " standard";
  if (Status s = internal::check_name(what, list.name); !s) return s;
  std::set<uint32_t> seqs;
  for (const auto& e : list.entries) {
    const std::string label = std::string(kind) + " standard " + list.name + " seq " + std::to_string(e.seq);
    if (Status s = internal::check_seq(label, e.seq); !s) return s;
    if (!seqs.insert(e.seq).second) {
      return fail(Error::invalid(label + ": the seq is used by another entry"));
    }
    if (e.values.empty()) return fail(Error::invalid(label + ": the entry names no community"));
  }
  return {};
}

template <typename List, typename V>
Action evaluate_list(const List& list, std::span<const V> communities) {
  const typename decltype(List::entries)::value_type* best = nullptr;
  for (const auto& e : list.entries) {
    if ((best == nullptr || e.seq < best->seq) && internal::entry_matches(e, communities)) best = &e;
  }
  return best != nullptr ? best->action : Action::kDeny;
}

}  // namespace

Result<uint32_t> parse_community(std::string_view text) {
  for (const WellKnown& w : kWellKnown) {
    if (text == w.name) return w.value;
  }
  const size_t colon = text.find(':');
  uint64_t high = 0, low = 0;
  if (colon == std::string_view::npos || !parse_number(text.substr(0, colon), 0xffff, high) ||
      !parse_number(text.substr(colon + 1), 0xffff, low)) {
    return fail(Error::invalid("community \"" + std::string(text) +
                               "\" is not ASN:VALUE (0-65535 each) or a well-known name"));
  }
  return static_cast<uint32_t>(high << 16 | low);
}

std::string format_community(uint32_t value) {
  for (const WellKnown& w : kWellKnown) {
    if (w.value == value) return w.name;
  }
  return std::to_string(value >> 16) + ":" + std::to_string(value & 0xffff);
}

Result<std::vector<uint32_t>> parse_communities(std::string_view text) {
  std::vector<uint32_t> out;
  for (std::string_view w : words(text)) {
    auto c = parse_community(w);
    if (!c) return fail(c.error());
    out.push_back(*c);
  }
  if (out.empty()) return fail(Error::invalid("no community given"));
  return out;
}

std::string format_communities(std::span<const uint32_t> values) {
  std::string out;
  for (uint32_t v : values) {
    if (!out.empty()) out += ' ';
    out += format_community(v);
  }
  return out;
}

Result<wire::LargeCommunity> parse_large_community(std::string_view text) {
  const size_t a = text.find(':');
  const size_t b = a == std::string_view::npos ? a : text.find(':', a + 1);
  uint64_t g = 0, l1 = 0, l2 = 0;
  if (b == std::string_view::npos || !parse_number(text.substr(0, a), 0xffffffff, g) ||
      !parse_number(text.substr(a + 1, b - a - 1), 0xffffffff, l1) ||
      !parse_number(text.substr(b + 1), 0xffffffff, l2)) {
    return fail(Error::invalid("large community \"" + std::string(text) +
                               "\" is not GLOBAL:LOCAL1:LOCAL2 (0-4294967295 each)"));
  }
  return wire::LargeCommunity{static_cast<uint32_t>(g), static_cast<uint32_t>(l1),
                              static_cast<uint32_t>(l2)};
}

std::string format_large_community(const wire::LargeCommunity& v) {
  return std::to_string(v.global_administrator) + ":" + std::to_string(v.local_data_1) + ":" +
         std::to_string(v.local_data_2);
}

Result<std::vector<wire::LargeCommunity>> parse_large_communities(std::string_view text) {
  std::vector<wire::LargeCommunity> out;
  for (std::string_view w : words(text)) {
    auto c = parse_large_community(w);
    if (!c) return fail(c.error());
    out.push_back(*c);
  }
  if (out.empty()) return fail(Error::invalid("no large community given"));
  return out;
}

std::string format_large_communities(std::span<const wire::LargeCommunity> values) {
  std::string out;
  for (const wire::LargeCommunity& v : values) {
    if (!out.empty()) out += ' ';
    out += format_large_community(v);
  }
  return out;
}

Status validate(const CommunityList& list) { return validate_list(list, "bgp community-list"); }
Status validate(const LargeCommunityList& list) {
  return validate_list(list, "bgp large-community-list");
}

Action evaluate(const CommunityList& list, std::span<const uint32_t> communities) {
  return evaluate_list(list, communities);
}
Action evaluate(const LargeCommunityList& list, std::span<const wire::LargeCommunity> communities) {
  return evaluate_list(list, communities);
}

std::string config_line(const std::string& list_name, const CommunityListEntry& e) {
  return "bgp community-list standard " + list_name + " seq " + std::to_string(e.seq) + " " +
         action_name(e.action) + " " + format_communities(e.values);
}

std::vector<std::string> config_lines(const CommunityList& list) {
  std::vector<std::string> lines;
  for (const CommunityListEntry* e : by_seq(list.entries)) lines.push_back(config_line(list.name, *e));
  return lines;
}

std::string config_line(const std::string& list_name, const LargeCommunityListEntry& e) {
  return "bgp large-community-list standard " + list_name + " seq " + std::to_string(e.seq) + " " +
         action_name(e.action) + " " + format_large_communities(e.values);
}

std::vector<std::string> config_lines(const LargeCommunityList& list) {
  std::vector<std::string> lines;
  for (const LargeCommunityListEntry* e : by_seq(list.entries)) {
    lines.push_back(config_line(list.name, *e));
  }
  return lines;
}

}  // namespace vgw::bgp::policy
