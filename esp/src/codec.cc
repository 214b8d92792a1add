// ESP encapsulation and decapsulation (see codec.h for the layout, esp.h for the order).
#include "vgw/esp/codec.h"

#include <array>
#include <cstring>

#include "vgw/base/bytes.h"

namespace vgw::esp {
namespace {

void store_be32(uint8_t* p, uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<uint8_t>(v);
}
void store_be64(uint8_t* p, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<uint8_t>(v);
}

// AAD of the AEADs (RFC 4106 section 5, RFC 7634 section 2.1): SPI, then the 32-bit sequence
// number, or with ESN the high half followed by the low half.
struct Aad {
  std::array<uint8_t, 12> bytes;
  size_t size;
  Aad(uint32_t spi, uint64_t seq, bool esn) : size(esn ? 12 : 8) {
    store_be32(bytes.data(), spi);
    if (esn) store_be32(bytes.data() + 4, static_cast<uint32_t>(seq >> 32));
    store_be32(bytes.data() + size - 4, static_cast<uint32_t>(seq));
  }
  std::span<const uint8_t> span() const { return {bytes.data(), size}; }
};

// The ESN high half, appended to the data covered by an HMAC ICV (RFC 4303 2.2.1); nothing
// without ESN.
struct IcvTrailer {
  std::array<uint8_t, 4> bytes;
  bool esn;
  IcvTrailer(uint64_t seq, bool esn) : esn(esn) {
    store_be32(bytes.data(), static_cast<uint32_t>(seq >> 32));
  }
  std::span<const uint8_t> span() const { return {bytes.data(), esn ? bytes.size() : 0}; }
};

// Next Header for an inner packet, from its version nibble; 0 if it is neither IPv4 nor IPv6
// (or too short to hold the fixed header).
uint8_t next_header_for(std::span<const uint8_t> inner) {
  if (inner.empty()) return 0;
  switch (inner[0] >> 4) {
    case 4: return inner.size() >= 20 ? kNextHeaderIpv4 : 0;
    case 6: return inner.size() >= 40 ? kNextHeaderIpv6 : 0;
    default: return 0;
  }
}

DecapResult malformed(InboundCounters& counters, const char* reason, uint64_t seq = 0) {
  ++counters.malformed;
  return {.status = DecapStatus::kMalformed, .seq = seq, .reason = reason};
}

}  // namespace

namespace detail {

struct CodecAccess {
  // Refuses before anything is written if the SA may not send any more.
  static std::optional<EncapError> check_limits(OutboundSa& sa) {
    if (sa.seq_ >= sa.max_seq_) {
      ++sa.counters_.expired;
      return EncapError::kSequenceExhausted;
    }
    if (sa.counters_.packets >= sa.lifetime_.hard_packets ||
        sa.counters_.bytes >= sa.lifetime_.hard_bytes) {
      ++sa.counters_.expired;
      return EncapError::kExpired;
    }
    return std::nullopt;
  }

  // The payload (n octets) is already at out[header_size()]; out holds encapsulated_size(n).
  // Writes header, IV, padding and trailer, encrypts and appends the ICV.
  static Result<size_t, EncapError> seal(OutboundSa& sa, uint8_t next_header, size_t n,
                                         const uint8_t* cbc_iv, std::span<uint8_t> out) {
    const size_t header = sa.header_size();
    const size_t padded = sa.padded_size(n);
    const size_t pad = padded - n - 2;
    uint8_t* p = out.data();

    // RFC 4303 3.3.3: increment first, so the first packet carries 1. The number is consumed
    // even if sealing fails below, so no nonce is ever used twice.
    const uint64_t seq = ++sa.seq_;
    store_be32(p, sa.spi_);
    store_be32(p + 4, static_cast<uint32_t>(seq));

    // RFC 4303 2.4: default padding is 1, 2, 3, ...; then Pad Length and Next Header.
    uint8_t* body = p + header;
    for (size_t i = 0; i < pad; ++i) body[n + i] = static_cast<uint8_t>(i + 1);
    body[n + pad] = static_cast<uint8_t>(pad);
    body[n + pad + 1] = next_header;
    std::span<uint8_t> plain(body, padded);
    uint8_t* icv = body + padded;

    bool ok;
    if (sa.aead_) {
      store_be64(p + 8, seq);  // IV = sequence number (RFC 4106 8.1, RFC 7634 2)
      ok = sa.aead_->seal(std::span<const uint8_t, Aead::kIvSize>(p + 8, Aead::kIvSize),
                          Aad(sa.spi_, seq, sa.esn_).span(), plain,
                          std::span<uint8_t, Aead::kTagSize>(icv, Aead::kTagSize));
    } else {
      std::span<uint8_t, CbcCipher::kBlockSize> iv(p + 8, CbcCipher::kBlockSize);
      if (cbc_iv != nullptr) {
        std::memcpy(iv.data(), cbc_iv, iv.size());
        ok = true;
      } else {
        ok = sa.ivs_->next(iv);
      }
      ok = ok && sa.cbc_->crypt(iv, plain) &&
           sa.hmac_->compute({p, header + padded}, IcvTrailer(seq, sa.esn_).span(),
                             {icv, sa.icv_size_});
    }
    if (!ok) {
      ++sa.counters_.invalid;
      return fail(EncapError::kCryptoFailure);
    }
    return header + padded + sa.icv_size_;
  }

  static Result<size_t, EncapError> encapsulate(OutboundSa& sa, std::span<const uint8_t> inner,
                                                std::span<uint8_t> out, const uint8_t* cbc_iv) {
    if (auto e = check_limits(sa)) return fail(*e);
    const uint8_t next_header = next_header_for(inner);
    if (next_header == 0 || out.size() < sa.encapsulated_size(inner.size())) {
      ++sa.counters_.invalid;
      return fail(next_header == 0 ? EncapError::kInvalidPacket : EncapError::kBufferTooSmall);
    }
    uint8_t* payload = out.data() + sa.header_size();
    if (inner.data() != payload && !inner.empty())
      std::memmove(payload, inner.data(), inner.size());
    auto size = seal(sa, next_header, inner.size(), cbc_iv, out);
    if (size) {
      ++sa.counters_.packets;
      sa.counters_.bytes += inner.size();
    }
    return size;
  }

  static Result<size_t, EncapError> encapsulate_dummy(OutboundSa& sa, size_t payload_size,
                                                      std::span<uint8_t> out) {
    if (auto e = check_limits(sa)) return fail(*e);
    if (payload_size > out.size() || out.size() < sa.encapsulated_size(payload_size)) {
      ++sa.counters_.invalid;
      return fail(EncapError::kBufferTooSmall);
    }
    std::memset(out.data() + sa.header_size(), 0, payload_size);
    auto size = seal(sa, kNextHeaderNone, payload_size, nullptr, out);
    if (size) ++sa.counters_.dummy;
    return size;
  }

  static DecapResult decapsulate(InboundSa& sa, std::span<uint8_t> packet) {
    InboundCounters& counters = sa.counters_;
    ByteReader reader(packet);
    const auto spi = reader.u32();
    const auto seq_low = reader.u32();
    if (!spi || !seq_low) return malformed(counters, "shorter than the ESP header");
    if (*spi != sa.spi_) return {.status = DecapStatus::kNoSuchSpi};
    if (counters.packets >= sa.lifetime_.hard_packets ||
        counters.bytes >= sa.lifetime_.hard_bytes) {
      ++counters.expired;
      return {.status = DecapStatus::kExpired};
    }
    const auto iv = reader.bytes(sa.iv_size_);
    if (!iv || reader.remaining() < sa.icv_size_ + 2u)
      return malformed(counters, "truncated: no room for trailer and ICV");
    const size_t header = kEspHeaderSize + sa.iv_size_;
    const size_t body_size = reader.remaining() - sa.icv_size_;
    // CBC decrypts whole blocks only. The AEADs are not held to the 4-octet alignment senders
    // must produce: the tag covers the length, and rejecting it would gain nothing.
    if (sa.cbc_ && body_size % CbcCipher::kBlockSize != 0)
      return malformed(counters, "ciphertext is not a whole number of cipher blocks");

    // 1. Anti-replay check, before any cryptography (RFC 4303 3.4.3); infers the ESN high half.
    const ReplayWindow::Check check = sa.window_.check(*seq_low);
    if (!check.acceptable()) {
      ++counters.replayed;
      return {.status = DecapStatus::kReplayed, .seq = check.seq};
    }
    const uint64_t seq = check.seq;
    std::span<uint8_t> body = packet.subspan(header, body_size);
    std::span<const uint8_t> icv = packet.subspan(header + body_size, sa.icv_size_);

    // 2. ICV (RFC 4303 3.4.4); the AEADs decrypt while they verify.
    bool authentic;
    if (sa.aead_) {
      authentic = sa.aead_->open(iv->first<Aead::kIvSize>(), Aad(sa.spi_, seq, sa.esn_).span(),
                                 body, icv.first<Aead::kTagSize>());
    } else {
      authentic =
          sa.hmac_->verify(packet.first(header + body_size), IcvTrailer(seq, sa.esn_).span(), icv);
    }
    if (!authentic) {
      ++counters.integrity_failed;
      return {.status = DecapStatus::kIntegrityFailed, .seq = seq};
    }
    // 3. Only an authentic packet moves the window.
    sa.window_.commit(seq);
    // 4. Decrypt (CBC; the AEADs already did).
    if (sa.cbc_ && !sa.cbc_->crypt(iv->first<CbcCipher::kBlockSize>(), body))
      return malformed(counters, "decryption failed", seq);

    // 5. Trailer: padding must be 1, 2, 3, ... (RFC 4303 2.4), next header IPv4/IPv6/none.
    const size_t pad = body[body_size - 2];
    const uint8_t next_header = body[body_size - 1];
    if (pad + 2 > body_size) return malformed(counters, "pad length exceeds the payload", seq);
    const size_t payload_size = body_size - 2 - pad;
    for (size_t i = 0; i < pad; ++i) {
      if (body[payload_size + i] != static_cast<uint8_t>(i + 1))
        return malformed(counters, "padding is not 1, 2, 3, ...", seq);
    }
    if (next_header == kNextHeaderNone) {
      ++counters.dummy;
      return {.status = DecapStatus::kDummy, .next_header = next_header, .seq = seq};
    }
    std::span<uint8_t> inner = body.first(payload_size);
    // 6. The inner packet must be what Next Header says; its own length ends it, anything
    // after is traffic flow confidentiality padding (RFC 4303 2.7).
    ByteReader ip(inner);
    std::optional<uint16_t> length;
    if (next_header == kNextHeaderIpv4) {
      if (inner.size() < 20 || (inner[0] >> 4) != 4)
        return malformed(counters, "inner packet is not IPv4", seq);
      ip.skip(2);
      length = ip.u16();
      if (*length < 20 || *length > inner.size())
        return malformed(counters, "inner IPv4 total length does not fit", seq);
    } else if (next_header == kNextHeaderIpv6) {
      if (inner.size() < 40 || (inner[0] >> 4) != 6)
        return malformed(counters, "inner packet is not IPv6", seq);
      ip.skip(4);
      length = ip.u16();
      if (40u + *length > inner.size())
        return malformed(counters, "inner IPv6 payload length does not fit", seq);
      *length = static_cast<uint16_t>(*length + 40);
    } else {
      return malformed(counters, "next header is not IPv4, IPv6 or no-next-header", seq);
    }
    ++counters.packets;
    counters.bytes += *length;
    return {.status = DecapStatus::kOk,
            .next_header = next_header,
            .seq = seq,
            .inner = inner.first(*length)};
  }
};

}  // namespace detail

const char* encap_error_name(EncapError error) {
  switch (error) {
    case EncapError::kInvalidPacket: return "invalid-packet";
    case EncapError::kBufferTooSmall: return "buffer-too-small";
    case EncapError::kSequenceExhausted: return "sequence-exhausted";
    case EncapError::kExpired: return "expired";
    case EncapError::kCryptoFailure: return "crypto-failure";
  }
  return "unknown";
}

const char* decap_status_name(DecapStatus status) {
  switch (status) {
    case DecapStatus::kOk: return "ok";
    case DecapStatus::kDummy: return "dummy";
    case DecapStatus::kReplayed: return "replayed";
    case DecapStatus::kIntegrityFailed: return "integrity-failed";
    case DecapStatus::kMalformed: return "malformed";
    case DecapStatus::kNoSuchSpi: return "no-such-spi";
    case DecapStatus::kExpired: return "expired";
  }
  return "unknown";
}

Result<size_t, EncapError> encapsulate(OutboundSa& sa, std::span<const uint8_t> inner,
                                       std::span<uint8_t> out) {
  return detail::CodecAccess::encapsulate(sa, inner, out, nullptr);
}

Result<size_t, EncapError> encapsulate_dummy(OutboundSa& sa, size_t payload_size,
                                             std::span<uint8_t> out) {
  return detail::CodecAccess::encapsulate_dummy(sa, payload_size, out);
}

Result<size_t, EncapError> encapsulate_with_iv_for_testing(
    OutboundSa& sa, std::span<const uint8_t, CbcCipher::kBlockSize> cbc_iv,
    std::span<const uint8_t> inner, std::span<uint8_t> out) {
  return detail::CodecAccess::encapsulate(sa, inner, out, cbc_iv.data());
}

DecapResult decapsulate(InboundSa& sa, std::span<uint8_t> packet) {
  return detail::CodecAccess::decapsulate(sa, packet);
}

std::optional<uint32_t> esp_spi(std::span<const uint8_t> packet) {
  return ByteReader(packet).u32();
}

}  // namespace vgw::esp
