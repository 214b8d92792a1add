// Proposal building and selection (proposal.h; RFC 7296 2.7, 3.3.1-3.3.6).
#include "vgw/ike/proposal.h"

#include <vector>

#include "vgw/ike/wire/names.h"

namespace vgw::ike {
namespace {

using crypto::Cipher;
using crypto::DhGroup;
using crypto::EncrId;
using crypto::IntegId;
using crypto::PrfId;
using wire::Transform;
using wire::TransformType;

Transform encr_transform(const Cipher& c) {
  Transform t{TransformType::kEncr, static_cast<uint16_t>(c.id), {}};
  // RFC 7634 2: ChaCha20-Poly1305 has a fixed key size and no Key Length attribute.
  if (c.id != EncrId::kChaCha20Poly1305)
    t.attributes.push_back(wire::TransformAttribute::key_length(c.key_bits));
  return t;
}

Transform simple(TransformType type, uint16_t id) { return Transform{type, id, {}}; }

// The ciphers of a proposal vgw knows, in offered order.
std::vector<Cipher> ciphers(const wire::Proposal& p) {
  std::vector<Cipher> out;
  for (const Transform* t : p.of_type(TransformType::kEncr)) {
    Cipher c{static_cast<EncrId>(t->id), 0};
    if (!crypto::is_known(c.id)) continue;
    auto bits = t->key_length();
    if (bits) c.key_bits = *bits;
    else if (c.id == EncrId::kChaCha20Poly1305) c.key_bits = 256;
    else continue;  // AES needs its Key Length attribute (RFC 7296 3.3.5)
    out.push_back(c);
  }
  return out;
}

std::vector<uint16_t> ids(const wire::Proposal& p, TransformType type) {
  std::vector<uint16_t> out;
  for (const Transform* t : p.of_type(type)) out.push_back(t->id);
  return out;
}

std::vector<IntegId> integs_for(const Cipher& c, const std::vector<uint16_t>& offered) {
  std::vector<IntegId> out;
  for (uint16_t i : offered) out.push_back(static_cast<IntegId>(i));
  if (crypto::is_aead(c.id) && out.empty()) out.push_back(IntegId::kNone);
  return out;
}

std::string transform_list(const wire::Proposal& p) {
  std::string s;
  for (const Transform& t : p.transforms) {
    if (!s.empty()) s += "/";
    s += wire::transform_id_name(t.type, t.id);
    if (auto bits = t.key_length()) s += "_" + std::to_string(*bits);
  }
  return s;
}

}  // namespace

wire::Proposal ike_proposal(const crypto::IkeSuite& s, uint8_t number,
                            std::span<const uint8_t> spi) {
  wire::Proposal p;
  p.number = number;
  p.protocol = wire::ProtocolId::kIke;
  p.spi.assign(spi.begin(), spi.end());
  p.transforms.push_back(encr_transform(s.encr));
  p.transforms.push_back(simple(TransformType::kPrf, static_cast<uint16_t>(s.prf)));
  if (!s.is_aead())
    p.transforms.push_back(simple(TransformType::kInteg, static_cast<uint16_t>(s.integ)));
  p.transforms.push_back(simple(TransformType::kDh, static_cast<uint16_t>(s.dh)));
  return p;
}

wire::Proposal esp_proposal(const crypto::EspSuite& s, uint8_t number, uint32_t spi,
                            bool with_dh) {
  wire::Proposal p;
  p.number = number;
  p.protocol = wire::ProtocolId::kEsp;
  p.spi = {static_cast<uint8_t>(spi >> 24), static_cast<uint8_t>(spi >> 16),
           static_cast<uint8_t>(spi >> 8), static_cast<uint8_t>(spi)};
  p.transforms.push_back(encr_transform(s.encr));
  if (!s.is_aead())
    p.transforms.push_back(simple(TransformType::kInteg, static_cast<uint16_t>(s.integ)));
  if (with_dh && s.dh)
    p.transforms.push_back(simple(TransformType::kDh, static_cast<uint16_t>(*s.dh)));
  p.transforms.push_back(simple(TransformType::kEsn, s.esn ? wire::esn::kYes : wire::esn::kNo));
  return p;
}

wire::SaPayload ike_offer(std::span<const crypto::IkeSuite> suites,
                          std::span<const uint8_t> spi) {
  wire::SaPayload sa;
  uint8_t n = 1;
  for (const auto& s : suites) sa.proposals.push_back(ike_proposal(s, n++, spi));
  return sa;
}

wire::SaPayload esp_offer(std::span<const crypto::EspSuite> suites, uint32_t spi,
                          bool with_dh) {
  wire::SaPayload sa;
  uint8_t n = 1;
  for (const auto& s : suites) sa.proposals.push_back(esp_proposal(s, n++, spi, with_dh));
  return sa;
}

std::optional<IkeChoice> select_ike(const wire::SaPayload& offer,
                                    std::span<const crypto::IkeSuite> ours) {
  for (const wire::Proposal& p : offer.proposals) {
    if (p.protocol != wire::ProtocolId::kIke) continue;
    const auto integ_ids = ids(p, TransformType::kInteg);
    const auto prfs = ids(p, TransformType::kPrf);
    const auto dhs = ids(p, TransformType::kDh);
    for (const Cipher& c : ciphers(p))
      for (IntegId i : integs_for(c, integ_ids))
        for (uint16_t prf : prfs)
          for (uint16_t dh : dhs) {
            crypto::IkeSuite s{c, i, static_cast<PrfId>(prf), static_cast<DhGroup>(dh)};
            for (const auto& o : ours)
              if (o == s) return IkeChoice{s, p.number, p.spi};
          }
  }
  return std::nullopt;
}

std::optional<EspChoice> select_esp(const wire::SaPayload& offer,
                                    std::span<const crypto::EspSuite> ours, bool ignore_dh) {
  for (const wire::Proposal& p : offer.proposals) {
    if (p.protocol != wire::ProtocolId::kEsp || p.spi.size() != 4) continue;
    const uint32_t spi = uint32_t{p.spi[0]} << 24 | uint32_t{p.spi[1]} << 16 |
                         uint32_t{p.spi[2]} << 8 | p.spi[3];
    const auto integ_ids = ids(p, TransformType::kInteg);
    auto dhs = ids(p, TransformType::kDh);
    if (dhs.empty() || ignore_dh) dhs = {wire::dh::kNone};
    auto esns = ids(p, TransformType::kEsn);
    if (esns.empty()) esns = {wire::esn::kNo};
    for (const Cipher& c : ciphers(p))
      for (IntegId i : integs_for(c, integ_ids))
        for (uint16_t dh : dhs)
          for (uint16_t esn : esns) {
            crypto::EspSuite s{c, i, std::nullopt, esn == wire::esn::kYes};
            if (dh != wire::dh::kNone) s.dh = static_cast<DhGroup>(dh);
            for (const crypto::EspSuite& o : ours)
              if (o.encr == s.encr && o.integ == s.integ && o.esn == s.esn &&
                  (ignore_dh || o.dh == s.dh))
                return EspChoice{s, p.number, spi};
          }
  }
  return std::nullopt;
}

std::string describe_offer(const wire::SaPayload& sa) {
  std::string out;
  for (const wire::Proposal& p : sa.proposals) {
    if (!out.empty()) out += ", ";
    out += transform_list(p);
  }
  return out.empty() ? "none" : out;
}

std::string describe_suites(std::span<const crypto::IkeSuite> suites) {
  std::string out;
  for (const auto& s : suites) out += (out.empty() ? "" : ", ") + s.name();
  return out.empty() ? "none" : out;
}

std::string describe_suites(std::span<const crypto::EspSuite> suites) {
  std::string out;
  for (const auto& s : suites) out += (out.empty() ? "" : ", ") + s.name();
  return out.empty() ? "none" : out;
}

}  // namespace vgw::ike
