// Resize: separable resampling, rows of output in strips on all cores.

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>

#include "ops/op_support.h"
#include "ops/resample_weights.h"
#include "ops/simd/halve.h"
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

// Pillow's scheme (lanczos3): across first, each row rounded to 8 bits, then down.
void resample_pillow(ImageView src, MutableImageView dst, const FixedAxis& across,
                     const FixedAxis& down, int bits) {
  const int channels = src.format().channels();
  const std::size_t out_samples = static_cast<std::size_t>(dst.width()) * channels;
  const bool same_width = src.width() == dst.width();
  const bool same_height = src.height() == dst.height();
  const std::int32_t half = std::int32_t{1} << (bits - 1);
  // Strips overlap by the vertical taps, which are resampled across once per strip: tall
  // strips keep that repeated work small.
  detail::parallel_rows(dst.height(), std::max(8, 4 * down.taps), [&](int first, int end) {
    // The input rows this strip reads, resampled across.
    const int low = down.first[first];
    const int high = down.first[end - 1] + down.taps;
    std::vector<std::uint8_t> rows((high - low) * out_samples);
    for (int y = low; y < high; ++y) {
      const std::uint8_t* in = src.row<std::uint8_t>(y);
      std::uint8_t* out = rows.data() + (y - low) * out_samples;
      if (same_width) {  // Pillow skips the pass that does not change the size
        std::memcpy(out, in, out_samples);
        continue;
      }
      for (int x = 0; x < dst.width(); ++x) {
        const std::uint8_t* taps = in + across.first[x] * channels;
        const std::int32_t* w = across.weights.data() + static_cast<std::size_t>(x) * across.taps;
        for (int c = 0; c < channels; ++c) {
          std::int32_t sum = half;
          for (int t = 0; t < across.taps; ++t) sum += w[t] * taps[t * channels + c];
          out[x * channels + c] = detail::saturate_u8(sum >> bits);
        }
      }
    }
    std::vector<const std::uint8_t*> window(down.taps);
    std::vector<std::int32_t> sums(out_samples);
    for (int y = first; y < end; ++y) {
      std::uint8_t* out = dst.row<std::uint8_t>(y);
      const std::uint8_t* top = rows.data() + (down.first[y] - low) * out_samples;
      if (same_height) {
        std::memcpy(out, top, out_samples);
        continue;
      }
      for (int t = 0; t < down.taps; ++t) window[t] = top + t * out_samples;
      simd::weighted_column(window.data(),
                            down.weights.data() + static_cast<std::size_t>(y) * down.taps,
                            down.taps, sums.data(), out_samples);
      for (std::size_t i = 0; i < out_samples; ++i)
        out[i] = detail::saturate_u8((sums[i] + half) >> bits);
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
void resample_opencv(ImageView src, MutableImageView dst, const FixedAxis& across,
                     const FixedAxis& down, int bits) {
  const int channels = src.format().channels();
  const std::size_t in_samples = static_cast<std::size_t>(src.width()) * channels;
  detail::parallel_rows(dst.height(), 8, [&](int first, int end) {
    std::vector<const std::uint8_t*> window(down.taps);
    std::vector<std::int32_t> column(in_samples);
    for (int y = first; y < end; ++y) {
      for (int t = 0; t < down.taps; ++t) window[t] = src.row<std::uint8_t>(down.first[y] + t);
      simd::weighted_column(window.data(),
                            down.weights.data() + static_cast<std::size_t>(y) * down.taps,
                            down.taps, column.data(), in_samples);
      std::uint8_t* out = dst.row<std::uint8_t>(y);
      switch (channels) {
        case 1:
          resample_across<1>(column.data(), across, dst.width(), bits, out);
          break;
        case 2:
          resample_across<2>(column.data(), across, dst.width(), bits, out);
          break;
        case 3:
          resample_across<3>(column.data(), across, dst.width(), bits, out);
          break;
        default:
          resample_across<4>(column.data(), across, dst.width(), bits, out);
          break;
      }
    }
  });
}

void resample(ImageView src, MutableImageView dst, ResizeKernel kernel) {
  const bool pillow = kernel == ResizeKernel::Lanczos3;
  // Exactly half size: linear and area weights are then all 1/2 each way (cv::resize takes
  // the same shortcut), so a 2x2 mean gives the same result at a fraction of the cost.
  if (!pillow && kernel != ResizeKernel::Cubic && src.width() == 2 * dst.width() &&
      src.height() == 2 * dst.height()) {
    detail::parallel_rows(
        dst.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
          for (int y = first; y < end; ++y) {
            simd::halve_row(src.row<std::uint8_t>(2 * y), src.row<std::uint8_t>(2 * y + 1),
                            dst.row<std::uint8_t>(y), dst.width(), src.format().channels());
          }
        });
    return;
  }
  const int bits = pillow ? 22 : 11;
  const FixedAxis across = to_fixed(detail::axis_weights(kernel, src.width(), dst.width()), bits);
  const FixedAxis down = to_fixed(detail::axis_weights(kernel, src.height(), dst.height()), bits);
  if (pillow) {
    resample_pillow(src, dst, across, down, bits);
  } else {
    resample_opencv(src, dst, across, down, bits);
  }
}

void resample_nearest(ImageView src, MutableImageView dst) {
  const std::size_t pixel = src.format().bytes_per_pixel();
  std::vector<int> columns(dst.width());
  for (int x = 0; x < dst.width(); ++x) {
    columns[x] =
        std::min(static_cast<int>(std::floor(x * (static_cast<double>(src.width()) / dst.width()))),
                 src.width() - 1);
  }
  detail::parallel_rows(dst.height(), 16, [&](int first, int end) {
    for (int y = first; y < end; ++y) {
      const int sy = std::min(
          static_cast<int>(std::floor(y * (static_cast<double>(src.height()) / dst.height()))),
          src.height() - 1);
      const std::byte* in = src.row(sy);
      std::byte* out = dst.row(y);
      for (int x = 0; x < dst.width(); ++x)
        std::memcpy(out + x * pixel, in + columns[x] * pixel, pixel);
    }
  });
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

void resize(ImageView src, MutableImageView dst, ResizeKernel kernel) {
  if (src.empty()) detail::fail("resize", "the input image is empty");
  if (dst.empty() || dst.format() != src.format()) {
    detail::fail("resize", fmt::format("the destination must be a {} image", src.format().name()));
  }
  detail::require_no_overlap("resize", src, dst);
  if (kernel == ResizeKernel::Nearest) return resample_nearest(src, dst);
  detail::require_u8("resize", src);
  resample(src, dst, kernel);
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
