// read_region: every format's rectangle equals the same rectangle of the whole decoded image
// (upright, for every EXIF orientation), a tiled TIFF reads only the tiles a rectangle touches
// (its memory stays far below one row of tiles), and rectangles outside the image are refused.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "support/exif.h"
#include "support/images.h"
#include "tessera/budget.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera {
namespace {

// Gradients, edges and noise: neighbouring rectangles differ, so an offset by one shows.
Image photo_like(int width, int height) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> noise(0, 40);
  Image image = Image::create(width, height, PixelFormat::rgb8());
  for (int y = 0; y < height; ++y) {
    auto* row = image.mutable_view().row<std::uint8_t>(y);
    for (int x = 0; x < width; ++x) {
      row[3 * x] = static_cast<std::uint8_t>(x * 200 / width + noise(random));
      row[3 * x + 1] = static_cast<std::uint8_t>(y * 200 / height + noise(random));
      row[3 * x + 2] = static_cast<std::uint8_t>(((x / 17 + y / 13) % 2) * 180 + noise(random));
    }
  }
  return image;
}

class ReadRegion : public ::testing::Test {
 protected:
  std::filesystem::path file(const std::string& name) const {
    return std::filesystem::temp_directory_path() /
           ("tessera-region-" + std::to_string(::getpid()) + "-" + name);
  }
  void TearDown() override {
    for (const auto& path : written_) std::filesystem::remove(path);
  }
  std::filesystem::path written(const std::string& name) {
    written_.push_back(file(name));
    return written_.back();
  }
  std::vector<std::filesystem::path> written_;
};

// Rectangles at the corners, along the edges, one pixel, one row, one column, the whole image
// and some inside, for a width x height image.
std::vector<Rect> rectangles(int width, int height) {
  std::vector<Rect> result = {
      {0, 0, width, height},         {0, 0, 1, 1},
      {width - 1, height - 1, 1, 1}, {0, height / 2, width, 1},
      {width / 3, 0, 1, height},     {width - 37, 0, 37, 29},
      {0, height - 41, 53, 41},      {width / 4, height / 3, width / 2, height / 3}};
  std::mt19937 random(11);
  for (int i = 0; i < 12; ++i) {
    const int w = std::uniform_int_distribution<int>(1, width)(random);
    const int h = std::uniform_int_distribution<int>(1, height)(random);
    result.push_back({std::uniform_int_distribution<int>(0, width - w)(random),
                      std::uniform_int_distribution<int>(0, height - h)(random), w, h});
  }
  return result;
}

void expect_regions_equal_the_whole(const std::filesystem::path& path,
                                    const DecodeOptions& options = {}) {
  const Image whole = read(path, options);
  for (const Rect& r : rectangles(whole.width(), whole.height())) {
    SCOPED_TRACE(::testing::Message() << path.filename() << " " << r.width << "x" << r.height
                                      << " at (" << r.x << ", " << r.y << ")");
    const Image part = read_region(path, r, options);
    ASSERT_EQ(part.width(), r.width);
    ASSERT_EQ(part.height(), r.height);
    EXPECT_TRUE(testing::same_pixels(part, whole.region(r).clone()));
  }
}

TEST_F(ReadRegion, every_format_gives_the_rectangle_of_the_whole_image) {
  const Image image = photo_like(613, 419);
  const std::vector<std::pair<std::string, EncodeOptions>> files = {
      {"a.png", {}},
      {"a.jpg", {.quality = 85}},
      {"a.webp", {.lossless = true}},
      {"a.bmp", {}},
      {"a.ppm", {}},
      {"strips.tif", {}},
      {"tiles.tif", {.tiled = true}},
      {"tiles-jpeg.tif", {.tiff_compression = TiffCompression::Jpeg, .tiled = true}},
      {"strips-lzw.tif", {.tiff_compression = TiffCompression::Lzw}},
  };
  for (const auto& [name, options] : files) {
    const auto path = written(name);
    write(image, path, options);
    expect_regions_equal_the_whole(path);
  }
}

TEST_F(ReadRegion, rectangles_are_of_the_upright_image_for_every_orientation) {
  const auto plain = written("plain.jpg");
  write(photo_like(301, 187), plain, {.quality = 95});
  for (int orientation = 1; orientation <= 8; ++orientation) {
    SCOPED_TRACE(orientation);
    const auto tagged = written("tagged-" + std::to_string(orientation) + ".jpg");
    testing::copy_jpeg_with_orientation(plain, orientation, tagged);
    expect_regions_equal_the_whole(tagged);
    expect_regions_equal_the_whole(tagged, {.apply_orientation = false});
  }
}

TEST_F(ReadRegion, a_tiled_tiff_reads_only_the_tiles_the_rectangle_touches) {
  // 4096 x 768 RGB in 256 x 256 tiles: a row of tiles is 3 MiB. A 100 x 50 rectangle inside one
  // tile needs that tile (192 KiB), its copy and the rectangle: a budget of 1 MiB holds it, and
  // its peak says no row of tiles was read.
  const auto path = written("wide.tif");
  write(photo_like(4096, 768), path, {.tiled = true});
  MemoryBudget budget(std::size_t{1} << 20, "region test");
  const Rect inside_one_tile{2600, 300, 100, 50};
  const Image part = read_region(path, inside_one_tile, {.limits = {.budget = &budget}});
  EXPECT_LT(budget.peak(), std::size_t{1} << 20);
  EXPECT_TRUE(testing::same_pixels(part, read(path).region(inside_one_tile).clone()));
  // The whole image would not fit: the budget is what made the check above mean something.
  EXPECT_THROW(read(path, {.limits = {.budget = &budget}}), Error);
}

TEST_F(ReadRegion, rectangles_outside_the_image_are_refused_in_words) {
  const auto path = written("small.png");
  write(photo_like(40, 30), path);
  for (const Rect& outside : std::vector<Rect>{{0, 0, 0, 5},
                                               {0, 0, 5, 0},
                                               {-1, 0, 5, 5},
                                               {0, -1, 5, 5},
                                               {36, 0, 5, 5},
                                               {0, 26, 5, 5},
                                               {0, 0, 41, 30}}) {
    try {
      read_region(path, outside);
      ADD_FAILURE() << "accepted " << outside.width << "x" << outside.height << " at (" << outside.x
                    << ", " << outside.y << ")";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::InvalidArgument);
      EXPECT_NE(std::string(error.what()).find("not inside the 40x30 image"), std::string::npos)
          << error.what();
    }
  }
}

}  // namespace
}  // namespace tessera
