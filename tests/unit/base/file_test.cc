#include "vgw/base/file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

namespace vgw {
namespace {

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vgw-file-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(FileTest, WritesAtomicallyWithExactMode) {
  std::string path = dir_ + "/conf";
  ASSERT_TRUE(write_file_atomic(path, "one\n", 0600).ok());
  ASSERT_TRUE(write_file_atomic(path, "two\n", 0600).ok());
  EXPECT_EQ(*read_file(path), "two\n");
  struct stat st{};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // No temporary file is left behind.
  int entries = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(FileTest, ReportsErrorsWithPath) {
  auto r = write_file_atomic(dir_ + "/missing-dir/conf", "x", 0600);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("missing-dir"), std::string::npos);
  auto rd = read_file(dir_ + "/nope");
  ASSERT_FALSE(rd.ok());
  EXPECT_NE(rd.error().message.find("nope"), std::string::npos);
}

}  // namespace
}  // namespace vgw
