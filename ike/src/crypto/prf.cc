// prf and prf+ over OpenSSL 3 EVP_MAC HMAC (see prf.h).
#include "vgw/ike/crypto/prf.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <string>

namespace vgw::ike::crypto {
namespace {

// Fetched once per process (EVP_MAC_fetch takes the provider store's locks); never freed.
EVP_MAC* fetched_hmac() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

const char* digest_name(PrfId id) {
  switch (id) {
    case PrfId::kHmacSha1: return "SHA1";
    case PrfId::kHmacSha256: return "SHA256";
    case PrfId::kHmacSha384: return "SHA384";
    case PrfId::kHmacSha512: return "SHA512";
  }
  return nullptr;
}

constexpr size_t kMaxPrfSize = 64;

}  // namespace

void Prf::MacCtxFree::operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }

Result<Prf> Prf::create(PrfId id, std::span<const uint8_t> key) {
  const char* digest = digest_name(id);
  if (digest == nullptr)
    return fail(
        Error::invalid("unsupported PRF transform " + std::to_string(static_cast<unsigned>(id))));
  if (key.empty()) return fail(Error::invalid("prf key is empty"));
  if (fetched_hmac() == nullptr) return fail(Error::internal("HMAC not available in libcrypto"));
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(fetched_hmac()));
  if (!ctx) return fail(Error::internal("EVP_MAC_CTX_new failed"));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1)
    return fail(Error::internal("HMAC key setup failed"));
  return Prf(id, std::move(ctx));
}

// One HMAC over first... | data... | last into out (exactly output_size() octets). A null key
// re-initialises the context with the key given to create().
bool Prf::run(std::initializer_list<std::span<const uint8_t>> first, Pieces data,
              std::span<const uint8_t> last, std::span<uint8_t> out) {
  if (out.size() != output_size() || EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1)
    return false;
  auto feed = [this](std::span<const uint8_t> piece) {
    return piece.empty() || EVP_MAC_update(ctx_.get(), piece.data(), piece.size()) == 1;
  };
  for (auto piece : first)
    if (!feed(piece)) return false;
  for (auto piece : data)
    if (!feed(piece)) return false;
  if (!feed(last)) return false;
  size_t len = 0;
  return EVP_MAC_final(ctx_.get(), out.data(), &len, out.size()) == 1 && len == out.size();
}

Result<SecretBytes> Prf::compute(Pieces data) {
  SecretBytes out(output_size());
  if (!run({}, data, {}, out.span())) return fail(Error::internal("prf computation failed"));
  return out;
}

Result<SecretBytes> Prf::expand(Pieces seed, size_t length) {
  const size_t block = output_size();
  if (length > kPrfPlusMaxBlocks * block)
    return fail(Error::invalid("prf+ output of " + std::to_string(length) +
                               " octets exceeds 255 prf blocks (RFC 7296 2.13)"));
  SecretBytes out(length);
  std::array<uint8_t, kMaxPrfSize> t{};  // T(n-1), then T(n)
  size_t t_size = 0;                     // T0 is empty
  for (size_t done = 0, n = 1; done < length; ++n) {
    const uint8_t counter = static_cast<uint8_t>(n);
    std::span<const uint8_t> previous(t.data(), t_size);
    std::array<uint8_t, kMaxPrfSize> next{};
    bool ok = run({previous}, seed, std::span<const uint8_t>(&counter, 1),
                  std::span<uint8_t>(next.data(), block));
    if (ok) {
      std::copy_n(next.begin(), block, t.begin());
      t_size = block;
    }
    OPENSSL_cleanse(next.data(), next.size());
    if (!ok) {
      OPENSSL_cleanse(t.data(), t.size());
      return fail(Error::internal("prf+ computation failed"));
    }
    const size_t take = std::min(block, length - done);
    std::copy_n(t.begin(), take, out.data() + done);
    done += take;
  }
  OPENSSL_cleanse(t.data(), t.size());
  return out;
}

Result<SecretBytes> prf(PrfId id, std::span<const uint8_t> key, Pieces data) {
  auto p = Prf::create(id, key);
  if (!p) return fail(std::move(p.error()));
  return p->compute(data);
}

Result<SecretBytes> prf_plus(PrfId id, std::span<const uint8_t> key, Pieces seed, size_t length) {
  auto p = Prf::create(id, key);
  if (!p) return fail(std::move(p.error()));
  return p->expand(seed, length);
}

}  // namespace vgw::ike::crypto
