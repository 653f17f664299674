#pragma once
// Canny in two phases, so that its input can arrive in bands of rows (the pipeline streams it):
// non-maximum suppression of each band into the edge map, then hysteresis over the whole map.
// The map, one byte per pixel with a one-pixel frame, is the only whole-image buffer; the
// edges are written over it at the end and returned as a region of it.
//
//   detail::CannyMap map(width, height, 50, 150, 3, GradientNorm::L1, {}, site);
//   map.suppress(band, band_top, first, end);   // as bands arrive, in any order, and
//                                               // disjoint ones from several threads at once
//   Image edges = map.finish();

#include <cstdint>
#include <source_location>
#include <vector>

#include "tessera/image.h"
#include "tessera/ops/filters.h"

namespace tessera::ops::detail {

class CannyMap {
 public:
  CannyMap(int width, int height, double low, double high, int aperture, GradientNorm norm,
           AllocationOptions options, const std::source_location& site);

  // Input rows a band needs beyond its own on each side (the gradient kernel's reach, plus the
  // row the maximum test compares with).
  int rows_around() const;
  // Suppresses rows [first, end) of the map from `window`, which holds input rows window_top ..
  // window_top + window.height() - 1: at least rows_around() beyond [first, end) on each side,
  // as far as the image goes.
  void suppress(ImageView window, int window_top, int first, int end);
  // Hysteresis over the whole map, then the edges as 0/255 (a region of the map).
  Image finish();

 private:
  std::uint8_t* map(int y);

  int width_, height_;
  bool l2_;
  std::int32_t low_ = 0, high_ = 0;
  std::vector<std::int16_t> smooth_, derive_;
  Image map_;
};

}  // namespace tessera::ops::detail
