// A TIFF's EXIF tags to and from the blob: libtiff's own EXIF and GPS field tables say each
// tag's type, count and how TIFFGetField/TIFFSetField pass it (by value, by pointer, with a
// count); values go through as numbers (a rational as libtiff's float or double) and bytes.

#include "codecs/tiff/tiff_exif.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "codecs/metadata/exif_edit.h"

namespace tessera::codecs {
namespace {

// The image directory's EXIF tags that a TIFF holds as its own (text, IFD0).
constexpr ttag_t kImageTextTags[] = {TIFFTAG_IMAGEDESCRIPTION, TIFFTAG_MAKE,     TIFFTAG_MODEL,
                                     TIFFTAG_SOFTWARE,         TIFFTAG_DATETIME, TIFFTAG_ARTIST,
                                     TIFFTAG_HOSTCOMPUTER,     TIFFTAG_COPYRIGHT};

bool carried_as_bytes(TIFFDataType type) {
  return type == TIFF_BYTE || type == TIFF_SBYTE || type == TIFF_UNDEFINED || type == TIFF_ASCII;
}

// Element `i` of values libtiff holds in `size`-byte elements of `type`, as a number.
bool number_at(const unsigned char* values, std::size_t i, TIFFDataType type, int size,
               double& number) {
  const unsigned char* at = values + i * static_cast<std::size_t>(size);
  const auto load = [at](auto value) {
    std::memcpy(&value, at, sizeof value);
    return static_cast<double>(value);
  };
  switch (type) {
    case TIFF_SHORT:
      number = load(std::uint16_t{});
      return size == 2;
    case TIFF_SSHORT:
      number = load(std::int16_t{});
      return size == 2;
    case TIFF_LONG:
      number = load(std::uint32_t{});
      return size == 4;
    case TIFF_SLONG:
      number = load(std::int32_t{});
      return size == 4;
    case TIFF_RATIONAL:
    case TIFF_SRATIONAL:
      if (size == 4) number = load(float{});
      if (size == 8) number = load(double{});
      return size == 4 || size == 8;
    default:
      return false;  // FLOAT, DOUBLE, 64-bit and IFD types: not in EXIF's tables
  }
}

// The fields of the directory libtiff has current (the EXIF or GPS one just read).
void append_directory(TIFF* tiff, ExifDirectory directory, std::vector<ExifField>& fields) {
  const int tags = TIFFGetTagListCount(tiff);
  for (int t = 0; t < tags; ++t) {
    const ttag_t tag = TIFFGetTagListEntry(tiff, t);
    const TIFFField* info = TIFFFieldWithTag(tiff, tag);
    if (info == nullptr) continue;
    const TIFFDataType type = TIFFFieldDataType(info);
    const int size = TIFFFieldSetGetSize(info);
    // A field libtiff gives no size for has no way to be got: TIFFGetField would take the
    // wrong arguments.
    if (size <= 0) continue;
    ExifField field{.directory = directory, .tag = tag, .type = static_cast<unsigned>(type)};
    // How TIFFGetField passes it, from the field's own table entry: with a count (a tag libtiff
    // does not know, registered as it was found, is always so, text included), as text, one
    // value, or a fixed number of them.
    const unsigned char* values = nullptr;
    std::size_t count = 0;
    alignas(8) unsigned char single[16] = {};
    const int read_count = TIFFFieldReadCount(info);
    if (TIFFFieldPassCount(info)) {
      void* data = nullptr;
      if (read_count == TIFF_VARIABLE2) {
        std::uint32_t n = 0;
        if (TIFFGetField(tiff, tag, &n, &data) != 1) continue;
        count = n;
      } else {
        std::uint16_t n = 0;
        if (TIFFGetField(tiff, tag, &n, &data) != 1) continue;
        count = n;
      }
      values = static_cast<const unsigned char*>(data);
    } else if (type == TIFF_ASCII) {
      const char* text = nullptr;
      if (TIFFGetField(tiff, tag, &text) != 1 || text == nullptr) continue;
      values = reinterpret_cast<const unsigned char*>(text);
      count = std::strlen(text) + 1;
    } else if (read_count == 1) {
      if (TIFFGetField(tiff, tag, single) != 1) continue;
      values = single;
      count = 1;
    } else if (read_count > 1) {
      void* data = nullptr;
      if (TIFFGetField(tiff, tag, &data) != 1) continue;
      values = static_cast<const unsigned char*>(data);
      count = static_cast<std::size_t>(read_count);
    }
    if (values == nullptr || count == 0) continue;
    if (type == TIFF_ASCII) {
      // Up to its first NUL (a counted text need not end in one), and one NUL after it.
      const auto* text = reinterpret_cast<const char*>(values);
      const auto* begin = reinterpret_cast<const std::byte*>(values);
      field.bytes.assign(begin, begin + strnlen(text, count));
      field.bytes.push_back(std::byte{0});
      fields.push_back(std::move(field));
      continue;
    }
    if (carried_as_bytes(type)) {
      if (size != 1) continue;
      const auto* begin = reinterpret_cast<const std::byte*>(values);
      field.bytes.assign(begin, begin + count);
    } else {
      field.numbers.resize(count);
      bool read = true;
      for (std::size_t i = 0; i < count && read; ++i) {
        read = number_at(values, i, type, size, field.numbers[i]);
      }
      if (!read) continue;
    }
    fields.push_back(std::move(field));
  }
}

// `field` in libtiff's representation for `info`: false when the shapes differ.
bool set_field(TIFF* tiff, const TIFFField* info, const ExifField& field) {
  const TIFFDataType type = TIFFFieldDataType(info);
  const ttag_t tag = field.tag;
  if (type == TIFF_ASCII) {
    // (EXIF's text tags in libtiff's tables take the text alone, never a count.)
    if (field.type != TIFF_ASCII || TIFFFieldPassCount(info)) return false;
    const std::string text(
        reinterpret_cast<const char*>(field.bytes.data()),
        strnlen(reinterpret_cast<const char*>(field.bytes.data()), field.bytes.size()));
    return TIFFSetField(tiff, tag, text.c_str()) == 1;
  }
  const bool bytes = carried_as_bytes(type);
  // Integers may come as SHORT where the table says LONG (PixelXDimension): both are numbers.
  if (bytes != carried_as_bytes(static_cast<TIFFDataType>(field.type))) return false;
  const std::size_t count = bytes ? field.bytes.size() : field.numbers.size();
  const int size = TIFFFieldSetGetSize(info);
  const int write_count = TIFFFieldWriteCount(info);
  const bool pass_count = TIFFFieldPassCount(info);
  if (count == 0 || size <= 0 ||
      (!pass_count && write_count > 0 && count != static_cast<std::size_t>(write_count))) {
    return false;
  }
  std::vector<unsigned char> values(count * static_cast<std::size_t>(size));
  for (std::size_t i = 0; i < count; ++i) {
    unsigned char* at = values.data() + i * static_cast<std::size_t>(size);
    const auto store = [at](auto value) { std::memcpy(at, &value, sizeof value); };
    if (bytes) {
      *at = static_cast<unsigned char>(field.bytes[i]);
      continue;
    }
    const double number = field.numbers[i];
    switch (type) {
      case TIFF_SHORT:
        store(static_cast<std::uint16_t>(std::clamp(number, 0.0, 65535.0)));
        break;
      case TIFF_SSHORT:
        store(static_cast<std::int16_t>(std::clamp(number, -32768.0, 32767.0)));
        break;
      case TIFF_LONG:
        store(static_cast<std::uint32_t>(std::clamp(number, 0.0, 4294967295.0)));
        break;
      case TIFF_SLONG:
        store(static_cast<std::int32_t>(std::clamp(number, -2147483648.0, 2147483647.0)));
        break;
      case TIFF_RATIONAL:
      case TIFF_SRATIONAL:
        if (size == 4) store(static_cast<float>(number));
        if (size == 8) store(number);
        break;
      default:
        return false;
    }
  }
  if (pass_count) {
    if (write_count == TIFF_VARIABLE2) {
      return TIFFSetField(tiff, tag, static_cast<std::uint32_t>(count), values.data()) == 1;
    }
    if (count > 0xFFFF) return false;
    return TIFFSetField(tiff, tag, static_cast<int>(count), values.data()) == 1;
  }
  if (count > 1) return TIFFSetField(tiff, tag, values.data()) == 1;
  // One value, passed as C's varargs promote it.
  const double number = bytes ? static_cast<double>(values[0]) : field.numbers[0];
  switch (type) {
    case TIFF_RATIONAL:
    case TIFF_SRATIONAL:
      return TIFFSetField(tiff, tag, number) == 1;
    case TIFF_LONG: {
      std::uint32_t value = 0;
      std::memcpy(&value, values.data(), sizeof value);
      return TIFFSetField(tiff, tag, value) == 1;
    }
    case TIFF_SLONG: {
      std::int32_t value = 0;
      std::memcpy(&value, values.data(), sizeof value);
      return TIFFSetField(tiff, tag, value) == 1;
    }
    case TIFF_SHORT: {
      std::uint16_t value = 0;
      std::memcpy(&value, values.data(), sizeof value);
      return TIFFSetField(tiff, tag, static_cast<int>(value)) == 1;
    }
    case TIFF_SSHORT: {
      std::int16_t value = 0;
      std::memcpy(&value, values.data(), sizeof value);
      return TIFFSetField(tiff, tag, static_cast<int>(value)) == 1;
    }
    default:
      return TIFFSetField(tiff, tag, static_cast<int>(values[0])) == 1;
  }
}

// Writes the fields of `directory` as a custom directory (EXIF or GPS); 0 if none was set.
std::uint64_t write_directory(TIFF* tiff, ExifDirectory directory,
                              const std::vector<ExifField>& fields) {
  bool any = false;
  for (const ExifField& field : fields) any |= field.directory == directory;
  if (!any) return 0;
  if ((directory == ExifDirectory::Exif ? TIFFCreateEXIFDirectory(tiff)
                                        : TIFFCreateGPSDirectory(tiff)) != 0) {
    return 0;
  }
  int set = 0;
  for (const ExifField& field : fields) {
    if (field.directory != directory) continue;
    const TIFFField* info = TIFFFindField(tiff, field.tag, TIFF_ANY);
    if (info != nullptr && set_field(tiff, info, field)) ++set;
  }
  std::uint64_t offset = 0;
  if (set == 0 || !TIFFWriteCustomDirectory(tiff, &offset)) offset = 0;
  // Its values freed here: libtiff 4.5's next TIFFCreateGPSDirectory does not (LSan saw the
  // EXIF directory's values lost when a GPS one followed).
  TIFFFreeDirectory(tiff);
  return offset;
}

}  // namespace

bool read_tiff_exif(TIFF* tiff, std::vector<std::byte>& exif) {
  std::vector<ExifField> fields;
  // The TIFF's own orientation is EXIF's: kept in the blob, an output written with
  // --no-rotate (pixels as stored) says how to show them; a conversion that turns them upright
  // sets it to 1 there, as for a JPEG's. (1, the default, which tessera's own TIFFs state, is
  // no EXIF of its own.)
  std::uint16_t orientation = 0;
  if (TIFFGetField(tiff, TIFFTAG_ORIENTATION, &orientation) == 1 && orientation >= 2 &&
      orientation <= 8) {
    fields.push_back({.directory = ExifDirectory::Image,
                      .tag = TIFFTAG_ORIENTATION,
                      .type = TIFF_SHORT,
                      .numbers = {static_cast<double>(orientation)}});
  }
  for (const ttag_t tag : kImageTextTags) {
    const char* text = nullptr;
    if (TIFFGetField(tiff, tag, &text) != 1 || text == nullptr) continue;
    const auto* begin = reinterpret_cast<const std::byte*>(text);
    fields.push_back({.directory = ExifDirectory::Image,
                      .tag = tag,
                      .type = TIFF_ASCII,
                      .bytes = {begin, begin + std::strlen(text) + 1}});
  }
  std::uint64_t exif_offset = 0;
  std::uint64_t gps_offset = 0;
  const bool has_exif = TIFFGetField(tiff, TIFFTAG_EXIFIFD, &exif_offset) == 1 && exif_offset;
  const bool has_gps = TIFFGetField(tiff, TIFFTAG_GPSIFD, &gps_offset) == 1 && gps_offset;
  if (has_exif || has_gps) {
    const tdir_t image = TIFFCurrentDirectory(tiff);
    // A directory that cannot be read (a hostile offset) is passed over, as libtiff reports.
    if (has_exif && TIFFReadEXIFDirectory(tiff, exif_offset)) {
      append_directory(tiff, ExifDirectory::Exif, fields);
    }
    if (has_gps && TIFFReadGPSDirectory(tiff, gps_offset)) {
      append_directory(tiff, ExifDirectory::Gps, fields);
    }
    if (!TIFFSetDirectory(tiff, image)) return false;
  }
  exif = fields.empty() ? std::vector<std::byte>{} : exif_from_fields(fields);
  return true;
}

TiffExifDirectories write_tiff_exif(TIFF* tiff, std::span<const std::byte> exif) {
  TiffExifDirectories written;
  const std::vector<ExifField> fields = exif_fields(exif);
  written.exif = write_directory(tiff, ExifDirectory::Exif, fields);
  written.gps = write_directory(tiff, ExifDirectory::Gps, fields);
  const bool custom = std::any_of(fields.begin(), fields.end(), [](const ExifField& field) {
    return field.directory != ExifDirectory::Image;
  });
  if (custom) {
    // The custom directory's values freed, and a new image directory with libtiff's own
    // field table made current for the image's fields.
    TIFFFreeDirectory(tiff);
    TIFFCreateDirectory(tiff);
  }
  return written;
}

void set_tiff_image_exif_tags(TIFF* tiff, std::span<const std::byte> exif) {
  for (const ExifField& field : exif_fields(exif)) {
    if (field.directory != ExifDirectory::Image) continue;
    if (field.tag == TIFFTAG_ORIENTATION && field.numbers.size() == 1 && field.numbers[0] >= 1 &&
        field.numbers[0] <= 8) {
      // As stored (--no-rotate), or 1 once the pixels were turned upright.
      TIFFSetField(tiff, TIFFTAG_ORIENTATION, static_cast<int>(field.numbers[0]));
      continue;
    }
    if (field.type != TIFF_ASCII) continue;
    for (const ttag_t tag : kImageTextTags) {
      if (field.tag != tag) continue;
      const std::string text(
          reinterpret_cast<const char*>(field.bytes.data()),
          strnlen(reinterpret_cast<const char*>(field.bytes.data()), field.bytes.size()));
      TIFFSetField(tiff, tag, text.c_str());
    }
  }
}

}  // namespace tessera::codecs
