// Wrapping memory someone else owns: the deleter runs exactly once, when the last view goes.

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "tessera/budget.h"
#include "tessera/error.h"
#include "tessera/image.h"
#include "tessera/profiler.h"

namespace tessera {
namespace {

// Stands in for a numpy array: caller-owned pixels plus a count of deleter calls.
struct ForeignArray {
  std::vector<std::uint8_t> pixels;
  int deleter_calls = 0;
};

Image wrap_array(ForeignArray& array, int width, int height) {
  array.pixels.assign(static_cast<std::size_t>(width) * height * 3, 0);
  for (std::size_t i = 0; i < array.pixels.size(); ++i) {
    array.pixels[i] = static_cast<std::uint8_t>(i);
  }
  return Image::wrap(
      array.pixels.data(), width, height, width * 3, PixelFormat::rgb8(),
      [&array] { ++array.deleter_calls; }, "numpy array");
}

TEST(Wrap, deleter_runs_once_when_the_last_handle_goes) {
  ForeignArray array;
  Image image = wrap_array(array, 10, 10);
  Image copy = image;
  image = {};
  EXPECT_EQ(array.deleter_calls, 0);
  copy = {};
  EXPECT_EQ(array.deleter_calls, 1);
}

TEST(Wrap, regions_keep_the_owner_alive_after_the_wrapping_handle_is_gone) {
  ForeignArray array;
  Image image = wrap_array(array, 20, 10);
  Image region = image.region({5, 2, 4, 4});
  Image nested = region.region({1, 1, 2, 2});
  image = {};
  region = {};
  EXPECT_EQ(array.deleter_calls, 0);
  EXPECT_EQ(nested.view().row<std::uint8_t>(0)[0], array.pixels[(3 * 20 + 6) * 3]);
  nested = {};
  EXPECT_EQ(array.deleter_calls, 1);
}

TEST(Wrap, pixels_are_the_callers_not_a_copy) {
  ForeignArray array;
  const Image image = wrap_array(array, 4, 4);
  EXPECT_EQ(image.data(), reinterpret_cast<std::byte*>(array.pixels.data()));
  image.mutable_view().row<std::uint8_t>(1)[2] = 200;
  EXPECT_EQ(array.pixels[4 * 3 + 2], 200);
}

TEST(Wrap, a_failed_wrap_never_calls_the_deleter) {
  int calls = 0;
  std::vector<std::uint8_t> pixels(100);
  const auto count = [&calls] { ++calls; };
  EXPECT_THROW((void)Image::wrap(pixels.data(), 10, 10, 5, PixelFormat::gray8(), count), Error);
  EXPECT_THROW((void)Image::wrap(nullptr, 10, 10, 10, PixelFormat::gray8(), count), Error);
  EXPECT_THROW((void)Image::wrap(pixels.data(), 0, 10, 10, PixelFormat::gray8(), count), Error);
  EXPECT_EQ(calls, 0);
}

TEST(Wrap, wrapped_bytes_are_counted_apart_and_charged_to_no_budget) {
  ForeignArray array;
  MemoryBudget budget(1024, "tiny");
  BudgetScope scope(budget);
  const auto before = memory::counters();
  {
    const Image image = wrap_array(array, 100, 100);  // 30,000 bytes, far over the budget
    const auto during = memory::counters();
    EXPECT_EQ(during.wrapped_bytes - before.wrapped_bytes, 30'000u);
    EXPECT_EQ(during.live_bytes, before.live_bytes);
    EXPECT_EQ(during.live_buffers, before.live_buffers + 1);
    EXPECT_EQ(budget.used(), 0u);
    const auto snapshot = memory::snapshot();
    ASSERT_EQ(snapshot.buffers.size(), 1u);
    EXPECT_TRUE(snapshot.buffers[0].wrapped);
    EXPECT_EQ(snapshot.buffers[0].label, "numpy array");
  }
  EXPECT_EQ(memory::counters().wrapped_bytes, before.wrapped_bytes);
  EXPECT_EQ(array.deleter_calls, 1);
}

TEST(Wrap, compact_of_a_wrapped_region_copies_into_tessera_memory_and_frees_the_owner) {
  ForeignArray array;
  Image region = wrap_array(array, 50, 50).region({10, 10, 5, 5});
  const std::uint8_t first = region.view().row<std::uint8_t>(0)[0];
  region = region.compact();
  EXPECT_EQ(array.deleter_calls, 1);
  EXPECT_EQ(region.view().row<std::uint8_t>(0)[0], first);
}

TEST(Wrap, the_deleter_runs_after_tessera_let_go_of_the_pixels) {
  // The owner frees its memory in the deleter; nothing may touch it afterwards (ASan checks).
  auto* pixels = new std::uint8_t[64 * 64];
  Image image =
      Image::wrap(pixels, 64, 64, 64, PixelFormat::gray8(), [pixels] { delete[] pixels; });
  Image region = image.region({0, 0, 8, 8});
  image = {};
  region = {};
  SUCCEED();
}

}  // namespace
}  // namespace tessera
