#pragma once
// `tessera info --json`: one JSON object per file, one per line (JSON Lines: `jq -s` makes an
// array of them), the images' from info_command.cpp and the videos' from tessera-video. A file
// that cannot be read is an object too, with an "error" ({"code", "message"}), so that a
// program reading the lines sees every file it asked about, in order.

#include <nlohmann/json.hpp>

#include <string>

#include "tessera/error.h"

namespace tessera::cli {

nlohmann::ordered_json error_record(const std::string& path, const Error& error);

// `record` as one line on stdout, flushed (the lines stay in the files' order when the two
// programs write in turn).
void print_record(const nlohmann::ordered_json& record);

}  // namespace tessera::cli
