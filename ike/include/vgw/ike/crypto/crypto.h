// vgw::ike_crypto: the cryptography of IKEv2 (RFC 7296), over OpenSSL 3, with no knowledge of
// the wire format and no dependency on esp/ (IKE hands Child SA keys to routing/, which installs
// them into the dataplane).
//
// How one IKE SA flows through it:
//   1. IKE_SA_INIT    random_nonce(), random_ike_spi(); DhKeyPair::generate(suite.dh) gives the
//                     KE payload; shared_secret(peer KE) gives g^ir           (random.h, dh.h)
//   2. keys           skeyseed() then derive_ike_sa_keys() -> SK_d, SK_a*, SK_e*, SK_p*
//                                                                            (key_schedule.h)
//   3. IKE_AUTH       SkCipher per direction protects SK {...} (sk_cipher.h); psk_auth() makes
//                     and checks the AUTH payload (auth.h)
//   4. Child SAs      derive_child_sa_keys() from SK_d (and a PFS g^ir); rekey_skeyseed() for a
//                     new IKE SA                                              (key_schedule.h)
// IkeSuite / EspSuite (suite.h) say which algorithms, and parse and print strongSwan proposal
// keywords; the IDs in transform_id.h are the IANA numbers, prf.h is prf and prf+ (2.13), and
// every key is SecretBytes (secret.h), wiped when freed.
#pragma once

#include "vgw/ike/crypto/auth.h"
#include "vgw/ike/crypto/dh.h"
#include "vgw/ike/crypto/key_schedule.h"
#include "vgw/ike/crypto/prf.h"
#include "vgw/ike/crypto/random.h"
#include "vgw/ike/crypto/secret.h"
#include "vgw/ike/crypto/sk_cipher.h"
#include "vgw/ike/crypto/suite.h"
#include "vgw/ike/crypto/transform_id.h"
