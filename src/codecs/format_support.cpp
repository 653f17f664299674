// What several format entries share: signature matching, the quality and palette options.

#include <fmt/format.h>

#include <cstring>
#include <string>
#include <vector>

#include "codecs/format_entry.h"

namespace tessera::codecs {

bool starts_with(std::span<const std::byte> head, std::string_view signature, std::size_t offset) {
  return head.size() >= offset + signature.size() &&
         std::memcmp(head.data() + offset, signature.data(), signature.size()) == 0;
}

EncodeOption quality_option(std::string_view only_with, std::string_view applies_as) {
  return {.spec = {.param = {.name = "quality",
                             .kind = ParamKind::Integer,
                             .default_value = "90",
                             .min = 1,
                             .max = 100,
                             .doc = "Quality of lossy compression"},
                   .only_with = only_with,
                   .applies_as = applies_as},
          .set = [](EncodeOptions& options,
                    std::string_view value) { options.quality = std::stoi(std::string(value)); },
          .get = [](const EncodeOptions& options) { return std::to_string(options.quality); }};
}

EncodeOption palette_option(std::string_view default_value, std::string_view doc) {
  return {.spec = {.param = {.name = "palette",
                             .kind = ParamKind::Flag,
                             .default_value = default_value,
                             .doc = doc},
                   .refused_elsewhere = true,
                   .accepted_by = "GIF"},
          .set = [](EncodeOptions& options,
                    std::string_view value) { options.palette = value == "true"; },
          .get = [](const EncodeOptions& options) -> std::string {
            return options.palette ? "true" : "false";
          }};
}

EncodeOption colors_option(std::string_view only_with, std::string_view applies_as) {
  return {.spec = {.param = {.name = "colors",
                             .kind = ParamKind::Integer,
                             .default_value = "256",
                             .min = 2,
                             .max = 256,
                             .doc = "Most colours in the palette (libimagequant)"},
                   .only_with = only_with,
                   .applies_as = applies_as},
          .set = [](EncodeOptions& options,
                    std::string_view value) { options.colors = std::stoi(std::string(value)); },
          .get = [](const EncodeOptions& options) { return std::to_string(options.colors); }};
}

EncodeOption dither_option(std::string_view only_with, std::string_view applies_as) {
  return {.spec = {.param = {.name = "dither",
                             .kind = ParamKind::Number,
                             .default_value = "1",
                             .min = 0,
                             .max = 1,
                             .doc = "Floyd-Steinberg dithering level of the palette, 0 (none) to "
                                    "1 (full, as pngquant)"},
                   .only_with = only_with,
                   .applies_as = applies_as},
          .set = [](EncodeOptions& options,
                    std::string_view value) { options.dither = std::stod(std::string(value)); },
          .get = [](const EncodeOptions& options) { return fmt::format("{}", options.dither); }};
}

std::string as_sentence(const std::vector<std::string>& words) {
  std::string sentence;
  for (std::size_t i = 0; i < words.size(); ++i) {
    sentence += i == 0 ? "" : i + 1 == words.size() ? " and " : ", ";
    sentence += words[i];
  }
  return sentence;
}

}  // namespace tessera::codecs
