// MetadataKinds: parsing `--keep exif,icc`, and clearing what is not kept.

#include "codecs/metadata/metadata_kinds.h"

#include <fmt/format.h>

#include <array>
#include <string>

#include "tessera/error.h"

namespace tessera {
namespace {

struct KindName {
  std::string_view name;
  bool MetadataKinds::*field;
};

constexpr std::array<KindName, 5> kKinds{{{"exif", &MetadataKinds::exif},
                                          {"xmp", &MetadataKinds::xmp},
                                          {"iptc", &MetadataKinds::iptc},
                                          {"icc", &MetadataKinds::icc},
                                          {"dpi", &MetadataKinds::dpi}}};

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

MetadataKinds MetadataKinds::parse(std::string_view list) {
  const std::string_view whole = trimmed(list);
  if (whole == "all") return {};
  MetadataKinds kinds = none();
  if (whole == "none") return kinds;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view word = trimmed(list.substr(0, comma));
    bool known = false;
    for (const KindName& kind : kKinds) {
      if (kind.name != word) continue;
      kinds.*kind.field = true;
      known = true;
    }
    if (!known) {
      throw Error(ErrorCode::InvalidArgument,
                  fmt::format("unknown metadata kind '{}': the kinds are exif, xmp, iptc, icc, "
                              "dpi (or all, none), separated by commas",
                              word),
                  {.operation = "encode"});
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return kinds;
}

std::string MetadataKinds::names() const {
  if (*this == MetadataKinds{}) return "all";
  std::string text;
  for (const KindName& kind : kKinds) {
    if (this->*kind.field) text += fmt::format("{}{}", text.empty() ? "" : ",", kind.name);
  }
  return text.empty() ? "none" : text;
}

namespace codecs {

EncodeOptions kept_metadata(const EncodeOptions& options) {
  EncodeOptions kept = options;
  const MetadataKinds& keep = options.keep_metadata;
  if (!keep.icc) kept.icc_profile.clear();
  if (!keep.exif) kept.metadata.exif.clear();
  if (!keep.xmp) kept.metadata.xmp.clear();
  if (!keep.iptc) kept.metadata.iptc.clear();
  if (!keep.dpi) kept.metadata.dpi_x = kept.metadata.dpi_y = 0;
  kept.keep_metadata = {};
  return kept;
}

}  // namespace codecs
}  // namespace tessera
