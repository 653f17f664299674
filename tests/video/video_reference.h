#pragma once
// What the video tests compare against: the real footage (samples/video, fetched by
// scripts/footage.sh), FFmpeg's command-line decode of it (the reference decoder), and
// pixel comparisons of tessera's frames with that decode.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "support/images.h"
#include "support/run_command.h"
#include "tessera/image.h"

namespace tessera::testing {

inline const std::filesystem::path kFootage = TESSERA_FOOTAGE;
// 768x576, 10 fps, 795 frames, MS-MPEG4
inline const std::filesystem::path kPedestrians = kFootage / "vtest.avi";
// H.264 568x320 30 fps, AAC audio
inline const std::filesystem::path kPhoneClip = kFootage / "motion.mov";

// A scratch folder, and the test skipped when the footage has not been fetched.
class FootageTest : public ScratchFolderTest {
 protected:
  void SetUp() override {
    ScratchFolderTest::SetUp();
    if (!std::filesystem::exists(kPedestrians) || !std::filesystem::exists(kPhoneClip)) {
      GTEST_SKIP() << "no footage in " << kFootage << ": run scripts/footage.sh";
    }
  }
};

// Frames `first`.. of `path` as FFmpeg's command line decodes and converts them (the reference
// decoder, display rotation applied), raw.
inline std::string ffmpeg_frames(const std::filesystem::path& path, const std::string& pixel_format,
                                 int first, int count) {
  const std::string command = fmt::format(
      "ffmpeg -v error -i '{}' -vf \"select=between(n\\,{}\\,{})\" -vsync 0 -f rawvideo "
      "-pix_fmt {} -",
      path.string(), first, first + count - 1, pixel_format);
  return run_command(command).output;
}

// The largest difference between `image` and `reference` (packed rows from `offset`, samples
// of the image's size, little-endian), and the mean absolute difference.
struct Difference {
  int largest = 0;
  double mean = 0;
};
inline Difference compare(const Image& image, const std::string& reference, std::size_t offset) {
  const bool wide = image.format().sample != SampleType::U8;
  const int samples = image.width() * static_cast<int>(image.format().channels());
  const std::size_t row_bytes = image.width() * image.format().bytes_per_pixel();
  Difference difference;
  double total = 0;
  for (int y = 0; y < image.height(); ++y) {
    const auto* row = reinterpret_cast<const unsigned char*>(image.row(y));
    const auto* expected =
        reinterpret_cast<const unsigned char*>(reference.data() + offset + y * row_bytes);
    for (int x = 0; x < samples; ++x) {
      const int ours = wide ? row[2 * x] | row[2 * x + 1] << 8 : row[x];
      const int theirs = wide ? expected[2 * x] | expected[2 * x + 1] << 8 : expected[x];
      const int d = std::abs(ours - theirs);
      difference.largest = std::max(difference.largest, d);
      total += d;
    }
  }
  difference.mean = total / (static_cast<double>(samples) * image.height());
  return difference;
}

}  // namespace tessera::testing
