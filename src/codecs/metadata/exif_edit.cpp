// EXIF through libexif: every handle owned from the line that makes it, libexif's corrupt-data
// log turned into a problem string.

#include "codecs/metadata/exif_edit.h"

#include <libexif/exif-data.h>
#include <libexif/exif-log.h>
#include <libexif/exif-mem.h>
#include <libexif/exif-utils.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <utility>

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

constexpr ExifIfd kFieldIfds[] = {EXIF_IFD_0, EXIF_IFD_EXIF, EXIF_IFD_GPS};

bool is_directory_pointer(unsigned tag) {
  return tag == EXIF_TAG_EXIF_IFD_POINTER || tag == EXIF_TAG_GPS_INFO_IFD_POINTER ||
         tag == EXIF_TAG_INTEROPERABILITY_IFD_POINTER;
}

// An entry's values as a field's: false for a type a field does not carry.
bool read_values(const ExifEntry& entry, ExifByteOrder order, ExifField& field) {
  const unsigned size = exif_format_get_size(entry.format);
  if (size == 0 || entry.data == nullptr || entry.size < size * entry.components) return false;
  field.type = entry.format;
  for (unsigned long i = 0; i < entry.components; ++i) {
    const unsigned char* at = entry.data + i * size;
    switch (entry.format) {
      case EXIF_FORMAT_BYTE:
      case EXIF_FORMAT_SBYTE:
      case EXIF_FORMAT_UNDEFINED:
      case EXIF_FORMAT_ASCII:
        field.bytes.push_back(static_cast<std::byte>(*at));
        break;
      case EXIF_FORMAT_SHORT:
        field.numbers.push_back(exif_get_short(at, order));
        break;
      case EXIF_FORMAT_SSHORT:
        field.numbers.push_back(exif_get_sshort(at, order));
        break;
      case EXIF_FORMAT_LONG:
        field.numbers.push_back(exif_get_long(at, order));
        break;
      case EXIF_FORMAT_SLONG:
        field.numbers.push_back(exif_get_slong(at, order));
        break;
      case EXIF_FORMAT_RATIONAL: {
        const ExifRational value = exif_get_rational(at, order);
        field.numbers.push_back(value.denominator == 0
                                    ? 0.0
                                    : static_cast<double>(value.numerator) / value.denominator);
        break;
      }
      case EXIF_FORMAT_SRATIONAL: {
        const ExifSRational value = exif_get_srational(at, order);
        field.numbers.push_back(value.denominator == 0
                                    ? 0.0
                                    : static_cast<double>(value.numerator) / value.denominator);
        break;
      }
      default:
        return false;  // FLOAT, DOUBLE
    }
  }
  return true;
}

// The fraction with the smallest denominator within a float's precision of `value` (continued
// fractions), as libtiff keeps a rational as a float or a double.
std::pair<std::int64_t, std::int64_t> as_fraction(double value, std::int64_t most) {
  if (!std::isfinite(value)) return {0, 1};
  const bool negative = value < 0;
  const double x = std::fabs(value);
  const double tolerance = std::max(x * 1e-7, 1e-12);
  std::int64_t p0 = 0, q0 = 1, p1 = 1, q1 = 0;
  double rest = x;
  for (int step = 0; step < 40; ++step) {
    const double whole = std::floor(rest);
    if (whole > static_cast<double>(most)) break;
    const auto a = static_cast<std::int64_t>(whole);
    const std::int64_t p2 = a * p1 + p0, q2 = a * q1 + q0;
    if (p2 > most || q2 > most) break;
    p0 = p1, q0 = q1, p1 = p2, q1 = q2;
    if (std::fabs(x - static_cast<double>(p1) / static_cast<double>(q1)) <= tolerance) break;
    const double fraction = rest - whole;
    if (fraction <= 0) break;
    rest = 1.0 / fraction;
  }
  if (q1 == 0) return {negative ? -most : most, 1};  // too large: the largest there is
  return {negative ? -p1 : p1, q1};
}

// A new entry of `field` in `content`; false for a shape libexif cannot hold.
bool add_entry(ExifContent* content, ExifMem* memory, ExifByteOrder order, const ExifField& field) {
  const auto format = static_cast<ExifFormat>(field.type);
  const unsigned size = exif_format_get_size(format);
  const bool as_bytes = format == EXIF_FORMAT_BYTE || format == EXIF_FORMAT_SBYTE ||
                        format == EXIF_FORMAT_UNDEFINED || format == EXIF_FORMAT_ASCII;
  const std::size_t count = as_bytes ? field.bytes.size() : field.numbers.size();
  if (size == 0 || count == 0 || count > 0xFFFF) return false;
  ExifEntry* entry = exif_entry_new_mem(memory);
  if (entry == nullptr) return false;
  const std::unique_ptr<ExifEntry, decltype(&exif_entry_unref)> owner(entry, &exif_entry_unref);
  entry->data = static_cast<unsigned char*>(exif_mem_alloc(memory, size * count));
  if (entry->data == nullptr) return false;
  entry->tag = static_cast<ExifTag>(field.tag);
  entry->format = format;
  entry->components = count;
  entry->size = static_cast<unsigned>(size * count);
  for (std::size_t i = 0; i < count; ++i) {
    unsigned char* at = entry->data + i * size;
    const double number = as_bytes ? 0.0 : field.numbers[i];
    switch (format) {
      case EXIF_FORMAT_SHORT:
        exif_set_short(at, order, static_cast<ExifShort>(std::clamp(number, 0.0, 65535.0)));
        break;
      case EXIF_FORMAT_SSHORT:
        exif_set_sshort(at, order, static_cast<ExifSShort>(std::clamp(number, -32768.0, 32767.0)));
        break;
      case EXIF_FORMAT_LONG:
        exif_set_long(at, order, static_cast<ExifLong>(std::clamp(number, 0.0, 4294967295.0)));
        break;
      case EXIF_FORMAT_SLONG:
        exif_set_slong(at, order,
                       static_cast<ExifSLong>(std::clamp(number, -2147483648.0, 2147483647.0)));
        break;
      case EXIF_FORMAT_RATIONAL: {
        const auto [numerator, denominator] = as_fraction(std::max(number, 0.0), 0xFFFFFFFF);
        exif_set_rational(at, order,
                          {static_cast<ExifLong>(numerator), static_cast<ExifLong>(denominator)});
        break;
      }
      case EXIF_FORMAT_SRATIONAL: {
        const auto [numerator, denominator] = as_fraction(number, 0x7FFFFFFF);
        exif_set_srational(
            at, order, {static_cast<ExifSLong>(numerator), static_cast<ExifSLong>(denominator)});
        break;
      }
      default:
        *at = static_cast<unsigned char>(field.bytes[i]);
    }
  }
  exif_content_add_entry(content, entry);
  return true;
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

std::vector<ExifField> exif_fields(std::span<const std::byte> exif) {
  std::vector<ExifField> fields;
  if (exif.empty()) return fields;
  Loaded loaded = load(exif);
  if (!loaded.data) return fields;
  const ExifByteOrder order = exif_data_get_byte_order(loaded.data.get());
  for (std::size_t d = 0; d < std::size(kFieldIfds); ++d) {
    const ExifContent* content = loaded.data->ifd[kFieldIfds[d]];
    for (unsigned i = 0; content != nullptr && i < content->count; ++i) {
      const ExifEntry* entry = content->entries[i];
      if (entry == nullptr || is_directory_pointer(entry->tag)) continue;
      ExifField field{.directory = static_cast<ExifDirectory>(d), .tag = entry->tag};
      if (read_values(*entry, order, field)) fields.push_back(std::move(field));
    }
  }
  return fields;
}

std::vector<std::byte> exif_from_fields(std::span<const ExifField> fields) {
  ExifMem* memory = exif_mem_new_default();
  if (memory == nullptr) return {};
  const std::unique_ptr<ExifMem, decltype(&exif_mem_unref)> memory_owner(memory, &exif_mem_unref);
  const std::unique_ptr<ExifData, ExifDataFree> data(exif_data_new_mem(memory));
  if (!data) return {};
  // Written as given: no tags added or dropped by libexif's idea of the specification.
  exif_data_unset_option(data.get(), EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
  exif_data_unset_option(data.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  const ExifByteOrder order = EXIF_BYTE_ORDER_INTEL;
  exif_data_set_byte_order(data.get(), order);
  std::size_t added = 0;
  for (const ExifField& field : fields) {
    const auto d = static_cast<std::size_t>(field.directory);
    if (d >= std::size(kFieldIfds) || is_directory_pointer(field.tag)) continue;
    added += add_entry(data->ifd[kFieldIfds[d]], memory, order, field) ? 1 : 0;
  }
  if (added == 0) return {};
  return saved(data.get());
}

}  // namespace tessera::codecs
