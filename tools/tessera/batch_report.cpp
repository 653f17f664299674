#include "batch_report.h"

#include <nlohmann/json.hpp>

#include "tessera/error.h"

namespace tessera::cli {

BatchReport::BatchReport(std::string path) : path_(std::move(path)), part_(path_ + ".part") {
  file_ = std::fopen(part_.c_str(), "w");
  if (file_ == nullptr) {
    throw Error(ErrorCode::Io, "cannot write the report (check the folder exists and is writable)",
                {.path = path_, .operation = "report"});
  }
  timeline_.reserve(kTimelineSamples);
  write("{\n  \"files\": [");
}

BatchReport::~BatchReport() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::remove(part_.c_str());
  }
}

void BatchReport::write(const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
    throw Error(ErrorCode::Io, "cannot write the report (is the disk full?)",
                {.path = path_, .operation = "report"});
  }
}

void BatchReport::add(const batch::FileResult& file, const batch::Totals& so_far) {
  nlohmann::json entry{{"input", file.input.string()},
                       {"output", file.output.string()},
                       {"status", std::string(batch::to_string(file.status))},
                       {"seconds", file.seconds},
                       {"input_bytes", file.input_bytes},
                       {"output_bytes", file.output_bytes}};
  if (!file.error_code.empty()) {
    entry["error"] = {{"code", file.error_code}, {"message", file.message}};
  }
  if (file.status == batch::Status::Skipped) entry["reason"] = file.message;
  write((first_entry_ ? "\n    " : ",\n    ") + entry.dump());
  first_entry_ = false;
  sample(so_far);
}

void BatchReport::sample(const batch::Totals& so_far) {
  if (files_++ % sample_every_ != 0) return;
  if (timeline_.size() == kTimelineSamples) {
    for (std::size_t i = 0; i < kTimelineSamples / 2; ++i) timeline_[i] = timeline_[2 * i];
    timeline_.resize(kTimelineSamples / 2);
    sample_every_ *= 2;
  }
  timeline_.push_back({so_far.seconds, so_far.tracked_bytes, so_far.rss});
}

void BatchReport::finish(const batch::Totals& totals, std::size_t leaked_bytes) {
  const nlohmann::json summary{{"done", totals.done},
                               {"failed", totals.failed},
                               {"skipped", totals.skipped},
                               {"seconds", totals.seconds},
                               {"input_bytes", totals.input_bytes},
                               {"output_bytes", totals.output_bytes},
                               {"peak_rss_bytes", totals.peak_rss},
                               {"peak_tracked_bytes", totals.peak_tracked_bytes},
                               {"leaked_bytes", leaked_bytes}};
  // [seconds, tracked bytes, RSS bytes], sampled as files finish.
  nlohmann::json timeline = nlohmann::json::array();
  for (const Sample& s : timeline_) timeline.push_back({s.seconds, s.tracked_bytes, s.rss});
  write(first_entry_ ? "],\n" : "\n  ],\n");
  write("  \"status\": \"" + std::string(totals.interrupted ? "interrupted" : "complete") +
        "\",\n");
  write("  \"totals\": " + summary.dump() + ",\n");
  write("  \"memory_timeline\": " + timeline.dump() + "\n}\n");
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!closed || std::rename(part_.c_str(), path_.c_str()) != 0) {
    std::remove(part_.c_str());
    throw Error(ErrorCode::Io, "cannot write the report", {.path = path_, .operation = "report"});
  }
}

}  // namespace tessera::cli
