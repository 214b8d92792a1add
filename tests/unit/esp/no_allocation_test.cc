// Per-packet processing must not touch the heap. This binary replaces the global operator
// new and installs counting allocators in libcrypto (CRYPTO_set_mem_functions, which works only
// before libcrypto's first allocation, hence a binary of its own), then counts allocations over
// many encapsulations and decapsulations on warmed-up SAs.
//
// AEAD transforms: no allocation at all, ours or libcrypto's. AES-CBC + HMAC: none of ours;
// libcrypto 3.0 re-initialises an HMAC by duplicating its digest state, two small allocations
// per ICV inside EVP_MAC_init/final, which is allowed for here and no more.
#include <gtest/gtest.h>
#include <openssl/crypto.h>

#include <cstdlib>
#include <new>

#include "esp_fixtures.h"
#include "vgw/esp/codec.h"

namespace {

bool counting = false;
long cxx_allocations = 0;
long crypto_allocations = 0;

void* count_malloc(size_t n, const char*, int) {
  if (counting) ++crypto_allocations;
  return std::malloc(n);
}
void* count_realloc(void* p, size_t n, const char*, int) {
  if (counting) ++crypto_allocations;
  return std::realloc(p, n);
}
void count_free(void* p, const char*, int) { std::free(p); }

// Runs before main(), so before libcrypto has allocated anything.
const bool crypto_hooked = CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free) == 1;

}  // namespace

// The replacement pair below is malloc/free underneath by construction; GCC cannot see that
// and warns about free() on memory from operator new once they are inlined.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(size_t n) {
  if (counting) ++cxx_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace vgw::esp {
namespace {

TEST(NoAllocationHooks, SeeAllocations) {
  ASSERT_TRUE(crypto_hooked);
  static void* volatile sink;
  cxx_allocations = crypto_allocations = 0;
  counting = true;
  sink = ::operator new(16);
  ::operator delete(sink);
  sink = OPENSSL_malloc(16);
  OPENSSL_free(sink);
  counting = false;
  EXPECT_EQ(cxx_allocations, 1);
  EXPECT_EQ(crypto_allocations, 1);
}

class NoAllocation : public ::testing::TestWithParam<Transform> {};

TEST_P(NoAllocation, PerPacket) {
  ASSERT_TRUE(crypto_hooked) << "libcrypto allocated before the hooks were installed";
  const Transform& t = GetParam();
  testing::Keys keys(t);
  auto pair = testing::make_pair(testing::sa_config(t, keys, true));
  ASSERT_TRUE(pair.has_value());
  auto inner = testing::ipv4_packet(1400);
  std::vector<uint8_t> buf(pair->out.encapsulated_size(inner.size()));
  auto run = [&](int n) {
    for (int i = 0; i < n; ++i) {
      auto size = encapsulate(pair->out, inner, buf);
      if (!size.ok()) return false;
      auto r = decapsulate(pair->in, std::span<uint8_t>(buf.data(), *size));
      if (!r.ok()) return false;
      r = decapsulate(pair->in, std::span<uint8_t>(buf.data(), *size));  // now a replay
      if (r.status != DecapStatus::kReplayed) return false;
    }
    return true;
  };
  ASSERT_TRUE(run(70));  // warm up: first use of every context, one IV batch refill (CBC)

  constexpr int kPackets = 200;  // more than three CBC IV batches
  cxx_allocations = crypto_allocations = 0;
  counting = true;
  const bool ok = run(kPackets);
  counting = false;
  ASSERT_TRUE(ok);
  EXPECT_EQ(cxx_allocations, 0);
  if (t.is_aead()) {
    EXPECT_EQ(crypto_allocations, 0);
  } else {
    // Two ICVs per packet (seal, verify); the replayed copy stops before any crypto.
    EXPECT_LE(crypto_allocations, 2 * 2 * kPackets);
  }
  ::testing::Test::RecordProperty("libcrypto_allocations", static_cast<int>(crypto_allocations));
}

INSTANTIATE_TEST_SUITE_P(AllTransforms, NoAllocation,
                         ::testing::ValuesIn(testing::all_transforms()),
                         [](const auto& param_info) {
                           std::string n = param_info.param.name();
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

}  // namespace
}  // namespace vgw::esp
