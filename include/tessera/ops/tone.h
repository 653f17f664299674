#pragma once
// Tone: point operations on u8 samples, each a 256-entry table, plus histogram-based ones.
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
struct ThresholdOptions {
  double value = 128;  // samples above it pass (ignored with Otsu, which computes its own)
  double max_value = 255;
  ThresholdType type = ThresholdType::Binary;
  ThresholdMethod method = ThresholdMethod::Fixed;
};
// cv::threshold on gray u8 (Otsu needs gray). Returns the threshold it used in `used_value`.
Image threshold(ImageView src, const ThresholdOptions& threshold, AllocationOptions options = {},
                std::source_location site = std::source_location::current());
double threshold(ImageView src, MutableImageView dst, const ThresholdOptions& threshold);

// Otsu's threshold of a gray u8 image: the level that best separates two classes.
int otsu_level(ImageView src);

}  // namespace tessera::ops
