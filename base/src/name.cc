#include "vgw/base/name.h"

#include <string>

namespace vgw {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

}  // namespace

std::string quote_for_error(std::string_view text) {
  constexpr size_t kMax = 64;
  static const char* const kHex = "0123456789abcdef";
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMax) out += "...";
  out += "'";
  return out;
}

Status check_name(std::string_view what, std::string_view name) {
  std::string w(what);
  if (name.empty()) return fail(Error::invalid(w + ": a name is required"));
  if (name.size() > kMaxNameLength) {
    return fail(Error::invalid(w + " " + quote_for_error(name) + " is longer than " +
                               std::to_string(kMaxNameLength) + " characters"));
  }
  for (char c : name) {
    if (!is_name_char(c)) {
      return fail(Error::invalid(w + " " + quote_for_error(name) +
                                 " may contain only letters, digits, '-', '_' and '.'"));
    }
  }
  if (name[0] == '-' || name[0] == '_' || name[0] == '.') {
    return fail(Error::invalid(w + " " + quote_for_error(name) +
                               " must start with a letter or a digit"));
  }
  return {};
}

}  // namespace vgw
