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

#include "support/fail_every_point.h"
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
    return tessera::testing::fail_every_point(operation, folder_);
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
