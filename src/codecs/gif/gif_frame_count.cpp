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

int walk(std::FILE* stream) {
  std::array<unsigned char, 13> header{};  // signature, version, logical screen descriptor
  if (std::fread(header.data(), 1, header.size(), stream) != header.size()) return 0;
  if (!skip_colour_table(stream, header[10])) return 0;
  int frames = 0;
  for (;;) {
    const int introducer = std::fgetc(stream);
    if (introducer == 0x2C) {
      std::array<unsigned char, 9> descriptor{};  // left, top, width, height, packed
      if (std::fread(descriptor.data(), 1, descriptor.size(), stream) != descriptor.size())
        return frames;
      ++frames;
      if (!skip_colour_table(stream, descriptor[8]) || std::fgetc(stream) == EOF ||
          !skip_sub_blocks(stream))
        return frames;
    } else if (introducer == 0x21) {
      if (std::fgetc(stream) == EOF || !skip_sub_blocks(stream)) return frames;
    } else {
      return frames;  // the trailer, the end of the file or damage
    }
  }
}

}  // namespace

int count_gif_frames(std::FILE* stream) {
  const long start = std::ftell(stream);
  const int frames = walk(stream);
  std::clearerr(stream);
  std::fseek(stream, start, SEEK_SET);
  return frames;
}

}  // namespace tessera::codecs
