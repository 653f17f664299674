#include "memory_demo.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <vector>

#include "html_report.h"
#include "report_file.h"
#include "report_sites.h"
#include "tessera/tessera.h"
#include "tessera/version.h"

namespace tessera::cli {
namespace {

void heading(int step, std::string_view title) { fmt::print("\n== {}. {} ==\n", step, title); }

void print_deltas(const memory::Snapshot& before, const memory::Snapshot& after) {
  const auto deltas = memory::compare(before, after);
  if (deltas.empty()) fmt::print("  (no change)\n");
  for (const auto& delta : deltas) fmt::print("  {}\n", delta.to_string());
}

// A decoder stand-in: a photo whose pixels are a gradient, so the memory is really touched.
Image load_photo(const MemoryDemoOptions& options, int index) {
  Image photo = Image::create(options.photo_width, options.photo_height, PixelFormat::rgb8(),
                              {.label = "photo"});
  for (int y = 0; y < photo.height(); ++y) {
    auto* row = photo.mutable_view().row<std::uint8_t>(y);
    for (std::size_t i = 0; i < photo.view().row_bytes(); ++i) {
      row[i] = static_cast<std::uint8_t>(i + static_cast<std::size_t>(y + index));
    }
  }
  return photo;
}

// The demo's report: after each step, the live buffers grouped by the line that allocated
// them (with what only regions keep alive), and a point of memory over the steps.
class DemoReport {
 public:
  explicit DemoReport(const MemoryDemoOptions& options) : options_(options) {
    // Refused before the demo if it cannot be written; written whole at the end.
    std::fclose(open_report_part(options.report));
  }
  ~DemoReport() { std::remove((options_.report + ".part").c_str()); }

  void step(std::string_view title) {
    const memory::Snapshot now = memory::snapshot();
    const nlohmann::json by_site = buffers_by_site(now.buffers);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const std::size_t rss = memory::read_process_memory().rss;
    steps_.push_back({{"title", title},
                      {"seconds", seconds},
                      {"live_bytes", now.counters.live_bytes},
                      {"live_buffers", now.counters.live_buffers},
                      {"sites", by_site}});
    timeline_.push_back({{"seconds", seconds},
                         {"step", title},
                         {"tracked_bytes", now.counters.live_bytes},
                         {"rss_bytes", rss}});
  }

  void finish() {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const nlohmann::json report{{"kind", "memory"},
                                {"tessera", {{"version", kVersion}}},
                                {"command", options_.command_line},
                                {"settings",
                                 {{"photos", options_.photos},
                                  {"photo_width", options_.photo_width},
                                  {"photo_height", options_.photo_height},
                                  {"leak_at_exit", options_.leak_at_exit}}},
                                {"status", "complete"},
                                {"steps", steps_},
                                {"totals",
                                 {{"seconds", seconds},
                                  {"peak_tracked_bytes", memory::counters().peak_bytes},
                                  {"peak_rss_bytes", memory::read_process_memory().peak_rss},
                                  {"leaked_bytes", memory::counters().live_bytes}}},
                                {"leaked_sites", leaked_sites(memory::counters().live_bytes)},
                                {"memory_timeline", timeline_}};
    const std::string text =
        report_text(options_.report, report.dump(1, ' ', false, kReplaceInvalidUtf8) + "\n");
    write_report_file(options_.report, text);
  }

 private:
  const MemoryDemoOptions& options_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  nlohmann::json steps_ = nlohmann::json::array();
  nlohmann::json timeline_ = nlohmann::json::array();
};

}  // namespace

int run_memory_demo(const MemoryDemoOptions& options) {
  std::optional<DemoReport> report;
  if (!options.report.empty()) report.emplace(options);
  memory::set_profiling(true);
  fmt::print("tessera memory demo: {} photos of {}x{} RGB, profiling on\n", options.photos,
             options.photo_width, options.photo_height);

  heading(1, "a leak: a thumbnail cache that never evicts");
  fmt::print(
      "Each request loads a photo and caches a 10% crop of it. The crop is a region: it\n"
      "shares the photo's storage. snapshot() before and after, then compare():\n");
  std::vector<Image> cache;
  const auto before_requests = memory::snapshot();
  for (int i = 0; i < options.photos; ++i) {
    const Image photo = load_photo(options, i);
    cache.push_back(
        photo.region({0, 0, std::max(1, photo.width() / 10), std::max(1, photo.height() / 10)}));
  }  // each photo handle is gone here, but its storage is not
  const auto after_requests = memory::snapshot();
  print_deltas(before_requests, after_requests);
  fmt::print("tracked live: {} in {} buffers for {} thumbnails\n",
             memory::format_bytes(memory::counters().live_bytes), memory::counters().live_buffers,
             cache.size());

  if (report)
    report->step("1-2. a leak: a thumbnail cache that never evicts; its crops pin the photos");

  heading(2, "a pinned parent: the leak report says who keeps the memory alive");
  fmt::print("{}", memory::leak_report().to_string());

  heading(3, "compact: each thumbnail gets storage of its own, the photos are freed");
  for (Image& thumbnail : cache) thumbnail = thumbnail.compact({.label = "thumbnail"});
  const auto after_compact = memory::snapshot();
  print_deltas(after_requests, after_compact);
  fmt::print("tracked live: {} in {} buffers; pinned buffers left: {}\n",
             memory::format_bytes(memory::counters().live_bytes), memory::counters().live_buffers,
             memory::pinned_buffers().size());
  if (report) report->step("3. compact: each thumbnail gets storage of its own");

  heading(4, "a hard budget: a clear error instead of an OOM kill");
  {
    MemoryBudget budget(10 << 20, "demo job");
    try {
      const Image too_big =
          Image::create(2048, 2048, PixelFormat::rgb8(), {.label = "too big", .budget = &budget});
    } catch (const Error& error) {
      fmt::print("  refused: {}\n", error.what());
    }
    const Image fits =
        Image::create(1024, 2048, PixelFormat::rgba8(), {.label = "fits", .budget = &budget});
    fmt::print("  the next image ({}) fits: budget '{}' holds {} of {}\n",
               memory::format_bytes(fits.storage_bytes()), budget.name(),
               memory::format_bytes(budget.used()), memory::format_bytes(budget.cap()));
    if (report) report->step("4. a hard budget: 8 MiB fits under a 10 MiB cap");
  }

  cache.clear();
  if (options.leak_at_exit) {
    // Deliberately never freed: reachable from a global, so only tessera's check reports it.
    static Image* forgotten =
        new Image(Image::create(640, 480, PixelFormat::rgb8(), {.label = "forgotten"}));
    fmt::print(
        "\nLeft one 640x480 image alive on purpose (--leak-at-exit, {}): run with "
        "TESSERA_LEAK_CHECK=1 to see the exit-time check fail.\n",
        memory::format_bytes(forgotten->storage_bytes()));
  }
  heading(5, "after releasing everything: the final report");
  fmt::print("{}", memory::leak_report().to_string());
  if (report) {
    report->step("5. after releasing everything");
    report->finish();
  }
  return 0;
}

}  // namespace tessera::cli
