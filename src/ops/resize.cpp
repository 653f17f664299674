// Resize: separable resampling, rows of output in strips on all cores.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "ops/op_support.h"
#include "ops/resample_weights.h"
#include "ops/simd/channel_rows.h"
#include "ops/simd/halve.h"
#include "ops/simd/resample_rows.h"
#include "ops/simd/weighted_rows.h"
#include "tessera/ops/geometry.h"

namespace tessera::ops {
namespace {

// Weights in fixed point. Pillow's LANCZOS uses 22 fraction bits and rounds the horizontal
// pass to 8 bits before the vertical one; OpenCV's resize uses 11 bits per pass and rounds
// once at the end. Following each reference's scheme keeps results within one level of it.
struct FixedAxis {
  int taps = 0;
  std::vector<int> first;
  std::vector<std::int32_t> weights;
  // Output x is input first[0] + x, unweighed: the axis keeps its size (and may be cut).
  bool copies = false;
};

// The across weights as simd::resample_row reads them: `stride` per output, zeros past the
// taps, and padding at the end.
struct PaddedAxis {
  int stride = 0;
  std::vector<std::int32_t> weights;
};

PaddedAxis padded(const FixedAxis& axis) {
  PaddedAxis result;
  result.stride =
      (axis.taps + simd::kResamplePadding - 1) / simd::kResamplePadding * simd::kResamplePadding;
  const std::size_t outputs = axis.first.size();
  result.weights.assign(outputs * result.stride + simd::kResamplePadding, 0);
  for (std::size_t x = 0; x < outputs; ++x) {
    std::copy_n(axis.weights.begin() + static_cast<std::ptrdiff_t>(x * axis.taps), axis.taps,
                result.weights.begin() + static_cast<std::ptrdiff_t>(x * result.stride));
  }
  return result;
}

// The weights of outputs [from, from + count) of `axis`: a window of the scaled grid.
detail::AxisWeights window_of(detail::AxisWeights axis, int from, int count) {
  if (from == 0 && count == static_cast<int>(axis.first.size())) return axis;
  const auto taps = static_cast<std::ptrdiff_t>(axis.taps);
  axis.first = std::vector<int>(axis.first.begin() + from, axis.first.begin() + from + count);
  axis.weights = std::vector<double>(axis.weights.begin() + from * taps,
                                     axis.weights.begin() + (from + count) * taps);
  return axis;
}

// `exact_sum`: each output's weights are made to sum to exactly 1 << bits, the rounding spread
// over its taps. Area's averaging weights need it: cv::resize sums them in floating
// point, and a shrink by 77 rounds 77 equal weights of 26.7 / 2048 up to 27 each, 1.5% too
// bright (4 levels on white).
FixedAxis to_fixed(const detail::AxisWeights& axis, int bits, bool exact_sum = false) {
  FixedAxis fixed{axis.taps, axis.first, {}, false};
  if (axis.taps == 1) {
    fixed.copies = true;
    for (std::size_t x = 0; x < axis.first.size(); ++x) {
      fixed.copies = fixed.copies && axis.first[x] == axis.first[0] + static_cast<int>(x) &&
                     axis.weights[x] == 1.0;
    }
  }
  fixed.weights.reserve(axis.weights.size());
  const double one = static_cast<double>(1 << bits);
  for (double w : axis.weights) {
    // Half away from zero, as Pillow's normalize_coeffs_8bpc.
    fixed.weights.push_back(
        static_cast<std::int32_t>(w < 0 ? std::trunc(w * one - 0.5) : std::trunc(w * one + 0.5)));
  }
  if (exact_sum) {  // each weight is the step between rounded running sums
    for (std::size_t x = 0; x < axis.first.size(); ++x) {
      double running = 0;
      std::int32_t made = 0;
      for (int t = 0; t < axis.taps; ++t) {
        const std::size_t i = x * axis.taps + t;
        running += axis.weights[i];
        const auto next = static_cast<std::int32_t>(std::lround(running * one));
        fixed.weights[i] = next - made;
        made = next;
      }
      fixed.weights[x * axis.taps + axis.taps - 1] += (std::int32_t{1} << bits) - made;
    }
  }
  return fixed;
}

// Source rows read from a window that holds rows top .. top + window.height() - 1.
struct SourceRows {
  ImageView window;
  int top = 0;
  const std::uint8_t* row(int y) const { return window.row<std::uint8_t>(y - top); }
  const std::byte* bytes(int y) const { return window.row(y - top); }
};

// Output rows top .. top + out.height() - 1.
struct OutputRows {
  MutableImageView out;
  int top = 0;
  int first() const { return top; }
  int end() const { return top + out.height(); }
  std::uint8_t* row(int y) const { return out.row<std::uint8_t>(y - top); }
  std::byte* bytes(int y) const { return out.row(y - top); }
};

// Pillow's scheme (lanczos3): across first, each row rounded to 8 bits, then down.
void resample_pillow(const SourceRows& src, int src_width, const OutputRows& dst,
                     const FixedAxis& across, const PaddedAxis& across_padded,
                     const FixedAxis& down, int bits) {
  const int channels = src.window.format().channels();
  // RGB is widened to 4 samples a pixel, so that a vector holds whole pixels.
  const int step = channels == 3 ? 4 : channels;
  const int out_width = dst.out.width();
  const std::size_t out_samples = static_cast<std::size_t>(out_width) * channels;
  const bool same_width = across.copies;  // Pillow skips a pass that keeps the size
  const std::size_t skipped = same_width ? static_cast<std::size_t>(across.first[0]) * channels : 0;
  const std::int32_t half = std::int32_t{1} << (bits - 1);
  // Strips overlap by the vertical taps, which are resampled across once per strip: tall
  // strips keep that repeated work small.
  detail::parallel_rows(dst.out.height(), std::max(8, 4 * down.taps), [&](int from, int to) {
    const int first = dst.first() + from;
    const int end = dst.first() + to;
    // The input rows this strip reads, resampled across.
    const int low = down.first[first];
    const int high = down.first[end - 1] + down.taps;
    std::vector<std::uint8_t> rows((high - low) * out_samples);
    // One input row, as resample_row reads it: `step` samples a pixel, zeros past the end.
    std::vector<std::uint8_t> widened(
        same_width
            ? 0
            : static_cast<std::size_t>(src_width + across_padded.stride + simd::kResamplePadding) *
                  step,
        0);
    for (int y = low; y < high; ++y) {
      const std::uint8_t* in = src.row(y);
      std::uint8_t* out = rows.data() + (y - low) * out_samples;
      if (same_width) {
        std::memcpy(out, in + skipped, out_samples);
        continue;
      }
      if (step == channels) {
        std::memcpy(widened.data(), in, static_cast<std::size_t>(src_width) * channels);
      } else {  // the fourth sample is summed with the others but never stored
        simd::color_to_color_row(in, widened.data(), src_width, 3, 4);
      }
      simd::resample_row(widened.data(), step, channels, across_padded.weights.data(), across.taps,
                         across_padded.stride, across.first.data(), out_width, bits, out);
    }
    std::vector<const std::uint8_t*> window(down.taps);
    for (int y = first; y < end; ++y) {
      std::uint8_t* out = dst.row(y);
      const std::uint8_t* top = rows.data() + (down.first[y] - low) * out_samples;
      if (down.copies) {  // the row itself (axis_weights gives one tap, first = y)
        std::memcpy(out, top, out_samples);
        continue;
      }
      for (int t = 0; t < down.taps; ++t) window[t] = top + t * out_samples;
      simd::weighted_column(window.data(),
                            down.weights.data() + static_cast<std::size_t>(y) * down.taps,
                            down.taps, half, bits, out, out_samples);
    }
  });
}

// Across one row of column sums (weights scaled by 2^bits each way): out = round(sum / 2^2bits).
template <int kChannels>
void resample_across(const std::int32_t* column, const FixedAxis& across, int width, int bits,
                     std::uint8_t* out) {
  const std::int32_t half = std::int32_t{1} << (2 * bits - 1);
  for (int x = 0; x < width; ++x) {
    const std::int32_t* taps = column + across.first[x] * kChannels;
    const std::int32_t* w = across.weights.data() + static_cast<std::size_t>(x) * across.taps;
    std::int32_t sums[kChannels];
    for (int c = 0; c < kChannels; ++c) sums[c] = half;
    for (int t = 0; t < across.taps; ++t) {
      for (int c = 0; c < kChannels; ++c) sums[c] += w[t] * taps[t * kChannels + c];
    }
    for (int c = 0; c < kChannels; ++c)
      out[x * kChannels + c] = detail::saturate_u8(sums[c] >> (2 * bits));
  }
}

// OpenCV's scheme (linear, cubic, area): 11-bit weights each way, rounded once at the end.
// Down first, so the pass that cannot use whole vectors runs on output rows only.
void resample_opencv(const SourceRows& src, const OutputRows& dst, const FixedAxis& across,
                     const FixedAxis& down, int bits) {
  const int channels = src.window.format().channels();
  const std::size_t in_samples = static_cast<std::size_t>(src.window.width()) * channels;
  const int out_width = dst.out.width();
  detail::parallel_rows(dst.out.height(), 8, [&](int from, int to) {
    std::vector<const std::uint8_t*> window(down.taps);
    std::vector<std::int32_t> column(in_samples);
    for (int y = dst.first() + from; y < dst.first() + to; ++y) {
      for (int t = 0; t < down.taps; ++t) window[t] = src.row(down.first[y] + t);
      simd::weighted_column(window.data(),
                            down.weights.data() + static_cast<std::size_t>(y) * down.taps,
                            down.taps, column.data(), in_samples);
      std::uint8_t* out = dst.row(y);
      switch (channels) {
        case 1:
          resample_across<1>(column.data(), across, out_width, bits, out);
          break;
        case 2:
          resample_across<2>(column.data(), across, out_width, bits, out);
          break;
        case 3:
          resample_across<3>(column.data(), across, out_width, bits, out);
          break;
        default:
          resample_across<4>(column.data(), across, out_width, bits, out);
          break;
      }
    }
  });
}

// u16 and f32 (every kernel but nearest): the weights in float, across first into float rows,
// then down, rounding once at the end (u16 to nearest, ties to even, as cvRound; f32 stored as
// computed, unclamped: f32 samples are clamped only by an encoder). This is the order in which
// cv::resize's generic path for CV_16U and CV_32F sums linear and area in float, so area
// matches it exactly. Both passes are Highway vectors (see simd::resample_row).
template <typename Sample>
void resample_real(const SourceRows& src, const OutputRows& dst, const detail::AxisWeights& across,
                   const detail::AxisWeights& down) {
  const int channels = src.window.format().channels();
  const int out_width = dst.out.width();
  const std::size_t in_samples = static_cast<std::size_t>(src.window.width()) * channels;
  const std::size_t out_samples = static_cast<std::size_t>(out_width) * channels;
  const std::vector<float> wx(across.weights.begin(), across.weights.end());
  const std::vector<float> wy(down.weights.begin(), down.weights.end());
  detail::parallel_rows(dst.out.height(), std::max(8, 4 * down.taps), [&](int from, int to) {
    const int first = dst.first() + from;
    const int end = dst.first() + to;
    // The input rows this strip reads, resampled across once each (u16 rows widened to float
    // first: once a sample, where each is read by several taps).
    const int low = down.first[first];
    const int high = down.first[end - 1] + down.taps;
    std::vector<float> widened(std::is_same_v<Sample, float> ? 0 : in_samples);
    // One float longer: resample_row writes an RGB pixel as 4 floats.
    std::vector<float> rows(static_cast<std::size_t>(high - low) * out_samples + 1);
    for (int y = low; y < high; ++y) {
      const Sample* in = src.window.row<Sample>(y - src.top);
      const float* samples;
      if constexpr (std::is_same_v<Sample, float>) {
        samples = in;
      } else {
        std::copy_n(in, in_samples, widened.begin());
        samples = widened.data();
      }
      simd::resample_row(samples, src.window.width(), channels, wx.data(), across.taps,
                         across.first.data(), out_width,
                         rows.data() + static_cast<std::size_t>(y - low) * out_samples);
    }
    std::vector<float> sums(std::is_same_v<Sample, float> ? 0 : out_samples);
    std::vector<const float*> window(static_cast<std::size_t>(down.taps));
    for (int y = first; y < end; ++y) {
      const float* w = wy.data() + static_cast<std::size_t>(y) * down.taps;
      const float* top = rows.data() + static_cast<std::size_t>(down.first[y] - low) * out_samples;
      for (int t = 0; t < down.taps; ++t) window[t] = top + t * out_samples;
      Sample* out = dst.out.row<Sample>(y - dst.top);
      if constexpr (std::is_same_v<Sample, float>) {
        simd::weighted_column(window.data(), w, down.taps, out, out_samples);
      } else {
        simd::weighted_column(window.data(), w, down.taps, sums.data(), out_samples);
        simd::round_to_u16(sums.data(), out, out_samples);
      }
    }
  });
}

// Strips for halving: the first pair of rows of each strip comes from memory with no fetch
// ahead of it, so strips are as long as four per core allow (at least `least` rows).
int halving_strip_rows(int rows, int least) {
  return std::max(least, detail::four_strips_a_core(rows));
}

// Exactly half size on u16 and f32: the 2x2 mean, as cv::resize's fast area path computes it
// (u16: (a + b + c + d + 2) >> 2, exact; f32: the sum times 0.25), in SIMD.
template <typename Sample>
void halve_real(const SourceRows& src, const OutputRows& dst, int width, int channels) {
  detail::parallel_rows(
      dst.out.height(), halving_strip_rows(dst.out.height(), 16), [&](int from, int to) {
        const int end = dst.first() + to;
        for (int y = dst.first() + from; y < end; ++y) {
          const bool next = y + 1 < end;  // the strip's next pair, to fetch on the way
          simd::halve_row(src.window.row<Sample>(2 * y - src.top),
                          src.window.row<Sample>(2 * y + 1 - src.top),
                          dst.out.row<Sample>(y - dst.top), static_cast<std::size_t>(width),
                          channels, next ? src.window.row<Sample>(2 * y + 2 - src.top) : nullptr,
                          next ? src.window.row<Sample>(2 * y + 3 - src.top) : nullptr);
        }
      });
}

// The source index nearest-neighbour sampling takes for output index i of `out` (of `in`):
// cv::resize's INTER_NEAREST, which multiplies by the reciprocal of out / in.
int nearest_index(int i, int in, int out) {
  const double scale = 1.0 / (static_cast<double>(out) / in);
  return std::min(static_cast<int>(std::floor(i * scale)), in - 1);
}

}  // namespace

ResizeGeometry resize_geometry(const ResizeTarget& target, int width, int height) {
  auto at_least_one = [](double v) { return std::max(1, static_cast<int>(std::lround(v))); };
  const auto whole = [](int w, int h) { return ResizeGeometry{w, h, w, h, 0, 0}; };
  if (target.scale > 0)
    return whole(at_least_one(width * target.scale), at_least_one(height * target.scale));
  if (target.width == 0)
    return whole(at_least_one(static_cast<double>(width) * target.height / height), target.height);
  if (target.height == 0)
    return whole(target.width, at_least_one(static_cast<double>(height) * target.width / width));
  if (target.fit == ResizeFit::Fill) return whole(target.width, target.height);
  const double sx = static_cast<double>(target.width) / width;
  const double sy = static_cast<double>(target.height) / height;
  if (target.fit == ResizeFit::Inside) {
    const double s = std::min(sx, sy);
    return whole(at_least_one(width * s), at_least_one(height * s));
  }
  // Cover: the side that sets the scale gets exactly its target, the other at least its own.
  const double s = std::max(sx, sy);
  ResizeGeometry geometry{target.width,
                          target.height,
                          std::max(target.width, at_least_one(width * s)),
                          std::max(target.height, at_least_one(height * s)),
                          0,
                          0};
  geometry.left = (geometry.scaled_width - geometry.width) / 2;
  geometry.top = (geometry.scaled_height - geometry.height) / 2;
  return geometry;
}

std::array<int, 2> resize_output_size(const ResizeTarget& target, int width, int height) {
  const ResizeGeometry geometry = resize_geometry(target, width, height);
  return {geometry.width, geometry.height};
}

struct RowResizer::Weights {
  detail::AxisWeights across_real;  // every sample type: the weights in double
  detail::AxisWeights down_real;
  FixedAxis across;          // u8
  PaddedAxis across_padded;  // lanczos3
  FixedAxis down;
  std::vector<int> columns;  // nearest: the source column of each output column
};

RowResizer::RowResizer(int src_width, int src_height, int dst_width, int dst_height,
                       PixelFormat format, ResizeKernel kernel)
    : RowResizer(src_width, src_height,
                 ResizeGeometry{dst_width, dst_height, dst_width, dst_height, 0, 0}, format,
                 kernel) {}

RowResizer::RowResizer(int src_width, int src_height, const ResizeGeometry& geometry,
                       PixelFormat format, ResizeKernel kernel)
    : src_width_(src_width),
      src_height_(src_height),
      geometry_(geometry),
      format_(format),
      kernel_(kernel),
      weights_(std::make_shared<Weights>()) {
  const ResizeGeometry& g = geometry;
  if (src_width < 1 || src_height < 1 || g.width < 1 || g.height < 1 || g.left < 0 || g.top < 0 ||
      g.left + g.width > g.scaled_width || g.top + g.height > g.scaled_height) {
    detail::fail("resize", fmt::format("cannot resize {}x{} to {}x{} at {},{} of {}x{}", src_width,
                                       src_height, g.width, g.height, g.left, g.top, g.scaled_width,
                                       g.scaled_height));
  }
  if (kernel == ResizeKernel::Nearest) {
    for (int x = 0; x < g.width; ++x)
      weights_->columns.push_back(nearest_index(g.left + x, src_width, g.scaled_width));
    return;
  }
  // Exactly half size: linear and area weights are then all 1/2 each way (cv::resize takes
  // the same shortcut), so a 2x2 mean gives the same result at a fraction of the cost.
  const bool cut = g.width != g.scaled_width || g.height != g.scaled_height;
  halve_ = kernel != ResizeKernel::Lanczos3 && kernel != ResizeKernel::Cubic && !cut &&
           src_width == 2 * g.width && src_height == 2 * g.height;
  if (halve_) return;
  const int bits = kernel == ResizeKernel::Lanczos3 ? 22 : 11;
  // Area that enlarges either axis interpolates both, as cv::resize does.
  const bool area_interpolates =
      kernel == ResizeKernel::Area && (g.scaled_width > src_width || g.scaled_height > src_height);
  const auto weights = [&](int in, int out) {
    return area_interpolates ? detail::area_interpolating_weights(in, out)
                             : detail::axis_weights(kernel, in, out);
  };
  const bool averages = kernel == ResizeKernel::Area && !area_interpolates;
  weights_->across_real = window_of(weights(src_width, g.scaled_width), g.left, g.width);
  weights_->down_real = window_of(weights(src_height, g.scaled_height), g.top, g.height);
  if (format.sample != SampleType::U8) return;  // resampled in float
  weights_->across = to_fixed(weights_->across_real, bits, averages);
  weights_->down = to_fixed(weights_->down_real, bits, averages);
  if (kernel == ResizeKernel::Lanczos3) weights_->across_padded = padded(weights_->across);
}

std::array<int, 2> RowResizer::source_rows(int first, int end) const {
  if (kernel_ == ResizeKernel::Nearest) {
    return {nearest_index(geometry_.top + first, src_height_, geometry_.scaled_height),
            nearest_index(geometry_.top + end - 1, src_height_, geometry_.scaled_height) + 1};
  }
  if (halve_) return {2 * first, 2 * end};
  const detail::AxisWeights& down = weights_->down_real;
  return {down.first[first], down.first[end - 1] + down.taps};
}

void RowResizer::run(ImageView window, int window_top, MutableImageView out, int out_top) const {
  const SourceRows src{window, window_top};
  const OutputRows dst{out, out_top};
  if (kernel_ == ResizeKernel::Nearest) {
    const std::size_t pixel = format_.bytes_per_pixel();
    detail::parallel_rows(out.height(), 16, [&](int from, int to) {
      for (int y = dst.first() + from; y < dst.first() + to; ++y) {
        const std::byte* in =
            src.bytes(nearest_index(geometry_.top + y, src_height_, geometry_.scaled_height));
        std::byte* row = dst.bytes(y);
        for (int x = 0; x < geometry_.width; ++x)
          std::memcpy(row + x * pixel, in + weights_->columns[x] * pixel, pixel);
      }
    });
    return;
  }
  if (halve_ && format_.sample == SampleType::U16) {
    return halve_real<std::uint16_t>(src, dst, geometry_.width, format_.channels());
  }
  if (halve_ && format_.sample == SampleType::F32) {
    return halve_real<float>(src, dst, geometry_.width, format_.channels());
  }
  if (format_.sample == SampleType::U16) {
    return resample_real<std::uint16_t>(src, dst, weights_->across_real, weights_->down_real);
  }
  if (format_.sample == SampleType::F32) {
    return resample_real<float>(src, dst, weights_->across_real, weights_->down_real);
  }
  if (halve_) {
    detail::parallel_rows(
        out.height(), halving_strip_rows(out.height(), detail::strip_rows(window.row_bytes())),
        [&](int from, int to) {
          const int end = dst.first() + to;
          for (int y = dst.first() + from; y < end; ++y) {
            const bool next = y + 1 < end;
            simd::halve_row(src.row(2 * y), src.row(2 * y + 1), dst.row(y), geometry_.width,
                            format_.channels(), next ? src.row(2 * y + 2) : nullptr,
                            next ? src.row(2 * y + 3) : nullptr);
          }
        });
    return;
  }
  if (kernel_ == ResizeKernel::Lanczos3) {
    resample_pillow(src, src_width_, dst, weights_->across, weights_->across_padded, weights_->down,
                    22);
  } else {
    resample_opencv(src, dst, weights_->across, weights_->down, 11);
  }
}

void resize(ImageView src, MutableImageView dst, ResizeKernel kernel) {
  if (src.empty()) detail::fail("resize", "the input image is empty");
  if (dst.empty() || dst.format() != src.format()) {
    detail::fail("resize", fmt::format("the destination must be a {} image", src.format().name()));
  }
  detail::require_no_overlap("resize", src, dst);
  detail::require_samples("resize", src);
  RowResizer(src.width(), src.height(), dst.width(), dst.height(), src.format(), kernel)
      .run(src, 0, dst, 0);
}

Image resize(ImageView src, const ResizeTarget& target, ResizeKernel kernel,
             AllocationOptions options, std::source_location site) {
  if (src.empty()) detail::fail("resize", "the input image is empty");
  const ResizeGeometry geometry = resize_geometry(target, src.width(), src.height());
  detail::require_samples("resize", src);
  Image out =
      detail::new_output("resize", geometry.width, geometry.height, src.format(), options, site);
  RowResizer(src.width(), src.height(), geometry, src.format(), kernel)
      .run(src, 0, out.mutable_view(), 0);
  return out;
}

}  // namespace tessera::ops
