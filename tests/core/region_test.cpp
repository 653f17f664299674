// Regions share their parent's storage. These tests pin down the gocv Mat.Region() scenario:
// the parent may be released first, the region stays valid, the profiler reports the pin in
// bytes, and compact()/clone() release the parent.

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "tessera/error.h"
#include "tessera/image.h"
#include "tessera/profiler.h"

namespace tessera {
namespace {

std::uint8_t pattern(int x, int y, int channel) {
  return static_cast<std::uint8_t>(x * 3 + y * 5 + channel * 11);
}

Image patterned_rgb(int width, int height) {
  Image image = Image::create(width, height, PixelFormat::rgb8());
  for (int y = 0; y < height; ++y) {
    auto* row = image.mutable_view().row<std::uint8_t>(y);
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < 3; ++c) row[x * 3 + c] = pattern(x, y, c);
    }
  }
  return image;
}

void expect_region_pattern(const Image& region, int x0, int y0) {
  for (int y = 0; y < region.height(); ++y) {
    const auto* row = region.view().row<std::uint8_t>(y);
    for (int x = 0; x < region.width(); ++x) {
      for (int c = 0; c < 3; ++c) ASSERT_EQ(row[x * 3 + c], pattern(x0 + x, y0 + y, c));
    }
  }
}

TEST(Region, releasing_the_parent_first_keeps_the_region_valid) {
  Image parent = patterned_rgb(400, 300);
  Image region = parent.region({120, 80, 64, 48});
  parent = {};  // the gocv case: parent.Close() before region.Close()
  // Under AddressSanitizer a use-after-free here would abort the test.
  expect_region_pattern(region, 120, 80);
  region.mutable_view().row<std::uint8_t>(0)[0] = 7;
  EXPECT_EQ(region.view().row<std::uint8_t>(0)[0], 7);
}

TEST(Region, nested_regions_address_the_right_pixels_and_share_storage) {
  Image parent = patterned_rgb(200, 100);
  const Image outer = parent.region({50, 20, 100, 60});
  const Image inner = outer.region({10, 5, 30, 20});
  EXPECT_TRUE(inner.shares_storage_with(parent));
  parent = {};
  expect_region_pattern(outer, 50, 20);
  expect_region_pattern(inner, 60, 25);
  const Image innermost = inner.region({29, 19, 1, 1});
  expect_region_pattern(innermost, 89, 44);
}

TEST(Region, out_of_bounds_region_is_invalid_argument_naming_both_sizes) {
  const Image parent = Image::create(100, 50, PixelFormat::gray8());
  for (const Rect rect : {Rect{90, 0, 20, 10}, Rect{0, 45, 10, 10}, Rect{-1, 0, 5, 5},
                          Rect{0, 0, 0, 5}, Rect{0, 0, 5, -2}}) {
    try {
      (void)parent.region(rect);
      FAIL() << "region accepted";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::InvalidArgument);
      EXPECT_NE(error.message().find("100x50"), std::string::npos) << error.what();
    }
  }
}

TEST(Region, a_region_pins_the_whole_parent_and_the_profiler_says_so_in_bytes) {
  Image parent = Image::create(4000, 3000, PixelFormat::rgb8(), {.label = "big photo"});
  const std::size_t parent_bytes = parent.storage_bytes();
  const int region_line = __LINE__ + 1;
  const Image face = parent.region({1200, 800, 64, 64});
  EXPECT_TRUE(memory::pinned_buffers().empty()) << "the parent's own handle is still alive";

  parent = {};
  EXPECT_EQ(face.storage_bytes(), parent_bytes);
  EXPECT_EQ(face.view_bytes(), 64u * 64 * 3);

  const auto pinned = memory::pinned_buffers();
  ASSERT_EQ(pinned.size(), 1u);
  EXPECT_EQ(pinned[0].bytes, parent_bytes);
  EXPECT_EQ(pinned[0].label, "big photo");
  ASSERT_EQ(pinned[0].regions.size(), 1u);
  const memory::RegionInfo& region = pinned[0].regions[0];
  EXPECT_EQ(region.rect, (Rect{1200, 800, 64, 64}));
  EXPECT_EQ(region.view_bytes, 64u * 64 * 3);
  EXPECT_EQ(region.handles, 1u);
  EXPECT_EQ(region.site.line, static_cast<std::uint32_t>(region_line));
  EXPECT_EQ(region.site.file, std::source_location::current().file_name());

  const std::string report = memory::leak_report().to_string();
  EXPECT_NE(report.find("pinned: only 1 region keeps all " + memory::format_bytes(parent_bytes)),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("region 64x64 at (1200, 800)"), std::string::npos) << report;
}

TEST(Region, compact_releases_the_parent_and_keeps_the_pixels) {
  const auto live_at_start = memory::counters().live_bytes;
  Image parent = patterned_rgb(1000, 800);
  Image face = parent.region({300, 200, 50, 40});
  parent = {};
  EXPECT_GE(memory::counters().live_bytes - live_at_start, 1000u * 800 * 3);

  face = face.compact();
  expect_region_pattern(face, 300, 200);
  EXPECT_EQ(face.storage_bytes(), static_cast<std::size_t>(face.stride()) * 40);
  EXPECT_EQ(memory::counters().live_bytes - live_at_start, face.storage_bytes());
  EXPECT_TRUE(memory::pinned_buffers().empty());
}

TEST(Region, clone_of_a_region_also_releases_the_parent) {
  const auto live_at_start = memory::counters().live_bytes;
  Image parent = patterned_rgb(500, 500);
  const Image copy = parent.region({10, 10, 20, 20}).clone();
  parent = {};
  expect_region_pattern(copy, 10, 10);
  EXPECT_EQ(memory::counters().live_bytes - live_at_start, copy.storage_bytes());
}

TEST(Region, sharing_is_reported_while_the_parent_is_alive) {
  const Image parent = Image::create(64, 64, PixelFormat::gray8());
  const Image a = parent.region({0, 0, 8, 8});
  const Image b = parent.region({8, 8, 8, 8});
  const Image a_copy = a;  // NOLINT: a second handle on the same region
  const auto snapshot = memory::snapshot();
  ASSERT_EQ(snapshot.buffers.size(), 1u);
  const memory::BufferInfo& buffer = snapshot.buffers[0];
  EXPECT_EQ(buffer.direct_handles, 1u);
  ASSERT_EQ(buffer.regions.size(), 2u);
  EXPECT_EQ(buffer.regions[0].handles, 2u);
  EXPECT_EQ(buffer.regions[1].rect, (Rect{8, 8, 8, 8}));
  EXPECT_FALSE(buffer.pinned_by_regions());
}

TEST(Region, hundred_thousand_create_region_release_cycles_end_with_zero_live_bytes) {
  const auto before = memory::counters();
  for (int i = 0; i < 100'000; ++i) {
    Image parent = Image::create(32 + i % 7, 16 + i % 5, PixelFormat::rgb8());
    Image region = parent.region({i % 4, i % 3, 8, 8});
    if (i % 2 == 0) parent = {};  // release order alternates
    Image nested = region.region({1, 1, 4, 4});
    if (i % 3 == 0) nested = nested.compact();
  }
  const auto after = memory::counters();
  EXPECT_EQ(after.live_bytes, before.live_bytes);
  EXPECT_EQ(after.live_buffers, before.live_buffers);
  EXPECT_GE(after.total_allocations - before.total_allocations, 100'000u);
}

TEST(Region, concurrent_region_handles_on_one_storage_balance_out) {
  const auto before = memory::counters();
  {
    const Image parent = Image::create(256, 256, PixelFormat::rgba8());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&parent, t] {
        for (int i = 0; i < 20'000; ++i) {
          const Image region = parent.region({t * 16, i % 200, 16, 16});
          const Image copy = region;  // NOLINT: exercises the reference count
          (void)copy.region({0, 0, 4, 4});
        }
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_TRUE(memory::snapshot().buffers.at(0).regions.empty());
  }
  EXPECT_EQ(memory::counters().live_bytes, before.live_bytes);
  EXPECT_EQ(memory::counters().live_buffers, before.live_buffers);
}

}  // namespace
}  // namespace tessera
