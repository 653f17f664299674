// The profiler: snapshots record each live buffer's site, label, thread and sharing; compare()
// reports per-site deltas like tracemalloc; the leak report lists what is alive.

#include "tessera/profiler.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <source_location>
#include <vector>

#include "tessera/image.h"

namespace tessera {
namespace {

std::string this_file() { return std::source_location::current().file_name(); }

TEST(Profiler, snapshot_records_label_site_thread_and_size) {
  ASSERT_TRUE(memory::profiling());
  const int line = __LINE__ + 1;
  const Image image = Image::create(300, 200, PixelFormat::rgb8(), {.label = "decoded"});
  const auto snapshot = memory::snapshot();
  ASSERT_EQ(snapshot.buffers.size(), 1u);
  const memory::BufferInfo& buffer = snapshot.buffers[0];
  EXPECT_EQ(buffer.bytes, image.storage_bytes());
  EXPECT_EQ(buffer.label, "decoded");
  EXPECT_EQ(buffer.site.file, this_file());
  EXPECT_EQ(buffer.site.line, static_cast<std::uint32_t>(line));
  EXPECT_NE(buffer.site.function.find("snapshot_records_label_site_thread_and_size"),
            std::string::npos);
  EXPECT_EQ(buffer.thread, static_cast<int>(gettid()));
  EXPECT_EQ(buffer.direct_handles, 1u);
  EXPECT_FALSE(buffer.wrapped);
  EXPECT_LE(buffer.created, snapshot.taken);
}

TEST(Profiler, compare_reports_per_site_deltas_in_tracemalloc_style) {
  std::vector<Image> cache;
  const auto before = memory::snapshot();
  const int line = __LINE__ + 2;
  for (int i = 0; i < 3; ++i) {
    cache.push_back(Image::create(1024, 1024, PixelFormat::rgba8(), {.label = "cached"}));
  }
  const Image other = Image::create(16, 16, PixelFormat::gray8(), {.label = "small"});
  const auto after = memory::snapshot();

  const auto deltas = memory::compare(before, after);
  ASSERT_EQ(deltas.size(), 2u);
  EXPECT_EQ(deltas[0].site.line, static_cast<std::uint32_t>(line)) << "largest first";
  EXPECT_EQ(deltas[0].bytes_delta, 3 * 4 * 1024 * 1024);
  EXPECT_EQ(deltas[0].buffers_delta, 3);
  EXPECT_EQ(deltas[0].to_string(),
            this_file() + ":" + std::to_string(line) +
                ": size=+12.0 MiB (+3 buffers), live=12.0 MiB in 3 buffers 'cached'");
  EXPECT_EQ(deltas[1].label, "small");

  cache.pop_back();
  const auto later = memory::snapshot();
  const auto shrink = memory::compare(after, later);
  ASSERT_EQ(shrink.size(), 1u);
  EXPECT_EQ(shrink[0].bytes_delta, -4 * 1024 * 1024);
  EXPECT_EQ(shrink[0].to_string(),
            this_file() + ":" + std::to_string(line) +
                ": size=-4.0 MiB (-1 buffer), live=8.0 MiB in 2 buffers 'cached'");
  EXPECT_TRUE(memory::compare(later, memory::snapshot()).empty());
}

TEST(Profiler, buffers_allocated_while_profiling_is_off_are_counted_but_not_registered) {
  memory::set_profiling(false);
  const Image unseen = Image::create(8, 8, PixelFormat::gray8());
  EXPECT_TRUE(memory::snapshot().buffers.empty());
  memory::set_profiling(true);
  const Image seen = Image::create(8, 8, PixelFormat::gray8());
  EXPECT_EQ(memory::snapshot().buffers.size(), 1u);

  const auto report = memory::leak_report();
  EXPECT_EQ(report.live.size(), 1u);
  EXPECT_EQ(report.untracked_live_buffers, 1u);
  EXPECT_NE(report.to_string().find("allocated while profiling was off"), std::string::npos);
}

TEST(Profiler, switching_off_empties_the_registry_and_frees_still_work) {
  Image image = Image::create(8, 8, PixelFormat::gray8());
  memory::set_profiling(false);
  image = {};  // must not touch the emptied registry
  memory::set_profiling(true);
  EXPECT_TRUE(memory::snapshot().buffers.empty());
}

TEST(Profiler, leak_report_lists_each_live_buffer_with_site_size_label_and_age) {
  const int line = __LINE__ + 1;
  const Image kept = Image::create(640, 480, PixelFormat::rgb8(), {.label = "forgotten"});
  const auto report = memory::leak_report();
  ASSERT_TRUE(report.leaked());
  ASSERT_EQ(report.live.size(), 1u);
  EXPECT_EQ(report.verdict.verdict, memory::Verdict::TrackedLeak);
  const std::string text = report.to_string();
  EXPECT_NE(text.find("1 buffer still alive, 900.0 KiB"), std::string::npos) << text;
  EXPECT_NE(text.find("'forgotten' allocated at " + this_file() + ":" + std::to_string(line)),
            std::string::npos)
      << text;
  const std::size_t age = text.find(", alive ");
  ASSERT_NE(age, std::string::npos) << text;
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(text[age + 8])) && text[age + 9] == '.')
      << "the age reads like 'alive 0.01 s': " << text;
  EXPECT_NE(text.find("held by 1 whole-image handle"), std::string::npos) << text;
  EXPECT_NE(text.find("high-water mark:"), std::string::npos) << text;
  EXPECT_NE(text.find("verdict: leak"), std::string::npos) << text;
}

TEST(Profiler, leak_report_is_clean_when_nothing_is_alive) {
  { const Image temporary = Image::create(64, 64, PixelFormat::rgb8()); }
  const auto report = memory::leak_report();
  EXPECT_FALSE(report.leaked());
  EXPECT_NE(report.to_string().find("no buffers alive"), std::string::npos);
}

}  // namespace
}  // namespace tessera
