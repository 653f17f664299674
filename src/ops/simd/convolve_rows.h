#pragma once
// convolve's inner loops, vectorised (see convolve_rows.cpp).

#include <cstddef>
#include <cstdint>

namespace tessera::ops::simd {

// Integer kernels on integer samples: out[i] = saturate(round_half_even(sum / divisor +
// offset)), where sum is the exact integer sum over the kernel of
// weights[ky * width + kx] * rows[ky][kx * step + i], for i < samples. `rows` are padded rows
// starting at each window's left-most column.
void convolve_row(const std::uint8_t* const* rows, int step, const std::int32_t* weights, int width,
                  int height, double divisor, double offset, std::uint8_t* out,
                  std::size_t samples);
void convolve_row(const std::uint16_t* const* rows, int step, const std::int32_t* weights,
                  int width, int height, double divisor, double offset, std::uint16_t* out,
                  std::size_t samples);

// Any kernel, as cv::filter2D computes it in float: the sum starts at `offset` and adds
// weights[k] * sample for each non-zero weight in row-major order (multiply, then add: the same
// on every target); u8 and u16 round that half to even and saturate, f32 keeps it.
void convolve_row_float(const std::uint8_t* const* rows, int step, const float* weights, int width,
                        int height, float offset, std::uint8_t* out, std::size_t samples);
void convolve_row_float(const std::uint16_t* const* rows, int step, const float* weights, int width,
                        int height, float offset, std::uint16_t* out, std::size_t samples);
void convolve_row_float(const float* const* rows, int step, const float* weights, int width,
                        int height, float offset, float* out, std::size_t samples);

}  // namespace tessera::ops::simd
