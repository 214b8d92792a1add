// Autonomous system numbers: asplain ("65010", "4200000000") and asdot ("1.10") text forms
// (RFC 5396), range 1..4294967295 (RFC 6793).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vgw/base/result.h"

namespace vgw {

// RFC 6793 AS_TRANS: stands in for a 4-octet ASN on 2-octet sessions, never a real AS.
inline constexpr uint32_t kAsTrans = 23456;

// Parses asplain or asdot. 0 (RFC 7607) and AS_TRANS are refused with a clear message.
Result<uint32_t> parse_asn(std::string_view text);
std::string asn_to_string(uint32_t asn);  // asplain

}  // namespace vgw
