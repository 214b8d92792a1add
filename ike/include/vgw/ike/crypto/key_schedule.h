// The IKEv2 key schedule: from the Diffie-Hellman shared secret and the nonces to the IKE SA's
// seven keys, and from SK_d to each Child SA's keys.
//
//   IKE SA (RFC 7296 2.14)
//     SKEYSEED = prf(Ni | Nr, g^ir)
//     {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi |
//     SPIr)
//   rekeyed IKE SA (2.18), with the old SA's PRF and SK_d and the new exchange's values
//     SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)      then as above with the new SPIs
//   Child SA (2.17), nonces of the exchange that creates it (IKE_AUTH: those of IKE_SA_INIT)
//     KEYMAT = prf+(SK_d, Ni | Nr)                 or, with PFS,
//     KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr)
//     split as: initiator->responder encryption key, integrity key, then responder->initiator
//     encryption key, integrity key
//
// Nonces are the Nonce Data fields, SPIs the 8-octet IKE header values (big-endian on the
// wire, as here). Key sizes come from the suite (suite.h): SK_d and SK_p* the PRF's key size,
// SK_a* the integrity key size (none for an AEAD), SK_e* and Child encryption keys include the
// AEAD's 4-octet salt (RFC 5282, RFC 4106 8.1, RFC 7634 2). The HMAC PRFs take keys of any
// length, so the whole nonces are used (the halving of 2.14 applies to fixed-key PRFs only).
#pragma once

#include <cstdint>
#include <span>

#include "vgw/base/result.h"
#include "vgw/ike/crypto/secret.h"
#include "vgw/ike/crypto/suite.h"
#include "vgw/ike/crypto/transform_id.h"

namespace vgw::ike::crypto {

struct IkeSaKeys {
  SecretBytes sk_d;   // derives Child SA keys and the next IKE SA's SKEYSEED
  SecretBytes sk_ai;  // integrity, initiator -> responder (empty for AEAD)
  SecretBytes sk_ar;  // integrity, responder -> initiator (empty for AEAD)
  SecretBytes sk_ei;  // encryption (|| salt), initiator -> responder
  SecretBytes sk_er;  // encryption (|| salt), responder -> initiator
  SecretBytes sk_pi;  // the initiator's AUTH (2.15)
  SecretBytes sk_pr;  // the responder's AUTH
};

// One direction of a Child SA: what esp::SaConfig takes as encryption_key and integrity_key.
struct ChildSaDirectionKeys {
  SecretBytes encryption;  // cipher key (|| salt for AEAD)
  SecretBytes integrity;   // empty for AEAD
};

struct ChildSaKeys {
  ChildSaDirectionKeys initiator_to_responder;
  ChildSaDirectionKeys responder_to_initiator;
};

Result<SecretBytes> skeyseed(PrfId prf, std::span<const uint8_t> ni, std::span<const uint8_t> nr,
                             std::span<const uint8_t> g_ir);

// old_prf and old_sk_d belong to the IKE SA being rekeyed; g_ir_new, ni and nr to the
// CREATE_CHILD_SA exchange that rekeys it.
Result<SecretBytes> rekey_skeyseed(PrfId old_prf, std::span<const uint8_t> old_sk_d,
                                   std::span<const uint8_t> g_ir_new, std::span<const uint8_t> ni,
                                   std::span<const uint8_t> nr);

Result<IkeSaKeys> derive_ike_sa_keys(const IkeSuite& suite, std::span<const uint8_t> skeyseed,
                                     std::span<const uint8_t> ni, std::span<const uint8_t> nr,
                                     uint64_t spi_i, uint64_t spi_r);

// g_ir_new is empty without PFS. prf is the IKE SA's PRF, sk_d its SK_d.
Result<ChildSaKeys> derive_child_sa_keys(PrfId prf, std::span<const uint8_t> sk_d,
                                         const EspSuite& esp, std::span<const uint8_t> g_ir_new,
                                         std::span<const uint8_t> ni, std::span<const uint8_t> nr);

}  // namespace vgw::ike::crypto
