#include "tessera/pixel_format.h"

#include <array>

namespace tessera {
namespace {

constexpr std::array kLayouts = {ChannelLayout::Gray, ChannelLayout::GrayAlpha, ChannelLayout::Rgb,
                                 ChannelLayout::Rgba};
constexpr std::array kSamples = {SampleType::U8, SampleType::U16, SampleType::F32};

std::string_view layout_name(ChannelLayout layout) {
  switch (layout) {
    case ChannelLayout::Gray:
      return "gray";
    case ChannelLayout::GrayAlpha:
      return "graya";
    case ChannelLayout::Rgb:
      return "rgb";
    case ChannelLayout::Rgba:
      return "rgba";
  }
  return "?";
}

std::string_view sample_name(SampleType sample) {
  switch (sample) {
    case SampleType::U8:
      return "8";
    case SampleType::U16:
      return "16";
    case SampleType::F32:
      return "f32";
  }
  return "?";
}

}  // namespace

std::string PixelFormat::name() const {
  return std::string(layout_name(layout)) + std::string(sample_name(sample));
}

std::optional<PixelFormat> parse_pixel_format(std::string_view name) {
  for (ChannelLayout layout : kLayouts) {
    for (SampleType sample : kSamples) {
      const PixelFormat format{layout, sample};
      if (format.name() == name) return format;
    }
  }
  return std::nullopt;
}

}  // namespace tessera
