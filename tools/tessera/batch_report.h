#pragma once
// The report of `tessera batch --report` (JSON; an .html path gets the page rendered from it at
// the end, see html_report.h), written as the files finish so that its memory
// stays the same however many files run: the run's settings and each file's entry go to
// `PATH.part` at once, and the warnings, the totals and the memory timeline close it at the
// end, when it is renamed to PATH. A run that stops early leaves no report (the destructor
// removes the part file). The schema is in the README ("The batch report").
//
// Its memory timeline is sampled on time from the first file on (report_sampler.h) and as each
// file finishes, each sample naming the files in flight then, so a peak inside one long file
// is drawn and named; thinned to at most 1,024 points keeping the peaks (report_timeline.h).
//
//   BatchReport report("run.json", command);  // throws Error when it cannot be written
//   report.started(input, seconds);            // per file as it is taken, from any thread
//   report.add(file, totals_so_far);           // per file, one call at a time
//   report.finish(totals, leaked_bytes, warnings);  // also after Ctrl-C: "interrupted"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "batch_command.h"
#include "report_sampler.h"
#include "report_timeline.h"
#include "tessera/batch/batch.h"

namespace tessera::cli {

class BatchReport {
 public:
  BatchReport(std::string path, const BatchCommand& command);
  ~BatchReport();
  BatchReport(const BatchReport&) = delete;
  BatchReport& operator=(const BatchReport&) = delete;

  // The report's name, and the temporary it is written under until finish().
  const std::string& path() const { return path_; }
  const std::string& part_path() const { return part_; }

  // A file taken by the run (batch::Options::started): in flight until add() reports it. The
  // first call starts the sampler, on the run's clock.
  void started(const std::filesystem::path& input, double seconds);
  void add(const batch::FileResult& file, const batch::Totals& so_far);
  // Closes the report; its "status" is "interrupted" (Ctrl-C), "output_full" (the output device
  // filled: inputs were left) or "complete".
  // `warnings`: the run's own (an option no output used), each once. `inputs`: how many inputs
  // the run had, if counted by then (totals.inputs; null otherwise), which says how many an
  // interrupted run left.
  void finish(const batch::Totals& totals, std::size_t leaked_bytes,
              const std::vector<std::string>& warnings, std::optional<std::size_t> inputs);

 private:
  using Names = std::shared_ptr<const std::vector<std::string>>;
  struct Sample {
    double seconds;
    int files_finished;
    int files_processed;  // done or failed: skipped files (--resume) are not work
    int files_done;       // throughput: a file that fails at once is no image made
    std::size_t tracked_bytes, rss;
    Names in_flight;  // shared by the samples taken while the same files ran
  };
  void write(const std::string& text);
  // An .html report: the finished JSON in the part file replaced by its page.
  bool rewrite_as_page();
  // A sample now, into timeline_; with mutex_ held.
  void take_sample();

  std::string path_, part_;
  std::FILE* file_ = nullptr;
  bool first_entry_ = true;
  const std::size_t tracked_before_;  // live before the run: its files' bytes are above this

  std::mutex mutex_;  // guards what follows, shared with the sampler's thread
  std::chrono::steady_clock::time_point origin_{};  // the run's start, on its clock
  int files_finished_ = 0, files_processed_ = 0, files_done_ = 0;
  std::vector<std::string> in_flight_;  // in the order taken
  Names in_flight_names_ = std::make_shared<const std::vector<std::string>>();
  ReportTimeline<Sample> timeline_;
  ReportSampler sampler_;  // last: stopped before what it samples into is gone
};

}  // namespace tessera::cli
