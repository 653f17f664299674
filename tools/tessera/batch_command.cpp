#include "batch_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <set>
#include <thread>

#include "batch_report.h"
#include "encode_options.h"
#include "interrupt.h"

#include "tessera/error.h"
#include "tessera/formats.h"
#include "tessera/memory.h"
#include "tessera/profiler.h"

namespace tessera::cli {
namespace {

using Clock = std::chrono::steady_clock;

std::string mib(std::size_t bytes) { return memory::format_bytes(bytes); }

// 0:42, 12:05, 3:07:55.
std::string clock_time(double seconds) {
  const auto total = static_cast<long>(seconds + 0.5);
  if (total >= 3600)
    return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

// "137/200 files: 135 done, 2 failed, 0 skipped  84.1 images/s  ETA 0:01  RSS ...", with a bar in
// front on a terminal. Without a count yet (or from standard input) there is no "/200", bar or ETA.
std::string progress_line(const batch::Totals& totals, std::optional<std::size_t> total, bool bar) {
  const int finished = totals.done + totals.failed + totals.skipped;
  // The rate of files processed: skipped ones (--resume) take no time, and counting them would
  // make a resumed run's rate and ETA a fiction.
  const int processed = totals.done + totals.failed;
  const double rate = totals.seconds > 0 ? processed / totals.seconds : 0;
  std::string line;
  std::string eta;
  if (total && *total > 0) {
    const double fraction = std::min(1.0, static_cast<double>(finished) / *total);
    if (bar) {
      constexpr int kWidth = 24;
      const int filled = static_cast<int>(fraction * kWidth);
      line = fmt::format("[{}{}] ", std::string(filled, '#'), std::string(kWidth - filled, '.'));
    }
    line += fmt::format("{}/{} files: ", finished, *total);
    if (rate > 0 && static_cast<std::size_t>(finished) < *total) {
      eta = fmt::format("  ETA {}", clock_time((*total - finished) / rate));
    }
  }
  return line + fmt::format(
                    "{} done, {} failed, {} skipped  {:.1f} images/s{}  RSS {} (peak {})  "
                    "tracked {}",
                    totals.done, totals.failed, totals.skipped, rate, eta, mib(totals.rss),
                    mib(totals.peak_rss), mib(totals.tracked_bytes));
}

}  // namespace

int run_batch(BatchCommand& command) {
  // First, before any thread starts: every thread then leaves SIGINT/SIGTERM to the watch.
  InterruptWatch interrupt;
  // The run stops on Ctrl-C, or when the report cannot be written (a full disk): then the
  // files in flight finish, and the command ends in words with exit 1.
  std::stop_source stopper;
  const std::stop_callback forward_interrupt(interrupt.token(), [&] { stopper.request_stop(); });
  command.options.stop = stopper.get_token();
  std::optional<Error> report_failure;
  std::optional<pipeline::Pipeline> stages;
  if (!command.pipeline.empty()) {
    stages = pipeline::parse(command.pipeline);
    command.options.pipeline = &*stages;
  }
  const bool terminal = isatty(fileno(stderr)) != 0;
  // Opened now, before the first decode: a report that cannot be written ends the run at once.
  std::optional<BatchReport> report;
  if (!command.report.empty()) {
    report.emplace(command.report, command);
    // A report written inside the input folder is not one of the inputs.
    command.options.exclude = {report->path(), report->part_path()};
    command.options.started = [&](const std::filesystem::path& input, double seconds) {
      report->started(input, seconds);
    };
  }

  // An option that an output format does not use is said once per format, and kept for the
  // report: with --format, before the run; else as the first output of each format is done.
  std::vector<std::string> run_warnings;
  std::set<FileFormat> formats_seen;
  const auto note_format = [&](FileFormat format) {
    if (!formats_seen.insert(format).second) return;
    for (const std::string& ignored :
         ignored_encode_options(format, command.given_encode_options, command.options.encode)) {
      run_warnings.push_back(
          fmt::format("{}; ignored for the {} outputs", ignored, to_string(format)));
      fmt::print(stderr, "{}tessera: warning: {}\n", terminal ? "\r\033[K" : "",
                 run_warnings.back());
    }
  };
  if (!command.options.format.empty()) {
    try {
      const FileFormat format = format_for_extension("output." + command.options.format);
      // An option the format refuses (--palette for JPEG) is refused by batch::run, not
      // first said to be ignored.
      check_encode_options(format, command.options.encode, "--format " + command.options.format);
      note_format(format);
    } catch (const Error&) {
      // A --format tessera cannot write, or options it refuses: batch::run says so.
    }
  }
  auto last_line = Clock::now();
  int since_line = 0;
  const std::size_t tracked_before = memory::counters().live_bytes;

  // The inputs are counted on the side, for the bar and the ETA; the run does not wait for it.
  std::atomic<std::ptrdiff_t> total{-1};
  std::jthread counter([&](std::stop_token stop) {
    try {
      if (const auto count = batch::count_inputs(command.options, stop)) total = *count;
    } catch (const Error&) {
      // The run reports an unreadable input itself.
    }
  });
  const auto known_total = [&]() -> std::optional<std::size_t> {
    const std::ptrdiff_t count = total.load();
    return count >= 0 ? std::optional<std::size_t>(count) : std::nullopt;
  };

  const batch::Totals totals =
      batch::run(command.options, [&](const batch::FileResult& file, const batch::Totals& so_far) {
        if (file.status == batch::Status::Failed) {
          fmt::print(stderr, "{}FAILED {}: {}: {}\n", terminal ? "\r\033[K" : "",
                     file.input.string(), file.error_code, file.message);
        }
        if (file.status == batch::Status::Done) note_format(format_for_extension(file.output));
        if (report && !report_failure) {
          try {
            report->add(file, so_far);
          } catch (const Error& error) {
            report_failure = error;
            stopper.request_stop();
          }
        }
        // A live line on a terminal; in a pipe, a line every 100 files or 10 seconds.
        ++since_line;
        if (terminal) {
          fmt::print(stderr, "\r\033[K{}", progress_line(so_far, known_total(), true));
        } else if (since_line >= 100 || Clock::now() - last_line > std::chrono::seconds(10)) {
          fmt::print(stderr, "{}\n", progress_line(so_far, known_total(), false));
          last_line = Clock::now();
          since_line = 0;
        }
      });
  counter.request_stop();
  if (terminal) fmt::print(stderr, "\r\033[K");

  const std::size_t live = memory::counters().live_bytes;
  const std::size_t leaked = live > tracked_before ? live - tracked_before : 0;
  // Images per second of the files converted: failures that end at once are not throughput.
  const int files = totals.done;
  fmt::print(
      "batch: {}{} done, {} failed, {} skipped in {:.2f} s ({:.1f} images/s, {:.1f} MB/s "
      "read); peak RSS {}, peak tracked {}; leaked {}\n",
      totals.interrupted ? "interrupted: " : "", totals.done, totals.failed, totals.skipped,
      totals.seconds, totals.seconds > 0 ? files / totals.seconds : 0.0,
      totals.seconds > 0 ? static_cast<double>(totals.input_bytes) / 1e6 / totals.seconds : 0.0,
      mib(totals.peak_rss), mib(totals.peak_tracked_bytes), mib(leaked));
  if (totals.output_full) {
    fmt::print(stderr,
               "tessera: output device full: stopped taking files (no space left on the device "
               "of {}); run again with --resume when there is room\n",
               command.options.output.string());
  }
  if (report_failure) {
    report.reset();  // its .part goes
    fmt::print(stderr,
               "tessera: {}; the run stopped taking files (the files done are kept: run "
               "again with --resume once there is room)\n",
               report_failure->what());
    return 1;
  }
  if (report) report->finish(totals, leaked, run_warnings, known_total());
  // The exit says what the report says: interrupted only if inputs were left. A signal that came
  // once every file was taken (during the last one, or while the report was written) changed
  // nothing, and the run is complete.
  if (totals.interrupted) return interrupt.exit_status();
  return totals.failed > 0 ? 1 : 0;
}

}  // namespace tessera::cli
