// NAT detection hashes and cookies (nat.h; RFC 7296 2.23, 2.6).
#include "vgw/ike/nat.h"

#include <openssl/evp.h>

#include <algorithm>

#include "vgw/base/bytes.h"
#include "vgw/ike/crypto/prf.h"

namespace vgw::ike {

std::vector<uint8_t> nat_detection_hash(uint64_t spi_i, uint64_t spi_r, const IpAddress& address,
                                        uint16_t port) {
  std::vector<uint8_t> in;
  ByteWriter w(in);
  w.u64(spi_i);
  w.u64(spi_r);
  w.bytes(std::span<const uint8_t>(address.data(), address.size()));
  w.u16(port);
  std::vector<uint8_t> out(20);
  unsigned int n = 0;
  if (EVP_Digest(in.data(), in.size(), out.data(), &n, EVP_sha1(), nullptr) != 1 || n != 20)
    return {};
  return out;
}

std::vector<uint8_t> make_cookie(std::span<const uint8_t> secret, std::span<const uint8_t> ni,
                                 const IpAddress& initiator, uint64_t spi_i) {
  std::vector<uint8_t> spi;
  ByteWriter(spi).u64(spi_i);
  auto mac = crypto::prf(crypto::PrfId::kHmacSha256, secret,
                         {ni, std::span<const uint8_t>(initiator.data(), initiator.size()), spi});
  if (!mac) return {};
  std::vector<uint8_t> cookie(1 + mac->size());  // version of the secret (0), then the MAC
  std::copy(mac->span().begin(), mac->span().end(), cookie.begin() + 1);
  return cookie;
}

}  // namespace vgw::ike
