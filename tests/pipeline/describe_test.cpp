// Pipeline::describe() is pipeline text: parsing it gives an equal pipeline (same ops, same
// typed values, to the last bit of every number) for every op and every parameter kind, so a
// Dask task can ship a pipeline as its description.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

#include "tessera/ops.h"
#include "tessera/pipeline/pipeline.h"

namespace tessera {
namespace {

// Same ops with equal arguments, stage by stage (the texts and columns may differ).
void expect_same_stages(const pipeline::Pipeline& a, const pipeline::Pipeline& b) {
  ASSERT_EQ(a.stages.size(), b.stages.size());
  for (std::size_t i = 0; i < a.stages.size(); ++i) {
    EXPECT_EQ(a.stages[i].op, b.stages[i].op) << i;
    EXPECT_EQ(a.stages[i].arguments, b.stages[i].arguments)
        << a.stages[i].arguments.describe() << " vs " << b.stages[i].arguments.describe();
  }
}

// parse(describe()) equals the pipeline, and describes itself the same way.
void expect_round_trip(const pipeline::Pipeline& original) {
  const std::string text = original.describe();
  SCOPED_TRACE(text);
  const pipeline::Pipeline again = pipeline::parse(text);
  expect_same_stages(original, again);
  EXPECT_EQ(again.describe(), text);
}

// One stage of `op` bound from typed values.
pipeline::Pipeline typed_stage(std::string_view op, std::vector<ops::NamedValue> values) {
  const auto& descriptor = ops::find_op(op);
  return {"", {{&descriptor, ops::bind_arguments(descriptor, std::span(values)), "", 1}}};
}

TEST(PipelineDescribe, every_op_with_its_defaults_and_other_values_parses_back_equal) {
  // Every op: with its defaults (and only what is required), then non-default values of each
  // of its parameters' kinds.
  const std::vector<std::string> texts = {
      "gray | rgb | rgba | strip_alpha | swap_rb | invert | equalize",
      "depth u16 | depth f32 | depth u8",
      "flatten | flatten 0,128,128 | flatten 7",
      "contrast | contrast 1.5 -20.25 | gamma | gamma 0.45",
      "threshold | threshold otsu type=trunc | threshold 100.5 max=200",
      "blur | blur 7 sigma=2.5 | blur 0 sigma=1.2 | box_blur | box_blur 9",
      "sharpen | sharpen 1.5 2 3",
      "convolve 1 | convolve \"1 2 1; 2 4 2; 1 2 1\" 16 | convolve '0.5 -0.25 0.125' offset=3",
      "median | median 5 | erode | erode 5 3 | dilate | dilate height=7",
      "sobel | sobel 0 2 ksize=5 | canny 50 150 | canny 50.5 150.25 aperture=5 norm=l2",
      "crop 2,3,10,8 | crop 0,0,1,1",
      "flip | flip v | flip both",
      "rotate 30 | rotate -12.5 background=10,20,30 expand=no | rotate 90 1,2,3,4 | rotate 45 7",
      "resize 50% | resize 0.25 kernel=area | resize 500x | resize x300 cubic",
      "resize 640x480 fit=cover | resize 12.5% nearest fit=inside",
      "pad 5 | pad 2,4,6,8 background=1,2,3,4 | pad 1,1,1,1 9",
  };
  std::set<std::string_view> covered;
  for (const std::string& text : texts) {
    const pipeline::Pipeline parsed = pipeline::parse(text);
    for (const auto& stage : parsed.stages) covered.insert(stage.op->name);
    expect_round_trip(parsed);
  }
  for (const auto& op : ops::all_ops()) EXPECT_TRUE(covered.count(op.name)) << op.name;
}

TEST(PipelineDescribe, values_are_written_in_their_canonical_form) {
  EXPECT_EQ(pipeline::parse("convolve \"1,2,1;2,4,2;1,2,1\" 16").describe(),
            "convolve kernel=\"1 2 1; 2 4 2; 1 2 1\" divisor=16 offset=0");
  EXPECT_EQ(pipeline::parse("pad 3,3,3,3 | resize 50% | crop 1,2,3,4").describe(),
            "pad sides=3 background=0,0,0,255 | resize size=50% kernel=lanczos3 fit=fill | "
            "crop rect=1,2,3,4");
  EXPECT_EQ(
      pipeline::parse("resize 500x | resize x300").describe(),
      "resize size=500x kernel=lanczos3 fit=fill | resize size=x300 kernel=lanczos3 fit=fill");
}

TEST(PipelineDescribe, a_convolve_kernel_with_fractions_round_trips_exactly) {
  std::vector<double> three(9), five(25);
  for (std::size_t i = 0; i < three.size(); ++i) three[i] = (i + 1) / 7.0 - 0.5;
  for (std::size_t i = 0; i < five.size(); ++i) five[i] = 1.0 / (i + 3) + (i % 2 ? 1e-9 : -0.1);
  for (const ops::Kernel& kernel : {ops::Kernel{3, 3, three}, ops::Kernel{5, 5, five}}) {
    const auto stage = typed_stage("convolve", {{"kernel", kernel}, {"divisor", 1.0 / 3}});
    expect_round_trip(stage);
    const pipeline::Pipeline again = pipeline::parse(stage.describe());
    ASSERT_EQ(again.stages.size(), 1u);
    // Bit for bit: equal doubles, not merely close ones.
    EXPECT_EQ(again.stages[0].arguments.kernel("kernel").values, kernel.values);
    EXPECT_EQ(again.stages[0].arguments.number("divisor"), 1.0 / 3);
  }
}

TEST(PipelineDescribe, numbers_keep_their_full_precision) {
  const double sigma = 0.1 + 0.2;  // 0.30000000000000004: six digits would lose it
  expect_round_trip(typed_stage("blur", {{"ksize", 0}, {"sigma", sigma}}));
  expect_round_trip(typed_stage("rotate", {{"angle", 100.0 / 3}}));
  expect_round_trip(typed_stage("contrast", {{"alpha", -1.0 / 9}, {"beta", 1e-7}}));
  expect_round_trip(typed_stage("resize", {{"size", ops::Size::factor(2.0 / 3)}}));
  expect_round_trip(typed_stage("resize", {{"size", ops::Size::percent(100.0 / 7)}}));
  expect_round_trip(
      typed_stage("rotate", {{"angle", 1.0}, {"background", ops::Colour{{0.1, 254.9, 1.0 / 3}}}}));
  const auto described =
      pipeline::parse(typed_stage("blur", {{"ksize", 0}, {"sigma", sigma}}).describe());
  EXPECT_EQ(described.stages[0].arguments.number("sigma"), sigma);
}

}  // namespace
}  // namespace tessera
