#include "convert_report.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "html_report.h"
#include "report_file.h"
#include "report_sites.h"
#include "tessera/memory.h"
#include "tessera/profiler.h"
#include "tessera/version.h"

namespace tessera::cli {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::uintmax_t size_of(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  return error ? 0 : size;
}

}  // namespace

ConvertReport::ConvertReport(const ConvertOptions& options)
    : options_(options), path_(options.report), part_(options.report + ".part") {
  // Refused before the job if it cannot be written; written whole at the end.
  std::fclose(open_report_part(path_));
}

ConvertReport::~ConvertReport() {
  sampler_.stop();
  std::remove(part_.c_str());
}

void ConvertReport::start(const pipeline::Job& job) {
  estimate_ = job.estimate();
  const auto input = job.input_size();
  job_ = nlohmann::json{{"input_width", input[0]},
                        {"input_height", input[1]},
                        {"output_width", job.output_shape().width},
                        {"output_height", job.output_shape().height},
                        {"estimate_bytes", job.estimate()},
                        {"plan", job.describe()}}
             .dump(-1, ' ', false, kReplaceInvalidUtf8);
  memory::reset_peak();
  start_ = std::chrono::steady_clock::now();
  tracked_before_ = memory::counters().live_bytes;
  sampler_.start([this] {
    const std::size_t live = memory::counters().live_bytes;
    const Sample sample{seconds_since(start_), live > tracked_before_ ? live - tracked_before_ : 0,
                        memory::read_process_memory().rss};
    const std::lock_guard lock(mutex_);
    timeline_.add(sample);
  });
}

std::size_t ConvertReport::peak_tracked() const {
  const std::size_t peak = memory::counters().peak_bytes;
  return peak > tracked_before_ ? peak - tracked_before_ : 0;
}

void ConvertReport::finish(const pipeline::Job::StageSeconds& stages, bool interrupted,
                           std::size_t leaked_bytes) {
  const double seconds = seconds_since(start_);
  sampler_.stop();
  const nlohmann::json totals{{"seconds", seconds},
                              {"input_bytes", size_of(options_.input)},
                              {"output_bytes", size_of(options_.output)},
                              {"estimate_bytes", estimate_},
                              {"peak_tracked_bytes", peak_tracked()},
                              {"peak_rss_bytes", memory::read_process_memory().peak_rss},
                              {"leaked_bytes", leaked_bytes}};
  const nlohmann::json timings{{"decode_seconds", stages.decode},
                               {"pipeline_seconds", stages.pipeline},
                               {"encode_seconds", stages.encode}};
  write_out(interrupted ? "interrupted" : "complete",
            "  \"job\": " + job_ +
                ",\n  \"totals\": " + totals.dump(-1, ' ', false, kReplaceInvalidUtf8) +
                ",\n  \"timings\": " + timings.dump(-1, ' ', false, kReplaceInvalidUtf8) +
                ",\n  \"leaked_sites\": " +
                leaked_sites(leaked_bytes).dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n");
}

void ConvertReport::fail(const Error& error) {
  sampler_.stop();
  const nlohmann::json failure{{"code", std::string(to_string(error.code()))},
                               {"message", error.message()},
                               {"path", error.path()}};
  const nlohmann::json totals{{"seconds", job_.empty() ? 0.0 : seconds_since(start_)},
                              {"estimate_bytes", estimate_}};
  write_out("failed", "  \"error\": " + failure.dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n" +
                          (job_.empty() ? "" : "  \"job\": " + job_ + ",\n") + "  \"totals\": " +
                          totals.dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n");
}

void ConvertReport::write_out(const std::string& status, const std::string& body) {
  const nlohmann::json settings{{"input", options_.input},
                                {"output", options_.output},
                                {"pipeline", options_.pipeline},
                                {"memory_bytes", options_.memory},  // 0: no cap
                                {"apply_orientation", options_.apply_orientation},
                                {"shrink_on_load", options_.shrink_on_load}};
  nlohmann::json timeline = nlohmann::json::array();
  for (const Sample& s : timeline_.samples()) {
    timeline.push_back(
        {{"seconds", s.seconds}, {"tracked_bytes", s.tracked_bytes}, {"rss_bytes", s.rss}});
  }
  const std::string json_text =
      "{\n  \"kind\": \"convert\",\n  \"tessera\": " +
      nlohmann::json{{"version", kVersion}}.dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n" +
      "  \"command\": " +
      nlohmann::json(options_.command_line).dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n" +
      "  \"settings\": " + settings.dump(-1, ' ', false, kReplaceInvalidUtf8) +
      ",\n  \"status\": \"" + status + "\",\n" + body +
      "  \"memory_timeline\": " + timeline.dump(-1, ' ', false, kReplaceInvalidUtf8) + "\n}\n";
  const std::string text = report_text(path_, json_text);
  write_report_file(path_, text);
}

}  // namespace tessera::cli
