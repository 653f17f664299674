// What several format entries share: signature matching and the quality option.

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

std::string as_sentence(const std::vector<std::string>& words) {
  std::string sentence;
  for (std::size_t i = 0; i < words.size(); ++i) {
    sentence += i == 0 ? "" : i + 1 == words.size() ? " and " : ", ";
    sentence += words[i];
  }
  return sentence;
}

}  // namespace tessera::codecs
