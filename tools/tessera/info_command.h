#pragma once
// `tessera info FILE...` and `tessera convert IN OUT`.

#include <optional>
#include <string>
#include <vector>

#include "tessera/codec.h"

namespace tessera::cli {

// Prints one line per file; a file that cannot be read is reported and the rest go on.
// Returns 0 when every file was read, 1 otherwise.
// A line per file, or with `json` an object per line (see info_record.h). Exit status 1 when
// any file could not be read; the others are still described.
int run_info(const std::vector<std::string>& paths, const Limits& limits, bool json,
             std::optional<int> page = std::nullopt);

struct ConvertOptions {
  std::string input;
  std::string output;
  EncodeOptions encode;
  Limits limits;
  bool apply_orientation = true;
  bool shrink_on_load = true;      // see DecodeOptions
  FailOn fail_on = FailOn::Error;  // see DecodeOptions
  std::optional<int> page;         // see DecodeOptions (--page)
  bool overwrite = false;          // OUT may be the input file itself
  std::string pipeline;            // e.g. "gray | blur 5"; empty: convert only
  bool estimate = false;           // print the plan and its peak memory, convert nothing
  std::size_t memory = 0;          // a hard cap on tracked memory; 0: none
  std::string output_format;       // --format: the output's extension, needed for "-" (stdout)
  std::string report;              // --report: one.json or one.html; empty: none
  std::string command_line;        // as typed, for the report
};

// Reads, runs the pipeline if there is one, then writes in the format the output's extension
// names, carrying the ICC profile while the image stays in colour. A bad pipeline or output
// name is refused before the input is opened; a job whose estimate exceeds `memory` is refused
// before any pixel is decoded, and one that would cross it while running stops with
// OutOfBudget. Either way no output file is left.
int run_convert(const ConvertOptions& options);

}  // namespace tessera::cli
