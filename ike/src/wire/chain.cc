// Payload chains (RFC 7296 3.2): the generic payload header, the table that maps each payload
// type to its body codec, and the walk along Next Payload fields.
//
// Generic payload header: Next Payload (1) | C (1 bit) | RESERVED (7 bits) | Payload Length (2)
// Payload Length counts the header. The walk stops at "No Next Payload" (0) and must then be
// at the end of its buffer; an outer walk also stops at SK/SKF, which message.cc handles.
#include <string>

#include "chain.h"
#include "vgw/ike/wire/names.h"

namespace vgw::ike::wire {
namespace {

std::string num(size_t v) { return std::to_string(v); }

template <typename T, Result<T, ParseError> (*Parse)(std::span<const uint8_t>)>
Result<PayloadBody, ParseError> decode(std::span<const uint8_t> body) {
  auto r = Parse(body);
  if (!r) return fail(std::move(r.error()));
  return PayloadBody(std::in_place_type<T>, std::move(*r));
}

template <typename T>
bool holds(const PayloadBody& b) {
  return std::holds_alternative<T>(b);
}

// One row per payload type this codec decodes (RFC 7296 3.2 table); SK and SKF are not
// chain members and are absent on purpose.
struct Descriptor {
  PayloadType type;
  Result<PayloadBody, ParseError> (*decode)(std::span<const uint8_t>);
  bool (*matches)(const PayloadBody&);
};

constexpr Descriptor kDescriptors[] = {
    {PayloadType::kSa, decode<SaPayload, parse_sa>, holds<SaPayload>},
    {PayloadType::kKe, decode<KePayload, parse_ke>, holds<KePayload>},
    {PayloadType::kIdi, decode<IdPayload, parse_id>, holds<IdPayload>},
    {PayloadType::kIdr, decode<IdPayload, parse_id>, holds<IdPayload>},
    {PayloadType::kCert, decode<CertPayload, parse_cert>, holds<CertPayload>},
    {PayloadType::kCertReq, decode<CertPayload, parse_cert>, holds<CertPayload>},
    {PayloadType::kAuth, decode<AuthPayload, parse_auth>, holds<AuthPayload>},
    {PayloadType::kNonce, decode<NoncePayload, parse_nonce>, holds<NoncePayload>},
    {PayloadType::kNotify, decode<NotifyPayload, parse_notify>, holds<NotifyPayload>},
    {PayloadType::kDelete, decode<DeletePayload, parse_delete>, holds<DeletePayload>},
    {PayloadType::kVendorId, decode<VendorIdPayload, parse_vendor_id>, holds<VendorIdPayload>},
    {PayloadType::kTsi, decode<TsPayload, parse_ts>, holds<TsPayload>},
    {PayloadType::kTsr, decode<TsPayload, parse_ts>, holds<TsPayload>},
    {PayloadType::kConfiguration, decode<CpPayload, parse_cp>, holds<CpPayload>},
    {PayloadType::kEap, decode<EapPayload, parse_eap>, holds<EapPayload>},
};

const Descriptor* descriptor(PayloadType type) {
  for (const auto& d : kDescriptors)
    if (d.type == type) return &d;
  return nullptr;
}

ParseError in_payload(ParseError e, PayloadType type, size_t body_offset) {
  e.offset += body_offset;
  e.payload = type;
  e.text = payload_type_name(type) + " payload: " + e.text;
  return e;
}

Status encode_error(std::string text) {
  return fail(Error{ErrorCode::kInvalidArgument, std::move(text)});
}

}  // namespace

bool is_encrypted_type(PayloadType t) {
  return t == PayloadType::kEncrypted || t == PayloadType::kEncryptedFragment;
}

Result<PayloadType, ParseError> walk_chain(PayloadType first, ByteReader& r, size_t base,
                                           bool stop_at_encrypted, std::vector<Payload>& out) {
  PayloadType next = first;
  while (next != PayloadType::kNone) {
    const size_t at = base + r.position();
    if (is_encrypted_type(next)) {
      if (stop_at_encrypted) return next;
      ParseError e = syntax_error(at, payload_type_name(next) + " payload inside SK");
      e.payload = next;
      return fail(std::move(e));
    }
    auto next_field = r.u8();
    auto flags = r.u8();
    auto length = r.u16();
    if (!length) {
      ParseError e = syntax_error(at, payload_type_name(next) + " payload: truncated header");
      e.payload = next;
      return fail(std::move(e));
    }
    if (*length < kPayloadHeaderSize || *length - kPayloadHeaderSize > r.remaining()) {
      ParseError e = syntax_error(at, payload_type_name(next) + " payload: length " +
                                          num(*length) + " with " +
                                          num(r.remaining() + kPayloadHeaderSize) + " octets left");
      e.payload = next;
      return fail(std::move(e));
    }
    auto body = *r.bytes(*length - kPayloadHeaderSize);
    Payload p;
    p.type = next;
    p.critical = (*flags & kCriticalBit) != 0;
    if (const Descriptor* d = descriptor(next)) {
      auto decoded = d->decode(body);
      if (!decoded) return fail(in_payload(std::move(decoded.error()), next, at + 4));
      p.body = std::move(*decoded);
    } else if (p.critical) {
      // RFC 7296 3.2: refuse the message, answer UNSUPPORTED_CRITICAL_PAYLOAD(type).
      ParseError e;
      e.notify = NotifyType::kUnsupportedCriticalPayload;
      e.notify_data = {static_cast<uint8_t>(next)};
      e.payload = next;
      e.offset = at;
      e.text = "unsupported critical " + payload_type_name(next);
      return fail(std::move(e));
    } else {
      p.body = UnknownPayload{Bytes(body.begin(), body.end())};
    }
    out.push_back(std::move(p));
    next = static_cast<PayloadType>(*next_field);
  }
  if (!r.empty())
    return fail(syntax_error(base + r.position(),
                             num(r.remaining()) + " octets after the last payload"));
  return PayloadType::kNone;
}

Status check_payload(const Payload& p) {
  if (p.type == PayloadType::kNone || is_encrypted_type(p.type))
    return encode_error("payload of type " + payload_type_name(p.type) + " in a chain");
  if (std::holds_alternative<UnknownPayload>(p.body)) return {};
  const Descriptor* d = descriptor(p.type);
  if (!d || !d->matches(p.body))
    return encode_error(payload_type_name(p.type) + " payload with a body of another type");
  return {};
}

Status serialize_payloads(std::span<const Payload> payloads, PayloadType next_after_last,
                          ByteWriter& w) {
  for (size_t i = 0; i < payloads.size(); ++i) {
    const Payload& p = payloads[i];
    if (auto s = check_payload(p); !s) return s;
    const size_t start = w.size();
    w.u8(static_cast<uint8_t>(i + 1 < payloads.size() ? payloads[i + 1].type : next_after_last));
    w.u8(p.critical ? kCriticalBit : 0);
    w.u16(0);  // Payload Length, patched below
    auto s = std::visit([&w](const auto& body) { return serialize(body, w); }, p.body);
    if (!s) return s;
    if (w.size() - start > 0xffff)
      return fail(Error{ErrorCode::kOutOfRange,
                        payload_type_name(p.type) + " payload above 65535 octets"});
    w.patch_u16(start + 2, static_cast<uint16_t>(w.size() - start));
  }
  return {};
}

Result<std::vector<Payload>, ParseError> parse_payloads(PayloadType first,
                                                        std::span<const uint8_t> chain) {
  ByteReader r(chain);
  std::vector<Payload> out;
  auto end = walk_chain(first, r, 0, false, out);
  if (!end) return fail(std::move(end.error()));
  return out;
}

Result<Bytes> serialize_payloads(std::span<const Payload> payloads) {
  Bytes out;
  ByteWriter w(out);
  if (auto s = serialize_payloads(payloads, PayloadType::kNone, w); !s) return fail(s.error());
  return out;
}

PayloadType first_type(std::span<const Payload> payloads) {
  return payloads.empty() ? PayloadType::kNone : payloads.front().type;
}

Payload make_payload(PayloadType type, PayloadBody body) { return {type, false, std::move(body)}; }
Payload make_payload(SaPayload p) { return make_payload(PayloadType::kSa, std::move(p)); }
Payload make_payload(KePayload p) { return make_payload(PayloadType::kKe, std::move(p)); }
Payload make_payload(NoncePayload p) { return make_payload(PayloadType::kNonce, std::move(p)); }
Payload make_payload(NotifyPayload p) { return make_payload(PayloadType::kNotify, std::move(p)); }
Payload make_payload(DeletePayload p) { return make_payload(PayloadType::kDelete, std::move(p)); }
Payload make_payload(VendorIdPayload p) {
  return make_payload(PayloadType::kVendorId, std::move(p));
}
Payload make_payload(AuthPayload p) { return make_payload(PayloadType::kAuth, std::move(p)); }
Payload make_payload(CpPayload p) {
  return make_payload(PayloadType::kConfiguration, std::move(p));
}
Payload make_payload(EapPayload p) { return make_payload(PayloadType::kEap, std::move(p)); }

const Payload* find_payload(std::span<const Payload> payloads, PayloadType type) {
  for (const auto& p : payloads)
    if (p.type == type) return &p;
  return nullptr;
}

const NotifyPayload* find_notify(std::span<const Payload> payloads, NotifyType type) {
  for (const auto& p : payloads)
    if (const auto* n = p.get<NotifyPayload>(); n && n->type == type) return n;
  return nullptr;
}

const NotifyPayload* find_error_notify(std::span<const Payload> payloads) {
  for (const auto& p : payloads)
    if (const auto* n = p.get<NotifyPayload>(); n && n->is_error()) return n;
  return nullptr;
}

std::string describe(std::span<const Payload> payloads) {
  std::string s;
  for (const auto& p : payloads) {
    if (!s.empty()) s += ' ';
    s += payload_type_name(p.type);
    if (const auto* n = p.get<NotifyPayload>()) s += "(" + notify_type_name(n->type) + ")";
  }
  return s;
}

}  // namespace vgw::ike::wire
