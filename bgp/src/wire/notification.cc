// NOTIFICATION (RFC 4271 4.5; shutdown communication RFC 9003 2) and ROUTE-REFRESH
// (RFC 2918 3, RFC 7313 3/5) codecs.
//
// NOTIFICATION body: Error code (1) | Error subcode (1) | Data (rest)
// RFC 9003 2 data for Cease/2 and Cease/4: Length (1) | Shutdown Communication (UTF-8)
// ROUTE-REFRESH body: AFI (2) | Subtype (1, "Reserved" in RFC 2918) | SAFI (1)
#include "vgw/bgp/wire/notification.h"

#include <algorithm>

#include "vgw/base/bytes.h"
#include "vgw/bgp/wire/route_refresh.h"

namespace vgw::bgp::wire {
namespace {

constexpr size_t kMaxShutdownCommunication = 255;  // RFC 9003 2

void begin(ByteWriter& w, MessageType type, size_t body_len) {
  for (size_t i = 0; i < kMarkerSize; ++i) w.u8(0xff);
  w.u16(static_cast<uint16_t>(kHeaderSize + body_len));
  w.u8(static_cast<uint8_t>(type));
}

bool is_shutdown(uint8_t code, uint8_t subcode) {
  return code == err::kCease &&
         (subcode == err::kAdministrativeShutdown || subcode == err::kAdministrativeReset);
}

}  // namespace

Notification Notification::shutdown(uint8_t subcode, std::string_view text) {
  if (text.size() > kMaxShutdownCommunication) {
    size_t n = kMaxShutdownCommunication;
    while (n > 0 && (static_cast<uint8_t>(text[n]) & 0xc0) == 0x80) --n;  // UTF-8 boundary
    text = text.substr(0, n);
  }
  Notification n{err::kCease, subcode, std::vector<uint8_t>(1 + text.size())};
  n.data[0] = static_cast<uint8_t>(text.size());
  std::copy(text.begin(), text.end(), n.data.begin() + 1);
  return n;
}

std::optional<std::string> Notification::shutdown_communication() const {
  if (!is_shutdown(code, subcode) || data.empty()) return std::nullopt;
  size_t len = data[0];
  if (len + 1 > data.size()) return std::nullopt;  // RFC 9003 3: malformed, log the hex
  return std::string(data.begin() + 1, data.begin() + 1 + static_cast<std::ptrdiff_t>(len));
}

std::string Notification::to_string() const {
  std::string s = error_name(code, subcode);
  if (auto comm = shutdown_communication()) {
    std::string clean;
    for (char c : *comm) clean += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    return s + ": \"" + clean + "\"";
  }
  if (!data.empty()) {
    static const char* kHex = "0123456789abcdef";
    s += " data ";
    for (size_t i = 0; i < data.size() && i < 64; ++i) {
      s += kHex[data[i] >> 4];
      s += kHex[data[i] & 15];
    }
    if (data.size() > 64) s += "...";
  }
  return s;
}

Result<Notification, ParseError> parse_notification(std::span<const uint8_t> body) {
  if (body.size() < 2) {
    ParseError e;
    e.code = err::kMessageHeader;
    e.subcode = err::kBadMessageLength;
    uint16_t len = static_cast<uint16_t>(kHeaderSize + body.size());
    e.data = {static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
    e.text = "NOTIFICATION shorter than 21 octets";
    return fail(std::move(e));
  }
  return Notification{body[0], body[1], std::vector<uint8_t>(body.begin() + 2, body.end())};
}

void serialize_notification(const Notification& n, std::vector<uint8_t>& out) {
  size_t data_len = std::min(n.data.size(), kMaxMessageSize - kHeaderSize - 2);
  ByteWriter w(out);
  begin(w, MessageType::kNotification, 2 + data_len);
  w.u8(n.code);
  w.u8(n.subcode);
  w.bytes(std::span<const uint8_t>(n.data.data(), data_len));
}

Result<RouteRefresh, ParseError> parse_route_refresh(std::span<const uint8_t> message) {
  std::span<const uint8_t> body =
      message.size() >= kHeaderSize ? message.subspan(kHeaderSize) : message.first(0);
  if (body.size() != 4) {
    ParseError e;
    // RFC 7313 5: BoRR/EoRR of the wrong length -> ROUTE-REFRESH Message Error / Invalid
    // Message Length with the whole message. Otherwise the RFC 4271 header rule applies.
    if (body.size() >= 3 && (body[2] == 1 || body[2] == 2)) {
      e.code = err::kRouteRefreshMessage;
      e.subcode = err::kInvalidMessageLength;
      e.data.assign(message.begin(), message.end());
    } else {
      e.code = err::kMessageHeader;
      e.subcode = err::kBadMessageLength;
      uint16_t len = static_cast<uint16_t>(message.size());
      e.data = {static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
    }
    e.text = "ROUTE-REFRESH body is " + std::to_string(body.size()) + " octets, not 4";
    return fail(std::move(e));
  }
  RouteRefresh rr;
  rr.family.afi = static_cast<Afi>(body[0] << 8 | body[1]);
  rr.subtype = static_cast<RefreshSubtype>(body[2]);
  rr.family.safi = static_cast<Safi>(body[3]);
  return rr;
}

void serialize_route_refresh(const RouteRefresh& rr, std::vector<uint8_t>& out) {
  ByteWriter w(out);
  begin(w, MessageType::kRouteRefresh, 4);
  w.u16(static_cast<uint16_t>(rr.family.afi));
  w.u8(static_cast<uint8_t>(rr.subtype));
  w.u8(static_cast<uint8_t>(rr.family.safi));
}

}  // namespace vgw::bgp::wire
