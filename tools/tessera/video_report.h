#pragma once
// `tessera video --report run.json`: the run as JSON, in the batch report's shape (tessera,
// command, settings, status, warnings, totals, memory_timeline) with the video's own parts
// (input, timings). Written to RUN.json.part and renamed when complete; a failed run's report
// says so, with the error.

#include <cstdio>
#include <string>
#include <vector>

#include "report_timeline.h"
#include "tessera/error.h"
#include "tessera/video.h"

namespace tessera::cli {

struct VideoCommand;

class VideoReport {
 public:
  // Checks now that the report can be written (a folder, a missing folder: Error) before any
  // frame is decoded.
  VideoReport(std::string path, const VideoCommand& command, std::string command_line);
  ~VideoReport();
  VideoReport(const VideoReport&) = delete;
  VideoReport& operator=(const VideoReport&) = delete;

  // A sample of the memory timeline, as each frame is written (thinned by report_timeline.h).
  void sample(const video::Progress& progress);
  void finish(const video::RunSummary& summary, std::size_t leaked_bytes);
  void fail(const Error& error);

 private:
  struct Sample {
    double seconds;
    std::int64_t frames;
    std::size_t tracked_bytes;
    std::size_t rss;
  };
  void write_out(const std::string& status, const std::string& body);

  std::string path_, part_;
  std::string head_;  // tessera, command, settings
  std::string input_, output_;
  video::Progress last_;  // the last progress seen: what a failed run had done
  ReportTimeline<Sample> timeline_;
};

}  // namespace tessera::cli
