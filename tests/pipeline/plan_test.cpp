// Plans: every stage's size and format from the header alone, chains an op cannot take
// refused by stage, and a memory estimate the executor stays within.

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "tessera/error.h"
#include "tessera/memory.h"
#include "tessera/pipeline/plan.h"
#include "tessera/pipeline/stream.h"

namespace tessera {
namespace {

using pipeline::Shape;

std::string refusal(std::string_view text, const Shape& input) {
  try {
    pipeline::plan(pipeline::parse(text), input);
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidArgument) << error.what();
    return error.message();
  }
  ADD_FAILURE() << "'" << text << "' was planned";
  return {};
}

TEST(PipelinePlan, every_stage_gets_its_size_and_format_and_how_it_runs) {
  const auto plan = pipeline::plan(pipeline::parse("gray | blur 5 | canny 50 150 | rgb"),
                                   {4000, 3000, PixelFormat::rgb8()});
  ASSERT_EQ(plan.stages.size(), 4u);
  EXPECT_EQ(plan.stages[0].output.format, PixelFormat::gray8());
  EXPECT_EQ(plan.stages[1].rows_around, 2);
  EXPECT_EQ(plan.stages[2].mode, pipeline::RunMode::Whole);  // hysteresis needs the whole image
  EXPECT_EQ(plan.output.format, PixelFormat::rgb8());
  EXPECT_EQ(plan.output.width, 4000);
  // gray and blur run on strips together, canny whole, rgb on strips.
  ASSERT_EQ(plan.segments.size(), 3u);
  EXPECT_EQ(plan.segments[0].count, 2u);
  EXPECT_EQ(plan.segments[0].rows_around, 2);
  EXPECT_EQ(plan.segments[1].mode, pipeline::RunMode::Whole);
  EXPECT_EQ(plan.segments[2].mode, pipeline::RunMode::Strips);

  const auto shrink =
      pipeline::plan(pipeline::parse("crop 100,100,4800,4800 | resize 0.9 | sharpen"),
                     {5000, 5000, PixelFormat::rgb8()});
  EXPECT_EQ(shrink.stages[0].output.width, 4800);
  EXPECT_EQ(shrink.stages[0].mode, pipeline::RunMode::Rows);  // crop and resize stream
  EXPECT_EQ(shrink.stages[1].mode, pipeline::RunMode::Rows);
  EXPECT_EQ(shrink.stages[1].output.width, 4320);
  EXPECT_EQ(shrink.output.height, 4320);
  EXPECT_EQ(
      pipeline::plan(pipeline::parse("rotate 90 | resize 500x"), {4000, 3000, PixelFormat::rgb8()})
          .output.height,
      667);
  EXPECT_NE(shrink.describe().find("resize 0.9"), std::string::npos);

  // Neighbouring per-sample ops on 8-bit samples become one table.
  const auto tones = pipeline::plan(
      pipeline::parse("invert | contrast 1.2 | blur 3 | gamma 2 | threshold 100 | gray | invert"),
      {640, 480, PixelFormat::rgb8()});
  EXPECT_FALSE(tones.stages[0].fused);
  EXPECT_TRUE(tones.stages[1].fused);
  EXPECT_FALSE(tones.stages[3].fused);  // after a blur
  EXPECT_TRUE(tones.stages[4].fused);
  EXPECT_FALSE(tones.stages[6].fused);  // after gray, which is not per-sample
}

TEST(PipelinePlan, a_stage_that_cannot_take_its_input_is_refused_by_name_before_any_pixel) {
  std::string message = refusal("canny 50 150", {640, 480, PixelFormat::rgb8()});
  EXPECT_NE(message.find("stage 1 'canny 50 150' (column 1): canny"), std::string::npos) << message;
  message = refusal("gray | blur 3 | crop 0,0,800,600", {640, 480, PixelFormat::rgb8()});
  EXPECT_NE(message.find("stage 3 'crop 0,0,800,600' (column 17)"), std::string::npos) << message;
  EXPECT_NE(message.find("does not fit in the 640x480 image"), std::string::npos) << message;
  message = refusal("depth f32 | equalize", {64, 48, PixelFormat::rgb8()});
  EXPECT_NE(message.find("stage 2 'equalize'"), std::string::npos) << message;
}

TEST(PipelinePlan, an_op_that_does_not_take_the_sample_type_is_refused_with_a_hint) {
  const Shape rgb16{640, 480, {ChannelLayout::Rgb, SampleType::U16}};
  std::string message = refusal("gray | canny 50 150", rgb16);
  EXPECT_NE(message.find("stage 2 'canny 50 150' (column 8): canny takes u8 only, got u16: put "
                         "`depth u8` before it"),
            std::string::npos)
      << message;
  // After a size-changing op (which is not probed with pixels) too.
  message = refusal("depth f32 | rotate 10 | resize 50% | equalize", {64, 48, PixelFormat::rgb8()});
  EXPECT_NE(message.find("stage 4 'equalize' (column 38): equalize takes u8 only, got f32: put "
                         "`depth u8` before it"),
            std::string::npos)
      << message;
  // The way out the hint names is planned.
  EXPECT_NO_THROW(pipeline::plan(pipeline::parse("gray | depth u8 | canny 50 150"), rgb16));
  EXPECT_NO_THROW(pipeline::plan(pipeline::parse("rotate 33 | depth u8 | equalize"), rgb16));
  // An argument narrows the types: threshold takes f32, but not with otsu.
  message = refusal("gray | depth f32 | threshold otsu", rgb16);
  EXPECT_NE(message.find("stage 3 'threshold otsu' (column 20): threshold takes u8, u16 (otsu: u8 "
                         "and u16 only, as in OpenCV), got f32: put `depth u16` before it"),
            std::string::npos)
      << message;
  EXPECT_NO_THROW(pipeline::plan(pipeline::parse("gray | depth f32 | threshold 100"), rgb16));
  EXPECT_NO_THROW(
      pipeline::plan(pipeline::parse("gray | threshold otsu | convolve '1 2 1' 4"), rgb16));
}

// Discards rows, so that only the executor's own memory is measured.
class NullSink final : public pipeline::RowSink {
 public:
  void begin(int, int, PixelFormat) override {}
  void write(const ImageView&) override {}
  void finish() override {}
};

TEST(PipelinePlan, the_executor_stays_within_the_estimate_and_the_estimate_is_not_wild) {
  std::mt19937 random(std::random_device{}());
  Image photo = Image::create(600, 900, PixelFormat::rgb8());
  for (int y = 0; y < photo.height(); ++y) {
    auto* row = photo.mutable_view().row<std::uint8_t>(y);
    for (int i = 0; i < photo.width() * 3; ++i) row[i] = static_cast<std::uint8_t>(random());
  }
  for (const char* text :
       {"gray | blur 5 | canny 50 150 | rgb", "blur 5 | sharpen", "resize 50% | sharpen",
        "gray | equalize", "rotate 90 | blur 3 | invert", "crop 10,10,500,800 | median 5"}) {
    // 128-row bands: an image in memory runs them as tasks on several cores at once where the
    // next step takes bands in any order (Canny's), and those together stay within one band.
    for (const int strip_rows : {32, 128}) {
      SCOPED_TRACE(testing::Message() << text << " in strips of " << strip_rows);
      const auto plan = pipeline::plan(pipeline::parse(text),
                                       {photo.width(), photo.height(), photo.format()}, strip_rows);
      pipeline::ImageSource source(photo.view());
      NullSink sink;
      const std::size_t before = memory::counters().live_bytes;
      memory::reset_peak();
      pipeline::run_streaming(plan, source, sink);
      const std::size_t used = memory::counters().peak_bytes - before;
      EXPECT_LE(used, plan.peak_bytes);
      EXPECT_GE(used * 3, plan.peak_bytes) << "estimate " << plan.peak_bytes << ", used " << used;
    }
  }
}

}  // namespace
}  // namespace tessera
