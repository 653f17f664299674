#pragma once
// `tessera batch INPUT OUTPUT -p PIPELINE ...`: the library's batch runner with progress on
// the terminal, a line per failure, a summary, and a JSON report.

#include <string>

#include "tessera/batch/batch.h"

namespace tessera::cli {

struct BatchCommand {
  batch::Options options;
  std::string pipeline;        // text; parsed before anything is opened
  std::string report;          // a JSON report's path; empty: none
  bool quality_given = false;  // -q was given: warn for outputs whose format has no quality
  std::string command_line;    // as typed, for the report
};

// Returns 0 when every file succeeded, 1 when some failed.
int run_batch(BatchCommand& command);

}  // namespace tessera::cli
