// ESP transform sizes, names and validation (see transform.h).
#include "vgw/esp/transform.h"

namespace vgw::esp {

size_t Transform::icv_size() const {
  if (is_aead()) return 16;
  switch (integrity) {
    case Integrity::kHmacSha256_128: return 16;
    case Integrity::kHmacSha384_192: return 24;
    case Integrity::kHmacSha512_256: return 32;
    case Integrity::kNone: break;
  }
  return 0;
}

size_t Transform::integrity_key_size() const {
  switch (integrity) {
    case Integrity::kHmacSha256_128: return 32;
    case Integrity::kHmacSha384_192: return 48;
    case Integrity::kHmacSha512_256: return 64;
    case Integrity::kNone: break;
  }
  return 0;
}

std::string Transform::name() const {
  std::string out;
  switch (encryption) {
    case Encryption::kAesGcm16: return "aes" + std::to_string(key_bits) + "gcm16";
    case Encryption::kChaCha20Poly1305: return "chacha20poly1305";
    case Encryption::kAesCbc: out = "aes" + std::to_string(key_bits); break;
    default: return "unknown(" + std::to_string(static_cast<unsigned>(encryption)) + ")";
  }
  switch (integrity) {
    case Integrity::kHmacSha256_128: return out + "-sha256";
    case Integrity::kHmacSha384_192: return out + "-sha384";
    case Integrity::kHmacSha512_256: return out + "-sha512";
    case Integrity::kNone: break;
  }
  return out + "-none";
}

Status validate(const Transform& t) {
  switch (t.encryption) {
    case Encryption::kAesGcm16:
      if (t.key_bits != 128 && t.key_bits != 256)
        return fail(Error::invalid("AES-GCM key must be 128 or 256 bits"));
      break;
    case Encryption::kChaCha20Poly1305:
      if (t.key_bits != 256) return fail(Error::invalid("ChaCha20-Poly1305 key must be 256 bits"));
      break;
    case Encryption::kAesCbc:
      if (t.key_bits != 128 && t.key_bits != 192 && t.key_bits != 256)
        return fail(Error::invalid("AES-CBC key must be 128, 192 or 256 bits"));
      break;
    default:
      return fail(Error::invalid("unsupported ESP encryption transform " +
                                 std::to_string(static_cast<unsigned>(t.encryption))));
  }
  switch (t.integrity) {
    case Integrity::kNone:
      if (!t.is_aead()) return fail(Error::invalid("AES-CBC needs an integrity algorithm"));
      break;
    case Integrity::kHmacSha256_128:
    case Integrity::kHmacSha384_192:
    case Integrity::kHmacSha512_256:
      if (t.is_aead())
        return fail(Error::invalid("combined-mode cipher takes no separate integrity algorithm"));
      break;
    default:
      return fail(Error::invalid("unsupported ESP integrity transform " +
                                 std::to_string(static_cast<unsigned>(t.integrity))));
  }
  return {};
}

namespace {

// Every valid transform, AEADs first.
const std::vector<Transform>& all_transforms() {
  static const std::vector<Transform> all = [] {
    std::vector<Transform> out;
    for (Encryption e : {Encryption::kAesGcm16, Encryption::kChaCha20Poly1305, Encryption::kAesCbc}) {
      for (uint16_t bits : {128, 192, 256}) {
        for (Integrity i : {Integrity::kNone, Integrity::kHmacSha256_128, Integrity::kHmacSha384_192,
                            Integrity::kHmacSha512_256}) {
          Transform t{e, bits, i};
          if (validate(t)) out.push_back(t);
        }
      }
    }
    return out;
  }();
  return all;
}

}  // namespace

const std::vector<std::string>& transform_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Transform& t : all_transforms()) out.push_back(t.name());
    return out;
  }();
  return names;
}

Result<Transform> parse_transform(std::string_view name) {
  for (const Transform& t : all_transforms()) {
    if (t.name() == name) return t;
  }
  std::string known;
  for (const auto& n : transform_names()) known += (known.empty() ? "" : ", ") + n;
  return fail(Error::invalid("unknown ESP algorithm '" + std::string(name) + "' (one of: " + known + ")"));
}

}  // namespace vgw::esp
