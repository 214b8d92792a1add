// Hexadecimal octet strings (keys, test vectors, IKE/ESP payloads given on command lines):
// "0x0a1B..." or "0a1b..." to bytes and back.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/base/result.h"

namespace vgw {

// An even number of hex digits (either case), optionally after "0x"/"0X"; empty is empty. The
// error says what is wrong without repeating the text (it may be a secret).
Result<std::vector<uint8_t>> parse_hex(std::string_view text);
// Lower-case hex digits, no prefix.
std::string to_hex(std::span<const uint8_t> bytes);

}  // namespace vgw
