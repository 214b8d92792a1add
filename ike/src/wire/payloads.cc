// Codecs of the small IKEv2 payload bodies (RFC 7296 3.4-3.12, 3.15, 3.16); SA is in sa.cc,
// TSi/TSr in traffic_selector.cc.
//
//   KE (3.4):      DH Group Num (2) | RESERVED (2) | Key Exchange Data
//   ID (3.5):      ID Type (1) | RESERVED (3) | Identification Data
//   CERT (3.6):    Cert Encoding (1) | Certificate Data            (CERTREQ 3.7 alike)
//   AUTH (3.8):    Auth Method (1) | RESERVED (3) | Authentication Data
//   Nonce (3.9):   Nonce Data (16..256)
//   N (3.10):      Protocol ID (1) | SPI Size (1) | Notify Message Type (2) | SPI | Data
//   D (3.11):      Protocol ID (1) | SPI Size (1) | Num of SPIs (2) | SPIs
//   V (3.12):      Vendor ID
//   CP (3.15):     CFG Type (1) | RESERVED (3) | attributes: R | Type (15) | Length (2) | Value
//   EAP (3.16):    the EAP message (opaque here)
// RESERVED fields are sent as zero and ignored on receipt (RFC 7296 3.2).
#include <algorithm>
#include <array>
#include <string>

#include "vgw/ike/wire/error.h"
#include "vgw/ike/wire/names.h"
#include "vgw/ike/wire/payloads.h"

namespace vgw::ike::wire {
namespace {

std::string num(size_t v) { return std::to_string(v); }

Bytes rest(ByteReader& r) {
  auto b = r.rest();
  return Bytes(b.begin(), b.end());
}

Status out_of_range(std::string what) {
  return fail(Error{ErrorCode::kOutOfRange, std::move(what)});
}

// The common "type octet + 3 RESERVED" prefix of ID, AUTH and CP.
std::optional<uint8_t> type_and_reserved(ByteReader& r) {
  auto t = r.u8();
  if (!t || !r.skip(3)) return std::nullopt;
  return t;
}

void write_type_and_reserved(ByteWriter& w, uint8_t type) {
  w.u8(type);
  w.zeros(3);
}

}  // namespace

ParseError syntax_error(size_t offset, std::string text) {
  ParseError e;
  e.notify = NotifyType::kInvalidSyntax;
  e.offset = offset;
  e.text = std::move(text);
  return e;
}

std::string to_string(const ParseError& e) {
  std::string s = e.notify == NotifyType::kNone ? std::string("drop") : notify_type_name(e.notify);
  s += " at offset " + num(e.offset) + ": " + e.text;
  return s;
}

Result<KePayload, ParseError> parse_ke(std::span<const uint8_t> body) {
  ByteReader r(body);
  auto group = r.u16();
  if (!group || !r.skip(2)) return fail(syntax_error(0, "shorter than 4 octets"));
  if (r.empty()) return fail(syntax_error(4, "no Key Exchange Data"));
  return KePayload{*group, rest(r)};
}

Status serialize(const KePayload& p, ByteWriter& w) {
  w.u16(p.group);
  w.u16(0);
  w.bytes(p.data);
  return {};
}

Result<IdPayload, ParseError> parse_id(std::span<const uint8_t> body) {
  ByteReader r(body);
  auto type = type_and_reserved(r);
  if (!type) return fail(syntax_error(0, "shorter than 4 octets"));
  IdPayload id{static_cast<IdType>(*type), rest(r)};
  if (id.data.empty()) return fail(syntax_error(4, "empty Identification Data"));
  if (id.type == IdType::kIpv4Addr && id.data.size() != 4)
    return fail(syntax_error(4, "ID_IPV4_ADDR of " + num(id.data.size()) + " octets"));
  if (id.type == IdType::kIpv6Addr && id.data.size() != 16)
    return fail(syntax_error(4, "ID_IPV6_ADDR of " + num(id.data.size()) + " octets"));
  return id;
}

std::optional<IpAddress> IdPayload::address() const {
  if (type == IdType::kIpv4Addr && data.size() == 4)
    return IpAddress::v4(std::array<uint8_t, 4>{data[0], data[1], data[2], data[3]});
  if (type == IdType::kIpv6Addr && data.size() == 16) {
    std::array<uint8_t, 16> b{};
    std::copy(data.begin(), data.end(), b.begin());
    return IpAddress::v6(b);
  }
  return std::nullopt;
}

IdPayload IdPayload::from_address(const IpAddress& a) {
  return {a.is_v4() ? IdType::kIpv4Addr : IdType::kIpv6Addr, Bytes(a.data(), a.data() + a.size())};
}

IdPayload IdPayload::fqdn(std::string_view name) {
  return {IdType::kFqdn, Bytes(name.begin(), name.end())};
}

Status serialize(const IdPayload& p, ByteWriter& w) {
  write_type_and_reserved(w, static_cast<uint8_t>(p.type));
  w.bytes(p.data);
  return {};
}

Result<CertPayload, ParseError> parse_cert(std::span<const uint8_t> body) {
  ByteReader r(body);
  auto encoding = r.u8();
  if (!encoding) return fail(syntax_error(0, "no Cert Encoding"));
  return CertPayload{static_cast<CertEncoding>(*encoding), rest(r)};
}

Status serialize(const CertPayload& p, ByteWriter& w) {
  w.u8(static_cast<uint8_t>(p.encoding));
  w.bytes(p.data);
  return {};
}

Result<AuthPayload, ParseError> parse_auth(std::span<const uint8_t> body) {
  ByteReader r(body);
  auto method = type_and_reserved(r);
  if (!method) return fail(syntax_error(0, "shorter than 4 octets"));
  if (r.empty()) return fail(syntax_error(4, "no Authentication Data"));
  return AuthPayload{static_cast<AuthMethod>(*method), rest(r)};
}

Status serialize(const AuthPayload& p, ByteWriter& w) {
  write_type_and_reserved(w, static_cast<uint8_t>(p.method));
  w.bytes(p.data);
  return {};
}

Result<NoncePayload, ParseError> parse_nonce(std::span<const uint8_t> body) {
  if (body.size() < kMinNonceSize || body.size() > kMaxNonceSize)
    return fail(syntax_error(0, "nonce of " + num(body.size()) + " octets (16..256)"));
  return NoncePayload{Bytes(body.begin(), body.end())};
}

Status serialize(const NoncePayload& p, ByteWriter& w) {
  w.bytes(p.data);
  return {};
}

Result<NotifyPayload, ParseError> parse_notify(std::span<const uint8_t> body) {
  ByteReader r(body);
  auto protocol = r.u8();
  auto spi_size = r.u8();
  auto type = r.u16();
  if (!type) return fail(syntax_error(0, "shorter than 4 octets"));
  NotifyPayload n;
  n.protocol = static_cast<ProtocolId>(*protocol);
  n.type = static_cast<NotifyType>(*type);
  auto spi = r.bytes(*spi_size);
  if (!spi)
    return fail(syntax_error(1, notify_type_name(n.type) + ": SPI size " + num(*spi_size) +
                                    " runs past the payload"));
  n.spi.assign(spi->begin(), spi->end());
  n.data = rest(r);
  return n;
}

Status serialize(const NotifyPayload& p, ByteWriter& w) {
  if (p.spi.size() > 255) return out_of_range("N payload: SPI above 255 octets");
  w.u8(static_cast<uint8_t>(p.protocol));
  w.u8(static_cast<uint8_t>(p.spi.size()));
  w.u16(static_cast<uint16_t>(p.type));
  w.bytes(p.spi);
  w.bytes(p.data);
  return {};
}

Result<DeletePayload, ParseError> parse_delete(std::span<const uint8_t> body) {
  ByteReader r(body);
  auto protocol = r.u8();
  auto spi_size = r.u8();
  auto count = r.u16();
  if (!count) return fail(syntax_error(0, "shorter than 4 octets"));
  DeletePayload d;
  d.protocol = static_cast<ProtocolId>(*protocol);
  switch (d.protocol) {
    case ProtocolId::kIke:  // RFC 7296 3.11: the IKE SA is the one of the header, no SPIs
      if (*spi_size != 0 || *count != 0 || !r.empty())
        return fail(syntax_error(1, "IKE SA deletion carries SPIs"));
      return d;
    case ProtocolId::kAh:
    case ProtocolId::kEsp:
      if (*spi_size != 4)
        return fail(syntax_error(1, "SPI size " + num(*spi_size) + " for " +
                                        protocol_id_name(d.protocol)));
      if (r.remaining() != size_t{*count} * 4)
        return fail(syntax_error(2, "Num of SPIs " + num(*count) + " but " +
                                        num(r.remaining()) + " octets of SPIs"));
      while (!r.empty()) d.spis.push_back(*r.u32());
      return d;
    default:
      return fail(syntax_error(0, "protocol ID " + num(*protocol)));
  }
}

Status serialize(const DeletePayload& p, ByteWriter& w) {
  if (p.spis.size() > 0xffff) return out_of_range("D payload: more than 65535 SPIs");
  if (p.protocol == ProtocolId::kIke && !p.spis.empty())
    return out_of_range("D payload: IKE SA deletion with SPIs");
  w.u8(static_cast<uint8_t>(p.protocol));
  w.u8(p.protocol == ProtocolId::kIke ? 0 : 4);
  w.u16(static_cast<uint16_t>(p.spis.size()));
  for (uint32_t spi : p.spis) w.u32(spi);
  return {};
}

Result<VendorIdPayload, ParseError> parse_vendor_id(std::span<const uint8_t> body) {
  if (body.empty()) return fail(syntax_error(0, "empty Vendor ID"));
  return VendorIdPayload{Bytes(body.begin(), body.end())};
}

Status serialize(const VendorIdPayload& p, ByteWriter& w) {
  w.bytes(p.data);
  return {};
}

Result<CpPayload, ParseError> parse_cp(std::span<const uint8_t> body) {
  ByteReader r(body);
  auto type = type_and_reserved(r);
  if (!type) return fail(syntax_error(0, "shorter than 4 octets"));
  if (*type < 1 || *type > 4) return fail(syntax_error(0, "CFG Type " + num(*type)));
  CpPayload cp;
  cp.type = static_cast<CfgType>(*type);
  while (!r.empty()) {
    const size_t at = r.position();
    auto attr_type = r.u16();
    auto length = r.u16();
    if (!length) return fail(syntax_error(at, "truncated configuration attribute"));
    auto value = r.bytes(*length);
    if (!value)
      return fail(syntax_error(at, cfg_attribute_name(*attr_type & 0x7fff) + " length " +
                                       num(*length) + " runs past the payload"));
    cp.attributes.push_back({static_cast<uint16_t>(*attr_type & 0x7fff),  // R bit ignored
                             Bytes(value->begin(), value->end())});
  }
  return cp;
}

Status serialize(const CpPayload& p, ByteWriter& w) {
  write_type_and_reserved(w, static_cast<uint8_t>(p.type));
  for (const CpAttribute& a : p.attributes) {
    if (a.type > 0x7fff || a.value.size() > 0xffff)
      return out_of_range("CP payload: attribute type or length out of range");
    w.u16(a.type);
    w.u16(static_cast<uint16_t>(a.value.size()));
    w.bytes(a.value);
  }
  return {};
}

Result<EapPayload, ParseError> parse_eap(std::span<const uint8_t> body) {
  // RFC 3748 4: Code (1) | Identifier (1) | Length (2) | ...; the EAP layer checks the rest.
  if (body.size() < 4) return fail(syntax_error(0, "EAP message shorter than 4 octets"));
  return EapPayload{Bytes(body.begin(), body.end())};
}

Status serialize(const EapPayload& p, ByteWriter& w) {
  w.bytes(p.data);
  return {};
}

Status serialize(const UnknownPayload& p, ByteWriter& w) {
  w.bytes(p.data);
  return {};
}

}  // namespace vgw::ike::wire
