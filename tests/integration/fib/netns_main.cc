// main() for tests that change the kernel's routing state: the process first moves itself into
// a new, empty network namespace (unshare(CLONE_NEWNET)), so everything the tests create —
// interfaces, addresses, routes — exists only there and vanishes with the process, even if a
// test crashes. Commands the tests run (ip ...) inherit the namespace. Needs root.
#include <sched.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

int main(int argc, char** argv) {
  if (unshare(CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "unshare(CLONE_NEWNET) failed: %s (these tests need root)\n",
                 std::strerror(errno));
    return 1;
  }
  if (std::system("ip link set lo up") != 0) return 1;
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
