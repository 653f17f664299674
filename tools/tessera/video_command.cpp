#include "video_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "command_line.h"
#include "exit_status.h"
#include "interrupt.h"
#include "tessera/error.h"
#include "tessera/memory.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/profiler.h"
#include "tessera/video.h"
#include "video_report.h"

namespace tessera::cli {
namespace {

std::string mib(std::size_t bytes) { return memory::format_bytes(bytes); }

// "[#####...] 412/795 frames  61.3 frames/s  ETA 0:06  RSS 71.2 MiB (peak 74.0 MiB)  tracked ..."
std::string progress_line(const video::Progress& progress, bool bar) {
  const double rate = progress.seconds > 0 ? progress.frames / progress.seconds : 0;
  std::string line;
  std::string eta;
  if (progress.frames_total > 0) {
    const double fraction =
        std::min(1.0, static_cast<double>(progress.frames) / progress.frames_total);
    if (bar) {
      constexpr int kWidth = 24;
      const int filled = static_cast<int>(fraction * kWidth);
      line = fmt::format("[{}{}] ", std::string(filled, '#'), std::string(kWidth - filled, '.'));
    }
    line += fmt::format("{}/{} frames", progress.frames, progress.frames_total);
    if (rate > 0 && progress.frames < progress.frames_total) {
      const auto left = static_cast<long>((progress.frames_total - progress.frames) / rate + 0.5);
      eta = fmt::format("  ETA {}:{:02}", left / 60, left % 60);
    }
  } else {
    line = fmt::format("{} frames", progress.frames);
  }
  const memory::ProcessMemory process = memory::read_process_memory();
  return line + fmt::format("  {:.1f} frames/s{}  RSS {} (peak {})  tracked {}", rate, eta,
                            mib(process.rss), mib(process.peak_rss),
                            mib(memory::counters().live_bytes));
}

// Seconds for --start (0 or more) and --duration (more than 0), refused in words: CLI11's own
// range check prints the whole range of a double.
CLI::Validator seconds(bool zero_allowed) {
  return CLI::Validator(
      [zero_allowed](std::string& text) -> std::string {
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value)) {
          return fmt::format("'{}' is not a number of seconds (give e.g. 10 or 2.5)", text);
        }
        if (zero_allowed && value < 0) {
          return fmt::format("{} s: give seconds from the start of the video, 0 or more", text);
        }
        if (!zero_allowed && value <= 0) {
          return fmt::format(
              "{} s: give a length in seconds, more than 0 (or leave it out for "
              "the rest of the video)",
              text);
        }
        return {};
      },
      "SECONDS");
}

bool is_video_file(const std::string& output) {
  return output != "null" && output.find('%') == std::string::npos;
}

// Options given that this output does not read, said once as convert says them.
void warn_ignored_options(const VideoCommand& command) {
  const std::string& output = command.output;
  std::vector<std::string> ignored;
  const std::string kind = output == "null" ? "" : " (an image sequence)";
  if (!is_video_file(output)) {
    if (command.options.crf >= 0) ignored.push_back("--crf applies to video outputs only");
    if (!command.options.preset.empty())
      ignored.push_back("--preset applies to video outputs only");
    if (!command.options.codec.empty()) ignored.push_back("--codec applies to video outputs only");
    if (command.no_audio) ignored.push_back("--no-audio applies to video outputs only");
  }
  for (const std::string& line : ignored) {
    fmt::print(stderr, "tessera: warning: {}; ignored for '{}'{}\n", line, output, kind);
  }
}

}  // namespace

void add_video_options(CLI::App& app, VideoCommand& command) {
  CLI::App* video = &app;
  video->add_option("input", command.input, "Input video, or an image sequence (frames/%06d.png)")
      ->required();
  video
      ->add_option("output", command.output,
                   "Output video (.mp4 .mkv .webm .mov .avi), an image sequence "
                   "(frames/%06d.png, numbered from 1; the folder is made if missing), or null "
                   "to write nothing. An existing output is replaced; the input itself is refused")
      ->required();
  video->add_option("-p,--pipeline", command.pipeline,
                    "Ops to run on each frame, e.g. 'gray | blur 5 | canny 50 150 | rgb'");
  video
      ->add_option("--codec", command.options.codec,
                   "h264, hevc, vp9, av1 or ffv1 (lossless); default: vp9 for .webm, else h264")
      ->check(CLI::IsMember({"h264", "hevc", "vp9", "av1", "ffv1"}));
  video
      ->add_option("--crf", command.options.crf,
                   "Constant quality, the encoder's own scale (x264/x265 0-51, default 23/28; "
                   "vp9/av1 0-63)")
      ->check(CLI::Range(0, 63));
  video->add_option("--preset", command.options.preset,
                    "The encoder's speed: x264/x265 ultrafast..veryslow (default medium), "
                    "SVT-AV1 0-13; vp9/libaom: cpu-used 0-8");
  video->add_option("--every", command.options.every, "Process every Nth frame (1: all)")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  video->add_option("--start", command.options.start, "Begin at this many seconds")
      ->check(seconds(true));
  video->add_option("--duration", command.options.duration, "Process this many seconds")
      ->check(seconds(false));
  video
      ->add_option("--fps", command.options.sequence_rate,
                   "Frames a second of an image sequence input (default 25, as ffmpeg)")
      ->check(CLI::Range(0.001, 1000.0));
  video->add_option("--memory", command.memory,
                    "Refuse the job if its estimate is above this, and stop it with an error if "
                    "it would go above (e.g. 256M)");
  video
      ->add_option("--frames-in-flight", command.options.frames_in_flight,
                   "Frames between decoder and encoder at once (0: one per core, plus one)")
      ->check(CLI::Range(0, 64));
  video->add_flag("--no-audio", command.no_audio, "Leave out audio and subtitle streams");
  video
      ->add_option("--fail-on", command.fail_on,
                   "What ends the run: error (a packet that does not decode or a frame the "
                   "decoder had to conceal; the default), warning (also a frame missing a "
                   "reference, from a cut between key frames), none (skip or keep it, and warn)")
      ->check(CLI::IsMember({"error", "warning", "none"}))
      ->capture_default_str();
  video
      ->add_option("--report", command.report,
                   "Write a report here: frames, timings, memory timeline, the settings; "
                   "run.json for JSON, run.html for a page with charts")
      ->check(report_file_name());
  video->add_flag("--estimate", command.estimate_only,
                  "Print the video's size and the job's memory estimate; process nothing");
}

int run_video(VideoCommand& command, const Limits& limits) {
  if (command.input == "-") {
    throw Error(ErrorCode::InvalidArgument,
                "tessera video reads a file, not standard input (-): FFmpeg's demuxers seek in "
                "it (an MP4's index is often at its end); save it to a file first",
                {.path = "-", .operation = "video"});
  }
  if (command.options.sequence_rate > 0 && command.input.find('%') == std::string::npos) {
    throw Error(ErrorCode::InvalidArgument,
                "--fps is for an image sequence input (frames/%06d.png): a video keeps its own "
                "timestamps",
                {.path = command.input, .operation = "video"});
  }
  pipeline::Pipeline stages;
  if (!command.pipeline.empty()) stages = pipeline::parse(command.pipeline);
  command.options.limits = limits;
  command.options.copy_audio = !command.no_audio;
  command.options.fail_on = command.fail_on == "warning" ? FailOn::Warning
                            : command.fail_on == "none"  ? FailOn::None
                                                         : FailOn::Error;
  if (!command.memory.empty()) {
    command.options.memory = memory::parse_bytes(command.memory);
    if (command.options.memory == 0) {
      throw Error(ErrorCode::InvalidArgument,
                  fmt::format("--memory {} leaves no room for any frame: give a size such as "
                              "256M, or leave --memory out for no cap",
                              command.memory));
    }
  }
  if (command.estimate_only) {
    // Both parts of what the job needs: tracked memory (frames, pipeline), and what the encoder
    // holds itself; and whether --memory holds them, as the run would decide before decoding.
    const video::VideoInfo info = video::probe(command.input);
    const std::size_t tracked = video::estimate(info, command.output, stages, command.options);
    fmt::print("{}: {}x{} {}, {} frames{}, {:.2f} fps\n", command.input, info.width, info.height,
               info.codec, info.frame_count, info.frame_count_exact ? "" : " (estimated)",
               info.frame_rate);
    fmt::print("estimate: {} tracked (frames and pipeline)", mib(tracked));
    const auto cap = [&] { return memory::format_bytes(command.options.memory); };
    if (command.options.memory > 0 && tracked > command.options.memory) {
      fmt::print("\n");
      throw Error(ErrorCode::OutOfBudget,
                  fmt::format("over --memory {}: the job would be refused before decoding", cap()),
                  {.path = command.input, .operation = "video"});
    }
    video::EncoderEstimate encoder;
    try {
      encoder = video::estimate_encoder(info, command.output, stages, command.options);
    } catch (const Error&) {
      fmt::print("\n");
      throw;
    }
    if (encoder.bytes > 0) {
      fmt::print(" + {} the encoder holds itself = {}", mib(encoder.bytes),
                 mib(tracked + encoder.bytes));
    }
    fmt::print("{}\n",
               command.options.memory > 0 ? fmt::format("; within --memory {}", cap()) : "");
    if (!encoder.note.empty()) fmt::print("{}\n", encoder.note);
    return 0;
  }
  warn_ignored_options(command);
  // Before any thread starts: every thread then leaves SIGINT/SIGTERM to the watch.
  InterruptWatch interrupt(
      "frames",
      is_video_file(command.output)
          ? fmt::format("stopped at once: no {} written, and no temporary left", command.output)
          : std::string("stopped at once"));
  command.options.stop = interrupt.token();
  const bool terminal = isatty(fileno(stderr)) != 0;
  // Opened now, before the first frame: a report that cannot be written ends the run at once.
  std::optional<VideoReport> report;
  if (!command.report.empty()) report.emplace(command.report, command, command.command_line);
  auto last_line = std::chrono::steady_clock::now();
  command.options.progress = [&](const video::Progress& progress) {
    if (report) report->sample(progress);
    const auto now = std::chrono::steady_clock::now();
    if (terminal && now - last_line > std::chrono::milliseconds(200)) {
      fmt::print(stderr, "\r\033[K{}", progress_line(progress, true));
      last_line = now;
    } else if (!terminal && now - last_line > std::chrono::seconds(10)) {
      fmt::print(stderr, "{}\n", progress_line(progress, false));
      last_line = now;
    }
  };
  const std::size_t tracked_before = memory::counters().live_bytes;
  video::RunSummary summary;
  try {
    summary = video::run(command.input, command.output, stages, command.options);
  } catch (const Error& error) {
    if (terminal) fmt::print(stderr, "\r\033[K");
    if (report) report->fail(error);
    throw;
  }
  if (terminal) fmt::print(stderr, "\r\033[K");
  for (const std::string& warning : summary.warnings) {
    fmt::print(stderr, "tessera: warning: {}\n", warning);
  }
  const std::size_t live = memory::counters().live_bytes;
  const memory::ProcessMemory process = memory::read_process_memory();
  fmt::print(
      "video: {}{} frames in {:.2f} s ({:.1f} frames/s){}; peak RSS {}, peak tracked {} "
      "(estimate {}{}); leaked {}\n",
      summary.interrupted ? "interrupted: " : "", summary.frames_written, summary.seconds,
      summary.seconds > 0 ? summary.frames_written / summary.seconds : 0.0,
      summary.packets_copied > 0
          ? fmt::format(", {} audio/subtitle packets copied", summary.packets_copied)
          : "",
      mib(process.peak_rss), mib(summary.peak_tracked), mib(summary.estimate),
      summary.encoder_estimate > 0
          ? fmt::format(", and {} the encoder holds itself", mib(summary.encoder_estimate))
          : "",
      mib(live > tracked_before ? live - tracked_before : 0));
  if (report) report->finish(summary, live > tracked_before ? live - tracked_before : 0);
  if (summary.interrupted) {
    if (!video::is_sequence_pattern(command.output)) {
      fmt::print(stderr, "tessera: interrupted: {} holds the {} frames done, playable\n",
                 command.output, summary.frames_written);
    } else if (summary.frames_written > 0) {
      const auto name = [&](std::int64_t number) {
        char file[4096];
        std::snprintf(file, sizeof file, command.output.c_str(), static_cast<int>(number));
        return std::string(file);
      };
      fmt::print(stderr,
                 "tessera: interrupted: the {} frames done are kept, each a complete file ({} to "
                 "{})\n",
                 summary.frames_written, name(1), name(summary.frames_written));
    } else {
      fmt::print(stderr, "tessera: interrupted before the first frame: nothing written\n");
    }
    return interrupt.exit_status();
  }
  return 0;
}

}  // namespace tessera::cli
