// Cipher suites: which algorithms an IKE SA or a Child SA uses, the key sizes they imply, and
// the strongSwan proposal keywords that name them.
//
// IkeSuite and EspSuite are one negotiated combination, independent of the wire codec's
// Proposal type: the exchanges build one from the transforms a peer chose and hand it to the
// key schedule (key_schedule.h) and the SK payload cipher (sk_cipher.h). IkeAlgorithms and
// EspAlgorithms are what one configured proposal offers: several algorithms of each kind in
// order of preference, as strongSwan writes them (docs.strongswan.org, "Algorithm Proposals"):
//
//   IKE  aes256-sha256-modp2048             AES-CBC-256, HMAC-SHA2-256-128, PRF from the
//                                           integrity algorithm (prfsha256), MODP 2048
//        aes128-sha256-sha384-modp3072      two integrity algorithms and so two PRFs
//        aes128gcm16-prfsha256-ecp256       AEAD: a PRF is named explicitly (an integrity
//                                           keyword there names the PRF and is dropped)
//        aes256gcm16-prfsha384-x25519
//   ESP  aes128gcm16, aes256gcm16-ecp256 (PFS group), aes128-sha256, aes256-sha512-modp2048,
//        chacha20poly1305, ...-esn / -noesn
//
// Keywords (aliases in brackets): aes128 [aes] aes192 aes256; aes128gcm16 [aes128gcm128]
// aes192gcm16 aes256gcm16; chacha20poly1305; sha256 [sha2_256] sha384 [sha2_384] sha512
// [sha2_512]; prfsha256 prfsha384 prfsha512; modp2048 modp3072 modp4096 ecp256 ecp384 ecp521
// curve25519 [x25519]. Names print back in the first spelling. A proposal may not mix AEAD and
// classic ciphers (RFC 7296 3.3: they go in separate proposals). ESP GCM is 128 or 256 bits
// only, as the ESP dataplane implements it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/ike/crypto/transform_id.h"

namespace vgw::ike::crypto {

// An encryption transform with its Key Length attribute.
struct Cipher {
  EncrId id = EncrId::kAesGcm16;
  uint16_t key_bits = 256;
  friend bool operator==(const Cipher&, const Cipher&) = default;
};

struct IkeSuite {
  Cipher encr;
  IntegId integ = IntegId::kNone;  // kNone exactly when encr is an AEAD
  PrfId prf = PrfId::kHmacSha256;
  DhGroup dh = DhGroup::kCurve25519;

  bool is_aead() const { return crypto::is_aead(encr.id); }
  // RFC 7296 2.14: SK_d, SK_pi, SK_pr take the PRF's preferred key size; SK_ai/SK_ar the
  // integrity key size (0 with an AEAD); SK_ei/SK_er the cipher key plus an AEAD's salt.
  size_t sk_d_size() const { return prf_size(prf); }
  size_t sk_a_size() const { return integ_key_size(integ); }
  size_t sk_e_size() const { return encr_key_size(encr.id, encr.key_bits); }
  size_t sk_p_size() const { return prf_size(prf); }
  // All seven keys: the prf+ output length the key schedule asks for.
  size_t keymat_size() const { return sk_d_size() + 2 * (sk_a_size() + sk_e_size() + sk_p_size()); }
  // Canonical keyword string, e.g. "aes256-sha256-modp2048" (the PRF is left out when the
  // integrity algorithm implies it) or "aes256gcm16-prfsha384-curve25519".
  std::string name() const;

  friend bool operator==(const IkeSuite&, const IkeSuite&) = default;
};

struct EspSuite {
  Cipher encr;
  IntegId integ = IntegId::kNone;  // kNone exactly when encr is an AEAD
  std::optional<DhGroup> dh;       // PFS group for CREATE_CHILD_SA, if any
  bool esn = false;                // extended sequence numbers (RFC 4303 2.2.1)

  bool is_aead() const { return crypto::is_aead(encr.id); }
  // Per direction: the cipher key (|| 4-octet salt for AEAD, RFC 4106 8.1 / RFC 7634 2) and the
  // integrity key (0 for AEAD), taken in that order from KEYMAT (RFC 7296 2.17).
  size_t encr_key_size() const { return crypto::encr_key_size(encr.id, encr.key_bits); }
  size_t integ_key_size() const { return crypto::integ_key_size(integ); }
  // Both directions: the KEYMAT length.
  size_t keymat_size() const { return 2 * (encr_key_size() + integ_key_size()); }
  // Canonical keyword string, e.g. "aes128gcm16", "aes256-sha512-modp2048", "aes128-sha256-esn".
  std::string name() const;

  friend bool operator==(const EspSuite&, const EspSuite&) = default;
};

// Refuses combinations the SA must not use: unknown IDs, wrong key sizes, a classic cipher
// without integrity or an AEAD with one, the SHA-1 PRF, an ESP GCM key of 192 bits.
Status validate(const IkeSuite& suite);
Status validate(const EspSuite& suite);

// One configured proposal: every list in order of preference, none empty except esp dh (no
// PFS). esn lists the ESN choices offered (false = noesn), default {false}.
struct IkeAlgorithms {
  std::vector<Cipher> encr;
  std::vector<IntegId> integ;  // empty for AEAD proposals
  std::vector<PrfId> prf;
  std::vector<DhGroup> dh;

  // Every combination, most preferred first (encryption varies slowest).
  std::vector<IkeSuite> suites() const;
  std::string name() const;
  friend bool operator==(const IkeAlgorithms&, const IkeAlgorithms&) = default;
};

struct EspAlgorithms {
  std::vector<Cipher> encr;
  std::vector<IntegId> integ;  // empty for AEAD proposals
  std::vector<DhGroup> dh;     // empty: no PFS
  std::vector<bool> esn = {false};

  std::vector<EspSuite> suites() const;
  std::string name() const;
  friend bool operator==(const EspAlgorithms&, const EspAlgorithms&) = default;
};

// A dash-separated strongSwan proposal. Errors name the offending keyword.
Result<IkeAlgorithms> parse_ike_algorithms(std::string_view proposal);
Result<EspAlgorithms> parse_esp_algorithms(std::string_view proposal);
// A proposal naming exactly one algorithm of each kind (two integrity keywords are two suites,
// an error here).
Result<IkeSuite> parse_ike_suite(std::string_view proposal);
Result<EspSuite> parse_esp_suite(std::string_view proposal);

// Keyword of one algorithm ("aes256gcm16", "sha384", "prfsha512", "ecp521").
std::string keyword(const Cipher& cipher);
std::string keyword(IntegId id);
std::string keyword(PrfId id);
std::string keyword(DhGroup group);

}  // namespace vgw::ike::crypto
