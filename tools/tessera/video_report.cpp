#include "video_report.h"

#include <nlohmann/json.hpp>

#include <filesystem>

#include "report_file.h"
#include "tessera/memory.h"
#include "tessera/profiler.h"
#include "tessera/version.h"
#include "video_command.h"

namespace tessera::cli {
VideoReport::VideoReport(std::string path, const VideoCommand& command, std::string command_line)
    : path_(std::move(path)), part_(path_ + ".part") {
  // Refused before the run if it cannot be written; written whole at the end.
  std::fclose(open_report_part(path_));
  const video::RunOptions& options = command.options;
  const nlohmann::json settings{
      {"input", command.input},
      {"output", command.output},
      {"pipeline", command.pipeline},
      {"codec", options.codec.empty() ? "the container's" : options.codec},
      {"crf", options.crf},
      {"preset", options.preset},
      {"every", options.every},
      {"start_seconds", options.start},
      {"duration_seconds", options.duration},
      {"memory_bytes", options.memory},
      {"frames_in_flight", options.frames_in_flight},
      {"audio", options.copy_audio},
      {"fail_on", command.fail_on}};
  head_ = "{\n  \"tessera\": " + nlohmann::json{{"version", kVersion}}.dump() + ",\n" +
          "  \"command\": " + nlohmann::json(command_line).dump() + ",\n" +
          "  \"settings\": " + settings.dump() + ",\n";
}

VideoReport::~VideoReport() { std::remove(part_.c_str()); }

void VideoReport::sample(const video::Progress& progress) {
  if (!timeline_.due()) return;
  timeline_.add({progress.seconds, progress.frames, memory::counters().live_bytes,
                 memory::read_process_memory().rss});
}

void VideoReport::finish(const video::RunSummary& summary, std::size_t leaked_bytes) {
  const video::VideoInfo& input = summary.input;
  nlohmann::json streams = nlohmann::json::array();
  for (const video::StreamInfo& stream : input.streams) {
    streams.push_back({{"index", stream.index}, {"type", stream.type}, {"codec", stream.codec}});
  }
  const nlohmann::json about{{"container", input.container},
                             {"codec", input.codec},
                             {"width", input.width},
                             {"height", input.height},
                             {"rotation", input.rotation},
                             {"frame_rate", input.frame_rate},
                             {"duration_seconds", input.duration},
                             {"frame_count", input.frame_count},
                             {"frame_count_exact", input.frame_count_exact},
                             {"pixel_format", input.pixel_format},
                             {"streams", streams}};
  const nlohmann::json totals{
      {"frames_read", summary.frames_read},
      {"frames_written", summary.frames_written},
      {"packets_copied", summary.packets_copied},
      {"seconds", summary.seconds},
      {"frames_per_second", summary.seconds > 0 ? summary.frames_written / summary.seconds : 0.0},
      {"estimate_bytes", summary.estimate},
      {"peak_tracked_bytes", summary.peak_tracked},
      {"peak_rss_bytes", memory::read_process_memory().peak_rss},
      {"leaked_bytes", leaked_bytes}};
  const nlohmann::json timings{{"decode_seconds", summary.decode_seconds},
                               {"pipeline_seconds", summary.pipeline_seconds},
                               {"encode_seconds", summary.encode_seconds}};
  std::string body = "  \"input\": " + about.dump() + ",\n";
  body += "  \"warnings\": " + nlohmann::json(summary.warnings).dump() + ",\n";
  body += "  \"totals\": " + totals.dump() + ",\n";
  body += "  \"timings\": " + timings.dump() + ",\n";
  write_out(summary.interrupted ? "interrupted" : "complete", body);
}

void VideoReport::fail(const Error& error) {
  const nlohmann::json failure{{"code", std::string(to_string(error.code()))},
                               {"message", error.message()},
                               {"path", error.path()}};
  write_out("failed", "  \"error\": " + failure.dump() + ",\n");
}

void VideoReport::write_out(const std::string& status, const std::string& body) {
  nlohmann::json timeline = nlohmann::json::array();
  for (const Sample& s : timeline_.samples()) {
    timeline.push_back({{"seconds", s.seconds},
                        {"frames", s.frames},
                        {"tracked_bytes", s.tracked_bytes},
                        {"rss_bytes", s.rss}});
  }
  const std::string text = head_ + "  \"status\": \"" + status + "\",\n" + body +
                           "  \"memory_timeline\": " + timeline.dump() + "\n}\n";
  std::FILE* file = std::fopen(part_.c_str(), "w");
  const bool written =
      file != nullptr && std::fwrite(text.data(), 1, text.size(), file) == text.size();
  const bool closed = file != nullptr && std::fclose(file) == 0;
  if (!written || !closed || std::rename(part_.c_str(), path_.c_str()) != 0) {
    report_write_failed(path_);
  }
}

}  // namespace tessera::cli
