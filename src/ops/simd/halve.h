#pragma once
// Halving an image in both directions by 2x2 means, vectorised (see halve.cpp). This is what
// cv::resize does for INTER_AREA and INTER_LINEAR at exactly half size, and what their
// weights reduce to: (a + b + c + d + 2) >> 2.

#include <cstddef>
#include <cstdint>

namespace tessera::ops::simd {

// out[x] (x < out_width pixels of `channels` samples) = the rounded mean of pixels 2x and
// 2x + 1 of rows `top` and `bottom`. next_top and next_bottom, if not null, are the rows the
// next call will read: they are fetched into cache on the way.
void halve_row(const std::uint8_t* top, const std::uint8_t* bottom, std::uint8_t* out,
               std::size_t out_width, int channels, const std::uint8_t* next_top,
               const std::uint8_t* next_bottom);
// The same for u16 (exact) and f32 ((a + b + c + d) * 0.25, summed in that order).
void halve_row(const std::uint16_t* top, const std::uint16_t* bottom, std::uint16_t* out,
               std::size_t out_width, int channels, const std::uint16_t* next_top,
               const std::uint16_t* next_bottom);
void halve_row(const float* top, const float* bottom, float* out, std::size_t out_width,
               int channels, const float* next_top, const float* next_bottom);

}  // namespace tessera::ops::simd
