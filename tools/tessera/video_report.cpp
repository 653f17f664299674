#include "video_report.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

#include "html_report.h"
#include "report_file.h"
#include "report_sites.h"
#include "tessera/codec.h"
#include "tessera/memory.h"
#include "tessera/profiler.h"
#include "tessera/version.h"
#include "video_command.h"
#include "video_info_json.h"

namespace tessera::cli {
VideoReport::VideoReport(std::string path, const VideoCommand& command, std::string command_line)
    : path_(std::move(path)), part_(path_ + ".part") {
  // Refused before the run if it cannot be written; written whole at the end.
  std::fclose(open_report_part(path_));
  const video::RunOptions& options = command.options;
  // What was given; null for what was not (the encoder's or the container's default, the
  // codec and size actually used are in "output").
  const auto given = [](bool is_given, const auto& value) {
    return is_given ? nlohmann::json(value) : nlohmann::json(nullptr);
  };
  const nlohmann::json settings{
      {"input", command.input},
      {"output", command.output},
      {"pipeline", command.pipeline},
      {"codec", given(!options.codec.empty(), options.codec)},
      {"crf", given(options.crf >= 0, options.crf)},
      {"preset", given(!options.preset.empty(), options.preset)},
      {"every", options.every},
      {"start_seconds", options.start},
      {"duration_seconds", given(options.duration > 0, options.duration)},
      {"memory_bytes", given(options.memory > 0, options.memory)},
      {"frames_in_flight", given(options.frames_in_flight > 0, options.frames_in_flight)},
      {"audio", options.copy_audio},
      {"fail_on", command.fail_on}};
  input_ = command.input;
  output_ = command.output;
  head_ =
      "{\n  \"kind\": \"video\",\n  \"tessera\": " +
      nlohmann::json{{"version", kVersion}}.dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n" +
      "  \"command\": " + nlohmann::json(command_line).dump(-1, ' ', false, kReplaceInvalidUtf8) +
      ",\n" + "  \"settings\": " + settings.dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n";
}

VideoReport::~VideoReport() { std::remove(part_.c_str()); }

void VideoReport::sample(const video::Progress& progress) {
  // One point per frame written: the run's last call only corrects the total.
  const bool new_frame = progress.frames != last_.frames;
  last_ = progress;
  if (!new_frame) return;
  timeline_.add({progress.seconds, progress.frames, memory::counters().live_bytes,
                 memory::read_process_memory().rss});
}

namespace {

// What the run wrote, as the file says it (a video read back by its headers, an image
// sequence by its first file): null for `null`, or when it cannot be read.
nlohmann::json describe_output(const std::string& output, std::int64_t frames) {
  namespace fs = std::filesystem;
  if (output == "null" || frames == 0) return nullptr;
  try {
    if (output.find('%') == std::string::npos) {
      const video::VideoInfo written = video::probe(output);
      std::error_code error;
      const auto bytes = fs::file_size(output, error);
      return {{"codec", written.codec},        {"pixel_format", written.pixel_format},
              {"width", written.width},        {"height", written.height},
              {"bytes", error ? 0 : bytes},    {"frames", frames},
              {"container", written.container}};
    }
    std::uintmax_t bytes = 0;
    std::string first;
    for (std::int64_t i = 1; i <= frames; ++i) {
      char name[4096];
      std::snprintf(name, sizeof name, output.c_str(), static_cast<int>(i));
      std::error_code error;
      const auto size = fs::file_size(name, error);
      if (!error) bytes += size;
      if (i == 1) first = name;
    }
    const ImageInfo image = tessera::probe(first);
    return {{"codec", std::string(to_string(image.format))},
            {"pixel_format", std::string(image.pixel_format.name())},
            {"width", image.width},
            {"height", image.height},
            {"bytes", bytes},
            {"frames", frames}};
  } catch (const Error&) {
    return nullptr;
  }
}

}  // namespace

void VideoReport::finish(const video::RunSummary& summary, std::size_t leaked_bytes) {
  const nlohmann::json about = video_info_json(summary.input);
  const nlohmann::json totals{
      {"frames_decoded", summary.frames_decoded},
      {"frames_read", summary.frames_read},
      {"frames_written", summary.frames_written},
      {"packets_copied", summary.packets_copied},
      {"seconds", summary.seconds},
      {"frames_per_second", summary.seconds > 0 ? summary.frames_written / summary.seconds : 0.0},
      {"estimate_bytes", summary.estimate},
      {"encoder_estimate_bytes", summary.encoder_estimate},
      {"peak_tracked_bytes", summary.peak_tracked},
      {"peak_rss_bytes", memory::read_process_memory().peak_rss},
      {"leaked_bytes", leaked_bytes}};
  const nlohmann::json timings{{"decode_seconds", summary.decode_seconds},
                               {"pipeline_seconds", summary.pipeline_seconds},
                               {"encode_seconds", summary.encode_seconds}};
  std::string body = "  \"input\": " + about.dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n";
  body +=
      "  \"output\": " +
      describe_output(output_, summary.frames_written).dump(-1, ' ', false, kReplaceInvalidUtf8) +
      ",\n";
  body += "  \"warnings\": " +
          nlohmann::json(summary.warnings).dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n";
  body += "  \"totals\": " + totals.dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n";
  body += "  \"timings\": " + timings.dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n";
  body += "  \"leaked_sites\": " +
          leaked_sites(leaked_bytes).dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n";
  write_out(summary.interrupted ? "interrupted" : "complete", body);
}

void VideoReport::fail(const Error& error) {
  const nlohmann::json failure{{"code", std::string(to_string(error.code()))},
                               {"message", error.message()},
                               {"path", error.path()}};
  // What is known of a failed run: the input's headers (unless they were what failed) and the
  // frames done before the error.
  nlohmann::json input = nullptr;
  try {
    input = video_info_json(video::probe(input_));
  } catch (const Error&) {
  }
  const nlohmann::json totals{{"frames_written", last_.frames}, {"seconds", last_.seconds}};
  write_out("failed", "  \"error\": " + failure.dump(-1, ' ', false, kReplaceInvalidUtf8) +
                          ",\n  \"input\": " + input.dump(-1, ' ', false, kReplaceInvalidUtf8) +
                          ",\n  \"totals\": " + totals.dump(-1, ' ', false, kReplaceInvalidUtf8) +
                          ",\n");
}

void VideoReport::write_out(const std::string& status, const std::string& body) {
  nlohmann::json timeline = nlohmann::json::array();
  for (const Sample& s : timeline_.samples()) {
    timeline.push_back({{"seconds", s.seconds},
                        {"frames", s.frames},
                        {"tracked_bytes", s.tracked_bytes},
                        {"rss_bytes", s.rss}});
  }
  // As JSON, or the page rendered from it for an .html path.
  const std::string text = report_text(
      path_, head_ + "  \"status\": \"" + status + "\",\n" + body + "  \"memory_timeline\": " +
                 timeline.dump(-1, ' ', false, kReplaceInvalidUtf8) + "\n}\n");
  write_report_file(path_, text);
}

}  // namespace tessera::cli
