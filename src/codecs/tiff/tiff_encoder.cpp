// TIFF encoding on libtiff: strips or 256x256 tiles; no compression, deflate, LZW (both with
// horizontal differencing for integer samples) or JPEG (8-bit only); alpha as an unassociated
// extra sample; ICC. Strips stream row by row; tiles are written one row of tiles at a time.

#include <fmt/format.h>

#include <cstring>
#include <vector>

#include "codecs/file_io.h"
#include "codecs/tiff/tiff_codec.h"
#include "codecs/tiff/tiff_exif.h"
#include "codecs/tiff/tiff_handle.h"
#include "core/fault_injection.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

constexpr std::uint32_t kTileSize = 256;  // a multiple of 16, as TIFF requires

std::uint16_t compression_tag(TiffCompression compression) {
  switch (compression) {
    case TiffCompression::None:
      return COMPRESSION_NONE;
    case TiffCompression::Deflate:
      return COMPRESSION_ADOBE_DEFLATE;
    case TiffCompression::Lzw:
      return COMPRESSION_LZW;
    case TiffCompression::Jpeg:
      return COMPRESSION_JPEG;
  }
  return COMPRESSION_NONE;
}

// XMP (tag 700), Photoshop resources with IPTC (34377) and the resolution in inches, in the
// image's own directory, with EXIF's image tags (Make, Model, DateTime, ...) and the pointers to
// the EXIF and GPS directories written before it (tiff_exif.h).
void write_metadata(TIFF* tiff, const Metadata& metadata, const TiffExifDirectories& exif) {
  if (!metadata.xmp.empty()) {
    TIFFSetField(tiff, TIFFTAG_XMLPACKET, static_cast<std::uint32_t>(metadata.xmp.size()),
                 metadata.xmp.data());
  }
  if (!metadata.iptc.empty()) {
    TIFFSetField(tiff, TIFFTAG_PHOTOSHOP, static_cast<std::uint32_t>(metadata.iptc.size()),
                 metadata.iptc.data());
  }
  set_tiff_image_exif_tags(tiff, metadata.exif);
  if (exif.exif != 0) TIFFSetField(tiff, TIFFTAG_EXIFIFD, exif.exif);
  if (exif.gps != 0) TIFFSetField(tiff, TIFFTAG_GPSIFD, exif.gps);
  if (metadata.dpi_x > 0 && metadata.dpi_y > 0) {
    TIFFSetField(tiff, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
    TIFFSetField(tiff, TIFFTAG_XRESOLUTION, static_cast<float>(metadata.dpi_x));
    TIFFSetField(tiff, TIFFTAG_YRESOLUTION, static_cast<float>(metadata.dpi_y));
  }
}

class TiffEncoder final : public Encoder {
 public:
  TiffEncoder(const std::filesystem::path& path, int width, int height, PixelFormat format,
              const EncodeOptions& options)
      : Encoder(path, width, height, format), file_(path), tiled_(options.tiled) {
    const ErrorContext context{.path = path.string(), .operation = "encode"};
    // libjpeg inside libtiff takes one or three 8-bit channels: anything else is refused here
    // with what to do, not by libjpeg halfway through the first strip.
    if (options.tiff_compression == TiffCompression::Jpeg &&
        (format.sample != SampleType::U8 || format.has_alpha())) {
      throw Error(ErrorCode::InvalidArgument,
                  fmt::format("JPEG compression in TIFF takes 8-bit gray or RGB without alpha, not "
                              "{}: use deflate or lzw compression{}",
                              format.name(),
                              format.sample == SampleType::U8
                                  ? R"(, or drop the alpha first (-p "rgb" or -p "gray"))"
                                  : ""),
                  context);
    }
    tiff_ = std::make_unique<TiffHandle>(file_.stream(), path, "w", std::size_t{256} << 20);
    TIFF* tiff = tiff_->get();
    // First, while the image directory is still empty: libtiff writes a custom directory from
    // the current one (the file is still written once, front to back).
    const TiffExifDirectories exif = write_tiff_exif(tiff, options.metadata.exif);
    const bool colour = format.channels() >= 3;
    const bool jpeg = options.tiff_compression == TiffCompression::Jpeg;
    TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(width));
    TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(height));
    TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, static_cast<std::uint16_t>(format.channels()));
    TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE,
                 static_cast<std::uint16_t>(format.bytes_per_sample() * 8));
    TIFFSetField(tiff, TIFFTAG_SAMPLEFORMAT,
                 format.sample == SampleType::F32 ? SAMPLEFORMAT_IEEEFP : SAMPLEFORMAT_UINT);
    TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tiff, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
    TIFFSetField(tiff, TIFFTAG_COMPRESSION, compression_tag(options.tiff_compression));
    if (jpeg && colour) {
      // JPEG stores YCbCr; libtiff converts the RGB rows it is given.
      TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR);
      TIFFSetField(tiff, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
    } else {
      TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, colour ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
    }
    if (jpeg) TIFFSetField(tiff, TIFFTAG_JPEGQUALITY, options.quality);
    if ((options.tiff_compression == TiffCompression::Deflate ||
         options.tiff_compression == TiffCompression::Lzw) &&
        format.sample != SampleType::F32) {
      TIFFSetField(tiff, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
    }
    if (format.has_alpha()) {
      const std::uint16_t kind = EXTRASAMPLE_UNASSALPHA;
      TIFFSetField(tiff, TIFFTAG_EXTRASAMPLES, 1, &kind);
    }
    if (!options.icc_profile.empty()) {
      TIFFSetField(tiff, TIFFTAG_ICCPROFILE, static_cast<std::uint32_t>(options.icc_profile.size()),
                   options.icc_profile.data());
    }
    write_metadata(tiff, options.metadata, exif);
    if (tiled_) {
      TIFFSetField(tiff, TIFFTAG_TILEWIDTH, kTileSize);
      TIFFSetField(tiff, TIFFTAG_TILELENGTH, kTileSize);
      const std::size_t tile_row = format.bytes_per_pixel() * kTileSize;
      const std::size_t across = (static_cast<std::size_t>(width) + kTileSize - 1) / kTileSize;
      band_row_bytes_ = tile_row * across;
      band_ = memory::allocate(band_row_bytes_ * kTileSize, {.label = "TIFF tile row"});
      tile_ = memory::allocate(tile_row * kTileSize, {.label = "TIFF tile"});
      std::memset(band_.data(), 0, band_.size());
    } else {
      TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(tiff, 0));
      scratch_.resize(static_cast<std::size_t>(width) * format.bytes_per_pixel());
    }
  }

 private:
  void encode_rows(const ImageView& rows) override {
    for (int y = 0; y < rows.height(); ++y) {
      const auto row = static_cast<std::uint32_t>(rows_written() + y);
      if (tiled_) {
        std::memcpy(band_.data() + (row % kTileSize) * band_row_bytes_, rows.row(y),
                    rows.row_bytes());
        if (row % kTileSize == kTileSize - 1 || row + 1 == static_cast<std::uint32_t>(height())) {
          write_band(row / kTileSize * kTileSize);
        }
        continue;
      }
      // libtiff's predictor differences the row in place, so it gets a copy, never the
      // caller's pixels.
      std::memcpy(scratch_.data(), rows.row(y), rows.row_bytes());
      if (detail::inject_fault() || TIFFWriteScanline(tiff_->get(), scratch_.data(), row, 0) < 0) {
        throw tiff_->error(ErrorCode::Io, "cannot write a TIFF strip", "encode");
      }
    }
  }

  // Edge tiles are filled by repeating the last column and row, as libjpeg does for strips:
  // zeros would put a hard edge inside JPEG blocks (ringing into real pixels) and cost deflate.
  void pad_band(std::uint32_t band_top) {
    const std::size_t pixel = format().bytes_per_pixel();
    const std::size_t used = pixel * static_cast<std::size_t>(width());
    const std::uint32_t rows =
        std::min<std::uint32_t>(kTileSize, static_cast<std::uint32_t>(height()) - band_top);
    for (std::uint32_t y = 0; y < kTileSize; ++y) {
      std::byte* row = band_.data() + y * band_row_bytes_;
      if (y >= rows) std::memcpy(row, band_.data() + (rows - 1) * band_row_bytes_, band_row_bytes_);
      for (std::size_t x = used; x < band_row_bytes_; x += pixel)
        std::memcpy(row + x, row + used - pixel, pixel);
    }
  }

  void write_band(std::uint32_t band_top) {
    pad_band(band_top);
    const std::size_t tile_row = format().bytes_per_pixel() * kTileSize;
    for (std::uint32_t x = 0; x < static_cast<std::uint32_t>(width()); x += kTileSize) {
      for (std::uint32_t y = 0; y < kTileSize; ++y) {
        std::memcpy(tile_.data() + y * tile_row,
                    band_.data() + y * band_row_bytes_ + x / kTileSize * tile_row, tile_row);
      }
      if (detail::inject_fault() ||
          TIFFWriteTile(tiff_->get(), tile_.data(), x, band_top, 0, 0) < 0) {
        throw tiff_->error(ErrorCode::Io, "cannot write a TIFF tile", "encode");
      }
    }
  }

  void finish_encoding() override {
    tiff_->close();
    check_interrupt();
    file_.commit();
  }

  void check_output() const override { file_.throw_if_write_failed(); }

  AtomicOutputFile file_;
  std::unique_ptr<TiffHandle> tiff_;  // closed before file_, which then removes a partial file
  bool tiled_;
  memory::Buffer band_;
  memory::Buffer tile_;
  std::size_t band_row_bytes_ = 0;
  std::vector<std::byte> scratch_;  // one row, for strips
};

}  // namespace

std::unique_ptr<Encoder> open_tiff_encoder(const std::filesystem::path& path, int width, int height,
                                           PixelFormat format, const EncodeOptions& options) {
  return std::make_unique<TiffEncoder>(path, width, height, format, options);
}

}  // namespace tessera::codecs
