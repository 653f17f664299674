#pragma once
// The rows of a plain PNG read without libspng, for speed: the IDAT chunks inflated by zlib a row
// at a time and unfiltered in SIMD (png_row_filter.h), where libspng's filters are scalar. Plain
// means not interlaced, 8 or 16 bits, no palette and no transparency chunk: photographs,
// screenshots and masks. libspng still reads and checks every chunk before the image data (the
// decoder opens with it), and decodes the other layouts.

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "tessera/error.h"

namespace tessera::codecs {

// Why the image data stopped early: the file ended (truncated), or it is damaged (a checksum, a
// zlib error, a filter type PNG does not have).
struct PngDataProblem {
  bool file_ended = false;
  std::string what;
};

class PngImageData {
 public:
  // `file` is the whole PNG, read from its start; `row_bytes` one unfiltered row; `context`
  // names the file in errors.
  PngImageData(std::FILE* file, std::size_t row_bytes, std::size_t pixel_bytes,
               const ErrorContext& context);
  ~PngImageData();
  PngImageData(const PngImageData&) = delete;
  PngImageData& operator=(const PngImageData&) = delete;

  // The next row, unfiltered, in PNG's byte order (16-bit samples big-endian), or the problem
  // that stopped it. The pointer is valid until the next call.
  const std::uint8_t* next_row(std::optional<PngDataProblem>& problem);
  // After the last row: the rest of the image data and every chunk up to IEND, their checksums
  // and order checked, as libspng checks them.
  std::optional<PngDataProblem> finish();

 private:
  std::optional<PngDataProblem> read_chunk_header();
  // The next bytes of the current chunk into input_ (as many as fit: `size`), its CRC updated.
  std::optional<PngDataProblem> read_chunk_data(std::size_t& size);
  std::optional<PngDataProblem> refill();
  std::optional<PngDataProblem> end_chunk();

  std::FILE* file_;
  std::size_t row_bytes_;
  std::size_t pixel_bytes_;
  z_stream stream_{};
  std::vector<std::uint8_t> input_;
  std::vector<std::uint8_t> rows_;  // two rows, each a filter byte + row_bytes + 8 bytes of room
  std::uint8_t* row_;               // the row being decoded (its filter byte at row_[-1])
  std::uint8_t* previous_;          // the row above, unfiltered
  // The chunk being read: its type, the bytes of it not yet read, its checksum so far.
  char type_[4]{};
  std::uint32_t left_in_chunk_ = 0;
  std::uint32_t crc_ = 0;
  bool in_image_data_ = false;  // the current chunk is an IDAT
  bool started_ = false;        // the first IDAT has been found
};

}  // namespace tessera::codecs
