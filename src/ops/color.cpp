// Colour and sample-type conversions. One template per conversion handles u8, u16 and f32;
// 8-bit luma, the hot path of gray pipelines, is vectorised in simd/luma_rows.cpp.

#include "tessera/ops/color.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "ops/descriptors.h"
#include "ops/op_support.h"
#include "ops/simd/channel_rows.h"
#include "ops/simd/luma_rows.h"
#include "ops/streaming.h"

namespace tessera::ops {
namespace {

using detail::fail;
using detail::into_new;
using detail::parallel_rows;
using detail::require_destination;

PixelFormat with_layout(PixelFormat format, ChannelLayout layout) {
  return {layout, format.sample};
}

// Calls body.template operator()<T>() with T the sample type of `format`.
template <typename Body>
void with_sample_type(PixelFormat format, Body&& body) {
  switch (format.sample) {
    case SampleType::U8:
      body.template operator()<std::uint8_t>();
      return;
    case SampleType::U16:
      body.template operator()<std::uint16_t>();
      return;
    case SampleType::F32:
      body.template operator()<float>();
      return;
  }
}

template <typename T>
constexpr T opaque() {
  if constexpr (std::is_same_v<T, float>) {
    return 1.0f;
  } else {
    return std::numeric_limits<T>::max();
  }
}

// Copies pixels row by row when the conversion has nothing to do.
void copy_pixels(ImageView src, MutableImageView dst) {
  if (src.data() == dst.data()) return;
  parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
    for (int y = first; y < end; ++y) std::memmove(dst.row(y), src.row(y), src.row_bytes());
  });
}

// Maps every pixel of src to dst with per_pixel(in, out) on samples of type T.
template <typename T, typename PerPixel>
void map_pixels(ImageView src, MutableImageView dst, PerPixel per_pixel) {
  const int in_channels = src.format().channels();
  const int out_channels = dst.format().channels();
  parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
    for (int y = first; y < end; ++y) {
      const T* in = src.row<T>(y);
      T* out = dst.row<T>(y);
      for (int x = 0; x < src.width(); ++x) per_pixel(in + x * in_channels, out + x * out_channels);
    }
  });
}

// 8-bit gray to colour and RGB <-> RGBA through the vectorised row shuffles; false for the
// other sample types and channel changes, which go pixel by pixel.
bool shuffle_8bit_channels(ImageView src, MutableImageView dst) {
  const int in = src.format().channels();
  const int out = dst.format().channels();
  const bool from_gray = in <= 2 && out >= 3;
  const bool between_colours = (in == 3 && out == 4) || (in == 4 && out == 3);
  if (src.format().sample != SampleType::U8 || !(from_gray || between_colours)) return false;
  parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
    for (int y = first; y < end; ++y) {
      const auto width = static_cast<std::size_t>(src.width());
      if (from_gray) {
        simd::gray_to_color_row(src.row<std::uint8_t>(y), dst.row<std::uint8_t>(y), width, in, out);
      } else {
        simd::color_to_color_row(src.row<std::uint8_t>(y), dst.row<std::uint8_t>(y), width, in,
                                 out);
      }
    }
  });
  return true;
}

template <typename T>
T luma_of(const T* p) {
  if constexpr (std::is_same_v<T, float>) {
    // OpenCV's float weights for RGB2GRAY.
    return p[0] * 0.299f + p[1] * 0.587f + p[2] * 0.114f;
  } else {
    return static_cast<T>(
        (p[0] * std::uint64_t{simd::kLumaRed} + p[1] * std::uint64_t{simd::kLumaGreen} +
         p[2] * std::uint64_t{simd::kLumaBlue} + (1u << (simd::kLumaShift - 1))) >>
        simd::kLumaShift);
  }
}

}  // namespace

void gray(ImageView src, MutableImageView dst) {
  constexpr std::string_view op = "gray";
  if (src.empty()) fail(op, "the input image is empty");
  require_destination(op, dst, src.width(), src.height(),
                      with_layout(src.format(), ChannelLayout::Gray));
  const int channels = src.format().channels();
  if (channels <= 2) {
    with_sample_type(src.format(), [&]<typename T>() {
      map_pixels<T>(src, dst, [](const T* in, T* out) { out[0] = in[0]; });
    });
    return;
  }
  if (src.format().sample == SampleType::U8) {
    parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
      for (int y = first; y < end; ++y) {
        simd::luma_row(src.row<std::uint8_t>(y), dst.row<std::uint8_t>(y),
                       static_cast<std::size_t>(src.width()), channels);
      }
    });
    return;
  }
  with_sample_type(src.format(), [&]<typename T>() {
    map_pixels<T>(src, dst, [](const T* in, T* out) { out[0] = luma_of(in); });
  });
}

Image gray(ImageView src, AllocationOptions options, std::source_location site) {
  return into_new("gray", src, with_layout(src.format(), ChannelLayout::Gray), options, site,
                  [&](MutableImageView dst) { gray(src, dst); });
}

void rgb(ImageView src, MutableImageView dst) {
  constexpr std::string_view op = "rgb";
  if (src.empty()) fail(op, "the input image is empty");
  require_destination(op, dst, src.width(), src.height(),
                      with_layout(src.format(), ChannelLayout::Rgb));
  if (src.format().layout == ChannelLayout::Rgb) return copy_pixels(src, dst);
  if (shuffle_8bit_channels(src, dst)) return;
  const bool from_gray = src.format().channels() <= 2;
  with_sample_type(src.format(), [&]<typename T>() {
    map_pixels<T>(src, dst, [from_gray](const T* in, T* out) {
      out[0] = in[0];
      out[1] = from_gray ? in[0] : in[1];
      out[2] = from_gray ? in[0] : in[2];
    });
  });
}

Image rgb(ImageView src, AllocationOptions options, std::source_location site) {
  return into_new("rgb", src, with_layout(src.format(), ChannelLayout::Rgb), options, site,
                  [&](MutableImageView dst) { rgb(src, dst); });
}

void rgba(ImageView src, MutableImageView dst) {
  constexpr std::string_view op = "rgba";
  if (src.empty()) fail(op, "the input image is empty");
  require_destination(op, dst, src.width(), src.height(),
                      with_layout(src.format(), ChannelLayout::Rgba));
  if (src.format().layout == ChannelLayout::Rgba) return copy_pixels(src, dst);
  if (shuffle_8bit_channels(src, dst)) return;
  const ChannelLayout layout = src.format().layout;
  with_sample_type(src.format(), [&]<typename T>() {
    map_pixels<T>(src, dst, [layout](const T* in, T* out) {
      const bool gray = layout == ChannelLayout::Gray || layout == ChannelLayout::GrayAlpha;
      out[0] = in[0];
      out[1] = gray ? in[0] : in[1];
      out[2] = gray ? in[0] : in[2];
      out[3] = layout == ChannelLayout::GrayAlpha ? in[1] : opaque<T>();
    });
  });
}

Image rgba(ImageView src, AllocationOptions options, std::source_location site) {
  return into_new("rgba", src, with_layout(src.format(), ChannelLayout::Rgba), options, site,
                  [&](MutableImageView dst) { rgba(src, dst); });
}

namespace {
PixelFormat without_alpha(PixelFormat format) {
  if (format.layout == ChannelLayout::Rgba) return with_layout(format, ChannelLayout::Rgb);
  if (format.layout == ChannelLayout::GrayAlpha) return with_layout(format, ChannelLayout::Gray);
  return format;
}
}  // namespace

void strip_alpha(ImageView src, MutableImageView dst) {
  constexpr std::string_view op = "strip_alpha";
  if (src.empty()) fail(op, "the input image is empty");
  require_destination(op, dst, src.width(), src.height(), without_alpha(src.format()));
  if (!src.format().has_alpha()) return copy_pixels(src, dst);
  const int kept = dst.format().channels();
  with_sample_type(src.format(), [&]<typename T>() {
    map_pixels<T>(src, dst, [kept](const T* in, T* out) {
      for (int c = 0; c < kept; ++c) out[c] = in[c];
    });
  });
}

Image strip_alpha(ImageView src, AllocationOptions options, std::source_location site) {
  return into_new("strip_alpha", src, without_alpha(src.format()), options, site,
                  [&](MutableImageView dst) { strip_alpha(src, dst); });
}

void swap_rb(ImageView src, MutableImageView dst) {
  constexpr std::string_view op = "swap_rb";
  if (src.empty()) fail(op, "the input image is empty");
  if (src.format().channels() < 3) {
    fail(op, fmt::format("needs an RGB or RGBA image, got {}", src.format().name()));
  }
  require_destination(op, dst, src.width(), src.height(), src.format());
  const int channels = src.format().channels();
  if (src.format().sample == SampleType::U8) {  // the vectorised row swap (BMP's too)
    parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
      for (int y = first; y < end; ++y) {
        simd::swap_red_blue_row(src.row<std::uint8_t>(y), dst.row<std::uint8_t>(y),
                                static_cast<std::size_t>(src.width()), channels);
      }
    });
    return;
  }
  with_sample_type(src.format(), [&]<typename T>() {
    // Reads a whole pixel before writing it, so src == dst works.
    map_pixels<T>(src, dst, [channels](const T* in, T* out) {
      const T red = in[0];
      const T blue = in[2];
      const T green = in[1];
      const T alpha = channels == 4 ? in[3] : T{};
      out[0] = blue;
      out[1] = green;
      out[2] = red;
      if (channels == 4) out[3] = alpha;
    });
  });
}

Image swap_rb(ImageView src, AllocationOptions options, std::source_location site) {
  return into_new("swap_rb", src, src.format(), options, site,
                  [&](MutableImageView dst) { swap_rb(src, dst); });
}

namespace {
// A sample as a fraction of full scale, and back (rounded, saturated).
template <typename T>
double to_unit(T value) {
  if constexpr (std::is_same_v<T, float>) {
    return value;
  } else {
    return value / static_cast<double>(std::numeric_limits<T>::max());
  }
}
template <typename T>
T from_unit(double unit) {
  if constexpr (std::is_same_v<T, float>) {
    return static_cast<float>(unit);
  } else {
    const double max = std::numeric_limits<T>::max();
    return static_cast<T>(std::nearbyint(std::clamp(unit * max, 0.0, max)));
  }
}
}  // namespace

void convert_depth(ImageView src, MutableImageView dst) {
  constexpr std::string_view op = "depth";
  if (src.empty()) fail(op, "the input image is empty");
  if (dst.empty() || dst.width() != src.width() || dst.height() != src.height() ||
      dst.format().layout != src.format().layout) {
    fail(op, fmt::format("the destination must be {}x{} with the layout of {}", src.width(),
                         src.height(), src.format().name()));
  }
  if (dst.format() == src.format()) return copy_pixels(src, dst);
  const int channels = src.format().channels();
  with_sample_type(src.format(), [&]<typename In>() {
    with_sample_type(dst.format(), [&]<typename Out>() {
      parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
        for (int y = first; y < end; ++y) {
          const In* in = src.row<In>(y);
          Out* out = dst.row<Out>(y);
          for (int i = 0; i < src.width() * channels; ++i) {
            if constexpr (std::is_same_v<In, std::uint8_t> && std::is_same_v<Out, std::uint16_t>) {
              out[i] = static_cast<Out>(in[i] * 257);  // exact: 255 * 257 = 65535
            } else {
              out[i] = from_unit<Out>(to_unit(in[i]));
            }
          }
        }
      });
    });
  });
}

Image convert_depth(ImageView src, SampleType target, AllocationOptions options,
                    std::source_location site) {
  return into_new("depth", src, {src.format().layout, target}, options, site,
                  [&](MutableImageView dst) { convert_depth(src, dst); });
}

namespace {
// The 8x8 Bayer matrix: each cell's rank 0..63, neighbouring ranks far apart.
constexpr std::array<std::array<std::uint8_t, 8>, 8> kBayer8 = {{
    {0, 32, 8, 40, 2, 34, 10, 42},
    {48, 16, 56, 24, 50, 18, 58, 26},
    {12, 44, 4, 36, 14, 46, 6, 38},
    {60, 28, 52, 20, 62, 30, 54, 22},
    {3, 35, 11, 43, 1, 33, 9, 41},
    {51, 19, 59, 27, 49, 17, 57, 25},
    {15, 47, 7, 39, 13, 45, 5, 37},
    {63, 31, 55, 23, 61, 29, 53, 21},
}};
}  // namespace

void dither_to_u8(ImageView src, MutableImageView dst, int top) {
  constexpr std::string_view op = "depth";
  if (src.empty()) fail(op, "the input image is empty");
  if (dst.width() != src.width() || dst.height() != src.height() ||
      dst.format() != PixelFormat{src.format().layout, SampleType::U8}) {
    fail(op, fmt::format("the destination must be {}x{} 8-bit with the layout of {}", src.width(),
                         src.height(), src.format().name()));
  }
  if (src.format().sample == SampleType::U8) return copy_pixels(src, dst);
  const int channels = src.format().channels();
  with_sample_type(src.format(), [&]<typename In>() {
    parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
      for (int y = first; y < end; ++y) {
        const In* in = src.row<In>(y);
        std::uint8_t* out = dst.row<std::uint8_t>(y);
        const auto& ranks = kBayer8[static_cast<std::size_t>(top + y) % 8];
        for (int x = 0; x < src.width(); ++x) {
          const float threshold = (static_cast<float>(ranks[x % 8]) + 0.5f) / 64.0f;
          for (int c = 0; c < channels; ++c) {
            float level;  // the sample in 8-bit levels, 0..255
            if constexpr (std::is_same_v<In, float>) {
              const float v = in[x * channels + c];
              level = std::isnan(v) ? 0.0f : std::clamp(v, 0.0f, 1.0f) * 255.0f;
            } else {
              level = static_cast<float>(in[x * channels + c]) / 257.0f;
            }
            out[x * channels + c] =
                static_cast<std::uint8_t>(std::min(255.0f, std::floor(level + threshold)));
          }
        }
      }
    });
  });
}

Image dither_to_u8(ImageView src, AllocationOptions options, std::source_location site) {
  return into_new("depth", src, {src.format().layout, SampleType::U8}, options, site,
                  [&](MutableImageView dst) { dither_to_u8(src, dst); });
}

namespace detail {

namespace {
const ParamSpec kDepth{.name = "depth",
                       .kind = ParamKind::Choice,
                       .choices = "u8|u16|f32",
                       .doc = "sample type; full scale maps to full scale"};
const ParamSpec kDither{.name = "dither",
                        .kind = ParamKind::Choice,
                        .default_value = "none",
                        .choices = "none|ordered",
                        .doc =
                            "to u8: none rounds; ordered adds an 8x8 Bayer pattern, so "
                            "16-bit gradients keep their in-between levels instead of bands"};

bool dithers(const OpArguments& args) {
  return args.choice("depth") == "u8" && args.choice("dither") == "ordered";
}

// depth u8 dither=ordered, streamed: each band dithered at its place in the image.
class DitherRows final : public RowMapper {
 public:
  std::array<int, 2> input_rows(int first, int end) const override { return {first, end}; }
  void run(ImageView window, int window_top, MutableImageView out, int out_top) const override {
    dither_to_u8(window.subview({0, out_top - window_top, window.width(), out.height()}), out,
                 out_top);
  }
};
}  // namespace

std::vector<OpDescriptor> colour_ops() {
  const auto simple = [](std::string_view name, std::string_view doc,
                         Image (*op)(ImageView, AllocationOptions, std::source_location),
                         void (*into)(ImageView, MutableImageView)) {
    return OpDescriptor{
        .name = name,
        .doc = doc,
        .params = {},
        .access = Access::Point,
        .apply = [op](ImageView src,
                      const OpArguments&) { return op(src, {}, std::source_location::current()); },
        .streaming = make_hooks({.apply_into = [into](ImageView src, MutableImageView dst,
                                                      const OpArguments&) { into(src, dst); }}),
        .samples = SampleTypes::all()};
  };
  return {
      simple("gray", "luma from RGB(A), BT.601 as OpenCV cvtColor(RGB2GRAY)", &gray, &gray),
      simple("rgb", "RGB from gray (replicated) or RGBA (alpha dropped)", &rgb, &rgb),
      simple("rgba", "RGBA with opaque alpha from gray or RGB", &rgba, &rgba),
      simple("strip_alpha", "drop the alpha channel", &strip_alpha, &strip_alpha),
      simple("swap_rb", "swap red and blue (BGR interop)", &swap_rb, &swap_rb),
      {.name = "depth",
       .doc = "convert samples to u8, u16 or f32; to u8, rounded, or dithered (dither=ordered)",
       .function = "convert_depth",
       .params = {kDepth, kDither},
       .access = Access::Point,
       .apply =
           [](ImageView src, const OpArguments& args) {
             const std::string& depth = args.choice("depth");
             if (depth == "u8" && args.choice("dither") == "ordered") return dither_to_u8(src);
             return convert_depth(src, depth == "u16"   ? SampleType::U16
                                       : depth == "f32" ? SampleType::F32
                                                        : SampleType::U8);
           },
       // Dithering follows the image's rows: streamed by rows that know their place.
       .streaming = make_hooks({.rows_around = [](const OpArguments& args) -> std::optional<int> {
                                  if (dithers(args)) return std::nullopt;
                                  return 0;
                                },
                                .row_mapper = [](int, int, PixelFormat,
                                                 const OpArguments&) -> std::unique_ptr<RowMapper> {
                                  return std::make_unique<DitherRows>();
                                }}),
       .samples = SampleTypes::all()},
  };
}

}  // namespace detail
}  // namespace tessera::ops
