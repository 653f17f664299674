// Sobel derivatives and Canny edges.

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <mutex>

#include "ops/descriptors.h"
#include "ops/separable.h"
#include "ops/simd/canny_rows.h"
#include "ops/simd/lookup_rows.h"
#include "ops/simd/weighted_rows.h"
#include "tessera/ops/filters.h"

namespace tessera::ops {
namespace {

using detail::Border;

const ParamSpec kDx{.name = "dx",
                    .kind = ParamKind::Integer,
                    .default_value = "1",
                    .min = 0,
                    .max = 2,
                    .doc = "order of the derivative across"};
const ParamSpec kDy{.name = "dy",
                    .kind = ParamKind::Integer,
                    .default_value = "0",
                    .min = 0,
                    .max = 2,
                    .doc = "order of the derivative down"};
const ParamSpec kSobelSize{.name = "ksize",
                           .kind = ParamKind::Integer,
                           .default_value = "3",
                           .min = 3,
                           .max = 5,
                           .odd = true,
                           .doc = "3 or 5"};
const ParamSpec kLow{.name = "low",
                     .kind = ParamKind::Number,
                     .min = 0,
                     .max = 10000,
                     .doc = "edges continue while the gradient stays above it"};
const ParamSpec kHigh{.name = "high",
                      .kind = ParamKind::Number,
                      .min = 0,
                      .max = 10000,
                      .doc = "edges start where the gradient is above it (>= low)"};
const ParamSpec kAperture{.name = "aperture",
                          .kind = ParamKind::Integer,
                          .default_value = "3",
                          .min = 3,
                          .max = 5,
                          .odd = true,
                          .doc = "Sobel size, 3 or 5"};
const ParamSpec kNorm{.name = "norm",
                      .kind = ParamKind::Choice,
                      .default_value = "l1",
                      .choices = "l1|l2",
                      .doc = "gradient magnitude |dx|+|dy| or its L2 norm"};

// cv::getDerivKernels for sizes 3 and 5: smoothing (order 0) or derivatives (order 1, 2).
std::vector<std::int16_t> derivative_kernel(int order, int ksize) {
  if (ksize == 3) {
    static const std::vector<std::int16_t> kernels[] = {{1, 2, 1}, {-1, 0, 1}, {1, -2, 1}};
    return kernels[order];
  }
  static const std::vector<std::int16_t> kernels[] = {
      {1, 4, 6, 4, 1}, {-1, -2, 0, 2, 1}, {1, 0, -2, 0, 1}};
  return kernels[order];
}

void check_sobel(int dx, int dy, int ksize) {
  check_parameter("sobel", kDx, dx);
  check_parameter("sobel", kDy, dy);
  check_parameter("sobel", kSobelSize, ksize);
  if (dx == 0 && dy == 0) detail::fail("sobel", "dx and dy are both 0: one must be 1 or 2");
}

void check_canny(double low, double high, int aperture) {
  check_parameter("canny", kLow, low);
  check_parameter("canny", kHigh, high);
  check_parameter("canny", kAperture, aperture);
  if (low > high) {
    detail::fail("canny", fmt::format("low {} is above high {}: low must be <= high (e.g. canny "
                                      "{} {})",
                                      low, high, high, low));
  }
}

// One correlation for derivative_rows: `across` then `down`, into `out`.
struct Derivative {
  const std::vector<std::int16_t>& across;
  const std::vector<std::int16_t>& down;
  std::int16_t* out;
};

// Derivative rows of a strip: for rows first..end-1 of a u8 image, each correlation (all of one
// kernel size) into its out (samples values per row). Each input row is padded once for all of
// them. Every kernel here keeps the sums within 16 bits (at most 16 * 6 * 255 in magnitude), as
// OpenCV's CV_16S does.
void derivative_rows(ImageView src, int first, int end,
                     std::initializer_list<Derivative> derivatives, Border border) {
  const int width = src.width();
  const int size = static_cast<int>(derivatives.begin()->across.size());
  const int radius = size / 2;
  const int channels = src.format().channels();
  const std::size_t samples = static_cast<std::size_t>(width) * channels;
  std::vector<std::uint8_t> padded(static_cast<std::size_t>(width + 2 * radius) * channels);
  const int rows = end - first + 2 * radius;
  const std::size_t plane = rows * samples;
  std::vector<std::int16_t> across(derivatives.size() * plane);
  for (int r = 0; r < rows; ++r) {
    detail::pad_row(src, detail::border_index(border, first - radius + r, src.height()), radius,
                    border, padded.data());
    std::int16_t* row = across.data() + r * samples;
    for (const Derivative& derivative : derivatives) {
      simd::weighted_row(padded.data(), channels, derivative.across.data(), size, row, samples);
      row += plane;
    }
  }
  std::vector<const std::int16_t*> window(size);
  const std::int16_t* sums = across.data();
  for (const Derivative& derivative : derivatives) {
    for (int y = first; y < end; ++y) {
      for (int k = 0; k < size; ++k) window[k] = sums + (y - first + k) * samples;
      simd::weighted_column(window.data(), derivative.down.data(), size,
                            derivative.out + (y - first) * samples, samples);
    }
    sums += plane;
  }
}

}  // namespace

void sobel(ImageView src, MutableImageView dst, int dx, int dy, int ksize) {
  check_sobel(dx, dy, ksize);
  detail::require_filter_arguments("sobel", src, dst);
  const std::vector<std::int16_t> kx = derivative_kernel(dx, ksize);
  const std::vector<std::int16_t> ky = derivative_kernel(dy, ksize);
  const std::size_t samples = static_cast<std::size_t>(src.width()) * src.format().channels();
  detail::parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
    std::vector<std::int16_t> values((end - first) * samples);
    derivative_rows(src, first, end, {{kx, ky, values.data()}}, Border::Reflect101);
    for (int y = first; y < end; ++y) {
      simd::absolute_u8(values.data() + (y - first) * samples, dst.row<std::uint8_t>(y), samples);
    }
  });
}

Image sobel(ImageView src, int dx, int dy, int ksize, AllocationOptions options,
            std::source_location site) {
  return detail::into_new("sobel", src, src.format(), options, site,
                          [&](MutableImageView dst) { sobel(src, dst, dx, dy, ksize); });
}

// The edge map's states and the suppression of one row.
using simd::kCandidate;
using simd::kEdge;
using simd::kNotEdge;

namespace {

// Canny's edge map after hysteresis: a (width + 2) x (height + 2) image whose interior holds
// kEdge, kCandidate or kNotEdge per pixel, framed by kNotEdge. Allocated with `options` at
// `site`: it is the one whole-image buffer Canny needs (hysteresis follows edges anywhere).
Image edge_map(ImageView src, double low, double high, int aperture, GradientNorm norm,
               AllocationOptions options, const std::source_location& site) {
  const int width = src.width();
  const int height = src.height();
  // Thresholds as cv::Canny takes them: squared for the L2 norm, then floored.
  double low_threshold = low, high_threshold = high;
  if (norm == GradientNorm::L2) {
    low_threshold = std::min(32767.0, low_threshold);
    high_threshold = std::min(32767.0, high_threshold);
    if (low_threshold > 0) low_threshold *= low_threshold;
    if (high_threshold > 0) high_threshold *= high_threshold;
  }
  // (At most 32767^2: magnitudes and levels compare in 32 bits.)
  const auto low_level = static_cast<std::int32_t>(std::floor(low_threshold));
  const auto high_level = static_cast<std::int32_t>(std::floor(high_threshold));

  const int map_stride = width + 2;
  Image map_image =
      detail::new_output("canny", map_stride, height + 2, PixelFormat::gray8(), options, site);
  auto map = [&](int y) { return map_image.mutable_view().row<std::uint8_t>(y + 1) + 1; };
  std::memset(map(-1) - 1, kNotEdge, map_stride);
  std::memset(map(height) - 1, kNotEdge, map_stride);

  // Strong pixels found by each strip: the seeds hysteresis grows edges from.
  std::mutex merging;
  std::vector<std::uint8_t*> stack;
  const std::vector<std::int16_t> smooth = derivative_kernel(0, aperture);
  const std::vector<std::int16_t> derive = derivative_kernel(1, aperture);
  detail::parallel_rows(
      height, detail::strip_rows(static_cast<std::size_t>(width) * 8), [&](int first, int end) {
        // Gradients of rows first-1..end (one row more each side for the 3x3 maximum test).
        const int from = std::max(first - 1, 0);
        const int to = std::min(end + 1, height);
        const std::size_t rows = to - from;
        std::vector<std::int16_t> gx(rows * width), gy(rows * width);
        derivative_rows(src, from, to, {{derive, smooth, gx.data()}, {smooth, derive, gy.data()}},
                        Border::Replicate);
        // Magnitudes with a zero frame: rows outside the image and columns -1 and width are 0.
        const std::size_t mag_stride = width + 2;
        std::vector<std::uint8_t*> strong;
        // (int32 holds both norms: at most 2 * 24480^2 for aperture 5 with L2.)
        std::vector<std::int32_t> magnitude((end - first + 2) * mag_stride, 0);
        for (int y = first - 1; y <= end; ++y) {
          if (y < 0 || y >= height) continue;
          const std::size_t offset = static_cast<std::size_t>(y - from) * width;
          simd::gradient_magnitude(gx.data() + offset, gy.data() + offset, norm == GradientNorm::L2,
                                   magnitude.data() + (y - first + 1) * mag_stride + 1, width);
        }
        for (int y = first; y < end; ++y) {
          const std::int32_t* above = magnitude.data() + (y - first) * mag_stride + 1;
          const std::int32_t* here = above + mag_stride;
          const std::int32_t* below = here + mag_stride;
          const std::int16_t* ix = gx.data() + static_cast<std::size_t>(y - from) * width;
          const std::int16_t* iy = gy.data() + static_cast<std::size_t>(y - from) * width;
          simd::suppress_row({above, here, below, ix, iy, width, low_level, high_level}, map(y),
                             strong);
        }
        const std::lock_guard lock(merging);
        stack.insert(stack.end(), strong.begin(), strong.end());
      });

  // Hysteresis: grow edges from the strong pixels into connected candidates (8-neighbours).
  const std::ptrdiff_t step = map_image.stride();
  const std::ptrdiff_t neighbours[8] = {-step - 1, -step,    -step + 1, -1,
                                        1,         step - 1, step,      step + 1};
  while (!stack.empty()) {
    std::uint8_t* pixel = stack.back();
    stack.pop_back();
    for (const std::ptrdiff_t offset : neighbours) {
      if (pixel[offset] == kCandidate) {
        pixel[offset] = kEdge;
        stack.push_back(pixel + offset);
      }
    }
  }
  return map_image;
}

// out = 255 where the map says kEdge, else 0 (in == out is allowed).
void edges_from_map(ImageView map, MutableImageView out) {
  std::array<std::uint8_t, 256> levels{};
  levels[kEdge] = 255;
  detail::parallel_rows(out.height(), detail::strip_rows(out.row_bytes()), [&](int first, int end) {
    for (int y = first; y < end; ++y) {
      simd::lookup_row(map.row<std::uint8_t>(y), out.row<std::uint8_t>(y), out.width(),
                       levels.data());
    }
  });
}

}  // namespace

void canny(ImageView src, MutableImageView dst, double low, double high, int aperture,
           GradientNorm norm) {
  check_canny(low, high, aperture);
  detail::require_gray("canny", src);
  detail::require_destination("canny", dst, src.width(), src.height(), src.format());
  const Image map = edge_map(src, low, high, aperture, norm, {}, std::source_location::current());
  edges_from_map(map.view().subview({1, 1, src.width(), src.height()}), dst);
}

Image canny(ImageView src, double low, double high, int aperture, GradientNorm norm,
            AllocationOptions options, std::source_location site) {
  check_canny(low, high, aperture);
  detail::require_gray("canny", src);
  // The edges are written over the map's interior and returned as a region of it: one
  // whole-image buffer instead of two.
  const Image map = edge_map(src, low, high, aperture, norm, options, site);
  const Rect interior{1, 1, src.width(), src.height()};
  edges_from_map(map.view().subview(interior), map.mutable_view().subview(interior));
  return map.region(interior, site);
}

namespace detail {

std::vector<OpDescriptor> edge_ops() {
  return {
      {.name = "sobel",
       .doc = "|derivative| saturated to 8 bits (OpenCV Sobel to CV_16S, then convertScaleAbs)",
       .params = {kDx, kDy, kSobelSize},
       .access = Access::Neighbourhood,
       .rows_around = [](const OpArguments& args) -> std::optional<int> {
         return args.integer("ksize") / 2;
       },
       .apply =
           [](ImageView src, const OpArguments& args) {
             return sobel(src, args.integer("dx"), args.integer("dy"), args.integer("ksize"));
           },
       .check =
           [](const OpArguments& args) {
             check_sobel(args.integer("dx"), args.integer("dy"), args.integer("ksize"));
           }},
      {.name = "canny",
       .doc = "Canny edges of a gray image as 0/255 (OpenCV Canny); needs `gray` before it",
       .params = {kLow, kHigh, kAperture, kNorm},
       .access = Access::WholeImage,
       .apply =
           [](ImageView src, const OpArguments& args) {
             return canny(src, args.number("low"), args.number("high"), args.integer("aperture"),
                          args.text("norm") == "l2" ? GradientNorm::L2 : GradientNorm::L1);
           },
       .check =
           [](const OpArguments& args) {
             check_canny(args.number("low"), args.number("high"), args.integer("aperture"));
           }},
  };
}

}  // namespace detail
}  // namespace tessera::ops
