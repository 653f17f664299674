// flatten (issue 14, item 6): compositing onto a background against OpenCV arithmetic
// (colour * alpha + background * (1 - alpha) in float, rounded), on a real photo given a
// varying alpha; and the encoders of formats without alpha flatten onto white by themselves.

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <random>

#include "support/corpora.h"
#include "support/images.h"
#include "support/opencv_bridge.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/ops.h"
#include "tessera/ops/registry.h"

namespace tessera {
namespace {

using testing::corpora;

// The photo with an alpha ramp and fully transparent patches, whose hidden colours are junk.
Image photo_with_alpha() {
  const Image photo = read(corpora() / "jpeg/libjpeg-turbo/testimages/testorig.jpg");
  Image rgba = Image::create(photo.width(), photo.height(), PixelFormat::rgba8());
  std::mt19937 random(6);
  for (int y = 0; y < photo.height(); ++y) {
    const auto* in = photo.view().row<std::uint8_t>(y);
    auto* out = rgba.mutable_view().row<std::uint8_t>(y);
    for (int x = 0; x < photo.width(); ++x) {
      const bool hidden = (x / 16 + y / 16) % 3 == 0;
      for (int c = 0; c < 3; ++c) out[x * 4 + c] = hidden ? random() & 0xFF : in[x * 3 + c];
      out[x * 4 + 3] = hidden ? 0 : static_cast<std::uint8_t>(x * 255 / (photo.width() - 1));
    }
  }
  return rgba;
}

// OpenCV: split, then colour * a + background * (1 - a) in float, rounded to 8 bits.
cv::Mat opencv_flatten(const Image& rgba, cv::Scalar background) {
  std::vector<cv::Mat> channels;
  cv::split(testing::as_mat(rgba.view()), channels);
  cv::Mat alpha;
  channels[3].convertTo(alpha, CV_32F, 1.0 / 255);
  cv::Mat inverse = 1.0 - alpha;
  std::vector<cv::Mat> out(3);
  for (int c = 0; c < 3; ++c) {
    cv::Mat colour;
    channels[static_cast<std::size_t>(c)].convertTo(colour, CV_32F);
    cv::Mat mixed = colour.mul(alpha) + inverse * background[c];
    mixed.convertTo(out[static_cast<std::size_t>(c)], CV_8U);  // rounds, saturates
  }
  cv::Mat merged;
  cv::merge(out, merged);
  return merged;
}

Image run_flatten(const Image& image, std::vector<std::string> arguments) {
  const auto& op = ops::find_op("flatten");
  return op.apply(image.view(), ops::bind_arguments(op, arguments));
}

TEST(Flatten, matches_opencv_arithmetic_on_white_and_on_a_colour) {
  TESSERA_REQUIRE_CORPORA();
  const Image rgba = photo_with_alpha();
  const Image white = run_flatten(rgba, {});
  ASSERT_EQ(white.format(), PixelFormat::rgb8());
  const auto on_white = testing::difference(white.view(), opencv_flatten(rgba, {255, 255, 255}));
  EXPECT_LE(on_white.largest, 1);
  const Image teal = run_flatten(rgba, {"0,128,128"});
  const auto on_teal = testing::difference(teal.view(), opencv_flatten(rgba, {0, 128, 128}));
  EXPECT_LE(on_teal.largest, 1);
}

TEST(Flatten, an_image_without_alpha_is_unchanged_and_bad_colours_are_refused) {
  TESSERA_REQUIRE_CORPORA();
  const Image photo = read(corpora() / "jpeg/libjpeg-turbo/testimages/testorig.jpg");
  const Image same = run_flatten(photo, {"0"});
  EXPECT_EQ(testing::difference(same.view(), testing::as_mat(photo.view())).largest, 0);
  const auto& op = ops::find_op("flatten");
  for (const char* bad : {"256", "1,2", "red", "1,2,3,4"}) {
    EXPECT_THROW((void)ops::bind_arguments(op, std::vector<std::string>{bad}), Error) << bad;
  }
}

class AlphaToOpaqueFormats : public testing::ScratchFolderTest {};

TEST_F(AlphaToOpaqueFormats, jpeg_and_netpbm_outputs_are_flattened_onto_white) {
  TESSERA_REQUIRE_CORPORA();
  const Image rgba = photo_with_alpha();
  const cv::Mat expected = opencv_flatten(rgba, {255, 255, 255});
  write(rgba, file("out.ppm"));
  const Image ppm = read(file("out.ppm"));
  ASSERT_EQ(ppm.format(), PixelFormat::rgb8());
  EXPECT_LE(testing::difference(ppm.view(), expected).largest, 1);
  // JPEG is lossy: the hidden junk would differ by up to 255 from white; q95 stays close.
  write(rgba, file("out.jpg"), {.quality = 95, .subsampling = ChromaSubsampling::S444});
  const Image jpeg = read(file("out.jpg"));
  // Inside each transparent patch (away from its edges, where DCT ringing from the photo
  // reaches) the JPEG shows white, not the junk hidden under alpha 0.
  int checked = 0;
  for (int y = 0; y < jpeg.height(); ++y) {
    for (int x = 0; x < jpeg.width(); ++x) {
      const bool hidden = (x / 16 + y / 16) % 3 == 0;
      const bool inner = x % 16 >= 4 && x % 16 < 12 && y % 16 >= 4 && y % 16 < 12;
      if (!hidden || !inner) continue;
      for (int c = 0; c < 3; ++c) {
        ASSERT_GE(jpeg.view().row<std::uint8_t>(y)[x * 3 + c], 225) << x << "," << y;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
}

}  // namespace
}  // namespace tessera
