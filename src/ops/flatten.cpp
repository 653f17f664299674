// flatten: composite an image with alpha onto a solid background and drop the alpha, as
// ImageMagick's -flatten and libvips' flatten do. The encoders of formats without alpha do the
// same onto white by themselves (src/codecs/row_conversion.cpp); this op is for another
// background, or for flattening before other ops.

#include <array>
#include <cstdint>
#include <string>

#include "ops/descriptors.h"
#include "ops/op_support.h"
#include "ops/parallel.h"

namespace tessera::ops {
namespace {

const ParamSpec kFlattenBackground{.name = "background",
                                   .kind = ParamKind::Colour,
                                   .default_value = "255,255,255",
                                   .min = 0,
                                   .max = 255,
                                   .doc = "colour under the image: v or r,g,b (0..255)",
                                   .whole = true};

using Rgb = std::array<int, 3>;

// The background as bound (v or r,g,b, whole, 0..255).
Rgb rgb_of(const Colour& colour) {
  const auto value = [&](std::size_t i) { return static_cast<int>(colour.values[i]); };
  if (colour.values.size() == 1) return {value(0), value(0), value(0)};
  return {value(0), value(1), value(2)};
}

PixelFormat flattened(PixelFormat format) {
  const ChannelLayout layout = format.layout == ChannelLayout::Rgba        ? ChannelLayout::Rgb
                               : format.layout == ChannelLayout::GrayAlpha ? ChannelLayout::Gray
                                                                           : format.layout;
  return {layout, format.sample};
}

// out = colour * alpha + background * (1 - alpha), in each sample type's own scale, rounded.
template <typename T>
void flatten_rows(ImageView src, MutableImageView dst, const Rgb& background) {
  const int in_channels = src.format().channels();
  const int out_channels = dst.format().channels();
  const bool alpha = src.format().has_alpha();
  // A gray image's background is the colour's BT.601 luma.
  const int gray = (background[0] * 299 + background[1] * 587 + background[2] * 114 + 500) / 1000;
  detail::parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
    for (int y = first; y < end; ++y) {
      const T* in = src.row<T>(y);
      T* out = dst.row<T>(y);
      for (int x = 0; x < src.width(); ++x) {
        const T* pixel = in + static_cast<std::ptrdiff_t>(x) * in_channels;
        for (int c = 0; c < out_channels; ++c) {
          const int under = out_channels == 1 ? gray : background[static_cast<std::size_t>(c)];
          T& result = out[static_cast<std::ptrdiff_t>(x) * out_channels + c];
          if (!alpha) {
            result = pixel[c];
          } else if constexpr (std::is_same_v<T, float>) {
            const float a = pixel[in_channels - 1];
            result = pixel[c] * a + static_cast<float>(under) / 255.0F * (1.0F - a);
          } else {
            constexpr std::uint64_t kFull = std::numeric_limits<T>::max();
            const std::uint64_t a = pixel[in_channels - 1];
            const std::uint64_t base = static_cast<std::uint64_t>(under) * (kFull / 255);
            result = static_cast<T>((pixel[c] * a + base * (kFull - a) + kFull / 2) / kFull);
          }
        }
      }
    }
  });
}

void flatten_into(ImageView src, MutableImageView dst, const Rgb& background) {
  constexpr std::string_view op = "flatten";
  if (src.empty()) detail::fail(op, "the input image is empty");
  detail::require_destination(op, dst, src.width(), src.height(), flattened(src.format()));
  switch (src.format().sample) {
    case SampleType::U8:
      return flatten_rows<std::uint8_t>(src, dst, background);
    case SampleType::U16:
      return flatten_rows<std::uint16_t>(src, dst, background);
    case SampleType::F32:
      return flatten_rows<float>(src, dst, background);
  }
}

}  // namespace

namespace detail {

std::vector<OpDescriptor> flatten_ops() {
  return {{.name = "flatten",
           .doc = "composite onto a background colour (white by default) and drop alpha",
           .params = {kFlattenBackground},
           .access = Access::Point,
           .apply =
               [](ImageView src, const OpArguments& args) {
                 const Rgb background = rgb_of(args.colour("background"));
                 return detail::into_new(
                     "flatten", src, flattened(src.format()), {}, std::source_location::current(),
                     [&](MutableImageView dst) { flatten_into(src, dst, background); });
               },
           .streaming =
               make_hooks({.apply_into =
                               [](ImageView src, MutableImageView dst, const OpArguments& args) {
                                 flatten_into(src, dst, rgb_of(args.colour("background")));
                               }}),
           .samples = SampleTypes::all()}};
}

}  // namespace detail
}  // namespace tessera::ops
