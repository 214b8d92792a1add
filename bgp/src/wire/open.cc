// OPEN message and capability codec (RFC 4271 4.2, RFC 5492, RFC 9072).
//
// OPEN body (RFC 4271 4.2):
//   Version (1) | My Autonomous System (2) | Hold Time (2) | BGP Identifier (4) |
//   Opt Parm Len (1) | Optional Parameters: Type (1) | Length (1) | Value
// RFC 9072: Opt Parm Len 255 followed by type 255 means a 2-octet length follows and every
// parameter has a 2-octet length.
// Capabilities parameter, type 2 (RFC 5492 4): Code (1) | Length (1) | Value, repeated.
#include "vgw/bgp/wire/open.h"

#include "vgw/base/asn.h"
#include "vgw/base/bytes.h"

namespace vgw::bgp::wire {
namespace {

constexpr uint8_t kParamCapabilities = 2;
constexpr uint8_t kParamExtended = 255;  // RFC 9072

ParseError open_error(uint8_t subcode, std::string text, std::vector<uint8_t> data = {}) {
  ParseError e;
  e.action = ErrorAction::kSessionReset;
  e.code = err::kOpenMessage;
  e.subcode = subcode;
  e.data = std::move(data);
  e.text = "OPEN: " + std::move(text);
  return e;
}

// Decodes one capability into caps. Returns nullptr or why it is malformed.
const char* decode_capability(uint8_t code, std::span<const uint8_t> v, Capabilities& caps) {
  ByteReader r(v);
  switch (code) {
    case cap::kMultiprotocol: {  // RFC 4760 8: AFI (2) | Reserved (1) | SAFI (1)
      if (v.size() != 4) return "multiprotocol capability length is not 4";
      caps.multiprotocol.push_back({static_cast<Afi>(*r.u16()), static_cast<Safi>(v[3])});
      return nullptr;
    }
    case cap::kRouteRefresh:  // RFC 2918 2: no value
      if (!v.empty()) return "route refresh capability has a value";
      caps.route_refresh = true;
      return nullptr;
    case cap::kEnhancedRouteRefresh:  // RFC 7313 3: no value
      if (!v.empty()) return "enhanced route refresh capability has a value";
      caps.enhanced_route_refresh = true;
      return nullptr;
    case cap::kExtendedNextHop: {  // RFC 8950 3: (NLRI AFI (2), NLRI SAFI (2), NH AFI (2))*
      if (v.empty() || v.size() % 6) return "extended next hop capability length not 6*n";
      while (!r.empty()) {
        ExtendedNextHop e;
        e.nlri_afi = static_cast<Afi>(*r.u16());
        e.nlri_safi = *r.u16();
        e.next_hop_afi = static_cast<Afi>(*r.u16());
        caps.extended_next_hop.push_back(e);
      }
      return nullptr;
    }
    case cap::kGracefulRestart: {  // RFC 4724 3: flags+time (2), (AFI (2), SAFI (1), flags (1))*
      if (v.size() < 2 || (v.size() - 2) % 4) return "graceful restart capability length";
      GracefulRestart gr;
      uint16_t ft = *r.u16();
      gr.restart_state = ft & 0x8000;
      gr.notification = ft & 0x4000;
      gr.restart_time = ft & 0x0fff;
      while (!r.empty()) {
        GracefulRestart::Family f;
        f.family.afi = static_cast<Afi>(*r.u16());
        f.family.safi = static_cast<Safi>(*r.u8());
        f.forwarding_preserved = *r.u8() & 0x80;
        gr.families.push_back(f);
      }
      caps.graceful_restart = std::move(gr);  // RFC 4724 3: the last instance counts
      return nullptr;
    }
    case cap::kFourOctetAs:  // RFC 6793 3: the ASN (4)
      if (v.size() != 4) return "4-octet AS capability length is not 4";
      caps.four_octet_as = *r.u32();
      return nullptr;
    default:
      caps.other.push_back({code, std::vector<uint8_t>(v.begin(), v.end())});
      return nullptr;
  }
}

Result<void, ParseError> decode_capabilities(std::span<const uint8_t> v, Capabilities& caps) {
  ByteReader r(v);
  while (!r.empty()) {
    auto code = r.u8();
    auto len = r.u8();
    if (!len) return fail(open_error(err::kUnspecific, "truncated capability header"));
    auto value = r.bytes(*len);
    if (!value) return fail(open_error(err::kUnspecific, "capability runs past its parameter"));
    if (const char* why = decode_capability(*code, *value, caps))
      return fail(open_error(err::kUnspecific, why));
  }
  return {};
}

void write_capability(ByteWriter& w, uint8_t code, std::span<const uint8_t> value) {
  w.u8(code);
  w.u8(static_cast<uint8_t>(value.size()));
  w.bytes(value);
}

// Encodes every capability as its own {code, length, value} TLV.
Result<std::vector<std::vector<uint8_t>>> encode_capabilities(const Capabilities& c) {
  std::vector<std::vector<uint8_t>> out;
  auto add = [&](uint8_t code, const std::vector<uint8_t>& value) -> Status {
    if (value.size() > 255)
      return fail(Error{ErrorCode::kOutOfRange, capability_name(code) + " value above 255 octets"});
    std::vector<uint8_t> tlv;
    ByteWriter w(tlv);
    write_capability(w, code, value);
    out.push_back(std::move(tlv));
    return {};
  };
  for (AfiSafi f : c.multiprotocol) {
    std::vector<uint8_t> v;
    ByteWriter w(v);
    w.u16(static_cast<uint16_t>(f.afi));
    w.u8(0);
    w.u8(static_cast<uint8_t>(f.safi));
    if (auto s = add(cap::kMultiprotocol, v); !s) return fail(s.error());
  }
  if (c.route_refresh) (void)add(cap::kRouteRefresh, {});
  if (!c.extended_next_hop.empty()) {
    std::vector<uint8_t> v;
    ByteWriter w(v);
    for (const auto& e : c.extended_next_hop) {
      w.u16(static_cast<uint16_t>(e.nlri_afi));
      w.u16(e.nlri_safi);
      w.u16(static_cast<uint16_t>(e.next_hop_afi));
    }
    if (auto s = add(cap::kExtendedNextHop, v); !s) return fail(s.error());
  }
  if (c.graceful_restart) {
    const GracefulRestart& gr = *c.graceful_restart;
    std::vector<uint8_t> v;
    ByteWriter w(v);
    w.u16(static_cast<uint16_t>((gr.restart_state ? 0x8000 : 0) | (gr.notification ? 0x4000 : 0) |
                                (gr.restart_time & 0x0fff)));
    for (const auto& f : gr.families) {
      w.u16(static_cast<uint16_t>(f.family.afi));
      w.u8(static_cast<uint8_t>(f.family.safi));
      w.u8(f.forwarding_preserved ? 0x80 : 0);
    }
    if (auto s = add(cap::kGracefulRestart, v); !s) return fail(s.error());
  }
  if (c.four_octet_as) {
    std::vector<uint8_t> v;
    ByteWriter w(v);
    w.u32(*c.four_octet_as);
    (void)add(cap::kFourOctetAs, v);
  }
  if (c.enhanced_route_refresh) (void)add(cap::kEnhancedRouteRefresh, {});
  for (const RawCapability& raw : c.other)
    if (auto s = add(raw.code, raw.value); !s) return fail(s.error());
  return out;
}

}  // namespace

bool Capabilities::supports(AfiSafi f) const {
  for (AfiSafi m : multiprotocol)
    if (m == f) return true;
  return false;
}

const RawCapability* Capabilities::find(uint8_t code) const {
  for (const RawCapability& r : other)
    if (r.code == code) return &r;
  return nullptr;
}

void Open::set_asn(uint32_t asn) {
  my_as = asn > 0xffff ? static_cast<uint16_t>(kAsTrans) : static_cast<uint16_t>(asn);
  capabilities.four_octet_as = asn;
}

Result<Open, ParseError> parse_open(std::span<const uint8_t> body) {
  ByteReader r(body);
  Open o;
  auto version = r.u8();
  auto my_as = r.u16();
  auto hold = r.u16();
  auto id = r.u32();
  auto opt_len = r.u8();
  if (!version || !my_as || !hold || !id || !opt_len)
    return fail(open_error(err::kUnspecific, "shorter than 10 octets"));
  o.version = *version;
  o.my_as = *my_as;
  o.hold_time = *hold;
  o.bgp_identifier = *id;
  // RFC 4271 6.2: the data is the largest version we support.
  if (o.version != 4)
    return fail(open_error(err::kUnsupportedVersionNumber,
                           "version " + std::to_string(o.version) + " (only 4 is supported)",
                           {0, 4}));
  if (o.hold_time == 1 || o.hold_time == 2)
    return fail(open_error(err::kUnacceptableHoldTime,
                           "hold time " + std::to_string(o.hold_time) + " (must be 0 or >= 3)"));
  if (o.bgp_identifier == 0) return fail(open_error(err::kBadBgpIdentifier, "BGP Identifier 0"));
  if (o.my_as == 0) return fail(open_error(err::kBadPeerAs, "My Autonomous System 0 (RFC 7607)"));

  bool extended = *opt_len == 255 && !r.empty() && r.rest()[0] == kParamExtended;
  size_t params_len = *opt_len;
  if (extended) {
    r.skip(1);
    auto ext_len = r.u16();
    if (!ext_len) return fail(open_error(err::kUnspecific, "truncated extended parameter length"));
    params_len = *ext_len;
  }
  if (r.remaining() != params_len)
    return fail(open_error(err::kUnspecific, "optional parameters length " +
                                                 std::to_string(params_len) + " but " +
                                                 std::to_string(r.remaining()) + " octets follow"));
  while (!r.empty()) {
    auto type = r.u8();
    auto len = extended ? r.u16() : std::optional<uint16_t>(r.u8());
    if (!type || !len) return fail(open_error(err::kUnspecific, "truncated parameter"));
    auto value = r.bytes(*len);
    if (!value) return fail(open_error(err::kUnspecific, "parameter runs past the message"));
    if (*type != kParamCapabilities)
      return fail(open_error(err::kUnsupportedOptionalParameter,
                             "optional parameter type " + std::to_string(*type)));
    if (auto s = decode_capabilities(*value, o.capabilities); !s) return fail(std::move(s.error()));
  }
  if (o.capabilities.four_octet_as && *o.capabilities.four_octet_as == 0)
    return fail(open_error(err::kBadPeerAs, "4-octet AS capability carries AS 0 (RFC 7607)"));
  return o;
}

Status serialize_open(const Open& open, std::vector<uint8_t>& out) {
  auto caps = encode_capabilities(open.capabilities);
  if (!caps) return fail(caps.error());
  // Group capabilities into parameters of at most 255 octets each.
  std::vector<std::vector<uint8_t>> params;
  for (auto& tlv : *caps) {
    if (params.empty() || params.back().size() + tlv.size() > 255) params.emplace_back();
    params.back().insert(params.back().end(), tlv.begin(), tlv.end());
  }
  size_t plain_len = 0;
  for (const auto& p : params) plain_len += 2 + p.size();
  const bool extended = plain_len > 255;

  const size_t original = out.size();
  ByteWriter w(out);
  size_t start = w.size();
  for (size_t i = 0; i < kMarkerSize; ++i) w.u8(0xff);
  w.u16(0);
  w.u8(static_cast<uint8_t>(MessageType::kOpen));
  w.u8(open.version);
  w.u16(open.my_as);
  w.u16(open.hold_time);
  w.u32(open.bgp_identifier);
  if (!extended) {
    w.u8(static_cast<uint8_t>(plain_len));
    for (const auto& p : params) {
      w.u8(kParamCapabilities);
      w.u8(static_cast<uint8_t>(p.size()));
      w.bytes(p);
    }
  } else {  // RFC 9072 2
    size_t ext_len = 0;
    for (const auto& p : params) ext_len += 3 + p.size();
    w.u8(255);
    w.u8(kParamExtended);
    w.u16(static_cast<uint16_t>(ext_len));
    for (const auto& p : params) {
      w.u8(kParamCapabilities);
      w.u16(static_cast<uint16_t>(p.size()));
      w.bytes(p);
    }
  }
  if (w.size() - start > kMaxMessageSize) {
    out.resize(original);
    return fail(Error{ErrorCode::kOutOfRange, "OPEN would exceed 4096 octets"});
  }
  w.patch_u16(start + kMarkerSize, static_cast<uint16_t>(w.size() - start));
  return {};
}

}  // namespace vgw::bgp::wire
