#pragma once
// Tone: point operations (on u8, a 256-entry table), plus histogram-based ones.
// The two forms and the error rules are those of tessera/ops/color.h. Point ops may run in
// place (src and dst the same pixels).
//
//   auto punchy = tessera::ops::contrast(photo.view(), 1.2, -10);
//   auto mask = tessera::ops::threshold(gray.view(), {.method = ThresholdMethod::Otsu});

#include <source_location>

#include "tessera/image.h"

namespace tessera::ops {

// saturate(|alpha * x + beta|) per sample, rounded to nearest even: OpenCV's convertScaleAbs.
Image contrast(ImageView src, double alpha, double beta, AllocationOptions options = {},
               std::source_location site = std::source_location::current());
void contrast(ImageView src, MutableImageView dst, double alpha, double beta);

// full * (x / full) ^ (1 / gamma), full = 255, 65535 or 1 by sample type: gamma > 1 brightens
// the mid-tones (ImageMagick's -gamma). u8 and u16 round to nearest; f32 samples <= 0 (and NaN)
// are kept. Alpha is kept.
Image gamma(ImageView src, double gamma, AllocationOptions options = {},
            std::source_location site = std::source_location::current());
void gamma(ImageView src, MutableImageView dst, double gamma);

// 255 - x on every colour sample; alpha is kept.
Image invert(ImageView src, AllocationOptions options = {},
             std::source_location site = std::source_location::current());
void invert(ImageView src, MutableImageView dst);

// Histogram equalisation. Gray: cv::equalizeHist exactly. Colour: the luma (YCrCb, as OpenCV
// converts it) is equalised and the chroma kept. Alpha is kept.
Image equalize(ImageView src, AllocationOptions options = {},
               std::source_location site = std::source_location::current());
void equalize(ImageView src, MutableImageView dst);

enum class ThresholdType { Binary, BinaryInverse, Truncate, ToZero, ToZeroInverse };
enum class ThresholdMethod { Fixed, Otsu };
// value and max_value are in 8-bit levels (0..255) on every sample type, so that one pipeline
// thresholds alike at any depth: u16 compares with floor(value * 257) and writes
// round(max_value * 257); f32 compares with value / 255 and writes max_value / 255.
struct ThresholdOptions {
  double value = 128;  // samples above it pass (ignored with Otsu, which computes its own)
  double max_value = 255;
  ThresholdType type = ThresholdType::Binary;
  ThresholdMethod method = ThresholdMethod::Fixed;
};
// cv::threshold with value and max_value scaled to the type's levels, on u8, u16 and f32,
// every channel but alpha (kept). Otsu needs a gray u8 or u16 image (OpenCV has no Otsu on
// floats). Returns the threshold it used, in 8-bit levels as `value` (Otsu on u16: level / 257).
// f32: NaN is neither above nor at or below: it becomes 0, or the threshold with Truncate (as
// OpenCV's vector code); infinities compare as numbers.
Image threshold(ImageView src, const ThresholdOptions& threshold, AllocationOptions options = {},
                std::source_location site = std::source_location::current());
double threshold(ImageView src, MutableImageView dst, const ThresholdOptions& threshold);

// Otsu's threshold of a gray u8 or u16 image, in its own levels (0..255 or 0..65535): the
// level that best separates two classes (cv::threshold's THRESH_OTSU).
int otsu_level(ImageView src);

}  // namespace tessera::ops
