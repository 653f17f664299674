#pragma once
// A GoogleTest listener that fails every test which ends with more live tessera buffers than it
// started with, naming the source lines that allocated them.
//
// Header-only, so tessera itself does not depend on GoogleTest. Install it once in main():
//
//   int main(int argc, char** argv) {
//     ::testing::InitGoogleTest(&argc, argv);
//     tessera::testing::install_leak_check();
//     return RUN_ALL_TESTS();
//   }
//
// Images owned by a fixture are released before the check runs (GoogleTest destroys the
// fixture first), so only memory that outlives the test is reported.

#include <gtest/gtest.h>

#include <string>

#include "tessera/profiler.h"

namespace tessera::testing {

class LeakCheckListener : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo& /*test*/) override { before_ = memory::snapshot(); }

  void OnTestEnd(const ::testing::TestInfo& /*test*/) override {
    const memory::Snapshot after = memory::snapshot();
    if (after.counters.live_buffers <= before_.counters.live_buffers) return;
    std::string sites;
    for (const memory::SiteDelta& delta : memory::compare(before_, after)) {
      if (delta.buffers_delta > 0) sites += "\n  " + delta.to_string();
    }
    ADD_FAILURE() << "tessera leak check: this test ended with "
                  << after.counters.live_buffers - before_.counters.live_buffers
                  << " more live buffer(s) than it started with ("
                  << memory::format_bytes_delta(
                         static_cast<std::int64_t>(after.counters.live_bytes) -
                         static_cast<std::int64_t>(before_.counters.live_bytes))
                  << "), allocated at:" << (sites.empty() ? "\n  (unknown: profiling off)" : sites);
  }

 private:
  memory::Snapshot before_;
};

// Turns profiling on (the check needs its registry to name sites) and appends the listener.
inline void install_leak_check() {
  memory::set_profiling(true);
  ::testing::UnitTest::GetInstance()->listeners().Append(new LeakCheckListener);
}

}  // namespace tessera::testing
