#pragma once
// `tessera video IN OUT -p PIPELINE ...` (the tessera-video program, which `tessera video`
// runs): the library's video::run with progress on the terminal, Ctrl-C that ends with a
// playable file, and a summary line.

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
  std::string report;        // a JSON report's path; empty: none
  std::string command_line;  // as typed, for the report
};

// Adds the options of `tessera video` to `app` (tessera-video's own), filling `command`.
void add_video_options(CLI::App& app, VideoCommand& command);

// Returns 0 when the video was written, 130/143 when interrupted (the output holds the frames
// done). Throws Error.
int run_video(VideoCommand& command, const Limits& limits);

}  // namespace tessera::cli
