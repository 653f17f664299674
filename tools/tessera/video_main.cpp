// tessera-video: the program `tessera video` runs (see video_program.h). A program of its own so
// that only it loads FFmpeg's libraries.

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <string>
#include <string_view>

#include "command_line.h"
#include "completion.h"
#include "exit_status.h"
#include "info_record.h"
#include "tessera/error.h"
#include "tessera/profiler.h"
#include "tessera/video.h"
#include "video_command.h"
#include "video_info_json.h"
#include "video_program.h"

namespace {

// The headers as `tessera info --json` gives them: the report's schema for a video's headers,
// with the sizes as stored and the decoder's memory.
nlohmann::ordered_json video_record(const std::string& path,
                                    const tessera::video::VideoInfo& info) {
  const bool sideways = info.rotation % 180 != 0;
  nlohmann::ordered_json record{{"path", path},
                                {"type", "video"},
                                {"stored_width", sideways ? info.height : info.width},
                                {"stored_height", sideways ? info.width : info.height},
                                {"decode_bytes", info.decode_estimate}};
  record.update(tessera::cli::video_info_json(info));
  return record;
}

// `tessera-video --info FILE...` (or --info-json), what `tessera info` runs for a file that is
// no image: a line per video; exit kNotAVideo (saying nothing) for a file that is no video
// either.
int describe(int count, char** paths, bool json) {
  int status = 0;
  for (int i = 0; i < count; ++i) {
    try {
      const tessera::video::VideoInfo info = tessera::video::probe(paths[i]);
      if (json) {
        tessera::cli::print_record(video_record(paths[i], info));
        continue;
      }
      std::string streams;
      for (const tessera::video::StreamInfo& stream : info.streams) {
        streams += fmt::format("{}{} {}", streams.empty() ? "" : ", ", stream.type, stream.codec);
      }
      fmt::print(
          "{}: video ({}) {} {}x{}{} {} {}-bit, {:.2f} fps, {:.2f} s, {} frames{}; streams: {}; "
          "decoding holds about {}\n",
          paths[i], info.container, info.codec, info.width, info.height,
          info.rotation != 0
              ? fmt::format(" upright (stored {}x{}, display matrix: rotate {} CW, as ffprobe's "
                            "rotation={} says counter-clockwise)",
                            info.rotation == 180 ? info.width : info.height,
                            info.rotation == 180 ? info.height : info.width, info.rotation,
                            (360 - info.rotation) % 360)
              : "",
          info.pixel_format, info.bit_depth, info.frame_rate, info.duration, info.frame_count,
          info.frame_count_exact ? "" : " (estimated)", streams,
          tessera::memory::format_bytes(info.decode_estimate));
    } catch (const tessera::Error& error) {
      // A container FFmpeg reads but with no video in it (audio alone) is said as such; only
      // a file FFmpeg does not recognise at all goes back to `tessera info`'s own message.
      if (error.code() == tessera::ErrorCode::UnsupportedFormat && count == 1 &&
          !error.message().starts_with("has no video stream")) {
        return tessera::cli::kNotAVideo;
      }
      if (json) tessera::cli::print_record(tessera::cli::error_record(paths[i], error));
      std::fflush(stdout);
      fmt::print(stderr, "{}: {}\n", paths[i], error.what());
      status = 1;
    }
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  if (argc >= 2 && std::string_view(argv[1]) == "--info") {
    return describe(argc - 2, argv + 2, false);
  }
  if (argc >= 2 && std::string_view(argv[1]) == "--info-json") {
    return describe(argc - 2, argv + 2, true);
  }
  CLI::App app{tessera::cli::kVideoDescription, "tessera video"};
  tessera::cli::VideoCommand video;
  tessera::cli::add_video_options(app, video);
  tessera::cli::LimitOptions limits;
  limits.add_to(&app);
  if (argc == 2 && std::string_view(argv[1]) == "--option-names") {
    for (const std::string& name : tessera::cli::option_names(app)) fmt::print("{}\n", name);
    return 0;
  }
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
