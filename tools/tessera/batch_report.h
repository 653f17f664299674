#pragma once
// The report of `tessera batch --report` (JSON; an .html path gets the page rendered from it at
// the end, see html_report.h), written as the files finish so that its memory
// stays the same however many files run: the run's settings and each file's entry go to
// `PATH.part` at once, and the warnings, the totals and the memory timeline close it at the
// end, when it is renamed to PATH. A run that stops early leaves no report (the destructor
// removes the part file). The schema is in the README ("The batch report").
//
//   BatchReport report("run.json", command);  // throws Error when it cannot be written
//   report.add(file, totals_so_far);           // per file, one call at a time
//   report.finish(totals, leaked_bytes, warnings);  // also after Ctrl-C: "interrupted"

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "batch_command.h"
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

  void add(const batch::FileResult& file, const batch::Totals& so_far);
  // Closes the report; its "status" is "interrupted" (Ctrl-C), "output_full" (the output device
  // filled: inputs were left) or "complete".
  // `warnings`: the run's own (an option no output used), each once. `inputs`: how many inputs
  // the run had, if counted by then (totals.inputs; null otherwise), which says how many an
  // interrupted run left.
  void finish(const batch::Totals& totals, std::size_t leaked_bytes,
              const std::vector<std::string>& warnings, std::optional<std::size_t> inputs);

 private:
  struct Sample {
    double seconds;
    int files_finished;
    int files_processed;  // done or failed: skipped files (--resume) are not work
    std::size_t tracked_bytes, rss;
  };
  void write(const std::string& text);
  // An .html report: the finished JSON in the part file replaced by its page.
  bool rewrite_as_page();
  void sample(const batch::Totals& so_far);

  std::string path_, part_;
  std::FILE* file_ = nullptr;
  bool first_entry_ = true;
  ReportTimeline<Sample> timeline_;  // a sample as files finish
};

}  // namespace tessera::cli
