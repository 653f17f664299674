#pragma once
// Bilinear sampling along an output row of an affine warp (rotate by any angle), vectorised
// with gathers (see bilinear_rows.cpp). Fixed point as cv::warpAffine: positions in 1/32
// pixel, weights (32 - fx)(32 - fy) ... summing to 1024, rounded once.

#include <cstddef>
#include <cstdint>

namespace tessera::ops::simd {

struct BilinearSource {
  const std::uint8_t* data;  // row 0, pixel 0
  std::ptrdiff_t stride;     // bytes from one row to the next
  int width, height, channels;
  const std::uint8_t* fill;  // the background pixel, for samples outside
};

// Output pixel x of the row samples the source at ((row_x + across_x[x]) >> 5,
// (row_y + across_y[x]) >> 5) in 1/32 pixel. Writes whole vectors of pixels from `x`, as long as
// every pixel of a vector has its four neighbours inside the source, and returns where it
// stopped: `end`, or the first pixel of a vector it left to the caller (some neighbour outside,
// or fewer pixels left than a vector holds). Vectors whose pixels all have every neighbour
// outside are written with the fill. `out` points at pixel 0 of the row.
int bilinear_row(const BilinearSource& src, std::int32_t row_x, std::int32_t row_y,
                 const std::int32_t* across_x, const std::int32_t* across_y, int x, int end,
                 std::uint8_t* out);

}  // namespace tessera::ops::simd
