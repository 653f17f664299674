#include "formats_listing.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "encode_options.h"
#include "tessera/formats.h"

namespace tessera::cli {
namespace {

// "-q, --quality: integer in 1..100, default 90, with --tiff-compression jpeg. Quality of ..."
std::string describe_option(const EncodeOptionSpec& option) {
  const ParamSpec& param = option.param;
  std::string flags = option_flag(param.name);
  if (param.name == "quality") flags += ", --quality";
  std::string line =
      fmt::format("{}: {}", flags, param.kind == ParamKind::Flag ? "flag" : param.allowed());
  if (param.kind != ParamKind::Flag && !param.default_value.empty()) {
    line += fmt::format(", default {}", param.default_value);
  }
  if (!option.only_with.empty()) line += ", read " + condition_flags(option.only_with);
  return fmt::format("{}. {}", line, param.doc);
}

}  // namespace

int run_formats_listing() {
  for (const FormatDescription& format : all_formats()) {
    fmt::print(
        "{}: {}, {}, {}\n", format.name, format.title,
        format.written ? "read and written" : fmt::format("read only ({})", format.write_instead),
        fmt::join(format.extensions, " "));
    for (const EncodeOptionSpec& option : format.encode_options) {
      fmt::print("  {}\n", describe_option(option));
    }
  }
  return 0;
}

}  // namespace tessera::cli
