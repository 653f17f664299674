// Edge cases: 1x1, 1xN, Nx1 and odd-sized images (against OpenCV), regions with gaps between
// rows as inputs and outputs, in-place point ops, and in-place neighbourhood ops refused.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <cstring>
#include <functional>
#include <opencv2/imgproc.hpp>
#include <random>

#include "support/images.h"
#include "support/opencv_bridge.h"
#include "tessera/error.h"
#include "tessera/ops.h"

namespace tessera {
namespace {

using testing::as_mat;

struct Case {
  const char* name;
  std::function<Image(ImageView)> ours;
  std::function<void(const cv::Mat&, cv::Mat&)> theirs;
  bool gray_only = false;
};

// Ops that OpenCV computes for any size, each with its reference call.
std::vector<Case> cases() {
  return {
      {"gray", [](ImageView s) { return ops::gray(s); },
       [](const cv::Mat& s, cv::Mat& d) { cv::cvtColor(s, d, cv::COLOR_RGB2GRAY); }},
      {"blur 5", [](ImageView s) { return ops::gaussian_blur(s, 5); },
       [](const cv::Mat& s, cv::Mat& d) {
         cv::GaussianBlur(s, d, {5, 5}, 0);
       }},
      {"box_blur 3", [](ImageView s) { return ops::box_blur(s, 3); },
       [](const cv::Mat& s, cv::Mat& d) {
         cv::blur(s, d, {3, 3});
       }},
      {"median 3", [](ImageView s) { return ops::median(s, 3); },
       [](const cv::Mat& s, cv::Mat& d) { cv::medianBlur(s, d, 3); }},
      {"median 5", [](ImageView s) { return ops::median(s, 5); },
       [](const cv::Mat& s, cv::Mat& d) { cv::medianBlur(s, d, 5); }},
      {"erode 3", [](ImageView s) { return ops::erode(s, 3, 3); },
       [](const cv::Mat& s, cv::Mat& d) { cv::erode(s, d, cv::Mat::ones(3, 3, CV_8U)); }},
      {"dilate 5x3", [](ImageView s) { return ops::dilate(s, 5, 3); },
       [](const cv::Mat& s, cv::Mat& d) { cv::dilate(s, d, cv::Mat::ones(3, 5, CV_8U)); }},
      {"sobel 1 1", [](ImageView s) { return ops::sobel(s, 1, 1); },
       [](const cv::Mat& s, cv::Mat& d) {
         cv::Mat g;
         cv::Sobel(s, g, CV_16S, 1, 1, 3);
         cv::convertScaleAbs(g, d);
       }},
      {"convolve",
       [](ImageView s) {
         return ops::convolve(s, {3, 3, {0, -1, 0, -1, 5, -1, 0, -1, 0}});
       },
       [](const cv::Mat& s, cv::Mat& d) {
         const cv::Mat k = (cv::Mat_<float>(3, 3) << 0, -1, 0, -1, 5, -1, 0, -1, 0);
         cv::filter2D(s, d, -1, k);
       }},
      {"flip both", [](ImageView s) { return ops::flip(s, ops::FlipAxis::Both); },
       [](const cv::Mat& s, cv::Mat& d) { cv::flip(s, d, -1); }},
      {"rotate 90", [](ImageView s) { return ops::rotate(s, 90); },
       [](const cv::Mat& s, cv::Mat& d) { cv::rotate(s, d, cv::ROTATE_90_CLOCKWISE); }},
      {"canny", [](ImageView s) { return ops::canny(ops::gray(s).view(), 50, 150); },
       [](const cv::Mat& s, cv::Mat& d) {
         cv::Mat g;
         cv::cvtColor(s, g, cv::COLOR_RGB2GRAY);
         cv::Canny(g, d, 50, 150);
       }},
      {"equalize", [](ImageView s) { return ops::equalize(ops::gray(s).view()); },
       [](const cv::Mat& s, cv::Mat& d) {
         cv::Mat g;
         cv::cvtColor(s, g, cv::COLOR_RGB2GRAY);
         cv::equalizeHist(g, d);
       }},
  };
}

TEST(OpsEdgeCases, tiny_and_one_pixel_wide_or_tall_images_match_opencv) {
  const unsigned seed = std::random_device{}();
  for (const auto& [width, height] :
       {std::pair{1, 1}, {1, 9}, {9, 1}, {2, 2}, {3, 7}, {13, 1}, {1, 2}}) {
    const Image image = testing::noise(width, height, PixelFormat::rgb8(), seed);
    for (const Case& c : cases()) {
      SCOPED_TRACE(fmt::format("{} on {}x{} (seed {})", c.name, width, height, seed));
      const Image ours = c.ours(image.view());
      cv::Mat theirs;
      c.theirs(as_mat(image.view()), theirs);
      ASSERT_EQ(ours.width(), theirs.cols);
      ASSERT_EQ(ours.height(), theirs.rows);
      EXPECT_EQ(testing::difference(ours.view(), theirs).differing, 0);
    }
  }
}

// The 3x3 median makes two rows a pass from vectors read in place, and the vectors at each end
// of a row from copies with the end pixel repeated (several per end where a target has fewer
// lanes than channels). Every width around a vector and its ends, in 1, 3 and 4 channels, on
// heights that leave no row, one row and strips' worth of rows after the pairs, every sample
// type and every compiled SIMD target, byte for byte against cv::medianBlur (u16 with its low
// bits set, f32 with negatives).
TEST(OpsEdgeCases, median_3_matches_opencv_at_widths_heights_and_targets) {
  const unsigned seed = std::random_device{}();
  std::mt19937 random(seed);
  struct AllTargetsAfterwards {  // however the test ends, the tests after it get them all
    ~AllTargetsAfterwards() { hwy::SetSupportedTargetsForTest(0); }
  } restore;
  for (const std::int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    for (const PixelFormat format :
         {PixelFormat::gray8(), PixelFormat::rgb8(), PixelFormat::rgba8()}) {
      for (const int width :
           {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 15, 16, 17, 31, 33, 63, 64, 65, 85, 129, 300}) {
        for (const int height : {1, 2, 5, 70}) {
          const Image small = testing::noise(width, height, format, random);
          for (const SampleType type : {SampleType::U8, SampleType::U16, SampleType::F32}) {
            Image image = ops::convert_depth(small.view(), type);
            const int samples = width * format.channels();
            for (int y = 0; y < image.height(); ++y) {
              for (int i = 0; i < samples; ++i) {
                if (type == SampleType::U16)
                  image.mutable_view().row<std::uint16_t>(y)[i] ^= random() & 0xFF;
                if (type == SampleType::F32) image.mutable_view().row<float>(y)[i] -= 0.5f;
              }
            }
            SCOPED_TRACE(fmt::format("{}x{}, {} channel(s), type {} on {} (seed {})", width, height,
                                     format.channels(), static_cast<int>(type),
                                     hwy::TargetName(target), seed));
            const Image ours = ops::median(image.view(), 3);
            cv::Mat theirs;
            cv::medianBlur(as_mat(image.view()), theirs, 3);
            for (int y = 0; y < image.height(); ++y) {
              ASSERT_EQ(std::memcmp(ours.view().row<std::uint8_t>(y), theirs.ptr<std::uint8_t>(y),
                                    ours.view().row_bytes()),
                        0)
                  << "row " << y;
            }
          }
        }
      }
    }
  }
}

// Halving u16 sums each plane's pixel pairs in 32-bit lanes: every width around a vector, in 1,
// 3 and 4 channels, with all 16 bits in use, byte for byte against cv::resize's 2x2 mean.
TEST(OpsEdgeCases, halving_u16_matches_opencv_at_widths_around_vectors) {
  const unsigned seed = std::random_device{}();
  std::mt19937 random(seed);
  for (const PixelFormat format :
       {PixelFormat::gray8(), PixelFormat::rgb8(), PixelFormat::rgba8()}) {
    for (const int width : {2, 4, 14, 16, 30, 32, 34, 62, 64, 66, 96, 126, 130, 1000}) {
      Image image =
          ops::convert_depth(testing::noise(width, 6, format, random).view(), SampleType::U16);
      for (int y = 0; y < image.height(); ++y) {
        for (int i = 0; i < width * format.channels(); ++i) {
          image.mutable_view().row<std::uint16_t>(y)[i] ^= random() & 0xFF;
        }
      }
      SCOPED_TRACE(fmt::format("{} wide, {} channel(s) (seed {})", width, format.channels(), seed));
      const Image ours = ops::resize(image.view(), {.scale = 0.5}, ops::ResizeKernel::Area);
      cv::Mat theirs;
      cv::resize(as_mat(image.view()), theirs, {width / 2, 3}, 0, 0, cv::INTER_AREA);
      ASSERT_EQ(ours.width(), theirs.cols);
      for (int y = 0; y < ours.height(); ++y) {
        ASSERT_EQ(std::memcmp(ours.view().row<std::uint8_t>(y), theirs.ptr<std::uint8_t>(y),
                              ours.view().row_bytes()),
                  0)
            << "row " << y;
      }
    }
  }
}

TEST(OpsEdgeCases, regions_with_row_gaps_work_as_inputs_and_as_outputs) {
  const Image parent = testing::noise(120, 90, PixelFormat::rgb8(), 7);
  const Image part = parent.region({13, 9, 61, 47});  // rows 360 bytes apart, 183 used
  ASSERT_FALSE(part.view().contiguous());
  const Image compact = part.clone();
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    // The region gives what the same pixels give on their own.
    EXPECT_TRUE(testing::same_pixels(c.ours(part.view()), c.ours(compact.view())));
  }
  // Written into a region of a larger canvas: the region gets the result, the rest is untouched.
  Image canvas = Image::create(200, 100, PixelFormat::rgb8());
  for (int y = 0; y < canvas.height(); ++y)
    std::memset(canvas.row(y), 77, canvas.view().row_bytes());
  const Image target = canvas.region({50, 20, part.width(), part.height()});
  ops::gaussian_blur(part.view(), target.mutable_view(), 5);
  EXPECT_TRUE(testing::same_pixels(target.clone(), ops::gaussian_blur(compact.view(), 5)));
  for (int y = 0; y < canvas.height(); ++y) {
    for (int x = 0; x < canvas.width(); ++x) {
      if (x >= 50 && x < 50 + part.width() && y >= 20 && y < 20 + part.height()) continue;
      ASSERT_EQ(std::to_integer<int>(canvas.row(y)[x * 3]), 77) << x << "," << y;
    }
  }
}

// swap_rb's 8-bit rows go through a vector kernel (BMP's too): every width class, against the
// swap written out pixel by pixel.
TEST(OpsEdgeCases, swap_rb_swaps_red_and_blue_at_every_width) {
  for (const PixelFormat format : {PixelFormat::rgb8(), PixelFormat::rgba8()}) {
    for (const int width : {1, 2, 15, 31, 32, 33, 63, 64, 65, 127, 129, 1000}) {
      SCOPED_TRACE(fmt::format("{} wide {}", width, format.name()));
      const Image source = testing::noise(width, 3, format, width);
      const Image swapped = ops::swap_rb(source.view());
      const int channels = format.channels();
      for (int y = 0; y < 3; ++y) {
        const auto* in = source.view().row<std::uint8_t>(y);
        const auto* out = swapped.view().row<std::uint8_t>(y);
        for (int x = 0; x < width * channels; x += channels) {
          ASSERT_EQ(out[x], in[x + 2]) << x;
          ASSERT_EQ(out[x + 1], in[x + 1]) << x;
          ASSERT_EQ(out[x + 2], in[x]) << x;
          if (channels == 4) {
            ASSERT_EQ(out[x + 3], in[x + 3]) << x;
          }
        }
      }
    }
  }
}

TEST(OpsEdgeCases, point_ops_run_in_place_with_the_same_result) {
  const Image source = testing::noise(37, 23, PixelFormat::rgb8(), 11);
  const std::pair<const char*, std::function<void(ImageView, MutableImageView)>> point_ops[] = {
      {"contrast", [](ImageView s, MutableImageView d) { ops::contrast(s, d, 1.3, -7); }},
      {"gamma", [](ImageView s, MutableImageView d) { ops::gamma(s, d, 2.2); }},
      {"invert", [](ImageView s, MutableImageView d) { ops::invert(s, d); }},
      {"swap_rb", [](ImageView s, MutableImageView d) { ops::swap_rb(s, d); }},
      {"equalize", [](ImageView s, MutableImageView d) { ops::equalize(s, d); }},
  };
  for (const auto& [name, op] : point_ops) {
    SCOPED_TRACE(name);
    Image separate = Image::create(source.width(), source.height(), source.format());
    op(source.view(), separate.mutable_view());
    Image in_place = source.clone();
    op(in_place.view(), in_place.mutable_view());
    EXPECT_TRUE(testing::same_pixels(in_place, separate));
  }
}

TEST(OpsEdgeCases, neighbourhood_ops_refuse_to_run_in_place) {
  Image image = testing::noise(40, 30, PixelFormat::rgb8(), 3);
  try {
    ops::gaussian_blur(image.view(), image.mutable_view(), 5);
    FAIL() << "blur in place was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(error.message().find("in place"), std::string::npos) << error.message();
  }
  // Overlapping regions of one image are refused too.
  const Image left = image.region({0, 0, 30, 30});
  const Image right = image.region({10, 0, 30, 30});
  EXPECT_THROW(ops::median(left.view(), right.mutable_view(), 3), Error);
}

TEST(OpsEdgeCases, wrong_destinations_and_formats_are_named_errors) {
  const Image rgb = testing::noise(20, 10, PixelFormat::rgb8(), 5);
  Image small = Image::create(10, 10, PixelFormat::rgb8());
  try {
    ops::gaussian_blur(rgb.view(), small.mutable_view(), 3);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.message(), "blur: the destination must be 20x10 rgb8, got 10x10 rgb8");
  }
  try {
    ops::canny(rgb.view(), 50, 150);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.message(),
              "canny: needs a one-channel (gray) image, got rgb8 (add `gray` before it)");
  }
  const Image wide = ops::convert_depth(rgb.view(), SampleType::U16);
  try {  // an op that takes u8 only names the types it takes and the way there
    (void)ops::equalize(wide.view());
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.message(), "equalize takes u8 only, got u16: put `depth u8` before it");
  }
  try {  // Otsu on floats: OpenCV has none; the way there is u16, which keeps the levels
    (void)ops::threshold(ops::convert_depth(ops::gray(rgb.view()).view(), SampleType::F32).view(),
                         {.method = ops::ThresholdMethod::Otsu});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.message(),
              "threshold takes u8, u16 (otsu: u8 and u16 only, as in OpenCV), got f32: put "
              "`depth u16` before it");
  }
  // Exact ops work on every format.
  EXPECT_EQ(ops::flip(wide.view(), ops::FlipAxis::Horizontal).format(), wide.format());
  EXPECT_EQ(ops::rotate(wide.view(), 270).width(), 10);
}

TEST(OpsEdgeCases, depth_conversion_round_trips_and_maps_full_scale) {
  const Image rgb = testing::noise(17, 5, PixelFormat::rgb8(), 9);
  for (SampleType type : {SampleType::U16, SampleType::F32}) {
    const Image wide = ops::convert_depth(rgb.view(), type);
    EXPECT_TRUE(testing::same_pixels(ops::convert_depth(wide.view(), SampleType::U8), rgb));
  }
  const Image wide = ops::convert_depth(rgb.view(), SampleType::U16);
  const auto* in = rgb.view().row<std::uint8_t>(0);
  const auto* out = wide.view().row<std::uint16_t>(0);
  for (int i = 0; i < 17 * 3; ++i) EXPECT_EQ(out[i], in[i] * 257);
}

}  // namespace
}  // namespace tessera

namespace tessera {
namespace {

// 81 -> 138 columns: 46 * 81 / 138 is exactly 27, and whether x * scale lands on 27 or just
// below depends on how the scale was rounded. OpenCV takes 1 / (138 / 81); so must we.
TEST(OpsEdgeCases, area_enlarging_rounds_its_scale_as_opencv_does) {
  const Image image = testing::noise(81, 35, PixelFormat::rgb8(), 1);
  const Image ours = ops::resize(image.view(), {.scale = 1.7}, ops::ResizeKernel::Area);
  cv::Mat theirs;
  cv::resize(as_mat(image.view()), theirs, cv::Size(138, 60), 0, 0, cv::INTER_AREA);
  EXPECT_LE(testing::difference(ours.view(), theirs).largest, 1);
}

}  // namespace
}  // namespace tessera
