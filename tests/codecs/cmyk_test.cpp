// CMYK to RGB through the file's own ICC profile (issue 14, item 5): a CMYK JPEG decodes to
// what libvips' colour-managed `vips icc_transform IN OUT srgb` gives, within 2 levels, and no
// CMYK profile is ever written beside RGB pixels.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "support/corpora.h"
#include "support/images.h"
#include "tessera/codec.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using testing::corpora;

const char* kCmykWithProfile =
    "jpeg/seed-corpora/bugs/decompress/8bit/testorig_rot180_cmyk_411_q50_opt_rst1B_test1icc.jpg";

class Cmyk : public testing::ScratchFolderTest {};

TEST_F(Cmyk, cmyk_jpeg_matches_libvips_colour_managed_srgb_within_two_levels) {
  TESSERA_REQUIRE_CORPORA();
  const fs::path source = corpora() / kCmykWithProfile;
  const fs::path reference = file("vips.png");
  const std::string command =
      "vips icc_transform '" + source.string() + "' '" + reference.string() + "' srgb 2>/dev/null";
  if (std::system(command.c_str()) != 0) GTEST_SKIP() << "vips (libvips-tools) is not installed";
  const Image vips = read(reference);
  const Image ours = read(source, {.apply_orientation = false});  // vips does not turn it
  ASSERT_EQ(ours.width(), vips.width());
  ASSERT_EQ(ours.height(), vips.height());
  ASSERT_EQ(vips.format(), PixelFormat::rgb8());
  int largest = 0;
  double total = 0;
  for (int y = 0; y < ours.height(); ++y) {
    for (std::size_t i = 0; i < ours.view().row_bytes(); ++i) {
      const int d =
          std::abs(std::to_integer<int>(ours.row(y)[i]) - std::to_integer<int>(vips.row(y)[i]));
      largest = std::max(largest, d);
      total += d;
    }
  }
  EXPECT_LE(largest, 2);
  EXPECT_LT(total / (static_cast<double>(ours.view().row_bytes()) * ours.height()), 0.1);
}

TEST_F(Cmyk, no_cmyk_profile_is_written_beside_rgb_pixels) {
  TESSERA_REQUIRE_CORPORA();
  const fs::path source = corpora() / kCmykWithProfile;
  const auto decoder = open_decoder(source);
  EXPECT_TRUE(decoder->info().has_icc_profile);
  EXPECT_TRUE(decoder->icc_profile().empty()) << "the CMYK profile does not describe RGB pixels";
  // Handed the CMYK profile anyway (read here from the file's APP2 "ICC_PROFILE" marker, a
  // single chunk in this file), every encoder leaves it out.
  std::ifstream in(source, std::ios::binary);
  const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>()};
  std::vector<std::byte> cmyk_profile;
  for (std::size_t i = 0; i + 20 < bytes.size(); ++i) {
    if (std::string_view(bytes.data() + i, 12) == std::string_view("ICC_PROFILE\0", 12)) {
      const std::size_t start = i + 14;  // after the name and the chunk numbers
      const std::size_t length = static_cast<std::size_t>(
          static_cast<unsigned char>(bytes[i - 2]) << 8 | static_cast<unsigned char>(bytes[i - 1]));
      for (std::size_t k = start; k < i - 2 + length && k < bytes.size(); ++k)
        cmyk_profile.push_back(static_cast<std::byte>(bytes[k]));
      break;
    }
  }
  ASSERT_GE(cmyk_profile.size(), 128U);
  ASSERT_EQ(std::string_view(reinterpret_cast<const char*>(cmyk_profile.data()) + 16, 4), "CMYK");
  const Image image = read(*decoder);
  for (const char* name : {"out.png", "out.jpg", "out.tif", "out.webp"}) {
    write(image, file(name), {.icc_profile = cmyk_profile});
    EXPECT_FALSE(probe(file(name)).has_icc_profile) << name;
  }
}

}  // namespace
}  // namespace tessera
