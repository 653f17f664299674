#pragma once
// Canny's non-maximum suppression, one row at a time, vectorised (see canny_rows.cpp).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tessera::ops::simd {

// Per-pixel state of Canny's edge map.
inline constexpr std::uint8_t kCandidate = 0;  // a local maximum above `low`: an edge if connected
inline constexpr std::uint8_t kNotEdge = 1;
inline constexpr std::uint8_t kEdge = 2;   // a local maximum above `high`
inline constexpr std::uint8_t kGrown = 3;  // a candidate hysteresis connected to an edge

// Sobel 3x3 gradients of one 8-bit row, as cv::Sobel (and cv::Canny's aperture 3) computes
// them: gx = correlation with [-1 0 1] across and [1 2 1] down, gy the transpose. above, here
// and below are the rows y-1, y and y+1, each readable at index -1 and width (the border).
void sobel3_row(const std::uint8_t* above, const std::uint8_t* here, const std::uint8_t* below,
                std::size_t width, std::int16_t* gx, std::int16_t* gy);

// One row of gradients with the magnitudes of its neighbours. above, here and below hold a
// zero at index -1 and at index width.
struct GradientRow {
  const std::int32_t* above;
  const std::int32_t* here;
  const std::int32_t* below;
  const std::int16_t* gx;
  const std::int16_t* gy;
  int width;
  std::int32_t low, high;
};

// Writes out[-1..width] (the map row with its frame): kEdge where the magnitude is a maximum
// along the gradient direction (OpenCV's four sectors, in its fixed point) and above `high`,
// kCandidate where such a maximum is above `low` only, kNotEdge elsewhere.
void suppress_row(const GradientRow& row, std::uint8_t* out);

// The index of the first kEdge in row[from..width), or width if there is none: where
// hysteresis starts growing. A vector of map bytes is one compare.
std::size_t next_edge(const std::uint8_t* row, std::size_t from, std::size_t width);

}  // namespace tessera::ops::simd
