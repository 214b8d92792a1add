// Private to bgp/src/policy: name checks and the 128-bit address form the matchers use.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "vgw/base/ip.h"
#include "vgw/base/name.h"
#include "vgw/base/result.h"
#include "vgw/bgp/policy/community.h"

namespace vgw::bgp::policy::internal {

// A list or route-map name follows the one rule for names (base/name.h), the same the shell's
// grammar and the config loader apply, so a policy the API accepts always reloads.
inline Status check_name(std::string_view what, const std::string& name) {
  return vgw::check_name(what, name);
}

// Entries are numbered 1-4294967295, as in FRR (the shell refuses seq 0, so the API does too).
inline Status check_seq(const std::string& label, uint32_t seq) {
  if (seq == 0) return fail(Error::invalid(label + ": seq must be 1-4294967295"));
  return {};
}

// The address bits as two 64-bit words, most significant first; IPv4 sits in the top 32 bits
// of hi.
inline void load_address(const IpAddress& a, uint64_t& hi, uint64_t& lo) {
  const uint8_t* d = a.data();
  auto be64 = [](const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
    return v;
  };
  if (a.is_v4()) {
    hi = uint64_t{uint32_t{d[0]} << 24 | uint32_t{d[1]} << 16 | uint32_t{d[2]} << 8 | d[3]} << 32;
    lo = 0;
  } else {
    hi = be64(d);
    lo = be64(d + 8);
  }
}

// Masks keeping the first len (0..128) bits.
inline uint64_t mask_hi(int len) { return len <= 0 ? 0 : len >= 64 ? ~uint64_t{0} : ~uint64_t{0} << (64 - len); }
inline uint64_t mask_lo(int len) { return len <= 64 ? 0 : len >= 128 ? ~uint64_t{0} : ~uint64_t{0} << (128 - len); }

// Community-list entry semantics (community.h): every named value present; `internet` matches
// every route.
inline bool entry_matches(const CommunityListEntry& e, std::span<const uint32_t> route) {
  for (uint32_t v : e.values) {
    if (v == well_known::kInternet) return true;
  }
  for (uint32_t v : e.values) {
    if (std::find(route.begin(), route.end(), v) == route.end()) return false;
  }
  return true;
}

inline bool entry_matches(const LargeCommunityListEntry& e,
                          std::span<const wire::LargeCommunity> route) {
  for (const wire::LargeCommunity& v : e.values) {
    if (std::find(route.begin(), route.end(), v) == route.end()) return false;
  }
  return true;
}

}  // namespace vgw::bgp::policy::internal
