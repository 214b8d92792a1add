// Pre-shared key AUTH (see auth.h).
#include "vgw/ike/crypto/auth.h"

#include "vgw/ike/crypto/prf.h"

namespace vgw::ike::crypto {

Result<std::vector<uint8_t>> signed_octets(PrfId prf_id, std::span<const uint8_t> real_message,
                                           std::span<const uint8_t> peer_nonce,
                                           std::span<const uint8_t> sk_p,
                                           std::span<const uint8_t> id_payload_rest) {
  if (real_message.empty()) return fail(Error::invalid("AUTH needs the IKE_SA_INIT message"));
  if (peer_nonce.empty()) return fail(Error::invalid("AUTH needs the peer's nonce"));
  if (id_payload_rest.empty()) return fail(Error::invalid("AUTH needs the ID payload"));
  auto maced_id = prf(prf_id, sk_p, {id_payload_rest});
  if (!maced_id) return fail(std::move(maced_id.error()));
  std::vector<uint8_t> out;
  out.reserve(real_message.size() + peer_nonce.size() + maced_id->size());
  out.insert(out.end(), real_message.begin(), real_message.end());
  out.insert(out.end(), peer_nonce.begin(), peer_nonce.end());
  out.insert(out.end(), maced_id->span().begin(), maced_id->span().end());
  return out;
}

Result<SecretBytes> psk_auth(PrfId prf_id, std::span<const uint8_t> shared_secret,
                             std::span<const uint8_t> octets) {
  if (shared_secret.empty()) return fail(Error::invalid("pre-shared key is empty"));
  const std::span<const uint8_t> pad(reinterpret_cast<const uint8_t*>(kKeyPad.data()),
                                     kKeyPad.size());
  auto key = prf(prf_id, shared_secret, {pad});
  if (!key) return fail(std::move(key.error()));
  return prf(prf_id, *key, {octets});
}

Result<SecretBytes> psk_auth(PrfId prf_id, std::span<const uint8_t> shared_secret,
                             std::span<const uint8_t> real_message,
                             std::span<const uint8_t> peer_nonce, std::span<const uint8_t> sk_p,
                             std::span<const uint8_t> id_payload_rest) {
  auto octets = signed_octets(prf_id, real_message, peer_nonce, sk_p, id_payload_rest);
  if (!octets) return fail(std::move(octets.error()));
  return psk_auth(prf_id, shared_secret, *octets);
}

bool auth_matches(std::span<const uint8_t> expected, std::span<const uint8_t> received) {
  return !expected.empty() && equal_constant_time(expected, received);
}

}  // namespace vgw::ike::crypto
