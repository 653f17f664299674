// JPEG metadata markers, read from libjpeg's saved markers and written with jpeg_write_marker.

#include "codecs/jpeg/jpeg_metadata.h"

#include <cstring>
#include <string_view>
#include <vector>

namespace tessera::codecs {
namespace {

constexpr std::string_view kExif{"Exif\0\0", 6};
constexpr std::string_view kXmp{"http://ns.adobe.com/xap/1.0/\0", 29};
constexpr std::string_view kPhotoshop{"Photoshop 3.0\0", 14};
// A marker's length field counts itself: 65535 - 2 bytes of data at most.
constexpr std::size_t kMarkerBytes = 65533;

bool starts_with(const jpeg_saved_marker_ptr marker, std::string_view prefix) {
  return marker->data_length >= prefix.size() &&
         std::memcmp(marker->data, prefix.data(), prefix.size()) == 0;
}

std::vector<std::byte> after(const jpeg_saved_marker_ptr marker, std::string_view prefix) {
  const auto* begin = reinterpret_cast<const std::byte*>(marker->data);
  return {begin + prefix.size(), begin + marker->data_length};
}

bool write_marker(jpeg_compress_struct& cinfo, int code, std::string_view prefix,
                  const std::vector<std::byte>& blob) {
  if (blob.empty()) return true;
  if (blob.size() > kMarkerBytes - prefix.size()) return false;
  std::vector<JOCTET> data(prefix.begin(), prefix.end());
  const auto* begin = reinterpret_cast<const JOCTET*>(blob.data());
  data.insert(data.end(), begin, begin + blob.size());
  jpeg_write_marker(&cinfo, code, data.data(), static_cast<unsigned>(data.size()));
  return true;
}

}  // namespace

Metadata metadata_from_markers(const jpeg_decompress_struct& cinfo) {
  Metadata metadata;
  for (jpeg_saved_marker_ptr marker = cinfo.marker_list; marker != nullptr; marker = marker->next) {
    if (marker->marker == JPEG_APP0 + 1 && metadata.exif.empty() && starts_with(marker, kExif)) {
      metadata.exif = after(marker, kExif);
    } else if (marker->marker == JPEG_APP0 + 1 && metadata.xmp.empty() &&
               starts_with(marker, kXmp)) {
      metadata.xmp = after(marker, kXmp);
    } else if (marker->marker == JPEG_APP0 + 13 && metadata.iptc.empty() &&
               starts_with(marker, kPhotoshop)) {
      metadata.iptc = after(marker, kPhotoshop);
    }
  }
  // JFIF density: unit 1 is dots per inch, 2 dots per centimetre, 0 only an aspect ratio.
  if (cinfo.saw_JFIF_marker && cinfo.X_density > 0 && cinfo.Y_density > 0 &&
      (cinfo.density_unit == 1 || cinfo.density_unit == 2)) {
    const double scale = cinfo.density_unit == 2 ? 2.54 : 1.0;
    metadata.dpi_x = cinfo.X_density * scale;
    metadata.dpi_y = cinfo.Y_density * scale;
  }
  return metadata;
}

void set_density(jpeg_compress_struct& cinfo, const Metadata& metadata) {
  if (metadata.dpi_x <= 0 || metadata.dpi_y <= 0) return;
  const auto density = [](double dpi) {
    return static_cast<UINT16>(dpi > 65535 ? 65535 : dpi + 0.5);
  };
  cinfo.density_unit = 1;
  cinfo.X_density = density(metadata.dpi_x);
  cinfo.Y_density = density(metadata.dpi_y);
}

bool write_metadata_markers(jpeg_compress_struct& cinfo, const Metadata& metadata) {
  bool whole = write_marker(cinfo, JPEG_APP0 + 1, kExif, metadata.exif);
  whole &= write_marker(cinfo, JPEG_APP0 + 1, kXmp, metadata.xmp);
  whole &= write_marker(cinfo, JPEG_APP0 + 13, kPhotoshop, metadata.iptc);
  return whole;
}

}  // namespace tessera::codecs
