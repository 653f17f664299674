#include "tessera/pixel_format.h"

#include <gtest/gtest.h>

#include <set>

namespace tessera {
namespace {

TEST(PixelFormat, sizes_of_every_layout_and_sample_type) {
  EXPECT_EQ(PixelFormat::gray8().bytes_per_pixel(), 1u);
  EXPECT_EQ(PixelFormat::gray_alpha8().bytes_per_pixel(), 2u);
  EXPECT_EQ(PixelFormat::rgb8().bytes_per_pixel(), 3u);
  EXPECT_EQ(PixelFormat::rgba8().bytes_per_pixel(), 4u);
  EXPECT_EQ((PixelFormat{ChannelLayout::Rgb, SampleType::U16}).bytes_per_pixel(), 6u);
  EXPECT_EQ((PixelFormat{ChannelLayout::Rgba, SampleType::F32}).bytes_per_pixel(), 16u);
  EXPECT_TRUE(PixelFormat::rgba8().has_alpha());
  EXPECT_FALSE(PixelFormat::rgb8().has_alpha());
}

TEST(PixelFormat, names_are_unique_and_parse_back) {
  std::set<std::string> names;
  for (const auto layout :
       {ChannelLayout::Gray, ChannelLayout::GrayAlpha, ChannelLayout::Rgb, ChannelLayout::Rgba}) {
    for (const auto sample : {SampleType::U8, SampleType::U16, SampleType::F32}) {
      const PixelFormat format{layout, sample};
      names.insert(format.name());
      EXPECT_EQ(parse_pixel_format(format.name()), format);
    }
  }
  EXPECT_EQ(names.size(), 12u);
  EXPECT_EQ(PixelFormat::rgb8().name(), "rgb8");
  EXPECT_EQ((PixelFormat{ChannelLayout::GrayAlpha, SampleType::U16}).name(), "graya16");
  EXPECT_FALSE(parse_pixel_format("bgr8").has_value());
}

}  // namespace
}  // namespace tessera
