// Convolution with a user kernel, median, erode and dilate.

#include "tessera/ops/filters.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "ops/descriptors.h"
#include "ops/separable.h"
#include "ops/simd/convolve_rows.h"
#include "ops/simd/rank_rows.h"

namespace tessera::ops {
namespace {

using detail::Border;

const ParamSpec kKernel{.name = "kernel",
                        .kind = ParamKind::Kernel,
                        .min = 1,
                        .max = 15,
                        .odd = true,
                        .doc =
                            "rows of numbers, rows separated by ';': \"-1 -1 -1; -1 16 -1; "
                            "-1 -1 -1\" (odd sizes up to 15x15)"};
const ParamSpec kDivisor{.name = "divisor",
                         .kind = ParamKind::Number,
                         .default_value = "1",
                         .min = -1e6,
                         .max = 1e6,
                         .doc = "the weighted sum is divided by it"};
const ParamSpec kOffset{.name = "offset",
                        .kind = ParamKind::Number,
                        .default_value = "0",
                        .min = -255,
                        .max = 255,
                        .doc = "added after dividing"};
const ParamSpec kMedianSize{.name = "ksize",
                            .kind = ParamKind::Integer,
                            .default_value = "3",
                            .min = 3,
                            .max = 5,
                            .odd = true,
                            .doc = "3 or 5"};
const ParamSpec kMorphWidth{.name = "width",
                            .kind = ParamKind::Integer,
                            .default_value = "3",
                            .min = 1,
                            .max = 255,
                            .odd = true,
                            .doc = "width of the rectangle"};
const ParamSpec kMorphHeight{.name = "height",
                             .kind = ParamKind::Integer,
                             .default_value = "0",
                             .min = 0,
                             .max = 255,
                             .doc = "height of the rectangle (odd); 0 = same as width"};

// The kernel's form (kKernel: odd sides up to 15) and the divisor, for the typed convolve()
// as for the op's arguments.
void check_kernel(const Kernel& kernel, double divisor) {
  check_parameter("convolve", kKernel, kernel);
  check_parameter("convolve", kDivisor, divisor);
  if (divisor == 0) detail::fail("convolve", "divisor 0 is not allowed: a non-zero number");
}

bool all_integers(const Kernel& kernel) {
  return std::all_of(kernel.values.begin(), kernel.values.end(),
                     [](double v) { return std::floor(v) == v && std::fabs(v) < 65536; });
}

}  // namespace

namespace {

// convolve on one sample type, `offset` in that type's levels.
template <typename Sample>
void convolve_samples(ImageView src, MutableImageView dst, const Kernel& kernel, double divisor,
                      double offset) {
  const int rx = kernel.width / 2;
  const int ry = kernel.height / 2;
  const int channels = src.format().channels();
  const int samples = src.width() * channels;
  // Integer kernels on integer samples: the exact sum, divided once, so every divisor rounds
  // correctly. Otherwise float sums in filter2D's order.
  const bool integer = !std::is_same_v<Sample, float> && all_integers(kernel);
  const std::vector<std::int32_t> weights(kernel.values.begin(), kernel.values.end());
  std::vector<float> scaled(kernel.values.size());
  for (std::size_t i = 0; i < scaled.size(); ++i) {
    scaled[i] = static_cast<float>(kernel.values[i] / divisor);
  }
  const int min_rows = std::max(detail::strip_rows(src.row_bytes()), 2 * ry + 8);
  detail::parallel_rows(src.height(), min_rows, [&](int first, int end) {
    // The strip's input rows, padded left and right.
    const int rows = end - first + 2 * ry;
    const std::size_t padded_samples = static_cast<std::size_t>(src.width() + 2 * rx) * channels;
    std::vector<Sample> padded(padded_samples * rows);
    for (int r = 0; r < rows; ++r) {
      detail::pad_row(src, detail::reflect101(first - ry + r, src.height()), rx, Border::Reflect101,
                      padded.data() + r * padded_samples);
    }
    std::vector<const Sample*> window(kernel.height);
    for (int y = first; y < end; ++y) {
      Sample* out = dst.row<Sample>(y);
      for (int ky = 0; ky < kernel.height; ++ky) {
        window[ky] = padded.data() + (y - first + ky) * padded_samples;
      }
      if constexpr (!std::is_same_v<Sample, float>) {
        if (integer) {
          simd::convolve_row(window.data(), channels, weights.data(), kernel.width, kernel.height,
                             divisor, offset, out, samples);
          continue;
        }
      }
      simd::convolve_row_float(window.data(), channels, scaled.data(), kernel.width, kernel.height,
                               static_cast<float>(offset), out, samples);
    }
  });
}

}  // namespace

void convolve(ImageView src, MutableImageView dst, const Kernel& kernel, double divisor,
              double offset) {
  check_kernel(kernel, divisor);
  check_parameter("convolve", kOffset, offset);
  detail::require_filter_arguments("convolve", src, dst);
  // offset is in 8-bit levels on every type: x257 on u16, /255 on f32.
  switch (src.format().sample) {
    case SampleType::U8:
      return convolve_samples<std::uint8_t>(src, dst, kernel, divisor, offset);
    case SampleType::U16:
      return convolve_samples<std::uint16_t>(src, dst, kernel, divisor, offset * 257);
    case SampleType::F32:
      return convolve_samples<float>(src, dst, kernel, divisor, offset / 255);
  }
}

Image convolve(ImageView src, const Kernel& kernel, double divisor, double offset,
               AllocationOptions options, std::source_location site) {
  return detail::into_new("convolve", src, src.format(), options, site, [&](MutableImageView dst) {
    convolve(src, dst, kernel, divisor, offset);
  });
}

namespace {

// Every sample type: the median of each ksize x ksize window (edges replicated, as
// cv::medianBlur) on whole vectors, so the same values as OpenCV's (floats: NaN sorts above
// every number). 3x3 windows are made two output rows a call from whole rows (the kernel
// replicates their ends); 5x5 ones by a selection network, where rows narrower than the window
// are padded whole, wider ones are read in place, and only the r pixels at each end come from
// small padded copies (3r pixels of each window row).
template <typename Sample>
void median_rows(ImageView src, MutableImageView dst, int ksize) {
  const int r = ksize / 2;
  const int width = src.width();
  const int height = src.height();
  const int channels = src.format().channels();
  const bool narrow = width < 2 * r + 1;
  const int padded_pixels = narrow ? width + 2 * r : 3 * r;
  const std::size_t padded_samples = static_cast<std::size_t>(padded_pixels) * channels;
  const std::size_t row_samples = static_cast<std::size_t>(width) * channels;
  // A 3x3 call makes two rows, whose windows share two rows; 5x5 ones make one.
  const int rows_per_call = ksize == 3 ? 2 : 1;
  // Strips as long as four per core allow: each strip's first row checks its whole window for
  // NaNs and starts its reading afresh.
  const int strip =
      std::max(detail::strip_rows(src.row_bytes()), detail::four_strips_a_core(height));
  detail::parallel_rows(height, strip, [&](int first, int end) {
    const auto padded =
        std::make_unique_for_overwrite<Sample[]>(ksize == 3 ? 0 : padded_samples * ksize);
    std::vector<const Sample*> rows(ksize + 1), window(ksize);
    // Window row k's pixels [from, from + count) with the border replicated, into `padded`.
    const auto pad = [&](int from, int count) {
      for (int k = 0; k < ksize; ++k) {
        window[k] = padded.get() + k * padded_samples;
        detail::copy_padded(rows[k], width, channels, from, count, detail::Border::Replicate,
                            padded.get() + k * padded_samples);
      }
    };
    // Makes output rows [y, y + outputs) from their window rows: median3x3(rows, outputs, out,
    // samples, ahead) on whole rows (ahead: the rows the next call takes as its newest), or
    // median5x5(window_rows, out, samples) on one row's interior and its padded ends. Returns
    // whether any call returned true.
    const auto make_rows = [&](int y, int outputs, auto&& median3x3, auto&& median5x5) {
      for (int k = 0; k < ksize + outputs - 1; ++k) {
        rows[k] = src.row<Sample>(detail::replicate(y - r + k, height));
      }
      if (ksize == 3) {
        Sample* out[2];
        const Sample* ahead[2];
        for (int k = 0; k < outputs; ++k) {
          out[k] = dst.row<Sample>(y + k);
          // Past the strip too: on one core the next strip goes on from there.
          const int next = y + outputs + 1 + k;
          ahead[k] = next < height ? src.row<Sample>(next) : nullptr;
        }
        return median3x3(rows.data(), outputs, out, row_samples, ahead);
      }
      Sample* out = dst.row<Sample>(y);
      if (narrow) {
        pad(-r, width + 2 * r);
        return median5x5(window.data(), out, row_samples);
      }
      bool found = median5x5(rows.data(), out + r * channels,
                             static_cast<std::size_t>(width - 2 * r) * channels);
      pad(-r, 3 * r);
      found = median5x5(window.data(), out, r * channels) || found;
      pad(width - 2 * r, 3 * r);
      found = median5x5(window.data(), out + (width - r) * channels, r * channels) || found;
      return found;
    };
    const auto exact3x3 = [&](const Sample* const* window_rows, int outputs, Sample* const* out,
                              std::size_t samples, const Sample* const* ahead) {
      simd::median3x3_rows(window_rows, outputs, channels, out, samples, ahead);
      return false;
    };
    const auto exact5x5 = [&](const Sample* const* window_rows, Sample* out, std::size_t samples) {
      simd::median5x5_row(window_rows, channels, out, samples);
      return false;
    };
    if constexpr (!std::is_same_v<Sample, float>) {
      for (int y = first; y < end; y += rows_per_call) {
        make_rows(y, std::min(rows_per_call, end - y), exact3x3, exact5x5);
      }
    } else {
      // Floats take a fast path, which looks in each row as it enters the window for samples
      // it cannot take; an output whose window holds a row with one is made again by the exact
      // path. 3x3 windows start on the floats' bits (right for non-negative numbers); a strip
      // that meets anything else (a negative, -0 or NaN) goes on comparing floats (right
      // without NaNs). may_fail is indexed by window row (y - first + r, unclamped: a
      // replicated row is looked at through its copy) and says the row may hold a sample that
      // the path that looked at it cannot take.
      std::vector<char> may_fail(static_cast<std::size_t>(end - first + 2 * r), 0);
      auto path = ksize == 3 ? simd::FloatFastPath::Bits : simd::FloatFastPath::Floats;
      int looked_at_to = first - r;  // window rows before this one have been looked at
      for (int y = first; y < end; y += rows_per_call) {
        const int outputs = std::min(rows_per_call, end - y);
        const int span = outputs + 2 * r;  // window rows of this call
        const int check_from = std::clamp(looked_at_to - (y - r), 0, span);
        const bool found = make_rows(
            y, outputs,
            [&](const float* const* window_rows, int count, float* const* out, std::size_t samples,
                const float* const* ahead) {
              return simd::median3x3_rows_unless(path, window_rows, count, channels, out, samples,
                                                 ahead, check_from);
            },
            [&](const float* const* window_rows, float* out, std::size_t samples) {
              return simd::median5x5_row_unless_nan(window_rows, channels, out, samples,
                                                    check_from);
            });
        // A strip that holds a sample its bits cannot order goes on in floats.
        if (found) path = simd::FloatFastPath::Floats;
        const auto call_flags = may_fail.begin() + (y - first);
        if (found) std::fill(call_flags + check_from, call_flags + span, 1);
        looked_at_to = y + outputs + r;
        for (int k = 0; k < outputs; ++k) {
          const auto window_flags = call_flags + k;
          if (std::find(window_flags, window_flags + ksize, 1) != window_flags + ksize) {
            make_rows(y + k, 1, exact3x3, exact5x5);
          }
        }
      }
    }
  });
}

}  // namespace

void median(ImageView src, MutableImageView dst, int ksize) {
  check_parameter("median", kMedianSize, ksize);
  detail::require_filter_arguments("median", src, dst);
  switch (src.format().sample) {
    case SampleType::U8:
      return median_rows<std::uint8_t>(src, dst, ksize);
    case SampleType::U16:
      return median_rows<std::uint16_t>(src, dst, ksize);
    case SampleType::F32:
      return median_rows<float>(src, dst, ksize);
  }
}

Image median(ImageView src, int ksize, AllocationOptions options, std::source_location site) {
  return detail::into_new("median", src, src.format(), options, site,
                          [&](MutableImageView dst) { median(src, dst, ksize); });
}

namespace {

void check_morphology_height(std::string_view op, int width, int height) {
  check_parameter(op, kMorphWidth, width);
  check_parameter(op, kMorphHeight, height);
  if (height % 2 == 0 && height != 0) {
    detail::fail(op, fmt::format("height {} is not allowed: {}", height, kMorphHeight.doc));
  }
}

// The rectangle's height: as given, or the width when 0 (a square).
int morphology_height(int width, int height) { return height == 0 ? width : height; }

// u16 and f32: the same two passes as the u8 form below, in scalar loops (down, then across a
// row padded by replicating its ends); min and max are exact, so bit-identical to cv::erode
// and cv::dilate on CV_16U and CV_32F.
template <typename Sample>
void morphology_scalar(ImageView src, MutableImageView dst, int width, int height,
                       simd::Extreme extreme) {
  const int channels = src.format().channels();
  const int radius_x = width / 2;
  const int radius_y = height / 2;
  const std::size_t samples = static_cast<std::size_t>(src.width()) * channels;
  const bool minimum = extreme == simd::Extreme::Minimum;
  const auto pick = [minimum](Sample a, Sample b) {
    return minimum ? std::min(a, b) : std::max(a, b);
  };
  detail::parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
    std::vector<Sample> column(static_cast<std::size_t>(src.width() + 2 * radius_x) * channels);
    Sample* inside = column.data() + radius_x * channels;
    for (int y = first; y < end; ++y) {
      const Sample* top = src.row<Sample>(detail::replicate(y - radius_y, src.height()));
      std::copy(top, top + samples, inside);
      for (int k = 1; k < height; ++k) {
        const Sample* row = src.row<Sample>(detail::replicate(y - radius_y + k, src.height()));
        for (std::size_t i = 0; i < samples; ++i) inside[i] = pick(inside[i], row[i]);
      }
      for (int i = 1; i <= radius_x; ++i) {
        std::copy(inside, inside + channels, inside - i * channels);
        std::copy(inside + samples - channels, inside + samples,
                  inside + samples + (i - 1) * channels);
      }
      Sample* out = dst.row<Sample>(y);
      for (std::size_t i = 0; i < samples; ++i) {
        Sample value = column[i];
        for (int k = 1; k < width; ++k) value = pick(value, column[i + k * channels]);
        out[i] = value;
      }
    }
  });
}

// Minimum or maximum over a width x height rectangle. Replicating the edge changes neither,
// which is what ignoring pixels outside the image means.
void morphology(std::string_view op, ImageView src, MutableImageView dst, int width, int height,
                simd::Extreme extreme) {
  check_morphology_height(op, width, height);
  height = morphology_height(width, height);
  detail::require_filter_arguments(op, src, dst);
  if (src.format().sample == SampleType::U16) {
    return morphology_scalar<std::uint16_t>(src, dst, width, height, extreme);
  }
  if (src.format().sample == SampleType::F32) {
    return morphology_scalar<float>(src, dst, width, height, extreme);
  }
  // Down first, straight from the source rows, then across one padded row: two passes and
  // no copies. Replicating the column extremes at the edges equals replicating the image.
  const int channels = src.format().channels();
  const int radius_x = width / 2;
  const int radius_y = height / 2;
  const std::size_t samples = static_cast<std::size_t>(src.width()) * channels;
  detail::parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
    std::vector<std::uint8_t> column(static_cast<std::size_t>(src.width() + 2 * radius_x) *
                                     channels);
    std::uint8_t* inside = column.data() + radius_x * channels;
    std::vector<const std::uint8_t*> window(height);
    for (int y = first; y < end; ++y) {
      for (int k = 0; k < height; ++k) {
        window[k] = src.row<std::uint8_t>(detail::replicate(y - radius_y + k, src.height()));
      }
      simd::extreme_column(window.data(), height, extreme, inside, samples);
      for (int i = 1; i <= radius_x; ++i) {
        std::memcpy(inside - i * channels, inside, channels);
        std::memcpy(inside + samples + (i - 1) * channels, inside + samples - channels, channels);
      }
      simd::extreme_row(column.data(), channels, width, extreme, dst.row<std::uint8_t>(y), samples);
    }
  });
}

}  // namespace

void erode(ImageView src, MutableImageView dst, int width, int height) {
  morphology("erode", src, dst, width, height, simd::Extreme::Minimum);
}

Image erode(ImageView src, int width, int height, AllocationOptions options,
            std::source_location site) {
  return detail::into_new("erode", src, src.format(), options, site,
                          [&](MutableImageView dst) { erode(src, dst, width, height); });
}

void dilate(ImageView src, MutableImageView dst, int width, int height) {
  morphology("dilate", src, dst, width, height, simd::Extreme::Maximum);
}

Image dilate(ImageView src, int width, int height, AllocationOptions options,
             std::source_location site) {
  return detail::into_new("dilate", src, src.format(), options, site,
                          [&](MutableImageView dst) { dilate(src, dst, width, height); });
}

namespace detail {

namespace {

// erode and dilate differ only in which extreme they take.
OpDescriptor morphology_op(std::string_view name, std::string_view doc, simd::Extreme extreme) {
  return {
      .name = name,
      .doc = doc,
      .params = {kMorphWidth, kMorphHeight},
      .access = Access::Neighbourhood,
      .apply =
          [extreme](ImageView src, const OpArguments& args) {
            const int width = args.integer("width");
            const int height = args.integer("height");
            return extreme == simd::Extreme::Minimum ? erode(src, width, height)
                                                     : dilate(src, width, height);
          },
      .check =
          [name](const OpArguments& args) {
            check_morphology_height(name, args.integer("width"), args.integer("height"));
          },
      .streaming = make_hooks(
          {.rows_around = [](const OpArguments& args) -> std::optional<int> {
             return morphology_height(args.integer("width"), args.integer("height")) / 2;
           },
           .columns_around = [](const OpArguments& args) { return args.integer("width") / 2; }}),
      .samples = SampleTypes::all()};
}

}  // namespace

std::vector<OpDescriptor> filter_ops() {
  return {
      {.name = "convolve",
       .doc = "correlation with a kernel: sum / divisor + offset (OpenCV filter2D, "
              "BORDER_REFLECT_101); offset in 8-bit levels on every type (x257 on u16, /255 on "
              "f32); f32 not clamped",
       .params = {kKernel, kDivisor, kOffset},
       .access = Access::Neighbourhood,
       .apply =
           [](ImageView src, const OpArguments& args) {
             return convolve(src, args.kernel("kernel"), args.number("divisor"),
                             args.number("offset"));
           },
       .check =
           [](const OpArguments& args) {
             check_kernel(args.kernel("kernel"), args.number("divisor"));
           },
       .streaming = make_hooks(
           {.rows_around = [](const OpArguments& args) -> std::optional<int> {
              return args.kernel("kernel").height / 2;
            },
            .columns_around =
                [](const OpArguments& args) { return args.kernel("kernel").width / 2; }}),
       .samples = SampleTypes::all()},
      {.name = "median",
       .doc = "median of a 3x3 or 5x5 neighbourhood (OpenCV medianBlur)",
       .params = {kMedianSize},
       .access = Access::Neighbourhood,
       .apply = [](ImageView src,
                   const OpArguments& args) { return median(src, args.integer("ksize")); },
       .streaming = make_hooks({.rows_around = [](const OpArguments& args) -> std::optional<int> {
         return args.integer("ksize") / 2;
       }}),
       .samples = SampleTypes::all()},
      morphology_op("erode", "minimum over a rectangle (OpenCV erode)", simd::Extreme::Minimum),
      morphology_op("dilate", "maximum over a rectangle (OpenCV dilate)", simd::Extreme::Maximum),
  };
}

}  // namespace detail
}  // namespace tessera::ops
