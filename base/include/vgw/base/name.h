// The one rule for names a user gives things (customer gateways, tunnels, prefix-lists,
// route-maps, ...): 1-63 characters, letters, digits, '-', '_' and '.', starting with a letter
// or a digit. The shell's grammar, the API and the config loader all check names with it, so a
// name that one of them accepts is never refused by another (and survives a reload).
#pragma once

#include <cstddef>
#include <string_view>

#include "vgw/base/result.h"

namespace vgw {

inline constexpr size_t kMaxNameLength = 63;

// OK, or an error "<what> '<name>' ..." saying what is wrong (the name is quoted only up to a
// bounded length, so an error never echoes megabytes of input).
Status check_name(std::string_view what, std::string_view name);

// The text quoted in an error message: at most 64 characters, with "..." when cut, and
// control or non-ASCII bytes shown as \xHH.
std::string quote_for_error(std::string_view text);

}  // namespace vgw
