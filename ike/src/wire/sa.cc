// SA payload codec (RFC 7296 3.3): proposals, transforms and transform attributes.
//
// SA payload body: Proposal substructures, back to back.
// Proposal (3.3.1):
//   Last Substruc (1: 0 last, 2 more) | RESERVED (1) | Proposal Length (2) |
//   Proposal Num (1) | Protocol ID (1) | SPI Size (1) | Num Transforms (1) | SPI | Transforms
// Transform (3.3.2):
//   Last Substruc (1: 0 last, 3 more) | RESERVED (1) | Transform Length (2) |
//   Transform Type (1) | RESERVED (1) | Transform ID (2) | Transform Attributes
// Attribute (3.3.5):
//   AF (1 bit) | Attribute Type (15) | AF=0: Length (2) + Value; AF=1: Value (2)
// SPI Size (3.3.1): IKE 0 (initial negotiation) or 8 (rekey), AH/ESP 4. Which of the two IKE
// sizes an exchange needs is a payload rule (rules.h), not a layout rule.
#include <string>

#include "vgw/ike/wire/names.h"
#include "vgw/ike/wire/payloads.h"

namespace vgw::ike::wire {
namespace {

constexpr size_t kSubstructHeader = 4;  // Last Substruc, RESERVED, Length
constexpr uint8_t kLastProposal = 0;
constexpr uint8_t kMoreProposals = 2;
constexpr uint8_t kLastTransform = 0;
constexpr uint8_t kMoreTransforms = 3;

std::string num(size_t v) { return std::to_string(v); }

Result<TransformAttribute, ParseError> parse_attribute(ByteReader& r, size_t base) {
  const size_t at = base + r.position();
  auto word = r.u16();
  auto len_or_value = r.u16();
  if (!len_or_value) return fail(syntax_error(at, "truncated transform attribute"));
  TransformAttribute a;
  a.type = *word & 0x7fff;
  a.tv = (*word & transform_attr::kFormatTv) != 0;
  if (a.tv) {
    a.value = {static_cast<uint8_t>(*len_or_value >> 8), static_cast<uint8_t>(*len_or_value)};
    return a;
  }
  auto value = r.bytes(*len_or_value);
  if (!value)
    return fail(syntax_error(at, "transform attribute " + num(a.type) + " length " +
                                     num(*len_or_value) + " runs past its transform"));
  a.value.assign(value->begin(), value->end());
  return a;
}

// Decodes one transform starting at r's position; `last` receives its Last Substruc.
Result<Transform, ParseError> parse_transform(ByteReader& r, size_t base, uint8_t& last) {
  const size_t at = base + r.position();
  auto last_field = r.u8();
  r.skip(1);  // RESERVED
  auto length = r.u16();
  if (!length) return fail(syntax_error(at, "truncated transform header"));
  if (*last_field != kLastTransform && *last_field != kMoreTransforms)
    return fail(syntax_error(at, "transform Last Substruc " + num(*last_field) + " (0 or 3)"));
  if (*length < 8)
    return fail(syntax_error(at, "transform length " + num(*length) + " below 8"));
  auto body = r.sub(*length - kSubstructHeader);
  if (!body)
    return fail(syntax_error(at, "transform length " + num(*length) + " runs past its proposal"));
  last = *last_field;
  Transform t;
  t.type = static_cast<TransformType>(*body->u8());
  body->skip(1);  // RESERVED
  t.id = *body->u16();
  while (!body->empty()) {  // body positions count from the end of the transform header
    auto a = parse_attribute(*body, at + kSubstructHeader);
    if (!a) return fail(std::move(a.error()));
    t.attributes.push_back(std::move(*a));
  }
  return t;
}

bool spi_size_fits(ProtocolId p, size_t size) {
  switch (p) {
    case ProtocolId::kIke: return size == 0 || size == 8;
    case ProtocolId::kAh:
    case ProtocolId::kEsp: return size == 4;
    default: return true;  // unknown protocols are for negotiation to refuse
  }
}

// Decodes the proposal body after its 4-octet substructure header.
Result<Proposal, ParseError> parse_proposal(ByteReader& r, size_t at) {
  Proposal p;
  auto number = r.u8();
  auto protocol = r.u8();
  auto spi_size = r.u8();
  auto count = r.u8();
  if (!count) return fail(syntax_error(at, "truncated proposal"));
  p.number = *number;
  p.protocol = static_cast<ProtocolId>(*protocol);
  if (!spi_size_fits(p.protocol, *spi_size))
    return fail(syntax_error(at, "proposal " + num(p.number) + ": SPI size " + num(*spi_size) +
                                     " for " + protocol_id_name(p.protocol)));
  auto spi = r.bytes(*spi_size);
  if (!spi) return fail(syntax_error(at, "proposal " + num(p.number) + ": SPI runs past it"));
  p.spi.assign(spi->begin(), spi->end());
  uint8_t last = kMoreTransforms;
  // The reader's positions count from the proposal body, 4 octets after `at`.
  const size_t base = at + kSubstructHeader;
  while (!r.empty()) {
    if (last == kLastTransform)
      return fail(syntax_error(base + r.position(),
                               "proposal " + num(p.number) + ": data after the last transform"));
    auto t = parse_transform(r, base, last);
    if (!t) {
      t.error().text = "proposal " + num(p.number) + ": " + t.error().text;
      return fail(std::move(t.error()));
    }
    p.transforms.push_back(std::move(*t));
  }
  if (!p.transforms.empty() && last != kLastTransform)
    return fail(syntax_error(at, "proposal " + num(p.number) + ": last transform says more follow"));
  if (p.transforms.size() != *count)
    return fail(syntax_error(at, "proposal " + num(p.number) + ": Num Transforms " + num(*count) +
                                     " but " + num(p.transforms.size()) + " present"));
  return p;
}

Status too_big(const std::string& what) {
  return fail(Error{ErrorCode::kOutOfRange, "SA payload: " + what});
}

}  // namespace

TransformAttribute TransformAttribute::key_length(uint16_t bits) {
  return {transform_attr::kKeyLength, true,
          {static_cast<uint8_t>(bits >> 8), static_cast<uint8_t>(bits)}};
}

std::optional<uint16_t> Transform::key_length() const {
  for (const auto& a : attributes)
    if (a.type == transform_attr::kKeyLength && a.tv && a.value.size() == 2)
      return static_cast<uint16_t>(a.value[0] << 8 | a.value[1]);
  return std::nullopt;
}

std::vector<const Transform*> Proposal::of_type(TransformType type) const {
  std::vector<const Transform*> out;
  for (const auto& t : transforms)
    if (t.type == type) out.push_back(&t);
  return out;
}

Result<SaPayload, ParseError> parse_sa(std::span<const uint8_t> body) {
  ByteReader r(body);
  SaPayload sa;
  uint8_t last = kMoreProposals;
  while (!r.empty()) {
    const size_t at = r.position();
    if (last == kLastProposal) return fail(syntax_error(at, "data after the last proposal"));
    auto last_field = r.u8();
    r.skip(1);  // RESERVED
    auto length = r.u16();
    if (!length) return fail(syntax_error(at, "truncated proposal header"));
    if (*last_field != kLastProposal && *last_field != kMoreProposals)
      return fail(syntax_error(at, "proposal Last Substruc " + num(*last_field) + " (0 or 2)"));
    if (*length < 8) return fail(syntax_error(at, "proposal length " + num(*length) + " below 8"));
    auto proposal = r.sub(*length - kSubstructHeader);
    if (!proposal)
      return fail(syntax_error(at, "proposal length " + num(*length) + " runs past the payload"));
    auto p = parse_proposal(*proposal, at);
    if (!p) return fail(std::move(p.error()));
    sa.proposals.push_back(std::move(*p));
    last = *last_field;
  }
  if (sa.proposals.empty()) return fail(syntax_error(0, "no proposals"));
  if (last != kLastProposal) return fail(syntax_error(0, "last proposal says more follow"));
  return sa;
}

Status serialize(const SaPayload& sa, ByteWriter& w) {
  for (size_t i = 0; i < sa.proposals.size(); ++i) {
    const Proposal& p = sa.proposals[i];
    if (p.spi.size() > 255) return too_big("SPI above 255 octets");
    if (p.transforms.size() > 255) return too_big("more than 255 transforms");
    const size_t start = w.size();
    w.u8(i + 1 == sa.proposals.size() ? kLastProposal : kMoreProposals);
    w.u8(0);
    w.u16(0);  // Proposal Length, patched below
    w.u8(p.number);
    w.u8(static_cast<uint8_t>(p.protocol));
    w.u8(static_cast<uint8_t>(p.spi.size()));
    w.u8(static_cast<uint8_t>(p.transforms.size()));
    w.bytes(p.spi);
    for (size_t j = 0; j < p.transforms.size(); ++j) {
      const Transform& t = p.transforms[j];
      const size_t tstart = w.size();
      w.u8(j + 1 == p.transforms.size() ? kLastTransform : kMoreTransforms);
      w.u8(0);
      w.u16(0);  // Transform Length, patched below
      w.u8(static_cast<uint8_t>(t.type));
      w.u8(0);
      w.u16(t.id);
      for (const TransformAttribute& a : t.attributes) {
        if (a.type > 0x7fff) return too_big("attribute type above 15 bits");
        if (a.tv) {
          if (a.value.size() != 2) return too_big("TV attribute value is not 2 octets");
          w.u16(static_cast<uint16_t>(a.type | transform_attr::kFormatTv));
          w.bytes(a.value);
        } else {
          if (a.value.size() > 0xffff) return too_big("attribute value above 65535 octets");
          w.u16(a.type);
          w.u16(static_cast<uint16_t>(a.value.size()));
          w.bytes(a.value);
        }
      }
      if (w.size() - tstart > 0xffff) return too_big("transform above 65535 octets");
      w.patch_u16(tstart + 2, static_cast<uint16_t>(w.size() - tstart));
    }
    if (w.size() - start > 0xffff) return too_big("proposal above 65535 octets");
    w.patch_u16(start + 2, static_cast<uint16_t>(w.size() - start));
  }
  return {};
}

}  // namespace vgw::ike::wire
