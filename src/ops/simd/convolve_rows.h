#pragma once
// convolve's inner loop for integer kernels, vectorised (see convolve_rows.cpp).

#include <cstddef>
#include <cstdint>

namespace tessera::ops::simd {

// out[i] = saturate(round_half_even(sum / divisor + offset)), where sum is the exact integer
// sum over the kernel of weights[ky * width + kx] * rows[ky][kx * step + i], for i < samples.
// `rows` are padded rows starting at each window's left-most column.
void convolve_row(const std::uint8_t* const* rows, int step, const std::int32_t* weights, int width,
                  int height, double divisor, double offset, std::uint8_t* out,
                  std::size_t samples);

}  // namespace tessera::ops::simd
