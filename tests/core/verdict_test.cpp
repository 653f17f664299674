// The verdict that tells a leak from allocator retention, untracked heap growth and growth
// outside malloc, from tracked bytes, mallinfo2 and RSS side by side.

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "support/sanitizers.h"
#include "tessera/image.h"
#include "tessera/profiler.h"

namespace tessera {
namespace {

constexpr std::size_t MiB = std::size_t{1} << 20;

constexpr bool kGlibcMalloc = !testing::kSanitized;  // mallinfo2 is blind under a sanitizer

memory::MemoryReading reading(std::size_t tracked, std::size_t in_use, std::size_t held,
                              std::size_t rss) {
  return {
      .tracked_live = tracked,
      .process = {.rss = rss, .peak_rss = rss, .malloc_in_use = in_use, .malloc_free_held = held}};
}

TEST(Verdict, growth_of_tracked_bytes_is_a_leak_whatever_else_grew) {
  const auto base = reading(0, 10 * MiB, 1 * MiB, 50 * MiB);
  EXPECT_EQ(memory::classify(base, reading(40 * MiB, 50 * MiB, 30 * MiB, 90 * MiB)).verdict,
            memory::Verdict::TrackedLeak);
}

TEST(Verdict, heap_growth_beyond_tracked_bytes_is_untracked_heap) {
  const auto base = reading(5 * MiB, 10 * MiB, 1 * MiB, 50 * MiB);
  EXPECT_EQ(memory::classify(base, reading(5 * MiB, 30 * MiB, 1 * MiB, 70 * MiB)).verdict,
            memory::Verdict::UntrackedHeap);
}

TEST(Verdict, freed_memory_kept_by_malloc_is_retention_not_a_leak) {
  const auto base = reading(0, 10 * MiB, 1 * MiB, 50 * MiB);
  const auto verdict = memory::classify(base, reading(0, 10 * MiB, 60 * MiB, 110 * MiB));
  EXPECT_EQ(verdict.verdict, memory::Verdict::AllocatorRetention);
  EXPECT_NE(verdict.to_string().find("not a leak"), std::string::npos);
}

TEST(Verdict, rss_growth_that_malloc_does_not_explain_is_outside_malloc) {
  const auto base = reading(0, 10 * MiB, 1 * MiB, 50 * MiB);
  EXPECT_EQ(memory::classify(base, reading(0, 10 * MiB, 1 * MiB, 80 * MiB)).verdict,
            memory::Verdict::OutsideMalloc);
}

TEST(Verdict, growth_of_process_figures_within_noise_is_stable) {
  const auto base = reading(0, 10 * MiB, 1 * MiB, 50 * MiB);
  EXPECT_EQ(
      memory::classify(base, reading(0, 10 * MiB + 500'000, 1 * MiB + 300'000, 51 * MiB)).verdict,
      memory::Verdict::Stable);
}

TEST(Verdict, any_growth_of_tracked_bytes_counts_because_they_are_exact) {
  const auto base = reading(0, 10 * MiB, 1 * MiB, 50 * MiB);
  EXPECT_EQ(memory::classify(base, reading(64, 10 * MiB, 1 * MiB, 50 * MiB)).verdict,
            memory::Verdict::TrackedLeak);
}

TEST(Verdict, report_puts_the_four_figures_side_by_side) {
  const auto text =
      memory::classify(reading(0, 0, 0, 0), reading(12 * MiB, 13 * MiB, 0, 20 * MiB)).to_string();
  EXPECT_NE(text.find("tracked live"), std::string::npos);
  EXPECT_NE(text.find("malloc in use"), std::string::npos);
  EXPECT_NE(text.find("malloc free (held)"), std::string::npos);
  EXPECT_NE(text.find("RSS"), std::string::npos);
  EXPECT_NE(text.find("+12.0 MiB"), std::string::npos);
}

TEST(Verdict, live_images_in_a_real_process_read_as_a_leak) {
  const auto baseline = memory::read_memory();
  std::vector<Image> kept;
  for (int i = 0; i < 4; ++i) kept.push_back(Image::create(1024, 1024, PixelFormat::rgb8()));
  EXPECT_EQ(memory::classify(baseline, memory::read_memory()).verdict,
            memory::Verdict::TrackedLeak);
  kept.clear();
  EXPECT_NE(memory::classify(baseline, memory::read_memory()).verdict,
            memory::Verdict::TrackedLeak);
}

TEST(Verdict, fragmented_small_frees_in_a_real_process_read_as_retention) {
  if (!kGlibcMalloc) GTEST_SKIP() << "mallinfo2 does not see the sanitizer's allocator";
  const auto baseline = memory::read_memory();
  // 40,000 small blocks, then free all but every 64th: malloc keeps the holes between them.
  std::vector<void*> blocks(40'000);
  for (void*& block : blocks) {
    block = std::malloc(1000);
    static_cast<volatile char*>(block)[0] = 1;
  }
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (i % 64 != 0) std::free(blocks[i]);
  }
  const auto verdict = memory::classify(baseline, memory::read_memory());
  EXPECT_EQ(verdict.verdict, memory::Verdict::AllocatorRetention) << verdict.to_string();
  for (std::size_t i = 0; i < blocks.size(); i += 64) std::free(blocks[i]);
}

TEST(Verdict, malloc_outside_tessera_in_a_real_process_reads_as_untracked_heap) {
  if (!kGlibcMalloc) GTEST_SKIP() << "mallinfo2 does not see the sanitizer's allocator";
  const auto baseline = memory::read_memory();
  std::vector<void*> blocks(8'000);  // like a codec's internal tables: 8 MB in small pieces
  for (void*& block : blocks) {
    block = std::malloc(1000);
    static_cast<volatile char*>(block)[0] = 1;
  }
  const auto verdict = memory::classify(baseline, memory::read_memory());
  EXPECT_EQ(verdict.verdict, memory::Verdict::UntrackedHeap) << verdict.to_string();
  for (void* block : blocks) std::free(block);
}

TEST(Verdict, process_memory_readings_are_plausible) {
  const auto process = memory::read_process_memory();
  EXPECT_GT(process.rss, 1 * MiB);
  EXPECT_GE(process.peak_rss, process.rss);
}

}  // namespace
}  // namespace tessera
