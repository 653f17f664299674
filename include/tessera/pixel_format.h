#pragma once
// PixelFormat: channel layout x sample type, e.g. RGB with 8-bit samples.
//
// Channel order inside tessera is always RGB(A); BGR exists only at interop edges. Samples of
// one pixel are interleaved. A PixelFormat is a small value type: compare it, copy it, switch
// on its parts.
//
//   auto format = tessera::PixelFormat::rgb8();
//   format.bytes_per_pixel();  // 3
//   format.name();             // "rgb8"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tessera {

enum class ChannelLayout : unsigned char { Gray, GrayAlpha, Rgb, Rgba };
enum class SampleType : unsigned char { U8, U16, F32 };

constexpr int channel_count(ChannelLayout layout) {
  switch (layout) {
    case ChannelLayout::Gray:
      return 1;
    case ChannelLayout::GrayAlpha:
      return 2;
    case ChannelLayout::Rgb:
      return 3;
    case ChannelLayout::Rgba:
      return 4;
  }
  return 0;
}

constexpr std::size_t sample_size(SampleType type) {
  switch (type) {
    case SampleType::U8:
      return 1;
    case SampleType::U16:
      return 2;
    case SampleType::F32:
      return 4;
  }
  return 0;
}

struct PixelFormat {
  ChannelLayout layout = ChannelLayout::Rgb;
  SampleType sample = SampleType::U8;

  static constexpr PixelFormat gray8() { return {ChannelLayout::Gray, SampleType::U8}; }
  static constexpr PixelFormat gray_alpha8() { return {ChannelLayout::GrayAlpha, SampleType::U8}; }
  static constexpr PixelFormat rgb8() { return {ChannelLayout::Rgb, SampleType::U8}; }
  static constexpr PixelFormat rgba8() { return {ChannelLayout::Rgba, SampleType::U8}; }

  constexpr int channels() const { return channel_count(layout); }
  constexpr std::size_t bytes_per_sample() const { return sample_size(sample); }
  constexpr std::size_t bytes_per_pixel() const { return channels() * bytes_per_sample(); }
  constexpr bool has_alpha() const {
    return layout == ChannelLayout::GrayAlpha || layout == ChannelLayout::Rgba;
  }

  // "gray8", "graya16", "rgb8", "rgbaf32", ...: layout name then sample name.
  std::string name() const;

  friend constexpr bool operator==(PixelFormat, PixelFormat) = default;
};

// The inverse of PixelFormat::name(); nullopt for anything else.
std::optional<PixelFormat> parse_pixel_format(std::string_view name);

}  // namespace tessera
