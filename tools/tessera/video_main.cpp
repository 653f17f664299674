// tessera-video: the program `tessera video` runs (see video_program.h). A program of its own so
// that only it loads FFmpeg's libraries.

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <csignal>

#include "command_line.h"
#include "exit_status.h"
#include "tessera/error.h"
#include "video_command.h"
#include "video_program.h"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{tessera::cli::kVideoDescription, "tessera video"};
  tessera::cli::VideoCommand video;
  tessera::cli::add_video_options(app, video);
  tessera::cli::LimitOptions limits;
  limits.add_to(&app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? 0 : tessera::cli::kExitUsage;
  }
  video.command_line = tessera::cli::command_line(argc, argv, "tessera video");
  try {
    return tessera::cli::run_video(video, limits.limits());
  } catch (const tessera::Error& error) {
    if (error.operation() == "plan pipeline") {
      return tessera::cli::report_plan_error(error, video.pipeline);
    }
    tessera::cli::print_error(error);
    return tessera::cli::exit_status(error);
  }
}
