#include "vgw/base/asn.h"

#include <charconv>

namespace vgw {

namespace {

bool parse_u32(std::string_view s, uint64_t max, uint64_t& out) {
  if (s.empty() || s.size() > 10) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && out <= max;
}

}  // namespace

Result<uint32_t> parse_asn(std::string_view text) {
  std::string t(text);
  uint64_t value = 0;
  auto dot = text.find('.');
  if (dot == std::string_view::npos) {
    if (!parse_u32(text, 0xffffffffull, value)) {
      return fail(Error::invalid("'" + t + "' is not an AS number (1..4294967295 or asdot X.Y)"));
    }
  } else {
    uint64_t hi = 0, lo = 0;
    if (!parse_u32(text.substr(0, dot), 0xffff, hi) ||
        !parse_u32(text.substr(dot + 1), 0xffff, lo)) {
      return fail(Error::invalid("'" + t + "' is not an asdot AS number (X.Y, each 0..65535)"));
    }
    value = hi << 16 | lo;
  }
  if (value == 0) return fail(Error::invalid("AS number 0 is reserved (RFC 7607)"));
  if (value == kAsTrans) {
    return fail(Error::invalid("AS number 23456 is AS_TRANS (RFC 6793), not a usable AS"));
  }
  return static_cast<uint32_t>(value);
}

std::string asn_to_string(uint32_t asn) { return std::to_string(asn); }

}  // namespace vgw
