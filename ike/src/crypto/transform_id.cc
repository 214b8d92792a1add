// Transform ID sizes (see transform_id.h).
#include "vgw/ike/crypto/transform_id.h"

namespace vgw::ike::crypto {

bool is_known(EncrId id) {
  switch (id) {
    case EncrId::kAesCbc:
    case EncrId::kAesGcm16:
    case EncrId::kChaCha20Poly1305: return true;
  }
  return false;
}

bool is_known(PrfId id) {
  switch (id) {
    case PrfId::kHmacSha1:
    case PrfId::kHmacSha256:
    case PrfId::kHmacSha384:
    case PrfId::kHmacSha512: return true;
  }
  return false;
}

bool is_known(IntegId id) {
  switch (id) {
    case IntegId::kNone:
    case IntegId::kHmacSha256_128:
    case IntegId::kHmacSha384_192:
    case IntegId::kHmacSha512_256: return true;
  }
  return false;
}

bool is_known(DhGroup group) { return ke_size(group) != 0; }

bool is_aead(EncrId id) { return id == EncrId::kAesGcm16 || id == EncrId::kChaCha20Poly1305; }

bool valid_key_bits(EncrId id, uint16_t key_bits) {
  switch (id) {
    case EncrId::kAesCbc:
    case EncrId::kAesGcm16: return key_bits == 128 || key_bits == 192 || key_bits == 256;
    case EncrId::kChaCha20Poly1305: return key_bits == 256;
  }
  return false;
}

size_t encr_key_size(EncrId id, uint16_t key_bits) {
  return key_bits / 8 + (is_aead(id) ? kAeadSaltSize : 0);
}

size_t prf_size(PrfId id) {
  switch (id) {
    case PrfId::kHmacSha1: return 20;
    case PrfId::kHmacSha256: return 32;
    case PrfId::kHmacSha384: return 48;
    case PrfId::kHmacSha512: return 64;
  }
  return 0;
}

size_t integ_key_size(IntegId id) {
  switch (id) {
    case IntegId::kHmacSha256_128: return 32;
    case IntegId::kHmacSha384_192: return 48;
    case IntegId::kHmacSha512_256: return 64;
    case IntegId::kNone: break;
  }
  return 0;
}

size_t integ_icv_size(IntegId id) { return integ_key_size(id) / 2; }

size_t ke_size(DhGroup group) {
  switch (group) {
    case DhGroup::kModp2048: return 256;
    case DhGroup::kModp3072: return 384;
    case DhGroup::kModp4096: return 512;
    case DhGroup::kEcp256: return 64;
    case DhGroup::kEcp384: return 96;
    case DhGroup::kEcp521: return 132;
    case DhGroup::kCurve25519: return 32;
  }
  return 0;
}

size_t shared_secret_size(DhGroup group) {
  switch (group) {
    case DhGroup::kEcp256:
    case DhGroup::kEcp384:
    case DhGroup::kEcp521: return ke_size(group) / 2;
    default: return ke_size(group);
  }
}

}  // namespace vgw::ike::crypto
