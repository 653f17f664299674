#pragma once
// Fault injection, for tests: makes the N-th fault point on this thread fail.
//
// Fault points sit at every allocation tessera makes, at every call into a codec library
// (libjpeg, libspng) and at the allocations those libraries make through tessera's hooks, and
// at file opening and committing. A test counts the points an operation passes, then re-runs
// it once for every N, checking that each run ends in a clean tessera::Error and leaks nothing.
//
//   tessera::testing::FaultInjection::count();
//   decode();                                       // passes P points
//   for (std::uint64_t n = 1; n <= tessera::testing::FaultInjection::points(); ++n) {
//     tessera::testing::FaultInjection::fail_at(n);
//     EXPECT_THROW(decode(), tessera::Error);
//   }
//   tessera::testing::FaultInjection::off();
//
// Per thread; off by default, and then costs one thread-local read per point.

#include <cstdint>

namespace tessera::testing {

class FaultInjection {
 public:
  // Counts the points passed from now on, failing none.
  static void count();
  // Counts from now on, and makes the n-th point (1-based) fail.
  static void fail_at(std::uint64_t n);
  // Stops counting and failing.
  static void off();
  // Points passed since count() or fail_at().
  static std::uint64_t points();
  // Whether the armed fault has happened.
  static bool fired();
};

}  // namespace tessera::testing
