// Netpbm outputs are what their extension says (issue 14, item 7): .pgm gray (P5, BT.601 luma
// as the gray op), .ppm RGB (P6, alpha flattened onto white), .pnm P5 or P6 by the image's
// colours (alpha flattened), .pam every channel (P7).

#include <gtest/gtest.h>

#include <fstream>

#include "support/images.h"
#include "tessera/codec.h"
#include "tessera/ops.h"

namespace tessera {
namespace {

class NetpbmExtension : public testing::ScratchFolderTest {
 protected:
  std::string magic(const std::filesystem::path& path) const {
    std::ifstream in(path, std::ios::binary);
    std::string first(2, '\0');
    in.read(first.data(), 2);
    return first;
  }
};

TEST_F(NetpbmExtension, pgm_of_rgb_is_gray_p5) {
  const Image rgb = testing::smooth_rgb(64, 48);
  write(rgb, file("out.pgm"));
  EXPECT_EQ(magic(file("out.pgm")), "P5");
  const Image gray = read(file("out.pgm"));
  ASSERT_EQ(gray.format(), PixelFormat::gray8());
  EXPECT_LE(testing::largest_difference(gray, ops::gray(rgb.view())), 1);

  const Image deep = testing::pattern(32, 16, {ChannelLayout::Rgb, SampleType::U16});
  write(deep, file("deep.pgm"));
  EXPECT_EQ(read(file("deep.pgm")).format(), PixelFormat({ChannelLayout::Gray, SampleType::U16}));
}

TEST_F(NetpbmExtension, ppm_of_rgba_is_rgb_p6_flattened_and_pam_keeps_alpha) {
  const Image rgba = testing::pattern(40, 30, PixelFormat::rgba8());
  write(rgba, file("out.ppm"));
  EXPECT_EQ(magic(file("out.ppm")), "P6");
  const Image rgb = read(file("out.ppm"));
  ASSERT_EQ(rgb.format(), PixelFormat::rgb8());
  EXPECT_LE(testing::largest_difference(
                rgb, ops::find_op("flatten").apply(
                         rgba.view(), ops::bind_arguments(ops::find_op("flatten"), {}))),
            0);
  write(rgba, file("out.pnm"));
  EXPECT_EQ(magic(file("out.pnm")), "P6");
  write(rgba, file("out.pam"));
  EXPECT_EQ(magic(file("out.pam")), "P7");
  EXPECT_TRUE(testing::same_pixels(read(file("out.pam")), rgba));
}

TEST_F(NetpbmExtension, ppm_of_gray_is_rgb_p6) {
  const Image gray = testing::pattern(20, 10, PixelFormat::gray8());
  write(gray, file("out.ppm"));
  EXPECT_EQ(magic(file("out.ppm")), "P6");
  const Image rgb = read(file("out.ppm"));
  ASSERT_EQ(rgb.format(), PixelFormat::rgb8());
  EXPECT_EQ(rgb.view().row<std::uint8_t>(3)[5 * 3 + 2], gray.view().row<std::uint8_t>(3)[5]);
}

}  // namespace
}  // namespace tessera
