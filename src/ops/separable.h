#pragma once
// A separable neighbourhood pass over u8 images, strip by strip on all cores.
//
// For each strip of output rows, every input row it needs is padded left and right by the
// border rule, run through `horizontal` into a row of intermediate sums, and the output row is
// made by `vertical` from the 2 * radius_y + 1 intermediate rows around it. The intermediate
// rows live in a ring of that many rows, so each is computed once per strip and stays in cache
// until the last output row that needs it: a running strip holds (2 * radius_y + 1) rows of
// sums, whatever the image height.

#include <cstdint>
#include <vector>

#include "ops/op_support.h"

namespace tessera::ops::detail {

enum class Border {
  Reflect101,  // …dcb|abcd|cba… (OpenCV's BORDER_DEFAULT)
  Replicate,   // …aaa|abcd|ddd…
};

inline int border_index(Border border, int i, int n) {
  return border == Border::Reflect101 ? reflect101(i, n) : replicate(i, n);
}

// Copies row y of src into `padded` with radius_x pixels of border on each side.
void pad_row(ImageView src, int y, int radius_x, Border border, std::uint8_t* padded);

// Horizontal: (const uint8_t* padded_row, Sum* out, int samples) where padded_row points at the
// first pixel's left-most neighbour and `samples` = width * channels.
// Vertical: (const Sum* const* rows, int y, int samples) with rows[0..2*radius_y] the
// intermediate rows from y - radius_y to y + radius_y.
template <typename Sum, typename Horizontal, typename Vertical>
void separable_pass(ImageView src, int radius_x, int radius_y, Border border,
                    Horizontal&& horizontal, Vertical&& vertical) {
  const int width = src.width();
  const int height = src.height();
  const int channels = src.format().channels();
  const int samples = width * channels;
  const int window = 2 * radius_y + 1;
  const int min_rows = std::max(strip_rows(src.row_bytes()), 2 * radius_y + 8);
  parallel_rows(height, min_rows, [&](int first, int end) {
    std::vector<std::uint8_t> padded(static_cast<std::size_t>(width + 2 * radius_x) * channels);
    std::vector<Sum> ring(static_cast<std::size_t>(window) * samples);
    // Source row r (which may lie outside the image) goes to slot (r - top) % window.
    const int top = first - radius_y;
    auto slot = [&](int source_row) {
      return ring.data() + static_cast<std::size_t>((source_row - top) % window) * samples;
    };
    auto fill = [&](int source_row) {
      pad_row(src, border_index(border, source_row, height), radius_x, border, padded.data());
      horizontal(padded.data(), slot(source_row), samples);
    };
    for (int r = top; r < first + radius_y; ++r) fill(r);
    std::vector<const Sum*> window_rows(window);
    for (int y = first; y < end; ++y) {
      fill(y + radius_y);
      for (int k = 0; k < window; ++k) window_rows[k] = slot(y - radius_y + k);
      vertical(window_rows.data(), y, samples);
    }
  });
}

}  // namespace tessera::ops::detail
