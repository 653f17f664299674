// PNG decoding: libspng reads the header and every chunk before the image, and checks limits;
// then rows one at a time, from PngImageData (SIMD unfiltering) for plain PNGs, from libspng for
// palettes, bit depths under 8, transparency chunks and interlacing.

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <string_view>
#include <vector>

#include "codecs/exif_orientation.h"
#include "codecs/limits.h"
#include "codecs/png/png_codec.h"
#include "codecs/png/png_image_data.h"
#include "codecs/png/spng_context.h"
#include "core/fault_injection.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

// No legitimate chunk comes near this; a 57-byte file that claims a 1 GiB chunk fails here,
// before anything is allocated for it.
constexpr std::size_t kMaxChunkBytes = std::size_t{64} << 20;

struct Mapping {
  PixelFormat format;
  int spng_format;  // what spng decodes into
};

// tessera's pixel format for a PNG, and the spng output format that yields it. Grey stays one
// channel, alpha (or a tRNS chunk) is kept, 16 bits stay 16. Where the PNG's own layout is
// already tessera's, spng's native format (host-endian) avoids any conversion.
Mapping map_format(const spng_ihdr& header, bool has_transparency) {
  const bool sixteen = header.bit_depth == 16;
  const SampleType sample = sixteen ? SampleType::U16 : SampleType::U8;
  switch (header.color_type) {
    case SPNG_COLOR_TYPE_GRAYSCALE:
      if (has_transparency) {
        return {{ChannelLayout::GrayAlpha, sample}, sixteen ? SPNG_FMT_GA16 : SPNG_FMT_GA8};
      }
      return {{ChannelLayout::Gray, sample}, sixteen ? SPNG_FMT_PNG : SPNG_FMT_G8};
    case SPNG_COLOR_TYPE_GRAYSCALE_ALPHA:
      return {{ChannelLayout::GrayAlpha, sample}, SPNG_FMT_PNG};
    case SPNG_COLOR_TYPE_TRUECOLOR:
      if (has_transparency) {
        return {{ChannelLayout::Rgba, sample}, sixteen ? SPNG_FMT_RGBA16 : SPNG_FMT_RGBA8};
      }
      return {{ChannelLayout::Rgb, sample}, SPNG_FMT_PNG};
    case SPNG_COLOR_TYPE_INDEXED:
      return has_transparency ? Mapping{PixelFormat::rgba8(), SPNG_FMT_RGBA8}
                              : Mapping{PixelFormat::rgb8(), SPNG_FMT_RGB8};
    default:  // SPNG_COLOR_TYPE_TRUECOLOR_ALPHA
      return {{ChannelLayout::Rgba, sample}, SPNG_FMT_PNG};
  }
}

class PngDecoder final : public Decoder {
 public:
  PngDecoder(const std::filesystem::path& path, const ImageInfo& info,
             std::unique_ptr<InputFile> file, std::unique_ptr<SpngContext> context, int spng_format,
             std::vector<std::byte> icc_profile, MemoryBudget* budget, bool plain)
      : Decoder(path, info),
        file_(std::move(file)),
        context_(std::move(context)),
        spng_format_(spng_format),
        budget_(budget),
        plain_(plain) {
    icc_profile_ = std::move(icc_profile);
  }
  void set_metadata(Metadata metadata) { metadata_ = std::move(metadata); }

 private:
  // A file that ends early is truncated; under FailOn::None any damage to the image data (a
  // CRC or zlib error) ends it there too, with what came before.
  bool ends_data(int status) const {
    return status == SPNG_EOF || status == SPNG_IO_EOF || fail_on() == FailOn::None;
  }

  void decode_rows(const MutableImageView& rows) override {
    if (image_data_) return decode_plain_rows(rows);
    spng_ctx* context = context_->context;
    for (int y = 0; y < rows.height(); ++y) {
      if (interlaced_.empty()) {
        const int status = spng_decode_row(context, rows.row(y), rows.row_bytes());
        if (status != 0 && status != SPNG_EOI && ends_data(status)) {
          data_ended(rows_read() + y, spng_strerror(status));  // throws unless FailOn::None
          fill_grey(rows, y);
          return;
        }
        if (status != SPNG_EOI) check_spng(status, "decode", path());
      } else {
        std::memcpy(rows.row(y), interlaced_.row(rows_read() + y), rows.row_bytes());
      }
    }
    if (rows_read() + rows.height() == height()) {
      // The rest of the file: the last IDAT's CRC, chunks after the image, IEND. Without this a
      // damaged tail would pass unnoticed.
      check_spng(spng_decode_chunks(context), "decode", path());
    }
  }

  void decode_plain_rows(const MutableImageView& rows) {
    for (int y = 0; y < rows.height(); ++y) {
      std::optional<PngDataProblem> problem;
      const std::uint8_t* row = image_data_->next_row(problem);
      if (row == nullptr) {
        if (!problem->file_ended && fail_on() != FailOn::None) throw corrupt(problem->what);
        data_ended(rows_read() + y, problem->what);  // throws unless FailOn::None
        fill_grey(rows, y);
        return;
      }
      if (format().sample == SampleType::U16) {
        auto* samples = reinterpret_cast<std::uint16_t*>(rows.row(y));
        const std::size_t count = rows.row_bytes() / 2;
        for (std::size_t i = 0; i < count; ++i) {
          samples[i] = static_cast<std::uint16_t>(row[2 * i] << 8 | row[2 * i + 1]);
        }
      } else {
        std::memcpy(rows.row(y), row, rows.row_bytes());
      }
    }
    if (rows_read() + rows.height() == height()) {
      // The rest of the file: the image data's last CRCs, chunks after the image, IEND. Without
      // this a damaged tail would pass unnoticed.
      if (auto problem = image_data_->finish()) throw corrupt(problem->what);
    }
  }

  Error corrupt(const std::string& what) const {
    return Error(ErrorCode::CorruptData, fmt::format("not a valid PNG: {}", what),
                 ErrorContext{.path = path().string(), .operation = "decode"});
  }

  // Interlaced rows arrive pass by pass, so the whole image is decoded up front into tracked
  // memory (charged to the budget: the limits check counted it). Otherwise rows stream.
  void begin_decoding() override {
    if (plain_) {
      const std::size_t pixel_bytes = format().bytes_per_pixel();
      image_data_ = std::make_unique<PngImageData>(
          file_->stream(), static_cast<std::size_t>(width()) * pixel_bytes, pixel_bytes,
          ErrorContext{.path = path().string(), .operation = "decode"});
      return;
    }
    spng_ctx* context = context_->context;
    if (!info().progressive) {
      check_spng(spng_decode_image(context, nullptr, 0, spng_format_,
                                   SPNG_DECODE_TRNS | SPNG_DECODE_PROGRESSIVE),
                 "decode", path());
      return;
    }
    interlaced_ =
        Image::create(width(), height(), format(), {.label = "interlaced PNG", .budget = budget_});
    check_spng(spng_decode_image(context, nullptr, 0, spng_format_,
                                 SPNG_DECODE_TRNS | SPNG_DECODE_PROGRESSIVE),
               "decode", path());
    // spng writes each pass's pixels to their places in the full row it is given.
    const std::size_t row_bytes = interlaced_.view().row_bytes();
    spng_row_info row_info{};
    int status = 0;
    do {
      status = spng_get_row_info(context, &row_info);
      if (status != 0) break;
      status =
          spng_decode_row(context, interlaced_.row(static_cast<int>(row_info.row_num)), row_bytes);
    } while (status == 0);
    if (status != SPNG_EOI) check_spng(status, "decode", path());
  }

  std::unique_ptr<InputFile> file_;
  std::unique_ptr<SpngContext> context_;
  int spng_format_;
  MemoryBudget* budget_;
  bool plain_;  // decoded by image_data_, not libspng
  std::unique_ptr<PngImageData> image_data_;
  Image interlaced_;
};

// Whether an optional chunk is present: absent is fine, any other failure is the file's error.
bool has_chunk(int status, const std::filesystem::path& path) {
  if (status == SPNG_ECHUNKAVAIL) return false;
  check_spng(status, "read header", path);
  return true;
}

// EXIF (eXIf), XMP (the iTXt chunk "XML:com.adobe.xmp") and resolution (pHYs in pixels per
// metre). A chunk libspng refuses is left out rather than failing the image.
Metadata png_metadata(spng_ctx* ctx) {
  Metadata metadata;
  spng_exif exif{};
  if (spng_get_exif(ctx, &exif) == 0 && exif.data != nullptr) {
    const auto* begin = reinterpret_cast<const std::byte*>(exif.data);
    metadata.exif.assign(begin, begin + exif.length);
  }
  std::uint32_t texts = 0;
  if (spng_get_text(ctx, nullptr, &texts) == 0 && texts > 0) {
    std::vector<spng_text> text(texts);
    if (spng_get_text(ctx, text.data(), &texts) == 0) {
      for (const spng_text& chunk : text) {
        if (chunk.type != SPNG_ITXT || std::string_view(chunk.keyword) != "XML:com.adobe.xmp" ||
            chunk.text == nullptr) {
          continue;
        }
        const auto* begin = reinterpret_cast<const std::byte*>(chunk.text);
        metadata.xmp.assign(begin, begin + chunk.length);
        break;
      }
    }
  }
  spng_phys phys{};
  if (spng_get_phys(ctx, &phys) == 0 && phys.unit_specifier == 1 && phys.ppu_x > 0 &&
      phys.ppu_y > 0) {
    // Whole pixels per metre: rounded to a tenth of a dot per inch, 300 dpi reads back as 300
    // (11811 per metre), not 299.9994.
    metadata.dpi_x = std::round(phys.ppu_x * 0.254) / 10;
    metadata.dpi_y = std::round(phys.ppu_y * 0.254) / 10;
  }
  return metadata;
}

}  // namespace

void check_spng(int status, const char* operation, const std::filesystem::path& path) {
  const ErrorContext context{.path = path.string(), .operation = operation};
  if (detail::inject_fault()) {
    throw Error(ErrorCode::Io, "injected fault (testing::FaultInjection)", context);
  }
  if (status == 0) return;
  if (status == SPNG_EIO) {
    throw Error(ErrorCode::Io, "read or write failed", context);
  }
  if (status == SPNG_EOF) {
    throw Error(ErrorCode::CorruptData, "not a valid PNG: the file ends too early", context);
  }
  throw Error(ErrorCode::CorruptData, fmt::format("not a valid PNG: {}", spng_strerror(status)),
              context);
}

std::unique_ptr<Decoder> open_png_decoder(std::unique_ptr<InputFile> file,
                                          const std::filesystem::path& path,
                                          const DecodeOptions& options) {
  auto context = std::make_unique<SpngContext>(0);
  spng_ctx* ctx = context->context;
  check_spng(spng_set_chunk_limits(ctx, kMaxChunkBytes, kMaxChunkBytes), "read header", path);
  check_spng(spng_set_png_file(ctx, file->stream()), "read header", path);

  spng_ihdr header{};
  check_spng(spng_get_ihdr(ctx, &header), "read header", path);
  spng_trns transparency{};
  const bool has_transparency = has_chunk(spng_get_trns(ctx, &transparency), path);
  const Mapping mapping = map_format(header, has_transparency);

  ImageInfo info;
  info.format = FileFormat::Png;
  info.width = static_cast<int>(std::min<std::uint32_t>(header.width, INT32_MAX));
  info.height = static_cast<int>(std::min<std::uint32_t>(header.height, INT32_MAX));
  info.pixel_format = mapping.format;
  info.progressive = header.interlace_method != 0;

  std::vector<std::byte> icc;
  spng_iccp iccp{};
  if (has_chunk(spng_get_iccp(ctx, &iccp), path)) {
    const auto* profile = reinterpret_cast<const std::byte*>(iccp.profile);
    icc.assign(profile, profile + iccp.profile_len);
  }
  info.has_icc_profile = !icc.empty();
  spng_exif exif{};
  if (has_chunk(spng_get_exif(ctx, &exif), path)) {
    info.orientation =
        exif_orientation(reinterpret_cast<const unsigned char*>(exif.data), exif.length);
  }

  Metadata metadata = png_metadata(ctx);
  check_limits(info, info.progressive ? info.decode_bytes() : 0, options.limits, path);
  // Plain: the file's samples are tessera's, byte order aside (see png_image_data.h).
  const bool plain = !info.progressive && header.bit_depth >= 8 &&
                     header.color_type != SPNG_COLOR_TYPE_INDEXED && !has_transparency;
  auto decoder = std::make_unique<PngDecoder>(path, info, std::move(file), std::move(context),
                                              mapping.spng_format, std::move(icc),
                                              budget_of(options.limits), plain);
  decoder->set_metadata(std::move(metadata));
  return decoder;
}

}  // namespace tessera::codecs
