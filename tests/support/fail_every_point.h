#pragma once
// The fault-injection loop the codec and video tests share: an operation is run once to count
// the fault points it passes, then once per point with that point failed. Each failed run must
// end in a tessera::Error that was injected (never Internal, never another exception), with no
// tracked buffer left alive and nothing left in the output folder.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <functional>

#include "tessera/error.h"
#include "tessera/memory.h"
#include "tessera/testing/fault_injection.h"

namespace tessera::testing {

// Runs `operation` as above; `outputs` is emptied before each run. Returns how many points.
inline std::uint64_t fail_every_point(const std::function<void()>& operation,
                                      const std::filesystem::path& outputs) {
  namespace fs = std::filesystem;
  const auto empty_outputs = [&] {
    fs::remove_all(outputs);
    fs::create_directories(outputs);
  };
  FaultInjection::count();
  operation();
  const std::uint64_t points = FaultInjection::points();
  FaultInjection::off();
  empty_outputs();
  const auto live = memory::counters().live_buffers;
  for (std::uint64_t n = 1; n <= points; ++n) {
    FaultInjection::fail_at(n);
    try {
      operation();
      if (FaultInjection::fired())
        ADD_FAILURE() << "fault " << n << " of " << points << " was swallowed";
    } catch (const Error& error) {
      EXPECT_TRUE(FaultInjection::fired())
          << "fault " << n << ": an error nobody injected: " << error.what();
      EXPECT_NE(error.code(), ErrorCode::Internal) << error.what();
    } catch (const std::exception& other) {
      ADD_FAILURE() << "fault " << n << " escaped as a non-tessera exception: " << other.what();
    }
    FaultInjection::off();
    EXPECT_EQ(memory::counters().live_buffers, live) << "fault " << n << " left a buffer alive";
    if (FaultInjection::fired() && !fs::is_empty(outputs)) {
      ADD_FAILURE() << "fault " << n << " left " << fs::directory_iterator(outputs)->path();
    }
    empty_outputs();
  }
  return points;
}

}  // namespace tessera::testing
