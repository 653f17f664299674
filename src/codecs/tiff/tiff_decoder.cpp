// TIFF decoding on libtiff. Common layouts (grey or RGB, with or without alpha; 8 or 16-bit
// integers or 32-bit floats; contiguous samples; strips or tiles, any compression libtiff
// reads) stream row by row, holding at most one row of tiles. Everything else libtiff can
// convert (palette, CMYK, YCbCr without JPEG, 1 to 12 bits, LogLuv...) goes through its
// TIFFRGBAImage interface into 8-bit RGB(A), which needs the whole image in memory. The page
// DecodeOptions::page asks for (the first by default) is decoded, with its own size, layout,
// tiles, ICC profile and metadata.

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "codecs/limits.h"
#include "codecs/tiff/tiff_codec.h"
#include "codecs/tiff/tiff_exif.h"
#include "codecs/tiff/tiff_handle.h"
#include "core/fault_injection.h"
#include "tessera/budget.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

// libtiff may allocate this much at once for a strip or tile; more is a hostile header.
constexpr std::size_t kMaxTiffAllocation = std::size_t{256} << 20;

struct Layout {
  std::uint32_t width = 0, height = 0;
  std::uint16_t samples = 1, bits = 1, sample_format = SAMPLEFORMAT_UINT;
  std::uint16_t photometric = PHOTOMETRIC_MINISBLACK, planar = PLANARCONFIG_CONTIG;
  std::uint16_t compression = COMPRESSION_NONE, orientation = ORIENTATION_TOPLEFT;
  std::uint16_t extra_samples = 0;
  bool associated_alpha = false;  // premultiplied: tessera's alpha is straight, so undo it
  bool tiled = false;
  std::uint32_t tile_width = 0, tile_height = 0;
};

Layout read_layout(TIFF* tiff) {
  Layout layout;
  TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &layout.width);
  TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &layout.height);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLESPERPIXEL, &layout.samples);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_BITSPERSAMPLE, &layout.bits);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLEFORMAT, &layout.sample_format);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_PLANARCONFIG, &layout.planar);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_COMPRESSION, &layout.compression);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_ORIENTATION, &layout.orientation);
  if (!TIFFGetField(tiff, TIFFTAG_PHOTOMETRIC, &layout.photometric)) {
    layout.photometric = layout.samples >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
  }
  std::uint16_t* kinds = nullptr;
  TIFFGetFieldDefaulted(tiff, TIFFTAG_EXTRASAMPLES, &layout.extra_samples, &kinds);
  layout.associated_alpha =
      layout.extra_samples > 0 && kinds != nullptr && kinds[0] == EXTRASAMPLE_ASSOCALPHA;
  layout.tiled = TIFFIsTiled(tiff) != 0;
  if (layout.tiled) {
    TIFFGetField(tiff, TIFFTAG_TILEWIDTH, &layout.tile_width);
    TIFFGetField(tiff, TIFFTAG_TILELENGTH, &layout.tile_height);
  }
  return layout;
}

// The pixel format the native path delivers, or nullopt if the RGBA fallback must do it.
std::optional<PixelFormat> native_format(const Layout& layout) {
  if (layout.planar != PLANARCONFIG_CONTIG) return std::nullopt;
  SampleType sample{};
  if (layout.sample_format == SAMPLEFORMAT_UINT && layout.bits == 8) {
    sample = SampleType::U8;
  } else if (layout.sample_format == SAMPLEFORMAT_UINT && layout.bits == 16) {
    sample = SampleType::U16;
  } else if (layout.sample_format == SAMPLEFORMAT_IEEEFP && layout.bits == 32) {
    sample = SampleType::F32;
  } else {
    return std::nullopt;
  }
  if (layout.photometric == PHOTOMETRIC_MINISBLACK && layout.samples <= 2) {
    return PixelFormat{layout.samples == 2 ? ChannelLayout::GrayAlpha : ChannelLayout::Gray,
                       sample};
  }
  if (layout.photometric == PHOTOMETRIC_RGB && (layout.samples == 3 || layout.samples == 4)) {
    return PixelFormat{layout.samples == 4 ? ChannelLayout::Rgba : ChannelLayout::Rgb, sample};
  }
  return std::nullopt;
}

// XMP (tag 700), Photoshop resources with IPTC (34377), the resolution, and EXIF from the image
// directory's tags and its EXIF and GPS directories (tiff_exif.h).
Metadata tiff_metadata(TIFF* tiff, const TiffHandle& handle) {
  Metadata metadata;
  if (!read_tiff_exif(tiff, metadata.exif)) {
    throw handle.error(ErrorCode::CorruptData,
                       "cannot return to the image's directory after reading its EXIF", "decode");
  }
  const auto blob = [tiff](ttag_t tag) {
    std::uint32_t length = 0;
    void* data = nullptr;
    if (!TIFFGetField(tiff, tag, &length, &data) || data == nullptr)
      return std::vector<std::byte>{};
    const auto* begin = static_cast<const std::byte*>(data);
    return std::vector<std::byte>(begin, begin + length);
  };
  metadata.xmp = blob(TIFFTAG_XMLPACKET);
  metadata.iptc = blob(TIFFTAG_PHOTOSHOP);
  float x = 0;
  float y = 0;
  std::uint16_t unit = RESUNIT_INCH;
  TIFFGetFieldDefaulted(tiff, TIFFTAG_RESOLUTIONUNIT, &unit);
  if (TIFFGetField(tiff, TIFFTAG_XRESOLUTION, &x) && TIFFGetField(tiff, TIFFTAG_YRESOLUTION, &y) &&
      x > 0 && y > 0 && (unit == RESUNIT_INCH || unit == RESUNIT_CENTIMETER)) {
    const double scale = unit == RESUNIT_CENTIMETER ? 2.54 : 1.0;
    metadata.dpi_x = x * scale;
    metadata.dpi_y = y * scale;
  }
  return metadata;
}

// A file's pages are its directories in the chain from the header (SubIFDs, such as a
// pyramid's reduced images, are not pages), as Pillow's seek() and libvips' page count them.
struct PageWalk {
  int count = 0;  // 0: not counted
  std::vector<ImageInfo::PageSize> sizes;
};

// Counts the pages with their sizes when options.count_frames asks (one pass down the chain:
// TIFFSetDirectory per page would walk it again each time), then makes the page asked for the
// current directory. A directory libtiff cannot read ends the count, as it ends the chain.
PageWalk select_page(TIFF* tiff, const DecodeOptions& options, const std::filesystem::path& path) {
  constexpr std::size_t kMaxListedSizes = 10000;
  PageWalk walk;
  const int page = options.page.value_or(0);
  if (options.count_frames) {
    do {
      ++walk.count;
      if (walk.sizes.size() < kMaxListedSizes) {
        std::uint32_t width = 0;
        std::uint32_t height = 0;
        TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &width);
        TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &height);
        walk.sizes.push_back({static_cast<int>(std::min<std::uint32_t>(width, INT32_MAX)),
                              static_cast<int>(std::min<std::uint32_t>(height, INT32_MAX))});
      }
    } while (walk.count < INT32_MAX && TIFFReadDirectory(tiff));
  } else if (page == 0) {
    return walk;
  }
  const int count =
      walk.count > 0 ? walk.count
                     : static_cast<int>(std::min<tdir_t>(TIFFNumberOfDirectories(tiff), INT32_MAX));
  if (page >= count) throw_missing_page(page, count, "page", path);
  if (!TIFFSetDirectory(tiff, static_cast<tdir_t>(page))) {
    throw Error(ErrorCode::CorruptData,
                fmt::format("not a valid TIFF: page {} cannot be read", page),
                {.path = path.string(), .operation = "read header"});
  }
  return walk;
}

class TiffDecoder final : public Decoder {
 public:
  TiffDecoder(const std::filesystem::path& path, const ImageInfo& info,
              std::unique_ptr<InputFile> file, std::unique_ptr<TiffHandle> tiff,
              const Layout& layout, bool native, std::vector<std::byte> icc_profile,
              MemoryBudget* budget)
      : Decoder(path, info),
        file_(std::move(file)),
        tiff_(std::move(tiff)),
        layout_(layout),
        native_(native),
        budget_(budget) {
    icc_profile_ = std::move(icc_profile);
    metadata_ = tiff_metadata(tiff_->get(), *tiff_);
  }

 private:
  // Tiles: the columns of the tiles the region touches, from the top of its first row of tiles.
  // Strips: every column, from the top of the strip holding the region's first row (libtiff
  // starts decoding a strip there: compressed strips have no random access). The fallback
  // converts the whole image anyway.
  Rect narrow_decoding(Rect region) override {
    if (!native_) return {0, 0, width(), height()};
    std::uint32_t rows_per_strip = 0;
    TIFFGetFieldDefaulted(tiff_->get(), TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
    const int strip_rows =
        static_cast<int>(std::clamp<std::uint32_t>(rows_per_strip, 1, layout_.height));
    const int top = region.y / strip_rows * strip_rows;
    Rect delivered{0, top, width(), height() - top};
    if (layout_.tiled) {
      const int tile_width = static_cast<int>(layout_.tile_width);
      const int tile_height = static_cast<int>(layout_.tile_height);
      const int right =
          std::min<std::int64_t>(width(), (std::int64_t{region.x} + region.width + tile_width - 1) /
                                              tile_width * std::int64_t{tile_width});
      delivered.x = region.x / tile_width * tile_width;
      delivered.width = right - delivered.x;
      delivered.y = region.y / tile_height * tile_height;
      delivered.height = height() - delivered.y;
    }
    first_column_ = static_cast<std::uint32_t>(delivered.x);
    first_row_ = static_cast<std::uint32_t>(delivered.y);
    set_output(delivered.width, delivered.height, format());
    return delivered;
  }

  void begin_decoding() override {
    if (native_) return;
    // The fallback: libtiff converts the whole image to 8-bit RGBA at once.
    char message[1024] = {};
    if (!TIFFRGBAImageOK(tiff_->get(), message)) {
      throw Error(ErrorCode::UnsupportedFormat,
                  fmt::format("a TIFF layout libtiff cannot convert: {}", message),
                  {.path = path().string(), .operation = "decode"});
    }
    raster_ = memory::allocate(std::size_t{4} * layout_.width * layout_.height,
                               {.label = "TIFF RGBA raster", .budget = budget_});
    if (detail::inject_fault() ||
        !TIFFReadRGBAImageOriented(tiff_->get(), layout_.width, layout_.height,
                                   reinterpret_cast<std::uint32_t*>(raster_.data()),
                                   ORIENTATION_TOPLEFT, 1)) {
      throw tiff_->error(ErrorCode::CorruptData, "not a valid TIFF: the image cannot be read",
                         "decode");
    }
  }

  void decode_rows(const MutableImageView& rows) override {
    for (int y = 0; y < rows.height(); ++y) {
      const auto row = first_row_ + static_cast<std::uint32_t>(rows_read() + y);
      if (!native_) {
        copy_from_raster(row, rows.row<std::uint8_t>(y));
      } else if (layout_.tiled) {
        copy_from_tiles(row, rows.row(y), rows.row_bytes());
      } else if (detail::inject_fault() ||
                 TIFFReadScanline(tiff_->get(), rows.row(y), row, 0) < 0) {
        const Error error = tiff_->error(ErrorCode::CorruptData,
                                         "not a valid TIFF: a strip cannot be read", "decode");
        if (fail_on() != FailOn::None) throw error;
        data_ended(rows_read() + y, error.message());
        fill_grey(rows, y);
        return;
      }
      if (native_ && layout_.associated_alpha) unpremultiply(rows.row(y));
    }
  }

  // Straight alpha from associated: colour x maximum / alpha, truncated and clipped, as Pillow
  // does (its TIFF reader is the reference test for this); colour 0 where alpha is 0.
  void unpremultiply(std::byte* row) const {
    const int channels = format().channels();
    const auto apply = [&](auto* samples, std::uint32_t maximum) {
      for (int x = 0; x < width(); ++x) {
        auto* pixel = samples + x * channels;
        const std::uint32_t alpha = pixel[channels - 1];
        for (int c = 0; c < channels - 1; ++c) {
          pixel[c] = alpha == 0 ? 0
                                : static_cast<std::remove_reference_t<decltype(pixel[c])>>(
                                      std::min<std::uint32_t>(maximum, pixel[c] * maximum / alpha));
        }
      }
    };
    if (format().sample == SampleType::U8) apply(reinterpret_cast<std::uint8_t*>(row), 255);
    if (format().sample == SampleType::U16) apply(reinterpret_cast<std::uint16_t*>(row), 65535);
  }

  // RGBA raster (bytes R, G, B, A in memory order) to the rows' layout; grey takes R (libtiff
  // gives grey images equal R, G and B).
  void copy_from_raster(std::uint32_t row, std::uint8_t* out) const {
    const auto* in = reinterpret_cast<const std::uint8_t*>(raster_.data()) +
                     std::size_t{4} * layout_.width * row;
    const int channels = format().channels();
    if (channels == 4) {
      std::memcpy(out, in, std::size_t{4} * layout_.width);
      return;
    }
    for (std::uint32_t x = 0; x < layout_.width; ++x) {
      switch (channels) {
        case 3:
          std::memcpy(out + x * 3, in + x * 4, 3);
          break;
        case 2:
          out[x * 2] = in[x * 4];
          out[x * 2 + 1] = in[x * 4 + 3];
          break;
        default:
          out[x] = in[x * 4];
          break;
      }
    }
  }

  // Tiled images: one row of tiles (those from first_column_ on that the delivered width
  // touches) is read into a band, rows are copied out of it.
  void copy_from_tiles(std::uint32_t row, std::byte* out, std::size_t row_bytes) {
    const std::uint32_t band_top = row / layout_.tile_height * layout_.tile_height;
    if (band_.empty() || band_top != band_top_) read_band(band_top);
    std::memcpy(out, band_.data() + (row - band_top) * band_row_bytes_, row_bytes);
  }

  void read_band(std::uint32_t band_top) {
    const std::size_t pixel = format().bytes_per_pixel();
    const std::size_t tile_row_bytes = pixel * layout_.tile_width;
    const std::uint32_t end_column = first_column_ + static_cast<std::uint32_t>(width());
    const std::uint32_t tiles_across =
        (static_cast<std::uint32_t>(width()) + layout_.tile_width - 1) / layout_.tile_width;
    band_row_bytes_ = tile_row_bytes * tiles_across;
    if (band_.empty()) {
      band_ = memory::allocate(band_row_bytes_ * layout_.tile_height,
                               {.label = "TIFF tile row", .budget = budget_});
      tile_ = memory::allocate(tile_row_bytes * layout_.tile_height,
                               {.label = "TIFF tile", .budget = budget_});
    }
    for (std::uint32_t x = first_column_; x < end_column; x += layout_.tile_width) {
      if (detail::inject_fault() ||
          TIFFReadTile(tiff_->get(), tile_.data(), x, band_top, 0, 0) < 0) {
        throw tiff_->error(ErrorCode::CorruptData, "not a valid TIFF: a tile cannot be read",
                           "decode");
      }
      for (std::uint32_t y = 0; y < layout_.tile_height; ++y) {
        std::memcpy(band_.data() + y * band_row_bytes_ + (x - first_column_) * pixel,
                    tile_.data() + y * tile_row_bytes, tile_row_bytes);
      }
    }
    band_top_ = band_top;
  }

  std::unique_ptr<InputFile> file_;
  std::unique_ptr<TiffHandle> tiff_;  // declared after file_: closed before the file is
  Layout layout_;
  bool native_;
  MemoryBudget* budget_;
  memory::Buffer raster_;  // the fallback's whole image
  memory::Buffer band_;    // one row of tiles
  memory::Buffer tile_;
  std::size_t band_row_bytes_ = 0;
  std::uint32_t band_top_ = 0;
  std::uint32_t first_column_ = 0;  // of the stored image: where delivered rows begin
  std::uint32_t first_row_ = 0;
};

}  // namespace

std::unique_ptr<Decoder> open_tiff_decoder(std::unique_ptr<InputFile> file,
                                           const std::filesystem::path& path,
                                           const DecodeOptions& options) {
  auto tiff = std::make_unique<TiffHandle>(file->stream(), path, "rm", kMaxTiffAllocation);
  const PageWalk pages = select_page(tiff->get(), options, path);
  Layout layout = read_layout(tiff->get());
  // JPEG-in-TIFF is stored as YCbCr; libtiff converts it to RGB for the native path.
  if (layout.compression == COMPRESSION_JPEG && layout.photometric == PHOTOMETRIC_YCBCR) {
    TIFFSetField(tiff->get(), TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
    layout.photometric = PHOTOMETRIC_RGB;
  }
  const std::optional<PixelFormat> native = native_format(layout);
  // A layout neither read natively nor convertible by libtiff (half or double floats, ...) is
  // refused with the headers, so that `info` and a batch say so before any decoding.
  char refusal[1024] = {};
  if (!native && !TIFFRGBAImageOK(tiff->get(), refusal)) {
    throw Error(ErrorCode::UnsupportedFormat,
                fmt::format("a TIFF layout libtiff cannot convert: {}", refusal),
                {.path = path.string(), .operation = "read header"});
  }

  // libtiff's conversion would read signed or complex samples as unsigned ones (-1 as white, a
  // silent wrong image): refused with the headers as well.
  if (!native && (layout.sample_format == SAMPLEFORMAT_INT ||
                  layout.sample_format == SAMPLEFORMAT_COMPLEXINT ||
                  layout.sample_format == SAMPLEFORMAT_COMPLEXIEEEFP)) {
    throw Error(
        ErrorCode::UnsupportedFormat,
        fmt::format("a TIFF of {} {}-bit samples, which tessera has no type for (it reads "
                    "unsigned 8- and 16-bit and 32-bit float samples): convert the file to "
                    "32-bit float first (numpy: array.astype(np.float32), written with "
                    "cv2.imwrite or tifffile)",
                    layout.sample_format == SAMPLEFORMAT_INT ? "signed" : "complex", layout.bits),
        {.path = path.string(), .operation = "read header"});
  }

  ImageInfo info;
  info.format = FileFormat::Tiff;
  info.page = options.page.value_or(0);
  info.pages = pages.count;
  info.page_sizes = pages.sizes;
  info.width = static_cast<int>(std::min<std::uint32_t>(layout.width, INT32_MAX));
  info.height = static_cast<int>(std::min<std::uint32_t>(layout.height, INT32_MAX));
  // The fallback keeps grey as grey (bilevel, 2 and 4-bit, 12-bit...): one channel, and alpha
  // when there is an extra sample.
  const bool grey =
      layout.photometric == PHOTOMETRIC_MINISBLACK || layout.photometric == PHOTOMETRIC_MINISWHITE;
  const bool alpha = layout.extra_samples > 0;
  info.pixel_format =
      native.value_or(grey ? (alpha ? PixelFormat::gray_alpha8() : PixelFormat::gray8())
                           : (alpha ? PixelFormat::rgba8() : PixelFormat::rgb8()));
  // The fallback hands libtiff the orientation to apply; the native path leaves it to read().
  info.orientation = native && layout.orientation <= 8 ? layout.orientation : 1;
  std::uint32_t icc_length = 0;
  void* icc_data = nullptr;
  std::vector<std::byte> icc;
  if (TIFFGetField(tiff->get(), TIFFTAG_ICCPROFILE, &icc_length, &icc_data) &&
      icc_data != nullptr) {
    icc.assign(static_cast<const std::byte*>(icc_data),
               static_cast<const std::byte*>(icc_data) + icc_length);
  }
  info.has_icc_profile = !icc.empty();

  std::size_t working = 0;
  if (!native) {
    working = std::size_t{4} * layout.width * layout.height;
  } else if (layout.tiled) {
    if (layout.tile_width == 0 || layout.tile_height == 0) {
      throw Error(ErrorCode::CorruptData, "not a valid TIFF: tiles of size 0",
                  {.path = path.string(), .operation = "read header"});
    }
    const std::size_t across = (layout.width + layout.tile_width - 1) / layout.tile_width + 1;
    working = across * layout.tile_width * layout.tile_height * native->bytes_per_pixel();
  }
  check_limits(info, working, options.limits, path);
  return std::make_unique<TiffDecoder>(path, info, std::move(file), std::move(tiff), layout,
                                       native.has_value(), std::move(icc),
                                       budget_of(options.limits));
}

}  // namespace tessera::codecs
