#include "batch_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "tessera/error.h"
#include "tessera/memory.h"
#include "tessera/profiler.h"

namespace tessera::cli {
namespace {

using Clock = std::chrono::steady_clock;

std::string mib(std::size_t bytes) { return memory::format_bytes(bytes); }

std::string progress_line(const batch::Totals& totals) {
  const double rate = totals.seconds > 0 ? (totals.done + totals.failed) / totals.seconds : 0;
  return fmt::format(
      "{} done, {} failed, {} skipped  {:.1f} images/s  RSS {} (peak {})  tracked {}", totals.done,
      totals.failed, totals.skipped, rate, mib(totals.rss), mib(totals.peak_rss),
      mib(totals.tracked_bytes));
}

void write_report(const std::string& path, const std::vector<batch::FileResult>& files,
                  const std::vector<nlohmann::json>& timeline, const batch::Totals& totals,
                  std::size_t leaked) {
  nlohmann::json report;
  for (const auto& file : files) {
    nlohmann::json entry{{"input", file.input.string()},
                         {"output", file.output.string()},
                         {"status", std::string(batch::to_string(file.status))},
                         {"seconds", file.seconds},
                         {"input_bytes", file.input_bytes},
                         {"output_bytes", file.output_bytes}};
    if (!file.error_code.empty())
      entry["error"] = {{"code", file.error_code}, {"message", file.message}};
    if (file.status == batch::Status::Skipped) entry["reason"] = file.message;
    report["files"].push_back(std::move(entry));
  }
  if (!report.contains("files")) report["files"] = nlohmann::json::array();
  report["totals"] = {{"done", totals.done},
                      {"failed", totals.failed},
                      {"skipped", totals.skipped},
                      {"seconds", totals.seconds},
                      {"input_bytes", totals.input_bytes},
                      {"output_bytes", totals.output_bytes},
                      {"peak_rss_bytes", totals.peak_rss},
                      {"peak_tracked_bytes", totals.peak_tracked_bytes},
                      {"leaked_bytes", leaked}};
  report["memory_timeline"] = timeline;  // [seconds, tracked bytes, RSS bytes] per file
  // Written whole to a temporary name, then renamed: never a half-written report.
  const std::string temporary = path + ".part";
  {
    std::ofstream out(temporary);
    out << report.dump(2) << "\n";
    if (!out) {
      throw Error(ErrorCode::Io, "cannot write the report", {.path = path, .operation = "report"});
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    throw Error(ErrorCode::Io, "cannot write the report", {.path = path, .operation = "report"});
  }
}

}  // namespace

int run_batch(BatchCommand& command) {
  std::optional<pipeline::Pipeline> stages;
  if (!command.pipeline.empty()) {
    stages = pipeline::parse(command.pipeline);
    command.options.pipeline = &*stages;
  }
  const bool terminal = isatty(fileno(stderr)) != 0;
  const bool keep_results = !command.report.empty();
  std::vector<batch::FileResult> results;
  std::vector<nlohmann::json> timeline;
  auto last_line = Clock::now();
  int since_line = 0;
  const std::size_t tracked_before = memory::counters().live_bytes;

  const batch::Totals totals =
      batch::run(command.options, [&](const batch::FileResult& file, const batch::Totals& so_far) {
        if (file.status == batch::Status::Failed) {
          fmt::print(stderr, "{}FAILED {}: {}: {}\n", terminal ? "\r\033[K" : "",
                     file.input.string(), file.error_code, file.message);
        }
        if (keep_results) {
          results.push_back(file);
          timeline.push_back({so_far.seconds, so_far.tracked_bytes, so_far.rss});
        }
        // A live line on a terminal; in a pipe, a line every 100 files or 10 seconds.
        ++since_line;
        if (terminal) {
          fmt::print(stderr, "\r\033[K{}", progress_line(so_far));
        } else if (since_line >= 100 || Clock::now() - last_line > std::chrono::seconds(10)) {
          fmt::print(stderr, "{}\n", progress_line(so_far));
          last_line = Clock::now();
          since_line = 0;
        }
      });
  if (terminal) fmt::print(stderr, "\r\033[K");

  const std::size_t live = memory::counters().live_bytes;
  const std::size_t leaked = live > tracked_before ? live - tracked_before : 0;
  const int files = totals.done + totals.failed;
  fmt::print(
      "batch: {} done, {} failed, {} skipped in {:.2f} s ({:.1f} images/s, {:.1f} MB/s "
      "read); peak RSS {}, peak tracked {}; leaked {}\n",
      totals.done, totals.failed, totals.skipped, totals.seconds,
      totals.seconds > 0 ? files / totals.seconds : 0.0,
      totals.seconds > 0 ? static_cast<double>(totals.input_bytes) / 1e6 / totals.seconds : 0.0,
      mib(totals.peak_rss), mib(totals.peak_tracked_bytes), mib(leaked));
  if (keep_results) write_report(command.report, results, timeline, totals, leaked);
  return totals.failed > 0 ? 1 : 0;
}

}  // namespace tessera::cli
