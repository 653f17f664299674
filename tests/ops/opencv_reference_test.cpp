// Every op against OpenCV 4.6 (Debian's libopencv-imgproc), the independent reference, on real
// photographs from ../shared/corpora and on random images with a fresh seed per run.
//
// Reference calls: each case below names the OpenCV call it compares with, e.g.
//   cv::GaussianBlur(src, dst, cv::Size(5, 5), 0)   vs   ops::gaussian_blur(src, 5)
// "exact" cases must agree on every sample; "within 1" cases on every sample to one level.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <random>

#include "support/corpora.h"
#include "support/opencv_bridge.h"
#include "tessera/codec.h"
#include "tessera/ops.h"

namespace tessera {
namespace {

using testing::as_mat;
using testing::difference;

struct Input {
  std::string name;
  Image rgb;
  Image luma;
};

// The photographs every case runs on: JPEG photos of several sizes and subjects, loaded once
// per test suite (and released after it, so the per-test leak check sees no difference).
std::vector<Input>& photos() {
  static std::vector<Input> inputs;
  return inputs;
}

void load_photos() {
  const auto corpora = testing::corpora();
  const std::pair<const char*, int> files[] = {
      {"vips/test/test-suite/images/sample.jpg", 0},
      {"vips/test/test-suite/images/cd1.1.jpg", 0},  // a gray JPEG, made RGB
      {"jpeg/libjpeg-turbo/testimages/testorig.jpg", 0},
      {"vips/test/test-suite/images/ultra-hdr.jpg", 960},  // 3840x2160 decoded at 1/4
  };
  for (const auto& [file, min_width] : files) {
    if (!std::filesystem::exists(corpora / file)) continue;
    DecodeOptions options;
    options.min_width = min_width;
    Image rgb = ops::rgb(read(corpora / file, options).view());
    Image luma = ops::gray(rgb.view());
    photos().push_back({file, std::move(rgb), std::move(luma)});
  }
}

// Noise with a fresh seed (printed on failure), odd sizes, and a few flat areas.
Input random_input() {
  const unsigned seed = std::random_device{}();
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> size(17, 97);
  Image rgb = Image::create(size(random), size(random), PixelFormat::rgb8());
  std::uniform_int_distribution<int> sample(0, 255);
  for (int y = 0; y < rgb.height(); ++y) {
    auto* row = rgb.mutable_view().row<std::uint8_t>(y);
    for (int i = 0; i < rgb.width() * 3; ++i) {
      row[i] = static_cast<std::uint8_t>(y < rgb.height() / 4 ? 200 : sample(random));
    }
  }
  Image luma = ops::gray(rgb.view());
  return {"random seed " + std::to_string(seed), std::move(rgb), std::move(luma)};
}

std::vector<Input> all_inputs() {
  std::vector<Input> inputs;
  for (const auto& photo : photos()) inputs.push_back({photo.name, photo.rgb, photo.luma});
  for (int i = 0; i < 3; ++i) inputs.push_back(random_input());
  return inputs;
}

enum class Match { Exact, WithinOne };

// Runs ours and theirs on every input (colour and gray) and checks they agree.
template <typename Ours, typename Theirs>
void expect_matches_opencv(const char* what, Match match, Ours ours, Theirs theirs,
                           bool colour = true, bool gray = true) {
  for (const Input& input : all_inputs()) {
    for (const Image* source : {&input.rgb, &input.luma}) {
      if ((source == &input.rgb && !colour) || (source == &input.luma && !gray)) continue;
      SCOPED_TRACE(fmt::format("{} on {} ({}x{} {})", what, input.name, source->width(),
                               source->height(), source->format().name()));
      const Image result = ours(source->view());
      cv::Mat expected;
      theirs(as_mat(source->view()), expected);
      ASSERT_EQ(result.width(), expected.cols);
      ASSERT_EQ(result.height(), expected.rows);
      ASSERT_EQ(testing::cv_type(result.format()), expected.type());
      const auto diff = difference(result.view(), expected);
      if (match == Match::Exact) {
        EXPECT_EQ(diff.differing, 0) << "largest difference " << diff.largest;
      } else {
        EXPECT_LE(diff.largest, 1) << diff.differing << " samples differ";
      }
    }
  }
}

class OpenCvReference : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { load_photos(); }
  static void TearDownTestSuite() { photos().clear(); }
  void SetUp() override { TESSERA_REQUIRE_CORPORA(); }
};

TEST_F(OpenCvReference, gray_is_bit_identical_to_cvtColor_for_rgb_and_rgba) {
  // cv::cvtColor(src, dst, cv::COLOR_RGB2GRAY) / COLOR_RGBA2GRAY
  expect_matches_opencv(
      "gray", Match::Exact, [](ImageView src) { return ops::gray(src); },
      [](const cv::Mat& src, cv::Mat& dst) { cv::cvtColor(src, dst, cv::COLOR_RGB2GRAY); }, true,
      false);
  expect_matches_opencv(
      "gray from rgba", Match::Exact,
      [](ImageView src) { return ops::gray(ops::rgba(src).view()); },
      [](const cv::Mat& src, cv::Mat& dst) {
        cv::Mat rgba;
        cv::cvtColor(src, rgba, cv::COLOR_RGB2RGBA);
        cv::cvtColor(rgba, dst, cv::COLOR_RGBA2GRAY);
      },
      true, false);
}

TEST_F(OpenCvReference, channel_changes_are_identical_to_cvtColor) {
  // cv::cvtColor(src, dst, cv::COLOR_GRAY2RGB / GRAY2RGBA / RGB2RGBA), and RGBA2RGB after
  // RGB2RGBA; odd widths from the random inputs exercise the vector loops' tails.
  expect_matches_opencv(
      "rgb from gray", Match::Exact, [](ImageView src) { return ops::rgb(src); },
      [](const cv::Mat& src, cv::Mat& dst) { cv::cvtColor(src, dst, cv::COLOR_GRAY2RGB); }, false,
      true);
  expect_matches_opencv(
      "rgba from gray", Match::Exact, [](ImageView src) { return ops::rgba(src); },
      [](const cv::Mat& src, cv::Mat& dst) { cv::cvtColor(src, dst, cv::COLOR_GRAY2RGBA); }, false,
      true);
  expect_matches_opencv(
      "rgba from rgb", Match::Exact, [](ImageView src) { return ops::rgba(src); },
      [](const cv::Mat& src, cv::Mat& dst) { cv::cvtColor(src, dst, cv::COLOR_RGB2RGBA); }, true,
      false);
  expect_matches_opencv(
      "rgb from rgba", Match::Exact, [](ImageView src) { return ops::rgb(ops::rgba(src).view()); },
      [](const cv::Mat& src, cv::Mat& dst) {
        cv::Mat rgba;
        cv::cvtColor(src, rgba, cv::COLOR_RGB2RGBA);
        cv::cvtColor(rgba, dst, cv::COLOR_RGBA2RGB);
      },
      true, false);
}

TEST_F(OpenCvReference, flip_is_identical_to_cv_flip) {
  // cv::flip(src, dst, 1 / 0 / -1)
  const std::pair<ops::FlipAxis, int> axes[] = {
      {ops::FlipAxis::Horizontal, 1}, {ops::FlipAxis::Vertical, 0}, {ops::FlipAxis::Both, -1}};
  for (const auto& [axis, code] : axes) {
    expect_matches_opencv(
        "flip", Match::Exact, [axis = axis](ImageView src) { return ops::flip(src, axis); },
        [code = code](const cv::Mat& src, cv::Mat& dst) { cv::flip(src, dst, code); });
  }
}

TEST_F(OpenCvReference, rotate_by_quarter_turns_is_identical_to_cv_rotate) {
  // cv::rotate(src, dst, ROTATE_90_CLOCKWISE / ROTATE_180 / ROTATE_90_COUNTERCLOCKWISE)
  const std::pair<double, int> turns[] = {{90, cv::ROTATE_90_CLOCKWISE},
                                          {180, cv::ROTATE_180},
                                          {270, cv::ROTATE_90_COUNTERCLOCKWISE},
                                          {-90, cv::ROTATE_90_COUNTERCLOCKWISE}};
  for (const auto& [degrees, code] : turns) {
    expect_matches_opencv(
        "rotate", Match::Exact,
        [degrees = degrees](ImageView src) { return ops::rotate(src, degrees); },
        [code = code](const cv::Mat& src, cv::Mat& dst) { cv::rotate(src, dst, code); });
  }
}

TEST_F(OpenCvReference, crop_is_identical_to_a_mat_roi) {
  // src(cv::Rect(x, y, w, h)).clone()
  expect_matches_opencv(
      "crop", Match::Exact,
      [](ImageView src) {
        return ops::crop(src,
                         {src.width() / 5, src.height() / 7, src.width() / 2, src.height() / 3});
      },
      [](const cv::Mat& src, cv::Mat& dst) {
        dst = src(cv::Rect(src.cols / 5, src.rows / 7, src.cols / 2, src.rows / 3)).clone();
      });
}

TEST_F(OpenCvReference, convolve_with_integer_kernels_is_identical_to_filter2D) {
  // cv::filter2D(src, dst, -1, kernel / divisor, cv::Point(-1, -1), offset)
  struct Case {
    ops::Kernel kernel;
    double divisor;
    double offset;
  };
  const Case cases[] = {
      {{3, 3, {-1, -1, -1, -1, 16, -1, -1, -1, -1}}, 8, 0},  // the vips-bench sharpen
      {{3, 3, {0, -1, 0, -1, 5, -1, 0, -1, 0}}, 1, 0},
      {{3, 3, {1, 2, 1, 2, 4, 2, 1, 2, 1}}, 16, 0},
      {{3, 3, {1, 2, 1, 2, 4, 2, 1, 2, 1}}, 16, 3},  // an odd offset: ties to even after it
      {{5, 3, {1, 0, -1, 2, 3, 2, 0, 1, 0, 1, -1, 2, 0, 1, 1}}, 7, 10},
      {{1, 5, {1, 1, 1, 1, 1}}, 5, -3},
      {{7, 7, std::vector<double>(49, 1)}, 49, 0},
  };
  for (const Case& c : cases) {
    expect_matches_opencv(
        "convolve", Match::Exact,
        [&](ImageView src) { return ops::convolve(src, c.kernel, c.divisor, c.offset); },
        [&](const cv::Mat& src, cv::Mat& dst) {
          cv::Mat kernel(c.kernel.height, c.kernel.width, CV_32F);
          for (int i = 0; i < c.kernel.width * c.kernel.height; ++i) {
            kernel.at<float>(i / c.kernel.width, i % c.kernel.width) =
                static_cast<float>(c.kernel.values[i] / c.divisor);
          }
          cv::filter2D(src, dst, -1, kernel, cv::Point(-1, -1), c.offset);
        });
  }
}

TEST_F(OpenCvReference, gaussian_blur_is_identical_to_GaussianBlur) {
  // cv::GaussianBlur(src, dst, cv::Size(k, k), sigma)
  // 1, 3 and 5 (binomial taps) take the 16-bit vertical pass; the others 32-bit sums.
  const std::pair<int, double> cases[] = {{1, 0},  {3, 0},  {5, 0},   {7, 0},   {9, 0},
                                          {11, 0}, {15, 0}, {5, 1.2}, {0, 1.5}, {0, 3}};
  for (const auto& [ksize, sigma] : cases) {
    expect_matches_opencv(
        "gaussian_blur", Match::Exact,
        [&](ImageView src) { return ops::gaussian_blur(src, ksize, sigma); },
        [&](const cv::Mat& src, cv::Mat& dst) {
          cv::GaussianBlur(src, dst, cv::Size(ksize, ksize), sigma);
        });
  }
}

TEST_F(OpenCvReference, box_blur_is_identical_to_cv_blur) {
  // cv::blur(src, dst, cv::Size(k, k))
  for (int ksize : {1, 3, 5, 7, 15, 17, 31}) {
    expect_matches_opencv(
        "box_blur", Match::Exact, [&](ImageView src) { return ops::box_blur(src, ksize); },
        [&](const cv::Mat& src, cv::Mat& dst) { cv::blur(src, dst, cv::Size(ksize, ksize)); });
  }
}

TEST_F(OpenCvReference, median_is_identical_to_medianBlur) {
  // cv::medianBlur(src, dst, k)
  for (int ksize : {3, 5}) {
    expect_matches_opencv(
        "median", Match::Exact, [&](ImageView src) { return ops::median(src, ksize); },
        [&](const cv::Mat& src, cv::Mat& dst) { cv::medianBlur(src, dst, ksize); });
  }
}

TEST_F(OpenCvReference, erode_and_dilate_are_identical_to_OpenCV) {
  // cv::erode / cv::dilate(src, dst, getStructuringElement(MORPH_RECT, Size(w, h)))
  for (const auto& [w, h] : {std::pair{3, 3}, {5, 3}, {1, 7}, {9, 9}}) {
    const cv::Mat element = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(w, h));
    expect_matches_opencv(
        "erode", Match::Exact, [&](ImageView src) { return ops::erode(src, w, h); },
        [&](const cv::Mat& src, cv::Mat& dst) { cv::erode(src, dst, element); });
    expect_matches_opencv(
        "dilate", Match::Exact, [&](ImageView src) { return ops::dilate(src, w, h); },
        [&](const cv::Mat& src, cv::Mat& dst) { cv::dilate(src, dst, element); });
  }
}

TEST_F(OpenCvReference, sobel_is_identical_to_Sobel_then_convertScaleAbs) {
  // cv::Sobel(src, d, CV_16S, dx, dy, k); cv::convertScaleAbs(d, dst)
  for (const auto& [dx, dy, ksize] :
       {std::tuple{1, 0, 3}, {0, 1, 3}, {1, 1, 3}, {2, 0, 3}, {1, 0, 5}, {0, 2, 5}}) {
    expect_matches_opencv(
        "sobel", Match::Exact, [&](ImageView src) { return ops::sobel(src, dx, dy, ksize); },
        [&](const cv::Mat& src, cv::Mat& dst) {
          cv::Mat derivative;
          cv::Sobel(src, derivative, CV_16S, dx, dy, ksize);
          cv::convertScaleAbs(derivative, dst);
        });
  }
}

TEST_F(OpenCvReference, canny_is_identical_to_cv_Canny_with_both_norms_and_apertures) {
  // cv::Canny(gray, dst, low, high, aperture, L2gradient)
  for (const auto& [low, high, aperture, l2] : {std::tuple{50.0, 150.0, 3, false},
                                                {50.0, 150.0, 3, true},
                                                {20.0, 60.0, 3, false},
                                                {100.0, 300.0, 5, false},
                                                {400.0, 1200.0, 5, true},
                                                {0.0, 0.0, 3, false}}) {
    expect_matches_opencv(
        "canny", Match::Exact,
        [&](ImageView src) {
          return ops::canny(src, low, high, aperture,
                            l2 ? ops::GradientNorm::L2 : ops::GradientNorm::L1);
        },
        [&](const cv::Mat& src, cv::Mat& dst) { cv::Canny(src, dst, low, high, aperture, l2); },
        false, true);
  }
}

TEST_F(OpenCvReference, threshold_types_and_otsu_are_identical_to_cv_threshold) {
  // cv::threshold(gray, dst, value, max, type [| THRESH_OTSU])
  const std::pair<ops::ThresholdType, int> types[] = {
      {ops::ThresholdType::Binary, cv::THRESH_BINARY},
      {ops::ThresholdType::BinaryInverse, cv::THRESH_BINARY_INV},
      {ops::ThresholdType::Truncate, cv::THRESH_TRUNC},
      {ops::ThresholdType::ToZero, cv::THRESH_TOZERO},
      {ops::ThresholdType::ToZeroInverse, cv::THRESH_TOZERO_INV}};
  for (const auto& [type, code] : types) {
    // A maximum of 200.5 rounds half to even, as cvRound: 200.
    for (const auto& [value, max] :
         {std::pair{0.0, 200.0}, {99.5, 200.5}, {128.0, 200.0}, {254.0, 201.5}, {255.0, 200.0}}) {
      expect_matches_opencv(
          "threshold", Match::Exact,
          [&](ImageView src) {
            return ops::threshold(src, {.value = value, .max_value = max, .type = type});
          },
          [&](const cv::Mat& src, cv::Mat& dst) { cv::threshold(src, dst, value, max, code); },
          false, true);
    }
    expect_matches_opencv(
        "otsu", Match::Exact,
        [&](ImageView src) {
          return ops::threshold(src, {.type = type, .method = ops::ThresholdMethod::Otsu});
        },
        [&](const cv::Mat& src, cv::Mat& dst) {
          cv::threshold(src, dst, 0, 255, code | cv::THRESH_OTSU);
        },
        false, true);
  }
}

TEST_F(OpenCvReference, equalize_is_identical_to_equalizeHist) {
  // cv::equalizeHist(gray, dst)
  expect_matches_opencv(
      "equalize", Match::Exact, [](ImageView src) { return ops::equalize(src); },
      [](const cv::Mat& src, cv::Mat& dst) { cv::equalizeHist(src, dst); }, false, true);
}

TEST_F(OpenCvReference, contrast_is_identical_to_convertScaleAbs) {
  // cv::convertScaleAbs(src, dst, alpha, beta)
  for (const auto& [alpha, beta] :
       {std::pair{1.2, 10.0}, {0.5, -20.0}, {-1.0, 255.0}, {2.5, 0.5}}) {
    expect_matches_opencv(
        "contrast", Match::Exact, [&](ImageView src) { return ops::contrast(src, alpha, beta); },
        [&](const cv::Mat& src, cv::Mat& dst) { cv::convertScaleAbs(src, dst, alpha, beta); });
  }
}

TEST_F(OpenCvReference, resize_linear_and_area_are_within_one_level_of_cv_resize) {
  // cv::resize(src, dst, cv::Size(w, h), 0, 0, INTER_LINEAR / INTER_AREA)
  const std::pair<ops::ResizeKernel, int> kernels[] = {
      {ops::ResizeKernel::Linear, cv::INTER_LINEAR}, {ops::ResizeKernel::Area, cv::INTER_AREA}};
  for (const auto& [kernel, code] : kernels) {
    for (double factor : {0.5, 0.37, 0.25, 1.7, 3.0}) {
      expect_matches_opencv(
          "resize", Match::WithinOne,
          [&](ImageView src) { return ops::resize(src, {.scale = factor}, kernel); },
          [&](const cv::Mat& src, cv::Mat& dst) {
            const auto [w, h] = ops::resize_output_size({.scale = factor}, src.cols, src.rows);
            cv::resize(src, dst, cv::Size(w, h), 0, 0, code);
          });
    }
  }
}

TEST_F(OpenCvReference, halving_even_sizes_is_identical_to_cv_resize_linear_and_area) {
  // cv::resize(even, dst, cv::Size(w / 2, h / 2), 0, 0, INTER_LINEAR / INTER_AREA): both
  // take the 2x2-mean shortcut, as tessera does, so here the results are equal, not within 1.
  const std::pair<ops::ResizeKernel, int> kernels[] = {
      {ops::ResizeKernel::Linear, cv::INTER_LINEAR}, {ops::ResizeKernel::Area, cv::INTER_AREA}};
  for (const auto& [kernel, code] : kernels) {
    expect_matches_opencv(
        "halve", Match::Exact,
        [&](ImageView src) {
          const ImageView even = src.subview({0, 0, src.width() & ~1, src.height() & ~1});
          return ops::resize(even, {.width = even.width() / 2, .height = even.height() / 2},
                             kernel);
        },
        [&](const cv::Mat& src, cv::Mat& dst) {
          const cv::Mat even = src(cv::Rect(0, 0, src.cols & ~1, src.rows & ~1));
          cv::resize(even, dst, cv::Size(even.cols / 2, even.rows / 2), 0, 0, code);
        });
  }
}

TEST_F(OpenCvReference, rotation_by_any_angle_is_within_one_level_of_warpAffine_on_99_percent) {
  // cv::warpAffine(src, dst, M, size, INTER_LINEAR, BORDER_CONSTANT, background), with M the
  // clockwise turn about the centre that ops::rotate makes (expand = false). Gray, RGB and RGBA
  // (the vectorised rows gather 1, 3 and 4 bytes a pixel), on black and on a colour.
  const ops::Background orange = {250, 120, 10, 200};
  for (double degrees : {30.0, -12.5, 137.0}) {
    for (const Input& input : all_inputs()) {
      const Image rgba = ops::rgba(input.rgb.view());
      for (const ImageView source : {input.rgb.view(), input.luma.view(), rgba.view()}) {
        for (const ops::Background& background : {ops::kBlack, orange}) {
          SCOPED_TRACE(fmt::format("rotate {} on {} ({}), background {}", degrees, input.name,
                                   source.format().name(), background[0]));
          const Image ours =
              ops::rotate(source, degrees, {.background = background, .expand = false});
          const cv::Mat src = as_mat(source);
          const cv::Point2f centre((src.cols - 1) / 2.0f, (src.rows - 1) / 2.0f);
          const cv::Mat matrix = cv::getRotationMatrix2D(centre, -degrees, 1.0);
          const cv::Scalar fill =
              source.format().channels() == 1
                  ? cv::Scalar(background[0])
                  : cv::Scalar(background[0], background[1], background[2], background[3]);
          cv::Mat theirs;
          cv::warpAffine(src, theirs, matrix, src.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                         fill);
          const int samples = src.cols * src.channels();
          long close = 0;
          for (int y = 0; y < src.rows; ++y) {
            for (int i = 0; i < samples; ++i) {
              close += std::abs(ours.view().row<std::uint8_t>(y)[i] -
                                theirs.ptr<std::uint8_t>(y)[i]) <= 1;
            }
          }
          EXPECT_GE(static_cast<double>(close) / (static_cast<double>(src.rows) * samples), 0.99);
        }
      }
    }
  }
}

}  // namespace
}  // namespace tessera
