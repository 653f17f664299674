// See png_image_data.h. Checks as libspng does: every chunk's CRC, the image data in consecutive
// IDAT chunks, a zlib stream long enough for every row, filter types 0-4, and after the image
// only ancillary chunks up to an empty IEND. Like libspng, it does not read the zlib stream past
// the last row.

#include "codecs/png/png_image_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "codecs/png/png_row_filter.h"
#include "core/fault_injection.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

constexpr std::size_t kInputBytes = 64 * 1024;
constexpr std::size_t kRowPadding = 8;  // unfilter_png_row loads a pixel as 8 bytes
// No legitimate chunk after the image comes near this (the same limit libspng is given).
constexpr std::uint32_t kMaxChunkBytes = std::uint32_t{64} << 20;

voidpf allocate(voidpf, uInt items, uInt size) {
  return detail::inject_fault() ? nullptr : std::calloc(items, size);
}
void release(voidpf, voidpf pointer) { std::free(pointer); }

std::uint32_t big_endian_u32(const std::uint8_t* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | bytes[3];
}

PngDataProblem file_ended() { return {.file_ended = true, .what = "the file ends too early"}; }
PngDataProblem damaged(std::string what) { return {.file_ended = false, .what = std::move(what)}; }

}  // namespace

PngImageData::PngImageData(std::FILE* file, std::size_t row_bytes, std::size_t pixel_bytes,
                           const ErrorContext& context)
    : file_(file),
      row_bytes_(row_bytes),
      pixel_bytes_(pixel_bytes),
      input_(kInputBytes),
      rows_(2 * (1 + row_bytes + kRowPadding), 0),
      row_(rows_.data() + 1),
      previous_(rows_.data() + 1 + row_bytes + kRowPadding + 1) {
  stream_.zalloc = allocate;
  stream_.zfree = release;
  if (inflateInit(&stream_) != Z_OK) {
    throw Error(ErrorCode::OutOfMemory, "zlib could not allocate its decompressor's state",
                context);
  }
  // The stream's Adler-32 sits after the last row, where reading stops (as in libspng): it would
  // never be compared, so it is not computed (6% of the time). Each chunk's CRC, which is
  // compared, covers every byte of the stream.
  inflateValidate(&stream_, 0);
}

PngImageData::~PngImageData() { inflateEnd(&stream_); }

std::optional<PngDataProblem> PngImageData::read_chunk_header() {
  std::uint8_t header[8];
  if (std::fread(header, 1, sizeof header, file_) != sizeof header) return file_ended();
  std::memcpy(type_, header + 4, 4);
  if (!std::all_of(type_, type_ + 4,
                   [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); })) {
    return damaged("a chunk's type is not four letters");
  }
  left_in_chunk_ = big_endian_u32(header);
  if (left_in_chunk_ > 0x7FFFFFFF) return damaged("a chunk's length is over 2^31 - 1");
  crc_ = static_cast<std::uint32_t>(crc32(0, header + 4, 4));
  in_image_data_ = std::memcmp(type_, "IDAT", 4) == 0;
  return std::nullopt;
}

std::optional<PngDataProblem> PngImageData::end_chunk() {
  std::uint8_t stored[4];
  if (std::fread(stored, 1, sizeof stored, file_) != sizeof stored) return file_ended();
  if (big_endian_u32(stored) != crc_) {
    return damaged(fmt::format("the checksum of a {} chunk is wrong", std::string_view(type_, 4)));
  }
  return std::nullopt;
}

std::optional<PngDataProblem> PngImageData::read_chunk_data(std::size_t& size) {
  size = std::min<std::size_t>(left_in_chunk_, input_.size());
  if (std::fread(input_.data(), 1, size, file_) != size) return file_ended();
  crc_ = static_cast<std::uint32_t>(crc32(crc_, input_.data(), static_cast<uInt>(size)));
  left_in_chunk_ -= static_cast<std::uint32_t>(size);
  return std::nullopt;
}

std::optional<PngDataProblem> PngImageData::refill() {
  while (left_in_chunk_ == 0) {
    if (started_) {
      if (auto problem = end_chunk()) return problem;
    } else {
      // The chunks before the image data, which libspng has read and checked: skipped.
      started_ = true;
      if (std::fseek(file_, 8, SEEK_SET) != 0) return file_ended();
      for (;;) {
        if (auto problem = read_chunk_header()) return problem;
        if (in_image_data_) break;
        if (std::fseek(file_, static_cast<long>(left_in_chunk_) + 4, SEEK_CUR) != 0) {
          return file_ended();
        }
      }
      continue;
    }
    if (auto problem = read_chunk_header()) return problem;
    if (!in_image_data_)
      return damaged("IDAT stream too short: the image data ends before its rows");
  }
  std::size_t size = 0;
  if (auto problem = read_chunk_data(size)) return problem;
  stream_.next_in = input_.data();
  stream_.avail_in = static_cast<uInt>(size);
  return std::nullopt;
}

const std::uint8_t* PngImageData::next_row(std::optional<PngDataProblem>& problem) {
  stream_.next_out = row_ - 1;  // the filter byte, then the row
  stream_.avail_out = static_cast<uInt>(row_bytes_ + 1);
  while (stream_.avail_out != 0) {
    if (stream_.avail_in == 0) {
      problem = refill();
      if (problem) return nullptr;
    }
    const int status = inflate(&stream_, Z_NO_FLUSH);
    if (status == Z_STREAM_END) {
      if (stream_.avail_out != 0) {
        problem = damaged("IDAT stream too short: the zlib stream ends before the last row");
        return nullptr;
      }
      break;
    }
    if (status != Z_OK && status != Z_BUF_ERROR) {
      problem = damaged(fmt::format("IDAT stream error: {}",
                                    stream_.msg != nullptr ? stream_.msg : "zlib failed"));
      return nullptr;
    }
  }
  const int filter = row_[-1];
  if (filter > 4) {
    problem = damaged(fmt::format("invalid filter type {} (PNG's are 0 to 4)", filter));
    return nullptr;
  }
  unfilter_png_row(filter, previous_, row_, row_bytes_, pixel_bytes_);
  std::swap(row_, previous_);
  return previous_;
}

std::optional<PngDataProblem> PngImageData::finish() {
  // What is left of the image data is read for its checksums only; then the chunks after it.
  bool after_image_data = false;
  for (;;) {
    if (!in_image_data_) {
      const std::string_view type(type_, 4);
      if (type == "IEND") {
        if (left_in_chunk_ != 0) return damaged("the IEND chunk is not empty");
        return end_chunk();
      }
      if (type == "IHDR" || type == "PLTE") {
        return damaged(fmt::format("a {} chunk after the image data", type));
      }
      if (type_[0] >= 'A' && type_[0] <= 'Z') {
        return damaged(fmt::format("unknown critical chunk {}", type));
      }
      if (left_in_chunk_ > kMaxChunkBytes) return damaged("a chunk is larger than 64 MiB");
    }
    while (left_in_chunk_ != 0) {
      std::size_t size = 0;
      if (auto problem = read_chunk_data(size)) return problem;
    }
    if (auto problem = end_chunk()) return problem;
    const bool was_image_data = in_image_data_;
    if (auto problem = read_chunk_header()) return problem;
    if (was_image_data && !in_image_data_) after_image_data = true;
    if (in_image_data_ && after_image_data) {
      return damaged("the IDAT chunks are not consecutive");
    }
  }
}

}  // namespace tessera::codecs
