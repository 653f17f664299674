#include "codecs/row_conversion.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tessera::codecs {
namespace {

// Sample `index` of a row in `type`, scaled to 0..`maximum`.
std::uint32_t sample(const std::byte* row, SampleType type, std::size_t index,
                     std::uint32_t maximum) {
  switch (type) {
    case SampleType::U8: {
      const auto value = static_cast<std::uint32_t>(std::to_integer<std::uint8_t>(row[index]));
      return maximum == 255 ? value : value * 257;
    }
    case SampleType::U16: {
      std::uint16_t value = 0;
      std::memcpy(&value, row + index * 2, 2);
      return maximum == 65535 ? value : (value * 255u + 32767u) / 65535u;
    }
    case SampleType::F32: {
      float value = 0;
      std::memcpy(&value, row + index * 4, 4);
      const float clamped = std::isnan(value) ? 0.0f : std::clamp(value, 0.0f, 1.0f);
      return static_cast<std::uint32_t>(std::lround(clamped * static_cast<float>(maximum)));
    }
  }
  return 0;
}

}  // namespace

namespace {

// Pixel x of a row as `target_layout` samples scaled to 0..maximum, written by put(i, value):
// alpha dropped by compositing onto white (what a viewer shows for a transparent pixel: the
// hidden colour under alpha 0 must not appear), colour to gray by BT.601 luma, gray to colour
// replicated.
template <typename Put>
void convert_pixels(const std::byte* source, PixelFormat format, int width,
                    ChannelLayout target_layout, std::uint32_t maximum, Put&& put) {
  const int channels = format.channels();
  const int kept = channel_count(target_layout);
  const bool source_alpha = format.has_alpha();
  const bool target_alpha = kept == 2 || kept == 4;
  const bool flatten = source_alpha && !target_alpha;
  const int colours = source_alpha ? channels - 1 : channels;
  const int target_colours = target_alpha ? kept - 1 : kept;
  const std::uint64_t full = maximum;
  for (int x = 0; x < width; ++x) {
    const auto at = [&](int c) {
      return sample(source, format.sample, static_cast<std::size_t>(x * channels + c), maximum);
    };
    const std::uint64_t alpha = source_alpha ? at(channels - 1) : full;
    std::uint64_t colour[3] = {};
    for (int c = 0; c < colours; ++c) {
      colour[c] = at(c);
      if (flatten) colour[c] = (colour[c] * alpha + full * (full - alpha) + full / 2) / full;
    }
    const std::size_t out = static_cast<std::size_t>(x) * static_cast<std::size_t>(kept);
    if (target_colours == 1 && colours == 3) {
      put(out, static_cast<std::uint32_t>(
                   (colour[0] * 299 + colour[1] * 587 + colour[2] * 114 + 500) / 1000));
    } else {
      for (int c = 0; c < target_colours; ++c)
        put(out + static_cast<std::size_t>(c),
            static_cast<std::uint32_t>(colour[colours == 1 ? 0 : c]));
    }
    if (target_alpha)
      put(out + static_cast<std::size_t>(kept - 1), static_cast<std::uint32_t>(alpha));
  }
}

}  // namespace

void convert_row_to_u8(const std::byte* source, PixelFormat format, int width,
                       ChannelLayout target_layout, std::uint8_t* target) {
  const int channels = format.channels();
  if (format.sample == SampleType::U8 && target_layout == format.layout) {
    std::memcpy(target, source,
                static_cast<std::size_t>(width) * static_cast<std::size_t>(channels));
    return;
  }
  convert_pixels(source, format, width, target_layout, 255,
                 [target](std::size_t i, std::uint32_t value) {
                   target[i] = static_cast<std::uint8_t>(value);
                 });
}

void convert_row_to_u16(const std::byte* source, PixelFormat format, int width,
                        std::uint16_t* target) {
  const std::size_t samples =
      static_cast<std::size_t>(width) * static_cast<std::size_t>(format.channels());
  for (std::size_t i = 0; i < samples; ++i) {
    target[i] = static_cast<std::uint16_t>(sample(source, format.sample, i, 65535));
  }
}

void convert_row_to_u16(const std::byte* source, PixelFormat format, int width,
                        ChannelLayout target_layout, std::uint16_t* target) {
  if (target_layout == format.layout) return convert_row_to_u16(source, format, width, target);
  convert_pixels(source, format, width, target_layout, 65535,
                 [target](std::size_t i, std::uint32_t value) {
                   target[i] = static_cast<std::uint16_t>(value);
                 });
}

}  // namespace tessera::codecs
