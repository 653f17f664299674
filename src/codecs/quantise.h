#pragma once
// Palette quantisation with libimagequant (as pngquant and libvips use it), for the encoders
// that store a palette: GIF always, PNG with EncodeOptions::palette.
//
// Quantising needs the whole image (libimagequant builds its histogram over every pixel, and
// Floyd-Steinberg dithering runs top to bottom over it), so an encoder gathers its rows as RGBA
// 8 bits in a PaletteRows, charged to the current budget like WebP's gathered rows, and
// quantises once all are in. 16-bit and float samples are brought to 8 bits first, gray is
// replicated to RGB, a missing alpha is opaque.
//
//   PaletteRows rows(width, height, "GIF rows to quantise");
//   rows.add(band, first_row);                      // as the rows come
//   const PaletteImage result = quantise(rows.take(), {.colors = 64, .dither = 1.0,
//                                        .binary_alpha = true}, context);
//   // result.palette: at most 64 RGBA entries; result.indices: one byte per pixel
//
// Not thread safe for one object; separate quantisations may run on separate threads.
// libimagequant's own memory (its float copy of the image, the histogram, the dithering's error
// rows) is outside tessera's accounting: quantise_working_bytes() says how much.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tessera/error.h"
#include "tessera/image.h"

namespace tessera::codecs {

struct QuantiseOptions {
  int colors = 256;     // at most this many palette entries, 2..256
  double dither = 1.0;  // Floyd-Steinberg dithering level, 0 (none) .. 1 (full, pngquant's)
  // GIF: alpha is all or nothing there. Pixels with alpha below 128 become one transparent
  // entry, the others opaque. Without it (PNG), entries keep libimagequant's alpha (tRNS).
  bool binary_alpha = false;
};

struct PaletteImage {
  // RGBA entries, those that are not opaque first (so PNG's tRNS is as short as it can be); at
  // most QuantiseOptions::colors of them, at least one.
  std::vector<std::array<std::uint8_t, 4>> palette;
  Image indices;  // gray8, width x height, each pixel's entry in `palette`
  // With binary_alpha: the transparent entry, -1 if no pixel is transparent.
  int transparent = -1;
};

// Rows of any pixel format gathered as RGBA 8 bits, for quantise().
class PaletteRows {
 public:
  PaletteRows(int width, int height, std::string_view label);
  // Converts `rows` into rows first_row.. of the gathered image.
  void add(const ImageView& rows, int first_row);
  // The gathered image, handed over (this object is empty after).
  Image take() { return std::move(pixels_); }

 private:
  Image pixels_;
};

// Throws Error before any work: InvalidArgument for colors outside 2..256 or a dither level
// outside 0..1 (naming the option), ImageTooLarge past what libimagequant takes (2^27 pixels).
// Encoders ask it when they open; quantise() asks it again.
void check_quantisable(int width, int height, const QuantiseOptions& options,
                       const ErrorContext& context);

// Quantises an rgba8 image. Throws Error: as check_quantisable, and OutOfMemory or Internal when
// libimagequant fails (its error said), with `context` naming the output. `rgba` is released as
// soon as libimagequant is done with it.
PaletteImage quantise(Image rgba, const QuantiseOptions& options, const ErrorContext& context);

// What quantise() allocates for a width x height image, tracked and not: the gathered RGBA rows
// and the indices (tracked, 5 bytes a pixel) and libimagequant's own (18 bytes a pixel up to 4
// megapixels, 3 above, + 8 MiB; measured: see the .cpp).
std::size_t quantise_working_bytes(int width, int height);

// libimagequant's version, as it reports it at run time ("2.17.0").
std::string_view quantiser_version();

}  // namespace tessera::codecs
