#include "vgw/routing/cli/grammar.h"

#include <algorithm>
#include <cctype>

#include "vgw/base/asn.h"
#include "vgw/base/ip.h"
#include "vgw/base/name.h"

namespace vgw::routing::cli {

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::kExec: return "exec";
    case Mode::kConfig: return "config";
    case Mode::kRouterBgp: return "router-bgp";
    case Mode::kBgpAddressFamily: return "bgp-address-family";
    case Mode::kTunnel: return "tunnel";
    case Mode::kRouteMap: return "route-map";
    case Mode::kVpnGateway: return "vpn-gateway";
    case Mode::kVpnConnection: return "vpn-connection";
    case Mode::kBfd: return "bfd";
    case Mode::kBfdPeer: return "bfd-peer";
  }
  return "?";
}

const char* mode_prompt(Mode mode) {
  switch (mode) {
    case Mode::kExec: return "";
    case Mode::kConfig: return "config";
    case Mode::kRouterBgp: return "config-router";
    case Mode::kBgpAddressFamily: return "config-router-af";
    case Mode::kTunnel: return "config-tunnel";
    case Mode::kRouteMap: return "config-route-map";
    case Mode::kVpnGateway: return "config-vpn-gw";
    case Mode::kVpnConnection: return "config-vpn-conn";
    case Mode::kBfd: return "config-bfd";
    case Mode::kBfdPeer: return "config-bfd-peer";
  }
  return "?";
}

const std::string& Args::get(const std::string& placeholder) const {
  static const std::string empty;
  auto it = values_.find(placeholder);
  return it == values_.end() ? empty : it->second;
}

// ---- placeholders ---------------------------------------------------------------------------

namespace {

std::string check_address(std::string_view v, Family family) {
  auto a = IpAddress::parse(v);
  if (!a) return a.error().message;
  if (a->family() != family) {
    return "'" + std::string(v) + "' is not an " + (family == Family::kIpv4 ? "IPv4" : "IPv6") + " address";
  }
  return "";
}

std::string check_prefix(std::string_view v, Family family) {
  auto p = Prefix::parse(v);
  if (!p) return p.error().message;
  if (p->family() != family) {
    return "'" + std::string(v) + "' is not an " + (family == Family::kIpv4 ? "IPv4" : "IPv6") + " prefix";
  }
  return "";
}

std::string check_number(std::string_view v, uint64_t lo, uint64_t hi) {
  uint64_t n = 0;
  if (v.empty() || v.size() > 10) return "'" + std::string(v) + "' is not a number";
  for (char c : v) {
    if (c < '0' || c > '9') return "'" + std::string(v) + "' is not a number";
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n < lo || n > hi) {
    return std::string(v) + " is out of range (" + std::to_string(lo) + "-" + std::to_string(hi) + ")";
  }
  return "";
}

std::string check_key(std::string_view v) {
  if (v == "<hidden>") {
    return "'<hidden>' is a masked key; save configurations with `show running-config with-secrets`";
  }
  std::string_view h = v.substr(v.size() >= 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X') ? 2 : 0);
  if (h.empty() || h.size() % 2) return "a key is an even number of hex digits";
  for (char c : h)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return "a key is hex digits (0-9, a-f)";
  return "";
}

std::string algorithm_help() {
  std::string out = "ESP algorithm:";
  for (const char* a : kEspAlgorithms) out += std::string(" ") + a;
  return out;
}

}  // namespace

Result<uint32_t> parse_spi(std::string_view v) {
  bool hex = v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X');
  std::string_view digits = hex ? v.substr(2) : v;
  uint64_t n = 0;
  if (digits.empty() || digits.size() > (hex ? 8u : 10u)) return fail(Error::invalid("'" + std::string(v) + "' is not an SPI"));
  for (char c : digits) {
    int d = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10 : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return fail(Error::invalid("'" + std::string(v) + "' is not an SPI"));
    n = n * (hex ? 16 : 10) + static_cast<uint64_t>(d);
  }
  if (n < 256 || n > 0xffffffffu) {
    return fail(Error::invalid("SPI " + std::string(v) + " is out of range (256-4294967295; 1-255 are reserved)"));
  }
  return static_cast<uint32_t>(n);
}

const PlaceholderInfo* placeholder_info(const std::string& name) {
  static const std::map<std::string, PlaceholderInfo> table = {
      {"NAME",
       {"Name (up to 63 letters, digits, '-', '_', '.')",
        [](std::string_view v) -> std::string {
          auto st = check_name("name", v);
          return st ? "" : st.error().message;
        }}},
      {"ADDRESS",
       {"IPv4 or IPv6 address (A.B.C.D or X:X::X)",
        [](std::string_view v) -> std::string {
          auto a = IpAddress::parse(v);
          return a ? "" : a.error().message;
        }}},
      {"PEER",
       {"Neighbor address (A.B.C.D or X:X::X) or peer-group name",
        [](std::string_view v) -> std::string {
          // Digits and dots, or a colon: meant as an address, so it must be one.
          if (v.find(':') != std::string_view::npos || v.find_first_not_of("0123456789.") == std::string_view::npos) {
            auto a = IpAddress::parse(v);
            return a ? "" : a.error().message;
          }
          auto st = check_name("peer-group name", v);
          return st ? "" : st.error().message;
        }}},
      {"ASN",
       {"AS number (1-4294967295, or asdot X.Y)",
        [](std::string_view v) -> std::string {
          auto a = parse_asn(v);
          return a ? "" : a.error().message;
        }}},
      {"TEXT", {"Text up to the end of the line", [](std::string_view) { return std::string(); }, true}},
      {"ADDRESS4", {"IPv4 address (A.B.C.D)", [](std::string_view v) { return check_address(v, Family::kIpv4); }}},
      {"ADDRESS6", {"IPv6 address (X:X::X)", [](std::string_view v) { return check_address(v, Family::kIpv6); }}},
      {"PREFIX4", {"IPv4 prefix (A.B.C.D/M)", [](std::string_view v) { return check_prefix(v, Family::kIpv4); }}},
      {"PREFIX6", {"IPv6 prefix (X:X::X/M)", [](std::string_view v) { return check_prefix(v, Family::kIpv6); }}},
      {"IFNAME",
       {"Interface name, or a tunnel's name",
        [](std::string_view v) -> std::string {
          if (IpAddress::parse(v).ok() || v.find('/') != std::string_view::npos)
            return "'" + std::string(v) + "' is not an interface name";
          if (v.find_first_not_of("0123456789") == std::string_view::npos)  // FRR: the distance
            return "'" + std::string(v) + "' is a number, not an interface name";
          if (v.size() > 15) {  // only a tunnel's name may be longer
            auto st = check_name("interface or tunnel name", v);
            return st ? "" : st.error().message;
          }
          return "";
        }}},
      {"DISTANCE", {"Administrative distance (1-255)", [](std::string_view v) { return check_number(v, 1, 255); }}},
      {"PREFIX", {"IPv4 or IPv6 prefix (A.B.C.D/M or X:X::X/M)",
                  [](std::string_view v) -> std::string { auto p = Prefix::parse(v); return p ? "" : p.error().message; }}},
      {"SOURCE", {"Local IPv4 or IPv6 address",
                  [](std::string_view v) -> std::string { auto a = IpAddress::parse(v); return a ? "" : a.error().message; }}},
      {"PASSWORD", {"Password (no spaces)", [](std::string_view) { return std::string(); }}},
      {"PATHS", {"Number of paths (1-64)", [](std::string_view v) { return check_number(v, 1, 64); }}},
      {"HOPS", {"Hop count / TTL (1-255)", [](std::string_view v) { return check_number(v, 1, 255); }}},
      {"KEEPALIVE", {"Keepalive interval in seconds (0-65535)", [](std::string_view v) { return check_number(v, 0, 65535); }}},
      {"HOLD", {"Hold time in seconds (0 or 3-65535)", [](std::string_view v) { return check_number(v, 0, 65535); }}},
      {"SECONDS", {"Seconds (1-65535)", [](std::string_view v) { return check_number(v, 1, 65535); }}},
      {"MINUTES", {"Minutes (1-65535)", [](std::string_view v) { return check_number(v, 1, 65535); }}},
      {"MAXPREFIX", {"Number of prefixes (1-4294967295)", [](std::string_view v) { return check_number(v, 1, 4294967295u); }}},
      {"WEIGHT", {"Weight in a multipath route (1-255)", [](std::string_view v) { return check_number(v, 1, 255); }}},
      {"INSIDE", {"Interface address with prefix length (A.B.C.D/M or X:X::X/M)",
                  [](std::string_view v) -> std::string {
                    auto a = InterfaceAddress::parse(v);
                    return a ? "" : a.error().message;
                  }}},
      {"SPI", {"Security Parameter Index (256-4294967295, decimal or 0x hex)",
               [](std::string_view v) -> std::string {
                 auto n = parse_spi(v);
                 return n ? "" : n.error().message;
               }}},
      {"ALGORITHM", {algorithm_help(), [](std::string_view v) -> std::string {
                       for (const char* a : kEspAlgorithms)
                         if (v == a) return "";
                       return "unknown ESP algorithm '" + std::string(v) + "'";
                     }}},
      {"KEY", {"Key: hex digits, optionally after 0x (AEAD: key then 4-octet salt)", check_key}},
      {"HMACKEY", {"HMAC key: hex digits, optionally after 0x", check_key}},
      {"WINDOW", {"Replay window in packets (power of two, 64-65536)",
                  [](std::string_view v) { return check_number(v, 64, 65536); }}},
      {"PORT", {"UDP port (1-65535)", [](std::string_view v) { return check_number(v, 1, 65535); }}},
      {"MTU", {"MTU in octets (576-9000)", [](std::string_view v) { return check_number(v, 576, 9000); }}},
      {"SEQ", {"Sequence number (1-4294967295)", [](std::string_view v) { return check_number(v, 1, 4294967295u); }}},
      {"GE", {"Minimum prefix length (0-128)", [](std::string_view v) { return check_number(v, 0, 128); }}},
      {"LE", {"Maximum prefix length (0-128)", [](std::string_view v) { return check_number(v, 0, 128); }}},
      {"NUMBER", {"Number (0-4294967295)", [](std::string_view v) { return check_number(v, 0, 4294967295u); }}},
      {"PSK", {"Pre-shared key: 8-255 printable characters, no spaces", [](std::string_view v) -> std::string {
         if (v == "<hidden>") {
           return "'<hidden>' is a masked key; save configurations with `show running-config with-secrets`";
         }
         return v.size() < 8 ? "a pre-shared key has at least 8 characters" : "";
       }}},
      {"IDENTITY", {"IKE identity: an address, fqdn:NAME, email:USER@NAME (remote also %any)",
                    [](std::string_view) { return std::string(); }}},
      {"PROPOSALS", {"Proposals, comma separated, strongSwan keywords (aes256gcm16-prfsha256-curve25519, "
                     "aes256-sha256-modp2048, aes128gcm16, ...)",
                     [](std::string_view) { return std::string(); }}},
      {"LIFETIME", {"Seconds (60-604800)", [](std::string_view v) { return check_number(v, 60, 604800); }}},
      {"DPDINTERVAL", {"Seconds without traffic before a liveness check (0-3600; 0: none)",
                       [](std::string_view v) { return check_number(v, 0, 3600); }}},
      {"RETRIES", {"Unanswered checks before the peer is dead (1-100)",
                   [](std::string_view v) { return check_number(v, 1, 100); }}},
      {"VPNWEIGHT", {"Route weight: 100 (active) or 0 (standby)", [](std::string_view v) -> std::string {
         return v == "0" || v == "100" ? "" : "weight " + std::string(v) + " is not 100 (active) or 0 (standby)";
       }}},
      {"FAILBACK", {"Seconds (0-3600)", [](std::string_view v) { return check_number(v, 0, 3600); }}},
      {"LINES", {"Number of lines (1-1000)", [](std::string_view v) { return check_number(v, 1, 1000); }}},
      {"COUNT", {"Number of echoes (1-1000)", [](std::string_view v) { return check_number(v, 1, 1000); }}},
      {"SIZE", {"Payload bytes (0-9000)", [](std::string_view v) { return check_number(v, 0, 9000); }}},
      {"PROBES", {"Probes per hop (1-10)", [](std::string_view v) { return check_number(v, 1, 10); }}},
      {"MULTIPLIER", {"BFD detection multiplier: missed packets before the session is down (2-255)",
                      [](std::string_view v) { return check_number(v, 2, 255); }}},
      {"RXINTERVAL", {"Milliseconds (10-60000): the fastest we accept BFD packets",
                      [](std::string_view v) { return check_number(v, 10, 60000); }}},
      {"TXINTERVAL", {"Milliseconds (10-60000): the fastest we want to send BFD packets",
                      [](std::string_view v) { return check_number(v, 10, 60000); }}},
      {"INTERVALMS", {"Milliseconds between health-check probes (100-60000)",
                      [](std::string_view v) { return check_number(v, 100, 60000); }}},
      {"TUNNEL", {"Tunnel name", [](std::string_view v) -> std::string {
         auto st = check_name("tunnel name", v);
         return st ? "" : st.error().message;
       }}},
  };
  auto it = table.find(name);
  return it == table.end() ? nullptr : &it->second;
}

// ---- syntax expansion -----------------------------------------------------------------------

namespace {

using Element = Grammar::Element;
using Sequence = Grammar::Sequence;

std::vector<std::string> syntax_tokens(const std::string& syntax) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur), cur.clear();
  };
  for (char c : syntax) {
    if (c == ' ') {
      flush();
    } else if (c == '[' || c == ']' || c == '(' || c == ')' || c == '|') {
      flush();
      out.emplace_back(1, c);
    } else {
      cur += c;
    }
  }
  flush();
  return out;
}

bool is_placeholder_word(const std::string& w) {
  return std::all_of(w.begin(), w.end(), [](char c) { return std::isupper(c) || std::isdigit(c) || c == '_'; }) &&
         std::isupper(static_cast<unsigned char>(w[0]));
}

class SyntaxParser {
 public:
  explicit SyntaxParser(const std::string& syntax) : toks_(syntax_tokens(syntax)) {}

  std::vector<Sequence> parse(std::string& error) {
    auto seqs = alternatives();
    if (pos_ != toks_.size()) error = "unexpected '" + toks_[pos_] + "'";
    if (!error_.empty()) error = error_;
    return seqs;
  }

 private:
  std::vector<Sequence> sequence() {
    std::vector<Sequence> acc{Sequence{}};
    while (pos_ < toks_.size()) {
      const std::string& t = toks_[pos_];
      if (t == "]" || t == ")" || t == "|") break;
      std::vector<Sequence> item;
      ++pos_;
      if (t == "[" || t == "(") {
        item = alternatives();
        const char* close = t == "[" ? "]" : ")";
        if (pos_ >= toks_.size() || toks_[pos_] != close) {
          error_ = std::string("missing '") + close + "'";
          return acc;
        }
        ++pos_;
        if (t == "[") item.push_back(Sequence{});
      } else {
        Element e{is_placeholder_word(t) ? Element::Kind::kPlaceholder : Element::Kind::kKeyword, t};
        item.push_back(Sequence{e});
      }
      std::vector<Sequence> next;
      for (const auto& a : acc)
        for (const auto& b : item) {
          Sequence s = a;
          s.insert(s.end(), b.begin(), b.end());
          next.push_back(std::move(s));
        }
      acc = std::move(next);
    }
    return acc;
  }

  std::vector<Sequence> alternatives() {
    auto seqs = sequence();
    while (pos_ < toks_.size() && toks_[pos_] == "|") {
      ++pos_;
      auto more = sequence();
      seqs.insert(seqs.end(), more.begin(), more.end());
    }
    return seqs;
  }

  std::vector<std::string> toks_;
  size_t pos_ = 0;
  std::string error_;
};

struct Word {
  std::string text;
  size_t offset;
};

std::vector<Word> split_words(std::string_view line) {
  std::vector<Word> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) out.push_back({std::string(line.substr(start, i - start)), start});
  }
  return out;
}

std::string trim_right(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// The result of walking one sequence over the words of a line.
struct Walk {
  size_t words = 0;     // words consumed
  size_t elements = 0;  // elements consumed
  int exact = 0;        // keywords typed in full
  uint64_t exact_at = 0;   // bit i: word i was a keyword typed in full (first 64 words)
  uint64_t prefix_at = 0;  // bit i: word i abbreviated a keyword
  bool type_error = false;
  std::string error;    // why the word at `words` did not fit
};

// Placeholder checks already made on the words of one line: a line is walked by every
// sequence its first word fits (dozens for `neighbor ...`), most of which check the same word
// against the same placeholder.
class CheckMemo {
 public:
  explicit CheckMemo(size_t words) : done_(words) {}
  const std::string& check(const PlaceholderInfo* info, size_t word, const std::string& text) {
    for (const auto& [i, err] : done_[word]) {
      if (i == info) return err;
    }
    done_[word].emplace_back(info, info->check(text));
    return done_[word].back().second;
  }

 private:
  std::vector<std::vector<std::pair<const PlaceholderInfo*, std::string>>> done_;
};

// Walks `seq` over the words (up to `limit`); the arguments are collected only when asked
// (for the sequence that matched).
Walk walk(const Sequence& seq, const std::vector<Word>& words, std::string_view line, size_t limit, CheckMemo& memo,
          Args* args = nullptr) {
  Walk w;
  while (w.words < limit && w.elements < seq.size()) {
    const Element& e = seq[w.elements];
    const Word& word = words[w.words];
    if (e.kind == Element::Kind::kKeyword) {
      if (word.text.size() > e.text.size() || e.text.compare(0, word.text.size(), word.text) != 0) {
        return w;
      }
      const uint64_t bit = w.words < 64 ? uint64_t{1} << w.words : 0;
      if (word.text.size() == e.text.size()) {
        ++w.exact;
        w.exact_at |= bit;
      } else {
        w.prefix_at |= bit;
      }
      if (args) args->add_keyword(e.text);
      ++w.words;
    } else {
      const PlaceholderInfo* info = e.info;
      if (info->rest_of_line) {
        if (args) args->set(e.text, trim_right(line.substr(word.offset)));
        w.words = words.size();
      } else {
        const std::string& err = memo.check(info, w.words, word.text);
        if (!err.empty()) {
          w.type_error = true;
          w.error = err;
          return w;
        }
        if (args) args->set(e.text, word.text);
        ++w.words;
      }
    }
    ++w.elements;
  }
  return w;
}

}  // namespace

// ---- Grammar --------------------------------------------------------------------------------

Grammar::Grammar(std::vector<CommandSpec> commands, std::map<std::string, std::string> keyword_help)
    : commands_(std::move(commands)), keyword_help_(std::move(keyword_help)) {
  for (const auto& c : commands_) {
    std::string error;
    auto seqs = SyntaxParser(c.syntax).parse(error);
    if (!error.empty()) {
      problems_.push_back("'" + c.syntax + "': " + error);
      continue;
    }
    for (auto& s : seqs) {
      bool known = true;
      for (auto& e : s) {
        if (e.kind == Element::Kind::kPlaceholder) e.info = placeholder_info(e.text);
        if (e.kind == Element::Kind::kPlaceholder && !e.info) {
          problems_.push_back("'" + c.syntax + "': unknown placeholder " + e.text);
          known = false;
        }
        if (e.kind == Element::Kind::kKeyword && !keyword_help_.count(e.text)) {
          problems_.push_back("'" + c.syntax + "': keyword '" + e.text + "' has no help");
        }
      }
      if (known) expanded_.push_back({&c, std::move(s)});
    }
  }
  for (size_t i = 0; i < expanded_.size(); ++i) {
    const Expanded& ex = expanded_[i];
    ModeIndex& m = index_[ex.command->mode];
    if (!ex.sequence.empty() && ex.sequence.front().kind == Element::Kind::kKeyword) {
      m.by_keyword.push_back(i);
    } else {
      m.by_placeholder.push_back(i);
    }
  }
  for (auto& [mode, m] : index_) {
    std::stable_sort(m.by_keyword.begin(), m.by_keyword.end(), [this](size_t a, size_t b) {
      return expanded_[a].sequence.front().text < expanded_[b].sequence.front().text;
    });
  }
  std::sort(problems_.begin(), problems_.end());
  problems_.erase(std::unique(problems_.begin(), problems_.end()), problems_.end());
}

std::vector<std::string> Grammar::validate() const { return problems_; }

std::vector<size_t> Grammar::starting_with(Mode mode, std::string_view first) const {
  std::vector<size_t> out;
  auto it = index_.find(mode);
  if (it == index_.end()) return out;
  const ModeIndex& m = it->second;
  // Keywords that `first` abbreviates sort from `first` on, together.
  auto keyword = [this](size_t i) -> std::string_view { return expanded_[i].sequence.front().text; };
  auto k = std::lower_bound(m.by_keyword.begin(), m.by_keyword.end(), first,
                            [&](size_t i, std::string_view w) { return keyword(i) < w; });
  for (; k != m.by_keyword.end() && keyword(*k).substr(0, first.size()) == first; ++k) out.push_back(*k);
  out.insert(out.end(), m.by_placeholder.begin(), m.by_placeholder.end());
  std::sort(out.begin(), out.end());
  return out;
}

Result<Grammar::Match> Grammar::match(Mode mode, std::string_view line) const {
  auto words = split_words(line);
  if (words.empty()) return fail(Error::invalid("% Empty command"));

  size_t furthest = 0;
  std::string type_error;
  const std::string& first = words[0].text;
  // Words typed in full as a keyword somewhere: there, an abbreviation of another keyword does
  // not count (vtysh: "show ip sa" is not "show ipsec sa", because "ip" is a keyword itself).
  uint64_t exact_somewhere = 0;
  CheckMemo memo(words.size());
  std::vector<std::pair<const Expanded*, Walk>> walks;
  // Most sequences fail on the first word (a keyword it does not abbreviate): only the others
  // are walked (those would consume nothing and report nothing anyway).
  const std::vector<size_t> fitting = starting_with(mode, first);
  walks.reserve(fitting.size());
  for (size_t i : fitting) {
    const Expanded& ex = expanded_[i];
    Walk w = walk(ex.sequence, words, line, words.size(), memo);
    exact_somewhere |= w.exact_at;
    walks.emplace_back(&ex, std::move(w));
  }
  std::vector<std::pair<const Expanded*, Walk>> complete;
  for (auto& [ex, w] : walks) {
    // Up to where it abbreviated a word that is a keyword in full elsewhere, a walk counts.
    if (uint64_t bad = w.prefix_at & exact_somewhere; bad != 0) {
      w.words = static_cast<size_t>(__builtin_ctzll(bad));
      w.type_error = false;
    } else if (w.words == words.size() && w.elements == ex->sequence.size()) {
      complete.emplace_back(ex, std::move(w));
      continue;
    }
    if (w.words > furthest) {
      furthest = w.words;
      type_error.clear();
    }
    if (w.words == furthest && w.type_error && type_error.empty()) type_error = w.error;
  }
  const Expanded* best = nullptr;
  Walk* best_walk = nullptr;
  std::vector<const CommandSpec*> tied;
  for (auto& [ex, w] : complete) {
    if (!best || w.exact > best_walk->exact) {
      best = ex;
      best_walk = &w;
      tied.assign(1, ex->command);
    } else if (w.exact == best_walk->exact &&
               std::find(tied.begin(), tied.end(), ex->command) == tied.end()) {
      tied.push_back(ex->command);
    }
  }
  if (best && tied.size() == 1) {
    Args args;
    walk(best->sequence, words, line, words.size(), memo, &args);
    return Match{best->command, std::move(args)};
  }
  if (tied.size() > 1) {
    std::string which;
    for (const CommandSpec* c : tied) which += (which.empty() ? "" : "; ") + c->syntax;
    return fail(Error::invalid("% Ambiguous command: " + trim_right(line) + " (could be: " + which + ")"));
  }
  if (furthest == words.size()) {
    std::string expected;
    for (const auto& c : candidates(mode, trim_right(line) + " ")) {
      if (!expected.empty()) expected += ", ";
      expected += c.token;
    }
    return fail(Error::invalid("% Incomplete command: " + trim_right(line) +
                               (expected.empty() ? "" : " (next: " + expected + ")")));
  }
  const Word& bad = words[furthest];
  std::string msg = "% Invalid input '" + bad.text + "' at position " +
                    std::to_string(bad.offset + 1) + ": ";
  if (!type_error.empty()) return fail(Error::invalid(msg + type_error));
  std::string expected;
  for (const auto& c : candidates(mode, std::string(line.substr(0, bad.offset)))) {
    if (!expected.empty()) expected += ", ";
    expected += c.token;
  }
  if (furthest == 0) return fail(Error::invalid("% Unknown command: " + trim_right(line)));
  return fail(Error::invalid(msg + "expected " + expected));
}

std::vector<Candidate> Grammar::candidates(Mode mode, std::string_view line) const {
  auto words = split_words(line);
  bool partial = !line.empty() && !std::isspace(static_cast<unsigned char>(line.back()));
  size_t complete = partial ? words.size() - 1 : words.size();
  std::string typed = partial ? words.back().text : "";
  std::vector<Candidate> out;
  CheckMemo memo(words.size());
  for (const auto& ex : expanded_) {
    if (ex.command->mode != mode) continue;
    Walk w = walk(ex.sequence, words, line, complete, memo);
    if (w.words < complete) continue;
    if (w.elements == ex.sequence.size()) {
      if (!partial) out.push_back({"<cr>", ex.command->help, false});
      continue;
    }
    const Element& e = ex.sequence[w.elements];
    if (e.kind == Element::Kind::kKeyword) {
      if (e.text.compare(0, typed.size(), typed) == 0) {
        // A keyword's help may depend on the keyword before it ("bgp summary" is not
        // "route summary"): "PREVIOUS KEYWORD" first, then the keyword alone.
        auto it = keyword_help_.end();
        for (size_t i = w.elements; i-- > 0;) {
          if (ex.sequence[i].kind != Element::Kind::kKeyword) continue;
          it = keyword_help_.find(ex.sequence[i].text + " " + e.text);
          break;
        }
        if (it == keyword_help_.end()) it = keyword_help_.find(e.text);
        out.push_back({e.text, it == keyword_help_.end() ? "" : it->second, false});
      }
    } else {
      out.push_back({e.text, e.info->help, true});
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace vgw::routing::cli
