// Micro benchmarks of the ESP codec: encapsulate and decapsulate of 256- and 1400-octet inner
// packets for every transform, single core, reported as packets/s (items) and inner bytes/s.
// BM_RawEvpAes128GcmSeal is the floor: the bare EVP calls for one AES-128-GCM seal, so the
// codec's own overhead shows as the difference.
//   ./build/tests/bench/esp_codec --benchmark_min_time=1
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "vgw/esp/esp.h"

namespace {

using namespace vgw::esp;

const Transform kTransforms[] = {
    {Encryption::kAesGcm16, 128, Integrity::kNone},
    {Encryption::kAesGcm16, 256, Integrity::kNone},
    {Encryption::kChaCha20Poly1305, 256, Integrity::kNone},
    {Encryption::kAesCbc, 128, Integrity::kHmacSha256_128},
    {Encryption::kAesCbc, 256, Integrity::kHmacSha256_128},
    {Encryption::kAesCbc, 256, Integrity::kHmacSha384_192},
    {Encryption::kAesCbc, 256, Integrity::kHmacSha512_256},
};

struct Fixture {
  std::vector<uint8_t> enc_key;
  std::vector<uint8_t> integ_key;
  std::optional<OutboundSa> out;
  std::optional<InboundSa> in;
  std::vector<uint8_t> inner;

  Fixture(const Transform& t, size_t size)
      : enc_key(t.encryption_key_size(), 0x42),
        integ_key(t.integrity_key_size(), 0x24),
        inner(size, 0x5a) {
    SaConfig c;
    c.spi = 0x1000;
    c.transform = t;
    c.encryption_key = enc_key;
    c.integrity_key = integ_key;
    c.replay_window = 4096;
    auto o = OutboundSa::create(c);
    auto i = InboundSa::create(c);
    if (!o || !i) std::abort();
    out.emplace(std::move(*o));
    in.emplace(std::move(*i));
    inner[0] = 0x45;  // IPv4, total length = size
    inner[2] = static_cast<uint8_t>(size >> 8);
    inner[3] = static_cast<uint8_t>(size);
  }
};

void report(benchmark::State& state, size_t size) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

void BM_Encapsulate(benchmark::State& state, Transform t, size_t size) {
  Fixture f(t, size);
  std::vector<uint8_t> buf(f.out->encapsulated_size(size));
  for (auto _ : state) {
    auto r = encapsulate(*f.out, f.inner, buf);
    benchmark::DoNotOptimize(r);
  }
  report(state, size);
}

void BM_Decapsulate(benchmark::State& state, Transform t, size_t size) {
  // Each packet can be accepted once (replay window) and is decrypted in place, so packets are
  // made in batches with the clock stopped.
  constexpr size_t kBatch = 2048;
  Fixture f(t, size);
  const size_t wire = f.out->encapsulated_size(size);
  std::vector<uint8_t> batch(kBatch * wire);
  size_t next = kBatch;
  for (auto _ : state) {
    if (next == kBatch) {
      state.PauseTiming();
      for (size_t i = 0; i < kBatch; ++i)
        if (!encapsulate(*f.out, f.inner, std::span<uint8_t>(batch).subspan(i * wire, wire)))
          std::abort();
      next = 0;
      state.ResumeTiming();
    }
    auto r = decapsulate(*f.in, std::span<uint8_t>(batch).subspan(next++ * wire, wire));
    if (!r.ok()) state.SkipWithError("decapsulation failed");
    benchmark::DoNotOptimize(r);
  }
  report(state, size);
}

void BM_RawEvpAes128GcmSeal(benchmark::State& state, size_t size) {
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  std::vector<uint8_t> key(16, 0x42), data(size + 2, 0x5a), aad(8, 1), tag(16);
  std::array<uint8_t, 12> iv{};
  EVP_EncryptInit_ex2(ctx, cipher, key.data(), nullptr, nullptr);
  uint64_t seq = 0;
  for (auto _ : state) {
    ++seq;
    std::memcpy(iv.data() + 4, &seq, 8);
    int len = 0;
    EVP_EncryptInit_ex2(ctx, nullptr, nullptr, iv.data(), nullptr);
    EVP_EncryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size()));
    EVP_EncryptUpdate(ctx, data.data(), &len, data.data(), static_cast<int>(data.size()));
    EVP_EncryptFinal_ex(ctx, data.data() + len, &len);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag.data());
    benchmark::DoNotOptimize(tag.data());
  }
  report(state, size);
  EVP_CIPHER_CTX_free(ctx);
  EVP_CIPHER_free(cipher);
}

}  // namespace

int main(int argc, char** argv) {
  for (size_t size : {256, 1400})
    benchmark::RegisterBenchmark(("BM_RawEvpAes128GcmSeal/" + std::to_string(size)).c_str(),
                                 BM_RawEvpAes128GcmSeal, size);
  for (const Transform& t : kTransforms) {
    for (size_t size : {256, 1400}) {
      const std::string suffix = "/" + t.name() + "/" + std::to_string(size);
      benchmark::RegisterBenchmark(("BM_Encapsulate" + suffix).c_str(), BM_Encapsulate, t, size);
      benchmark::RegisterBenchmark(("BM_Decapsulate" + suffix).c_str(), BM_Decapsulate, t, size);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
