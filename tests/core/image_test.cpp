#include "tessera/image.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "tessera/error.h"
#include "tessera/memory.h"

namespace tessera {
namespace {

// Fills every pixel byte with a value derived from its position, so copies can be checked.
void fill_pattern(const Image& image, int seed = 0) {
  for (int y = 0; y < image.height(); ++y) {
    auto* row = image.mutable_view().row<std::uint8_t>(y);
    for (std::size_t i = 0; i < image.view().row_bytes(); ++i) {
      row[i] = static_cast<std::uint8_t>(i * 7 + static_cast<std::size_t>(y) * 13 + seed);
    }
  }
}

bool same_pixels(const ImageView& a, const ImageView& b) {
  if (a.width() != b.width() || a.height() != b.height() || a.format() != b.format()) return false;
  for (int y = 0; y < a.height(); ++y) {
    if (std::memcmp(a.row(y), b.row(y), a.row_bytes()) != 0) return false;
  }
  return true;
}

TEST(Image, default_constructed_is_empty) {
  const Image image;
  EXPECT_TRUE(image.empty());
  EXPECT_EQ(image.width(), 0);
  EXPECT_EQ(image.storage_bytes(), 0u);
  EXPECT_TRUE(image.clone().empty());
}

TEST(Image, rows_are_aligned_and_padded_to_64_bytes) {
  for (const PixelFormat format : {PixelFormat::gray8(), PixelFormat::rgb8(),
                                   PixelFormat{ChannelLayout::Rgba, SampleType::F32},
                                   PixelFormat{ChannelLayout::GrayAlpha, SampleType::U16}}) {
    for (const int width : {1, 3, 21, 64, 1921}) {
      const Image image = Image::create(width, 5, format);
      EXPECT_EQ(reinterpret_cast<std::uintptr_t>(image.data()) % 64, 0u);
      EXPECT_EQ(image.stride() % 64, 0);
      EXPECT_GE(static_cast<std::size_t>(image.stride()), image.view().row_bytes());
      EXPECT_LT(static_cast<std::size_t>(image.stride()), image.view().row_bytes() + 64);
      EXPECT_EQ(image.storage_bytes(), static_cast<std::size_t>(image.stride()) * 5);
      for (int y = 0; y < image.height(); ++y) {
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(image.row(y)) % 64, 0u);
      }
    }
  }
}

TEST(Image, non_positive_size_is_invalid_argument) {
  for (const auto& [width, height] : {std::pair{0, 1}, {1, 0}, {-5, 10}, {10, -1}}) {
    try {
      (void)Image::create(width, height, PixelFormat::rgb8());
      FAIL() << "created a " << width << "x" << height << " image";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::InvalidArgument);
      EXPECT_NE(std::string(error.what()).find("not positive"), std::string::npos);
    }
  }
}

TEST(Image, size_that_overflows_is_image_too_large_and_allocates_nothing) {
  const auto before = memory::counters();
  try {
    (void)Image::create(1 << 30, 1 << 30, PixelFormat{ChannelLayout::Rgba, SampleType::F32});
    FAIL() << "a 2^60-byte image was created";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::ImageTooLarge);
  }
  EXPECT_EQ(memory::counters().live_bytes, before.live_bytes);
  EXPECT_EQ(memory::counters().total_allocations, before.total_allocations);
}

TEST(Image, copies_share_pixels_and_clone_does_not) {
  const Image original = Image::create(17, 9, PixelFormat::rgb8());
  fill_pattern(original);
  const Image copy = original;  // NOLINT: the copy is the point
  const Image deep = original.clone();
  EXPECT_TRUE(copy.shares_storage_with(original));
  EXPECT_FALSE(deep.shares_storage_with(original));
  EXPECT_TRUE(same_pixels(deep.view(), original.view()));

  original.mutable_view().row<std::uint8_t>(3)[5] ^= 0xFF;
  EXPECT_EQ(copy.view().row<std::uint8_t>(3)[5], original.view().row<std::uint8_t>(3)[5]);
  EXPECT_NE(deep.view().row<std::uint8_t>(3)[5], original.view().row<std::uint8_t>(3)[5]);
}

TEST(Image, moved_from_handle_is_empty_and_storage_survives_in_target) {
  Image source = Image::create(4, 4, PixelFormat::gray8());
  const std::byte* pixels = source.data();
  Image target = std::move(source);
  EXPECT_TRUE(source.empty());  // NOLINT(bugprone-use-after-move): documented state
  EXPECT_EQ(target.data(), pixels);
  target = target;  // self-assignment keeps the storage
  EXPECT_EQ(target.data(), pixels);
}

TEST(Image, compact_of_a_whole_image_is_the_same_storage) {
  const Image image = Image::create(100, 10, PixelFormat::rgba8());
  EXPECT_TRUE(image.compact().shares_storage_with(image));
}

TEST(Image, one_pixel_and_one_row_and_one_column_images_work) {
  for (const auto& [width, height] : {std::pair{1, 1}, {1, 257}, {257, 1}}) {
    const Image image = Image::create(width, height, PixelFormat::rgb8());
    fill_pattern(image, width);
    const Image copy = image.clone();
    EXPECT_TRUE(same_pixels(copy.view(), image.view()));
    const Image corner = image.region({width - 1, height - 1, 1, 1});
    EXPECT_EQ(corner.view().row<std::uint8_t>(0)[0],
              image.view().row<std::uint8_t>(height - 1)[(width - 1) * 3]);
  }
}

TEST(Image, views_carry_geometry_and_subviews_share_pixels) {
  const Image image = Image::create(30, 20, PixelFormat::gray8());
  fill_pattern(image);
  const ImageView view = image.view();
  EXPECT_EQ(view.width(), 30);
  EXPECT_EQ(view.height(), 20);
  EXPECT_EQ(view.stride(), image.stride());
  const ImageView inner = view.subview({5, 6, 10, 4});
  EXPECT_EQ(inner.row<std::uint8_t>(0), view.row<std::uint8_t>(6) + 5);
  EXPECT_FALSE(inner.contiguous());
  EXPECT_THROW((void)view.subview({25, 0, 10, 4}), Error);
  const MutableImageView writable = image.mutable_view().subview({0, 0, 2, 2});
  writable.row<std::uint8_t>(1)[1] = 42;
  EXPECT_EQ(image.view().row<std::uint8_t>(1)[1], 42);
}

TEST(Image, aligned_stride_rounds_row_bytes_up_to_64) {
  EXPECT_EQ(aligned_stride(1, PixelFormat::gray8()), 64);
  EXPECT_EQ(aligned_stride(64, PixelFormat::gray8()), 64);
  EXPECT_EQ(aligned_stride(65, PixelFormat::gray8()), 128);
  EXPECT_EQ(aligned_stride(1920, PixelFormat::rgb8()), 5760);
  EXPECT_EQ(aligned_stride(21, PixelFormat::rgb8()), 64);
}

}  // namespace
}  // namespace tessera
