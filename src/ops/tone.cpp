// Tone: contrast, gamma, invert (256-entry tables), equalisation and thresholds (histograms).

#include "tessera/ops/tone.h"

#include <fmt/format.h>

#include <array>
#include <cfloat>
#include <cmath>
#include <mutex>
#include <span>
#include <vector>

#include "ops/descriptors.h"
#include "ops/lookup_table.h"
#include "ops/simd/luma_rows.h"
#include "ops/simd/threshold_rows.h"

namespace tessera::ops {
namespace {

using detail::apply_lookup_table;
using detail::LookupTable;

const ParamSpec kAlpha{.name = "alpha",
                       .kind = ParamKind::Number,
                       .default_value = "1",
                       .min = -100,
                       .max = 100,
                       .doc = "gain"};
const ParamSpec kBeta{.name = "beta",
                      .kind = ParamKind::Number,
                      .default_value = "0",
                      .min = -255,
                      .max = 255,
                      .doc = "offset added after the gain"};
const ParamSpec kGamma{.name = "gamma",
                       .kind = ParamKind::Number,
                       .default_value = "2.2",
                       .min = 0.01,
                       .max = 100,
                       .doc = "> 1 brightens mid-tones, < 1 darkens"};
const ParamSpec kThresholdValue{.name = "value",
                                .kind = ParamKind::Number,
                                .default_value = "128",
                                .min = 0,
                                .max = 255,
                                .choices = "otsu",
                                .doc = "samples above it pass; otsu computes it"};
const ParamSpec kThresholdType{.name = "type",
                               .kind = ParamKind::Choice,
                               .default_value = "binary",
                               .choices = "binary|binary_inv|trunc|tozero|tozero_inv",
                               .doc = "what passing and failing samples become"};
const ParamSpec kThresholdMax{.name = "max",
                              .kind = ParamKind::Number,
                              .default_value = "255",
                              .min = 0,
                              .max = 255,
                              .doc = "value of passing samples (binary)"};

// Tone ops read and write the sample types their descriptors list; the destination has src's
// format (in place allowed).
void check_point_op(std::string_view op, ImageView src, MutableImageView dst) {
  detail::require_samples(op, src);
  detail::require_destination(op, dst, src.width(), src.height(), src.format());
}

std::uint8_t round_saturate(float value) {
  return static_cast<std::uint8_t>(std::clamp(std::lrint(value), 0L, 255L));
}

// The u16 and f32 form of a per-sample op: dst = f(x) on colour samples, alpha kept (in place
// allowed: each sample is read before it is written). A plain loop GCC vectorises at -O3 where
// there is no alpha (the u8 form is a table, looked up with Highway).
template <typename Sample, typename Formula>
void map_colour_samples(ImageView src, MutableImageView dst, Formula&& f) {
  const int channels = src.format().channels();
  const bool alpha = src.format().has_alpha();
  detail::parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
    for (int y = first; y < end; ++y) {
      const Sample* in = src.row<Sample>(y);
      Sample* out = dst.row<Sample>(y);
      const int samples = src.width() * channels;
      if (!alpha) {
        for (int i = 0; i < samples; ++i) out[i] = f(in[i]);
        continue;
      }
      for (int i = 0; i < samples; ++i) {
        out[i] = i % channels == channels - 1 ? in[i] : f(in[i]);
      }
    }
  });
}

std::uint16_t round_saturate_u16(float value) {
  return static_cast<std::uint16_t>(std::clamp(std::lrint(value), 0L, 65535L));
}

}  // namespace

void contrast(ImageView src, MutableImageView dst, double alpha, double beta) {
  check_parameter("contrast", kAlpha, alpha);
  check_parameter("contrast", kBeta, beta);
  check_point_op("contrast", src, dst);
  // OpenCV's convertScaleAbs computes in float: |x * alpha + beta|, rounded half to even.
  // beta is in 8-bit levels on every type: x257 on u16 (then rounded and saturated), /255 on
  // f32 (unclamped).
  const auto a = static_cast<float>(alpha);
  const auto b = static_cast<float>(beta);
  if (src.format().sample == SampleType::U16) {
    const float b16 = b * 257.0f;
    return map_colour_samples<std::uint16_t>(src, dst, [&](std::uint16_t x) {
      return round_saturate_u16(std::fabs(static_cast<float>(x) * a + b16));
    });
  }
  if (src.format().sample == SampleType::F32) {
    const float b32 = b / 255.0f;
    return map_colour_samples<float>(src, dst, [&](float x) { return std::fabs(x * a + b32); });
  }
  LookupTable table;
  for (int x = 0; x < 256; ++x) table[x] = round_saturate(std::fabs(static_cast<float>(x) * a + b));
  apply_lookup_table(src, dst, table);
}

Image contrast(ImageView src, double alpha, double beta, AllocationOptions options,
               std::source_location site) {
  return detail::into_new("contrast", src, src.format(), options, site,
                          [&](MutableImageView dst) { contrast(src, dst, alpha, beta); });
}

void gamma(ImageView src, MutableImageView dst, double gamma) {
  check_parameter("gamma", kGamma, gamma);
  check_point_op("gamma", src, dst);
  // The same curve at each type's full scale: u16 through a 65536-entry table (rounded to
  // nearest), f32 by pow on positive samples (0, negatives and NaN are kept: pow would make
  // negatives NaN).
  if (src.format().sample == SampleType::U16) {
    std::vector<std::uint16_t> table(65536);
    for (int x = 0; x < 65536; ++x) {
      table[x] =
          static_cast<std::uint16_t>(std::lround(65535.0 * std::pow(x / 65535.0, 1.0 / gamma)));
    }
    return map_colour_samples<std::uint16_t>(src, dst, [&](std::uint16_t x) { return table[x]; });
  }
  if (src.format().sample == SampleType::F32) {
    const double exponent = 1.0 / gamma;
    return map_colour_samples<float>(src, dst, [&](float x) {
      return x > 0 ? static_cast<float>(std::pow(static_cast<double>(x), exponent)) : x;
    });
  }
  LookupTable table;
  for (int x = 0; x < 256; ++x) {
    table[x] = static_cast<std::uint8_t>(std::lround(255.0 * std::pow(x / 255.0, 1.0 / gamma)));
  }
  apply_lookup_table(src, dst, table);
}

Image gamma(ImageView src, double gamma_value, AllocationOptions options,
            std::source_location site) {
  return detail::into_new("gamma", src, src.format(), options, site,
                          [&](MutableImageView dst) { gamma(src, dst, gamma_value); });
}

void invert(ImageView src, MutableImageView dst) {
  check_point_op("invert", src, dst);
  // u16's full scale is 65535 (exact, as cv::bitwise_not on CV_16U); f32's is 1, the f32
  // convention's white (x outside 0..1 stays outside: 1 - x, unclamped).
  if (src.format().sample == SampleType::U16) {
    return map_colour_samples<std::uint16_t>(
        src, dst, [](std::uint16_t x) { return static_cast<std::uint16_t>(65535 - x); });
  }
  if (src.format().sample == SampleType::F32) {
    return map_colour_samples<float>(src, dst, [](float x) { return 1.0f - x; });
  }
  LookupTable table;
  for (int x = 0; x < 256; ++x) table[x] = static_cast<std::uint8_t>(255 - x);
  apply_lookup_table(src, dst, table);
}

Image invert(ImageView src, AllocationOptions options, std::source_location site) {
  return detail::into_new("invert", src, src.format(), options, site,
                          [&](MutableImageView dst) { invert(src, dst); });
}

namespace {

using Histogram = std::array<std::uint64_t, 256>;

// The histogram of the first sample of each pixel (gray, gray + alpha) or of its luma
// (RGB, RGBA), counted in strips on all cores. Each strip counts into four or eight tables in turn,
// because neighbouring pixels often share a level and one table would make every increment
// wait for the one before it.
Histogram histogram_of(ImageView src) {
  Histogram histogram{};
  std::mutex merging;
  const int width = src.width();
  const int channels = src.format().channels();
  detail::parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
    std::array<std::array<std::uint32_t, 256>, 8> counts{};
    std::vector<std::uint8_t> lumas(channels >= 3 ? width : 0);
    for (int y = first; y < end; ++y) {
      const std::uint8_t* row = src.row<std::uint8_t>(y);
      int step = channels;
      if (channels >= 3) {
        simd::luma_row(row, lumas.data(), width, channels);
        row = lumas.data();
        step = 1;
      }
      int x = 0;
      if (step == 1) {
        for (; x + 8 <= width; x += 8) {
          for (int k = 0; k < 8; ++k) ++counts[k][row[x + k]];
        }
      }
      for (; x + 4 <= width; x += 4) {
        ++counts[0][row[x * step]];
        ++counts[1][row[(x + 1) * step]];
        ++counts[2][row[(x + 2) * step]];
        ++counts[3][row[(x + 3) * step]];
      }
      for (; x < width; ++x) ++counts[0][row[x * step]];
    }
    const std::lock_guard lock(merging);
    for (int level = 0; level < 256; ++level) {
      for (const auto& table : counts) histogram[level] += table[level];
    }
  });
  return histogram;
}

// cv::equalizeHist's table: the cumulative histogram scaled so the first used level maps to 0
// and the last to 255 (float scale, rounded half to even).
LookupTable equalisation_table(const Histogram& histogram, std::uint64_t total) {
  LookupTable table{};
  int first = 0;
  while (first < 255 && histogram[first] == 0) ++first;
  if (histogram[first] == total) {
    table.fill(static_cast<std::uint8_t>(first));
    return table;
  }
  const float scale = 255.0f / static_cast<float>(total - histogram[first]);
  std::uint64_t sum = 0;
  for (int level = first + 1; level < 256; ++level) {
    sum += histogram[level];
    table[level] = round_saturate(static_cast<float>(sum) * scale);
  }
  return table;
}

}  // namespace

void equalize(ImageView src, MutableImageView dst) {
  check_point_op("equalize", src, dst);
  const std::uint64_t total = static_cast<std::uint64_t>(src.width()) * src.height();
  const int channels = src.format().channels();
  const Histogram histogram = histogram_of(src);
  if (channels <= 2) {
    apply_lookup_table(src, dst, equalisation_table(histogram, total));
    return;
  }
  // Colour: equalise luma, keep chroma. With Cr and Cb unchanged, converting YCrCb back to RGB
  // moves every channel by the change in Y, so each pixel shifts by (Y' - Y).
  const LookupTable table = equalisation_table(histogram, total);
  detail::parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
    for (int y = first; y < end; ++y) {
      const std::uint8_t* in = src.row<std::uint8_t>(y);
      std::uint8_t* out = dst.row<std::uint8_t>(y);
      for (int x = 0; x < src.width(); ++x, in += channels, out += channels) {
        const std::uint8_t luma = simd::luma(in);
        const int shift = table[luma] - luma;
        const std::uint8_t alpha = channels == 4 ? in[3] : 0;
        for (int c = 0; c < 3; ++c) out[c] = detail::saturate_u8(in[c] + shift);
        if (channels == 4) out[3] = alpha;
      }
    }
  });
}

Image equalize(ImageView src, AllocationOptions options, std::source_location site) {
  return detail::into_new("equalize", src, src.format(), options, site,
                          [&](MutableImageView dst) { equalize(src, dst); });
}

namespace {

// Otsu's between-class variance over a histogram of 256 (u8) or 65536 (u16) levels, in the
// order and precision cv::threshold computes it (getThreshVal_Otsu), so that ties resolve to
// the same level.
int otsu_of(std::span<const std::uint64_t> histogram, double pixels) {
  const int levels = static_cast<int>(histogram.size());
  const double scale = 1.0 / pixels;
  double mean = 0;
  for (int i = 0; i < levels; ++i) mean += i * static_cast<double>(histogram[i]);
  mean *= scale;
  double mean_below = 0, weight_below = 0, best_variance = 0;
  int best = 0;
  for (int i = 0; i < levels; ++i) {
    const double p = histogram[i] * scale;
    mean_below *= weight_below;
    weight_below += p;
    const double weight_above = 1.0 - weight_below;
    if (std::min(weight_below, weight_above) < FLT_EPSILON ||
        std::max(weight_below, weight_above) > 1.0 - FLT_EPSILON) {
      continue;
    }
    mean_below = (mean_below + i * p) / weight_below;
    const double mean_above = (mean - weight_below * mean_below) / weight_above;
    const double variance =
        weight_below * weight_above * (mean_below - mean_above) * (mean_below - mean_above);
    if (variance > best_variance) {
      best_variance = variance;
      best = i;
    }
  }
  return best;
}

// The 65536-level histogram of a gray u16 image, counted in strips of at least 64 Ki pixels
// (each strip's table is 256 KiB to clear and merge).
std::vector<std::uint64_t> histogram_u16(ImageView src) {
  std::vector<std::uint64_t> histogram(65536);
  std::mutex merging;
  const int width = src.width();
  const int min_rows = std::max(detail::strip_rows(src.row_bytes()), 65536 / width + 1);
  detail::parallel_rows(src.height(), min_rows, [&](int first, int end) {
    std::vector<std::uint32_t> counts(65536);
    for (int y = first; y < end; ++y) {
      const std::uint16_t* row = src.row<std::uint16_t>(y);
      for (int x = 0; x < width; ++x) ++counts[row[x]];
    }
    const std::lock_guard lock(merging);
    for (int level = 0; level < 65536; ++level) histogram[level] += counts[level];
  });
  return histogram;
}

// Otsu's level needs a histogram of levels: u8 and u16, as in OpenCV (4.6 refuses CV_32F).
constexpr SampleTypes kOtsuSamples{.u8 = true, .u16 = true, .f32 = false};
constexpr std::string_view kOtsuNote = "otsu: u8 and u16 only, as in OpenCV";

// Every sample through simd::threshold_sample; alpha kept (in place allowed).
template <typename Sample>
void threshold_samples(ImageView src, MutableImageView dst, ThresholdType type, Sample level,
                       Sample max) {
  if (src.format().has_alpha()) {
    return map_colour_samples<Sample>(
        src, dst, [&](Sample x) { return simd::threshold_sample(x, type, level, max); });
  }
  const std::size_t samples = static_cast<std::size_t>(src.width()) * src.format().channels();
  detail::parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
    for (int y = first; y < end; ++y) {
      simd::threshold_row(src.row<Sample>(y), dst.row<Sample>(y), samples, type, level, max);
    }
  });
}

}  // namespace

int otsu_level(ImageView src) {
  detail::require_gray("threshold", src);
  detail::require_samples("threshold", src, kOtsuSamples, kOtsuNote);
  const double pixels = static_cast<double>(src.width()) * src.height();
  if (src.format().sample == SampleType::U16) return otsu_of(histogram_u16(src), pixels);
  return otsu_of(histogram_of(src), pixels);
}

double threshold(ImageView src, MutableImageView dst, const ThresholdOptions& options) {
  constexpr std::string_view op = "threshold";
  check_point_op(op, src, dst);
  check_parameter(op, kThresholdMax, options.max_value);
  const SampleType sample = src.format().sample;
  double value = options.value;
  if (options.method == ThresholdMethod::Otsu) {
    // In 8-bit levels, as options.value: floor(value * 257) gives the u16 level back.
    const int level = otsu_level(src);
    value = sample == SampleType::U16 ? level / 257.0 : level;
  } else {
    check_parameter(op, kThresholdValue, value);
  }
  // value and max are in 8-bit levels on every type; each type then thresholds as
  // cv::threshold does on its own levels with value and max scaled to them: integers floor the
  // threshold and round the maximum (half to even, as cvRound), f32 compares with
  // float(value / 255) and writes float(max / 255).
  switch (sample) {
    case SampleType::U8:
      threshold_samples(src, dst, options.type, static_cast<std::uint8_t>(std::floor(value)),
                        static_cast<std::uint8_t>(std::lrint(options.max_value)));
      break;
    case SampleType::U16:
      threshold_samples(src, dst, options.type, static_cast<std::uint16_t>(std::floor(value * 257)),
                        static_cast<std::uint16_t>(std::lrint(options.max_value * 257)));
      break;
    case SampleType::F32:
      threshold_samples(src, dst, options.type, static_cast<float>(value / 255),
                        static_cast<float>(options.max_value / 255));
      break;
  }
  return value;
}

Image threshold(ImageView src, const ThresholdOptions& options, AllocationOptions allocation,
                std::source_location site) {
  return detail::into_new("threshold", src, src.format(), allocation, site,
                          [&](MutableImageView dst) { threshold(src, dst, options); });
}

namespace detail {

namespace {
// value=otsu: the word, where a number is the fixed level.
bool is_otsu(const OpArguments& args) {
  return std::holds_alternative<std::string>(args.value("value"));
}
}  // namespace

std::vector<OpDescriptor> tone_ops() {
  return {
      {.name = "contrast",
       .doc = "|alpha * x + beta| per sample, saturated (OpenCV convertScaleAbs); beta in 8-bit "
              "levels on every type",
       .params = {kAlpha, kBeta},
       .access = Access::Point,
       .per_sample = true,
       .apply =
           [](ImageView src, const OpArguments& args) {
             return contrast(src, args.number("alpha"), args.number("beta"));
           },
       .samples = SampleTypes::all()},
      {.name = "gamma",
       .doc = "gamma correction: full * (x / full) ^ (1 / gamma), full = 255 (u8), 65535 (u16) "
              "or 1 (f32); alpha kept",
       .params = {kGamma},
       .access = Access::Point,
       .per_sample = true,
       .apply = [](ImageView src,
                   const OpArguments& args) { return gamma(src, args.number("gamma")); },
       .samples = SampleTypes::all()},
      {.name = "invert",
       .doc = "255 - x on colour samples (u16: 65535 - x, f32: 1 - x); alpha kept",
       .params = {},
       .access = Access::Point,
       .per_sample = true,
       .apply = [](ImageView src, const OpArguments&) { return invert(src); },
       .samples = SampleTypes::all()},
      {.name = "equalize",
       .doc = "histogram equalisation of 8-bit images (gray: OpenCV equalizeHist; colour: of the "
              "luma)",
       .params = {},
       .access = Access::WholeImage,
       .apply = [](ImageView src, const OpArguments&) { return equalize(src); }},
      {.name = "threshold",
       .doc = "fixed or Otsu (gray only) threshold (OpenCV threshold); value and max in 8-bit "
              "levels on every type (x257 on u16, /255 on f32)",
       .params = {kThresholdValue, kThresholdType, kThresholdMax},
       .access = Access::Point,
       .per_sample = true,
       .apply =
           [](ImageView src, const OpArguments& args) {
             ThresholdOptions options;
             const std::string& type = args.choice("type");
             options.type = type == "binary_inv"   ? ThresholdType::BinaryInverse
                            : type == "trunc"      ? ThresholdType::Truncate
                            : type == "tozero"     ? ThresholdType::ToZero
                            : type == "tozero_inv" ? ThresholdType::ToZeroInverse
                                                   : ThresholdType::Binary;
             options.max_value = args.number("max");
             if (is_otsu(args)) {
               options.method = ThresholdMethod::Otsu;
             } else {
               options.value = args.number("value");
             }
             return threshold(src, options);
           },
       // Otsu's level comes from the histogram of the whole image.
       .streaming = make_hooks({.rows_around = [](const OpArguments& args) -> std::optional<int> {
         if (is_otsu(args)) return std::nullopt;
         return 0;
       }}),
       .samples = SampleTypes::all(),
       .samples_with =
           [](const OpArguments& args) {
             return is_otsu(args) ? kOtsuSamples : SampleTypes::all();
           },
       .samples_note = kOtsuNote},
  };
}

}  // namespace detail
}  // namespace tessera::ops
