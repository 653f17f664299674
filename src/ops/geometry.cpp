// Crop, flip, rotate and pad; and the descriptors of every geometry op (resize included).

#include "tessera/ops/geometry.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <type_traits>

#include "ops/descriptors.h"
#include "ops/op_support.h"
#include "ops/simd/bilinear_rows.h"

namespace tessera::ops {
namespace {

const ParamSpec kCropRect{.name = "rect",
                          .kind = ParamKind::Rectangle,
                          .doc = "x,y,width,height in pixels, e.g. 100,100,800,600"};
const ParamSpec kFlipAxis{.name = "axis",
                          .kind = ParamKind::Choice,
                          .default_value = "h",
                          .choices = "h|v|both",
                          .doc = "h mirrors left-right, v top-bottom"};
const ParamSpec kAngle{.name = "angle",
                       .kind = ParamKind::Number,
                       .min = -360,
                       .max = 360,
                       .doc = "degrees clockwise; multiples of 90 are exact"};
// Any number is taken and clamped to 0..255 when drawn (background_pixel), as it always was.
const ParamSpec kBackground{.name = "background",
                            .kind = ParamKind::Colour,
                            .default_value = "0,0,0,255",
                            .min = std::numeric_limits<double>::lowest(),
                            .max = std::numeric_limits<double>::max(),
                            .doc = "colour of new pixels: v, r,g,b or r,g,b,a (0..255)",
                            .alpha = true};

const ParamSpec kExpand{.name = "expand",
                        .kind = ParamKind::Choice,
                        .default_value = "yes",
                        .choices = "yes|no",
                        .doc = "grow the canvas to hold the whole image"};
const ParamSpec kResizeSize{.name = "size", .kind = ParamKind::Size, .doc = "the output's size"};
const ParamSpec kResizeKernel{.name = "kernel",
                              .kind = ParamKind::Choice,
                              .default_value = "lanczos3",
                              .choices = "nearest|linear|area|cubic|lanczos3",
                              .doc = "interpolation"};
const ParamSpec kResizeFit{
    .name = "fit",
    .kind = ParamKind::Choice,
    .default_value = "fill",
    .choices = "fill|inside|cover",
    .doc = "for WxH: exact, fit inside, or cover and crop the centre (aspect kept)"};
const ParamSpec kPadding{.name = "sides",
                         .kind = ParamKind::Sides,
                         .min = 0,
                         .max = 100000,
                         .doc = "all, or top,right,bottom,left in pixels (like CSS)"};

// A colour as written (v, r,g,b or r,g,b,a; checked when bound) as the four values drawn.
Background background_of(const Colour& colour) {
  const std::vector<double>& v = colour.values;
  if (v.size() == 1) return {v[0], v[0], v[0], 255};
  if (v.size() == 3) return {v[0], v[1], v[2], 255};
  return {v[0], v[1], v[2], v[3]};
}

// One pixel of `background` in `format`.
std::vector<std::byte> background_pixel(const Background& colour, PixelFormat format) {
  std::vector<std::byte> pixel(format.bytes_per_pixel());
  const int channels = format.channels();
  for (int c = 0; c < channels; ++c) {
    const bool alpha = format.has_alpha() && c == channels - 1;
    const double unit = std::clamp((alpha ? colour[3] : colour[c]) / 255.0, 0.0, 1.0);
    switch (format.sample) {
      case SampleType::U8:
        pixel[c] = static_cast<std::byte>(std::lround(unit * 255));
        break;
      case SampleType::U16: {
        const auto v = static_cast<std::uint16_t>(std::lround(unit * 65535));
        std::memcpy(pixel.data() + 2 * c, &v, 2);
        break;
      }
      case SampleType::F32: {
        const auto v = static_cast<float>(unit);
        std::memcpy(pixel.data() + 4 * c, &v, 4);
        break;
      }
    }
  }
  return pixel;
}

void require_fits(const Rect& rect, int width, int height) {
  if (!rect_fits(rect, width, height)) {
    detail::fail("crop", fmt::format("rectangle {},{} {}x{} does not fit in the {}x{} image",
                                     rect.x, rect.y, rect.width, rect.height, width, height));
  }
}

// The size rotate() gives: sides swap for odd quarter turns; other angles keep the size, or
// grow to hold the whole turned image with `expand`.
std::array<int, 2> rotated_size(int width, int height, double degrees, bool expand) {
  const double turns = degrees / 90;
  if (std::floor(turns) == turns) {
    const int quarter_turns = ((static_cast<int>(turns) % 4) + 4) % 4;
    return quarter_turns % 2 == 1 ? std::array{height, width} : std::array{width, height};
  }
  if (!expand) return {width, height};
  const double radians = degrees * std::numbers::pi / 180;
  const double c = std::cos(radians), s = std::sin(radians);
  return {std::max(1, static_cast<int>(std::lround(std::fabs(width * c) + std::fabs(height * s)))),
          std::max(1, static_cast<int>(std::lround(std::fabs(width * s) + std::fabs(height * c))))};
}

// out[i] = the pixel at in + i * step, for i < count. Pixel sizes are compile-time constants
// here so each copy is a plain move rather than a call to memcpy.
template <std::size_t kPixel>
void copy_pixels(std::byte* out, const std::byte* in, std::ptrdiff_t step, int count) {
  for (int i = 0; i < count; ++i, in += step) std::memcpy(out + i * kPixel, in, kPixel);
}

void copy_pixels(std::size_t pixel, std::byte* out, const std::byte* in, std::ptrdiff_t step,
                 int count) {
  switch (pixel) {
    case 1:
      return copy_pixels<1>(out, in, step, count);
    case 2:
      return copy_pixels<2>(out, in, step, count);
    case 3:
      return copy_pixels<3>(out, in, step, count);
    case 4:
      return copy_pixels<4>(out, in, step, count);
    case 6:
      return copy_pixels<6>(out, in, step, count);
    case 8:
      return copy_pixels<8>(out, in, step, count);
    case 12:
      return copy_pixels<12>(out, in, step, count);
    default:
      return copy_pixels<16>(out, in, step, count);
  }
}

// Rotation by a multiple of 90 degrees clockwise (quarter_turns 1..3): a pure permutation.
Image rotate_quarters(ImageView src, int quarter_turns, AllocationOptions options,
                      const std::source_location& site) {
  const bool swap = quarter_turns % 2 == 1;
  const int width = swap ? src.height() : src.width();
  const int height = swap ? src.width() : src.height();
  Image out = detail::new_output("rotate", width, height, src.format(), options, site);
  const std::size_t pixel = src.format().bytes_per_pixel();
  MutableImageView dst = out.mutable_view();
  // Walk the output in tiles so that reads down the source's columns stay in cache.
  constexpr int kTile = 64;
  detail::parallel_rows((height + kTile - 1) / kTile, 1, [&](int first_tile, int end_tile) {
    for (int ty = first_tile * kTile; ty < std::min(end_tile * kTile, height); ty += kTile) {
      for (int tx = 0; tx < width; tx += kTile) {
        const int count = std::min(tx + kTile, width) - tx;
        for (int y = ty; y < std::min(ty + kTile, height); ++y) {
          // Output pixel (x, y) comes from source (sx, sy); along the row it steps by `step`.
          int sx = 0, sy = 0;
          std::ptrdiff_t step = 0;
          if (quarter_turns == 1) sx = y, sy = src.height() - 1 - tx, step = -src.stride();
          if (quarter_turns == 2) {
            sx = src.width() - 1 - tx, sy = src.height() - 1 - y;
            step = -static_cast<std::ptrdiff_t>(pixel);
          }
          if (quarter_turns == 3) sx = src.width() - 1 - y, sy = tx, step = src.stride();
          copy_pixels(pixel, dst.row(y) + tx * pixel, src.row(sy) + sx * pixel, step, count);
        }
      }
    }
  });
  return out;
}

// Pixels done one at a time where a vector of them reaches outside the source, before the
// vectors are tried again.
constexpr int kScalarRun = 16;

// One output row of a bilinear warp: source positions in 1/32 pixel, the row's start plus a
// per-column offset; samples outside the source take the background. u8 and u16 sum the four
// taps with integer weights out of 32 x 32 and round once, (sum + 512) >> 10, as warpAffine's
// fixed-point remap does for CV_8U and CV_16U; f32 sums them with the same weights / 1024 in
// float (its CV_32F remap), unclamped. Scalar: the u8 vectors are simd::bilinear_row's.
template <typename Sample>
struct BilinearRow {
  ImageView src;
  const std::byte* fill;
  long row_x, row_y;
  const long* across_x;
  const long* across_y;

  // Pixels [x, end) of the row that `row` points at.
  void run(int channels, Sample* row, int x, int end) const {
    switch (channels) {
      case 1:
        return run<1>(row, x, end);
      case 2:
        return run<2>(row, x, end);
      case 3:
        return run<3>(row, x, end);
      default:
        return run<4>(row, x, end);
    }
  }

  using Sum = std::conditional_t<std::is_same_v<Sample, float>, float, int>;

  static Sample rounded(Sum sum) {
    if constexpr (std::is_same_v<Sample, float>) {
      return sum;
    } else {
      return static_cast<Sample>((sum + (1 << 9)) >> 10);
    }
  }

  template <int kChannels>
  void run(Sample* row, int first, int end) const {
    constexpr int kInterBits = 5;
    constexpr int kShift = 10 - kInterBits;
    // f32: the weights as fractions of 1; integers: out of 1024, rounded at the end.
    constexpr Sum kScale = std::is_same_v<Sample, float> ? Sum(1) / Sum(1024) : Sum(1);
    Sample background[kChannels];
    std::memcpy(background, fill, sizeof background);
    Sample* out = row + static_cast<std::ptrdiff_t>(first) * kChannels;
    for (int x = first; x < end; ++x, out += kChannels) {
      const long fx = (row_x + across_x[x]) >> kShift;
      const long fy = (row_y + across_y[x]) >> kShift;
      const long ix = fx >> kInterBits, iy = fy >> kInterBits;
      const int wx = static_cast<int>(fx & 31), wy = static_cast<int>(fy & 31);
      const Sum weights[4] = {(32 - wx) * (32 - wy) * kScale, wx * (32 - wy) * kScale,
                              (32 - wx) * wy * kScale, wx * wy * kScale};
      if (ix >= 0 && iy >= 0 && ix + 1 < src.width() && iy + 1 < src.height()) {
        // All four neighbours inside: the common case, without per-tap checks.
        const Sample* top = src.row<Sample>(static_cast<int>(iy)) + ix * kChannels;
        const Sample* bottom = src.row<Sample>(static_cast<int>(iy) + 1) + ix * kChannels;
        for (int ch = 0; ch < kChannels; ++ch) {
          out[ch] = rounded(weights[0] * top[ch] + weights[1] * top[kChannels + ch] +
                            weights[2] * bottom[ch] + weights[3] * bottom[kChannels + ch]);
        }
        continue;
      }
      for (int ch = 0; ch < kChannels; ++ch) {
        Sum value = 0;
        for (int k = 0; k < 4; ++k) {
          const long px = ix + (k & 1), py = iy + (k >> 1);
          const bool inside = px >= 0 && py >= 0 && px < src.width() && py < src.height();
          const Sample sample =
              inside ? src.row<Sample>(static_cast<int>(py))[px * kChannels + ch] : background[ch];
          value += weights[k] * sample;
        }
        out[ch] = rounded(value);
      }
    }
  }
};

// Bilinear rotation about the centre, with coordinates in 1/32 pixel as cv::warpAffine
// (INTER_LINEAR, BORDER_CONSTANT) computes them.
Image rotate_any(ImageView src, double degrees, const RotateOptions& rotation,
                 AllocationOptions options, const std::source_location& site) {
  detail::require_samples("rotate", src);
  const double radians = degrees * std::numbers::pi / 180;
  const double c = std::cos(radians), s = std::sin(radians);
  const auto [width, height] = rotated_size(src.width(), src.height(), degrees, rotation.expand);
  Image out = detail::new_output("rotate", width, height, src.format(), options, site);
  MutableImageView dst = out.mutable_view();
  const int channels = src.format().channels();
  const auto fill = background_pixel(rotation.background, src.format());
  const double cx = (src.width() - 1) / 2.0, cy = (src.height() - 1) / 2.0;
  const double ox = (width - 1) / 2.0, oy = (height - 1) / 2.0;
  // Clockwise on screen (y down): the source point is the output point turned back,
  // sx = a x + b y + e, sy = c x + d y + f.
  const double a = c, b = s, e = cx - c * ox - s * oy;
  const double cc = -s, d = c, f = cy + s * ox - c * oy;
  // warpAffine's fixed point: each term in 1/1024 pixel, rounded; the sum (plus half a step)
  // in 1/32 pixel; bilinear weights (32 - fx)(32 - fy) ... which sum to 32 * 32 exactly.
  constexpr int kAbBits = 10, kRoundDelta = 1 << (kAbBits - 5 - 1);
  std::vector<long> across_x(width), across_y(width);
  for (int x = 0; x < width; ++x) {
    across_x[x] = std::lrint(a * x * (1 << kAbBits));
    across_y[x] = std::lrint(cc * x * (1 << kAbBits));
  }
  // The vectorised rows take positions and byte offsets in 32 bits: every image up to 2 GiB
  // and 2^20 pixels a side, that is, any this machine would rotate in one piece.
  const bool vectors = static_cast<std::uint64_t>(src.stride()) * src.height() < (1u << 31) &&
                       std::max({src.width(), src.height(), width, height}) < (1 << 20);
  std::vector<std::int32_t> across_x32, across_y32;
  if (vectors) {
    across_x32.assign(across_x.begin(), across_x.end());
    across_y32.assign(across_y.begin(), across_y.end());
  }
  const simd::BilinearSource source{src.row<std::uint8_t>(0),
                                    src.stride(),
                                    src.width(),
                                    src.height(),
                                    channels,
                                    reinterpret_cast<const std::uint8_t*>(fill.data())};
  // u16 and f32: scalar rows.
  const auto scalar_rows = [&]<typename Sample>(Sample*) {
    detail::parallel_rows(height, 16, [&](int first, int end) {
      for (int y = first; y < end; ++y) {
        const long row_x = std::lrint((b * y + e) * (1 << kAbBits)) + kRoundDelta;
        const long row_y = std::lrint((d * y + f) * (1 << kAbBits)) + kRoundDelta;
        const BilinearRow<Sample> line{src,   fill.data(),     row_x,
                                       row_y, across_x.data(), across_y.data()};
        line.run(channels, dst.row<Sample>(y), 0, width);
      }
    });
  };
  if (src.format().sample == SampleType::U16) {
    scalar_rows(static_cast<std::uint16_t*>(nullptr));
    return out;
  }
  if (src.format().sample == SampleType::F32) {
    scalar_rows(static_cast<float*>(nullptr));
    return out;
  }
  detail::parallel_rows(height, 16, [&](int first, int end) {
    for (int y = first; y < end; ++y) {
      const long row_x = std::lrint((b * y + e) * (1 << kAbBits)) + kRoundDelta;
      const long row_y = std::lrint((d * y + f) * (1 << kAbBits)) + kRoundDelta;
      const BilinearRow<std::uint8_t> line{src,   fill.data(),     row_x,
                                           row_y, across_x.data(), across_y.data()};
      std::uint8_t* row = dst.row<std::uint8_t>(y);
      // Whole vectors where every neighbour is inside; pixels near the edges one at a time.
      int x = 0;
      while (x < width) {
        if (vectors) {
          x = simd::bilinear_row(source, static_cast<std::int32_t>(row_x),
                                 static_cast<std::int32_t>(row_y), across_x32.data(),
                                 across_y32.data(), x, width, row);
        }
        const int stop = std::min(width, x + kScalarRun);
        line.run(channels, row, x, stop);
        x = stop;
      }
    }
  });
  return out;
}

}  // namespace

Image crop(ImageView src, const Rect& rect, AllocationOptions options, std::source_location site) {
  if (src.empty()) detail::fail("crop", "the input image is empty");
  require_fits(rect, src.width(), src.height());
  const ImageView part = src.subview(rect);
  Image out = detail::new_output("crop", rect.width, rect.height, src.format(), options, site);
  for (int y = 0; y < rect.height; ++y) std::memcpy(out.row(y), part.row(y), part.row_bytes());
  return out;
}

void flip(ImageView src, MutableImageView dst, FlipAxis axis) {
  if (src.empty()) detail::fail("flip", "the input image is empty");
  detail::require_destination("flip", dst, src.width(), src.height(), src.format());
  detail::require_no_overlap("flip", src, dst);
  const std::size_t pixel = src.format().bytes_per_pixel();
  const bool mirror = axis != FlipAxis::Vertical;
  const bool upside_down = axis != FlipAxis::Horizontal;
  detail::parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
    for (int y = first; y < end; ++y) {
      const std::byte* in = src.row(upside_down ? src.height() - 1 - y : y);
      std::byte* out = dst.row(y);
      if (!mirror) {
        std::memcpy(out, in, src.row_bytes());
        continue;
      }
      copy_pixels(pixel, out, in + (src.width() - 1) * pixel, -static_cast<std::ptrdiff_t>(pixel),
                  src.width());
    }
  });
}

Image flip(ImageView src, FlipAxis axis, AllocationOptions options, std::source_location site) {
  return detail::into_new("flip", src, src.format(), options, site,
                          [&](MutableImageView dst) { flip(src, dst, axis); });
}

Image rotate(ImageView src, double degrees, const RotateOptions& rotation,
             AllocationOptions options, std::source_location site) {
  if (src.empty()) detail::fail("rotate", "the input image is empty");
  check_parameter("rotate", kAngle, degrees);
  const double turns = degrees / 90;
  if (std::floor(turns) == turns) {
    const int quarter_turns = ((static_cast<int>(turns) % 4) + 4) % 4;
    if (quarter_turns == 0) return crop(src, {0, 0, src.width(), src.height()}, options, site);
    return rotate_quarters(src, quarter_turns, options, site);
  }
  return rotate_any(src, degrees, rotation, options, site);
}

Image pad(ImageView src, const Padding& padding, const Background& background,
          AllocationOptions options, std::source_location site) {
  if (src.empty()) detail::fail("pad", "the input image is empty");
  if (std::min({padding.top, padding.right, padding.bottom, padding.left}) < 0) {
    detail::fail("pad", "sides must not be negative");
  }
  const int width = src.width() + padding.left + padding.right;
  const int height = src.height() + padding.top + padding.bottom;
  Image out = detail::new_output("pad", width, height, src.format(), options, site);
  const auto fill = background_pixel(background, src.format());
  const std::size_t pixel = fill.size();
  for (int y = 0; y < height; ++y) {
    std::byte* row = out.row(y);
    const int sy = y - padding.top;
    const bool inside_rows = sy >= 0 && sy < src.height();
    for (int x = 0; x < width; ++x) {
      if (inside_rows && x == padding.left) {
        std::memcpy(row + x * pixel, src.row(sy), src.row_bytes());
        x += src.width() - 1;
        continue;
      }
      std::memcpy(row + x * pixel, fill.data(), pixel);
    }
  }
  return out;
}

ResizeTarget parse_resize_target(std::string_view text) {
  return std::get<Size>(parse_value("resize", kResizeSize, text)).target();
}

namespace detail {

namespace {

ResizeKernel resize_kernel(const OpArguments& args) {
  const std::string& kernel = args.choice("kernel");
  return kernel == "nearest"  ? ResizeKernel::Nearest
         : kernel == "linear" ? ResizeKernel::Linear
         : kernel == "area"   ? ResizeKernel::Area
         : kernel == "cubic"  ? ResizeKernel::Cubic
                              : ResizeKernel::Lanczos3;
}

// crop, streamed: output row y is input row y + rect.y, columns rect.x ...
class CropRows final : public RowMapper {
 public:
  explicit CropRows(const Rect& rect) : rect_(rect) {}
  std::array<int, 2> input_rows(int first, int end) const override {
    return {first + rect_.y, end + rect_.y};
  }
  void run(ImageView window, int window_top, MutableImageView out, int out_top) const override {
    for (int y = 0; y < out.height(); ++y) {
      const ImageView row =
          window.subview({rect_.x, out_top + y + rect_.y - window_top, rect_.width, 1});
      std::memcpy(out.row(y), row.row(0), row.row_bytes());
    }
  }

 private:
  Rect rect_;
};

// resize, streamed.
class ResizeRows final : public RowMapper {
 public:
  explicit ResizeRows(RowResizer resizer) : resizer_(std::move(resizer)) {}
  std::array<int, 2> input_rows(int first, int end) const override {
    return resizer_.source_rows(first, end);
  }
  void run(ImageView window, int window_top, MutableImageView out, int out_top) const override {
    resizer_.run(window, window_top, out, out_top);
  }

 private:
  RowResizer resizer_;
};

// resize's size and fit arguments.
ResizeTarget resize_target(const OpArguments& args) {
  ResizeTarget target = args.size("size").target();
  const std::string& fit = args.choice("fit");
  target.fit = fit == "inside"  ? ResizeFit::Inside
               : fit == "cover" ? ResizeFit::Cover
                                : ResizeFit::Fill;
  return target;
}

}  // namespace

std::vector<OpDescriptor> geometry_ops() {
  return {
      {.name = "crop",
       .doc = "the rectangle x,y,width,height",
       .params = {kCropRect},
       .access = Access::Point,
       .output_size =
           [](int width, int height, const OpArguments& args) {
             const Rect& rect = args.rectangle("rect");
             require_fits(rect, width, height);
             return std::array{rect.width, rect.height};
           },
       .apply = [](ImageView src,
                   const OpArguments& args) { return crop(src, args.rectangle("rect")); },
       .streaming = make_hooks(
           {// It changes the size: not strips, but rows (row_mapper).
            .rows_around = [](const OpArguments&) -> std::optional<int> { return std::nullopt; },
            .row_mapper = [](int width, int height, PixelFormat,
                             const OpArguments& args) -> std::unique_ptr<RowMapper> {
              const Rect& rect = args.rectangle("rect");
              require_fits(rect, width, height);
              return std::make_unique<CropRows>(rect);
            }}),
       .samples = SampleTypes::all()},
      {.name = "flip",
       .doc = "mirror left-right (h), top-bottom (v) or both (OpenCV flip)",
       .params = {kFlipAxis},
       .access = Access::WholeImage,
       .apply =
           [](ImageView src, const OpArguments& args) {
             const std::string& axis = args.choice("axis");
             return flip(src, axis == "v"      ? FlipAxis::Vertical
                              : axis == "both" ? FlipAxis::Both
                                               : FlipAxis::Horizontal);
           },
       .samples = SampleTypes::all()},
      {.name = "rotate",
       .doc = "turn clockwise; 90/180/270 exact, other angles bilinear (OpenCV warpAffine)",
       .params = {kAngle, kBackground, kExpand},
       .access = Access::WholeImage,
       .output_size =
           [](int width, int height, const OpArguments& args) {
             return rotated_size(width, height, args.number("angle"),
                                 args.choice("expand") == "yes");
           },
       .apply =
           [](ImageView src, const OpArguments& args) {
             return rotate(src, args.number("angle"),
                           {.background = background_of(args.colour("background")),
                            .expand = args.choice("expand") == "yes"});
           },
       .samples = SampleTypes::all()},
      {.name = "resize",
       .doc = "resample to a factor or a size (lanczos3 as Pillow; linear/area as OpenCV)",
       .params = {kResizeSize, kResizeKernel, kResizeFit},
       .access = Access::WholeImage,
       .output_size =
           [](int width, int height, const OpArguments& args) {
             return resize_output_size(resize_target(args), width, height);
           },
       .apply =
           [](ImageView src, const OpArguments& args) {
             return resize(src, resize_target(args), resize_kernel(args));
           },
       .streaming =
           make_hooks({.row_mapper = [](int width, int height, PixelFormat format,
                                        const OpArguments& args) -> std::unique_ptr<RowMapper> {
             // fit=cover's crop is a window of the scaled grid, made in the same pass.
             return std::make_unique<ResizeRows>(
                 RowResizer(width, height, resize_geometry(resize_target(args), width, height),
                            format, resize_kernel(args)));
           }}),
       .samples = SampleTypes::all()},
      {.name = "pad",
       .doc = "add borders: all sides, or top,right,bottom,left",
       .params = {kPadding, kBackground},
       .access = Access::WholeImage,
       .output_size =
           [](int width, int height, const OpArguments& args) {
             const Padding& sides = args.sides("sides");
             return std::array{width + sides.left + sides.right, height + sides.top + sides.bottom};
           },
       .apply =
           [](ImageView src, const OpArguments& args) {
             return pad(src, args.sides("sides"), background_of(args.colour("background")));
           },
       .samples = SampleTypes::all()},
  };
}

}  // namespace detail
}  // namespace tessera::ops
