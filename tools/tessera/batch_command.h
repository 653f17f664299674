#pragma once
// `tessera batch INPUT OUTPUT -p PIPELINE ...`: the library's batch runner with progress on
// the terminal, a line per failure, a summary, and a JSON report.

#include <string>

#include "tessera/batch/batch.h"

namespace tessera::cli {

struct BatchCommand {
  batch::Options options;
  std::string pipeline;  // text; parsed before anything is opened
  std::string report;    // a JSON report's path; empty: none
};

// Returns 0 when every file succeeded, 1 when some failed.
int run_batch(BatchCommand& command);

}  // namespace tessera::cli
