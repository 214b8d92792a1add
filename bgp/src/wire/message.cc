// Message header (RFC 4271 4.1, 6.1) and dispatch of whole messages to the per-type codecs.
//
// Header: Marker (16, all ones) | Length (2, 19..4096) | Type (1)
#include "vgw/bgp/wire/message.h"

#include "vgw/base/bytes.h"

namespace vgw::bgp::wire {
namespace {

ParseError header_error(uint8_t subcode, std::vector<uint8_t> data, std::string text) {
  ParseError e;
  e.action = ErrorAction::kSessionReset;
  e.code = err::kMessageHeader;
  e.subcode = subcode;
  e.data = std::move(data);
  e.text = std::move(text);
  return e;
}

// RFC 4271 6.1 minimum (or exact) lengths per type; ROUTE-REFRESH is checked with its body.
bool length_fits_type(MessageType t, size_t len) {
  switch (t) {
    case MessageType::kOpen: return len >= 29;
    case MessageType::kUpdate: return len >= 23;
    case MessageType::kNotification: return len >= 21;
    case MessageType::kKeepalive: return len == 19;
    case MessageType::kRouteRefresh: return true;
  }
  return false;
}

}  // namespace

Result<Header, ParseError> parse_header(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  auto marker = r.bytes(kMarkerSize);
  auto length = r.u16();
  auto type = r.u8();
  if (!marker || !length || !type)
    return fail(header_error(err::kConnectionNotSynchronized, {}, "short header"));
  for (uint8_t b : *marker)
    if (b != 0xff)
      return fail(header_error(err::kConnectionNotSynchronized, {}, "marker is not all ones"));
  std::vector<uint8_t> len_field = {static_cast<uint8_t>(*length >> 8),
                                    static_cast<uint8_t>(*length)};
  if (*length < kHeaderSize || *length > kMaxMessageSize)
    return fail(header_error(err::kBadMessageLength, len_field,
                             "message length " + std::to_string(*length)));
  if (*type < 1 || *type > 5)
    return fail(header_error(err::kBadMessageType, {*type},
                             "message type " + std::to_string(*type)));
  Header h{*length, static_cast<MessageType>(*type)};
  if (!length_fits_type(h.type, h.length))
    return fail(header_error(err::kBadMessageLength, len_field,
                             std::string(message_type_name(h.type)) + " of length " +
                                 std::to_string(h.length)));
  return h;
}

// g++ 12 reports -Wmaybe-uninitialized false positives when a Message variant is moved into
// Result's variant (GCC bug 105562 family); the moved-from alternatives are always built.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
Result<Message, ParseError> parse_message(std::span<const uint8_t> message,
                                          const SessionContext& ctx) {
  auto h = parse_header(message);
  if (!h) return fail(std::move(h.error()));
  if (message.size() != h->length)
    return fail(header_error(err::kBadMessageLength,
                             {static_cast<uint8_t>(h->length >> 8),
                              static_cast<uint8_t>(h->length)},
                             "length field " + std::to_string(h->length) + " but " +
                                 std::to_string(message.size()) + " octets given"));
  std::span<const uint8_t> body = message.subspan(kHeaderSize);
  switch (h->type) {
    case MessageType::kOpen: {
      auto o = parse_open(body);
      if (!o) return fail(std::move(o.error()));
      return Message(std::move(*o));
    }
    case MessageType::kUpdate: {
      Message m(std::in_place_type<Update>);
      auto s = parse_update(body, ctx, std::get<Update>(m));
      if (!s) return fail(std::move(s.error()));
      return m;
    }
    case MessageType::kNotification: {
      auto n = parse_notification(body);
      if (!n) return fail(std::move(n.error()));
      return Message(std::move(*n));
    }
    case MessageType::kKeepalive:
      return Message(Keepalive{});
    case MessageType::kRouteRefresh: {
      auto rr = parse_route_refresh(message);
      if (!rr) return fail(std::move(rr.error()));
      return Message(*rr);
    }
  }
  return fail(header_error(err::kBadMessageType, {}, "unreachable"));
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

void serialize_keepalive(std::vector<uint8_t>& out) {
  ByteWriter w(out);
  for (size_t i = 0; i < kMarkerSize; ++i) w.u8(0xff);
  w.u16(kHeaderSize);
  w.u8(static_cast<uint8_t>(MessageType::kKeepalive));
}

Status serialize(const Message& m, const SessionContext& ctx, std::vector<uint8_t>& out) {
  struct Visitor {
    const SessionContext& ctx;
    std::vector<uint8_t>& out;
    Status operator()(const Open& o) { return serialize_open(o, out); }
    Status operator()(const Update& u) { return serialize_update(u, ctx, out); }
    Status operator()(const Notification& n) {
      serialize_notification(n, out);
      return {};
    }
    Status operator()(const Keepalive&) {
      serialize_keepalive(out);
      return {};
    }
    Status operator()(const RouteRefresh& rr) {
      serialize_route_refresh(rr, out);
      return {};
    }
  };
  return std::visit(Visitor{ctx, out}, m);
}

}  // namespace vgw::bgp::wire
