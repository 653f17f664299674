// 16-bit and float through the ops (issue 21), against OpenCV 4.6 on the same type (CV_16U,
// CV_32F), on real 16-bit images: the corpora's 16-bit PNG and TIFF files, their float TIFFs,
// and a photograph promoted to 16 bits with seeded noise in the low byte, so that the low bits
// matter; f32 inputs are the same divided by 65535 (the f32 convention: 0..1).
//
// Each case names its OpenCV call and its bound, which the test asserts and prints:
//   u16: the largest difference in levels (0: bit-identical);
//   f32: the largest absolute difference on 0..1 samples.
// Then the streamed form (bands of 1, 7 and 64 rows) equals the whole-image form, and the
// degenerate sizes (1x1, 1xN, Nx1, odd) run and match too.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <opencv2/imgproc.hpp>
#include <random>
#include <tuple>
#include <vector>

#include "support/band_source.h"
#include "support/corpora.h"
#include "support/images.h"
#include "support/opencv_bridge.h"
#include "tessera/codec.h"
#include "tessera/ops.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/pipeline/stream.h"

namespace tessera {
namespace {

using testing::as_mat;

struct Input {
  std::string name;
  Image image;
};

// Real images, u16 and f32, loaded once per suite (released after it, for the leak check).
std::vector<Input>& u16_inputs() {
  static std::vector<Input> inputs;
  return inputs;
}
std::vector<Input>& f32_inputs() {
  static std::vector<Input> inputs;
  return inputs;
}

// A photograph's 8-bit samples as the high byte of 16, with seeded noise as the low byte.
Image promoted(ImageView photo, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> low(0, 255);
  Image out =
      Image::create(photo.width(), photo.height(), {photo.format().layout, SampleType::U16});
  for (int y = 0; y < photo.height(); ++y) {
    const auto* in = photo.row<std::uint8_t>(y);
    auto* row = out.mutable_view().row<std::uint16_t>(y);
    for (int i = 0; i < photo.width() * photo.format().channels(); ++i) {
      row[i] = static_cast<std::uint16_t>(in[i] * 256 + low(random));
    }
  }
  return out;
}

void load_inputs() {
  const auto corpora = testing::corpora();
  for (const char* file : {"png/tests/images/basn0g16.png", "png/tests/images/basn2c16.png",
                           "png/tests/images/basn6a16.png", "tiff/tests/images/rgb-3c-16b.tiff",
                           "tiff/tests/images/minisblack-1c-16b.tiff"}) {
    if (std::filesystem::exists(corpora / file))
      u16_inputs().push_back({file, read(corpora / file)});
  }
  const char* photo = "vips/test/test-suite/images/sample.jpg";
  if (std::filesystem::exists(corpora / photo)) {
    const Image rgb = ops::rgb(read(corpora / photo).view());
    u16_inputs().push_back({"sample.jpg promoted, seed 21", promoted(rgb.view(), 21)});
    u16_inputs().push_back(
        {"sample.jpg gray promoted, seed 22", promoted(ops::gray(rgb.view()).view(), 22)});
  }
  for (const Input& input : u16_inputs()) {
    f32_inputs().push_back(
        {input.name + " / 65535", ops::convert_depth(input.image.view(), SampleType::F32)});
  }
  for (const char* file : {"tiff/tests/images/predictor-3-rgb-f32.tif",
                           "tiff/tests/images/gradient-3c-32b-float.tiff"}) {
    if (std::filesystem::exists(corpora / file))
      f32_inputs().push_back({file, read(corpora / file)});
  }
}

// The largest difference between ours and OpenCV's result (same size and type asserted).
double largest_difference(ImageView ours, const cv::Mat& theirs) {
  EXPECT_EQ(ours.width(), theirs.cols);
  EXPECT_EQ(ours.height(), theirs.rows);
  EXPECT_EQ(testing::cv_type(ours.format()), theirs.type());
  if (ours.width() != theirs.cols || ours.height() != theirs.rows) return 1e9;
  double largest = 0;
  const int samples = ours.width() * ours.format().channels();
  for (int y = 0; y < ours.height(); ++y) {
    for (int i = 0; i < samples; ++i) {
      const double a = ours.format().sample == SampleType::U16 ? ours.row<std::uint16_t>(y)[i]
                                                               : ours.row<float>(y)[i];
      const double b =
          theirs.depth() == CV_16U ? theirs.ptr<std::uint16_t>(y)[i] : theirs.ptr<float>(y)[i];
      largest = std::max(largest, std::fabs(a - b));
    }
  }
  return largest;
}

struct Bounds {
  double u16 = 0;  // levels
  double f32 = 0;  // absolute, on 0..1
};

// Runs ours and OpenCV's on every u16 and f32 input and asserts the bound; prints the largest
// difference found per type, which is what the bound is read against.
template <typename Ours, typename Theirs>
void expect_matches(const std::string& what, Bounds bounds, Ours ours, Theirs theirs) {
  for (const auto* inputs : {&u16_inputs(), &f32_inputs()}) {
    double worst = 0;
    const bool u16 = inputs == &u16_inputs();
    const double bound = u16 ? bounds.u16 : bounds.f32;
    for (const Input& input : *inputs) {
      SCOPED_TRACE(fmt::format("{} on {} ({}x{} {})", what, input.name, input.image.width(),
                               input.image.height(), input.image.format().name()));
      const Image result = ours(input.image.view());
      cv::Mat expected;
      theirs(as_mat(input.image.view()), expected);
      const double largest = largest_difference(result.view(), expected);
      EXPECT_LE(largest, bound);
      worst = std::max(worst, largest);
    }
    std::printf("%-44s %s: largest difference %g (bound %g)\n", what.c_str(), u16 ? "u16" : "f32",
                worst, bound);
  }
}

// Alpha is kept by tessera's point ops where OpenCV's touch every channel: the RGBA file's
// alpha is copied from the input into OpenCV's result.
void keep_alpha(const cv::Mat& src, cv::Mat& dst) {
  if (src.channels() != 4) return;
  const int from_to[] = {3, 3};
  cv::mixChannels(&src, 1, &dst, 1, from_to, 1);
}

const std::pair<ops::ThresholdType, int> kThresholdTypes[] = {
    {ops::ThresholdType::Binary, cv::THRESH_BINARY},
    {ops::ThresholdType::BinaryInverse, cv::THRESH_BINARY_INV},
    {ops::ThresholdType::Truncate, cv::THRESH_TRUNC},
    {ops::ThresholdType::ToZero, cv::THRESH_TOZERO},
    {ops::ThresholdType::ToZeroInverse, cv::THRESH_TOZERO_INV}};

class DepthReference : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { load_inputs(); }
  static void TearDownTestSuite() {
    u16_inputs().clear();
    f32_inputs().clear();
  }
  void SetUp() override {
    TESSERA_REQUIRE_CORPORA();
    ASSERT_GE(u16_inputs().size(), 5u);
  }
};

TEST_F(DepthReference, invert_is_full_scale_minus_the_sample_exactly) {
  // u16: cv::bitwise_not (65535 - v); f32: cv::subtract(1, v) (the f32 convention's white).
  // Alpha is kept, so the RGBA file compares its colour channels with OpenCV and its alpha
  // with the input.
  expect_matches(
      "invert", {0, 0}, [](ImageView src) { return ops::invert(src); },
      [](const cv::Mat& src, cv::Mat& dst) {
        if (src.depth() == CV_16U) {
          cv::bitwise_not(src, dst);
        } else {
          cv::subtract(cv::Scalar::all(1.0), src, dst);
        }
        keep_alpha(src, dst);
      });
}

TEST_F(DepthReference, contrast_is_convert_scale_abs_at_full_scale) {
  // |alpha * x + beta| as cv::convertScaleAbs computes it (in float), but to the input's type:
  // src.convertTo(CV_32F, alpha, beta'), abs, then convertTo back (u16: rounded, saturated;
  // f32: as is), with beta' = beta * 257 on u16 and beta / 255 on f32. Alpha kept.
  for (const auto& [alpha, beta] : {std::pair{1.3, -20.0}, {-0.7, 200.0}, {2.5, 0.0}}) {
    expect_matches(
        fmt::format("contrast {} {}", alpha, beta), {1, 1e-6},
        [a = alpha, b = beta](ImageView src) { return ops::contrast(src, a, b); },
        [a = alpha, b = beta](const cv::Mat& src, cv::Mat& dst) {
          cv::Mat x;
          src.convertTo(x, CV_32F, a, src.depth() == CV_16U ? b * 257 : b / 255);
          x = cv::abs(x);
          x.convertTo(dst, src.depth());
          keep_alpha(src, dst);
        });
  }
}

TEST_F(DepthReference, blur_is_gaussian_blur_bit_identical_on_u16_and_float_close_on_f32) {
  // cv::GaussianBlur(src, dst, Size(k, k), sigma, sigma, BORDER_REFLECT_101): its CV_16U path
  // is fixed point (16 fraction bits) and ours the same arithmetic: bit-identical. CV_32F sums
  // in float as ours, in another order: within 2e-6 on 0..1.
  // ksize 0 takes round(6 sigma + 1), made odd, on every type (OpenCV's 8-bit rule, so that a
  // pipeline blurs alike at any depth); OpenCV takes 8 sigma + 1 beyond 8 bits, so it is
  // given that size here.
  for (const auto& [ksize, sigma] : {std::pair{3, 0.0}, {5, 0.0}, {7, 1.5}, {0, 2.5}}) {
    const int cv_ksize = ksize > 0 ? ksize : static_cast<int>(std::lround(sigma * 6 + 1)) | 1;
    expect_matches(
        fmt::format("blur {} {}", ksize, sigma), {0, 2e-6},
        [k = ksize, s = sigma](ImageView src) { return ops::gaussian_blur(src, k, s); },
        [k = cv_ksize, s = sigma](const cv::Mat& src, cv::Mat& dst) {
          cv::GaussianBlur(src, dst, cv::Size(k, k), s, s, cv::BORDER_REFLECT_101);
        });
  }
}

TEST_F(DepthReference, box_blur_matches_cv_blur) {
  // cv::blur(src, dst, Size(k, k)) (BORDER_REFLECT_101): integer sums times 1 / area on
  // CV_16U, double sums on CV_32F. Identical up to ksize 7 here; at 21 a few u16 samples round
  // the other way (OpenCV's vector lanes scale in float, its scalar tail in double).
  for (const int ksize : {1, 3, 7, 21}) {
    expect_matches(
        fmt::format("box_blur {}", ksize), {1, 1e-6},
        [ksize](ImageView src) { return ops::box_blur(src, ksize); },
        [ksize](const cv::Mat& src, cv::Mat& dst) { cv::blur(src, dst, cv::Size(ksize, ksize)); });
  }
}

TEST_F(DepthReference, resize_linear_and_area_match_cv_resize) {
  // cv::resize(src, dst, Size(w, h), 0, 0, INTER_LINEAR / INTER_AREA) on CV_16U and CV_32F:
  // float weights and float rows there and here, rounded once. Exactly half size is the 2x2
  // mean in both (u16: (a + b + c + d + 2) >> 2, bit-identical).
  struct Case {
    const char* name;
    double scale;
    ops::ResizeKernel kernel;
    int interpolation;
    Bounds bounds;
  };
  const Case cases[] = {
      {"resize 50% linear", 0.5, ops::ResizeKernel::Linear, cv::INTER_LINEAR, {1, 1e-5}},
      {"resize 50% area", 0.5, ops::ResizeKernel::Area, cv::INTER_AREA, {0, 1e-6}},
      {"resize 37% linear", 0.37, ops::ResizeKernel::Linear, cv::INTER_LINEAR, {1, 1e-5}},
      {"resize 37% area", 0.37, ops::ResizeKernel::Area, cv::INTER_AREA, {1, 2e-6}},
      {"resize 170% linear", 1.7, ops::ResizeKernel::Linear, cv::INTER_LINEAR, {1, 1e-5}},
      {"resize 170% area", 1.7, ops::ResizeKernel::Area, cv::INTER_AREA, {1, 2e-6}},
  };
  for (const Case& c : cases) {
    expect_matches(
        c.name, c.bounds,
        [&](ImageView src) { return ops::resize(src, {.scale = c.scale}, c.kernel); },
        [&](const cv::Mat& src, cv::Mat& dst) {
          const auto size = ops::resize_output_size({.scale = c.scale}, src.cols, src.rows);
          cv::resize(src, dst, cv::Size(size[0], size[1]), 0, 0, c.interpolation);
        });
  }
}

TEST_F(DepthReference, sharpen_is_the_unsharp_mask_of_gaussian_blur) {
  // x + amount * (x - GaussianBlur(x)), computed by OpenCV in float, rounded (u16) or not
  // (f32): the blur is exact on u16, so only a tie rounded the other way could differ.
  expect_matches(
      "sharpen 1.5 1.2", {1, 6e-6}, [](ImageView src) { return ops::sharpen(src, 1.5, 1.2, 0); },
      [](const cv::Mat& src, cv::Mat& dst) {
        cv::Mat blurred, x;
        const int ksize = static_cast<int>(std::lround(1.5 * 6 + 1)) | 1;
        cv::GaussianBlur(src, blurred, cv::Size(ksize, ksize), 1.5, 1.5, cv::BORDER_REFLECT_101);
        src.convertTo(x, CV_32F);
        blurred.convertTo(blurred, CV_32F);
        cv::Mat sharp = x + 1.2 * (x - blurred);
        if (src.channels() == 4) {  // alpha kept
          const int from_to[] = {3, 3};
          cv::mixChannels(&x, 1, &sharp, 1, from_to, 1);
        }
        sharp.convertTo(dst, src.depth());
      });
}

// sharpen's combine step (SIMD, with a scalar tail and alpha copied back) against the formula
// computed here from ops::gaussian_blur: every type, widths that end inside a vector, alpha,
// and a threshold that leaves some samples alone.
TEST(Sharpen, combines_each_sample_with_its_blur_on_every_type_width_and_threshold) {
  std::mt19937 random(5);
  int changed = 0, kept = 0;
  for (const SampleType sample : {SampleType::U8, SampleType::U16, SampleType::F32}) {
    for (const ChannelLayout layout : {ChannelLayout::Gray, ChannelLayout::Rgba}) {
      for (const int width : {1, 7, 33, 211}) {
        for (const int threshold : {0, 6}) {
          const PixelFormat format{layout, sample};
          SCOPED_TRACE(fmt::format("{} width {} threshold {}", format.name(), width, threshold));
          Image image = Image::create(width, 9, format);
          const int samples = width * format.channels();
          for (int y = 0; y < 9; ++y) {
            for (int i = 0; i < samples; ++i) {
              const int level = static_cast<int>(random() % 256);
              if (sample == SampleType::U8) image.row(y)[i] = static_cast<std::byte>(level);
              if (sample == SampleType::U16) {
                image.mutable_view().row<std::uint16_t>(y)[i] =
                    static_cast<std::uint16_t>(level * 257);
              }
              if (sample == SampleType::F32) image.mutable_view().row<float>(y)[i] = level / 255.0f;
            }
          }
          const double amount = 1.7;
          const Image blurred = ops::gaussian_blur(image.view(), 0, 1.2);
          const Image sharp = ops::sharpen(image.view(), 1.2, amount, threshold);
          const double full = sample == SampleType::U8    ? 255
                              : sample == SampleType::U16 ? 65535
                                                          : 1;
          const auto at = [&](const Image& from, int y, int i) -> double {
            if (sample == SampleType::U8) return std::to_integer<int>(from.row(y)[i]);
            if (sample == SampleType::U16) return from.view().row<std::uint16_t>(y)[i];
            return from.view().row<float>(y)[i];
          };
          int wrong = 0;
          for (int y = 0; y < 9; ++y) {
            for (int i = 0; i < samples; ++i) {
              const double value = at(image, y, i), difference = value - at(blurred, y, i);
              const bool is_alpha = format.has_alpha() && i % 4 == 3;
              double expected = value;
              if (!is_alpha && std::fabs(difference) > threshold * full / 255) {
                expected = value + amount * difference;
                if (sample != SampleType::F32)
                  expected = std::clamp(std::round(expected), 0.0, full);
                ++changed;
              } else {
                ++kept;
              }
              // Float rounding of the same formula: a level on integers, 1e-5 on floats.
              const double tolerance = sample == SampleType::F32 ? 1e-5 : 1;
              if (std::fabs(at(sharp, y, i) - expected) > tolerance) ++wrong;
            }
          }
          EXPECT_EQ(wrong, 0);
        }
      }
    }
  }
  EXPECT_GT(changed, 1000);
  EXPECT_GT(kept, 1000);
}

TEST_F(DepthReference, median_erode_and_dilate_are_exact) {
  // cv::medianBlur(src, dst, 3 / 5) (edges replicated), cv::erode / cv::dilate with a
  // rectangle (pixels outside ignored): orders and extremes, exact on every type.
  for (const int ksize : {3, 5}) {
    expect_matches(
        fmt::format("median {}", ksize), {0, 0},
        [ksize](ImageView src) { return ops::median(src, ksize); },
        [ksize](const cv::Mat& src, cv::Mat& dst) { cv::medianBlur(src, dst, ksize); });
  }
  for (const auto& [width, height] : {std::pair{3, 3}, {5, 7}, {1, 3}}) {
    const cv::Mat rectangle = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(width, height));
    expect_matches(
        fmt::format("erode {} {}", width, height), {0, 0},
        [w = width, h = height](ImageView src) { return ops::erode(src, w, h); },
        [&](const cv::Mat& src, cv::Mat& dst) { cv::erode(src, dst, rectangle); });
    expect_matches(
        fmt::format("dilate {} {}", width, height), {0, 0},
        [w = width, h = height](ImageView src) { return ops::dilate(src, w, h); },
        [&](const cv::Mat& src, cv::Mat& dst) { cv::dilate(src, dst, rectangle); });
  }
}

TEST(DepthNaN, median_of_a_float_window_with_nan_is_defined_nan_sorting_above_numbers) {
  Image image = Image::create(5, 5, {ChannelLayout::Gray, SampleType::F32});
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 5; ++x) {
      image.mutable_view().row<float>(y)[x] =
          (x + y) % 3 == 0 ? std::numeric_limits<float>::quiet_NaN() : 0.1f * (x + 5 * y);
    }
  }
  const Image median = ops::median(image.view(), 3);
  // The centre's window: 0.6 NaN 0.8 / NaN 1.2 1.3 / 1.6 1.7 NaN, in order 0.6 0.8 1.2 1.3 1.6
  // 1.7 NaN NaN NaN: the fifth of nine is 1.6.
  EXPECT_FLOAT_EQ(median.view().row<float>(2)[2], 1.6f);
}

// A float image wide enough for whole vectors and a tail on every target: numbers from
// number(state) of a seeded generator, and at one sample in `every` a NaN, an infinity or a
// zero, each of either sign.
template <typename Number>
Image float_specials(int width, int height, std::uint32_t seed, std::uint32_t every,
                     Number number) {
  Image image = Image::create(width, height, {ChannelLayout::Gray, SampleType::F32});
  std::uint32_t state = seed;
  const float specials[] = {std::numeric_limits<float>::quiet_NaN(),
                            -std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(),
                            0.0f,
                            -0.0f};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      state = state * 1664525u + 1013904223u;
      image.mutable_view().row<float>(y)[x] =
          (state >> 8) % every == 0 ? specials[(state >> 4) % 6] : number(state);
    }
  }
  return image;
}

// Numbers in 0..1, around the thresholds of the tests below.
float unit_number(std::uint32_t state) { return static_cast<float>((state >> 16) % 1000) / 999; }

// Equal as floats, NaN where the other is NaN.
bool same_float(float a, float b) { return std::isnan(a) ? std::isnan(b) : a == b; }

// How many samples of median(image, ksize) differ from nth_element over each window in the order
// NaN last (edges replicated): equal as values (0 and -0 are one value to `<`), NaN where the
// window's middle is NaN.
int median_differences_from_a_scalar_sort(const Image& image, int ksize) {
  const auto nan_last = [](float a, float b) {
    if (std::isnan(a) || std::isnan(b)) return !std::isnan(a) && std::isnan(b);
    return a < b;
  };
  const Image median = ops::median(image.view(), ksize);
  const int r = ksize / 2;
  const int width = image.width(), height = image.height();
  const int channels = image.format().channels();
  int differences = 0;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) {
        std::array<float, 25> window;
        int count = 0;
        for (int dy = -r; dy <= r; ++dy) {
          for (int dx = -r; dx <= r; ++dx) {
            const int yy = std::clamp(y + dy, 0, height - 1);
            const int xx = std::clamp(x + dx, 0, width - 1);
            window[count++] = image.view().row<float>(yy)[xx * channels + c];
          }
        }
        std::nth_element(window.begin(), window.begin() + count / 2, window.begin() + count,
                         nan_last);
        const float expected = window[count / 2];
        const float got = median.view().row<float>(y)[x * channels + c];
        if (!same_float(expected, got)) ++differences;
      }
    }
  }
  return differences;
}

// The vector kernels order floats as int32 keys: a float image wide enough for whole vectors,
// with NaNs, infinities, negatives and signed zeros, against nth_element in the order NaN last.
TEST(DepthNaN, median_of_wide_float_rows_with_nan_and_negatives_equals_a_scalar_sort) {
  const Image image = float_specials(203, 11, 12345, 9, [](std::uint32_t state) {
    return static_cast<float>(static_cast<int>(state >> 16) % 2001 - 1000) / 7.0f;
  });
  for (const int ksize : {3, 5}) {
    SCOPED_TRACE(ksize);
    EXPECT_EQ(median_differences_from_a_scalar_sort(image, ksize), 0);
  }
}

// Rows are scanned for NaNs once each: every window that reaches the one row holding NaNs (at
// its top, middle or bottom) must take the NaN-aware path, and the others may not need to.
TEST(DepthNaN, median_of_float_rows_with_nans_in_one_row_equals_a_scalar_sort) {
  const int width = 197, height = 23;
  for (const int nan_row : {0, 9, height - 1}) {
    Image image = Image::create(width, height, {ChannelLayout::Gray, SampleType::F32});
    std::uint32_t state = 777 + nan_row;
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        state = state * 1664525u + 1013904223u;
        image.mutable_view().row<float>(y)[x] = y == nan_row && x % 3 != 0
                                                    ? std::numeric_limits<float>::quiet_NaN()
                                                    : static_cast<float>(state >> 20) / 64.0f;
      }
    }
    for (const int ksize : {3, 5}) {
      SCOPED_TRACE(::testing::Message() << "NaNs in row " << nan_row << ", ksize " << ksize);
      EXPECT_EQ(median_differences_from_a_scalar_sort(image, ksize), 0);
    }
  }
}

// The fast float paths look for samples they cannot take only as each row enters the window,
// and only where their interior and padded ends load them: NaNs (floats compared as floats),
// and negative numbers, -0 and NaNs (3x3 windows compared as the floats' bits, a strip's first
// path). One such sample anywhere (the first and last rows and columns, next to them, at strip
// boundaries of a tall image, in one channel of three) must still send every window that holds
// it down a path that takes it.
TEST(DepthNaN, median_finds_a_single_nan_or_negative_wherever_it_is) {
  const int height = 700;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const int channels : {1, 3}) {
    for (const int width : {2, 41}) {
      Image image = Image::create(
          width, height,
          {channels == 1 ? ChannelLayout::Gray : ChannelLayout::Rgb, SampleType::F32});
      std::uint32_t state = 4242;
      for (int y = 0; y < height; ++y) {
        float* row = image.mutable_view().row<float>(y);
        for (int i = 0; i < width * channels; ++i) {
          state = state * 1664525u + 1013904223u;
          row[i] = static_cast<float>(state >> 20) / 64.0f;
        }
      }
      // TBB splits 700 rows (strips of at most 256) at 175, 350 and 525.
      for (const int y : {0, 1, 174, 175, 350, 526, height - 2, height - 1}) {
        for (const int x : {0, 1, width / 2, width - 2, width - 1}) {
          const int c = (x + y) % channels;
          float& sample = image.mutable_view().row<float>(y)[x * channels + c];
          const float kept = sample;
          for (const float odd : {nan, -nan, -kept, -0.0f}) {
            sample = odd;
            for (const int ksize : {3, 5}) {
              SCOPED_TRACE(::testing::Message()
                           << channels << " channel(s), width " << width << ", " << odd << " at "
                           << x << "," << y << " channel " << c << ", ksize " << ksize);
              EXPECT_EQ(median_differences_from_a_scalar_sort(image, ksize), 0);
            }
          }
          sample = kept;
        }
      }
    }
  }
}

TEST(DepthNaN, threshold_of_nan_is_zero_or_the_threshold_under_trunc_as_opencv_vectors) {
  // NaN is neither above the threshold nor at or below it: binary, binary_inv, tozero and
  // tozero_inv make it 0 (as cv::threshold everywhere), trunc makes it the threshold (as
  // OpenCV's vector lanes; its scalar tail keeps the NaN, so there ours is compared with the
  // rule). Infinities compare as numbers.
  const Image image = float_specials(203, 5, 2021, 7, unit_number);
  const cv::Mat src = as_mat(image.view());
  const float level = static_cast<float>(100 / 255.0);
  int nans = 0;
  for (const auto& [type, code] : kThresholdTypes) {
    SCOPED_TRACE(code);
    const Image ours = ops::threshold(image.view(), {.value = 100, .max_value = 200, .type = type});
    cv::Mat theirs;
    cv::threshold(src, theirs, 100 / 255.0, 200 / 255.0, code);
    int wrong = 0;
    for (int y = 0; y < image.height(); ++y) {
      for (int x = 0; x < image.width(); ++x) {
        const float in = image.view().row<float>(y)[x];
        const float got = ours.view().row<float>(y)[x];
        if (std::isnan(in)) {
          ++nans;
          wrong += got != (type == ops::ThresholdType::Truncate ? level : 0.0f);
        } else {
          wrong += !same_float(got, theirs.ptr<float>(y)[x]);
        }
      }
    }
    EXPECT_EQ(wrong, 0);
  }
  EXPECT_GT(nans, 5 * 20);
}

TEST(DepthNaN, convolve_spreads_nan_and_infinity_through_nonzero_taps_only_as_filter2d) {
  // Float sums as IEEE says: a NaN, or an infinity times a weight, reaches every output whose
  // window holds it under a non-zero weight (inf - inf is NaN); under a zero weight it is never
  // read (filter2D skips zero taps). Against cv::filter2D's direct form (kernels below 11x11).
  const Image image = float_specials(203, 9, 2021, 7, unit_number);
  const cv::Mat src = as_mat(image.view());
  const ops::Kernel kernel{3, 3, {1, 0, -1, 2, 0.5, 0, 1, -2, 0.25}};
  const Image ours = ops::convolve(image.view(), kernel, 2, 10);
  cv::Mat weights(3, 3, CV_32F), theirs;
  for (int i = 0; i < 9; ++i)
    weights.at<float>(i / 3, i % 3) = static_cast<float>(kernel.values[i] / 2);
  cv::filter2D(src, theirs, -1, weights, cv::Point(-1, -1), 10 / 255.0, cv::BORDER_REFLECT_101);
  int wrong = 0, nans = 0, finite = 0;
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      const float a = ours.view().row<float>(y)[x], b = theirs.ptr<float>(y)[x];
      nans += std::isnan(a);
      finite += std::isfinite(a);
      const bool close =
          std::isfinite(a) && std::isfinite(b) ? std::fabs(a - b) <= 2e-6 : same_float(a, b);
      wrong += !close;
    }
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_GT(nans, 100);
  EXPECT_GT(finite, 100);
}

// Ours against OpenCV's float result sample by sample: finite pairs within 1e-5 relative,
// others the same (NaN where the other is NaN, infinities equal). Reports the first misses.
struct FloatComparison {
  int wrong = 0, nans = 0, finite = 0;
};
FloatComparison compare_floats(const Image& ours, const cv::Mat& theirs) {
  FloatComparison result;
  for (int y = 0; y < ours.height(); ++y) {
    for (int x = 0; x < ours.width(); ++x) {
      const float a = ours.view().row<float>(y)[x], b = theirs.ptr<float>(y)[x];
      result.nans += std::isnan(a);
      result.finite += std::isfinite(a);
      const bool close = std::isfinite(a) && std::isfinite(b)
                             ? std::fabs(a - b) <= 1e-5f * std::max(1.0f, std::fabs(b))
                             : same_float(a, b);
      if (!close && result.wrong++ < 3) ADD_FAILURE() << x << "," << y << ": " << a << " vs " << b;
    }
  }
  return result;
}

// sharpen's NaNs and infinities: x + amount * (x - blur) in IEEE arithmetic, a NaN difference
// counting as over the threshold, as OpenCV's GaussianBlur and the formula give (the NaN's
// window was left unsharpened, and an infinity's made -infinity: the two disagreed).
TEST(DepthNaN, sharpen_spreads_nan_and_infinity_as_the_unsharp_formula_in_opencv) {
  const Image image = float_specials(208, 23, 4321, 97, unit_number);
  const Image ours = ops::sharpen(image.view(), 1.0, 1.5, 0);
  const cv::Mat x = as_mat(image.view());
  cv::Mat blurred;
  cv::GaussianBlur(x, blurred, cv::Size(7, 7), 1.0, 1.0, cv::BORDER_REFLECT_101);
  const cv::Mat theirs = x + 1.5 * (x - blurred);
  const FloatComparison compared = compare_floats(ours, theirs);
  EXPECT_EQ(compared.wrong, 0);
  EXPECT_GT(compared.nans, 200);
  EXPECT_GT(compared.finite, 1000);
}

// A first derivative's kernel is antisymmetric, its centre weight 0: cv::Sobel never reads the
// centre, so a NaN or an infinity there stays out of the derivative across it (0 * NaN would be
// NaN). Elsewhere NaNs and infinities spread as IEEE says. Against cv::Sobel to CV_32F, abs,
// on rows of a whole number of OpenCV's vectors: its scalar tail reads the centre (as
// cv::threshold's tail treats NaN unlike its vectors).
TEST(DepthNaN, sobel_spreads_nan_and_infinity_as_cv_sobel) {
  const Image image = float_specials(208, 23, 1234, 11, unit_number);
  const cv::Mat src = as_mat(image.view());
  for (const auto& [dx, dy, ksize] :
       {std::array{1, 0, 3}, std::array{0, 1, 3}, std::array{1, 1, 3}, std::array{1, 0, 5},
        std::array{2, 0, 5}, std::array{1, 2, 5}}) {
    SCOPED_TRACE(fmt::format("sobel {} {} {}", dx, dy, ksize));
    const Image ours = ops::sobel(image.view(), dx, dy, ksize);
    cv::Mat theirs;
    cv::Sobel(src, theirs, CV_32F, dx, dy, ksize, 1, 0, cv::BORDER_REFLECT_101);
    theirs = cv::abs(theirs);
    const FloatComparison compared = compare_floats(ours, theirs);
    EXPECT_EQ(compared.wrong, 0);
    EXPECT_GT(compared.nans, 100);
    EXPECT_GT(compared.finite, 1000);
  }
}

TEST_F(DepthReference, sobel_is_the_magnitude_of_cv_sobel_to_float) {
  // cv::Sobel(src, g, CV_32F, dx, dy, ksize) (BORDER_REFLECT_101), cv::abs, then back to the
  // input's type (u16 saturated). u16 derivatives are whole numbers below 2^24: exact. f32 sums
  // in another order: within one unit in the last place of the largest sums (up to 64 for
  // 5x5 second derivatives, where a float's last place is 7.6e-6; measured 3.8e-6).
  for (const auto& [dx, dy, ksize] :
       {std::tuple{1, 0, 3}, {0, 1, 3}, {1, 1, 3}, {2, 0, 5}, {1, 2, 5}}) {
    expect_matches(
        fmt::format("sobel {} {} {}", dx, dy, ksize), {0, 7.7e-6},
        [=](ImageView src) { return ops::sobel(src, dx, dy, ksize); },
        [=](const cv::Mat& src, cv::Mat& dst) {
          cv::Mat derivative;
          cv::Sobel(src, derivative, CV_32F, dx, dy, ksize);
          cv::Mat(cv::abs(derivative)).convertTo(dst, src.depth());
        });
  }
}

TEST_F(DepthReference, gamma_is_cv_pow_at_full_scale) {
  // OpenCV has no gamma op: cv::pow of the samples scaled to 0..1 (in double), scaled back and
  // rounded by convertTo. u16 within a level: convertTo multiplies by 1/65535 where tessera
  // divides by 65535, which moves a result lying within a rounding of .5 to the other side.
  // f32 samples <= 0 kept (cv::pow would take their absolute value); alpha kept.
  for (const double g : {2.2, 0.45}) {
    expect_matches(
        fmt::format("gamma {}", g), {1, 1e-7}, [g](ImageView src) { return ops::gamma(src, g); },
        [g](const cv::Mat& src, cv::Mat& dst) {
          const double full = src.depth() == CV_16U ? 65535 : 1;
          cv::Mat scaled;
          src.convertTo(scaled, CV_64F, 1 / full);
          cv::pow(scaled, 1 / g, scaled);
          scaled.convertTo(dst, src.depth(), full);
          if (src.depth() == CV_32F) src.copyTo(dst, src <= 0);
          keep_alpha(src, dst);
        });
  }
}

TEST_F(DepthReference, threshold_is_cv_threshold_with_value_and_max_at_full_scale) {
  // cv::threshold(src, dst, value', max', type) with value' = value * 257 and max' = max * 257
  // on CV_16U (OpenCV floors the first and rounds the second), value / 255 and max / 255 on
  // CV_32F: comparisons, exact on every type. Alpha kept.
  for (const auto& [value, max] : {std::pair{100.3, 200.5}, {0.0, 255.0}, {254.9, 17.0}}) {
    for (const auto& [type, code] : kThresholdTypes) {
      expect_matches(
          fmt::format("threshold {} max={} type {}", value, max, code), {0, 0},
          [&](ImageView src) {
            return ops::threshold(src, {.value = value, .max_value = max, .type = type});
          },
          [&](const cv::Mat& src, cv::Mat& dst) {
            const double scale = src.depth() == CV_16U ? 257 : 1 / 255.0;
            cv::threshold(src, dst, value * scale, max * scale, code);
            keep_alpha(src, dst);
          });
    }
  }
}

TEST_F(DepthReference, otsu_on_gray_u16_is_cv_threshold_otsu_and_refused_on_f32) {
  // cv::threshold(src, dst, 0, 65535, type | THRESH_OTSU) on CV_16UC1: the same level (over
  // 65536 bins) and the same samples. threshold() returns the level in 8-bit levels.
  int compared = 0;
  for (const Input& input : u16_inputs()) {
    if (input.image.format().channels() != 1) continue;
    SCOPED_TRACE(input.name);
    for (const auto& [type, code] : kThresholdTypes) {
      Image ours = Image::create(input.image.width(), input.image.height(), input.image.format());
      const double used = ops::threshold(input.image.view(), ours.mutable_view(),
                                         {.type = type, .method = ops::ThresholdMethod::Otsu});
      cv::Mat theirs;
      const double level =
          cv::threshold(as_mat(input.image.view()), theirs, 0, 65535, code | cv::THRESH_OTSU);
      EXPECT_EQ(ops::otsu_level(input.image.view()), static_cast<int>(level));
      EXPECT_EQ(std::floor(used * 257), level);
      EXPECT_EQ(largest_difference(ours.view(), theirs), 0);
      if (type == ops::ThresholdType::Binary) {
        std::printf("%-44s u16: level %g\n", fmt::format("otsu on {}", input.name).c_str(), level);
      }
      ++compared;
    }
  }
  EXPECT_GE(compared, 3 * 5);  // basn0g16, minisblack-1c-16b and the gray photo
  const Image gray_f32 = ops::convert_depth(
      ops::gray(ops::convert_depth(u16_inputs().back().image.view(), SampleType::U8).view()).view(),
      SampleType::F32);
  EXPECT_THROW((void)ops::threshold(gray_f32.view(), {.method = ops::ThresholdMethod::Otsu}),
               Error);
}

TEST_F(DepthReference, convolve_is_filter2d_within_a_level_on_u16_and_float_close_on_f32) {
  // cv::filter2D(src, dst, -1, kernel / divisor, (-1, -1), offset', BORDER_REFLECT_101), with
  // offset' = offset * 257 on CV_16U and offset / 255 on CV_32F. tessera sums integer kernels
  // exactly on u16 and rounds once; OpenCV sums in float (fused multiply-adds on AVX2 CPUs,
  // so its result depends on the CPU; kernels of 7x7 and up by a DFT): within a level, most
  // identical. f32 sums in float in OpenCV's order, but never fused: within a few units in
  // the last place of the sums.
  struct Case {
    ops::Kernel kernel;
    double divisor;
    double offset;
  };
  const Case cases[] = {
      {{3, 3, {-1, -1, -1, -1, 16, -1, -1, -1, -1}}, 8, 0},
      {{3, 3, {1, 2, 1, 2, 4, 2, 1, 2, 1}}, 16, 3},
      {{5, 3, {1, 0, -1, 2, 3, 2, 0, 1, 0, 1, -1, 2, 0, 1, 1}}, 7, 10},
      {{3, 3, {0.1, 0.25, 0.1, 0.25, -1.3, 0.25, 0.1, 0.25, 0.1}}, 1, 20.5},
      {{1, 5, {1, -2, 3, -2, 1}}, -1, 128},
      {{7, 7, std::vector<double>(49, 1)}, 49, 0},
      {{9, 9, std::vector<double>(81, 1)}, 81, -4},
  };
  for (const Case& c : cases) {
    expect_matches(
        fmt::format("convolve {}x{} / {} + {}", c.kernel.width, c.kernel.height, c.divisor,
                    c.offset),
        {1, 2e-6}, [&](ImageView src) { return ops::convolve(src, c.kernel, c.divisor, c.offset); },
        [&](const cv::Mat& src, cv::Mat& dst) {
          cv::Mat kernel(c.kernel.height, c.kernel.width, CV_32F);
          for (int i = 0; i < c.kernel.width * c.kernel.height; ++i) {
            kernel.at<float>(i / c.kernel.width, i % c.kernel.width) =
                static_cast<float>(c.kernel.values[i] / c.divisor);
          }
          const double offset = src.depth() == CV_16U ? c.offset * 257 : c.offset / 255;
          cv::filter2D(src, dst, -1, kernel, cv::Point(-1, -1), offset, cv::BORDER_REFLECT_101);
        });
  }
}

TEST_F(DepthReference, flip_and_quarter_turns_are_exact) {
  // cv::flip(src, dst, 1 / 0 / -1) and cv::rotate(src, dst, ROTATE_90_CLOCKWISE, ...).
  for (const auto& [axis, code] : {std::pair{ops::FlipAxis::Horizontal, 1},
                                   {ops::FlipAxis::Vertical, 0},
                                   {ops::FlipAxis::Both, -1}}) {
    expect_matches(
        fmt::format("flip {}", code), {0, 0},
        [a = axis](ImageView src) { return ops::flip(src, a); },
        [c = code](const cv::Mat& src, cv::Mat& dst) { cv::flip(src, dst, c); });
  }
  for (const auto& [degrees, code] : {std::pair{90.0, cv::ROTATE_90_CLOCKWISE},
                                      {180.0, cv::ROTATE_180},
                                      {270.0, cv::ROTATE_90_COUNTERCLOCKWISE}}) {
    expect_matches(
        fmt::format("rotate {}", degrees), {0, 0},
        [d = degrees](ImageView src) { return ops::rotate(src, d); },
        [c = code](const cv::Mat& src, cv::Mat& dst) { cv::rotate(src, dst, c); });
  }
}

TEST_F(DepthReference, rotation_by_any_angle_is_close_to_warp_affine) {
  // cv::warpAffine(src, dst, M, size, INTER_LINEAR, BORDER_CONSTANT, background) with M the
  // clockwise turn about the centre (expand = false), as the u8 reference test: the same 1/32
  // pixel grid and weights, but M made in float by getRotationMatrix2D against ours in double
  // could move a position by a step (on u8, 99% of samples are within a level). Measured here:
  // every sample within 1 level (u16) or 6e-8 (f32); asserted: 99.9% within 1 level or 2e-5,
  // and none beyond 1 level or 1e-6.
  const ops::Background background = {250, 120, 10, 200};
  for (const double degrees : {30.0, -12.5, 137.0}) {
    for (const auto* inputs : {&u16_inputs(), &f32_inputs()}) {
      const bool u16 = inputs == &u16_inputs();
      long close = 0, total = 0;
      double largest = 0;
      for (const Input& input : *inputs) {
        if (input.image.height() < 2) continue;
        SCOPED_TRACE(fmt::format("rotate {} on {}", degrees, input.name));
        const ImageView source = input.image.view();
        const Image ours =
            ops::rotate(source, degrees, {.background = background, .expand = false});
        const cv::Mat src = as_mat(source);
        const cv::Point2f centre((src.cols - 1) / 2.0f, (src.rows - 1) / 2.0f);
        const cv::Mat matrix = cv::getRotationMatrix2D(centre, -degrees, 1.0);
        const double scale = u16 ? 257 : 1 / 255.0;
        const cv::Scalar fill = src.channels() == 1
                                    ? cv::Scalar(background[0] * scale)
                                    : cv::Scalar(background[0] * scale, background[1] * scale,
                                                 background[2] * scale, background[3] * scale);
        cv::Mat theirs;
        cv::warpAffine(src, theirs, matrix, src.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                       fill);
        const int samples = src.cols * src.channels();
        for (int y = 0; y < src.rows; ++y) {
          for (int i = 0; i < samples; ++i) {
            const double a =
                u16 ? ours.view().row<std::uint16_t>(y)[i] : ours.view().row<float>(y)[i];
            const double b = u16 ? theirs.ptr<std::uint16_t>(y)[i] : theirs.ptr<float>(y)[i];
            close += std::fabs(a - b) <= (u16 ? 1 : 2e-5);
            largest = std::max(largest, std::fabs(a - b));
            ++total;
          }
        }
      }
      const double fraction = static_cast<double>(close) / total;
      EXPECT_GE(fraction, 0.999) << degrees;
      EXPECT_LE(largest, u16 ? 1 : 1e-6) << degrees;
      std::printf("%-44s %s: %.4f of samples within %s, largest difference %g\n",
                  fmt::format("rotate {}", degrees).c_str(), u16 ? "u16" : "f32", fraction,
                  u16 ? "1 level" : "2e-5", largest);
    }
  }
}

TEST_F(DepthReference, degenerate_sizes_run_and_match_opencv) {
  // 1x1, 1xN, Nx1 and odd sizes cut from the promoted photo (u16, and / 65535 as f32).
  const Image& photo = u16_inputs().back().image;
  for (const auto& [width, height] : {std::pair{1, 1}, {1, 37}, {41, 1}, {3, 2}, {13, 9}, {2, 1}}) {
    for (const SampleType sample : {SampleType::U16, SampleType::F32}) {
      const Image part = ops::convert_depth(photo.view().subview({5, 7, width, height}), sample);
      SCOPED_TRACE(fmt::format("{}x{} {}", width, height, part.format().name()));
      const double bound = sample == SampleType::U16 ? 1 : 1e-5;
      const cv::Mat src = as_mat(part.view());
      cv::Mat expected;
      cv::GaussianBlur(src, expected, cv::Size(5, 5), 0, 0, cv::BORDER_REFLECT_101);
      EXPECT_LE(largest_difference(ops::gaussian_blur(part.view(), 5).view(), expected),
                sample == SampleType::U16 ? 0 : 2e-6);
      for (const auto& [kernel, interpolation] :
           {std::pair{ops::ResizeKernel::Linear, cv::INTER_LINEAR},
            {ops::ResizeKernel::Area, cv::INTER_AREA}}) {
        for (const double scale : {0.5, 2.0, 0.7}) {
          const auto size = ops::resize_output_size({.scale = scale}, width, height);
          cv::resize(src, expected, cv::Size(size[0], size[1]), 0, 0, interpolation);
          EXPECT_LE(largest_difference(ops::resize(part.view(), {.scale = scale}, kernel).view(),
                                       expected),
                    bound)
              << scale;
        }
      }
      EXPECT_FALSE(ops::sharpen(part.view()).empty());
      EXPECT_FALSE(ops::rotate(part.view(), 33).empty());
      cv::medianBlur(src, expected, 5);
      EXPECT_LE(largest_difference(ops::median(part.view(), 5).view(), expected), 0);
      cv::dilate(src, expected, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 3)));
      EXPECT_LE(largest_difference(ops::dilate(part.view(), 5, 3).view(), expected), 0);
      EXPECT_FALSE(ops::invert(part.view()).empty());
      const double scale = sample == SampleType::U16 ? 257 : 1 / 255.0;
      cv::threshold(src, expected, 100 * scale, 200 * scale, cv::THRESH_TRUNC);
      EXPECT_LE(
          largest_difference(
              ops::threshold(part.view(),
                             {.value = 100, .max_value = 200, .type = ops::ThresholdType::Truncate})
                  .view(),
              expected),
          0);
      const ops::Kernel kernel{5, 3, {1, 0, -1, 2, 3, 2, 0, 1, 0, 1, -1, 2, 0, 1, 1}};
      cv::Mat weights(3, 5, CV_32F);
      for (int i = 0; i < 15; ++i) {
        weights.at<float>(i / 5, i % 5) = static_cast<float>(kernel.values[i] / 7);
      }
      cv::filter2D(src, expected, -1, weights, cv::Point(-1, -1), 10 * scale,
                   cv::BORDER_REFLECT_101);
      EXPECT_LE(largest_difference(ops::convolve(part.view(), kernel, 7, 10).view(), expected),
                sample == SampleType::U16 ? 1 : 2e-6);
    }
  }
}

Image streamed(const pipeline::Pipeline& stages, ImageView input, int strip_rows) {
  testing::BandSource source(input);
  pipeline::ImageSink sink;
  pipeline::run_streaming(stages, source, sink, {.strip_rows = strip_rows});
  return std::move(sink.image());
}

TEST_F(DepthReference, streamed_bands_equal_the_whole_image_on_u16_and_f32) {
  // As the pipeline runs them (bands of 1, 7 and 64 rows), as run on whole images.
  const char* texts[] = {"blur 5 | invert",
                         "resize 50% | blur 3",
                         "resize 37% kernel=area | sharpen 1.5",
                         "resize 170% kernel=linear | blur 0 2",
                         "sharpen | rotate 90 | resize 61% kernel=cubic",
                         "rotate 33 | contrast 1.2 10",
                         "median 5 | erode 3 | dilate 5 3 | median 3",
                         "flip v | resize 45% kernel=nearest | invert",
                         "sobel 1 0 | blur 3",
                         "blur 3 | sobel 0 2 5",
                         "gamma 1.8 | invert | gamma 0.7",
                         "convolve '1 2 1; 2 4 2; 1 2 1' 16 3 | threshold 90 type=tozero",
                         "convolve '0.1 0.2 0.1; 0.2 -0.5 0.2; 0.1 0.2 0.1' 1 20 | threshold "
                         "120.5 type=binary_inv max=200",
                         "threshold 30 type=trunc | convolve '-1 -1 -1; -1 16 -1; -1 -1 -1' 8",
                         "sharpen | depth u8 dither=ordered"};
  for (const char* text : texts) {
    const pipeline::Pipeline stages = pipeline::parse(text);
    for (const auto* inputs : {&u16_inputs(), &f32_inputs()}) {
      for (const Input& input : *inputs) {
        // The corpora's small files (up to 200x200) are enough to cross bands of 1, 7 and 64
        // rows; the photographs would only add time.
        if (input.image.height() < 2 || input.image.width() * input.image.height() > 40000) {
          continue;
        }
        SCOPED_TRACE(fmt::format("'{}' on {} ({})", text, input.name, input.image.format().name()));
        const Image whole = pipeline::run_whole(stages, input.image.view());
        for (const int rows : {1, 7, 64}) {
          const Image bands = streamed(stages, input.image.view(), rows);
          ASSERT_EQ(bands.format(), whole.format());
          ASSERT_EQ(bands.width(), whole.width());
          ASSERT_EQ(bands.height(), whole.height());
          for (int y = 0; y < whole.height(); ++y) {
            ASSERT_EQ(std::memcmp(bands.row(y), whole.row(y), whole.view().row_bytes()), 0)
                << "row " << y << " of bands of " << rows;
          }
        }
      }
    }
  }
}

// Ordered dithering to u8: whole 8-bit levels stay exact; a flat area between two levels becomes
// a pattern of both whose every aligned 8x8 block averages the exact value within 1/128 of a
// level (64 thresholds (r + 0.5) / 64); rounding would be up to half a level off, and the same
// everywhere (the bands of a gradient).
TEST(Dither, flat_areas_average_their_exact_level_and_whole_levels_stay) {
  for (int value = 0; value <= 65535; value += value < 1000 ? 37 : 1291) {
    for (const SampleType type : {SampleType::U16, SampleType::F32}) {
      SCOPED_TRACE(::testing::Message()
                   << value << " as " << (type == SampleType::U16 ? "u16" : "f32"));
      Image flat = Image::create(24, 16, {ChannelLayout::Rgb, type});
      for (int y = 0; y < flat.height(); ++y) {
        for (int i = 0; i < flat.width() * 3; ++i) {
          if (type == SampleType::U16) {
            flat.mutable_view().row<std::uint16_t>(y)[i] = static_cast<std::uint16_t>(value);
          } else {
            flat.mutable_view().row<float>(y)[i] = static_cast<float>(value) / 65535.0f;
          }
        }
      }
      const Image dithered = ops::dither_to_u8(flat.view());
      ASSERT_EQ(dithered.format(), PixelFormat::rgb8());
      const double exact = value / 257.0;
      for (int by = 0; by < 16; by += 8) {
        for (int bx = 0; bx < 24; bx += 8) {
          for (int c = 0; c < 3; ++c) {
            double sum = 0;
            for (int y = by; y < by + 8; ++y) {
              for (int x = bx; x < bx + 8; ++x)
                sum += dithered.view().row<std::uint8_t>(y)[x * 3 + c];
            }
            EXPECT_NEAR(sum / 64, exact, 1.0 / 128 + 1e-4);
          }
        }
      }
      if (value % 257 == 0) {  // a whole level: every sample is it
        for (int y = 0; y < 16; ++y) {
          for (int i = 0; i < 24 * 3; ++i) {
            ASSERT_EQ(dithered.view().row<std::uint8_t>(y)[i], value / 257);
          }
        }
      }
    }
  }
}

TEST(Dither, is_an_option_of_depth_to_u8_and_nan_is_black) {
  Image image = Image::create(9, 3, {ChannelLayout::Gray, SampleType::F32});
  for (int y = 0; y < 3; ++y) {
    for (int x = 0; x < 9; ++x) {
      image.mutable_view().row<float>(y)[x] =
          x == 4 ? std::numeric_limits<float>::quiet_NaN() : (x == 5 ? 7.0f : -1.0f);
    }
  }
  const Image through_pipeline =
      pipeline::run_whole(pipeline::parse("depth u8 dither=ordered"), image.view());
  EXPECT_TRUE(testing::same_pixels(through_pipeline, ops::dither_to_u8(image.view())));
  for (int y = 0; y < 3; ++y) {
    EXPECT_EQ(through_pipeline.view().row<std::uint8_t>(y)[4], 0);    // NaN
    EXPECT_EQ(through_pipeline.view().row<std::uint8_t>(y)[5], 255);  // above 1
    EXPECT_EQ(through_pipeline.view().row<std::uint8_t>(y)[0], 0);    // below 0
  }
  // Without dither=ordered, depth u8 rounds as before.
  const Image rounded = pipeline::run_whole(pipeline::parse("depth u8"), image.view());
  EXPECT_TRUE(testing::same_pixels(rounded, ops::convert_depth(image.view(), SampleType::U8)));
}

}  // namespace
}  // namespace tessera
