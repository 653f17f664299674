// Shrink-on-load against decoding whole and resizing, on real JPEGs and WebPs: the result stays
// within the shrink-on-load tolerance (tessera/pipeline/load_plan.h), and
// DecodeOptions::shrink_on_load = false turns it off (the pipeline's plan and the decoders).
//
// Reference: read(FILE) at full size, then the same pipeline on the whole image (whose resize is
// within one level of cv::resize / Pillow, tests/ops/geometry_sweep_test.cpp); for the issue's
// case also cv::resize(full, dst, size, 0, 0, INTER_AREA) directly.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <opencv2/imgproc.hpp>
#include <string_view>

#include "support/corpora.h"
#include "support/opencv_bridge.h"
#include "tessera/codec.h"
#include "tessera/ops.h"
#include "tessera/pipeline/load_plan.h"
#include "tessera/pipeline/stream.h"

namespace tessera {
namespace {

struct Difference {
  int largest = 0;
  double mean = 0;
};

Difference difference(ImageView a, ImageView b) {
  long total = 0, sum = 0;
  int largest = 0;
  for (int y = 0; y < a.height(); ++y) {
    const auto* p = a.row<std::uint8_t>(y);
    const auto* q = b.row<std::uint8_t>(y);
    for (std::size_t i = 0; i < a.row_bytes(); ++i) {
      const int d = std::abs(p[i] - q[i]);
      largest = std::max(largest, d);
      sum += d;
      ++total;
    }
  }
  return {largest, total ? static_cast<double>(sum) / total : 0};
}

// The pipeline as Job runs it: planned from the header, decoded as planned, streamed.
struct Loaded {
  Image image;
  bool shrank = false;
  int decoded_width = 0;
};

Loaded load_and_run(const std::filesystem::path& file, const pipeline::Pipeline& stages,
                    const DecodeOptions& base) {
  auto probe = open_decoder(file, base);
  const pipeline::LoadPlan load = pipeline::plan_load(stages, probe->info(), base);
  auto decoder = load.changed() ? open_decoder(file, load.options) : std::move(probe);
  pipeline::ImageSink sink;
  pipeline::run_streaming(load.pipeline, *decoder, sink);
  return {std::move(sink.image()), load.shrinks, decoder->width()};
}

// The tolerance load_plan.h documents: every sample within kLargest levels of decoding whole,
// and the mean within kMean (measured at most 20 and 1.4 here; before the decode was held to
// twice the grid, "resize 37% area" was 71 levels off, and a 50% was shifted 2 rows).
constexpr int kLargest = 24;
constexpr double kMean = 1.5;

std::vector<std::filesystem::path> photos(const std::filesystem::path& folder) {
  const auto corpora = testing::corpora();
  std::vector<std::filesystem::path> files = {
      corpora / "vips/test/test-suite/images/sample.jpg",
      corpora / "vips/test/test-suite/images/cd1.1.jpg",  // gray
      corpora / "jpeg/libjpeg-turbo/testimages/testorig.jpg",
      corpora / "vips/test/test-suite/images/ultra-hdr.jpg",  // 3840x2160
      corpora / "vips/test/test-suite/images/1.webp",
  };
  // A lossy WebP of a photo, and one of a larger photo (libwebp scales those on load).
  const Image sample = read(files[0]);
  write(sample, folder / "sample.webp", {.quality = 90});
  write(ops::resize(read(files[3], {.min_width = 1920}).view(), ops::parse_resize_target("50%")),
        folder / "ultra-hdr-960.webp", {.quality = 90});
  // Sides that the DCT scales divide: small, sharp photos that do shrink on load.
  write(ops::crop(sample.view(), {0, 0, 288, 440}), folder / "sample-288.jpg", {.quality = 95});
  write(ops::crop(read(files[2]).view(), {0, 0, 224, 144}), folder / "testorig-224.jpg",
        {.quality = 95});
  files.push_back(folder / "sample-288.jpg");
  files.push_back(folder / "testorig-224.jpg");
  files.push_back(folder / "sample.webp");
  files.push_back(folder / "ultra-hdr-960.webp");
  return files;
}

class ShrinkOnLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("tessera-shrink-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }
  std::filesystem::path folder_;
};

TEST_F(ShrinkOnLoad, stays_within_the_tolerance_of_decoding_whole_and_off_equals_it) {
  TESSERA_REQUIRE_CORPORA();
  const char* pipelines[] = {
      "resize 37% area",
      "resize 25% area",
      "resize 25%",
      "resize 12.5%",
      "resize 50%",
      "resize 10% | sharpen",
      "resize 60x60 fit=cover",
      "resize 50x50 area fit=inside",
      "resize x40 area",
  };
  int shrank = 0;
  for (const auto& file : photos(folder_)) {
    const Image whole = read(file);
    for (const char* text : pipelines) {
      SCOPED_TRACE(fmt::format("'{}' on {} ({}x{})", text, file.filename().string(), whole.width(),
                               whole.height()));
      const auto stages = pipeline::parse(text);
      const Image reference = pipeline::run_whole(stages, whole.view());
      const Loaded on = load_and_run(file, stages, {});
      ASSERT_EQ(on.image.width(), reference.width());
      ASSERT_EQ(on.image.height(), reference.height());
      const Difference diff = difference(on.image.view(), reference.view());
      EXPECT_LE(diff.largest, kLargest) << "mean " << diff.mean;
      EXPECT_LE(diff.mean, kMean) << "largest " << diff.largest;
      if (on.shrank) {
        ++shrank;
        // At least twice the covering size was decoded: the resize makes the last halving.
        EXPECT_GE(on.decoded_width,
                  2 * stages.stages.front().op->output_size(whole.width(), whole.height(),
                                                            stages.stages.front().arguments)[0]);
      }
      // Off: decoded whole, so the very same pixels as the reference (a few pipelines are
      // enough for an equality, and keep the sanitizer runs short).
      if (std::string_view(text).find('%') != std::string_view::npos) continue;
      const Loaded off = load_and_run(file, stages, {.shrink_on_load = false});
      EXPECT_FALSE(off.shrank);
      EXPECT_EQ(off.decoded_width, whole.width());
      EXPECT_EQ(difference(off.image.view(), reference.view()).largest, 0);
    }
  }
  EXPECT_GT(shrank, 10);  // the large photos did shrink
}

// Item 3 of issue 14: "resize 37% area" was decoded at 1/2 and area-resized from there, up to
// 71 levels from decoding whole and cv::resize(INTER_AREA).
TEST_F(ShrinkOnLoad, area_37_percent_is_within_the_tolerance_of_full_decode_and_cv_resize) {
  TESSERA_REQUIRE_CORPORA();
  for (const char* name :
       {"vips/test/test-suite/images/ultra-hdr.jpg", "vips/test/test-suite/images/sample.jpg"}) {
    SCOPED_TRACE(name);
    const auto file = testing::corpora() / name;
    const Image whole = read(file);
    const Loaded ours = load_and_run(file, pipeline::parse("resize 37% area"), {});
    cv::Mat theirs;
    cv::resize(testing::as_mat(whole.view()), theirs,
               cv::Size(ours.image.width(), ours.image.height()), 0, 0, cv::INTER_AREA);
    const Image reference = testing::from_mat(theirs, whole.format());
    const Difference diff = difference(ours.image.view(), reference.view());
    EXPECT_LE(diff.largest, kLargest) << "mean " << diff.mean;
    EXPECT_LE(diff.mean, kMean);
  }
}

TEST_F(ShrinkOnLoad, off_in_the_decode_options_makes_the_decoders_deliver_the_full_size) {
  TESSERA_REQUIRE_CORPORA();
  write(read(testing::corpora() / "vips/test/test-suite/images/sample.jpg"),
        folder_ / "sample.webp", {.quality = 90});
  for (const auto& file : {testing::corpora() / "vips/test/test-suite/images/ultra-hdr.jpg",
                           folder_ / "sample.webp"}) {
    SCOPED_TRACE(file.filename().string());
    const auto full = open_decoder(file);
    const auto shrunk = open_decoder(file, {.min_width = 100, .min_height = 10});
    EXPECT_LT(shrunk->width(), full->width());
    const auto off =
        open_decoder(file, {.min_width = 100, .min_height = 10, .shrink_on_load = false});
    EXPECT_EQ(off->width(), full->width());
    EXPECT_EQ(off->height(), full->height());
    // And the plan does not ask for a smaller decode.
    const auto load =
        pipeline::plan_load(pipeline::parse("resize 10%"), full->info(), {.shrink_on_load = false});
    EXPECT_FALSE(load.shrinks);
    EXPECT_EQ(load.options.min_width, 0);
  }
}

}  // namespace
}  // namespace tessera
