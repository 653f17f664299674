// EXIF orientation: the tag parsed from hostile bytes without reading out of bounds, the eight
// transforms checked against the EXIF specification's pictures worked out by hand, and read()
// turning a JPEG upright.

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <vector>

#include "codecs/exif_orientation.h"
#include "codecs/orientation.h"
#include "support/exif.h"
#include "tessera/codec.h"

namespace tessera {
namespace {

TEST(ExifOrientation, reads_the_tag_in_both_byte_orders) {
  for (const bool little : {true, false}) {
    for (int value = 1; value <= 8; ++value) {
      const auto block = testing::exif_block(value, little);
      EXPECT_EQ(codecs::exif_orientation(block.data(), block.size()), value);
    }
  }
}

TEST(ExifOrientation, hostile_blocks_give_the_default_without_reading_out_of_bounds) {
  const auto good = testing::exif_block(6, true);
  for (std::size_t size = 0; size < good.size() - 4; ++size) {
    // Every truncation: the copy is exactly `size` bytes long, so ASan sees any overread.
    const std::vector<unsigned char> cut(good.begin(),
                                         good.begin() + static_cast<std::ptrdiff_t>(size));
    const int value = codecs::exif_orientation(cut.data(), cut.size());
    EXPECT_TRUE(value == 1 || value == 6) << size;
  }
  auto far = good;
  far[10] = 0xFF;  // IFD offset far beyond the block
  EXPECT_EQ(codecs::exif_orientation(far.data(), far.size()), 1);
  auto many = good;
  many[14] = 0xFF;  // 65535 entries claimed in a block that holds one...
  many[15] = 0xFF;
  many[16] = 0x13;  // ...which is not Orientation: the search must stop at the block's end
  EXPECT_EQ(codecs::exif_orientation(many.data(), many.size()), 1);
  auto out_of_range = testing::exif_block(9, true);
  EXPECT_EQ(codecs::exif_orientation(out_of_range.data(), out_of_range.size()), 1);
  EXPECT_EQ(codecs::exif_orientation(nullptr, 0), 1);
}

// A 3x2 grey image whose pixels are the letters a..f:   a b c
//                                                       d e f
Image letters() {
  Image image = Image::create(3, 2, PixelFormat::gray8());
  std::memcpy(image.row(0), "abc", 3);
  std::memcpy(image.row(1), "def", 3);
  return image;
}

std::vector<std::string> rows_of(const Image& image) {
  std::vector<std::string> rows;
  for (int y = 0; y < image.height(); ++y) {
    rows.emplace_back(reinterpret_cast<const char*>(image.row(y)),
                      static_cast<std::size_t>(image.width()));
  }
  return rows;
}

TEST(Orientation, each_exif_orientation_turns_the_picture_upright) {
  // What a viewer shows for each tag value, from the EXIF 2.3 specification's figures.
  const std::vector<std::vector<std::string>> upright = {
      {"abc", "def"},      // 1: as stored
      {"cba", "fed"},      // 2: mirrored left-right
      {"fed", "cba"},      // 3: turned 180
      {"def", "abc"},      // 4: mirrored top-bottom
      {"ad", "be", "cf"},  // 5: transposed
      {"da", "eb", "fc"},  // 6: stored turned 90 anticlockwise: turn 90 clockwise
      {"fc", "eb", "da"},  // 7: transversed
      {"cf", "be", "ad"},  // 8: stored turned 90 clockwise: turn 90 anticlockwise
  };
  for (int orientation = 1; orientation <= 8; ++orientation) {
    EXPECT_EQ(rows_of(codecs::apply_orientation(letters(), orientation, {})),
              upright[orientation - 1])
        << "orientation " << orientation;
  }
}

TEST(Orientation, read_applies_a_jpeg_exif_tag_unless_asked_not_to) {
  // 16x8 grey: the left 8x8 block dark, the right one light (flat blocks survive JPEG).
  Image stored = Image::create(16, 8, PixelFormat::gray8());
  for (int y = 0; y < 8; ++y) {
    std::memset(stored.row(y), 40, 8);
    std::memset(stored.row(y) + 8, 200, 8);
  }
  const auto folder = std::filesystem::temp_directory_path();
  const auto plain = folder / ("tessera-orientation-" + std::to_string(::getpid()) + ".jpg");
  const auto tagged = folder / ("tessera-orientation-" + std::to_string(::getpid()) + "-6.jpg");
  write(stored, plain, {.quality = 100});

  testing::copy_jpeg_with_orientation(plain, 6, tagged);

  EXPECT_EQ(probe(tagged).orientation, 6);
  const Image upright = read(tagged);
  ASSERT_EQ(upright.width(), 8);
  ASSERT_EQ(upright.height(), 16);
  // Turned clockwise, the stored left (dark) block is now on top.
  EXPECT_NEAR(std::to_integer<int>(upright.row(3)[4]), 40, 2);
  EXPECT_NEAR(std::to_integer<int>(upright.row(12)[4]), 200, 2);
  const Image as_stored = read(tagged, {.apply_orientation = false});
  EXPECT_EQ(as_stored.width(), 16);
  std::filesystem::remove(plain);
  std::filesystem::remove(tagged);
}

}  // namespace
}  // namespace tessera
