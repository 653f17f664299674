#include "batch_report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <thread>

#include "html_report.h"
#include "report_file.h"
#include "report_sites.h"
#include "tessera/error.h"
#include "tessera/formats.h"
#include "tessera/memory.h"
#include "tessera/profiler.h"
#include "tessera/version.h"

namespace tessera::cli {
namespace {

std::string_view fail_on_name(FailOn fail_on) {
  switch (fail_on) {
    case FailOn::Error:
      return "error";
    case FailOn::Warning:
      return "warning";
    case FailOn::None:
      return "none";
  }
  return "";
}

// What the run was asked to do, as the report's "settings": enough to run it again.
nlohmann::json settings_of(const BatchCommand& command) {
  const batch::Options& options = command.options;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  nlohmann::json settings{
      {"input", options.input.string()},
      {"output", options.output.string()},
      {"pipeline", command.pipeline},
      {"jobs", options.jobs > 0 ? options.jobs : cores},
      {"memory_bytes", options.memory},  // 0: no cap
      {"format", options.format.empty() ? "the input's" : options.format},
      {"resume", options.resume},
      {"shard", std::to_string(options.shard + 1) + "/" + std::to_string(options.shards)},
      {"recursive", options.recursive},
      {"fail_on", fail_on_name(options.fail_on)},
      {"shrink_on_load", options.shrink_on_load},
      {"apply_orientation", options.apply_orientation},
      {"page", options.page ? nlohmann::json(*options.page) : nlohmann::json(nullptr)}};
  // Every encode option in the format table, given or not (quality, png_compression, ...): what
  // the outputs were written with.
  for (const EncodeOptionSpec& option : all_encode_options()) {
    const std::string name(option.param.name);
    const std::string value = encode_option_value(options.encode, name);
    switch (option.param.kind) {
      case ParamKind::Integer:
        settings[name] = std::stoi(value);
        break;
      case ParamKind::Flag:
        settings[name] = value == "true";
        break;
      default:
        settings[name] = value;
    }
  }
  if (options.limits.max_pixels == UINT64_MAX) {
    settings["max_pixels"] = "unlimited";
  } else {
    settings["max_pixels"] = options.limits.max_pixels;
  }
  return settings;
}

}  // namespace

BatchReport::BatchReport(std::string path, const BatchCommand& command)
    : path_(std::move(path)),
      part_(path_ + ".part"),
      tracked_before_(memory::counters().live_bytes) {
  file_ = open_report_part(path_);
  const nlohmann::json tessera{{"version", kVersion}};
  write("{\n  \"kind\": \"batch\",\n  \"tessera\": " +
        tessera.dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n");
  write("  \"command\": " +
        nlohmann::json(command.command_line).dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n");
  write("  \"settings\": " + settings_of(command).dump(-1, ' ', false, kReplaceInvalidUtf8) +
        ",\n");
  write("  \"files\": [");
  std::fflush(file_);  // on disk before the first file: a run killed at once still says what ran
}

BatchReport::~BatchReport() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::remove(part_.c_str());
  }
}

void BatchReport::write(const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
    report_write_failed(path_);
  }
}

void BatchReport::add(const batch::FileResult& file, const batch::Totals& so_far) {
  nlohmann::json entry{{"input", file.input.string()},
                       {"output", file.output.string()},
                       {"status", std::string(batch::to_string(file.status))},
                       {"seconds", file.seconds},
                       // When it ran, in the run's seconds (what was in flight at a point of the
                       // memory timeline): it finished as it was reported.
                       {"started_seconds", std::max(0.0, so_far.seconds - file.seconds)},
                       {"finished_seconds", so_far.seconds},
                       {"input_bytes", file.input_bytes},
                       {"output_bytes", file.output_bytes}};
  if (file.width > 0) {  // the header was read
    entry["width"] = file.width;
    entry["height"] = file.height;
  }
  if (file.status == batch::Status::Done) {  // what was written, and where the time went
    entry["output_width"] = file.output_width;
    entry["output_height"] = file.output_height;
    entry["decode_seconds"] = file.decode_seconds;
    entry["pipeline_seconds"] = file.pipeline_seconds;
    entry["encode_seconds"] = file.encode_seconds;
  }
  if (!file.warnings.empty()) entry["warnings"] = file.warnings;
  if (!file.error_code.empty()) {
    entry["error"] = {{"code", file.error_code}, {"message", file.message}};
  }
  if (file.status == batch::Status::Skipped) entry["reason"] = file.message;
  write((first_entry_ ? "\n    " : ",\n    ") + entry.dump(-1, ' ', false, kReplaceInvalidUtf8));
  // On disk as each file finishes: a run killed at once (a second Ctrl-C) leaves in the .part
  // every file it finished.
  if (std::fflush(file_) != 0) {
    report_write_failed(path_);
  }
  first_entry_ = false;
  const std::lock_guard lock(mutex_);
  files_finished_ = so_far.done + so_far.failed + so_far.skipped;
  files_processed_ = so_far.done + so_far.failed;
  files_done_ = so_far.done;
  const std::string input = file.input.string();
  if (const auto it = std::find(in_flight_.begin(), in_flight_.end(), input);
      it != in_flight_.end()) {
    in_flight_.erase(it);
    in_flight_names_ = std::make_shared<const std::vector<std::string>>(in_flight_);
  }
  take_sample();  // a point as each file finishes, whatever the sampler's timing
}

void BatchReport::started(const std::filesystem::path& input, double seconds) {
  const std::lock_guard lock(mutex_);
  if (!sampler_.running()) {
    origin_ = std::chrono::steady_clock::now() -
              std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                  std::chrono::duration<double>(seconds));
    sampler_.start([this] {
      const std::lock_guard sampling(mutex_);
      take_sample();
    });
  }
  in_flight_.push_back(input.string());
  in_flight_names_ = std::make_shared<const std::vector<std::string>>(in_flight_);
}

void BatchReport::take_sample() {
  const std::size_t live = memory::counters().live_bytes;
  timeline_.add({std::chrono::duration<double>(std::chrono::steady_clock::now() - origin_).count(),
                 files_finished_, files_processed_, files_done_,
                 live > tracked_before_ ? live - tracked_before_ : 0,
                 memory::read_process_memory().rss, in_flight_names_});
}

void BatchReport::finish(const batch::Totals& totals, std::size_t leaked_bytes,
                         const std::vector<std::string>& warnings,
                         std::optional<std::size_t> inputs) {
  const nlohmann::json summary{{"inputs", inputs ? nlohmann::json(*inputs) : nlohmann::json()},
                               {"done", totals.done},
                               {"failed", totals.failed},
                               {"skipped", totals.skipped},
                               {"seconds", totals.seconds},
                               {"input_bytes", totals.input_bytes},
                               {"output_bytes", totals.output_bytes},
                               {"peak_rss_bytes", totals.peak_rss},
                               {"peak_tracked_bytes", totals.peak_tracked_bytes},
                               {"leaked_bytes", leaked_bytes}};
  // Sampled on time and as files finish: tracked bytes are tessera's pixels and buffers live
  // then, and in_flight the files taken and not yet finished.
  sampler_.stop();
  nlohmann::json timeline = nlohmann::json::array();
  for (const Sample& s : timeline_.samples()) {
    timeline.push_back({{"seconds", s.seconds},
                        {"files_finished", s.files_finished},
                        {"files_processed", s.files_processed},
                        {"files_done", s.files_done},
                        {"tracked_bytes", s.tracked_bytes},
                        {"rss_bytes", s.rss},
                        {"in_flight", *s.in_flight}});
  }
  write(first_entry_ ? "],\n" : "\n  ],\n");
  const std::string status = totals.interrupted   ? "interrupted"
                             : totals.output_full ? "output_full"
                                                  : "complete";
  write("  \"status\": \"" + status + "\",\n");
  write("  \"warnings\": " + nlohmann::json(warnings).dump(-1, ' ', false, kReplaceInvalidUtf8) +
        ",\n");
  write("  \"totals\": " + summary.dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n");
  write("  \"leaked_sites\": " +
        leaked_sites(leaked_bytes).dump(-1, ' ', false, kReplaceInvalidUtf8) + ",\n");
  write("  \"memory_timeline\": " + timeline.dump(-1, ' ', false, kReplaceInvalidUtf8) + "\n}\n");
  bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (closed && report_format(path_) == ReportFormat::Html) {
    // The JSON, streamed to the part file as files finished, becomes the page in its place.
    closed = rewrite_as_page();
  }
  if (!closed || std::rename(part_.c_str(), path_.c_str()) != 0) {
    std::remove(part_.c_str());
    throw Error(ErrorCode::Io, "cannot write the report", {.path = path_, .operation = "report"});
  }
}

bool BatchReport::rewrite_as_page() {
  std::FILE* in = std::fopen(part_.c_str(), "r");
  if (in == nullptr) return false;
  std::string text;
  char buffer[1 << 16];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, in)) > 0;) text.append(buffer, n);
  const bool read = std::ferror(in) == 0;
  std::fclose(in);
  if (!read) return false;
  const std::string page = report_text(path_, text);
  std::FILE* out = std::fopen(part_.c_str(), "w");
  if (out == nullptr) return false;
  const bool written = std::fwrite(page.data(), 1, page.size(), out) == page.size();
  return std::fclose(out) == 0 && written;
}

}  // namespace tessera::cli
