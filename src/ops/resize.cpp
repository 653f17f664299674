// Resize: separable resampling, rows of output in strips on all cores.

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>

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

FixedAxis to_fixed(const detail::AxisWeights& axis, int bits) {
  FixedAxis fixed{axis.taps, axis.first, {}};
  fixed.weights.reserve(axis.weights.size());
  const double one = static_cast<double>(1 << bits);
  for (double w : axis.weights) {
    // Half away from zero, as Pillow's normalize_coeffs_8bpc.
    fixed.weights.push_back(
        static_cast<std::int32_t>(w < 0 ? std::trunc(w * one - 0.5) : std::trunc(w * one + 0.5)));
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
                     const FixedAxis& down, int bits, bool same_height) {
  const int channels = src.window.format().channels();
  // RGB is widened to 4 samples a pixel, so that a vector holds whole pixels.
  const int step = channels == 3 ? 4 : channels;
  const int out_width = dst.out.width();
  const std::size_t out_samples = static_cast<std::size_t>(out_width) * channels;
  const bool same_width = src_width == out_width;
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
      if (same_width) {  // Pillow skips the pass that does not change the size
        std::memcpy(out, in, out_samples);
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
      if (same_height) {
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

// The source index nearest-neighbour sampling takes for output index i of `out` (of `in`).
int nearest_index(int i, int in, int out) {
  return std::min(static_cast<int>(std::floor(i * (static_cast<double>(in) / out))), in - 1);
}

std::optional<double> number_in(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

ResizeTarget parse_resize_target(std::string_view text) {
  const auto bad = [&] {
    detail::fail("resize", fmt::format("size '{}' is not allowed: a factor (50%, 0.5), a size "
                                       "(800x600), a width (500x) or a height (x300)",
                                       text));
  };
  ResizeTarget target;
  if (text.ends_with('%')) {
    const auto percent = number_in(text.substr(0, text.size() - 1));
    if (!percent || *percent <= 0 || *percent > 10000) bad();
    target.scale = *percent / 100;
    return target;
  }
  const std::size_t x = text.find('x');
  if (x == std::string_view::npos) {
    const auto factor = number_in(text);
    if (!factor || *factor <= 0 || *factor > 100) bad();
    target.scale = *factor;
    return target;
  }
  const std::string_view width = text.substr(0, x);
  const std::string_view height = text.substr(x + 1);
  const auto w = width.empty() ? std::optional<double>(0) : number_in(width);
  const auto h = height.empty() ? std::optional<double>(0) : number_in(height);
  if (!w || !h || (*w == 0 && *h == 0) || *w < 0 || *h < 0 || *w > 1e6 || *h > 1e6 ||
      std::floor(*w) != *w || std::floor(*h) != *h) {
    bad();
  }
  target.width = static_cast<int>(*w);
  target.height = static_cast<int>(*h);
  return target;
}

std::array<int, 2> resize_output_size(const ResizeTarget& target, int width, int height) {
  auto at_least_one = [](double v) { return std::max(1, static_cast<int>(std::lround(v))); };
  if (target.scale > 0)
    return {at_least_one(width * target.scale), at_least_one(height * target.scale)};
  if (target.width == 0)
    return {at_least_one(static_cast<double>(width) * target.height / height), target.height};
  if (target.height == 0)
    return {target.width, at_least_one(static_cast<double>(height) * target.width / width)};
  if (target.fit == ResizeFit::Fill) return {target.width, target.height};
  const double sx = static_cast<double>(target.width) / width;
  const double sy = static_cast<double>(target.height) / height;
  const double s = target.fit == ResizeFit::Inside ? std::min(sx, sy) : std::max(sx, sy);
  return {at_least_one(width * s), at_least_one(height * s)};
}

struct RowResizer::Weights {
  FixedAxis across;
  PaddedAxis across_padded;  // lanczos3
  FixedAxis down;
  std::vector<int> columns;  // nearest: the source column of each output column
};

RowResizer::RowResizer(int src_width, int src_height, int dst_width, int dst_height,
                       PixelFormat format, ResizeKernel kernel)
    : src_width_(src_width),
      src_height_(src_height),
      dst_width_(dst_width),
      dst_height_(dst_height),
      format_(format),
      kernel_(kernel),
      weights_(std::make_shared<Weights>()) {
  if (src_width < 1 || src_height < 1 || dst_width < 1 || dst_height < 1) {
    detail::fail("resize", fmt::format("cannot resize {}x{} to {}x{}", src_width, src_height,
                                       dst_width, dst_height));
  }
  if (kernel == ResizeKernel::Nearest) {
    for (int x = 0; x < dst_width; ++x)
      weights_->columns.push_back(nearest_index(x, src_width, dst_width));
    return;
  }
  if (format.sample != SampleType::U8) {
    detail::fail("resize", fmt::format("needs 8-bit samples, got {} (convert with depth u8 "
                                       "first, or use kernel=nearest)",
                                       format.name()));
  }
  // Exactly half size: linear and area weights are then all 1/2 each way (cv::resize takes
  // the same shortcut), so a 2x2 mean gives the same result at a fraction of the cost.
  halve_ = kernel != ResizeKernel::Lanczos3 && kernel != ResizeKernel::Cubic &&
           src_width == 2 * dst_width && src_height == 2 * dst_height;
  if (halve_) return;
  const int bits = kernel == ResizeKernel::Lanczos3 ? 22 : 11;
  weights_->across = to_fixed(detail::axis_weights(kernel, src_width, dst_width), bits);
  weights_->down = to_fixed(detail::axis_weights(kernel, src_height, dst_height), bits);
  if (kernel == ResizeKernel::Lanczos3) weights_->across_padded = padded(weights_->across);
}

std::array<int, 2> RowResizer::source_rows(int first, int end) const {
  if (kernel_ == ResizeKernel::Nearest) {
    return {nearest_index(first, src_height_, dst_height_),
            nearest_index(end - 1, src_height_, dst_height_) + 1};
  }
  if (halve_) return {2 * first, 2 * end};
  const FixedAxis& down = weights_->down;
  return {down.first[first], down.first[end - 1] + down.taps};
}

void RowResizer::run(ImageView window, int window_top, MutableImageView out, int out_top) const {
  const SourceRows src{window, window_top};
  const OutputRows dst{out, out_top};
  if (kernel_ == ResizeKernel::Nearest) {
    const std::size_t pixel = format_.bytes_per_pixel();
    detail::parallel_rows(out.height(), 16, [&](int from, int to) {
      for (int y = dst.first() + from; y < dst.first() + to; ++y) {
        const std::byte* in = src.bytes(nearest_index(y, src_height_, dst_height_));
        std::byte* row = dst.bytes(y);
        for (int x = 0; x < dst_width_; ++x)
          std::memcpy(row + x * pixel, in + weights_->columns[x] * pixel, pixel);
      }
    });
    return;
  }
  if (halve_) {
    detail::parallel_rows(out.height(), detail::strip_rows(window.row_bytes()),
                          [&](int from, int to) {
                            for (int y = dst.first() + from; y < dst.first() + to; ++y) {
                              simd::halve_row(src.row(2 * y), src.row(2 * y + 1), dst.row(y),
                                              dst_width_, format_.channels());
                            }
                          });
    return;
  }
  if (kernel_ == ResizeKernel::Lanczos3) {
    resample_pillow(src, src_width_, dst, weights_->across, weights_->across_padded, weights_->down,
                    22, src_height_ == dst_height_);
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
  if (kernel != ResizeKernel::Nearest) detail::require_u8("resize", src);
  RowResizer(src.width(), src.height(), dst.width(), dst.height(), src.format(), kernel)
      .run(src, 0, dst, 0);
}

Image resize(ImageView src, const ResizeTarget& target, ResizeKernel kernel,
             AllocationOptions options, std::source_location site) {
  if (src.empty()) detail::fail("resize", "the input image is empty");
  const auto [width, height] = resize_output_size(target, src.width(), src.height());
  Image out = detail::new_output("resize", width, height, src.format(), options, site);
  resize(src, out.mutable_view(), kernel);
  return out;
}

}  // namespace tessera::ops
