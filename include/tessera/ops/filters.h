#pragma once
// Neighbourhood filters (any channel count unless stated; the sample types each takes are the
// registry's: `tessera ops`), with OpenCV's border rule BORDER_REFLECT_101 (…dcb|abcd|cba…)
// unless stated. On u8, results are bit-identical to the OpenCV call named beside each op; on
// u16 and f32, within the bounds README's "Sample types" gives. The two forms and the error rules
// are those of tessera/ops/color.h; the destination must not overlap the source (InvalidArgument).
//
//   auto soft = tessera::ops::gaussian_blur(photo.view(), 5);
//   auto edges = tessera::ops::canny(tessera::ops::gray(photo.view()).view(), 50, 150);

#include <source_location>
#include <vector>

#include "tessera/image.h"

namespace tessera::ops {

// A correlation kernel (not flipped, as cv::filter2D): `values` row by row.
struct Kernel {
  int width = 0;
  int height = 0;
  std::vector<double> values;

  friend bool operator==(const Kernel&, const Kernel&) = default;
};
// saturate(sum(kernel * neighbourhood) / divisor + offset), anchor at the centre: cv::filter2D
// with kernel/divisor and delta = offset (BORDER_REFLECT_101). Odd kernel sizes up to 15x15.
// u8, u16 and f32; offset is in 8-bit levels on every type (x257 on u16, /255 on f32). Integer
// kernels on u8 and u16 sum exactly and round once (half to even); other kernels, and every
// kernel on f32, sum in float as filter2D does. f32 is not clamped; NaN and infinities spread
// through non-zero weights only.
Image convolve(ImageView src, const Kernel& kernel, double divisor = 1, double offset = 0,
               AllocationOptions options = {},
               std::source_location site = std::source_location::current());
void convolve(ImageView src, MutableImageView dst, const Kernel& kernel, double divisor = 1,
              double offset = 0);

// cv::GaussianBlur with a square kernel. ksize odd, or 0 to derive it from sigma; sigma 0
// derives sigma from ksize (0.3 * ((ksize - 1) / 2 - 1) + 0.8).
Image gaussian_blur(ImageView src, int ksize, double sigma = 0, AllocationOptions options = {},
                    std::source_location site = std::source_location::current());
void gaussian_blur(ImageView src, MutableImageView dst, int ksize, double sigma = 0);

// Mean over a ksize x ksize square (odd ksize): cv::blur.
Image box_blur(ImageView src, int ksize, AllocationOptions options = {},
               std::source_location site = std::source_location::current());
void box_blur(ImageView src, MutableImageView dst, int ksize);

// Median over 3x3 or 5x5, edges replicated: cv::medianBlur.
Image median(ImageView src, int ksize, AllocationOptions options = {},
             std::source_location site = std::source_location::current());
void median(ImageView src, MutableImageView dst, int ksize);

// Unsharp mask: x + amount * (x - gaussian(x, sigma)) where |x - blurred| > threshold.
Image sharpen(ImageView src, double sigma = 1, double amount = 1, int threshold = 0,
              AllocationOptions options = {},
              std::source_location site = std::source_location::current());
void sharpen(ImageView src, MutableImageView dst, double sigma = 1, double amount = 1,
             int threshold = 0);

// |derivative| per channel, in the input's type: on u8, saturated to 8 bits (cv::Sobel to
// CV_16S then cv::convertScaleAbs); on u16 (saturated at 65535) and f32, cv::Sobel to CV_32F
// then cv::abs. dx, dy in 0..2 (not both 0), ksize 3 or 5.
Image sobel(ImageView src, int dx, int dy, int ksize = 3, AllocationOptions options = {},
            std::source_location site = std::source_location::current());
void sobel(ImageView src, MutableImageView dst, int dx, int dy, int ksize = 3);

enum class GradientNorm { L1, L2 };
// Edges of a gray u8 image as 0/255: cv::Canny(src, dst, low, high, aperture, norm == L2).
Image canny(ImageView src, double low, double high, int aperture = 3,
            GradientNorm norm = GradientNorm::L1, AllocationOptions options = {},
            std::source_location site = std::source_location::current());
void canny(ImageView src, MutableImageView dst, double low, double high, int aperture = 3,
           GradientNorm norm = GradientNorm::L1);

// Minimum (erode) / maximum (dilate) over a width x height rectangle centred on each pixel;
// pixels outside the image are ignored: cv::erode / cv::dilate with their default border.
Image erode(ImageView src, int width, int height, AllocationOptions options = {},
            std::source_location site = std::source_location::current());
void erode(ImageView src, MutableImageView dst, int width, int height);
Image dilate(ImageView src, int width, int height, AllocationOptions options = {},
             std::source_location site = std::source_location::current());
void dilate(ImageView src, MutableImageView dst, int width, int height);

}  // namespace tessera::ops
