// Fuzz seed corpora written by a test, not by hand: each test that builds seeds calls
// write_or_check_seeds(). With the environment variable `env` naming a directory, the seeds are
// written there (to regenerate tests/fuzz/corpus/<target>/); otherwise every seed must be in the
// committed corpus directory byte for byte, so the corpus never drifts from its builders.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace vgw::test {

inline void write_or_check_seeds(const std::map<std::string, std::vector<uint8_t>>& seeds,
                                 const char* env, const std::filesystem::path& corpus) {
  if (const char* dir = std::getenv(env)) {
    std::filesystem::create_directories(dir);
    for (const auto& [name, b] : seeds) {
      std::ofstream f(std::filesystem::path(dir) / name, std::ios::binary | std::ios::trunc);
      f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    }
    return;
  }
  for (const auto& [name, b] : seeds) {
    std::ifstream f(corpus / name, std::ios::binary);
    ASSERT_TRUE(f) << name << " missing from the corpus: regenerate it with " << env << "=DIR";
    std::vector<uint8_t> committed((std::istreambuf_iterator<char>(f)), {});
    EXPECT_EQ(committed, b) << name << " differs from the committed seed";
  }
}

}  // namespace vgw::test
