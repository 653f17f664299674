// EXIF through libexif: every handle owned from the line that makes it, libexif's corrupt-data
// log turned into a problem string.

#include "codecs/metadata/exif_edit.h"

#include <libexif/exif-data.h>
#include <libexif/exif-log.h>
#include <libexif/exif-utils.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

namespace tessera::codecs {
namespace {

constexpr unsigned char kExifHeader[] = {'E', 'x', 'i', 'f', 0, 0};

struct ExifDataFree {
  void operator()(ExifData* data) const { exif_data_unref(data); }
};
struct ExifLogFree {
  void operator()(ExifLog* log) const { exif_log_unref(log); }
};

// The first corrupt-data message libexif logs while loading, and whether it ran out of memory.
struct LoadLog {
  std::string corrupt;
  bool no_memory = false;
};

void on_log(ExifLog* /*log*/, ExifLogCode code, const char* /*domain*/, const char* format,
            va_list args, void* data) {
  auto& log = *static_cast<LoadLog*>(data);
  if (code == EXIF_LOG_CODE_NO_MEMORY) log.no_memory = true;
  if (code != EXIF_LOG_CODE_CORRUPT_DATA || !log.corrupt.empty()) return;
  char text[256];
  std::vsnprintf(text, sizeof text, format, args);
  log.corrupt = text;
}

struct Loaded {
  std::unique_ptr<ExifData, ExifDataFree> data;
  LoadLog log;
};

// libexif reads "Exif\0\0" and a TIFF structure; the blob is given one if it has none.
Loaded load(std::span<const std::byte> exif) {
  Loaded loaded;
  if (exif.size() > std::numeric_limits<unsigned>::max() - sizeof kExifHeader) return loaded;
  std::vector<unsigned char> bytes;
  bytes.reserve(exif.size() + sizeof kExifHeader);
  if (exif.size() < 6 || std::memcmp(exif.data(), kExifHeader, 6) != 0) {
    bytes.assign(std::begin(kExifHeader), std::end(kExifHeader));
  }
  const auto* begin = reinterpret_cast<const unsigned char*>(exif.data());
  bytes.insert(bytes.end(), begin, begin + exif.size());
  loaded.data.reset(exif_data_new());
  const std::unique_ptr<ExifLog, ExifLogFree> log(exif_log_new());
  if (!loaded.data || !log) {
    loaded.data.reset();
    return loaded;
  }
  exif_log_set_func(log.get(), on_log, &loaded.log);
  exif_data_log(loaded.data.get(), log.get());
  // Keep tags libexif does not know, leave values as they are and maker notes untouched: the
  // blob is carried, not normalised.
  exif_data_unset_option(loaded.data.get(), EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
  exif_data_unset_option(loaded.data.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_set_option(loaded.data.get(), EXIF_DATA_OPTION_DONT_CHANGE_MAKER_NOTE);
  exif_data_load_data(loaded.data.get(), bytes.data(), static_cast<unsigned>(bytes.size()));
  exif_data_log(loaded.data.get(), nullptr);
  return loaded;
}

std::size_t entry_count(const ExifData& data) {
  std::size_t count = 0;
  for (const ExifContent* content : data.ifd) count += content == nullptr ? 0 : content->count;
  return count;
}

// The blob libexif writes, without its "Exif\0\0".
std::vector<std::byte> saved(ExifData* data) {
  unsigned char* bytes = nullptr;
  unsigned int size = 0;
  exif_data_save_data(data, &bytes, &size);
  const std::unique_ptr<unsigned char, decltype(&std::free)> owner(bytes, &std::free);
  if (bytes == nullptr || size <= sizeof kExifHeader) return {};
  const auto* begin = reinterpret_cast<const std::byte*>(bytes) + sizeof kExifHeader;
  return {begin, reinterpret_cast<const std::byte*>(bytes) + size};
}

std::vector<std::byte> without_header(std::span<const std::byte> exif) {
  if (exif.size() >= 6 && std::memcmp(exif.data(), kExifHeader, 6) == 0) exif = exif.subspan(6);
  return {exif.begin(), exif.end()};
}

// Sets a one-value SHORT or LONG entry; false if the entry has another shape.
bool set_number(ExifEntry* entry, ExifByteOrder order, unsigned value) {
  if (entry == nullptr || entry->components != 1 || entry->data == nullptr) return false;
  if (entry->format == EXIF_FORMAT_SHORT && entry->size >= 2 && value <= 0xFFFF) {
    if (exif_get_short(entry->data, order) == value) return false;
    exif_set_short(entry->data, order, static_cast<ExifShort>(value));
    return true;
  }
  if (entry->format == EXIF_FORMAT_LONG && entry->size >= 4) {
    if (exif_get_long(entry->data, order) == value) return false;
    exif_set_long(entry->data, order, value);
    return true;
  }
  return false;
}

}  // namespace

CheckedExif checked_exif(std::span<const std::byte> exif) {
  if (exif.empty()) return {};
  Loaded loaded = load(exif);
  if (!loaded.data || loaded.log.no_memory) {
    return {.exif = {}, .problem = "EXIF dropped: libexif ran out of memory reading it"};
  }
  if (entry_count(*loaded.data) == 0) {
    return {.exif = {},
            .problem = "EXIF dropped: libexif found no readable tag in it" +
                       (loaded.log.corrupt.empty() ? "" : " (" + loaded.log.corrupt + ")")};
  }
  if (loaded.log.corrupt.empty()) return {.exif = without_header(exif), .problem = {}};
  std::vector<std::byte> rewritten = saved(loaded.data.get());
  return {
      .exif = std::move(rewritten),
      .problem = "EXIF partly corrupt (" + loaded.log.corrupt + "): kept the tags libexif read"};
}

std::vector<std::byte> edited_exif(std::span<const std::byte> exif, int orientation, int width,
                                   int height) {
  if (exif.empty()) return {};
  Loaded loaded = load(exif);
  if (!loaded.data || entry_count(*loaded.data) == 0) return {};
  ExifData* data = loaded.data.get();
  const ExifByteOrder order = exif_data_get_byte_order(data);
  bool changed = false;
  if (orientation > 0) {
    changed |= set_number(exif_content_get_entry(data->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION),
                          order, static_cast<unsigned>(orientation));
  }
  ExifContent* sub = data->ifd[EXIF_IFD_EXIF];
  if (width > 0 && height > 0 && sub != nullptr) {
    changed |= set_number(exif_content_get_entry(sub, EXIF_TAG_PIXEL_X_DIMENSION), order,
                          static_cast<unsigned>(width));
    changed |= set_number(exif_content_get_entry(sub, EXIF_TAG_PIXEL_Y_DIMENSION), order,
                          static_cast<unsigned>(height));
  }
  return changed ? saved(data) : without_header(exif);
}

std::vector<ExifText> exif_ifd0_texts(std::span<const std::byte> exif) {
  std::vector<ExifText> texts;
  if (exif.empty()) return texts;
  Loaded loaded = load(exif);
  if (!loaded.data) return texts;
  const ExifContent* ifd0 = loaded.data->ifd[EXIF_IFD_0];
  for (unsigned i = 0; ifd0 != nullptr && i < ifd0->count; ++i) {
    const ExifEntry* entry = ifd0->entries[i];
    if (entry == nullptr || entry->format != EXIF_FORMAT_ASCII || entry->data == nullptr) continue;
    const auto* text = reinterpret_cast<const char*>(entry->data);
    texts.push_back({.tag = static_cast<unsigned>(entry->tag),
                     .text = std::string(text, strnlen(text, entry->size))});
  }
  return texts;
}

}  // namespace tessera::codecs
