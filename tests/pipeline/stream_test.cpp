// Streamed execution equals running the ops on whole images, whatever the strip height, and
// holds strips, not images, for local stages.

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "support/band_source.h"
#include "tessera/budget.h"
#include "tessera/error.h"
#include "tessera/memory.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/pipeline/stream.h"

namespace tessera {
namespace {

// Smooth random content (so that Canny finds edges and thresholds split it), with noise.
Image random_rgb(int width, int height, std::mt19937& random) {
  Image image = Image::create(width, height, PixelFormat::rgb8());
  std::uniform_int_distribution<int> noise(-20, 20);
  for (int y = 0; y < height; ++y) {
    auto* row = image.mutable_view().row<std::uint8_t>(y);
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < 3; ++c) {
        const int base = ((x / 9 + y / 7 + c) % 3) * 90 + 20;
        row[x * 3 + c] = static_cast<std::uint8_t>(std::clamp(base + noise(random), 0, 255));
      }
    }
  }
  return image;
}

void expect_same_pixels(ImageView a, ImageView b) {
  ASSERT_EQ(a.width(), b.width());
  ASSERT_EQ(a.height(), b.height());
  ASSERT_EQ(a.format(), b.format());
  for (int y = 0; y < a.height(); ++y) {
    ASSERT_EQ(std::memcmp(a.row(y), b.row(y), a.row_bytes()), 0) << "row " << y << " differs";
  }
}

Image streamed(const pipeline::Pipeline& stages, ImageView input, int strip_rows,
               pipeline::IoThreads io = pipeline::IoThreads::Own) {
  testing::BandSource source(input);
  pipeline::ImageSink sink;
  pipeline::run_streaming(stages, source, sink, {.strip_rows = strip_rows, .io = io});
  return std::move(sink.image());
}

// The whole image handed to the first step at once (ImageSource): its bands run in place, as
// tasks of their own on all cores when the next step takes bands in any order.
Image streamed_in_memory(const pipeline::Pipeline& stages, ImageView input, int strip_rows) {
  pipeline::ImageSource source(input);
  pipeline::ImageSink sink;
  pipeline::run_streaming(stages, source, sink, {.strip_rows = strip_rows});
  return std::move(sink.image());
}

TEST(PipelineStream, strips_of_1_7_and_64_rows_equal_whole_image_runs) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  std::mt19937 random(seed);
  // Every neighbourhood op with its default radius and a wider one, point ops, and the whole
  // stages between local ones.
  const char* pipelines[] = {
      "blur 5",
      "gray | blur 5 | canny 50 150 | rgb",
      "blur 0 2.5 | box_blur 7",
      "sharpen | sharpen 3 2 4",
      "convolve '-1 -1 -1; -1 16 -1; -1 -1 -1' 8",
      "convolve '1; 2; 4; 2; 1' 10 3",
      "median 3 | median 5",
      "erode 3 | dilate 5 7",
      "sobel 1 0 | sobel 0 2 5",
      "gray | equalize | blur 3 | threshold otsu",
      "invert | contrast 1.3 -20 | gamma 1.4 | threshold 100 trunc",
      "resize 50% linear | sharpen",
      "resize 37% area | resize 170% cubic",
      "resize 0.2 | blur 3 | resize 300% nearest",
      "resize 45x lanczos3",
      "crop 3,5,40,30 | blur 3",
      "crop 0,1,5,1 | resize 3x7 linear",
      "rotate 90 | blur 7 | flip v",
      "rgba | blur 3 | strip_alpha",
      "rgba | invert | gamma 2 | contrast 0.5 9 | strip_alpha",  // one table, alpha kept
      "gray | threshold 90 tozero | invert | blur 3 | contrast 2",
  };
  // (300 rows: a dozen tasks, whatever the strip height.)
  const int sizes[][2] = {{61, 47}, {13, 90}, {1, 1}, {5, 2}, {24, 300}};
  int compared = 0;
  for (const auto& size : sizes) {
    const Image photo = random_rgb(size[0], size[1], random);
    for (const char* text : pipelines) {
      const pipeline::Pipeline stages = pipeline::parse(text);
      Image whole;
      try {
        whole = pipeline::run_whole(stages, photo.view());
      } catch (const Error&) {
        continue;  // a crop larger than a tiny image, canny on 1x1: nothing to compare
      }
      for (int strip_rows : {1, 7, 64}) {
        SCOPED_TRACE(::testing::Message() << "'" << text << "' on " << size[0] << "x" << size[1]
                                          << " in strips of " << strip_rows);
        const Image rows = streamed(stages, photo.view(), strip_rows);
        expect_same_pixels(rows.view(), whole.view());
        const Image in_place = streamed_in_memory(stages, photo.view(), strip_rows);
        expect_same_pixels(in_place.view(), whole.view());
        ++compared;
      }
      // Reading and writing on the caller's thread (as a batch with a file per core does).
      const Image inline_io = streamed(stages, photo.view(), 7, pipeline::IoThreads::Caller);
      expect_same_pixels(inline_io.view(), whole.view());
    }
  }
  // Only a few tiny-image cases may be skipped.
  EXPECT_GE(compared, 3 * 70);
}

// Bands run as tasks on other threads charge the caller's budget, and a refusal there reaches
// the caller with nothing left behind.
TEST(PipelineStream, bands_on_all_cores_charge_the_callers_budget) {
  std::mt19937 random(4);
  const Image photo = random_rgb(2000, 1000, random);
  const auto stages = pipeline::parse("gray | blur 5 | canny 50 150 | rgb");
  // Held through the bands: the result and Canny's framed map.
  const std::size_t result = pipeline::image_bytes({2000, 1000, PixelFormat::rgb8()});
  const std::size_t map = pipeline::image_bytes({2002, 1002, PixelFormat::gray8()});
  const std::size_t gray_band = pipeline::image_bytes({2000, 32, PixelFormat::gray8()});
  {
    MemoryBudget budget(64u << 20);
    const BudgetScope scope(budget);
    pipeline::ImageSource source(photo.view());
    pipeline::ImageSink sink;
    const std::uint64_t allocated_before = memory::counters().total_bytes;
    pipeline::run_streaming(stages, source, sink);
    // Every byte allocated while it ran, on whichever thread, was charged to the budget. (Not
    // the two peaks: the budget is charged before an allocation and credited after its free,
    // so on a busy machine its peak can sit a band above the process's.)
    EXPECT_EQ(budget.total_charged(), memory::counters().total_bytes - allocated_before);
    EXPECT_GE(budget.peak(), result + map + gray_band);
  }
  const std::size_t before = memory::counters().live_bytes;
  {
    MemoryBudget budget(result + map + gray_band / 2);  // not even one task's first band
    const BudgetScope scope(budget);
    pipeline::ImageSource source(photo.view());
    pipeline::ImageSink sink;
    try {
      pipeline::run_streaming(stages, source, sink);
      ADD_FAILURE() << "the bands ran past the budget";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::OutOfBudget) << error.what();
    }
  }
  EXPECT_EQ(memory::counters().live_bytes, before);
}

// Discards rows, so that only the executor's own memory is measured.
class NullSink final : public pipeline::RowSink {
 public:
  void begin(int, int height, PixelFormat) override { expected_ = height; }
  void write(const ImageView& rows) override { received_ += rows.height(); }
  void finish() override { EXPECT_EQ(received_, expected_); }

 private:
  int expected_ = 0;
  int received_ = 0;
};

TEST(PipelineStream, local_stages_hold_strips_not_the_image) {
  std::mt19937 random(1);
  const Image photo = random_rgb(1000, 3000, random);  // 9 MB
  const auto stages =
      pipeline::parse("gray | blur 5 | sharpen | convolve '0 -1 0; -1 5 -1; 0 -1 0'");
  testing::BandSource source(photo.view());
  NullSink sink;
  const std::size_t before = memory::counters().live_bytes;
  memory::reset_peak();
  pipeline::run_streaming(stages, source, sink, {.strip_rows = 32});
  const std::size_t held = memory::counters().peak_bytes - before;
  // Queues of three 32-row bands in and out, a window of 32 + 2 * 4 RGB rows and a few gray
  // strips: well under one gray plane (3 MB), let alone the 9 MB image.
  EXPECT_GT(held, 40u * 1000 * 3);  // at least the window
  EXPECT_LT(held, 1'000'000u) << "the executor held " << held << " bytes";
}

// A source whose rows run out partway, as a truncated file's do.
class FailingSource final : public pipeline::RowSource {
 public:
  explicit FailingSource(int fail_at) : fail_at_(fail_at) {}
  int width() const override { return 50; }
  int height() const override { return 400; }
  PixelFormat format() const override { return PixelFormat::rgb8(); }
  void read(const MutableImageView& rows) override {
    if (next_ + rows.height() > fail_at_) throw Error(ErrorCode::CorruptData, "truncated");
    for (int y = 0; y < rows.height(); ++y) std::memset(rows.row(y), 7, rows.row_bytes());
    next_ += rows.height();
  }

 private:
  int fail_at_;
  int next_ = 0;
};

// A sink that fails partway, as a full disk does.
class FailingSink final : public pipeline::RowSink {
 public:
  void begin(int, int, PixelFormat) override {}
  void write(const ImageView& rows) override {
    received_ += rows.height();
    if (received_ > 100) throw Error(ErrorCode::Io, "disk full");
  }
  void finish() override { ADD_FAILURE() << "finish() after a failed write"; }

 private:
  int received_ = 0;
};

TEST(PipelineStream, errors_of_the_source_and_the_sink_reach_the_caller_from_either_thread) {
  for (const char* text : {"blur 5", "equalize | blur 3", "resize 30% | sharpen"}) {
    SCOPED_TRACE(text);
    const auto stages = pipeline::parse(text);
    for (const auto io : {pipeline::IoThreads::Own, pipeline::IoThreads::Caller}) {
      for (int fail_at : {0, 1, 150, 399}) {
        FailingSource source(fail_at);
        pipeline::ImageSink sink;
        try {
          pipeline::run_streaming(stages, source, sink, {.strip_rows = 16, .io = io});
          ADD_FAILURE() << "no error from a source failing at row " << fail_at;
        } catch (const Error& error) {
          EXPECT_EQ(error.code(), ErrorCode::CorruptData);
        }
      }
      std::mt19937 random(3);
      const Image photo = random_rgb(50, 400, random);
      pipeline::ImageSource source(photo.view());
      FailingSink sink;
      try {
        pipeline::run_streaming(stages, source, sink, {.strip_rows = 16, .io = io});
        ADD_FAILURE() << "no error from a failing sink";
      } catch (const Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::Io);
      }
    }
  }
}

TEST(PipelineStream, a_strip_height_below_one_is_refused) {
  std::mt19937 random(2);
  const Image photo = random_rgb(8, 8, random);
  pipeline::ImageSource source(photo.view());
  pipeline::ImageSink sink;
  EXPECT_THROW(pipeline::run_streaming(pipeline::parse("blur 3"), source, sink, {.strip_rows = 0}),
               Error);
}

}  // namespace
}  // namespace tessera
