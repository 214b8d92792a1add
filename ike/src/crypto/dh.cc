// Diffie-Hellman over OpenSSL 3 EVP_PKEY (see dh.h).
#include "vgw/ike/crypto/dh.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <string>

namespace vgw::ike::crypto {
namespace {

enum class Family : uint8_t { kModp, kEcp, kX25519 };

// RFC 3526 / RFC 5903 / RFC 8031 groups as OpenSSL names them.
struct GroupInfo {
  DhGroup group;
  Family family;
  const char* name;           // OpenSSL group name (FFC named group or EC curve)
  int nid;                    // EC curves only
  BIGNUM* (*prime)(BIGNUM*);  // MODP only: the RFC 3526 modulus
};

// clang-format off
constexpr GroupInfo kGroups[] = {
    {DhGroup::kModp2048,   Family::kModp,   "modp_2048", 0, BN_get_rfc3526_prime_2048},
    {DhGroup::kModp3072,   Family::kModp,   "modp_3072", 0, BN_get_rfc3526_prime_3072},
    {DhGroup::kModp4096,   Family::kModp,   "modp_4096", 0, BN_get_rfc3526_prime_4096},
    {DhGroup::kEcp256,     Family::kEcp,    "P-256",     NID_X9_62_prime256v1, nullptr},
    {DhGroup::kEcp384,     Family::kEcp,    "P-384",     NID_secp384r1,        nullptr},
    {DhGroup::kEcp521,     Family::kEcp,    "P-521",     NID_secp521r1,        nullptr},
    {DhGroup::kCurve25519, Family::kX25519, "X25519",    0,                    nullptr},
};
// clang-format on

const GroupInfo* group_info(DhGroup group) {
  for (const GroupInfo& g : kGroups)
    if (g.group == group) return &g;
  return nullptr;
}

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
struct BnCtxFree {
  void operator()(BN_CTX* ctx) const { BN_CTX_free(ctx); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct EcGroupFree {
  void operator()(EC_GROUP* g) const { EC_GROUP_free(g); }
};
struct EcPointFree {
  void operator()(EC_POINT* p) const { EC_POINT_clear_free(p); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using PkeyPtr = DhKeyPair::PkeyPtr;

Error openssl_failed(const char* what) { return Error::internal(std::string(what) + " failed"); }

std::string group_label(DhGroup group) {
  return "DH group " + std::to_string(static_cast<unsigned>(group));
}

// A BIGNUM as OSSL_PARAM wants it: native-endian, in a buffer that is wiped afterwards.
SecretBytes native_octets(const BIGNUM* bn, size_t size) {
  SecretBytes out(size);
  BN_bn2nativepad(bn, out.data(), static_cast<int>(size));
  return out;
}

// Builds a key from OSSL_PARAMs (selection: EVP_PKEY_KEYPAIR or EVP_PKEY_PUBLIC_KEY).
Result<PkeyPtr> key_from_params(const char* algorithm, int selection, OSSL_PARAM* params) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, selection, params) != 1)
    return fail(Error::invalid("not a valid key for " + std::string(algorithm)));
  return PkeyPtr(key);
}

Result<PkeyPtr> modp_public_key(const GroupInfo& info, const BIGNUM* y, size_t size) {
  SecretBytes native = native_octets(y, size);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(info.name), 0),
      OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PUB_KEY, native.data(), native.size()),
      OSSL_PARAM_construct_end()};
  return key_from_params("DH", EVP_PKEY_PUBLIC_KEY, params);
}

// pub_octets: 0x04 | x | y.
Result<PkeyPtr> ecp_public_key(const GroupInfo& info, std::span<const uint8_t> pub_octets) {
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(info.name), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                        const_cast<uint8_t*>(pub_octets.data()), pub_octets.size()),
      OSSL_PARAM_construct_end()};
  return key_from_params("EC", EVP_PKEY_PUBLIC_KEY, params);
}

bool bn_param(const EVP_PKEY* key, const char* name, std::span<uint8_t> out) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return false;
  BnPtr bn(raw);
  return BN_bn2binpad(bn.get(), out.data(), static_cast<int>(out.size())) ==
         static_cast<int>(out.size());
}

// Runs the key agreement of own with peer into a secret of exactly size octets (shorter MODP
// results are left-padded, RFC 7296 2.14).
Result<SecretBytes> derive(EVP_PKEY* own, EVP_PKEY* peer, bool modp, bool validate_peer,
                           size_t size) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) return fail(openssl_failed("derive setup"));
  if (modp && EVP_PKEY_CTX_set_dh_pad(ctx.get(), 1) != 1) return fail(openssl_failed("DH pad"));
  if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, validate_peer ? 1 : 0) != 1)
    return fail(Error::invalid("peer public value failed validation"));
  size_t len = 0;
  if (EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1 || len > size)
    return fail(openssl_failed("shared secret length"));
  SecretBytes raw(len);
  if (EVP_PKEY_derive(ctx.get(), raw.data(), &len) != 1 || len > size)
    return fail(Error::invalid("key agreement with the peer's value failed"));
  SecretBytes out(size);
  std::copy_n(raw.data(), len, out.data() + (size - len));
  return out;
}

}  // namespace

void DhKeyPair::PkeyFree::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

Result<DhKeyPair> DhKeyPair::wrap(DhGroup group, PkeyPtr key) {
  const GroupInfo& info = *group_info(group);
  std::vector<uint8_t> pub(ke_size(group));
  bool ok = false;
  switch (info.family) {
    case Family::kModp: ok = bn_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, pub); break;
    case Family::kEcp: {
      const size_t half = pub.size() / 2;
      ok = bn_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, std::span(pub).first(half)) &&
           bn_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, std::span(pub).last(half));
      break;
    }
    case Family::kX25519: {
      size_t len = pub.size();
      ok = EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &len) == 1 && len == pub.size();
      break;
    }
  }
  if (!ok) return fail(openssl_failed("exporting the public value"));
  return DhKeyPair(group, std::move(key), std::move(pub));
}

Result<DhKeyPair> DhKeyPair::generate(DhGroup group) {
  const GroupInfo* found = group_info(group);
  if (found == nullptr) return fail(Error::invalid("unsupported " + group_label(group)));
  const GroupInfo& info = *found;
  const char* algorithm = info.family == Family::kModp  ? "DH"
                          : info.family == Family::kEcp ? "EC"
                                                        : "X25519";
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) return fail(openssl_failed("keygen setup"));
  if (info.family != Family::kX25519) {
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                            const_cast<char*>(info.name), 0),
                           OSSL_PARAM_construct_end()};
    if (EVP_PKEY_CTX_set_params(ctx.get(), params) != 1) return fail(openssl_failed("group setup"));
  }
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &key) != 1) return fail(openssl_failed("key generation"));
  return wrap(group, PkeyPtr(key));
}

Result<DhKeyPair> DhKeyPair::from_private_key(DhGroup group, std::span<const uint8_t> private_key) {
  const GroupInfo* found = group_info(group);
  if (found == nullptr) return fail(Error::invalid("unsupported " + group_label(group)));
  const GroupInfo& info = *found;
  if (info.family == Family::kX25519) {
    if (private_key.size() != 32)
      return fail(Error::invalid("X25519 private key must be 32 octets"));
    PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, private_key.data(), 32));
    if (!key) return fail(openssl_failed("X25519 private key import"));
    return wrap(group, std::move(key));
  }
  if (private_key.empty() || private_key.size() > ke_size(group))
    return fail(Error::invalid("private key length does not fit " + group_label(group)));
  BnPtr x(BN_bin2bn(private_key.data(), static_cast<int>(private_key.size()), nullptr));
  std::unique_ptr<BN_CTX, BnCtxFree> bn_ctx(BN_CTX_new());
  if (!x || !bn_ctx) return fail(openssl_failed("BIGNUM allocation"));
  BN_set_flags(x.get(), BN_FLG_CONSTTIME);
  const size_t size = ke_size(group);

  if (info.family == Family::kModp) {
    BnPtr p(info.prime(nullptr)), g(BN_new()), y(BN_new()), p_minus_1(BN_new());
    if (!p || !g || !y || !p_minus_1 || BN_set_word(g.get(), 2) != 1 ||
        !BN_sub(p_minus_1.get(), p.get(), BN_value_one()))
      return fail(openssl_failed("BIGNUM setup"));
    if (BN_cmp(x.get(), BN_value_one()) <= 0 || BN_cmp(x.get(), p_minus_1.get()) >= 0)
      return fail(Error::invalid("MODP private key must be in 2..p-2"));
    if (BN_mod_exp(y.get(), g.get(), x.get(), p.get(), bn_ctx.get()) != 1)
      return fail(openssl_failed("g^x mod p"));
    SecretBytes x_native = native_octets(x.get(), size);
    SecretBytes y_native = native_octets(y.get(), size);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(info.name),
                                         0),
        OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, x_native.data(), x_native.size()),
        OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PUB_KEY, y_native.data(), y_native.size()),
        OSSL_PARAM_construct_end()};
    auto key = key_from_params("DH", EVP_PKEY_KEYPAIR, params);
    if (!key) return fail(std::move(key.error()));
    return wrap(group, std::move(*key));
  }

  // ECP: the public point is d * G; OpenSSL 3.0 does not derive it on import.
  std::unique_ptr<EC_GROUP, EcGroupFree> curve(EC_GROUP_new_by_curve_name(info.nid));
  if (!curve) return fail(openssl_failed("curve setup"));
  if (BN_is_zero(x.get()) || BN_cmp(x.get(), EC_GROUP_get0_order(curve.get())) >= 0)
    return fail(Error::invalid("ECP private key must be in 1..n-1"));
  std::unique_ptr<EC_POINT, EcPointFree> point(EC_POINT_new(curve.get()));
  std::array<uint8_t, 1 + 132> encoded{};
  const size_t encoded_size = 1 + size;
  if (!point ||
      EC_POINT_mul(curve.get(), point.get(), x.get(), nullptr, nullptr, bn_ctx.get()) != 1 ||
      EC_POINT_point2oct(curve.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, encoded.data(),
                         encoded_size, bn_ctx.get()) != encoded_size)
    return fail(openssl_failed("public point computation"));
  SecretBytes x_native = native_octets(x.get(), size / 2);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(info.name), 0),
      OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, x_native.data(), x_native.size()),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, encoded.data(), encoded_size),
      OSSL_PARAM_construct_end()};
  auto key = key_from_params("EC", EVP_PKEY_KEYPAIR, params);
  if (!key) return fail(std::move(key.error()));
  return wrap(group, std::move(*key));
}

Result<SecretBytes> DhKeyPair::shared_secret(std::span<const uint8_t> peer) const {
  const GroupInfo& info = *group_info(group_);
  if (peer.size() != ke_size(group_))
    return fail(Error::invalid(group_label(group_) + " public value must be " +
                               std::to_string(ke_size(group_)) + " octets, not " +
                               std::to_string(peer.size())));
  const size_t size = shared_secret_size(group_);
  switch (info.family) {
    case Family::kModp: {
      BnPtr y(BN_bin2bn(peer.data(), static_cast<int>(peer.size()), nullptr));
      BIGNUM* raw_p = nullptr;
      if (!y || EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_FFC_P, &raw_p) != 1)
        return fail(openssl_failed("reading the modulus"));
      BnPtr p(raw_p), p_minus_1(BN_new());
      if (!p_minus_1 || !BN_sub(p_minus_1.get(), p.get(), BN_value_one()))
        return fail(openssl_failed("BIGNUM setup"));
      // RFC 6989 / RFC 7296: 0, 1, p-1 and anything >= p are refused.
      if (BN_cmp(y.get(), BN_value_one()) <= 0 || BN_cmp(y.get(), p_minus_1.get()) >= 0)
        return fail(Error::invalid(group_label(group_) + " public value is outside 2..p-2"));
      auto peer_key = modp_public_key(info, y.get(), peer.size());
      if (!peer_key) return fail(std::move(peer_key.error()));
      // The range check is the full check for these safe-prime groups; OpenSSL's own would add
      // a modular exponentiation by q.
      return derive(key_.get(), peer_key->get(), true, false, size);
    }
    case Family::kEcp: {
      std::array<uint8_t, 1 + 132> encoded{};
      encoded[0] = 0x04;  // uncompressed point (SEC 1 2.3.3)
      std::copy(peer.begin(), peer.end(), encoded.begin() + 1);
      auto peer_key = ecp_public_key(info, std::span(encoded).first(1 + peer.size()));
      if (!peer_key)
        return fail(
            Error::invalid(group_label(group_) + " public value is not a point on the curve"));
      auto secret = derive(key_.get(), peer_key->get(), false, true, size);
      if (!secret)
        return fail(Error::invalid(group_label(group_) +
                                   " public value failed validation: " + secret.error().message));
      return secret;
    }
    case Family::kX25519: {
      PkeyPtr peer_key(
          EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer.data(), peer.size()));
      if (!peer_key) return fail(openssl_failed("X25519 public value import"));
      auto secret = derive(key_.get(), peer_key.get(), false, false, size);
      // OpenSSL refuses an all-zero result itself; check again in case it ever does not.
      static constexpr std::array<uint8_t, 32> kZero{};
      if (!secret || equal_constant_time(secret->span(), kZero))
        return fail(
            Error::invalid("X25519 with the peer's value gives the all-zero secret "
                           "(a low-order point, RFC 8031 2)"));
      return secret;
    }
  }
  return fail(Error::internal("unreachable"));
}

}  // namespace vgw::ike::crypto
