#pragma once
// Luma of 8-bit RGB or RGBA rows, vectorised (see luma_rows.cpp).

#include <cstddef>
#include <cstdint>

namespace tessera::ops::simd {

// OpenCV 4's BT.601 weights for cvtColor(RGB2GRAY) on 8-bit data: 0.299, 0.587, 0.114 scaled
// by 2^15 and rounded (they sum to 2^15). OpenCV 3 used 14 bits, which differs on ~0.3% of
// pixels; the reference test pins this down with random colours.
inline constexpr std::uint32_t kLumaRed = 9798;
inline constexpr std::uint32_t kLumaGreen = 19235;
inline constexpr std::uint32_t kLumaBlue = 3735;
inline constexpr int kLumaShift = 15;

inline std::uint8_t luma(const std::uint8_t* rgb) {
  return static_cast<std::uint8_t>(
      (rgb[0] * kLumaRed + rgb[1] * kLumaGreen + rgb[2] * kLumaBlue + (1u << (kLumaShift - 1))) >>
      kLumaShift);
}

// dst[x] = luma of pixel x of `src` (3 or 4 channels), for x < width.
void luma_row(const std::uint8_t* src, std::uint8_t* dst, std::size_t width, int channels);

}  // namespace tessera::ops::simd
