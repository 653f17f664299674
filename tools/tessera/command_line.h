#pragma once
// What the command-line programs (tessera, and tessera-video which `tessera video` runs) share
// in how they read options and report a pipeline's mistakes.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera::cli {

// "1000", "10M", "2.5G", "4k": a pixel count, with decimal suffixes (k = 1000). Throws
// Error(InvalidArgument) for anything else.
std::uint64_t parse_pixel_count(const std::string& text);

// --max-pixels and --unlimited, for every command that reads images or frames.
struct LimitOptions {
  std::string max_pixels;
  bool unlimited = false;

  void add_to(CLI::App* command);
  // The limits the options say. Throws Error(InvalidArgument) for a bad --max-pixels.
  Limits limits() const;
};

// The command as typed, for a report: words with spaces or quotes in single quotes. With
// `program`, it stands for argv[0] ("tessera video" for tessera-video).
std::string command_line(int argc, char** argv, std::string_view program = {});

// For --report: refuses an empty name (`--report ''` was silently no report).
CLI::Validator report_file_name();

// --page's value: a whole number from 0, in words otherwise (not CLI11's range of doubles).
CLI::Validator page_number();

// A pipeline the image cannot take (canny on RGB, a crop outside it) is as much a usage error
// as a syntax error: prints it with the caret under the stage, and returns exit status 2.
int report_plan_error(const Error& error, const std::string& pipeline);

}  // namespace tessera::cli
