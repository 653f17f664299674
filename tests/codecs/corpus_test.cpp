// The hostile-input contract, on every file of ../shared/corpora and tests/crashers/ (about
// 4,400: PngSuite and its crashers, libjpeg-turbo's test images, seed corpora and CVE
// regressions, TIFF, WebP, HEIF and libvips' test images): probe and a full decode under a
// 256 MiB budget each end in a decoded image or a clear tessera::Error naming the file, never a
// crash, an Internal error, a hang or a leak (the leak check runs on this test as on every
// other), and the process's peak RSS stays under 400 MB (in plain builds: a sanitizer's shadow
// memory and quarantine inflate RSS). Formats tessera does not read yet say UnsupportedFormat.

#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "support/corpora.h"
#include "support/sanitizers.h"
#include "tessera/budget.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/profiler.h"

namespace tessera {
namespace {

using testing::corpora;

TEST(Corpus, every_file_decodes_or_fails_clearly_within_budget_time_and_memory) {
  TESSERA_REQUIRE_CORPORA();
  auto files = testing::files_in(corpora(), [](const auto&) { return true; });
  ASSERT_GT(files.size(), 4000u);
  // Every input the fuzzers ever found (scripts/fuzz.sh) is held to the same contract.
  const auto crashers = testing::files_in(
      TESSERA_CRASHERS, [](const auto& path) { return path.filename().string()[0] != '.'; });
  files.insert(files.end(), crashers.begin(), crashers.end());
  std::map<std::string, int> outcomes;
  for (const auto& file : files) {
    MemoryBudget budget(std::size_t{256} << 20, "corpus file");
    const Limits limits{.budget = &budget};
    const auto start = std::chrono::steady_clock::now();
    std::string outcome = "decoded";
    try {
      (void)probe(file);
      const Image image = read(file, {.limits = limits});
      EXPECT_GT(image.width(), 0);
    } catch (const Error& error) {
      outcome = std::string(to_string(error.code()));
      EXPECT_NE(error.code(), ErrorCode::Internal) << error.what();
      EXPECT_EQ(error.path(), file.string()) << error.what();
      EXPECT_FALSE(error.message().empty());
    }
    ++outcomes[outcome];
    // A hang guard, not a performance assertion: the contract is "each file within seconds".
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    EXPECT_LT(took.count(), 5.0) << file << " took " << took.count() << " s";
    EXPECT_EQ(budget.used(), 0u) << file << " left memory charged";
  }
  for (const auto& [outcome, count] : outcomes)
    std::printf("  %-18s %d files\n", outcome.c_str(), count);
  const auto process = memory::read_process_memory();
  std::printf("  peak RSS %s, peak tracked %s\n", memory::format_bytes(process.peak_rss).c_str(),
              memory::format_bytes(memory::counters().peak_bytes).c_str());
  if (!testing::kSanitized) {
    EXPECT_LT(process.peak_rss, std::size_t{400} << 20);
  }
}

// A bomb claims gigabytes (a 1 GiB chunk, 35584x18696 pixels in 230 bytes, 17000x17000 in
// 1,340 bytes). Refusing it must cost next to nothing: the small image a chunk bomb really
// declares may be allocated, never anything near what it claims.
TEST(Corpus, the_bombs_fail_fast_before_allocating_what_they_claim) {
  TESSERA_REQUIRE_CORPORA();
  const std::vector<std::filesystem::path> bombs = [] {
    auto files = testing::files_in(corpora() / "png/tests/crashers", [](const auto& path) {
      return path.filename().string().rfind("huge_", 0) == 0;
    });
    const auto jpeg = testing::files_in(corpora() / "jpeg/seed-corpora/bugs/decompress/github_197",
                                        [](const auto&) { return true; });
    files.insert(files.end(), jpeg.begin(), jpeg.end());
    files.push_back(corpora() / "vips/test/test-suite/images/17000x17000.avif");
    return files;
  }();
  ASSERT_GE(bombs.size(), 21u);  // 19 huge-chunk PNGs, github_197, the 17000x17000 AVIF
  for (const auto& bomb : bombs) {
    MemoryBudget budget(std::size_t{256} << 20, "bomb");
    const auto rss_before = memory::read_process_memory().peak_rss;
    const auto start = std::chrono::steady_clock::now();
    try {
      (void)read(bomb, {.limits = {.budget = &budget}});
      ADD_FAILURE() << bomb << " decoded";
    } catch (const Error& error) {
      EXPECT_TRUE(error.code() == ErrorCode::CorruptData ||
                  error.code() == ErrorCode::OutOfBudget ||
                  error.code() == ErrorCode::UnsupportedFormat)
          << error.what();
    }
    EXPECT_LT(budget.peak(), std::size_t{64} << 10) << bomb;
    if (!testing::kSanitized) {
      EXPECT_LT(memory::read_process_memory().peak_rss - rss_before, std::size_t{16} << 20) << bomb;
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    EXPECT_LT(took.count(), 1.0) << bomb << " took " << took.count() << " s";
  }
}

}  // namespace
}  // namespace tessera

namespace tessera {
namespace {

// Without any budget the pixel limit lets 35584x18696 through, but libjpeg's own start-up finds
// the file corrupt; that must happen before read() allocates the 1.86 GiB it declares.
TEST(Corpus, errors_found_before_the_first_row_come_before_the_pixels_are_allocated) {
  TESSERA_REQUIRE_CORPORA();
  const auto files = testing::files_in(corpora() / "jpeg/seed-corpora/bugs/decompress/github_197",
                                       [](const auto&) { return true; });
  ASSERT_EQ(files.size(), 1u);
  const auto before = memory::counters();
  EXPECT_THROW((void)read(files[0]), Error);
  EXPECT_EQ(memory::counters().total_allocations, before.total_allocations);
}

}  // namespace
}  // namespace tessera
