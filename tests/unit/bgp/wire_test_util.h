// Helpers for the BGP wire codec tests: hex vectors with per-field comments, and small
// builders for UPDATE bodies used by the malformed-message cases.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/bgp/wire/wire.h"
#include "vgw/hex_text.h"

namespace vgw::bgp::wire::test {

using Bytes = std::vector<uint8_t>;

// Hex digits; whitespace ignored; '#' starts a comment that runs to the end of the line.
using ::vgw::test::hex;

inline std::string to_hex(std::span<const uint8_t> b) {
  static const char* k = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) {
    s += k[x >> 4];
    s += k[x & 15];
  }
  return s;
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// One path attribute TLV (extended length when the value is longer than 255 or asked for).
inline Bytes attr(uint8_t flags, uint8_t type, const Bytes& value, bool extended = false) {
  Bytes out;
  if (extended || value.size() > 255) {
    out = {static_cast<uint8_t>(flags | attr_flag::kExtendedLength), type,
           static_cast<uint8_t>(value.size() >> 8), static_cast<uint8_t>(value.size())};
  } else {
    out = {flags, type, static_cast<uint8_t>(value.size())};
  }
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

// UPDATE body: Withdrawn Routes Length | Withdrawn | Total Path Attribute Length | attrs | NLRI.
inline Bytes update_body(const Bytes& withdrawn, const Bytes& attrs, const Bytes& nlri) {
  Bytes out = {static_cast<uint8_t>(withdrawn.size() >> 8), static_cast<uint8_t>(withdrawn.size())};
  out.insert(out.end(), withdrawn.begin(), withdrawn.end());
  out.push_back(static_cast<uint8_t>(attrs.size() >> 8));
  out.push_back(static_cast<uint8_t>(attrs.size()));
  out.insert(out.end(), attrs.begin(), attrs.end());
  out.insert(out.end(), nlri.begin(), nlri.end());
  return out;
}

// Header + body.
inline Bytes message(MessageType type, const Bytes& body) {
  Bytes out(16, 0xff);
  size_t len = 19 + body.size();
  out.push_back(static_cast<uint8_t>(len >> 8));
  out.push_back(static_cast<uint8_t>(len));
  out.push_back(static_cast<uint8_t>(type));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// The usual valid attributes of an eBGP IPv4 announcement (4-octet ASNs):
// ORIGIN IGP, AS_PATH 65001, NEXT_HOP 192.0.2.1.
inline Bytes basic_attrs() {
  return hex(R"(
    40 01 01 00                 # ORIGIN IGP
    40 02 06 02 01 0000fde9     # AS_PATH AS_SEQUENCE [65001]
    40 03 04 c0000201           # NEXT_HOP 192.0.2.1
  )");
}

inline Ipv4Prefix p4(std::string_view text) { return Ipv4Prefix::from(*Prefix::parse(text)); }
inline Ipv6Prefix p6(std::string_view text) { return Ipv6Prefix::from(*Prefix::parse(text)); }

}  // namespace vgw::bgp::wire::test
