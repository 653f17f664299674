// Pipeline text: what parses, what is refused (with the column of the mistake), and that the
// stages run as the same ops called one by one.

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "tessera/error.h"
#include "tessera/ops.h"
#include "tessera/pipeline/pipeline.h"

namespace tessera {
namespace {

// The message of the Error that parse(text) throws; fails the test if it parses.
std::string refusal(std::string_view text) {
  try {
    pipeline::parse(text);
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidArgument) << error.what();
    return error.message();
  }
  ADD_FAILURE() << "'" << text << "' was accepted";
  return {};
}

Image random_rgb(int width, int height) {
  std::mt19937 random(std::random_device{}());
  Image image = Image::create(width, height, PixelFormat::rgb8());
  for (int y = 0; y < height; ++y) {
    auto* row = image.mutable_view().row<std::uint8_t>(y);
    for (int i = 0; i < width * 3; ++i) row[i] = static_cast<std::uint8_t>(random() & 255);
  }
  return image;
}

bool same_pixels(ImageView a, ImageView b) {
  if (a.width() != b.width() || a.height() != b.height() || a.format() != b.format()) return false;
  for (int y = 0; y < a.height(); ++y) {
    if (std::memcmp(a.row(y), b.row(y), a.row_bytes()) != 0) return false;
  }
  return true;
}

TEST(PipelineParse, stages_take_positional_then_named_values_and_defaults) {
  const auto pipeline = pipeline::parse("gray | blur 5 | canny 50 150 norm=l2 | rgb");
  ASSERT_EQ(pipeline.stages.size(), 4u);
  EXPECT_EQ(pipeline.stages[1].op->name, "blur");
  EXPECT_EQ(pipeline.stages[1].arguments.integer("ksize"), 5);
  EXPECT_EQ(pipeline.stages[1].arguments.number("sigma"), 0);
  EXPECT_EQ(pipeline.stages[2].arguments.text("norm"), "l2");
  EXPECT_EQ(pipeline.stages[2].text, "canny 50 150 norm=l2");
  EXPECT_EQ(pipeline.stages[2].column, 17u);
  EXPECT_EQ(pipeline.describe(),
            "gray | blur ksize=5 sigma=0 | canny low=50 high=150 aperture=3 norm=l2 | rgb");
}

TEST(PipelineParse, spacing_is_free_and_quotes_keep_values_with_spaces_whole) {
  const auto pipeline =
      pipeline::parse("  resize 50%|sharpen   |convolve \"-1 -1 -1; -1 16 -1; -1 -1 -1\" 8 ");
  ASSERT_EQ(pipeline.stages.size(), 3u);
  EXPECT_EQ(pipeline.stages[0].arguments.text("size"), "50%");
  EXPECT_EQ(pipeline.stages[2].arguments.text("kernel"), "-1 -1 -1; -1 16 -1; -1 -1 -1");
  EXPECT_EQ(pipeline.stages[2].arguments.number("divisor"), 8);
  EXPECT_EQ(pipeline::parse("crop 100,100,4800,4800 | resize 0.9 | sharpen").stages.size(), 3u);
}

TEST(PipelineParse, an_unknown_op_is_refused_at_its_column_with_the_list_of_ops) {
  const std::string message = refusal("gray | blurr 5");
  EXPECT_NE(message.find("column 8: unknown op 'blurr'"), std::string::npos) << message;
  EXPECT_NE(message.find("the ops are: gray, rgb"), std::string::npos) << message;
  // The caret sits under the mistake.
  EXPECT_NE(message.find("\n  gray | blurr 5\n         ^"), std::string::npos) << message;
}

TEST(PipelineParse, bad_values_are_refused_at_the_value_with_the_allowed_range) {
  std::string message = refusal("gray | blur 4");
  EXPECT_NE(message.find("column 13: blur"), std::string::npos) << message;
  EXPECT_NE(message.find("blur: ksize 4 is not allowed: odd integer in 1..255"), std::string::npos)
      << message;
  message = refusal("gray | canny 150 50");
  EXPECT_NE(message.find("canny: low 150 is above high 50"), std::string::npos) << message;
  message = refusal("gray | blur 5 size=3");
  EXPECT_NE(message.find("unknown parameter 'size'; it takes: ksize, sigma"), std::string::npos)
      << message;
  message = refusal("flip sideways");
  EXPECT_NE(message.find("column 6: flip"), std::string::npos) << message;
  message = refusal("canny 50");
  EXPECT_NE(message.find("high is required"), std::string::npos) << message;
}

TEST(PipelineParse, empty_stages_and_open_quotes_are_refused) {
  EXPECT_NE(refusal("").find("no stages"), std::string::npos);
  EXPECT_NE(refusal("   ").find("no stages"), std::string::npos);
  EXPECT_NE(refusal("gray || blur 5").find("column 7: an empty stage before '|'"),
            std::string::npos);
  EXPECT_NE(refusal("| gray").find("column 1: "), std::string::npos);
  EXPECT_NE(refusal("gray |").find("column 7: an empty stage after '|'"), std::string::npos);
  EXPECT_NE(refusal("convolve \"1 2 1").find("column 10: a \" quote that is never closed"),
            std::string::npos);
}

TEST(PipelineRunWhole, stages_give_the_same_pixels_as_the_ops_called_one_by_one) {
  const Image photo = random_rgb(97, 61);
  const Image piped =
      pipeline::run_whole(pipeline::parse("gray | blur 5 | canny 50 150 | rgb"), photo.view());
  const Image gray = ops::gray(photo.view());
  const Image soft = ops::gaussian_blur(gray.view(), 5);
  const Image edges = ops::canny(soft.view(), 50, 150);
  const Image expected = ops::rgb(edges.view());
  EXPECT_TRUE(same_pixels(piped.view(), expected.view()));

  const Image resized = pipeline::run_whole(pipeline::parse("resize 50% | flip h"), photo.view());
  EXPECT_EQ(resized.width(), 49);
  EXPECT_EQ(resized.height(), 31);
}

TEST(PipelineRunWhole, an_op_that_cannot_take_the_image_says_which_stage) {
  const Image photo = random_rgb(16, 16);
  try {
    pipeline::run_whole(pipeline::parse("canny 50 150"), photo.view());
    FAIL() << "canny ran on a colour image";
  } catch (const Error& error) {
    EXPECT_NE(error.message().find("canny"), std::string::npos) << error.message();
  }
}

}  // namespace
}  // namespace tessera
