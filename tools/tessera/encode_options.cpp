#include "encode_options.h"

#include <fmt/format.h>

#include <algorithm>

namespace tessera::cli {
namespace {

// "Quality of lossy compression (JPEG, WebP, HEIC/AVIF and JPEG-in-TIFF)"
std::string help_text(const EncodeOptionSpec& spec) {
  return fmt::format("{} ({})", spec.param.doc, formats_reading(spec.param.name));
}

std::vector<std::string> words(std::string_view choices) {
  std::vector<std::string> list;
  while (!choices.empty()) {
    const std::size_t bar = choices.find('|');
    list.emplace_back(choices.substr(0, bar));
    if (bar == std::string_view::npos) break;
    choices.remove_prefix(bar + 1);
  }
  return list;
}

// The ParamSpec's own check and words: "--colors: 1 is not allowed: integer in 2..256; give a
// value in that range" (CLI::Range would print "0.000000 to 1.000000" for a number).
CLI::Validator within_spec(const ParamSpec& param) {
  return CLI::Validator(
      [param](std::string& value) -> std::string {
        if (param.allows_text(value)) return {};
        return fmt::format("{} is not allowed: {}; give a value in that range", value,
                           param.allowed());
      },
      param.allowed());
}

}  // namespace

namespace {

// "--tiff-compression" for tiff_compression.
std::string long_flag(std::string_view name) {
  std::string flag = fmt::format("--{}", name);
  for (char& c : flag) c = c == '_' ? '-' : c;
  return flag;
}

}  // namespace

std::string option_flag(std::string_view name) {
  return name == "quality" ? "-q" : long_flag(name);
}

std::string condition_flags(std::string_view only_with) {
  const std::size_t equals = only_with.find('=');
  const std::string flag = option_flag(only_with.substr(0, equals));
  const std::string_view value = only_with.substr(equals + 1);
  if (value == "false") return "without " + flag;
  if (value == "true") return "with " + flag;
  return fmt::format("with {} {}", flag, value);
}

EncodeOptionFlags::EncodeOptionFlags(CLI::App* command) {
  for (const EncodeOptionSpec& spec : all_encode_options()) {
    Flag& flag =
        flags_.emplace_back(Flag{.spec = spec, .text = std::string(spec.param.default_value)});
    // -q for quality, as cwebp and ImageMagick spell it.
    const std::string names =
        spec.param.name == "quality" ? "-q,--quality" : long_flag(spec.param.name);
    switch (spec.param.kind) {
      case ParamKind::Flag:
        flag.option = command->add_flag(names, flag.on, help_text(spec));
        break;
      case ParamKind::Integer:
        flag.option = command->add_option(names, flag.text, help_text(spec))
                          ->type_name("INT")
                          ->check(within_spec(spec.param))
                          ->capture_default_str();
        break;
      case ParamKind::Number:
        flag.option = command->add_option(names, flag.text, help_text(spec))
                          ->type_name("FLOAT")
                          ->check(within_spec(spec.param))
                          ->capture_default_str();
        break;
      case ParamKind::Choice:
        flag.option = command->add_option(names, flag.text, help_text(spec))
                          ->type_name("TEXT")
                          ->check(CLI::IsMember(words(spec.param.choices)))
                          ->capture_default_str();
        break;
      case ParamKind::Rectangle:  // an op's kinds: no encoder takes one
      case ParamKind::Size:
      case ParamKind::Kernel:
      case ParamKind::Colour:
      case ParamKind::Sides:
        flag.option = command->add_option(names, flag.text, help_text(spec));
        break;
    }
  }
  // Metadata is kept by default, as libvips and ImageMagick keep it (README, "Metadata").
  CLI::Option* strip = command->add_flag(
      "--strip", metadata_->strip,
      "Write no metadata: no EXIF, XMP, IPTC, ICC profile or resolution (kept by default)");
  metadata_->keep_option =
      command
          ->add_option("--keep", metadata_->keep,
                       "Keep only these kinds of metadata: a comma-separated list of exif, xmp, "
                       "iptc, icc, dpi (or all, none); the default is all")
          ->type_name("LIST")
          ->check([](const std::string& list) -> std::string {
            try {
              (void)MetadataKinds::parse(list);
            } catch (const Error& error) {
              return error.message();
            }
            return {};
          })
          ->excludes(strip);
}

void EncodeOptionFlags::apply(EncodeOptions& encode) const {
  if (metadata_->strip) encode.keep_metadata = MetadataKinds::none();
  if (metadata_->keep_option->count() > 0) {
    encode.keep_metadata = MetadataKinds::parse(metadata_->keep);
  }
  for (const Flag& flag : flags_) {
    if (flag.option->count() == 0) continue;
    set_encode_option(
        encode, flag.spec.param.name,
        flag.spec.param.kind == ParamKind::Flag ? (flag.on ? "true" : "false") : flag.text);
  }
}

std::vector<std::string> EncodeOptionFlags::given() const {
  std::vector<std::string> names;
  for (const Flag& flag : flags_) {
    if (flag.option->count() > 0) names.emplace_back(flag.spec.param.name);
  }
  return names;
}

std::vector<std::string> ignored_encode_options(FileFormat format,
                                                std::span<const std::string> given,
                                                const EncodeOptions& encode) {
  std::vector<std::string> ignored;
  const FormatDescription& written = describe_format(format);
  const std::vector<EncodeOptionSpec> all_options = all_encode_options();
  for (const std::string& name : given) {
    if (uses_encode_option(format, name, encode)) continue;
    const bool accepted =
        std::any_of(all_options.begin(), all_options.end(), [&](const EncodeOptionSpec& option) {
          return option.param.name == name && option.accepted_by == written.title;
        });
    if (accepted) continue;  // what the format always does (--palette on a .gif)
    const EncodeOptionSpec* own = nullptr;
    for (const EncodeOptionSpec& option : written.encode_options) {
      if (option.param.name == name) own = &option;
    }
    if (own != nullptr) {  // read only with another option's value, which is not given
      ignored.push_back(fmt::format("{} applies to {} only {}", option_flag(name), written.title,
                                    condition_flags(own->only_with)));
      continue;
    }
    const std::string readers = formats_reading(name);
    const bool one_format = readers.find(" and ") == std::string::npos;
    ignored.push_back(
        fmt::format("{} applies to {}{}", option_flag(name), readers, one_format ? " only" : ""));
  }
  return ignored;
}

}  // namespace tessera::cli
