// Palette quantisation on libimagequant: every handle owned from the line that makes it, every
// liq_error turned into a tessera::Error.

#include "codecs/quantise.h"

#include <fmt/format.h>
#include <libimagequant.h>

#include <algorithm>
#include <climits>
#include <memory>

#include "codecs/row_conversion.h"
#include "core/fault_injection.h"

namespace tessera::codecs {
namespace {

struct AttrDeleter {
  void operator()(liq_attr* attr) const { liq_attr_destroy(attr); }
};
struct ImageDeleter {
  void operator()(liq_image* image) const { liq_image_destroy(image); }
};
struct ResultDeleter {
  void operator()(liq_result* result) const { liq_result_destroy(result); }
};

std::string_view reason(liq_error error) {
  switch (error) {
    case LIQ_OK:
      return "no error";
    case LIQ_QUALITY_TOO_LOW:
      return "quality too low";
    case LIQ_VALUE_OUT_OF_RANGE:
      return "a value out of range";
    case LIQ_OUT_OF_MEMORY:
      return "out of memory";
    case LIQ_ABORTED:
      return "aborted";
    case LIQ_BITMAP_NOT_AVAILABLE:
      return "bitmap not available";
    case LIQ_BUFFER_TOO_SMALL:
      return "buffer too small";
    case LIQ_INVALID_POINTER:
      return "invalid pointer";
    case LIQ_UNSUPPORTED:
      return "unsupported";
  }
  return "unknown error";
}

void check(liq_error error, std::string_view step, const ErrorContext& context) {
  if (error == LIQ_OK) return;
  throw Error(error == LIQ_OUT_OF_MEMORY ? ErrorCode::OutOfMemory : ErrorCode::Internal,
              fmt::format("libimagequant could not {}: {}", step, reason(error)), context);
}

// libimagequant refuses images of more pixels than this (its float copy is indexed by int).
constexpr long long kMostPixels = INT_MAX / 16;

}  // namespace

PaletteRows::PaletteRows(int width, int height, std::string_view label)
    : pixels_(Image::create(width, height, PixelFormat::rgba8(), {.label = label})) {}

void PaletteRows::add(const ImageView& rows, int first_row) {
  const MutableImageView target = pixels_.mutable_view();
  for (int y = 0; y < rows.height(); ++y) {
    convert_row_to_u8(rows.row(y), rows.format(), rows.width(), ChannelLayout::Rgba,
                      target.row<std::uint8_t>(first_row + y));
  }
}

void check_quantisable(int width, int height, const QuantiseOptions& options,
                       const ErrorContext& context) {
  if (options.colors < 2 || options.colors > 256) {
    throw Error(
        ErrorCode::InvalidArgument,
        fmt::format("colors {} is not allowed: a palette holds 2..256 colours", options.colors),
        context);
  }
  if (!(options.dither >= 0.0 && options.dither <= 1.0)) {
    throw Error(
        ErrorCode::InvalidArgument,
        fmt::format("dither {} is not allowed: a level from 0 (none) to 1 (full)", options.dither),
        context);
  }
  if (static_cast<long long>(width) * height > kMostPixels) {
    throw Error(ErrorCode::ImageTooLarge,
                fmt::format("libimagequant quantises at most {} pixels; this image is {}x{}: "
                            "make it smaller, or write a format without a palette",
                            kMostPixels, width, height),
                context);
  }
}

PaletteImage quantise(Image rgba, const QuantiseOptions& options, const ErrorContext& context) {
  const int width = rgba.width();
  const int height = rgba.height();
  check_quantisable(width, height, options, context);
  const MutableImageView pixels = rgba.mutable_view();
  if (options.binary_alpha) {
    // All or nothing, as GIF stores it: every transparent pixel the same, so that they make one
    // entry, and the rest opaque.
    for (int y = 0; y < height; ++y) {
      auto* row = pixels.row<std::uint8_t>(y);
      for (int x = 0; x < width; ++x) {
        std::uint8_t* pixel = row + 4 * x;
        if (pixel[3] < 128) {
          pixel[0] = pixel[1] = pixel[2] = pixel[3] = 0;
        } else {
          pixel[3] = 255;
        }
      }
    }
  }

  // libimagequant's own allocations are not fault points: it recovers from some failures by
  // itself (a dithering map it then does without), which fault injection would take for a
  // swallowed error. Each call that can fail is one instead.
  const std::unique_ptr<liq_attr, AttrDeleter> attr(detail::inject_fault() ? nullptr
                                                                           : liq_attr_create());
  if (attr == nullptr) {
    throw Error(ErrorCode::OutOfMemory, "libimagequant could not start: out of memory", context);
  }
  check(liq_set_max_colors(attr.get(), options.colors), "take the number of colours", context);
  std::vector<void*> rows(static_cast<std::size_t>(height));
  for (int y = 0; y < height; ++y) rows[static_cast<std::size_t>(y)] = pixels.row(y);
  // Gamma 0: sRGB's, as pngquant gives it for a PNG without gAMA.
  std::unique_ptr<liq_image, ImageDeleter> image(
      detail::inject_fault()
          ? nullptr
          : liq_image_create_rgba_rows(attr.get(), rows.data(), width, height, 0));
  if (image == nullptr) {
    throw Error(ErrorCode::OutOfMemory, "libimagequant could not take the image: out of memory",
                context);
  }
  liq_result* made = nullptr;
  const liq_error quantised = detail::inject_fault()
                                  ? LIQ_OUT_OF_MEMORY
                                  : liq_image_quantize(image.get(), attr.get(), &made);
  const std::unique_ptr<liq_result, ResultDeleter> result(made);
  check(quantised, "choose a palette", context);
  check(liq_set_dithering_level(result.get(), static_cast<float>(options.dither)),
        "take the dithering level", context);

  PaletteImage out;
  out.indices = Image::create(width, height, PixelFormat::gray8(), {.label = "palette indices"});
  const MutableImageView indices = out.indices.mutable_view();
  std::vector<unsigned char*> index_rows(static_cast<std::size_t>(height));
  for (int y = 0; y < height; ++y) {
    index_rows[static_cast<std::size_t>(y)] = indices.row<std::uint8_t>(y);
  }
  check(detail::inject_fault()
            ? LIQ_OUT_OF_MEMORY
            : liq_write_remapped_image_rows(result.get(), image.get(), index_rows.data()),
        "map the pixels to the palette", context);
  image.reset();  // it reads the RGBA rows: gone before them
  rgba = {};

  // The palette as remapping left it (libimagequant refines it there), then reordered: entries
  // that are not opaque first; with binary_alpha, all those merged into one transparent entry.
  const liq_palette* palette = liq_get_palette(result.get());
  const int count = static_cast<int>(palette->count);
  std::array<std::uint8_t, 256> new_index{};
  std::vector<std::array<std::uint8_t, 4>> entries;
  for (const bool opaque : {false, true}) {
    for (int i = 0; i < count; ++i) {
      const liq_color colour = palette->entries[i];
      const bool transparent = options.binary_alpha ? colour.a < 128 : colour.a < 255;
      if (transparent == opaque) continue;
      if (options.binary_alpha && transparent) {
        if (out.transparent < 0) {
          out.transparent = static_cast<int>(entries.size());
          entries.push_back({0, 0, 0, 0});
        }
        new_index[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(out.transparent);
        continue;
      }
      new_index[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(entries.size());
      entries.push_back(
          {colour.r, colour.g, colour.b, options.binary_alpha ? std::uint8_t{255} : colour.a});
    }
  }
  out.palette = std::move(entries);
  for (int y = 0; y < height; ++y) {
    auto* row = indices.row<std::uint8_t>(y);
    for (int x = 0; x < width; ++x) row[x] = new_index[row[x]];
  }
  return out;
}

std::size_t quantise_working_bytes(int width, int height) {
  const std::size_t pixels = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  // Tracked: the RGBA rows and the indices (5 bytes a pixel). libimagequant's own: up to 2^22
  // pixels a float copy of the image (16 bytes a pixel) and its edge and dithering maps, above
  // that it converts row by row (its LIQ_HIGH_MEMORY_LIMIT); the histogram and the dithering's
  // error rows are a few MiB. Measured as peak RSS less tessera's tracked peak and less a
  // plain PNG convert's: 10 MiB at 0.56 MP, 34 at 2.1 MP, 6 at 4.4 MP, 15 at 8.3 MP (17, 16.5,
  // 1.4 and 1.8 bytes a pixel); rounded up.
  constexpr std::size_t kFloatCopyPixels = std::size_t{1} << 22;
  const std::size_t own = (pixels <= kFloatCopyPixels ? 18 : 3) * pixels + (std::size_t{8} << 20);
  return 5 * pixels + own;
}

std::string_view quantiser_version() { return LIQ_VERSION_STRING; }

}  // namespace tessera::codecs
