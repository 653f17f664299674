// Sobel derivatives and Canny edges.

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <vector>

#include "ops/canny_map.h"
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
// Rows of an image of `height` rows, of which `window` holds rows top .. top + window.height() - 1.
struct RowWindow {
  ImageView window;
  int top = 0;
  int height = 0;
};

void derivative_rows(const RowWindow& src, int first, int end,
                     std::initializer_list<Derivative> derivatives, Border border) {
  const int width = src.window.width();
  const int size = static_cast<int>(derivatives.begin()->across.size());
  const int radius = size / 2;
  const int channels = src.window.format().channels();
  const std::size_t samples = static_cast<std::size_t>(width) * channels;
  // Scratch for the padded row ends (whole rows when narrow); the sums are all written before
  // they are read, so nothing is initialised.
  const auto edge = std::make_unique_for_overwrite<std::uint8_t[]>(
      static_cast<std::size_t>(3 * radius + 1) * channels);
  const auto whole = std::make_unique_for_overwrite<std::uint8_t[]>(
      static_cast<std::size_t>(width + 2 * radius) * channels);
  const int rows = end - first + 2 * radius;
  const std::size_t plane = rows * samples;
  const auto across = std::make_unique_for_overwrite<std::int16_t[]>(derivatives.size() * plane);
  for (int r = 0; r < rows; ++r) {
    const int y = detail::border_index(border, first - radius + r, src.height);
    std::int16_t* const row = across.get() + r * samples;
    detail::for_row_padded(src.window, y - src.top, radius, border, edge.get(), whole.get(),
                           [&](const std::uint8_t* in, int first_pixel, int pixels) {
                             std::int16_t* out = row + first_pixel * channels;
                             for (const Derivative& derivative : derivatives) {
                               simd::weighted_row(in, channels, derivative.across.data(), size, out,
                                                  static_cast<std::size_t>(pixels) * channels);
                               out += plane;
                             }
                           });
  }
  std::vector<const std::int16_t*> window(size);
  const std::int16_t* sums = across.get();
  for (const Derivative& derivative : derivatives) {
    for (int y = first; y < end; ++y) {
      for (int k = 0; k < size; ++k) window[k] = sums + (y - first + k) * samples;
      simd::weighted_column(window.data(), derivative.down.data(), size,
                            derivative.out + (y - first) * samples, samples);
    }
    sums += plane;
  }
}

// Sobel 3x3 gradients of rows [from, to) of a gray image, borders replicated (cv::Canny's
// aperture 3), in one pass: each input row is padded once and read by three output rows.
void sobel3_rows(const RowWindow& src, int from, int to, std::int16_t* gx, std::int16_t* gy) {
  const int width = src.window.width();
  const std::size_t padded_width = static_cast<std::size_t>(width) + 2;
  const int rows = to - from + 2;  // input rows from-1 .. to
  const auto padded = std::make_unique_for_overwrite<std::uint8_t[]>(rows * padded_width);
  for (int r = 0; r < rows; ++r) {
    const int y = detail::border_index(Border::Replicate, from - 1 + r, src.height);
    detail::pad_row(src.window, y - src.top, 1, Border::Replicate, padded.get() + r * padded_width);
  }
  for (int y = from; y < to; ++y) {
    const std::uint8_t* above = padded.get() + (y - from) * padded_width + 1;
    const std::size_t offset = static_cast<std::size_t>(y - from) * width;
    simd::sobel3_row(above, above + padded_width, above + 2 * padded_width, width, gx + offset,
                     gy + offset);
  }
}

}  // namespace

// u16 and f32: the derivative in float (exact on u16: every sum stays below 2^24) and its
// magnitude in the input's own type, as cv::Sobel to CV_32F then cv::abs and a conversion back
// (u16 saturated at 65535; f32 as is). Float vectors across and down.
template <typename Sample>
void sobel_real(ImageView src, MutableImageView dst, const std::vector<std::int16_t>& kx,
                const std::vector<std::int16_t>& ky) {
  const int taps = static_cast<int>(kx.size());
  const int channels = src.format().channels();
  const std::vector<float> across(kx.begin(), kx.end());
  const std::vector<float> down(ky.begin(), ky.end());
  detail::separable_pass<float, Sample>(
      src, taps / 2, taps / 2, Border::Reflect101,
      [&](const Sample* padded, float* out, int samples) {
        simd::weighted_row(padded, channels, across.data(), taps, out,
                           static_cast<std::size_t>(samples));
      },
      [&](const float* const* rows, int y, int samples, float* sums) {
        simd::weighted_column(rows, down.data(), taps, sums, static_cast<std::size_t>(samples));
        Sample* out = dst.row<Sample>(y);
        for (int i = 0; i < samples; ++i) {
          if constexpr (std::is_same_v<Sample, float>) {
            out[i] = std::fabs(sums[i]);
          } else {
            out[i] = static_cast<Sample>(std::min(std::fabs(sums[i]), 65535.0f));
          }
        }
      });
}

void sobel(ImageView src, MutableImageView dst, int dx, int dy, int ksize) {
  check_sobel(dx, dy, ksize);
  detail::require_filter_arguments("sobel", src, dst);
  const std::vector<std::int16_t> kx = derivative_kernel(dx, ksize);
  const std::vector<std::int16_t> ky = derivative_kernel(dy, ksize);
  if (src.format().sample == SampleType::U16) return sobel_real<std::uint16_t>(src, dst, kx, ky);
  if (src.format().sample == SampleType::F32) return sobel_real<float>(src, dst, kx, ky);
  const std::size_t samples = static_cast<std::size_t>(src.width()) * src.format().channels();
  detail::parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
    std::vector<std::int16_t> values((end - first) * samples);
    derivative_rows({src, 0, src.height()}, first, end, {{kx, ky, values.data()}},
                    Border::Reflect101);
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
using simd::kGrown;
using simd::kNotEdge;

namespace {

// out = 255 where the map says kEdge or kGrown, else 0 (in == out is allowed).
void edges_from_map(ImageView map, MutableImageView out) {
  std::array<std::uint8_t, 256> levels{};
  levels[kEdge] = 255;
  levels[kGrown] = 255;
  detail::parallel_rows(out.height(), detail::strip_rows(out.row_bytes()), [&](int first, int end) {
    for (int y = first; y < end; ++y) {
      simd::lookup_row(map.row<std::uint8_t>(y), out.row<std::uint8_t>(y), out.width(),
                       levels.data());
    }
  });
}

}  // namespace

namespace detail {

CannyMap::CannyMap(int width, int height, double low, double high, int aperture, GradientNorm norm,
                   AllocationOptions options, const std::source_location& site)
    : width_(width),
      height_(height),
      l2_(norm == GradientNorm::L2),
      smooth_(derivative_kernel(0, aperture)),
      derive_(derivative_kernel(1, aperture)) {
  // Thresholds as cv::Canny takes them: squared for the L2 norm, then floored.
  double low_threshold = low, high_threshold = high;
  if (l2_) {
    low_threshold = std::min(32767.0, low_threshold);
    high_threshold = std::min(32767.0, high_threshold);
    if (low_threshold > 0) low_threshold *= low_threshold;
    if (high_threshold > 0) high_threshold *= high_threshold;
  }
  // (At most 32767^2: magnitudes and levels compare in 32 bits.)
  low_ = static_cast<std::int32_t>(std::floor(low_threshold));
  high_ = static_cast<std::int32_t>(std::floor(high_threshold));
  map_ = new_output("canny", width + 2, height + 2, PixelFormat::gray8(), options, site);
  std::memset(map(-1) - 1, kNotEdge, width + 2);
  std::memset(map(height) - 1, kNotEdge, width + 2);
}

std::uint8_t* CannyMap::map(int y) { return map_.mutable_view().row<std::uint8_t>(y + 1) + 1; }

int CannyMap::rows_around() const { return 1 + static_cast<int>(smooth_.size()) / 2; }

void CannyMap::suppress(ImageView window, int window_top, int first, int end) {
  const RowWindow source{window, window_top, height_};
  const int width = width_;
  const int height = height_;
  // Strips of a few dozen rows: each recomputes the gradients of the row above and below it.
  parallel_rows(end - first, strip_rows(static_cast<std::size_t>(width)), [&](int from_, int to_) {
    const int band_first = first + from_;
    const int band_end = first + to_;
    // Gradients of rows band_first-1 .. band_end (one row more each side for the 3x3 test).
    // The buffers are left uninitialised: every sample is written before it is read.
    const int from = std::max(band_first - 1, 0);
    const int to = std::min(band_end + 1, height);
    const std::size_t rows = to - from;
    const auto gx = std::make_unique_for_overwrite<std::int16_t[]>(rows * width);
    const auto gy = std::make_unique_for_overwrite<std::int16_t[]>(rows * width);
    if (smooth_.size() == 3) {
      sobel3_rows(source, from, to, gx.get(), gy.get());
    } else {
      derivative_rows(source, from, to,
                      {{derive_, smooth_, gx.get()}, {smooth_, derive_, gy.get()}},
                      Border::Replicate);
    }
    // Magnitudes with a zero frame: rows outside the image and columns -1 and width are 0.
    // (int32 holds both norms: at most 2 * 24480^2 for aperture 5 with L2.)
    const std::size_t mag_stride = width + 2;
    const auto magnitude =
        std::make_unique_for_overwrite<std::int32_t[]>((band_end - band_first + 2) * mag_stride);
    for (int y = band_first - 1; y <= band_end; ++y) {
      std::int32_t* row = magnitude.get() + (y - band_first + 1) * mag_stride;
      if (y < 0 || y >= height) {
        std::fill(row, row + mag_stride, 0);
        continue;
      }
      row[0] = 0;
      row[width + 1] = 0;
      const std::size_t offset = static_cast<std::size_t>(y - from) * width;
      simd::gradient_magnitude(gx.get() + offset, gy.get() + offset, l2_, row + 1, width);
    }
    for (int y = band_first; y < band_end; ++y) {
      const std::int32_t* above = magnitude.get() + (y - band_first) * mag_stride + 1;
      const std::int32_t* here = above + mag_stride;
      const std::int32_t* below = here + mag_stride;
      const std::int16_t* ix = gx.get() + static_cast<std::size_t>(y - from) * width;
      const std::int16_t* iy = gy.get() + static_cast<std::size_t>(y - from) * width;
      simd::suppress_row({above, here, below, ix, iy, width, low_, high_}, map(y));
    }
  });
}

namespace {

// Whether any of the 3 bytes at `bytes` is kCandidate (zero): the classic zero-byte test on a
// word whose fourth byte is forced non-zero.
bool has_candidate_in_3(const std::uint8_t* bytes) {
  static_assert(kCandidate == 0, "the test looks for zero bytes");
  std::uint32_t word;
  std::memcpy(&word, bytes, sizeof word);
  word |= 0xFF000000u;
  return ((word - 0x01010101u) & ~word & 0x80808080u) != 0;
}

}  // namespace

Image CannyMap::finish() {
  // Hysteresis: grow edges from every strong pixel (kEdge after suppression) into the connected
  // candidates (8-neighbours), marking them kGrown. The strong pixels are found by scanning the
  // map rather than listed during suppression: which candidates are reached does not depend on
  // the order, and the list (one pointer per strong pixel, grown and copied) cost more than the
  // scan. Grown pixels are not kEdge, so the scan never starts from them again.
  //
  // Stripes of rows grow at once on all cores, each only within its own rows: a neighbour in
  // another stripe's rows is not even read (that stripe may be writing it) but kept, and after
  // the stripes are done the kept pixels that are still candidates are grown from, one thread,
  // across the whole map. The result is the same: every candidate connected to a strong pixel.
  const std::ptrdiff_t step = map_.stride();
  const std::ptrdiff_t neighbours[8] = {-step - 1, -step,    -step + 1, -1,
                                        1,         step - 1, step,      step + 1};
  // Grows from `seed` (already an edge) through candidates in [low, high) of memory, keeping
  // the neighbours outside that range in `crossings`.
  const auto grow_from = [&](std::uint8_t* seed, const std::uint8_t* low, const std::uint8_t* high,
                             std::vector<std::uint8_t*>& growing,
                             std::vector<std::uint8_t*>& crossings) {
    growing.push_back(seed);
    while (!growing.empty()) {
      std::uint8_t* pixel = growing.back();
      growing.pop_back();
      // Most pixels have no candidate around them: three 4-byte loads say so without eight
      // unpredictable branches. (Only where the loads stay inside [low, high).)
      if (pixel - step - 1 >= low && pixel + step + 3 <= high &&
          !has_candidate_in_3(pixel - step - 1) && !has_candidate_in_3(pixel - 1) &&
          !has_candidate_in_3(pixel + step - 1)) {
        continue;
      }
      for (const std::ptrdiff_t offset : neighbours) {
        std::uint8_t* next = pixel + offset;
        if (next < low || next >= high) {
          crossings.push_back(next);
        } else if (*next == kCandidate) {
          *next = kGrown;
          growing.push_back(next);
        }
      }
    }
  };
  std::mutex merging;
  std::vector<std::uint8_t*> crossings;
  // Stripes of at least 64 rows, so that few edges cross between them.
  parallel_rows(height_, std::max(64, strip_rows(static_cast<std::size_t>(width_))),
                [&](int first, int end) {
                  // The stripe's rows, frame columns included.
                  const std::uint8_t* low = map(first) - 1;
                  const std::uint8_t* high = map(end) - 1;
                  std::vector<std::uint8_t*> growing, kept;
                  for (int y = first; y < end; ++y) {
                    std::uint8_t* const row = map(y);
                    const auto width = static_cast<std::size_t>(width_);
                    for (std::size_t x = simd::next_edge(row, 0, width); x < width;
                         x = simd::next_edge(row, x + 1, width)) {
                      grow_from(row + x, low, high, growing, kept);
                    }
                  }
                  const std::lock_guard lock(merging);
                  crossings.insert(crossings.end(), kept.begin(), kept.end());
                });
  // Across the stripes, on this thread: the whole map (frame included) is in range.
  const std::uint8_t* const whole_low = map_.view().row<std::uint8_t>(0);
  const std::uint8_t* const whole_high =
      whole_low + static_cast<std::ptrdiff_t>(height_ + 2) * step;
  std::vector<std::uint8_t*> growing, outside;
  for (std::uint8_t* pixel : crossings) {
    if (*pixel != kCandidate) continue;
    *pixel = kGrown;
    grow_from(pixel, whole_low, whole_high, growing, outside);
  }
  // The edges are written over the map's interior and returned as a region of it: one
  // whole-image buffer instead of two.
  const Rect interior{1, 1, width_, height_};
  edges_from_map(map_.view().subview(interior), map_.mutable_view().subview(interior));
  return map_.region(interior);
}

}  // namespace detail

void canny(ImageView src, MutableImageView dst, double low, double high, int aperture,
           GradientNorm norm) {
  check_canny(low, high, aperture);
  detail::require_gray("canny", src);
  detail::require_destination("canny", dst, src.width(), src.height(), src.format());
  detail::CannyMap map(src.width(), src.height(), low, high, aperture, norm, {},
                       std::source_location::current());
  map.suppress(src, 0, 0, src.height());
  const Image edges = map.finish();
  for (int y = 0; y < src.height(); ++y) std::memcpy(dst.row(y), edges.row(y), dst.row_bytes());
}

Image canny(ImageView src, double low, double high, int aperture, GradientNorm norm,
            AllocationOptions options, std::source_location site) {
  check_canny(low, high, aperture);
  detail::require_gray("canny", src);
  detail::CannyMap map(src.width(), src.height(), low, high, aperture, norm, options, site);
  map.suppress(src, 0, 0, src.height());
  return map.finish();
}

namespace {

// canny, fed band by band by the pipeline.
class CannyConsumer final : public detail::RowConsumer {
 public:
  CannyConsumer(int width, int height, double low, double high, int aperture, GradientNorm norm)
      : width_(width), height_(height), low_(low), high_(high), aperture_(aperture), norm_(norm) {}
  int rows_around() const override { return 1 + aperture_ / 2; }
  void open() override {
    map_.emplace(width_, height_, low_, high_, aperture_, norm_, AllocationOptions{},
                 std::source_location::current());
  }
  void consume(ImageView window, int window_top, int first, int end) override {
    map_->suppress(window, window_top, first, end);
  }
  Image finish() override { return map_->finish(); }

 private:
  int width_, height_;
  double low_, high_;
  int aperture_;
  GradientNorm norm_;
  std::optional<detail::CannyMap> map_;
};

GradientNorm norm_of(const OpArguments& args) {
  return args.choice("norm") == "l2" ? GradientNorm::L2 : GradientNorm::L1;
}

}  // namespace

namespace detail {

std::vector<OpDescriptor> edge_ops() {
  return {
      {.name = "sobel",
       .doc = "|derivative| per channel, in the input's type: u8 as OpenCV's Sobel to CV_16S and "
              "convertScaleAbs, u16 (saturated) and f32 as Sobel to CV_32F and abs",
       .params = {kDx, kDy, kSobelSize},
       .access = Access::Neighbourhood,
       .apply =
           [](ImageView src, const OpArguments& args) {
             return sobel(src, args.integer("dx"), args.integer("dy"), args.integer("ksize"));
           },
       .check =
           [](const OpArguments& args) {
             check_sobel(args.integer("dx"), args.integer("dy"), args.integer("ksize"));
           },
       .streaming = make_hooks({.rows_around = [](const OpArguments& args) -> std::optional<int> {
         return args.integer("ksize") / 2;
       }}),
       .samples = SampleTypes::all()},
      {.name = "canny",
       .doc = "Canny edges of a gray image as 0/255 (OpenCV Canny); needs `gray` before it",
       .params = {kLow, kHigh, kAperture, kNorm},
       .access = Access::WholeImage,
       .apply =
           [](ImageView src, const OpArguments& args) {
             return canny(src, args.number("low"), args.number("high"), args.integer("aperture"),
                          norm_of(args));
           },
       .check =
           [](const OpArguments& args) {
             check_canny(args.number("low"), args.number("high"), args.integer("aperture"));
           },
       .streaming =
           make_hooks({.row_consumer = [](int width, int height, PixelFormat,
                                          const OpArguments& args) -> std::unique_ptr<RowConsumer> {
             return std::make_unique<CannyConsumer>(width, height, args.number("low"),
                                                    args.number("high"), args.integer("aperture"),
                                                    norm_of(args));
           }})},
  };
}

}  // namespace detail
}  // namespace tessera::ops
