#pragma once
// EXIF blocks for tests: an orientation tag alone, and a JPEG copied with it spliced in.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::testing {

// "Exif\0\0" + a TIFF header + one IFD entry: Orientation = `value`.
inline std::vector<unsigned char> exif_block(int value, bool little_endian) {
  std::vector<unsigned char> block;
  const auto bytes = [&](std::string_view text) {
    for (const char c : text) block.push_back(static_cast<unsigned char>(c));
  };
  const auto u16 = [&](int v) {
    block.push_back(static_cast<unsigned char>(little_endian ? v : v >> 8));
    block.push_back(static_cast<unsigned char>(little_endian ? v >> 8 : v));
  };
  const auto u32 = [&](int v) {
    if (little_endian) {
      u16(v & 0xFFFF);
      u16(v >> 16);
    } else {
      u16(v >> 16);
      u16(v & 0xFFFF);
    }
  };
  bytes({"Exif\0\0", 6});
  bytes(little_endian ? std::string_view{"II*\0", 4} : std::string_view{"MM\0*", 4});
  u32(8);       // IFD0 right after the header
  u16(1);       // one entry
  u16(0x0112);  // Orientation
  u16(3);       // SHORT
  u32(1);       // one value
  u16(value);
  u16(0);  // padding to four bytes
  u32(0);  // no next IFD
  return block;
}

// `jpeg` copied to `tagged` with an APP1 EXIF segment saying `orientation` (big-endian) right
// after its SOI marker.
inline void copy_jpeg_with_orientation(const std::filesystem::path& jpeg_path, int orientation,
                                       const std::filesystem::path& tagged) {
  std::ifstream in(jpeg_path, std::ios::binary);
  const std::string jpeg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto exif = exif_block(orientation, false);
  std::string segment = "\xFF\xE1";
  segment += static_cast<char>((exif.size() + 2) >> 8);
  segment += static_cast<char>((exif.size() + 2) & 0xFF);
  segment.append(reinterpret_cast<const char*>(exif.data()), exif.size());
  std::ofstream(tagged, std::ios::binary) << jpeg.substr(0, 2) + segment + jpeg.substr(2);
}

}  // namespace tessera::testing
