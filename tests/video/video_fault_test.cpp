// Fault injection along video reading and writing: for every N, the N-th fault point (a libav
// object made, a libav call that succeeded, a tracked allocation, a write to the output) fails,
// and every run must end in a clean tessera::Error with nothing left behind: no live buffer, no
// output, no temporary. Under the sanitizer build LeakSanitizer checks libav's own memory too
// (the kvazaar lesson: an encoder that leaks its output on an error path).
//
// Fault points are per thread: the reader runs with one decoder thread, and video::run's
// points on the caller's thread (demuxing, decoding, muxing, encoding) are the ones failed.

#include "tessera/testing/fault_injection.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "support/images.h"
#include "tessera/error.h"
#include "tessera/memory.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/video.h"

namespace {

namespace fs = std::filesystem;
namespace video = tessera::video;
using tessera::testing::FaultInjection;

const fs::path kFootage = TESSERA_FOOTAGE;

class VideoFaultTest : public tessera::testing::ScratchFolderTest {
 protected:
  void SetUp() override {
    ScratchFolderTest::SetUp();
    if (!fs::exists(kFootage / "motion.mov")) GTEST_SKIP() << "no footage: run scripts/footage.sh";
  }
  void TearDown() override {
    FaultInjection::off();
    ScratchFolderTest::TearDown();
  }

  // Runs `operation` once per fault point it passes, failing that point; returns how many.
  std::uint64_t fail_every_point(const std::function<void()>& operation) {
    FaultInjection::count();
    operation();
    const std::uint64_t points = FaultInjection::points();
    FaultInjection::off();
    fs::remove_all(folder_);
    fs::create_directories(folder_);
    const auto live = tessera::memory::counters().live_buffers;
    for (std::uint64_t n = 1; n <= points; ++n) {
      FaultInjection::fail_at(n);
      try {
        operation();
        if (FaultInjection::fired())
          ADD_FAILURE() << "fault " << n << " of " << points << " was swallowed";
      } catch (const tessera::Error& error) {
        EXPECT_TRUE(FaultInjection::fired())
            << "fault " << n << ": an error nobody injected: " << error.what();
        EXPECT_NE(error.code(), tessera::ErrorCode::Internal) << error.what();
      } catch (const std::exception& other) {
        ADD_FAILURE() << "fault " << n << " escaped as a non-tessera exception: " << other.what();
      }
      FaultInjection::off();
      EXPECT_EQ(tessera::memory::counters().live_buffers, live)
          << "fault " << n << " left a buffer alive";
      if (FaultInjection::fired()) {
        EXPECT_TRUE(fs::is_empty(folder_))
            << "fault " << n << " left " << fs::directory_iterator(folder_)->path();
      }
      fs::remove_all(folder_);
      fs::create_directories(folder_);
    }
    return points;
  }
};

TEST_F(VideoFaultTest, every_fault_while_reading_is_a_clean_error) {
  const auto points = fail_every_point([] {
    auto reader = video::Reader::open(kFootage / "motion.mov",
                                      {.format = tessera::PixelFormat::rgb8(), .threads = 1});
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(reader.next());
  });
  EXPECT_GT(points, 10u);
}

TEST_F(VideoFaultTest, every_fault_while_encoding_is_a_clean_error_with_no_output) {
  const auto pipeline = tessera::pipeline::parse("gray | blur 3 | rgb");
  for (const auto& [name, codec] : {std::pair{"out.mp4", "h264"}, std::pair{"out.mkv", "ffv1"}}) {
    SCOPED_TRACE(name);
    const auto points = fail_every_point([&] {
      video::run(kFootage / "motion.mov", folder_ / name, pipeline,
                 {.codec = codec,
                  .preset = codec == std::string("h264") ? "ultrafast" : "",
                  .duration = 0.2});
    });
    EXPECT_GT(points, 20u);
  }
}

}  // namespace
