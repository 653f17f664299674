// BMP decoding, by hand: Windows bitmaps with any of the usual headers (core, info, V2 to V5),
// 1, 4 and 8-bit palettes (uncompressed or RLE), 16 and 32-bit bit fields, 24-bit RGB. Every
// offset and count from the file is checked before use: a hostile header is CorruptData, never
// a read out of bounds. Uncompressed rows stream (bottom-up files are read by seeking); RLE
// images are decoded whole into tracked memory. JPEG and PNG inside BMP are UnsupportedFormat.

#include <fmt/format.h>

#include <array>
#include <bit>
#include <cstring>
#include <vector>

#include "codecs/bmp/bmp_codec.h"
#include "codecs/limits.h"
#include "core/fault_injection.h"
#include "ops/simd/channel_rows.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

enum Compression : std::uint32_t {
  kRgb = 0,
  kRle8 = 1,
  kRle4 = 2,
  kBitFields = 3,
  kJpeg = 4,
  kPng = 5,
  kAlphaBitFields = 6
};

std::uint32_t u32(const std::uint8_t* p) {
  return p[0] | p[1] << 8 | p[2] << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
std::uint16_t u16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | p[1] << 8); }

struct Channel {  // one bit field: where a channel's bits are and how to widen them to 8
  std::uint32_t mask = 0;
  int shift = 0;
  int bits = 0;
  std::uint8_t extract(std::uint32_t pixel) const {
    if (mask == 0) return 255;
    const std::uint32_t value = (pixel & mask) >> shift;
    return static_cast<std::uint8_t>(bits >= 8 ? value >> (bits - 8)
                                               : (value * 255 + ((1u << bits) - 1) / 2) /
                                                     ((1u << bits) - 1));
  }
};

Channel channel(std::uint32_t mask) {
  Channel result{mask, mask == 0 ? 0 : std::countr_zero(mask), std::popcount(mask)};
  return result;
}

struct Layout {
  std::int32_t width = 0, height = 0;
  bool top_down = false;
  std::uint16_t bits = 0;
  std::uint32_t compression = kRgb;
  std::uint32_t data_offset = 0;
  std::vector<std::array<std::uint8_t, 3>> palette;  // RGB
  Channel red, green, blue, alpha;
  std::size_t stride = 0;  // bytes per stored row, padded to 4
};

Error corrupt(const std::filesystem::path& path, const std::string& what) {
  return Error(ErrorCode::CorruptData, fmt::format("not a valid BMP: {}", what),
               {.path = path.string(), .operation = "read header"});
}

Layout read_layout(std::FILE* stream, const std::filesystem::path& path) {
  std::array<std::uint8_t, 14 + 124> head{};
  const std::size_t got = std::fread(head.data(), 1, head.size(), stream);
  if (got < 14 + 12 || head[0] != 'B' || head[1] != 'M')
    throw corrupt(path, "the header is cut short");
  Layout layout;
  layout.data_offset = u32(&head[10]);
  const std::uint32_t header_size = u32(&head[14]);
  if (header_size < 12 || header_size > 124 || 14 + header_size > got)
    throw corrupt(path, "the DIB header is cut short");
  const std::uint8_t* dib = &head[14];
  std::uint32_t colours_used = 0;
  if (header_size == 12) {  // BITMAPCOREHEADER
    layout.width = u16(dib + 4);
    layout.height = u16(dib + 6);
    layout.bits = u16(dib + 10);
  } else {
    if (header_size < 40) throw corrupt(path, fmt::format("a {}-byte DIB header", header_size));
    layout.width = static_cast<std::int32_t>(u32(dib + 4));
    layout.height = static_cast<std::int32_t>(u32(dib + 8));
    layout.bits = u16(dib + 14);
    layout.compression = u32(dib + 16);
    colours_used = u32(dib + 32);
  }
  if (layout.height < 0) {
    if (layout.height == INT32_MIN) throw corrupt(path, "an impossible height");
    layout.top_down = true;
    layout.height = -layout.height;
  }
  if (layout.width <= 0 || layout.height == 0)
    throw corrupt(path, fmt::format("an empty {}x{} image", layout.width, layout.height));
  if (layout.compression == kJpeg || layout.compression == kPng) {
    throw Error(ErrorCode::UnsupportedFormat, "a BMP holding JPEG or PNG data is not supported",
                {.path = path.string(), .operation = "read header"});
  }
  const bool rle = layout.compression == kRle8 || layout.compression == kRle4;
  if ((layout.compression == kRle8 && layout.bits != 8) ||
      (layout.compression == kRle4 && layout.bits != 4) || (rle && layout.top_down) ||
      layout.compression > kAlphaBitFields) {
    throw corrupt(path, fmt::format("compression {} with {} bits per pixel", layout.compression,
                                    layout.bits));
  }
  switch (layout.bits) {
    case 1:
    case 4:
    case 8:
    case 16:
    case 24:
    case 32:
      break;
    default:
      throw corrupt(path, fmt::format("{} bits per pixel", layout.bits));
  }
  // Bit fields: in the header from V2 on, else just after a 40-byte header.
  if (layout.bits == 16 || layout.bits == 32) {
    std::uint32_t masks[4] = {0, 0, 0, 0};
    if (layout.compression == kBitFields || layout.compression == kAlphaBitFields) {
      const std::size_t at = 14 + 40;
      if (at + 12 > got) throw corrupt(path, "the bit fields are cut short");
      for (int i = 0; i < 3; ++i) masks[i] = u32(&head[at + 4 * i]);
      if (header_size >= 56 || layout.compression == kAlphaBitFields)
        masks[3] = at + 16 <= got ? u32(&head[at + 12]) : 0;
    } else if (layout.bits == 16) {
      masks[0] = 0x7C00;
      masks[1] = 0x03E0;
      masks[2] = 0x001F;  // 5-5-5
    } else {
      masks[0] = 0xFF0000;
      masks[1] = 0xFF00;
      masks[2] = 0xFF;  // the fourth byte is unused
    }
    layout.red = channel(masks[0]);
    layout.green = channel(masks[1]);
    layout.blue = channel(masks[2]);
    layout.alpha = channel(masks[3]);
    for (const Channel& c : {layout.red, layout.green, layout.blue, layout.alpha}) {
      if (c.mask != 0 && ((c.mask >> c.shift) & ((c.mask >> c.shift) + 1)) != 0)
        throw corrupt(path, "a bit field with holes");
    }
  }
  if (layout.bits <= 8) {
    const std::uint32_t count = colours_used == 0 ? 1u << layout.bits : colours_used;
    if (count > 256) throw corrupt(path, fmt::format("{} palette entries", count));
    const std::size_t entry = header_size == 12 ? 3 : 4;
    std::vector<std::uint8_t> bytes(count * entry);
    if (std::fseek(
            stream,
            static_cast<long>(14 + header_size +
                              (layout.compression == kBitFields && header_size == 40 ? 12 : 0)),
            SEEK_SET) != 0 ||
        std::fread(bytes.data(), 1, bytes.size(), stream) != bytes.size()) {
      throw corrupt(path, "the palette is cut short");
    }
    for (std::uint32_t i = 0; i < count; ++i)
      layout.palette.push_back({bytes[i * entry + 2], bytes[i * entry + 1], bytes[i * entry]});
  }
  layout.stride = (static_cast<std::size_t>(layout.width) * layout.bits + 31) / 32 * 4;
  return layout;
}

class BmpDecoder final : public Decoder {
 public:
  BmpDecoder(const std::filesystem::path& path, const ImageInfo& info,
             std::unique_ptr<InputFile> file, Layout layout, MemoryBudget* budget)
      : Decoder(path, info), file_(std::move(file)), layout_(std::move(layout)), budget_(budget) {}

 private:
  bool rle() const { return layout_.compression == kRle8 || layout_.compression == kRle4; }

  void begin_decoding() override {
    if (!rle()) return;
    indices_ = memory::allocate(static_cast<std::size_t>(width()) * height(),
                                {.label = "BMP RLE indices", .budget = budget_});
    std::memset(indices_.data(), 0, indices_.size());
    decode_rle();
  }

  // RLE8/RLE4 into one index per pixel, bottom-up as stored. Runs past the row or the image
  // are clipped, as Windows does; the stream must end in time.
  void decode_rle() {
    std::FILE* stream = file_->stream();
    if (std::fseek(stream, static_cast<long>(layout_.data_offset), SEEK_SET) != 0)
      throw decode_error("the pixel data is missing");
    const bool four = layout_.compression == kRle4;
    auto* indices = reinterpret_cast<std::uint8_t*>(indices_.data());
    int x = 0;
    int y = 0;  // stored row, 0 = bottom
    const auto next = [&]() -> std::uint8_t {
      const int c = std::fgetc(stream);
      if (c == EOF) throw decode_error("the RLE data ends too early");
      return static_cast<std::uint8_t>(c);
    };
    const auto put = [&](std::uint8_t index) {
      if (x < width() && y < height()) indices[static_cast<std::size_t>(y) * width() + x] = index;
      ++x;
    };
    while (y < height()) {
      if (detail::inject_fault()) throw decode_error("injected fault (testing::FaultInjection)");
      const std::uint8_t count = next();
      const std::uint8_t value = next();
      if (count > 0) {  // a run of `count` pixels
        for (int i = 0; i < count; ++i) put(four ? (i % 2 == 0 ? value >> 4 : value & 15) : value);
        continue;
      }
      if (value == 0) {
        x = 0;
        ++y;
        continue;
      }                       // end of line
      if (value == 1) break;  // end of bitmap
      if (value == 2) {
        x += next();
        y += next();
        continue;
      }  // delta
      // Absolute mode: `value` literal pixels, padded to a 16-bit boundary.
      const int bytes = four ? (value + 1) / 2 : value;
      std::uint8_t pair = 0;
      for (int i = 0; i < value; ++i) {
        if (four) {
          if (i % 2 == 0) pair = next();
          put(i % 2 == 0 ? pair >> 4 : pair & 15);
        } else {
          put(next());
        }
      }
      if (bytes % 2 == 1) (void)next();
    }
  }

  void decode_rows(const MutableImageView& rows) override {
    for (int y = 0; y < rows.height(); ++y) {
      const int top_row = rows_read() + y;
      const int stored_row = layout_.top_down ? top_row : height() - 1 - top_row;
      auto* out = rows.row<std::uint8_t>(y);
      if (rle()) {
        const auto* indices = reinterpret_cast<const std::uint8_t*>(indices_.data()) +
                              static_cast<std::size_t>(stored_row) * width();
        for (int x = 0; x < width(); ++x) put_palette(out, x, indices[x]);
        continue;
      }
      try {
        read_stored_row(stored_row);
      } catch (const Error& error) {
        const bool truncated = std::feof(file_->stream()) != 0;
        if (error.code() != ErrorCode::CorruptData || (!truncated && fail_on() != FailOn::None))
          throw;
        // A bottom-up file stores its last rows first: later rows may still be there.
        data_ended(top_row, error.message(), false);
        std::memset(out, 0x80, rows.row_bytes());
        continue;
      }
      convert_row(out);
    }
  }

  void read_stored_row(int stored_row) {
    raw_.resize(layout_.stride);
    const auto offset = static_cast<long long>(layout_.data_offset) +
                        static_cast<long long>(stored_row) * static_cast<long long>(layout_.stride);
    // A seek empties stdio's buffer: only where the row is not next (a bottom-up file's rows
    // come in reverse).
    const bool next = ::ftello(file_->stream()) == static_cast<off_t>(offset);
    if (detail::inject_fault() ||
        (!next && ::fseeko(file_->stream(), static_cast<off_t>(offset), SEEK_SET) != 0) ||
        std::fread(raw_.data(), 1, raw_.size(), file_->stream()) != raw_.size()) {
      throw decode_error("the pixel data ends too early");
    }
  }

  // The stored row in raw_ to RGB(A): one loop per layout, so that the common 24-bit and 32-bit
  // rows run without a branch per pixel.
  void convert_row(std::uint8_t* out) const {
    const int channels = format().channels();
    const std::uint8_t* raw = raw_.data();
    const auto width = static_cast<std::size_t>(this->width());
    switch (layout_.bits) {
      case 1:
      case 4:
      case 8: {
        const int per_byte = 8 / layout_.bits;
        const int mask = (1 << layout_.bits) - 1;
        for (int x = 0; x < this->width(); ++x) {
          const std::uint8_t byte = raw[static_cast<std::size_t>(x / per_byte)];
          const int shift = 8 - layout_.bits * (x % per_byte + 1);
          put_palette(out, x, static_cast<std::uint8_t>(byte >> shift & mask));
        }
        return;
      }
      case 24:  // BGR
        ops::simd::swap_red_blue_row(raw, out, width, 3);
        return;
      case 32:
        if (channels == 4 && layout_.red.mask == 0x00FF0000 && layout_.green.mask == 0x0000FF00 &&
            layout_.blue.mask == 0x000000FF && layout_.alpha.mask == 0xFF000000) {
          ops::simd::swap_red_blue_row(raw, out, width, 4);  // BGRA, the usual 32-bit layout
          return;
        }
        [[fallthrough]];
      default:  // 16 and 32: bit fields
        for (std::size_t x = 0; x < width; ++x) {
          const std::uint32_t pixel = layout_.bits == 16 ? u16(&raw[x * 2]) : u32(&raw[x * 4]);
          out[x * channels] = layout_.red.extract(pixel);
          out[x * channels + 1] = layout_.green.extract(pixel);
          out[x * channels + 2] = layout_.blue.extract(pixel);
          if (channels == 4) out[x * 4 + 3] = layout_.alpha.extract(pixel);
        }
    }
  }

  // An index past the palette is a corrupt file (CVE-2018-14498 was a read past one), refused
  // as libjpeg-turbo's own BMP reader refuses it since.
  void put_palette(std::uint8_t* out, int x, std::uint8_t index) const {
    if (index >= layout_.palette.size()) {
      throw decode_error(fmt::format("a pixel uses colour {} of a {}-colour palette", index,
                                     layout_.palette.size()));
    }
    std::memcpy(out + x * 3, layout_.palette[index].data(), 3);
  }

  Error decode_error(const std::string& what) const {
    return Error(ErrorCode::CorruptData, fmt::format("not a valid BMP: {}", what),
                 {.path = path().string(), .operation = "decode"});
  }

  std::unique_ptr<InputFile> file_;
  Layout layout_;
  MemoryBudget* budget_;
  memory::Buffer indices_;  // RLE only
  std::vector<std::uint8_t> raw_;
};

}  // namespace

std::unique_ptr<Decoder> open_bmp_decoder(std::unique_ptr<InputFile> file,
                                          const std::filesystem::path& path,
                                          const DecodeOptions& options) {
  if (detail::inject_fault()) throw corrupt(path, "injected fault (testing::FaultInjection)");
  Layout layout = read_layout(file->stream(), path);
  ImageInfo info;
  info.format = FileFormat::Bmp;
  info.width = layout.width;
  info.height = layout.height;
  info.pixel_format = layout.alpha.mask != 0 ? PixelFormat::rgba8() : PixelFormat::rgb8();
  const bool rle = layout.compression == kRle8 || layout.compression == kRle4;
  check_limits(
      info,
      rle ? static_cast<std::size_t>(layout.width) * static_cast<std::size_t>(layout.height) : 0,
      options.limits, path);
  return std::make_unique<BmpDecoder>(path, info, std::move(file), std::move(layout),
                                      budget_of(options.limits));
}

}  // namespace tessera::codecs
