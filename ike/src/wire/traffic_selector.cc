// TSi/TSr payload codec (RFC 7296 3.13).
//
// TS payload body: Number of TSs (1) | RESERVED (3) | Traffic Selectors.
// Traffic Selector (3.13.1):
//   TS Type (1) | IP Protocol ID (1) | Selector Length (2) | Start Port (2) | End Port (2) |
//   Starting Address | Ending Address
// TS_IPV4_ADDR_RANGE (7): 4-octet addresses, Selector Length 16.
// TS_IPV6_ADDR_RANGE (8): 16-octet addresses, Selector Length 40.
// The range must not run backwards: starting address <= ending address, start port <= end
// port, except the OPAQUE port range, which RFC 7296 3.13.1 writes as 65535..0. A TS type
// this codec does not know (RFC 4595 FC, RFC 9478, ...) cannot be honoured; it is reported
// with TS_UNACCEPTABLE, the notify a responder sends for selectors it will not accept.
#include <array>
#include <string>

#include "vgw/ike/wire/names.h"
#include "vgw/ike/wire/payloads.h"

namespace vgw::ike::wire {
namespace {

constexpr size_t kIpv4SelectorLength = 16;
constexpr size_t kIpv6SelectorLength = 40;
constexpr uint16_t kOpaqueStart = 65535;
constexpr uint16_t kOpaqueEnd = 0;

std::string num(size_t v) { return std::to_string(v); }

IpAddress read_address(ByteReader& r, bool v6) {
  if (!v6) return IpAddress::v4(*r.u32());
  std::array<uint8_t, 16> b{};
  auto bytes = r.bytes(16);
  std::copy(bytes->begin(), bytes->end(), b.begin());
  return IpAddress::v6(b);
}

Result<TrafficSelector, ParseError> parse_selector(ByteReader& r) {
  const size_t at = r.position();
  auto type = r.u8();
  auto protocol = r.u8();
  auto length = r.u16();
  if (!length) return fail(syntax_error(at, "truncated traffic selector"));
  const auto ts_type = static_cast<TsType>(*type);
  if (ts_type != TsType::kIpv4AddrRange && ts_type != TsType::kIpv6AddrRange) {
    ParseError e = syntax_error(at, "traffic selector of " + ts_type_name(ts_type));
    e.notify = NotifyType::kTsUnacceptable;
    return fail(std::move(e));
  }
  const bool v6 = ts_type == TsType::kIpv6AddrRange;
  const size_t expected = v6 ? kIpv6SelectorLength : kIpv4SelectorLength;
  if (*length != expected)
    return fail(syntax_error(at, ts_type_name(ts_type) + " of length " + num(*length)));
  auto body = r.sub(expected - 4);
  if (!body) return fail(syntax_error(at, ts_type_name(ts_type) + " runs past the payload"));
  TrafficSelector ts;
  ts.ip_protocol = *protocol;
  ts.start_port = *body->u16();
  ts.end_port = *body->u16();
  ts.start = read_address(*body, v6);
  ts.end = read_address(*body, v6);
  const bool opaque = ts.start_port == kOpaqueStart && ts.end_port == kOpaqueEnd;
  if (ts.start_port > ts.end_port && !opaque)
    return fail(syntax_error(at, "port range " + num(ts.start_port) + "-" + num(ts.end_port) +
                                     " runs backwards"));
  if (ts.end < ts.start)
    return fail(syntax_error(at, "address range " + ts.start.to_string() + "-" +
                                     ts.end.to_string() + " runs backwards"));
  return ts;
}

}  // namespace

TrafficSelector TrafficSelector::any(Family family) {
  TrafficSelector ts;
  if (family == Family::kIpv4) {
    ts.start = IpAddress::v4(0u);
    ts.end = IpAddress::v4(0xffffffffu);
  } else {
    std::array<uint8_t, 16> lo{}, hi{};
    hi.fill(0xff);
    ts.start = IpAddress::v6(lo);
    ts.end = IpAddress::v6(hi);
  }
  return ts;
}

TrafficSelector TrafficSelector::from_prefix(const Prefix& p) {
  TrafficSelector ts;
  ts.start = p.address();
  std::array<uint8_t, 16> b{};
  const IpAddress& a = p.address();
  std::copy(a.data(), a.data() + a.size(), b.begin());
  for (int i = p.length(); i < a.bit_length(); ++i) b[i / 8] |= static_cast<uint8_t>(0x80 >> i % 8);
  ts.end = a.is_v4() ? IpAddress::v4(std::array<uint8_t, 4>{b[0], b[1], b[2], b[3]})
                     : IpAddress::v6(b);
  return ts;
}

Result<TsPayload, ParseError> parse_ts(std::span<const uint8_t> body) {
  ByteReader r(body);
  auto count = r.u8();
  if (!count || !r.skip(3)) return fail(syntax_error(0, "shorter than 4 octets"));
  if (*count == 0) return fail(syntax_error(0, "no traffic selectors"));
  TsPayload p;
  while (!r.empty()) {
    if (p.selectors.size() == *count)
      return fail(syntax_error(r.position(), "data after " + num(*count) + " traffic selectors"));
    auto ts = parse_selector(r);
    if (!ts) return fail(std::move(ts.error()));
    p.selectors.push_back(std::move(*ts));
  }
  if (p.selectors.size() != *count)
    return fail(syntax_error(0, "Number of TSs " + num(*count) + " but " +
                                    num(p.selectors.size()) + " present"));
  return p;
}

Status serialize(const TsPayload& p, ByteWriter& w) {
  if (p.selectors.empty() || p.selectors.size() > 255)
    return fail(Error{ErrorCode::kOutOfRange, "TS payload: 1..255 traffic selectors"});
  w.u8(static_cast<uint8_t>(p.selectors.size()));
  w.zeros(3);
  for (const TrafficSelector& ts : p.selectors) {
    if (ts.start.family() != ts.end.family())
      return fail(Error{ErrorCode::kInvalidArgument, "TS payload: mixed address families"});
    const bool v6 = ts.start.is_v6();
    w.u8(static_cast<uint8_t>(ts.type()));
    w.u8(ts.ip_protocol);
    w.u16(static_cast<uint16_t>(v6 ? kIpv6SelectorLength : kIpv4SelectorLength));
    w.u16(ts.start_port);
    w.u16(ts.end_port);
    w.bytes(std::span<const uint8_t>(ts.start.data(), ts.start.size()));
    w.bytes(std::span<const uint8_t>(ts.end.data(), ts.end.size()));
  }
  return {};
}

}  // namespace vgw::ike::wire
