#pragma once
// Where a report (batch, video, convert, memory-demo, a rendered page) is written: PATH.part
// while the run lasts, renamed to PATH when complete. The checks a report path gets before any
// work starts, shared by all.

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

namespace tessera::cli {

// How a report writes its JSON: a byte that is not UTF-8 (a Linux file name is any bytes)
// becomes U+FFFD, where the default would throw and end the run:
// value.dump(-1, ' ', false, kReplaceInvalidUtf8).
inline constexpr auto kReplaceInvalidUtf8 = nlohmann::json::error_handler_t::replace;

// Opens `path`.part for writing, refusing a folder and an extension other than .json or .html
// (InvalidArgument, saying what to give) and a place that cannot be written (Io): said before
// the run starts.
std::FILE* open_report_part(const std::string& path);

// The error for a report that could not be written out.
[[noreturn]] void report_write_failed(const std::string& path);

// Writes `text` to `path`.part and renames it to `path`: a report appears whole or not at all.
// Throws Error(Io) naming `path` (what report_write_failed throws) if any step fails, and then
// leaves no .part behind.
void write_report_file(const std::string& path, const std::string& text);

}  // namespace tessera::cli
