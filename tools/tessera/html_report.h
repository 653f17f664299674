#pragma once
// A run's JSON report (batch, video, convert or memory-demo, named by its "kind": one schema
// family, see the README's "Reports") as one self-contained HTML page: charts are SVG written here,
// styles are inline, there is no script and nothing is fetched when the page is viewed. Every
// string taken from the JSON is escaped (file names are hostile input).
//
//   const std::string page = render_html_report(nlohmann::json::parse(text));
//
// The page marks what tests check through the DOM: one `.tl-point` circle per memory timeline
// sample (with data-seconds, data-rss, data-tracked, data-in-flight; its title names the files
// in flight), one `tr.failure` per failed file (with data-code), `rect.stage` bars
// (data-stage), `rect.site` bars (`.pinned` when only regions keep the buffer alive), and
// `#verdict` with data-leaked, followed when the report names them by `#leaks`: what was left
// alive by site, as `rect.leak` bars (`.pinned` too) and `tr.leak-row` rows.

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace tessera::cli {

// Throws Error(InvalidArgument) when `report` is not a tessera report (no "memory_timeline").
std::string render_html_report(const nlohmann::json& report);

// How a report is written, from its path's extension: ".json" or ".html" (any case). Anything
// else is Error(InvalidArgument), in words, before any work.
enum class ReportFormat { Json, Html };
ReportFormat report_format(const std::string& path);

// A whole JSON report as the text to write at `path`: itself for .json, the page for .html.
std::string report_text(const std::string& path, const std::string& json_text);

// `tessera report RUN.json -o RUN.html [--overwrite]`: the page for a JSON report written
// earlier. An existing RUN.html is replaced only with `overwrite`. Throws Error: Io when a file
// cannot be read or written, InvalidArgument when the input is not a tessera report, the
// output's extension is not .html, or the output exists and `overwrite` is false (then it is
// left as it was).
void render_report_file(const std::string& json_path, const std::string& html_path,
                        bool overwrite = false);

}  // namespace tessera::cli
