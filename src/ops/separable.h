#pragma once
// A separable neighbourhood pass over images of any sample type (u8 by default; u16 and float
// pass their own sample type), strip by strip on all cores.
//
// For each strip of output rows, every input row it needs is padded left and right by the
// border rule, run through `horizontal` into a row of intermediate sums, and the output row is
// made by `vertical` from the 2 * radius_y + 1 intermediate rows around it. The intermediate
// rows live in a ring of that many rows, so each is computed once per strip and stays in cache
// until the last output row that needs it: a running strip holds (2 * radius_y + 1) rows of
// sums, whatever the image height.

#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "ops/op_support.h"
#include "ops/parallel.h"

namespace tessera::ops::detail {

enum class Border {
  Reflect101,  // …dcb|abcd|cba… (OpenCV's BORDER_DEFAULT)
  Replicate,   // …aaa|abcd|ddd…
};

inline int border_index(Border border, int i, int n) {
  return border == Border::Reflect101 ? reflect101(i, n) : replicate(i, n);
}

// Copies row y of src into `padded` with radius_x pixels of border on each side; `Sample` is
// src's sample type.
template <typename Sample = std::uint8_t>
void pad_row(ImageView src, int y, int radius_x, Border border, Sample* padded) {
  const int width = src.width();
  const int channels = src.format().channels();
  const std::size_t pixel = sizeof(Sample) * channels;
  const Sample* row = src.row<Sample>(y);
  std::memcpy(padded + radius_x * channels, row, src.row_bytes());
  for (int i = 1; i <= radius_x; ++i) {
    const int left = border_index(border, -i, width);
    const int right = border_index(border, width - 1 + i, width);
    std::memcpy(padded + (radius_x - i) * channels, row + left * channels, pixel);
    std::memcpy(padded + (radius_x + width - 1 + i) * channels, row + right * channels, pixel);
  }
}

// Copies pixels [from, from + count) of a `width`-pixel row into `out`, indices outside the
// row mapped by the border rule: a padded piece of a row, without padding the whole row.
// A pixel is one to four samples, copied one by one: a memcpy of a size known only at run time
// is a library call per pixel.
template <typename Sample>
void copy_padded(const Sample* row, int width, int channels, int from, int count, Border border,
                 Sample* out) {
  for (int i = 0; i < count; ++i) {
    const Sample* pixel = row + border_index(border, from + i, width) * channels;
    for (int c = 0; c < channels; ++c) out[i * channels + c] = pixel[c];
  }
}

// Runs a row kernel over row y of src as if the row were padded by radius_x pixels each side,
// without copying it: kernel(in, first_pixel, pixels) must make output pixels
// first_pixel .. first_pixel + pixels - 1 from `in`, which points at the left-most neighbour of
// the first of them. The interior reads the row in place; only the radius_x pixels at each end
// read a small padded copy (`edge`, with room for 3 * radius_x pixels). A row narrower than
// 2 * radius_x + 1 is padded whole into `whole` (room for width + 2 * radius_x pixels).
template <typename Sample = std::uint8_t, typename Kernel>
void for_row_padded(ImageView src, int y, int radius_x, Border border, Sample* edge, Sample* whole,
                    Kernel&& kernel) {
  const int width = src.width();
  const int channels = src.format().channels();
  const Sample* row = src.row<Sample>(y);
  if (radius_x == 0) {
    kernel(row, 0, width);
    return;
  }
  if (width < 2 * radius_x + 1) {
    pad_row(src, y, radius_x, border, whole);
    kernel(whole, 0, width);
    return;
  }
  kernel(row, radius_x, width - 2 * radius_x);
  copy_padded(row, width, channels, -radius_x, 3 * radius_x, border, edge);
  kernel(edge, 0, radius_x);
  copy_padded(row, width, channels, width - 2 * radius_x, 3 * radius_x, border, edge);
  kernel(edge, width - radius_x, radius_x);
}

// Horizontal: (const Sample* padded_row, Sum* out, int samples) where padded_row points at the
// first pixel's left-most neighbour and `samples` = width * channels; Sample is src's sample
// type (uint8_t, uint16_t or float).
// Vertical: (const Sum* const* rows, int y, int samples) with rows[0..2*radius_y] the
// intermediate rows from y - radius_y to y + radius_y; or, for a vertical pass that needs a row
// of sums before it writes row y in another type, (rows, y, samples, Sum* scratch) with scratch
// a row of `samples` Sums of the strip's own.
template <typename Sum, typename Sample = std::uint8_t, typename Horizontal, typename Vertical>
void separable_pass(ImageView src, int radius_x, int radius_y, Border border,
                    Horizontal&& horizontal, Vertical&& vertical) {
  const int width = src.width();
  const int height = src.height();
  const int channels = src.format().channels();
  const int samples = width * channels;
  const int window = 2 * radius_y + 1;
  // Each strip computes 2 * radius_y rows of sums beyond its own. TBB splits the rows into
  // strips of min_rows / 2 to min_rows, so 40 * radius_y keeps that extra work under a tenth
  // (strips of about 8 rows made a 5x5 f32 blur half as slow again), unless the image is too
  // short to give each core four strips; the ring of sums is the same size whatever the strip.
  const int min_rows = std::max({strip_rows(src.row_bytes()), 2 * radius_y + 8,
                                 std::min(40 * radius_y, four_strips_a_core(height))});
  parallel_rows(height, min_rows, [&](int first, int end) {
    // Scratch for the rows' padded ends (and whole rows, when narrow); every sum of the ring
    // is written before it is read, so neither is initialised.
    const auto edge = std::make_unique_for_overwrite<Sample[]>(
        static_cast<std::size_t>(3 * radius_x + 1) * channels);
    const auto whole = std::make_unique_for_overwrite<Sample[]>(
        static_cast<std::size_t>(width + 2 * radius_x) * channels);
    const auto ring =
        std::make_unique_for_overwrite<Sum[]>(static_cast<std::size_t>(window) * samples);
    // Source row r (which may lie outside the image) goes to slot (r - top) % window.
    const int top = first - radius_y;
    auto slot = [&](int source_row) {
      return ring.get() + static_cast<std::size_t>((source_row - top) % window) * samples;
    };
    auto fill = [&](int source_row) {
      Sum* const sums = slot(source_row);
      for_row_padded(src, border_index(border, source_row, height), radius_x, border, edge.get(),
                     whole.get(), [&](const Sample* in, int first_pixel, int pixels) {
                       horizontal(in, sums + first_pixel * channels, pixels * channels);
                     });
    };
    for (int r = top; r < first + radius_y; ++r) fill(r);
    std::vector<const Sum*> window_rows(window);
    constexpr bool kWantsScratch = std::is_invocable_v<Vertical, const Sum* const*, int, int, Sum*>;
    const auto scratch = std::make_unique_for_overwrite<Sum[]>(
        kWantsScratch ? static_cast<std::size_t>(samples) : 0);
    for (int y = first; y < end; ++y) {
      fill(y + radius_y);
      for (int k = 0; k < window; ++k) window_rows[k] = slot(y - radius_y + k);
      if constexpr (kWantsScratch) {
        vertical(window_rows.data(), y, samples, scratch.get());
      } else {
        vertical(window_rows.data(), y, samples);
      }
    }
  });
}

}  // namespace tessera::ops::detail
