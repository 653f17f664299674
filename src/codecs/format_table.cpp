// The format table: the codec folders' entries in one list, and everything asked of it by
// name (formats.h).

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "codecs/format_entry.h"
#include "tessera/error.h"

namespace tessera {
namespace codecs {

const std::vector<FormatEntry>& format_table() {
  static const std::vector<FormatEntry> table = [] {
    std::vector<FormatEntry> entries{jpeg_format(), png_format(), webp_format(), heif_format(),
                                     tiff_format(), gif_format(), bmp_format(),  pnm_format()};
    for (FormatEntry& entry : entries) {
      entry.description.written = entry.open_encoder != nullptr;
      entry.description.encode_options.clear();
      for (const EncodeOption& option : entry.encode_options) {
        entry.description.encode_options.push_back(option.spec);
      }
    }
    return entries;
  }();
  return table;
}

const FormatEntry& format_entry(FileFormat format) {
  for (const FormatEntry& entry : format_table()) {
    if (entry.description.format == format) return entry;
  }
  throw Error(ErrorCode::Internal, "a file format missing from the format table");
}

}  // namespace codecs

namespace {

// The first declaration of the option called `name`, in any format; nullptr if none.
const codecs::EncodeOption* find_encode_option(std::string_view name) {
  for (const codecs::FormatEntry& entry : codecs::format_table()) {
    for (const codecs::EncodeOption& option : entry.encode_options) {
      if (option.spec.param.name == name) return &option;
    }
  }
  return nullptr;
}

const codecs::EncodeOption& encode_option_named(std::string_view name) {
  if (const auto* option = find_encode_option(name)) return *option;
  std::string names;
  for (const EncodeOptionSpec& spec : all_encode_options()) {
    names += fmt::format("{}{}", names.empty() ? "" : ", ", spec.param.name);
  }
  throw Error(ErrorCode::InvalidArgument,
              fmt::format("unknown encode option '{}'; the options are: {}", name, names),
              {.operation = "encode"});
}

}  // namespace

const std::vector<FormatDescription>& all_formats() {
  static const std::vector<FormatDescription> formats = [] {
    std::vector<FormatDescription> list;
    for (const codecs::FormatEntry& entry : codecs::format_table()) {
      list.push_back(entry.description);
    }
    return list;
  }();
  return formats;
}

const FormatDescription& describe_format(FileFormat format) {
  for (const FormatDescription& description : all_formats()) {
    if (description.format == format) return description;
  }
  throw Error(ErrorCode::Internal, "a file format missing from the format table");
}

std::string_view to_string(FileFormat format) { return describe_format(format).name; }

std::vector<EncodeOptionSpec> all_encode_options() {
  std::vector<EncodeOptionSpec> options;
  for (const codecs::FormatEntry& entry : codecs::format_table()) {
    for (const codecs::EncodeOption& option : entry.encode_options) {
      if (find_encode_option(option.spec.param.name) == &option) options.push_back(option.spec);
    }
  }
  return options;
}

void set_encode_option(EncodeOptions& options, std::string_view name, std::string_view value) {
  const codecs::EncodeOption& option = encode_option_named(name);
  if (!option.spec.param.allows_text(value)) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("{} {} is not allowed: {}", name, value, option.spec.param.allowed()),
                {.operation = "encode"});
  }
  option.set(options, value);
}

std::string encode_option_value(const EncodeOptions& options, std::string_view name) {
  return encode_option_named(name).get(options);
}

bool uses_encode_option(FileFormat format, std::string_view name, const EncodeOptions& options) {
  for (const codecs::EncodeOption& option : codecs::format_entry(format).encode_options) {
    if (option.spec.param.name != name) continue;
    const std::string_view condition = option.spec.only_with;
    if (condition.empty()) return true;
    const std::size_t equals = condition.find('=');
    return encode_option_value(options, condition.substr(0, equals)) ==
           condition.substr(equals + 1);
  }
  return false;
}

std::string formats_reading(std::string_view name) {
  std::vector<std::string> titles;
  for (const FormatDescription& format : all_formats()) {
    for (const EncodeOptionSpec& option : format.encode_options) {
      if (option.param.name != name) continue;
      titles.emplace_back(option.applies_as.empty() ? format.title : option.applies_as);
    }
  }
  return codecs::as_sentence(titles);
}

std::size_t encoder_working_bytes(FileFormat format, int width, int height,
                                  const EncodeOptions& options) {
  const auto working = codecs::format_entry(format).encoder_working_bytes;
  return working == nullptr ? 0 : working(width, height, options);
}

}  // namespace tessera
