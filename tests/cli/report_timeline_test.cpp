// The reports' memory timeline (tools/tessera/report_timeline.h): bounded whatever the run's
// length, in time order, its peak kept through every thinning, ending with the last sample.

#include "report_timeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace tessera::cli {
namespace {

struct Sample {
  double seconds = 0;
  std::size_t tracked_bytes = 0, rss = 0;
};

std::vector<Sample> run(std::size_t count, std::size_t peak_at, std::size_t rss_peak_at) {
  ReportTimeline<Sample> timeline;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t tracked = i == peak_at ? 1'000'000 : i % 7;
    const std::size_t rss = i == rss_peak_at ? 5'000'000 : 100;
    timeline.add({static_cast<double>(i), tracked, rss});
  }
  return timeline.samples();
}

TEST(ReportTimeline, a_short_run_keeps_every_sample) {
  const auto samples = run(500, 1000, 1000);
  ASSERT_EQ(samples.size(), 500u);
  for (std::size_t i = 0; i < samples.size(); ++i) EXPECT_EQ(samples[i].seconds, i);
}

TEST(ReportTimeline, a_one_sample_peak_survives_thinning_at_any_length_and_place) {
  for (const std::size_t count : {1023u, 1024u, 1025u, 5000u, 1'000'003u}) {
    for (const std::size_t peak : {std::size_t{0}, count / 3, count - 2, count - 1}) {
      SCOPED_TRACE(testing::Message() << count << " samples, peak at " << peak);
      const auto samples = run(count, peak, count);
      EXPECT_LE(samples.size(), ReportTimeline<Sample>::kSamples);
      EXPECT_GE(samples.size(), std::min<std::size_t>(count, 512));
      EXPECT_TRUE(
          std::is_sorted(samples.begin(), samples.end(),
                         [](const Sample& a, const Sample& b) { return a.seconds < b.seconds; }));
      EXPECT_TRUE(std::any_of(samples.begin(), samples.end(),
                              [&](const Sample& s) { return s.seconds == peak; }));
      EXPECT_EQ(samples.back().seconds, count - 1);  // ends where the run did
    }
  }
}

TEST(ReportTimeline, between_equal_tracked_bytes_the_higher_rss_is_kept) {
  ReportTimeline<Sample> timeline;
  for (std::size_t i = 0; i < 100'000; ++i) {
    const std::size_t rss = i == 77'777 ? 5'000'000 : 100;
    timeline.add({static_cast<double>(i), 5, rss});
  }
  const auto samples = timeline.samples();
  EXPECT_TRUE(std::any_of(samples.begin(), samples.end(),
                          [](const Sample& s) { return s.rss == 5'000'000; }));
}

}  // namespace
}  // namespace tessera::cli
