// The committed esp_inbound fuzz seeds must keep doing their job: "esp-valid-*" packets must
// decrypt with the fuzz target's fixed SAs (otherwise the fuzzer never gets past the ICV),
// dummies must be dummies and truncated ones must fail.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "esp_fixtures.h"

namespace vgw::esp {
namespace {

DecapStatus run_seed(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), {});
  if (data.size() < 2 || data[1] != 0) return DecapStatus::kMalformed;
  const size_t index = data[0] % testing::fuzz_sa_count();
  const auto keys = testing::fuzz_sa_keys(index);
  auto sa = InboundSa::create(testing::fuzz_sa_config(index, keys));
  if (!sa.ok()) return DecapStatus::kMalformed;
  std::vector<uint8_t> packet(data.begin() + 2, data.end());
  return decapsulate(*sa, packet).status;
}

TEST(FuzzSeeds, StillMatchTheFixedSas) {
  const std::filesystem::path dir = VGW_ESP_FUZZ_CORPUS;
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  size_t valid = 0, dummy = 0, truncated = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("esp-valid-")) {
      EXPECT_EQ(run_seed(entry.path()), DecapStatus::kOk) << name;
      ++valid;
    } else if (name.starts_with("esp-dummy-")) {
      EXPECT_EQ(run_seed(entry.path()), DecapStatus::kDummy) << name;
      ++dummy;
    } else if (name.starts_with("esp-truncated-")) {
      auto s = run_seed(entry.path());
      EXPECT_TRUE(s == DecapStatus::kMalformed || s == DecapStatus::kIntegrityFailed) << name;
      ++truncated;
    }
  }
  // Two valid packets, a dummy and a truncated packet for every fixed SA.
  EXPECT_EQ(valid, 2 * testing::fuzz_sa_count());
  EXPECT_EQ(dummy, testing::fuzz_sa_count());
  EXPECT_EQ(truncated, testing::fuzz_sa_count());
}

}  // namespace
}  // namespace vgw::esp
