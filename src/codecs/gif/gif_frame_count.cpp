// GIF record walk (GIF89a specification, sections 17-27): header, logical screen descriptor
// and global colour table, then extensions (0x21), images (0x2C) and the trailer (0x3B).

#include "codecs/gif/gif_frame_count.h"

#include <array>
#include <cstddef>

namespace tessera::codecs {
namespace {

bool skip(std::FILE* stream, std::size_t bytes) {
  std::array<unsigned char, 256> buffer{};
  while (bytes > 0) {
    const std::size_t chunk = bytes < buffer.size() ? bytes : buffer.size();
    if (std::fread(buffer.data(), 1, chunk, stream) != chunk) return false;
    bytes -= chunk;
  }
  return true;
}

// A colour table follows when bit 7 of the packed byte is set: 3 * 2^(size + 1) bytes.
bool skip_colour_table(std::FILE* stream, int packed) {
  if ((packed & 0x80) == 0) return true;
  return skip(stream, std::size_t{3} << ((packed & 0x07) + 1));
}

// Data sub-blocks: a length byte, that many bytes, until a zero length.
bool skip_sub_blocks(std::FILE* stream) {
  for (;;) {
    const int length = std::fgetc(stream);
    if (length == EOF) return false;
    if (length == 0) return true;
    if (!skip(stream, static_cast<std::size_t>(length))) return false;
  }
}

// Walks the records; `last` < 0 counts every frame without reading the extensions' contents.
GifFrameScan walk(std::FILE* stream, int last, bool count_all) {
  GifFrameScan scan;
  std::array<unsigned char, 13> header{};  // signature, version, logical screen descriptor
  if (std::fread(header.data(), 1, header.size(), stream) != header.size()) return scan;
  if (!skip_colour_table(stream, header[10])) return scan;
  // The graphics control extension (GIF89a section 23) applies to the image that follows it:
  // packed byte bits 2-4 the disposal method, bit 0 whether a colour is transparent.
  int control = 0;
  for (;;) {
    const int introducer = std::fgetc(stream);
    if (introducer == 0x2C) {
      std::array<unsigned char, 9> descriptor{};  // left, top, width, height, packed
      if (std::fread(descriptor.data(), 1, descriptor.size(), stream) != descriptor.size())
        return scan;
      if (scan.frames <= last) {
        scan.transparency = scan.transparency || (control & 0x01) != 0;
        if (scan.frames < last) scan.clears = scan.clears || ((control >> 2) & 0x07) == 2;
      }
      control = 0;
      ++scan.frames;
      if (!count_all && scan.frames > last) return scan;
      if (!skip_colour_table(stream, descriptor[8]) || std::fgetc(stream) == EOF ||
          !skip_sub_blocks(stream))
        return scan;
    } else if (introducer == 0x21) {
      const int label = std::fgetc(stream);
      if (label == EOF) return scan;
      if (label == 0xF9 && last >= 0) {
        // Its first sub-block: length 4, packed, delay (2), transparent index.
        const int length = std::fgetc(stream);
        if (length == EOF) return scan;
        if (length == 0) continue;  // the extension ends here
        std::array<unsigned char, 255> block{};
        const auto size = static_cast<std::size_t>(length);
        if (std::fread(block.data(), 1, size, stream) != size) return scan;
        if (size >= 4) control = block[0];
      }
      if (!skip_sub_blocks(stream)) return scan;
    } else {
      return scan;  // the trailer, the end of the file or damage
    }
  }
}

}  // namespace

int count_gif_frames(std::FILE* stream) {
  const long start = std::ftell(stream);
  const int frames = walk(stream, -1, true).frames;
  std::clearerr(stream);
  std::fseek(stream, start, SEEK_SET);
  return frames;
}

GifFrameScan scan_gif_frames(std::FILE* stream, int last, bool count_all) {
  const long start = std::ftell(stream);
  const GifFrameScan scan = walk(stream, last, count_all);
  std::clearerr(stream);
  std::fseek(stream, start, SEEK_SET);
  return scan;
}

}  // namespace tessera::codecs
