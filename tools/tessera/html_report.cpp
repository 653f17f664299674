#include "html_report.h"

#include <fcntl.h>  // AT_FDCWD
#include <fmt/format.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "tessera/error.h"
#include "tessera/profiler.h"

namespace tessera::cli {
namespace {

using nlohmann::json;

// Text from the JSON as HTML text or an attribute value: nothing in it can open a tag, close a
// quoted attribute or start an entity.
std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A JSON value as text for a table cell: strings as they are, anything else as JSON.
std::string text_of(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

double number(const json& object, const char* key, double fallback = 0) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : fallback;
}

std::string string_at(const json& object, const char* key, std::string fallback = {}) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::string bytes(double value) {
  return memory::format_bytes(static_cast<std::size_t>(std::max(0.0, value)));
}

std::string seconds(double value) {
  return value < 10 ? fmt::format("{:.3f} s", value) : fmt::format("{:.1f} s", value);
}

// Round steps (1, 2, 5 x 10^k) from 0 to at least `top`, about `count` of them.
std::vector<double> ticks(double top, int count) {
  if (!(top > 0)) top = 1;
  const double raw = top / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> out;
  for (double tick = 0; tick < top + step * 0.999; tick += step) out.push_back(tick);
  return out;
}

// Byte ticks in powers of two: 0, 64 MiB, 128 MiB... so that labels read as round sizes.
std::vector<double> byte_ticks(double top) {
  if (!(top > 0)) top = 1;
  double step = 1;
  while (top / step > 6) step *= 2;
  std::vector<double> out;
  for (double tick = 0; tick < top + step * 0.999; tick += step) out.push_back(tick);
  return out;
}

// The plotting area of every chart, in the SVG's own units (it scales to the page's width).
struct Frame {
  double width = 960, height = 240;
  double left = 78, right = 16, top = 12, bottom = 34;
  double x_max = 1, y_max = 1;

  double x(double value) const { return left + (width - left - right) * value / x_max; }
  double y(double value) const { return top + (height - top - bottom) * (1 - value / y_max); }
  double bottom_y() const { return height - bottom; }
};

std::string svg_open(const Frame& frame, std::string_view label) {
  return fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" "
      "xmlns=\"http://www.w3.org/2000/svg\">\n",
      frame.width, frame.height, escape(label));
}

// Axes with grid lines: x in seconds, y labelled by `y_label`.
template <class Label>
std::string axes(const Frame& frame, const std::vector<double>& x_ticks,
                 const std::vector<double>& y_ticks, Label y_label, std::string_view x_title) {
  std::string out;
  for (const double tick : y_ticks) {
    out += fmt::format(
        "<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
        frame.left, frame.width - frame.right, frame.y(tick), frame.y(tick), frame.left - 6,
        frame.y(tick) + 4, escape(y_label(tick)));
  }
  for (const double tick : x_ticks) {
    out += fmt::format(
        "<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{:g}</text>\n",
        frame.x(tick), frame.x(tick), frame.top, frame.bottom_y(), frame.x(tick),
        frame.bottom_y() + 16, tick);
  }
  out += fmt::format(
      "<text class=\"axis-title\" x=\"{:.1f}\" y=\"{:.1f}\" "
      "text-anchor=\"end\">{}</text>\n",
      frame.width - frame.right, frame.height - 2, escape(x_title));
  return out;
}

struct Sample {
  double seconds = 0, count = 0, rss = 0, tracked = 0;
  std::string step;  // memory-demo: the step the point is after
  // A batch sample's own list of the files in flight (sampled on time); absent in reports
  // written before it, whose files in flight are found from the files' start and finish.
  std::optional<std::vector<std::string>> in_flight;
};

struct FileEntry {
  const json* entry;
  std::string input, status;
  double seconds = 0, started = 0, finished = 0, input_bytes = 0;
  bool timed = false;  // started/finished known
};

// For each sample, the files in flight then (started at or before it, finished at or after
// it): one sweep over the files sorted by start, with those still running kept by finish.
std::vector<std::vector<const FileEntry*>> in_flight(const std::vector<Sample>& samples,
                                                     const std::vector<FileEntry>& files) {
  std::vector<const FileEntry*> by_start;
  for (const FileEntry& file : files) {
    if (file.timed) by_start.push_back(&file);
  }
  std::sort(by_start.begin(), by_start.end(),
            [](const FileEntry* a, const FileEntry* b) { return a->started < b->started; });
  std::vector<std::vector<const FileEntry*>> out(samples.size());
  std::multimap<double, const FileEntry*> running;  // by finish
  std::size_t next = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double t = samples[i].seconds;
    for (; next < by_start.size() && by_start[next]->started <= t; ++next) {
      running.emplace(by_start[next]->finished, by_start[next]);
    }
    while (!running.empty() && running.begin()->first < t) running.erase(running.begin());
    for (const auto& [finish, file] : running) out[i].push_back(file);
  }
  return out;
}

constexpr std::string_view kStyle = R"(
:root { --rss: #c2410c; --tracked: #1d4ed8; --budget: #b91c1c; --estimate: #7c3aed; --ok: #15803d; --bad: #b91c1c;
        --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; padding: 20px 28px 40px; max-width: 1180px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.sub { color: var(--muted); margin: 0 0 12px; overflow-wrap: anywhere; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.card b { display: block; font-size: 18px; }
.card span { color: var(--muted); font-size: 12px; }
#verdict { padding: 10px 14px; border-radius: 6px; margin: 12px 0; font-weight: 600; }
#verdict.ok { background: #dcfce7; color: var(--ok); }
#verdict.bad { background: #fee2e2; color: var(--bad); }
#leaks { margin-bottom: 16px; }
svg.chart { width: 100%; height: auto; display: block; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .tick, svg .axis-title, svg .label { font-size: 11px; fill: var(--muted); }
svg .label { fill: var(--ink); }
svg .rss { stroke: var(--rss); fill: none; stroke-width: 2; }
svg .tracked { stroke: var(--tracked); fill: none; stroke-width: 2; }
svg .budget { stroke: var(--budget); stroke-dasharray: 6 4; stroke-width: 1.5; }
svg .estimate { stroke: var(--estimate); stroke-dasharray: 2 3; stroke-width: 1.5; }
svg circle.tl-point { fill: var(--rss); }
svg circle.tl-tracked { fill: var(--tracked); }
svg circle:hover { r: 6; }
svg .rate { stroke: #0f766e; fill: none; stroke-width: 2; }
svg .bar { fill: #6366f1; }
svg .file-bar { fill: #94a3b8; }
svg .file-bar.failed { fill: var(--bad); }
svg .file-bar:hover { fill: var(--ink); }
.legend span { margin-right: 16px; white-space: nowrap; }
.legend i { display: inline-block; width: 18px; height: 3px; vertical-align: middle; margin-right: 5px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f9fafb; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.path { overflow-wrap: anywhere; }
code, pre { font: 12px/1.4 ui-monospace, "SFMono-Regular", Menlo, monospace; }
pre { background: #f9fafb; padding: 8px; border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; }
.note { color: var(--muted); font-size: 12px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  section { break-inside: avoid; }
  h2 { break-after: avoid; }
  .no-print { display: none; }
  #verdict { border: 1px solid currentColor; }
}
)";

class Page {
 public:
  explicit Page(const json& report) : report_(report) {
    settings_ = report.value("settings", json::object());
    totals_ = report.value("totals", json::object());
    // "kind" names the report; one written before it had a kind is a video's when it has an
    // input video and no files.
    const std::string kind = string_at(report, "kind");
    convert_ = kind == "convert";
    memory_ = kind == "memory";
    video_ =
        kind == "video" || (kind.empty() && report.contains("input") && !report.contains("files"));
    // Throughput counts the files done, as the summary line's images/s (a file that fails at
    // once is no image made); reports from before files_done count the files processed, or,
    // older still, every file finished.
    const json& timeline = report.at("memory_timeline");
    const auto has = [&](const char* key) {
      return !timeline.empty() && timeline.front().contains(key);
    };
    count_key_ = video_                   ? "frames"
                 : has("files_done")      ? "files_done"
                 : has("files_processed") ? "files_processed"
                                          : "files_finished";
    unit_ = video_ ? "frames" : "images";
    for (const json& point : timeline) {
      samples_.push_back({number(point, "seconds"), number(point, count_key_.c_str()),
                          number(point, "rss_bytes"), number(point, "tracked_bytes"),
                          string_at(point, "step")});
      if (point.is_object() && point.contains("in_flight") && point["in_flight"].is_array()) {
        auto& names = samples_.back().in_flight.emplace();
        for (const json& name : point["in_flight"]) names.push_back(text_of(name));
      }
    }
    if (report.contains("files") && report["files"].is_array()) {
      for (const json& entry : report["files"]) {
        FileEntry file{&entry, string_at(entry, "input"), string_at(entry, "status"),
                       number(entry, "seconds")};
        file.input_bytes = number(entry, "input_bytes");
        if (entry.contains("started_seconds") && entry.contains("finished_seconds")) {
          file.started = number(entry, "started_seconds");
          file.finished = number(entry, "finished_seconds");
          file.timed = true;
        }
        files_.push_back(file);
      }
    }
  }

  std::string render() {
    std::string title = convert_  ? "tessera convert report"
                        : memory_ ? "tessera memory-demo report"
                        : video_  ? "tessera video report"
                                  : "tessera batch report";
    out_ = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    // No fetch of any kind: a policy that forbids it, so a page can never call out even if a
    // string got through unescaped.
    out_ +=
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">\n";
    out_ += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out_ += fmt::format("<title>{}: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
                        escape(title), escape(string_at(settings_, "input")), kStyle);
    header(title);
    memory_timeline();
    throughput();
    stages();
    failures();
    skipped();
    largest_and_slowest();
    sites();
    settings();
    out_ += "</body>\n</html>\n";
    return std::move(out_);
  }

 private:
  void header(const std::string& title) {
    const std::string status = string_at(report_, "status", "unknown");
    const std::string what =
        memory_ ? fmt::format("{:.0f} photos of {:.0f}x{:.0f}", number(settings_, "photos"),
                              number(settings_, "photo_width"), number(settings_, "photo_height"))
                : text_of(settings_.value("input", json(""))) + " \u2192 " +
                      text_of(settings_.value("output", json("")));
    out_ += fmt::format(
        "<h1>{}</h1>\n<p class=\"sub\">{} &middot; status <b id=\"status\">{}</b> &middot; "
        "tessera {}</p>\n",
        escape(title), escape(what), escape(status),
        escape(string_at(report_.value("tessera", json::object()), "version")));
    // The verdict: what was still allocated when the run ended.
    const double leaked = number(totals_, "leaked_bytes", -1);
    if (leaked == 0) {
      out_ +=
          "<div id=\"verdict\" class=\"ok\" data-leaked=\"0\">Verdict: leaked 0 B &mdash; "
          "every buffer the run allocated was freed.</div>\n";
    } else if (leaked > 0) {
      const json sites = report_.value("leaked_sites", json::array());
      const bool by_site = sites.is_array() && !sites.empty();
      out_ += fmt::format(
          "<div id=\"verdict\" class=\"bad\" data-leaked=\"{:.0f}\">Verdict: "
          "leaked {} &mdash; buffers were still alive when the run ended ({}).</div>\n",
          leaked, escape(bytes(leaked)),
          by_site ? "by the line that allocated them below"
                  : "run with TESSERA_LEAK_CHECK=1 for the lines that allocated them");
      if (by_site) {
        // The leak report at exit, as the memory demo's live buffers: bars and a table.
        out_ +=
            "<section id=\"leaks\">\n<p class=\"legend\"><span><i "
            "style=\"background:#6366f1\"></i>bytes left alive</span><span><i "
            "style=\"background:var(--bad)\"></i>pinned: a buffer only regions keep alive</span>"
            "</p>\n";
        site_bars_and_table(sites, "leak", "leaked bytes by site");
        out_ += "</section>\n";
      }
    } else {
      out_ +=
          "<div id=\"verdict\" class=\"bad\" data-leaked=\"unknown\">Verdict: unknown "
          "&mdash; the run did not finish, so nothing was measured at its end.</div>\n";
    }
    // A run that stopped early says how much it left, when the inputs had been counted.
    if ((status == "interrupted" || status == "output_full") && totals_.contains("inputs") &&
        totals_["inputs"].is_number()) {
      const double inputs = number(totals_, "inputs");
      const double reached =
          number(totals_, "done") + number(totals_, "failed") + number(totals_, "skipped");
      out_ += fmt::format(
          "<p id=\"files-left\" data-left=\"{0:.0f}\"><b>{0:.0f} of {1:.0f} files were not "
          "reached</b> &mdash; run the same command with <code>--resume</code> to do them.</p>\n",
          std::max(0.0, inputs - reached), inputs);
    }
    if (report_.contains("error") && report_["error"].is_object()) {
      const json& error = report_["error"];
      out_ += fmt::format("<p><b>The run failed:</b> {} &mdash; {}</p>\n",
                          escape(string_at(error, "code")), escape(string_at(error, "message")));
    }
    out_ += "<div class=\"cards\">\n";
    const auto card = [&](const std::string& value, const std::string& label) {
      out_ += fmt::format("<div class=\"card\"><b>{}</b><span>{}</span></div>\n", escape(value),
                          escape(label));
    };
    const double run_seconds = number(totals_, "seconds");
    const json job = report_.value("job", json::object());
    if (convert_) {
      card(fmt::format("{:.0f}x{:.0f}", number(job, "output_width"), number(job, "output_height")),
           fmt::format("written (from {:.0f}x{:.0f})", number(job, "input_width"),
                       number(job, "input_height")));
    } else if (video_) {
      card(fmt::format("{:.0f}", number(totals_, "frames_written")), "frames written");
      card(fmt::format("{:.1f}", number(totals_, "frames_per_second")), "frames/s");
      // What was written, as the file's own headers say (null for `null`).
      const json output = report_.value("output", json());
      if (output.is_object()) {
        card(fmt::format("{} {:.0f}x{:.0f}", string_at(output, "codec"), number(output, "width"),
                         number(output, "height")),
             "written");
        card(bytes(number(output, "bytes")), "output size");
      }
      // The encoder's own memory (untracked, estimated from its settings): beside the tracked
      // estimate, it is what RSS is measured against.
      if (const double encoder = number(totals_, "encoder_estimate_bytes"); encoder > 0) {
        card(bytes(encoder), "encoder estimate");
      }
    } else if (memory_) {
      card(fmt::format("{}", report_.value("steps", json::array()).size()), "steps");
    } else {
      card(fmt::format("{:.0f}", number(totals_, "done")), "done");
      card(fmt::format("{:.0f}", number(totals_, "failed")), "failed");
      card(fmt::format("{:.0f}", number(totals_, "skipped")), "skipped");
      // Of the files done, as the summary line counts them.
      const double done = number(totals_, "done");
      card(fmt::format("{:.1f}", run_seconds > 0 ? done / run_seconds : 0.0), "images/s");
    }
    card(seconds(run_seconds), "wall time");
    card(bytes(number(totals_, "peak_rss_bytes")), "peak RSS");
    card(bytes(number(totals_, "peak_tracked_bytes")), "peak tracked");
    if (estimate() > 0) {
      card(bytes(estimate()), "estimate");
      card(fmt::format("{:.0f}%", 100 * number(totals_, "peak_tracked_bytes") / estimate()),
           "peak tracked / estimate");
    }
    if (const double cap = budget(); cap > 0) card(bytes(cap), "budget (--memory)");
    out_ += "</div>\n";
    const json warnings = report_.value("warnings", json::array());
    if (warnings.is_array() && !warnings.empty()) {
      out_ += "<h2>Warnings</h2>\n<ul>\n";
      for (const json& warning : warnings) out_ += "<li>" + escape(text_of(warning)) + "</li>\n";
      out_ += "</ul>\n";
    }
  }

  double budget() const { return number(settings_, "memory_bytes"); }
  // The tracked peak planned from the headers (a video's or a convert's; a batch has one per
  // file).
  double estimate() const { return number(totals_, "estimate_bytes"); }

  void memory_timeline() {
    out_ += "<section id=\"memory\">\n<h2>Memory over time</h2>\n";
    if (samples_.empty()) {
      out_ +=
          "<p class=\"note\">No samples: the run ended before its first "
          "file or frame finished.</p>\n</section>\n";
      return;
    }
    Frame frame;
    double top = std::max(estimate(), number(totals_, "peak_rss_bytes"));
    for (const Sample& s : samples_) top = std::max({top, s.rss, s.tracked});
    // A cap far above what the run used would flatten every line at the bottom: then the
    // chart is scaled to the run, and the legend says where the cap is.
    const bool cap_drawn = budget() > 0 && budget() <= 4 * top;
    if (cap_drawn) top = std::max(top, budget());
    const std::vector<double> y_ticks = byte_ticks(top * 1.05);
    frame.y_max = y_ticks.back();
    // Where each point sits: its time, or for the memory demo (whose steps take microseconds
    // after one long one) its place in the order of the steps.
    std::vector<double> xs;
    for (std::size_t i = 0; i < samples_.size(); ++i) {
      xs.push_back(memory_ ? static_cast<double>(i + 1) : samples_[i].seconds);
    }
    const double end = memory_ ? static_cast<double>(samples_.size() + 1)
                               : std::max(number(totals_, "seconds"), samples_.back().seconds);
    const std::vector<double> x_ticks =
        ticks(end, memory_ ? static_cast<int>(samples_.size()) + 1 : 10);
    frame.x_max = x_ticks.back();
    out_ +=
        "<p class=\"legend\"><span><i style=\"background:var(--rss)\"></i>RSS (the "
        "process)</span><span><i style=\"background:var(--tracked)\"></i>tracked (tessera's "
        "pixels and buffers)</span>";
    if (cap_drawn) {
      out_ += "<span><i style=\"background:var(--budget)\"></i>budget cap (--memory)</span>";
    } else if (budget() > 0) {
      out_ += fmt::format("<span>budget cap (--memory) {}: above the chart</span>",
                          escape(bytes(budget())));
    }
    if (estimate() > 0) {
      out_ +=
          "<span><i style=\"background:var(--estimate)\"></i>estimate (tracked, from the "
          "headers)</span>";
    }
    const bool timed_batch = !samples_.empty() && samples_.front().in_flight.has_value();
    const std::string taken = convert_      ? "every millisecond"
                              : memory_     ? "after each step"
                              : video_      ? "as frames finish"
                              : timed_batch ? "every millisecond and as files finish"
                                            : "as files finish";
    out_ += fmt::format(
        "</p>\n<p class=\"note no-print\">One point per sample ({} of them, taken {}); hover a "
        "point for its time, values{}.</p>\n",
        samples_.size(), taken, video_ || convert_ || memory_ ? "" : " and the files in flight");
    out_ += svg_open(frame, "memory timeline");
    out_ += axes(frame, x_ticks, y_ticks, bytes,
                 memory_ ? "the steps, in order" : "seconds since the run began");
    if (cap_drawn) {
      out_ += fmt::format(
          "<line class=\"budget\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\">"
          "<title>budget cap {}</title></line>\n",
          frame.left, frame.width - frame.right, frame.y(budget()), frame.y(budget()),
          escape(bytes(budget())));
    }
    if (estimate() > 0) {
      out_ += fmt::format(
          "<line class=\"estimate\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\">"
          "<title>estimate {}</title></line>\n",
          frame.left, frame.width - frame.right, frame.y(estimate()), frame.y(estimate()),
          escape(bytes(estimate())));
    }
    std::string rss_path, tracked_path;
    for (std::size_t i = 0; i < samples_.size(); ++i) {
      const Sample& s = samples_[i];
      rss_path += fmt::format("{}{:.1f},{:.1f}", rss_path.empty() ? "M" : " L", frame.x(xs[i]),
                              frame.y(s.rss));
      tracked_path += fmt::format("{}{:.1f},{:.1f}", tracked_path.empty() ? "M" : " L",
                                  frame.x(xs[i]), frame.y(s.tracked));
    }
    out_ += "<path class=\"rss\" d=\"" + rss_path + "\"/>\n";
    out_ += "<path class=\"tracked\" d=\"" + tracked_path + "\"/>\n";
    const auto flying = in_flight(samples_, files_);
    for (std::size_t i = 0; i < samples_.size(); ++i) {
      const Sample& s = samples_[i];
      std::vector<std::string> files;
      if (s.in_flight) {
        files = *s.in_flight;
      } else {
        for (const FileEntry* file : flying[i]) files.push_back(file->input);
      }
      std::string names;
      for (std::size_t k = 0; k < files.size() && k < 8; ++k) names += "\n  " + files[k];
      if (files.size() > 8) names += fmt::format("\n  and {} more", files.size() - 8);
      const std::string what = memory_    ? "\n" + s.step
                               : convert_ ? ""
                                          : fmt::format(", {:.0f} {} finished", s.count, unit_);
      const std::string tip =
          fmt::format("{:.3f} s{}\nRSS {}\ntracked {}{}{}", s.seconds, what, bytes(s.rss),
                      bytes(s.tracked), files.empty() ? "" : "\nin flight:", names);
      out_ += fmt::format(
          "<circle class=\"tl-point\" data-i=\"{}\" data-seconds=\"{}\" data-rss=\"{:.0f}\" "
          "data-tracked=\"{:.0f}\" data-in-flight=\"{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\">"
          "<title>{}</title></circle>\n",
          i, s.seconds, s.rss, s.tracked, files.size(), frame.x(xs[i]), frame.y(s.rss),
          escape(tip));
      out_ += fmt::format(
          "<circle class=\"tl-tracked\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\">"
          "<title>{}</title></circle>\n",
          frame.x(xs[i]), frame.y(s.tracked), escape(tip));
    }
    out_ += "</svg>\n";
    files_in_flight(frame);
    out_ += "</section>\n";
  }

  // The files as bars on the timeline's time axis, one lane per file at once: which file was in
  // flight under each point of memory. Too many to draw past a few thousand files.
  void files_in_flight(Frame frame) {
    std::vector<const FileEntry*> timed;
    for (const FileEntry& file : files_) {
      if (file.timed && file.status != "SKIPPED") timed.push_back(&file);
    }
    if (timed.empty()) return;
    constexpr std::size_t kMaxBars = 3000;
    if (timed.size() > kMaxBars) {
      out_ += fmt::format("<p class=\"note\">{} files: too many to draw one bar each.</p>\n",
                          timed.size());
      return;
    }
    std::sort(timed.begin(), timed.end(),
              [](const FileEntry* a, const FileEntry* b) { return a->started < b->started; });
    std::vector<double> lane_free;  // when each lane's last file finished
    std::vector<int> lane_of(timed.size());
    for (std::size_t i = 0; i < timed.size(); ++i) {
      std::size_t lane = 0;
      while (lane < lane_free.size() && lane_free[lane] > timed[i]->started) ++lane;
      if (lane == lane_free.size()) lane_free.push_back(0);
      lane_free[lane] = timed[i]->finished;
      lane_of[i] = static_cast<int>(lane);
    }
    const double lane_height = std::clamp(120.0 / lane_free.size(), 3.0, 14.0);
    frame.top = 4;
    frame.bottom = 4;
    frame.height = frame.top + frame.bottom + lane_height * lane_free.size();
    out_ += fmt::format(
        "<p class=\"legend\">Files in flight ({} at most at once; red: "
        "failed). Hover a bar for its file.</p>\n",
        lane_free.size());
    out_ += svg_open(frame, "files in flight");
    for (std::size_t i = 0; i < timed.size(); ++i) {
      const FileEntry& file = *timed[i];
      const double x0 = frame.x(file.started);
      const double width = std::max(1.0, frame.x(file.finished) - x0);
      out_ += fmt::format(
          "<rect class=\"file-bar{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
          "height=\"{:.1f}\"><title>{}\n{} in {}, {:.3f} s to {:.3f} s</title></rect>\n",
          file.status == "FAILED" ? " failed" : "", x0, frame.top + lane_height * lane_of[i], width,
          lane_height - 1, escape(file.input), escape(file.status), seconds(file.seconds),
          file.started, file.finished);
    }
    out_ += "</svg>\n";
  }

  void throughput() {
    if (samples_.size() < 2 || convert_ || memory_)
      return;  // one image: nothing to count per second
    // The rate between consecutive samples where the count moved (a batch sampled every
    // millisecond would otherwise be a spike at each file and zero between); samples closer
    // than a hundredth of the run are merged so one quick pair does not make a spike.
    const double end = samples_.back().seconds;
    std::vector<std::pair<double, double>> rates;  // (time, per second)
    Sample last{0, 0, 0, 0};
    for (const Sample& s : samples_) {
      const double dt = s.seconds - last.seconds;
      const bool moved = s.count != last.count;
      if ((dt <= end / 100 || !moved) && &s != &samples_.back()) continue;
      if (dt > 0) rates.emplace_back(s.seconds, (s.count - last.count) / dt);
      last = s;
    }
    if (rates.empty()) return;
    Frame frame;
    frame.height = 180;
    double top = 0;
    for (const auto& [t, rate] : rates) top = std::max(top, rate);
    const std::vector<double> y_ticks = ticks(top * 1.05, 4);
    frame.y_max = y_ticks.back();
    const std::vector<double> x_ticks = ticks(std::max(end, number(totals_, "seconds")), 10);
    frame.x_max = x_ticks.back();
    out_ += fmt::format("<section id=\"throughput\">\n<h2>Throughput ({}/s)</h2>\n", unit_);
    out_ += svg_open(frame, "throughput");
    out_ += axes(
        frame, x_ticks, y_ticks, [](double v) { return fmt::format("{:g}", v); },
        "seconds since the run began");
    // Each rate over the interval it was measured in, the one that ends at its time (a stall
    // shows where it happened, not after it).
    std::string path = fmt::format("M{:.1f},{:.1f}", frame.x(0), frame.y(rates.front().second));
    for (const auto& [t, rate] : rates) {
      path += fmt::format(" V{:.1f} H{:.1f}", frame.y(rate), frame.x(t));
    }
    out_ += "<path class=\"rate\" d=\"" + path + "\"/>\n";
    for (const auto& [t, rate] : rates) {
      out_ += fmt::format(
          "<circle class=\"rate-point\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2\" "
          "fill=\"#0f766e\"><title>{:.1f} {}/s until {:.2f} s</title></circle>\n",
          frame.x(t), frame.y(rate), rate, unit_, t);
    }
    out_ += "</svg>\n</section>\n";
  }

  // Where the time went: decode, pipeline, encode summed over the run (a video's "timings",
  // or the sum of each file's).
  void stages() {
    std::vector<std::pair<std::string, double>> bars;
    const char* keys[] = {"decode_seconds", "pipeline_seconds", "encode_seconds"};
    const char* names[] = {"decode", "pipeline", "encode"};
    if (report_.contains("timings") && report_["timings"].is_object()) {
      for (int i = 0; i < 3; ++i) bars.emplace_back(names[i], number(report_["timings"], keys[i]));
    } else {
      bool any = false;
      double sums[3] = {0, 0, 0};
      for (const FileEntry& file : files_) {
        for (int i = 0; i < 3; ++i) {
          if (file.entry->contains(keys[i])) {
            any = true;
            sums[i] += number(*file.entry, keys[i]);
          }
        }
      }
      if (!any) return;
      for (int i = 0; i < 3; ++i) bars.emplace_back(names[i], sums[i]);
    }
    double total = 0;
    for (const auto& bar : bars) total += bar.second;
    out_ += "<section id=\"stages\">\n<h2>Time per stage (summed over the run)</h2>\n";
    out_ +=
        "<p class=\"note\">Seconds spent in each stage's calls, added up over every "
        "thread: with several files or frames at once this is more than the wall time.</p>\n";
    Frame frame;
    frame.height = 30.0 * static_cast<double>(bars.size()) + 30;
    frame.left = 90;
    frame.right = 150;  // room for the label after the longest bar
    frame.top = 6;
    frame.bottom = 24;
    double top_bar = 0;
    for (const auto& bar : bars) top_bar = std::max(top_bar, bar.second);
    const std::vector<double> x_ticks = ticks(std::max(top_bar, 1e-3), 8);
    frame.x_max = x_ticks.back();
    out_ += svg_open(frame, "time per stage");
    for (const double tick : x_ticks) {
      out_ += fmt::format(
          "<line class=\"grid\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\"/>"
          "<text class=\"tick\" x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4:g} "
          "s</text>\n",
          frame.x(tick), frame.top, frame.bottom_y(), frame.bottom_y() + 16, tick);
    }
    for (std::size_t i = 0; i < bars.size(); ++i) {
      const double y = frame.top + 30.0 * static_cast<double>(i) + 4;
      const double share = total > 0 ? 100 * bars[i].second / total : 0;
      out_ += fmt::format(
          "<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>"
          "<rect class=\"bar stage\" data-stage=\"{}\" data-seconds=\"{}\" x=\"{:.1f}\" "
          "y=\"{:.1f}\" width=\"{:.1f}\" height=\"20\"><title>{}: {} ({:.0f}%)</title></rect>"
          "<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\">{} &middot; {:.0f}%</text>\n",
          frame.left - 8, y + 14, bars[i].first, bars[i].first, bars[i].second, frame.left, y,
          frame.x(bars[i].second) - frame.left, bars[i].first, seconds(bars[i].second), share,
          frame.x(bars[i].second) + 6, y + 14, seconds(bars[i].second), share);
    }
    out_ += "</svg>\n</section>\n";
  }

  void failures() {
    if (video_ || convert_ || memory_) return;  // one input: a failed run says why at the top
    std::vector<const FileEntry*> failed;
    for (const FileEntry& file : files_) {
      if (file.status == "FAILED") failed.push_back(&file);
    }
    out_ += fmt::format("<section id=\"failures\">\n<h2>Failures ({})</h2>\n", failed.size());
    if (failed.empty()) {
      out_ += "<p>None: every file that was an image was written.</p>\n</section>\n";
      return;
    }
    // By error code, most frequent first, with the first message of each.
    std::map<std::string, std::pair<int, std::string>> codes;
    for (const FileEntry* file : failed) {
      const json error = file->entry->value("error", json::object());
      auto& [count, first] = codes[string_at(error, "code", "unknown")];
      if (count++ == 0) first = string_at(error, "message");
    }
    std::vector<std::pair<std::string, std::pair<int, std::string>>> by_count(codes.begin(),
                                                                              codes.end());
    std::stable_sort(by_count.begin(), by_count.end(),
                     [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
    out_ +=
        "<table id=\"failure-codes\">\n<tr><th>error code</th><th class=\"num\">files</th>"
        "<th>first message</th></tr>\n";
    for (const auto& [code, value] : by_count) {
      out_ += fmt::format(
          "<tr class=\"failure-code\" data-code=\"{0}\"><td><code>{0}</code></td>"
          "<td class=\"num\">{1}</td><td>{2}</td></tr>\n",
          escape(code), value.first, escape(value.second));
    }
    out_ +=
        "</table>\n<h3>Each failed file</h3>\n<table id=\"failed-files\">\n<tr><th>file</th>"
        "<th>error code</th><th>message</th></tr>\n";
    // A page of some megabytes at most: a run where nearly every one of a million files failed
    // lists the first ones, and says where the rest are.
    constexpr std::size_t kRowsShown = 5000;
    for (std::size_t i = 0; i < failed.size() && i < kRowsShown; ++i) {
      const FileEntry* file = failed[i];
      const json error = file->entry->value("error", json::object());
      out_ += fmt::format(
          "<tr class=\"failure\" data-code=\"{0}\"><td class=\"path\">{1}</td>"
          "<td><code>{0}</code></td><td>{2}</td></tr>\n",
          escape(string_at(error, "code", "unknown")), escape(file->input),
          escape(string_at(error, "message")));
    }
    out_ += "</table>\n";
    if (failed.size() > kRowsShown) {
      out_ += fmt::format(
          "<p id=\"failures-cut\">The first {} of {} failed files; every one is in the JSON "
          "report (<code>tessera batch --report run.json</code>).</p>\n",
          kRowsShown, failed.size());
    }
    out_ += "</section>\n";
  }

  // Files a resumed run found done already (or could not take, with the reason): listed, so a
  // user sees which, up to the same cut as failures.
  void skipped() {
    if (video_ || convert_ || memory_) return;
    std::vector<const FileEntry*> skipped;
    for (const FileEntry& file : files_) {
      if (file.status == "SKIPPED") skipped.push_back(&file);
    }
    if (skipped.empty()) return;
    out_ += fmt::format(
        "<section id=\"skipped\">\n<h2>Skipped ({})</h2>\n<table id=\"skipped-files\">\n"
        "<tr><th>file</th><th>reason</th></tr>\n",
        skipped.size());
    constexpr std::size_t kRowsShown = 5000;
    for (std::size_t i = 0; i < skipped.size() && i < kRowsShown; ++i) {
      out_ +=
          fmt::format("<tr class=\"skip\"><td class=\"path\">{}</td><td>{}</td></tr>\n",
                      escape(skipped[i]->input), escape(string_at(*skipped[i]->entry, "reason")));
    }
    out_ += "</table>\n";
    if (skipped.size() > kRowsShown) {
      out_ += fmt::format(
          "<p id=\"skipped-cut\">The first {} of {} skipped files; every one is in the JSON "
          "report.</p>\n",
          kRowsShown, skipped.size());
    }
    out_ += "</section>\n";
  }

  void largest_and_slowest() {
    if (files_.empty()) return;
    std::vector<const FileEntry*> ranked;
    for (const FileEntry& file : files_) {
      if (file.status != "SKIPPED") ranked.push_back(&file);
    }
    if (ranked.empty()) return;
    const std::size_t shown = std::min<std::size_t>(10, ranked.size());
    const auto table = [&](const char* id, const char* heading) {
      out_ += fmt::format(
          "<h3>{}</h3>\n<table id=\"{}\">\n<tr><th>file</th><th>status</th>"
          "<th class=\"num\">seconds</th><th class=\"num\">input</th>"
          "<th class=\"num\">size</th><th class=\"num\">output</th></tr>\n",
          heading, id);
      for (std::size_t i = 0; i < shown; ++i) {
        const FileEntry& file = *ranked[i];
        const json& entry = *file.entry;
        const std::string size = entry.contains("width")
                                     ? fmt::format("{:.0f}&times;{:.0f}", number(entry, "width"),
                                                   number(entry, "height"))
                                     : "";
        out_ += fmt::format(
            "<tr><td class=\"path\">{}</td><td>{}</td><td class=\"num\">{:.3f}"
            "</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
            "<td class=\"num\">{}</td></tr>\n",
            escape(file.input), escape(file.status), file.seconds, escape(bytes(file.input_bytes)),
            size, escape(bytes(number(entry, "output_bytes"))));
      }
      out_ += "</table>\n";
    };
    out_ += "<section id=\"files\">\n<h2>The slowest and the largest files</h2>\n";
    std::partial_sort(
        ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(shown), ranked.end(),
        [](const FileEntry* a, const FileEntry* b) { return a->seconds > b->seconds; });
    table("slowest", "Slowest");
    std::partial_sort(
        ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(shown), ranked.end(),
        [](const FileEntry* a, const FileEntry* b) { return a->input_bytes > b->input_bytes; });
    table("largest", "Largest (input bytes)");
    out_ += "</section>\n";
  }

  // memory-demo: after each step, the live buffers by the line that allocated them, as bars
  // (the part only regions keep alive marked "pinned") and as a table.
  // Live buffers by site (report_sites.h) as bars, pinned ones marked, then as a table: a memory
  // demo step's, or what a run left alive. Bars are `rect.<css_class>`, rows
  // `tr.<css_class>-row`.
  void site_bars_and_table(const json& sites, std::string_view css_class,
                           std::string_view label = "live bytes by site") {
    double top = 0;
    for (const json& site : sites) top = std::max(top, number(site, "bytes"));
    Frame frame;
    frame.left = 8;
    frame.right = 330;
    frame.top = 4;
    frame.bottom = 4;
    frame.height = frame.top + frame.bottom + 24.0 * static_cast<double>(sites.size());
    frame.x_max = top > 0 ? top : 1;
    out_ += svg_open(frame, label);
    double y = frame.top;
    for (const json& site : sites) {
      const double live = number(site, "bytes"), pinned = number(site, "pinned_bytes");
      const std::string name = string_at(site, "site") + " '" + string_at(site, "label") + "'";
      std::string tip =
          fmt::format("{}: {} in {:.0f} buffers", name, bytes(live), number(site, "buffers"));
      if (pinned > 0) {
        tip += fmt::format("; pinned: {} kept alive by regions of {}", bytes(pinned),
                           bytes(number(site, "region_bytes")));
      }
      out_ += fmt::format(
          "<rect class=\"bar {}{}\" data-bytes=\"{:.0f}\" x=\"{:.1f}\" y=\"{:.1f}\" "
          "width=\"{:.1f}\" height=\"18\"><title>{}</title></rect>\n",
          css_class, pinned > 0 ? " pinned" : "", live, frame.left, y,
          std::max(1.0, frame.x(live) - frame.left), escape(tip));
      if (pinned > 0) {
        out_ += fmt::format(
            "<rect class=\"pinned-part\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
            "height=\"18\" fill=\"#b91c1c\"><title>{}</title></rect>\n",
            frame.left, y, std::max(1.0, frame.x(pinned) - frame.left), escape(tip));
      }
      out_ +=
          fmt::format("<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\">{} &middot; {}{}</text>\n",
                      frame.x(live) + 6, y + 13, escape(bytes(live)),
                      escape(string_at(site, "label")), pinned > 0 ? " &middot; pinned" : "");
      y += 24;
    }
    out_ +=
        "</svg>\n<table class=\"sites\">\n<tr><th>site</th><th>label</th>"
        "<th class=\"num\">buffers</th><th class=\"num\">live</th>"
        "<th class=\"num\">pinned</th></tr>\n";
    for (const json& site : sites) {
      const double pinned = number(site, "pinned_bytes");
      out_ += fmt::format(
          "<tr class=\"{}-row\"><td class=\"path\"><code>{}</code></td><td>{}</td>"
          "<td class=\"num\">{:.0f}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "</tr>\n",
          css_class, escape(string_at(site, "site")), escape(string_at(site, "label")),
          number(site, "buffers"), escape(bytes(number(site, "bytes"))),
          pinned > 0 ? escape(fmt::format("{} by regions of {}", bytes(pinned),
                                          bytes(number(site, "region_bytes"))))
                     : "");
    }
    out_ += "</table>\n";
  }

  void sites() {
    if (!report_.contains("steps") || !report_["steps"].is_array()) return;
    out_ += "<section id=\"sites\">\n<h2>Live buffers by site, step by step</h2>\n";
    out_ +=
        "<p class=\"legend\"><span><i style=\"background:#6366f1\"></i>live bytes</span>"
        "<span><i style=\"background:var(--bad)\"></i>pinned: a buffer only regions keep "
        "alive (its other bytes are dead weight; compact() frees them)</span></p>\n";
    for (const json& step : report_["steps"]) {
      const json sites = step.value("sites", json::array());
      out_ += fmt::format("<h3>{}</h3>\n<p class=\"note\">{} live in {:.0f} buffers.</p>\n",
                          escape(string_at(step, "title")),
                          escape(bytes(number(step, "live_bytes"))), number(step, "live_buffers"));
      if (sites.empty()) continue;
      site_bars_and_table(sites, "site");
    }
    out_ += "</section>\n";
  }

  void settings() {
    out_ += "<section id=\"settings\">\n<h2>Settings</h2>\n";
    out_ += "<p>Command, as typed:</p>\n<pre id=\"command\">" +
            escape(string_at(report_, "command")) + "</pre>\n";
    out_ += "<table id=\"settings-table\">\n";
    const auto row = [&](const std::string& name, const std::string& value) {
      out_ += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", escape(name), escape(value));
    };
    row("tessera version", string_at(report_.value("tessera", json::object()), "version"));
    if (settings_.is_object()) {
      for (const auto& [name, value] : settings_.items()) {
        if (name == "memory_bytes") {
          row("memory (budget)",
              value.is_number() && value.get<double>() > 0 ? bytes(value.get<double>()) : "no cap");
        } else {
          row(name, value.is_null() ? "(default)" : text_of(value));
        }
      }
    }
    if (report_.contains("job") && report_["job"].is_object()) {
      out_ += "</table>\n<p>The plan, from the headers:</p>\n<pre id=\"plan\">" +
              escape(string_at(report_["job"], "plan")) + "</pre>\n<table>\n";
    }
    if (video_ && report_.contains("input") && report_["input"].is_object()) {
      const json& input = report_["input"];
      row("input video",
          fmt::format("{} {}, {:.0f}x{:.0f}, {:.3f} fps, {:.1f} s", string_at(input, "container"),
                      string_at(input, "codec"), number(input, "width"), number(input, "height"),
                      number(input, "frame_rate"), number(input, "duration_seconds")));
    }
    out_ += "</table>\n</section>\n";
  }

  const json& report_;
  json settings_, totals_;
  bool video_ = false, convert_ = false, memory_ = false;
  std::string count_key_, unit_;
  std::vector<Sample> samples_;
  std::vector<FileEntry> files_;
  std::string out_;
};

}  // namespace

std::string render_html_report(const json& report) {
  if (!report.is_object() || !report.contains("memory_timeline") ||
      !report["memory_timeline"].is_array()) {
    throw Error(ErrorCode::InvalidArgument,
                "not a tessera report: it has no memory_timeline (give the JSON that "
                "`tessera batch --report run.json` or `tessera video --report run.json` wrote)");
  }
  try {
    return Page(report).render();
  } catch (const json::exception& error) {  // a field of another type than tessera writes
    throw Error(
        ErrorCode::InvalidArgument,
        fmt::format("not a tessera report: {} (give the JSON that tessera wrote)", error.what()));
  }
}

ReportFormat report_format(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (extension == ".json") return ReportFormat::Json;
  if (extension == ".html" || extension == ".htm") return ReportFormat::Html;
  throw Error(ErrorCode::InvalidArgument,
              fmt::format("the report's extension picks its format: .json or .html ({}; e.g. "
                          "run.json, run.html)",
                          extension.empty() ? "it has none" : "not " + extension),
              {.path = path, .operation = "report"});
}

void render_report_file(const std::string& json_path, const std::string& html_path,
                        bool overwrite) {
  if (report_format(html_path) != ReportFormat::Html) {
    throw Error(ErrorCode::InvalidArgument, "-o names the page to write: give an .html file",
                {.path = html_path, .operation = "report"});
  }
  // A file the user has is replaced only when asked: said before any work, and checked again
  // as the page takes its name (another program may have made the file meanwhile).
  const auto exists_error = [&] {
    return Error(ErrorCode::InvalidArgument,
                 "the page exists: add --overwrite to replace it, or give -o another name",
                 {.path = html_path, .operation = "report"});
  };
  std::error_code ignored;  // a name that cannot be looked at is not refused here
  if (!overwrite && std::filesystem::exists(std::filesystem::symlink_status(html_path, ignored))) {
    throw exists_error();
  }
  std::FILE* in = std::fopen(json_path.c_str(), "r");
  if (in == nullptr) {
    throw Error(ErrorCode::Io, "cannot read the report",
                {.path = json_path, .operation = "report"});
  }
  json report;
  try {
    report = json::parse(in);
  } catch (const json::exception& error) {
    std::fclose(in);
    throw Error(ErrorCode::InvalidArgument, fmt::format("not a JSON report ({})", error.what()),
                {.path = json_path, .operation = "report"});
  }
  std::fclose(in);
  const std::string page = render_html_report(report);
  const std::string part = html_path + ".part";
  std::FILE* out = std::fopen(part.c_str(), "w");
  if (out == nullptr) {
    throw Error(ErrorCode::Io, "cannot write the page (check the folder exists and is writable)",
                {.path = html_path, .operation = "report"});
  }
  const bool written = std::fwrite(page.data(), 1, page.size(), out) == page.size();
  if (std::fclose(out) != 0 || !written) {
    std::remove(part.c_str());
    throw Error(ErrorCode::Io, "cannot write the page (is the disk full?)",
                {.path = html_path, .operation = "report"});
  }
  // Without --overwrite, renamed only if the name is still free (RENAME_NOREPLACE).
  const int renamed = overwrite ? std::rename(part.c_str(), html_path.c_str())
                                : ::renameat2(AT_FDCWD, part.c_str(), AT_FDCWD, html_path.c_str(),
                                              RENAME_NOREPLACE);
  if (renamed != 0) {
    const bool exists = errno == EEXIST;
    std::remove(part.c_str());
    if (exists) throw exists_error();
    throw Error(ErrorCode::Io, "cannot write the page", {.path = html_path, .operation = "report"});
  }
}

std::string report_text(const std::string& path, const std::string& json_text) {
  if (report_format(path) == ReportFormat::Json) return json_text;
  return render_html_report(json::parse(json_text));
}

}  // namespace tessera::cli
