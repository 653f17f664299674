#pragma once
// Rank filters' inner loops, vectorised (see rank_rows.cpp): minimum and maximum across a
// padded row and down a window of rows (erode, dilate), and medians of k x k neighbourhoods.

#include <cstddef>
#include <cstdint>

namespace tessera::ops::simd {

enum class Extreme { Minimum, Maximum };

// out[i] = the minimum or maximum of in[t * step + i] over t < taps, for i < samples.
void extreme_row(const std::uint8_t* in, int step, int taps, Extreme extreme, std::uint8_t* out,
                 std::size_t samples);

// out[i] = the minimum or maximum of rows[k][i] over k < taps.
void extreme_column(const std::uint8_t* const* rows, int taps, Extreme extreme, std::uint8_t* out,
                    std::size_t samples);

// out[i] = the median of rows[ky][kx * step + i] over the ksize x ksize window (ksize 3 or 5),
// where rows are padded rows starting at each window's left-most column. u16 and float too (in
// a float window, NaNs count as the largest values: `any_nan` says whether the window's rows
// hold one, which takes a slower path).
void median_row(const std::uint8_t* const* rows, int ksize, int step, std::uint8_t* out,
                std::size_t samples);
void median_row(const std::uint16_t* const* rows, int ksize, int step, std::uint16_t* out,
                std::size_t samples);
void median_row(const float* const* rows, int ksize, int step, float* out, std::size_t samples,
                bool any_nan);

// Whether any of `count` floats is a NaN.
bool any_nan(const float* samples, std::size_t count);

}  // namespace tessera::ops::simd
