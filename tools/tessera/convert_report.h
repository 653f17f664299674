#pragma once
// `tessera convert IN OUT --report one.json|one.html`: one job's report, in the batch and video
// reports' shape (tessera, command, settings, status, totals, timings, memory_timeline) with
// "kind": "convert" and the job's plan, sizes and estimate. Its memory timeline is sampled on
// time while the job runs (report_sampler.h; thinned to at most 1,024 points keeping the
// peaks, report_timeline.h), so the page shows the job's tracked memory and RSS against its
// estimate.
// Written whole at the end, to PATH.part renamed to PATH; a failed job's report says why.
//
//   ConvertReport report(options);      // refuses a path it cannot write, before any work
//   report.start(job);                  // the sampler runs from here ...
//   job.run_within(...);
//   report.finish(job, leaked_bytes);   // ... to here; or report.fail(error)

#include <chrono>
#include <mutex>
#include <string>

#include "info_command.h"
#include "report_sampler.h"
#include "report_timeline.h"
#include "tessera/error.h"
#include "tessera/pipeline/job.h"

namespace tessera::cli {

class ConvertReport {
 public:
  explicit ConvertReport(const ConvertOptions& options);
  ~ConvertReport();
  ConvertReport(const ConvertReport&) = delete;
  ConvertReport& operator=(const ConvertReport&) = delete;

  // The job is prepared: its plan and estimate are known. Starts sampling memory.
  void start(const pipeline::Job& job);
  // The job ran (`interrupted`: Ctrl-C came during it); `leaked_bytes` were still allocated
  // once it was gone.
  void finish(const pipeline::Job::StageSeconds& stages, bool interrupted,
              std::size_t leaked_bytes);
  void fail(const Error& error);

 private:
  struct Sample {
    double seconds;
    std::size_t tracked_bytes, rss;
  };
  std::size_t peak_tracked() const;
  void write_out(const std::string& status, const std::string& body);

  const ConvertOptions& options_;
  std::string path_, part_;
  std::string job_;  // the plan, sizes and estimate, as JSON
  std::size_t estimate_ = 0;
  std::size_t tracked_before_ = 0;  // live when the job started: what it added is above this
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;  // guards timeline_ between the sampler and write_out()
  ReportTimeline<Sample> timeline_;
  ReportSampler sampler_;  // last: stopped before what it samples into is gone
};

}  // namespace tessera::cli
