// Byte vectors written as commented hex in tests: hex digits, whitespace ignored, '#' starts a
// comment to the end of the line, so each field of a wire layout can be named where it stands.
// Shared by the BGP and IKE codec tests.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace vgw::test {

inline std::vector<uint8_t> hex(std::string_view text) {
  std::vector<uint8_t> out;
  int nibble = -1;
  bool comment = false;
  for (char c : text) {
    if (comment) {
      if (c == '\n') comment = false;
      continue;
    }
    if (c == '#') {
      comment = true;
      continue;
    }
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else continue;
    if (nibble < 0) {
      nibble = v;
    } else {
      out.push_back(static_cast<uint8_t>(nibble << 4 | v));
      nibble = -1;
    }
  }
  return out;
}

}  // namespace vgw::test
