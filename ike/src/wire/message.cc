// Whole IKEv2 messages: the IKE header (RFC 7296 3.1), the outer payload chain, and the
// Encrypted payload that ends a protected message (SK, 3.14; SKF, RFC 7383 2.5).
//
// Header: IKE SA Initiator's SPI (8) | IKE SA Responder's SPI (8) | Next Payload (1) |
//         MjVer (4 bits) | MnVer (4 bits) | Exchange Type (1) | Flags (1: X X R V I X X X) |
//         Message ID (4) | Length (4)
// SK:     generic payload header (Next Payload = first inner payload) | IV | ciphertext | ICV
// SKF:    generic payload header | Fragment Number (2) | Total Fragments (2) | IV | ... | ICV
// The Encrypted payload must be the last one (3.14), so its Payload Length must reach the end
// of the message.
#include <string>

#include "chain.h"
#include "vgw/ike/wire/encrypted.h"
#include "vgw/ike/wire/names.h"

namespace vgw::ike::wire {
namespace {

constexpr size_t kLengthOffset = 24;
constexpr size_t kFragmentFieldsSize = 4;

std::string num(size_t v) { return std::to_string(v); }

ParseError drop(std::string text) {
  ParseError e;
  e.notify = NotifyType::kNone;
  e.text = std::move(text);
  return e;
}

// Where a parsed message's Encrypted payload sits.
struct Outer {
  Message message;
  size_t sk_offset = 0;    // its generic header
  size_t body_offset = 0;  // its IV
  bool has_encrypted = false;
};

Result<Outer, ParseError> parse_outer(std::span<const uint8_t> datagram, bool copy_body) {
  auto h = parse_header(datagram);
  if (!h) return fail(std::move(h.error()));
  Outer o;
  o.message.header = *h;
  ByteReader r(datagram);
  r.skip(kHeaderSize);
  auto stop = walk_chain(h->next_payload, r, 0, true, o.message.payloads);
  if (!stop) return fail(std::move(stop.error()));
  if (*stop == PayloadType::kNone) return o;

  // SK or SKF: it must run exactly to the end of the message.
  const PayloadType type = *stop;
  const bool fragment = type == PayloadType::kEncryptedFragment;
  const size_t header_size = kPayloadHeaderSize + (fragment ? kFragmentFieldsSize : 0);
  o.sk_offset = r.position();
  auto fail_sk = [&](std::string text) {
    ParseError e = syntax_error(o.sk_offset, payload_type_name(type) + " payload: " + text);
    e.payload = type;
    return e;
  };
  auto next = r.u8();
  auto flags = r.u8();
  auto length = r.u16();
  if (!length) return fail(fail_sk("truncated header"));
  if (*length < header_size || *length - kPayloadHeaderSize != r.remaining())
    return fail(fail_sk("length " + num(*length) + " does not end the message (" +
                        num(r.remaining() + kPayloadHeaderSize) + " octets left)"));
  EncryptedPayload sk;
  sk.first_payload = static_cast<PayloadType>(*next);
  sk.critical = (*flags & kCriticalBit) != 0;
  if (fragment) {
    Fragment f{*r.u16(), *r.u16()};
    // RFC 7383 2.5: fragments are numbered from 1; the number cannot exceed the total.
    if (f.number < 1 || f.number > f.total)
      return fail(fail_sk("fragment " + num(f.number) + " of " + num(f.total)));
    sk.fragment = f;
  }
  o.body_offset = r.position();
  if (copy_body) {
    auto body = r.rest();
    sk.body.assign(body.begin(), body.end());
  }
  o.message.encrypted = std::move(sk);
  o.has_encrypted = true;
  return o;
}

Status check_fragment(const std::optional<Fragment>& f) {
  if (f && (f->number < 1 || f->number > f->total))
    return fail(Error{ErrorCode::kInvalidArgument, "SKF fragment number out of range"});
  return {};
}

// Writes the SK/SKF generic header (and fragment fields) for a body of body_size octets.
Status write_encrypted_header(PayloadType first, bool critical,
                              const std::optional<Fragment>& fragment, size_t body_size,
                              ByteWriter& w) {
  if (auto s = check_fragment(fragment); !s) return s;
  const size_t length = kPayloadHeaderSize + (fragment ? kFragmentFieldsSize : 0) + body_size;
  if (length > 0xffff)
    return fail(Error{ErrorCode::kOutOfRange, "Encrypted payload above 65535 octets"});
  w.u8(static_cast<uint8_t>(first));
  w.u8(critical ? kCriticalBit : 0);
  w.u16(static_cast<uint16_t>(length));
  if (fragment) {
    w.u16(fragment->number);
    w.u16(fragment->total);
  }
  return {};
}

// Header + cleartext chain, the chain's last Next Payload being `after` (SK/SKF or none).
Status write_front(const Header& h, std::span<const Payload> cleartext, PayloadType after,
                   ByteWriter& w) {
  Header out = h;
  out.next_payload = cleartext.empty() ? after : cleartext.front().type;
  out.length = 0;  // patched by finish()
  serialize_header(out, w);
  return serialize_payloads(cleartext, after, w);
}

Status finish(ByteWriter& w) {
  if (w.size() > 0xffffffffu)
    return fail(Error{ErrorCode::kOutOfRange, "message above 2^32 octets"});
  const auto len = static_cast<uint32_t>(w.size());
  w.patch_u16(kLengthOffset, static_cast<uint16_t>(len >> 16));
  w.patch_u16(kLengthOffset + 2, static_cast<uint16_t>(len));
  return {};
}

PayloadType encrypted_type(const std::optional<Fragment>& f) {
  return f ? PayloadType::kEncryptedFragment : PayloadType::kEncrypted;
}

}  // namespace

uint8_t Header::flags() const {
  return static_cast<uint8_t>((initiator ? header_flag::kInitiator : 0) |
                              (version ? header_flag::kVersion : 0) |
                              (response ? header_flag::kResponse : 0));
}

Result<Header, ParseError> parse_header(std::span<const uint8_t> datagram) {
  ByteReader r(datagram);
  if (r.remaining() < kHeaderSize)
    return fail(drop(num(datagram.size()) + " octets, shorter than the IKE header"));
  Header h;
  h.initiator_spi = *r.u64();
  h.responder_spi = *r.u64();
  h.next_payload = static_cast<PayloadType>(*r.u8());
  const uint8_t version = *r.u8();
  h.major_version = version >> 4;
  h.minor_version = version & 0x0f;
  h.exchange = static_cast<ExchangeType>(*r.u8());
  const uint8_t flags = *r.u8();
  h.initiator = flags & header_flag::kInitiator;
  h.version = flags & header_flag::kVersion;
  h.response = flags & header_flag::kResponse;
  h.message_id = *r.u32();
  h.length = *r.u32();
  if (h.major_version != kMajorVersion) {
    // RFC 7296 2.5: answer INVALID_MAJOR_VERSION (with our version in the header).
    ParseError e = syntax_error(17, "IKE major version " + num(h.major_version));
    e.notify = NotifyType::kInvalidMajorVersion;
    return fail(std::move(e));
  }
  if (h.length != datagram.size()) {
    ParseError e = drop("header Length " + num(h.length) + " but the datagram has " +
                        num(datagram.size()) + " octets");
    e.offset = kLengthOffset;
    return fail(std::move(e));
  }
  return h;
}

void serialize_header(const Header& h, ByteWriter& w) {
  w.u64(h.initiator_spi);
  w.u64(h.responder_spi);
  w.u8(static_cast<uint8_t>(h.next_payload));
  w.u8(static_cast<uint8_t>((h.major_version & 0x0f) << 4 | (h.minor_version & 0x0f)));
  w.u8(static_cast<uint8_t>(h.exchange));
  w.u8(h.flags());
  w.u32(h.message_id);
  w.u32(h.length);
}

// g++ 12 reports -Wmaybe-uninitialized false positives when a variant-holding Message moves
// into Result's variant (GCC bug 105562 family), as bgp/wire/message.cc notes.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
Result<Message, ParseError> parse_message(std::span<const uint8_t> datagram) {
  auto o = parse_outer(datagram, true);
  if (!o) return fail(std::move(o.error()));
  return std::move(o->message);
}

Result<ProtectedView, ParseError> parse_protected(std::span<const uint8_t> datagram) {
  auto o = parse_outer(datagram, false);
  if (!o) return fail(std::move(o.error()));
  if (!o->has_encrypted)
    return fail(syntax_error(kHeaderSize, "no SK payload in a protected message"));
  ProtectedView v;
  v.header = o->message.header;
  v.cleartext = std::move(o->message.payloads);
  const EncryptedPayload& sk = *o->message.encrypted;
  v.sk_type = encrypted_type(sk.fragment);
  v.first_payload = sk.first_payload;
  v.critical = sk.critical;
  v.fragment = sk.fragment;
  v.message = datagram;
  v.associated_data = datagram.first(o->body_offset);
  v.body = datagram.subspan(o->body_offset);
  return v;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

std::span<const uint8_t> ProtectedView::authenticated(size_t icv_size) const {
  if (icv_size > body.size()) return {};
  return message.first(message.size() - icv_size);
}

std::span<const uint8_t> ProtectedView::icv(size_t icv_size) const {
  if (icv_size > body.size()) return {};
  return message.last(icv_size);
}

Result<Bytes> serialize_message(const Message& m) {
  Bytes out;
  ByteWriter w(out);
  const PayloadType after =
      m.encrypted ? encrypted_type(m.encrypted->fragment) : PayloadType::kNone;
  if (auto s = write_front(m.header, m.payloads, after, w); !s) return fail(s.error());
  if (m.encrypted) {
    const EncryptedPayload& sk = *m.encrypted;
    if (auto s = write_encrypted_header(sk.first_payload, sk.critical, sk.fragment,
                                        sk.body.size(), w);
        !s)
      return fail(s.error());
    w.bytes(sk.body);
  }
  if (auto s = finish(w); !s) return fail(s.error());
  return out;
}

Result<ProtectedFrame> build_protected(const Header& header, PayloadType first_payload,
                                       size_t body_size, std::span<const Payload> cleartext,
                                       std::optional<Fragment> fragment) {
  ProtectedFrame f;
  ByteWriter w(f.message);
  if (auto s = write_front(header, cleartext, encrypted_type(fragment), w); !s)
    return fail(s.error());
  if (auto s = write_encrypted_header(first_payload, false, fragment, body_size, w); !s)
    return fail(s.error());
  f.body_offset = w.size();
  w.zeros(body_size);
  if (auto s = finish(w); !s) return fail(s.error());
  return f;
}

std::string describe(const Message& m) {
  std::string s = exchange_type_name(m.header.exchange);
  s += m.header.response ? " response " : " request ";
  s += num(m.header.message_id) + " [ ";
  std::string inner = describe(m.payloads);
  if (!inner.empty()) s += inner + " ";
  if (m.encrypted) {
    if (m.encrypted->fragment)
      s += "SKF(" + num(m.encrypted->fragment->number) + "/" +
           num(m.encrypted->fragment->total) + ") ";
    else
      s += "SK ";
  }
  return s + "]";
}

}  // namespace vgw::ike::wire
