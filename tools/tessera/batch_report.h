#pragma once
// The JSON report of `tessera batch --report`, written as the files finish so that its memory
// stays the same however many files run: each file's entry goes to `PATH.part` at once, and the
// totals and the memory timeline close it at the end, when it is renamed to PATH. A run that
// stops early leaves no report (the destructor removes the part file).
//
//   BatchReport report("run.json");           // throws Error(Io) when it cannot be written
//   report.add(file, totals_so_far);           // per file, one call at a time
//   report.finish(totals, leaked_bytes);      // also after Ctrl-C: status "interrupted"

#include <cstdio>
#include <string>
#include <vector>

#include "tessera/batch/batch.h"

namespace tessera::cli {

class BatchReport {
 public:
  explicit BatchReport(std::string path);
  ~BatchReport();
  BatchReport(const BatchReport&) = delete;
  BatchReport& operator=(const BatchReport&) = delete;

  void add(const batch::FileResult& file, const batch::Totals& so_far);
  // Closes the report; its "status" is "interrupted" when totals.interrupted, else "complete".
  void finish(const batch::Totals& totals, std::size_t leaked_bytes);

 private:
  struct Sample {
    double seconds;
    std::size_t tracked_bytes, rss;
  };
  // At most this many timeline samples: when full, every other one is dropped and only every
  // other file is sampled from then on, so the timeline spans the whole run at any length.
  static constexpr std::size_t kTimelineSamples = 1024;

  void write(const std::string& text);
  void sample(const batch::Totals& so_far);

  std::string path_, part_;
  std::FILE* file_ = nullptr;
  bool first_entry_ = true;
  std::vector<Sample> timeline_;
  std::size_t files_ = 0;
  std::size_t sample_every_ = 1;  // files between samples
};

}  // namespace tessera::cli
