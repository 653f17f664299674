#include "codecs/exif_orientation.h"

#include <cstdint>
#include <cstring>

namespace tessera::codecs {
namespace {

constexpr std::uint16_t kOrientationTag = 0x0112;
constexpr std::uint16_t kShortType = 3;

class TiffReader {
 public:
  TiffReader(const unsigned char* data, std::size_t size, bool little_endian)
      : data_(data), size_(size), little_endian_(little_endian) {}

  bool u16(std::size_t offset, std::uint16_t& value) const {
    if (offset > size_ || size_ - offset < 2) return false;
    value = little_endian_ ? static_cast<std::uint16_t>(data_[offset] | data_[offset + 1] << 8)
                           : static_cast<std::uint16_t>(data_[offset] << 8 | data_[offset + 1]);
    return true;
  }
  bool u32(std::size_t offset, std::uint32_t& value) const {
    std::uint16_t high = 0;
    std::uint16_t low = 0;
    if (!u16(offset, little_endian_ ? low : high) ||
        !u16(offset + 2, little_endian_ ? high : low)) {
      return false;
    }
    value = static_cast<std::uint32_t>(high) << 16 | low;
    return true;
  }

 private:
  const unsigned char* data_;
  std::size_t size_;
  bool little_endian_;
};

}  // namespace

int exif_orientation(const unsigned char* data, std::size_t size) {
  if (data == nullptr) return 1;
  if (size >= 6 && std::memcmp(data, "Exif\0\0", 6) == 0) {
    data += 6;
    size -= 6;
  }
  if (size < 8) return 1;
  bool little_endian = false;
  if (std::memcmp(data, "II*\0", 4) == 0) {
    little_endian = true;
  } else if (std::memcmp(data, "MM\0*", 4) != 0) {
    return 1;
  }
  const TiffReader tiff(data, size, little_endian);
  std::uint32_t directory = 0;
  std::uint16_t entries = 0;
  if (!tiff.u32(4, directory) || !tiff.u16(directory, entries)) return 1;
  // The first directory (IFD0) holds Orientation; each entry is 12 bytes.
  for (std::uint32_t i = 0; i < entries; ++i) {
    const std::size_t entry = static_cast<std::size_t>(directory) + 2 + std::size_t{12} * i;
    std::uint16_t tag = 0;
    std::uint16_t type = 0;
    std::uint16_t value = 0;
    if (!tiff.u16(entry, tag) || !tiff.u16(entry + 2, type)) return 1;
    if (tag != kOrientationTag) continue;
    if (type != kShortType || !tiff.u16(entry + 8, value)) return 1;
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

}  // namespace tessera::codecs
