#pragma once
// `tessera video IN OUT -p PIPELINE ...`: the library's video::run with progress on the
// terminal, Ctrl-C that ends with a playable file, and a summary line.

#include <CLI/CLI.hpp>
#include <string>

#include "tessera/video.h"

namespace tessera::cli {

struct VideoCommand {
  std::string input;
  std::string output;
  std::string pipeline;  // text; parsed before anything is opened
  std::string memory;    // --memory text
  video::RunOptions options;
  bool no_audio = false;
  std::string fail_on = "error";
  bool estimate_only = false;
};

// Adds the subcommand and its options to `app`, filling `command` when parsed.
CLI::App* add_video_command(CLI::App& app, VideoCommand& command);

// Returns 0 when the video was written, 1 when it failed (the error printed), 130/143 when
// interrupted (the output holds the frames done).
int run_video(VideoCommand& command, const Limits& limits);

}  // namespace tessera::cli
