#pragma once
// `tessera batch INPUT OUTPUT -p PIPELINE ...`: the library's batch runner with progress on
// the terminal, a line per failure, a summary, and a JSON report.

#include <string>
#include <vector>

#include "tessera/batch/batch.h"

namespace tessera::cli {

struct BatchCommand {
  batch::Options options;
  std::string pipeline;  // text; parsed before anything is opened
  std::string report;    // a JSON report's path; empty: none
  // The encode options given (-q: "quality"): the outputs whose format does not read one are
  // warned about.
  std::vector<std::string> given_encode_options;
  std::string command_line;  // as typed, for the report
};

// Returns 0 when every file succeeded, 1 when some failed.
int run_batch(BatchCommand& command);

}  // namespace tessera::cli
