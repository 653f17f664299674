#include "command_line.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "exit_status.h"

namespace tessera::cli {

std::uint64_t parse_pixel_count(const std::string& text) {
  std::size_t used = 0;
  double value = -1;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  double scale = 1;
  const std::string suffix = text.substr(used);
  if (suffix == "k" || suffix == "K")
    scale = 1e3;
  else if (suffix == "m" || suffix == "M")
    scale = 1e6;
  else if (suffix == "g" || suffix == "G")
    scale = 1e9;
  else if (!suffix.empty())
    used = 0;
  const double pixels = value * scale;
  if (used == 0 || !(pixels >= 1) || pixels > 1e18) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("--max-pixels {} is not a pixel count: e.g. 50000000, 50M, 1.5G "
                            "(decimal: M = 10^6)",
                            text));
  }
  return static_cast<std::uint64_t>(std::llround(pixels));
}

void LimitOptions::add_to(CLI::App* command) {
  auto* pixels =
      command->add_option("--max-pixels", max_pixels,
                          "Refuse images with more pixels than this, e.g. 50M (default 2^30)");
  command->add_flag("--unlimited", unlimited, "Lift the pixel limit (for files you trust)")
      ->excludes(pixels);
}

Limits LimitOptions::limits() const {
  if (unlimited) return Limits::unlimited();
  Limits limits;
  if (!max_pixels.empty()) limits.max_pixels = parse_pixel_count(max_pixels);
  return limits;
}

std::string command_line(int argc, char** argv, std::string_view program) {
  std::string line(program);
  for (int i = program.empty() ? 0 : 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (!line.empty()) line += ' ';
    if (!word.empty() && word.find_first_of(" \t'\"\\$|&;<>()*?[]#~`") == std::string::npos) {
      line += word;
    } else {
      line += '\'';
      for (const char c : word) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
      line += '\'';
    }
  }
  return line;
}

int report_plan_error(const Error& error, const std::string& pipeline) {
  print_error(error);
  const std::string marker = "(column ";
  if (const auto at = error.message().find(marker); at != std::string::npos) {
    const int column = std::atoi(error.message().c_str() + at + marker.size());
    if (column >= 1) fmt::print(stderr, "  {}\n  {}^\n", pipeline, std::string(column - 1, ' '));
  }
  return kExitUsage;
}

CLI::Validator report_file_name() {
  return CLI::Validator(
      [](std::string& name) -> std::string {
        return name.empty() ? "the report needs a file name: run.json, or run.html for a page" : "";
      },
      "FILE");
}

CLI::Validator page_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        // Nine digits at most: every such number fits an int (a page past the last is then
        // refused by the decoder with the file's count).
        const bool number = !text.empty() && text.size() <= 9 &&
                            std::all_of(text.begin(), text.end(),
                                        [](unsigned char c) { return std::isdigit(c) != 0; });
        return number ? "" : "a page number from 0 (the first page or frame), not '" + text + "'";
      },
      "N");
}

}  // namespace tessera::cli
