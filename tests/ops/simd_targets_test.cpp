// Every op with a vectorised kernel gives the same bytes on every SIMD target this machine can
// run (AVX-512, AVX2, SSE4, ... and Highway's portable fallback): the kernels are integer
// arithmetic written once for all targets, and their results must not depend on the CPU a
// user has. Highway's SetSupportedTargetsForTest limits the targets its dispatch may pick.

#include <gtest/gtest.h>
#include <hwy/highway.h>
#include <hwy/targets.h>

#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "support/images.h"
#include "tessera/ops.h"

namespace tessera {
namespace {

// A photograph-like image: smooth gradients, edges and noise, at a width that is no multiple
// of any vector (so every kernel's tail runs too).
Image test_image(int width, int height, PixelFormat format, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> noise(-12, 12);
  Image image = Image::create(width, height, format);
  const int channels = format.channels();
  for (int y = 0; y < height; ++y) {
    auto* row = image.mutable_view().row<std::uint8_t>(y);
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) {
        const int base = ((x / 13 + y / 11 + c) % 2) * 150 + (x * 255 / width) / 3;
        row[x * channels + c] = static_cast<std::uint8_t>(std::clamp(base + noise(random), 0, 255));
      }
    }
  }
  return image;
}

struct Case {
  std::string name;
  std::function<Image(const Image& rgb, const Image& gray)> run;
};

std::vector<Case> cases() {
  namespace ops = tessera::ops;
  return {
      {"gray", [](const Image& rgb, const Image&) { return ops::gray(rgb.view()); }},
      {"rgb from gray", [](const Image&, const Image& gray) { return ops::rgb(gray.view()); }},
      {"rgba", [](const Image& rgb, const Image&) { return ops::rgba(rgb.view()); }},
      {"contrast (table)",
       [](const Image& rgb, const Image&) { return ops::contrast(rgb.view(), 1.3, -20); }},
      {"blur 5 (16-bit)",
       [](const Image& rgb, const Image&) { return ops::gaussian_blur(rgb.view(), 5); }},
      {"blur 7 (32-bit)",
       [](const Image& rgb, const Image&) { return ops::gaussian_blur(rgb.view(), 7); }},
      {"box_blur 3", [](const Image& rgb, const Image&) { return ops::box_blur(rgb.view(), 3); }},
      {"median 3", [](const Image& rgb, const Image&) { return ops::median(rgb.view(), 3); }},
      {"median 5", [](const Image&, const Image& gray) { return ops::median(gray.view(), 5); }},
      {"sharpen rgb",
       [](const Image& rgb, const Image&) { return ops::sharpen(rgb.view(), 1.5, 1.2, 3); }},
      {"sharpen u16 gray",
       [](const Image&, const Image& gray) {
         return ops::sharpen(ops::convert_depth(gray.view(), SampleType::U16).view());
       }},
      {"resize 50% u16 rgba",
       [](const Image& rgb, const Image&) {
         const Image rgba = ops::rgba(ops::convert_depth(rgb.view(), SampleType::U16).view());
         return ops::resize(rgba.view(), {.scale = 0.5}, ops::ResizeKernel::Area);
       }},
      {"resize 50% f32 rgb",
       [](const Image& rgb, const Image&) {
         return ops::resize(ops::convert_depth(rgb.view(), SampleType::F32).view(), {.scale = 0.5},
                            ops::ResizeKernel::Linear);
       }},
      {"resize 50% f32 gray",
       [](const Image&, const Image& gray) {
         return ops::resize(ops::convert_depth(gray.view(), SampleType::F32).view(), {.scale = 0.5},
                            ops::ResizeKernel::Area);
       }},
      {"blur 5 u16 rgb",
       [](const Image& rgb, const Image&) {
         return ops::gaussian_blur(ops::convert_depth(rgb.view(), SampleType::U16).view(), 5);
       }},
      {"blur 7 f32 gray",
       [](const Image&, const Image& gray) {
         return ops::gaussian_blur(ops::convert_depth(gray.view(), SampleType::F32).view(), 7);
       }},
      {"median 3 u16 rgb",
       [](const Image& rgb, const Image&) {
         return ops::median(ops::convert_depth(rgb.view(), SampleType::U16).view(), 3);
       }},
      {"median 3 f32 gray",
       [](const Image&, const Image& gray) {
         return ops::median(ops::convert_depth(gray.view(), SampleType::F32).view(), 3);
       }},
      {"median 3 f32 rgba",
       [](const Image& rgb, const Image&) {
         return ops::median(
             ops::convert_depth(ops::rgba(rgb.view()).view(), SampleType::F32).view(), 3);
       }},
      {"median 5 f32 gray",
       [](const Image&, const Image& gray) {
         return ops::median(ops::convert_depth(gray.view(), SampleType::F32).view(), 5);
       }},
      {"sobel", [](const Image&, const Image& gray) { return ops::sobel(gray.view(), 1, 0); }},
      {"canny", [](const Image&, const Image& gray) { return ops::canny(gray.view(), 50, 150); }},
      {"threshold otsu",
       [](const Image&, const Image& gray) {
         return ops::threshold(gray.view(), {.method = ops::ThresholdMethod::Otsu});
       }},
      {"threshold u16 rgb trunc",
       [](const Image& rgb, const Image&) {
         return ops::threshold(ops::convert_depth(rgb.view(), SampleType::U16).view(),
                               {.value = 100.5, .type = ops::ThresholdType::Truncate});
       }},
      {"threshold f32 gray binary_inv",
       [](const Image&, const Image& gray) {
         return ops::threshold(
             ops::convert_depth(gray.view(), SampleType::F32).view(),
             {.value = 90, .max_value = 200, .type = ops::ThresholdType::BinaryInverse});
       }},
      {"threshold otsu u16",
       [](const Image&, const Image& gray) {
         return ops::threshold(
             ops::convert_depth(gray.view(), SampleType::U16).view(),
             {.type = ops::ThresholdType::ToZero, .method = ops::ThresholdMethod::Otsu});
       }},
      {"convolve u8 / 16 + 3 (shift)",
       [](const Image& rgb, const Image&) {
         return ops::convolve(rgb.view(), {3, 3, {1, 2, 1, 2, 4, 2, 1, 2, 1}}, 16, 3);
       }},
      {"convolve u8 fractional",
       [](const Image& rgb, const Image&) {
         return ops::convolve(rgb.view(), {3, 3, {0.1, 0.2, 0.1, 0.2, -0.5, 0.2, 0.1, 0.2, 0.1}}, 1,
                              20);
       }},
      {"convolve u16 / 7 + 10",
       [](const Image& rgb, const Image&) {
         return ops::convolve(ops::convert_depth(rgb.view(), SampleType::U16).view(),
                              {5, 3, {1, 0, -1, 2, 3, 2, 0, 1, 0, 1, -1, 2, 0, 1, 1}}, 7, 10);
       }},
      {"convolve u16 fractional",
       [](const Image&, const Image& gray) {
         return ops::convolve(ops::convert_depth(gray.view(), SampleType::U16).view(),
                              {3, 3, {0.1, 0.25, 0.1, 0.25, -1.3, 0.25, 0.1, 0.25, 0.1}}, 1, 2);
       }},
      {"convolve f32 rgb",
       [](const Image& rgb, const Image&) {
         return ops::convolve(ops::convert_depth(rgb.view(), SampleType::F32).view(),
                              {3, 3, {-1, -1, -1, -1, 16, -1, -1, -1, -1}}, 8, 0);
       }},
      {"resize lanczos3 rgb",
       [](const Image& rgb, const Image&) {
         return ops::resize(rgb.view(), {.scale = 0.37}, ops::ResizeKernel::Lanczos3);
       }},
      {"resize lanczos3 gray",
       [](const Image&, const Image& gray) {
         return ops::resize(gray.view(), {.scale = 0.5}, ops::ResizeKernel::Lanczos3);
       }},
      {"blur 5 f32 rgb (symmetric pairs)",
       [](const Image& rgb, const Image&) {
         return ops::gaussian_blur(ops::convert_depth(rgb.view(), SampleType::F32).view(), 5);
       }},
      {"resize lanczos3 u16 rgb",
       [](const Image& rgb, const Image&) {
         return ops::resize(ops::convert_depth(rgb.view(), SampleType::U16).view(), {.scale = 0.37},
                            ops::ResizeKernel::Lanczos3);
       }},
      {"resize cubic f32 rgba up",
       [](const Image& rgb, const Image&) {
         return ops::resize(
             ops::convert_depth(ops::rgba(rgb.view()).view(), SampleType::F32).view(),
             {.scale = 1.7}, ops::ResizeKernel::Cubic);
       }},
      {"rotate 30 rgb",
       [](const Image& rgb, const Image&) {
         return ops::rotate(rgb.view(), 30, {.expand = false});
       }},
      {"rotate -12.5 gray",
       [](const Image&, const Image& gray) { return ops::rotate(gray.view(), -12.5); }},
  };
}

TEST(SimdTargets, every_target_gives_the_bytes_of_the_best_one) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  const Image rgb = test_image(211, 97, PixelFormat::rgb8(), seed);
  const Image gray = test_image(211, 97, PixelFormat::gray8(), seed + 1);
  const std::vector<std::int64_t> targets = hwy::SupportedAndGeneratedTargets();
  ASSERT_FALSE(targets.empty());
  std::vector<Image> best;
  for (const Case& c : cases()) best.push_back(c.run(rgb, gray));  // every target allowed
  int compared = 0;
  for (const std::int64_t target : targets) {
    hwy::SetSupportedTargetsForTest(target);
    const auto all = cases();
    for (std::size_t i = 0; i < all.size(); ++i) {
      SCOPED_TRACE(::testing::Message() << all[i].name << " on " << hwy::TargetName(target));
      EXPECT_TRUE(testing::same_pixels(all[i].run(rgb, gray), best[i]));
      ++compared;
    }
  }
  hwy::SetSupportedTargetsForTest(0);
  // At least the best target and one other (AVX2 or SSE4 on any x86 that runs AVX-512).
  EXPECT_GE(compared, static_cast<int>(2 * cases().size())) << targets.size() << " targets";
}

}  // namespace
}  // namespace tessera
