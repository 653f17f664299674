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

void convert_row_to_u8(const std::byte* source, PixelFormat format, int width,
                       ChannelLayout target_layout, std::uint8_t* target) {
  const int channels = format.channels();
  const int kept = channel_count(target_layout);
  if (format.sample == SampleType::U8 && kept == channels) {
    std::memcpy(target, source,
                static_cast<std::size_t>(width) * static_cast<std::size_t>(channels));
    return;
  }
  for (int x = 0; x < width; ++x) {
    for (int c = 0; c < kept; ++c) {
      target[x * kept + c] = static_cast<std::uint8_t>(
          sample(source, format.sample, static_cast<std::size_t>(x * channels + c), 255));
    }
  }
}

void convert_row_to_u16(const std::byte* source, PixelFormat format, int width,
                        std::uint16_t* target) {
  const std::size_t samples =
      static_cast<std::size_t>(width) * static_cast<std::size_t>(format.channels());
  for (std::size_t i = 0; i < samples; ++i) {
    target[i] = static_cast<std::uint16_t>(sample(source, format.sample, i, 65535));
  }
}

}  // namespace tessera::codecs
