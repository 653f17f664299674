#include <gtest/gtest.h>

#include <cstring>
#include <source_location>

#include "tessera/error.h"
#include "tessera/image.h"
#include "tessera/memory.h"
#include "tessera/profiler.h"

namespace tessera {
namespace {

TEST(Counters, live_bytes_and_buffers_rise_with_allocations_and_return_when_freed) {
  const auto before = memory::counters();
  {
    const Image a = Image::create(100, 100, PixelFormat::rgb8());
    const Image b = Image::create(10, 10, PixelFormat::gray8());
    const auto during = memory::counters();
    EXPECT_EQ(during.live_bytes - before.live_bytes, a.storage_bytes() + b.storage_bytes());
    EXPECT_EQ(during.live_buffers - before.live_buffers, 2u);
    EXPECT_EQ(during.total_allocations - before.total_allocations, 2u);
  }
  const auto after = memory::counters();
  EXPECT_EQ(after.live_bytes, before.live_bytes);
  EXPECT_EQ(after.live_buffers, before.live_buffers);
  EXPECT_EQ(after.total_allocations - before.total_allocations, 2u);
}

TEST(Counters, peak_is_the_high_water_mark_and_resets_to_live) {
  memory::reset_peak();
  const auto base = memory::counters().live_bytes;
  {
    const Image big = Image::create(1000, 1000, PixelFormat::rgb8());
    EXPECT_GE(memory::counters().peak_bytes, base + big.storage_bytes());
  }
  EXPECT_GE(memory::counters().peak_bytes, base + 3'000'000u);
  memory::reset_peak();
  EXPECT_EQ(memory::counters().peak_bytes, memory::counters().live_bytes);
}

TEST(Counters, copies_and_regions_do_not_allocate_pixels) {
  const Image image = Image::create(64, 64, PixelFormat::rgba8());
  const auto before = memory::counters();
  const Image copy = image;  // NOLINT: the copy is the point
  const Image region = image.region({1, 1, 10, 10});
  const auto after = memory::counters();
  EXPECT_EQ(after.total_allocations, before.total_allocations);
  EXPECT_EQ(after.live_bytes, before.live_bytes);
}

TEST(Buffer, allocate_gives_aligned_tracked_bytes_with_the_callers_site) {
  const auto before = memory::counters();
  const auto site = std::source_location::current();
  memory::Buffer buffer = memory::allocate(1000, {.label = "scratch"});
  EXPECT_EQ(buffer.size(), 1000u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(buffer.data()) % kAlignment, 0u);
  std::memset(buffer.data(), 0xAB, buffer.size());
  EXPECT_EQ(memory::counters().live_bytes - before.live_bytes, 1000u);

  const auto buffers = memory::snapshot().buffers;
  ASSERT_EQ(buffers.size(), 1u);
  EXPECT_EQ(buffers[0].label, "scratch");
  EXPECT_EQ(buffers[0].site.line, site.line() + 1);

  memory::Buffer copy = buffer;
  memory::Buffer moved = std::move(buffer);
  EXPECT_TRUE(buffer.empty());  // NOLINT(bugprone-use-after-move): documented state
  EXPECT_EQ(copy.data(), moved.data());
  EXPECT_EQ(memory::counters().live_buffers - before.live_buffers, 1u);
}

TEST(Buffer, zero_bytes_is_invalid_argument) {
  try {
    (void)memory::allocate(0, {.label = "nothing"});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(error.message().find("'nothing'"), std::string::npos);
  }
}

TEST(Buffer, an_impossible_size_is_an_error_not_a_crash) {
  const auto before = memory::counters();
  try {
    (void)memory::allocate(SIZE_MAX / 2, {.label = "absurd"});
    FAIL();
  } catch (const Error& error) {
    EXPECT_TRUE(error.code() == ErrorCode::OutOfMemory || error.code() == ErrorCode::ImageTooLarge)
        << error.what();
  }
  EXPECT_EQ(memory::counters().live_bytes, before.live_bytes);
}

}  // namespace
}  // namespace tessera
