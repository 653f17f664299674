// PNG encoding: 8 or 16 bits, every channel layout, zlib level, ICC. Written by tessera rather
// than libspng so that the compression runs on every core (parallel_deflate.h) and the filters
// in SIMD (png_row_filter.h); the filter choice and zlib settings are libspng's, so files keep
// the size they had.
//
// With EncodeOptions::palette, an indexed PNG (colour type 3: PLTE, tRNS for the entries that
// are not opaque, 8-bit indices) quantised by libimagequant as pngquant does (quantise.h). The
// rows are then gathered (tracked) and written by finish(), unfiltered, as libspng and pngquant
// write indices. The metadata chunks are the same either way.

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "codecs/colour_management.h"
#include "codecs/file_io.h"
#include "codecs/parallel_deflate.h"
#include "codecs/png/png_codec.h"
#include "codecs/png/png_row_filter.h"
#include "codecs/quantise.h"
#include "codecs/row_conversion.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

std::uint8_t color_type(ChannelLayout layout) {
  switch (layout) {
    case ChannelLayout::Gray:
      return 0;
    case ChannelLayout::GrayAlpha:
      return 4;
    case ChannelLayout::Rgb:
      return 2;
    case ChannelLayout::Rgba:
      return 6;
  }
  return 2;
}

// PNG's integers are big-endian.
void store_u32(std::uint8_t* at, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) *at++ = static_cast<std::uint8_t>(value >> shift);
}

class PngEncoder final : public Encoder {
 public:
  PngEncoder(const std::filesystem::path& path, int width, int height, PixelFormat format,
             const EncodeOptions& options)
      : Encoder(path, width, height, format),
        file_(path),
        // Float samples are stored as 16 bits: PNG has no float form. A palette's indices are
        // one byte.
        sample_bytes_(options.palette || format.sample == SampleType::U8 ? 1 : 2),
        pixel_bytes_(options.palette ? 1
                                     : static_cast<std::size_t>(format.channels()) * sample_bytes_),
        row_bytes_(static_cast<std::size_t>(width) * pixel_bytes_),
        // As libspng: at level 0 filtering cannot help, and deflate's plain strategy is used;
        // indices are not filtered (a difference of two indices means nothing).
        filtered_(options.png_compression > 0 && !options.palette),
        deflate_(options.png_compression, filtered_ ? Z_FILTERED : Z_DEFAULT_STRATEGY,
                 [this](std::span<const std::uint8_t> bytes) { write_chunk("IDAT", bytes); },
                 {.path = path.string(), .operation = "encode"}),
        previous_(row_bytes_, 0) {
    if (options.png_compression < 0 || options.png_compression > 9) {
      throw Error(ErrorCode::InvalidArgument,
                  fmt::format("PNG compression {} is not a zlib level: use 0 (none) to 9 (most)",
                              options.png_compression),
                  {.path = path.string(), .operation = "encode"});
    }
    static constexpr std::array<std::uint8_t, 8> kSignature{0x89, 'P',  'N',  'G',
                                                            '\r', '\n', 0x1A, '\n'};
    file_.write(kSignature.data(), kSignature.size());
    // Then depth and colour type; deflate, adaptive filtering and no interlacing are zeros.
    std::array<std::uint8_t, 13> header{};
    store_u32(&header[0], static_cast<std::uint32_t>(width));
    store_u32(&header[4], static_cast<std::uint32_t>(height));
    header[8] = static_cast<std::uint8_t>(8 * sample_bytes_);
    header[9] = options.palette ? 3 : color_type(format.layout);
    write_chunk("IHDR", header);
    if (options.palette) {
      quantise_ = {.colors = options.colors, .dither = options.dither};
      rows_.emplace(width, height, "PNG rows to quantise");
    }
    // A palette's colours are RGB: a gray profile does not describe them.
    if (!options.icc_profile.empty() &&
        (!options.palette || icc_profile_fits(options.icc_profile, ChannelLayout::Rgb))) {
      write_icc_profile(options.icc_profile);
    }
    write_metadata(options.metadata);
    if (sample_bytes_ == 2) {
      wide_row_.resize(row_bytes_);
      if (format.sample == SampleType::F32) {
        converted_.resize(static_cast<std::size_t>(width) * format.channels());
      }
    }
  }

 private:
  void encode_rows(const ImageView& rows) override {
    if (rows_) {
      rows_->add(rows, rows_written());
      return;
    }
    for (int y = 0; y < rows.height(); ++y) {
      const auto* row = reinterpret_cast<const std::uint8_t*>(rows.row(y));
      if (sample_bytes_ == 2) row = big_endian_row(rows.row(y), rows.format());
      std::uint8_t* filtered = deflate_.append(row_bytes_ + 1);
      if (filtered_) {
        filter_png_row(previous_.data(), row, row_bytes_, pixel_bytes_, filtered);
      } else {
        filtered[0] = 0;
        std::memcpy(filtered + 1, row, row_bytes_);
      }
      if (sample_bytes_ == 2) {
        previous_.swap(wide_row_);
      } else {
        std::memcpy(previous_.data(), row, row_bytes_);
      }
    }
  }

  // 16-bit samples as PNG stores them, most significant byte first, in wide_row_.
  const std::uint8_t* big_endian_row(const std::byte* row, PixelFormat format) {
    const std::size_t samples = row_bytes_ / 2;
    const std::uint16_t* native = reinterpret_cast<const std::uint16_t*>(row);
    if (!converted_.empty()) {
      convert_row_to_u16(row, format, width(), converted_.data());
      native = converted_.data();
    }
    for (std::size_t i = 0; i < samples; ++i) {
      wide_row_[2 * i] = static_cast<std::uint8_t>(native[i] >> 8);
      wide_row_[2 * i + 1] = static_cast<std::uint8_t>(native[i]);
    }
    return wide_row_.data();
  }

  void finish_encoding() override {
    if (rows_) write_palette_image();
    deflate_.finish();
    write_chunk("IEND", {});
    check_interrupt();
    file_.commit();
  }

  void check_output() const override { file_.throw_if_write_failed(); }

  // PLTE, tRNS (as far as the last entry that is not opaque: quantise() puts those first) and
  // the indices.
  void write_palette_image() {
    const PaletteImage image =
        quantise(rows_->take(), quantise_, {.path = file_.path().string(), .operation = "encode"});
    rows_.reset();
    std::vector<std::uint8_t> colours;
    std::vector<std::uint8_t> alphas;
    for (const auto& entry : image.palette) {
      colours.insert(colours.end(), entry.begin(), entry.begin() + 3);
      alphas.push_back(entry[3]);
    }
    write_chunk("PLTE", colours);
    while (!alphas.empty() && alphas.back() == 255) alphas.pop_back();
    if (!alphas.empty()) write_chunk("tRNS", alphas);
    const ImageView indices = image.indices.view();
    for (int y = 0; y < indices.height(); ++y) {
      std::uint8_t* filtered = deflate_.append(row_bytes_ + 1);
      filtered[0] = 0;  // no filter
      std::memcpy(filtered + 1, indices.row(y), row_bytes_);
    }
  }

  void write_chunk(std::string_view type, std::span<const std::uint8_t> data) {
    std::array<std::uint8_t, 8> head{};  // length, type
    store_u32(&head[0], static_cast<std::uint32_t>(data.size()));
    std::memcpy(&head[4], type.data(), 4);
    uLong crc = crc32(0, &head[4], 4);
    // Not for an empty chunk: given no bytes (a null pointer), crc32 starts a new checksum.
    if (!data.empty()) crc = crc32(crc, data.data(), static_cast<uInt>(data.size()));
    std::array<std::uint8_t, 4> tail{};
    store_u32(tail.data(), static_cast<std::uint32_t>(crc));
    file_.write(head.data(), head.size());
    if (!data.empty()) file_.write(data.data(), data.size());
    file_.write(tail.data(), tail.size());
  }

  // iCCP: a name, a zero, the compression method (0, zlib), the zlib-compressed profile.
  void write_icc_profile(const std::vector<std::byte>& profile) {
    constexpr std::string_view kName = "ICC profile";
    std::vector<std::uint8_t> chunk(kName.begin(), kName.end());
    chunk.push_back(0);  // the name's end
    chunk.push_back(0);  // zlib
    ParallelDeflate compress(Z_DEFAULT_COMPRESSION, Z_DEFAULT_STRATEGY,
                             [&](std::span<const std::uint8_t> bytes) {
                               chunk.insert(chunk.end(), bytes.begin(), bytes.end());
                             },
                             {.path = file_.path().string(), .operation = "encode"});
    std::memcpy(compress.append(profile.size()), profile.data(), profile.size());
    compress.finish();
    write_chunk("iCCP", chunk);
  }

  // pHYs (pixels per metre), eXIf (the TIFF structure as it is) and the XMP packet in an
  // uncompressed iTXt chunk "XML:com.adobe.xmp", as exiftool and libvips write it. All before
  // the image data, where readers look for them.
  void write_metadata(const Metadata& metadata) {
    if (metadata.dpi_x > 0 && metadata.dpi_y > 0) {
      std::array<std::uint8_t, 9> phys{};
      const auto per_metre = [](double dpi) {
        return static_cast<std::uint32_t>(std::min(dpi / 0.0254 + 0.5, 4.0e9));
      };
      store_u32(&phys[0], per_metre(metadata.dpi_x));
      store_u32(&phys[4], per_metre(metadata.dpi_y));
      phys[8] = 1;  // the unit is the metre
      write_chunk("pHYs", phys);
    }
    if (!metadata.exif.empty()) write_chunk("eXIf", as_bytes(metadata.exif));
    if (!metadata.xmp.empty()) {
      constexpr std::string_view kKeyword = "XML:com.adobe.xmp";
      // The keyword, its end, no compression, method 0, empty language tag and translated
      // keyword (five zero bytes), then the XMP. Sized once and filled: GCC 12 at -O2 took an
      // insert of {0, 0, 0, 0, 0} after the keyword for an out-of-bounds copy (-Warray-bounds).
      const std::span<const std::uint8_t> xmp = as_bytes(metadata.xmp);
      std::vector<std::uint8_t> chunk(kKeyword.size() + 5 + xmp.size(), 0);
      std::copy(kKeyword.begin(), kKeyword.end(), chunk.begin());
      std::copy(xmp.begin(), xmp.end(),
                chunk.begin() + static_cast<std::ptrdiff_t>(kKeyword.size() + 5));
      write_chunk("iTXt", chunk);
    }
  }

  static std::span<const std::uint8_t> as_bytes(const std::vector<std::byte>& blob) {
    return {reinterpret_cast<const std::uint8_t*>(blob.data()), blob.size()};
  }

  AtomicOutputFile file_;  // removes the temporary file unless committed
  std::size_t sample_bytes_;
  std::size_t pixel_bytes_;
  std::size_t row_bytes_;
  bool filtered_;
  ParallelDeflate deflate_;
  std::vector<std::uint8_t> previous_;    // the row above, unfiltered, as PNG stores it
  std::vector<std::uint8_t> wide_row_;    // a 16-bit row as PNG stores it
  std::vector<std::uint16_t> converted_;  // a float row as 16 bits
  QuantiseOptions quantise_;
  std::optional<PaletteRows> rows_;  // with a palette: the image, gathered to be quantised
};

}  // namespace

std::unique_ptr<Encoder> open_png_encoder(const std::filesystem::path& path, int width, int height,
                                          PixelFormat format, const EncodeOptions& options) {
  if (options.palette) {  // before the temporary file and the gathered rows exist
    check_quantisable(width, height, {.colors = options.colors, .dither = options.dither},
                      {.path = path.string(), .operation = "encode"});
  }
  return std::make_unique<PngEncoder>(path, width, height, format, options);
}

}  // namespace tessera::codecs
