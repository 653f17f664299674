// The main() of every tessera test binary: GoogleTest with tessera's leak check installed, so
// any test that leaves a buffer alive fails and names the line that allocated it.

#include <gtest/gtest.h>

#include "tessera/testing/gtest_leak_check.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  tessera::testing::install_leak_check();
  return RUN_ALL_TESTS();
}
