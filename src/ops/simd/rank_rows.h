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

// out[k][i] = the median of the 3x3 window around sample i of rows[k + 1], for k < outputs (1
// or 2): rows holds outputs + 2 whole rows of `samples` samples from top to bottom, `step`
// samples a pixel, the border replicated left and right. u8, u16 and float (NaNs count as the
// largest values). Two outputs at once share the work on the two rows in both windows.
// `ahead`, if not null, holds `outputs` rows (or nulls) the next call will take as its newest:
// they are fetched into cache on the way.
void median3x3_rows(const std::uint8_t* const* rows, int outputs, int step,
                    std::uint8_t* const* out, std::size_t samples,
                    const std::uint8_t* const* ahead);
void median3x3_rows(const std::uint16_t* const* rows, int outputs, int step,
                    std::uint16_t* const* out, std::size_t samples,
                    const std::uint16_t* const* ahead);
void median3x3_rows(const float* const* rows, int outputs, int step, float* const* out,
                    std::size_t samples, const float* const* ahead);

// out[i] = the median of rows[ky][kx * step + i] over the 5x5 window, where rows are padded
// rows starting at each window's left-most column. Types as median3x3_rows.
void median5x5_row(const std::uint8_t* const* rows, int step, std::uint8_t* out,
                   std::size_t samples);
void median5x5_row(const std::uint16_t* const* rows, int step, std::uint16_t* out,
                   std::size_t samples);
void median5x5_row(const float* const* rows, int step, float* out, std::size_t samples);

// The float medians' fast paths, each right only for windows without some samples, which it
// looks for in rows [check_from, ksize) as it goes and returns whether it saw one (then run the
// functions above, or a fast path that takes them, on the row instead). Bits compares the
// floats' bits as integers, twice the rate of float compares on a Zen 3, right where every
// sample is a non-negative number or +infinity (no -0, no NaN); Floats compares floats, right
// where no sample is a NaN. median3x3 looks at every sample of those rows (rows being the
// outputs + 2 of its window); median5x5, floats only, at least at each row's middle column,
// rows[k][2 * step + i], so a row's calls that make every output pixel of it (its interior and
// its padded ends) between them look at every sample.
enum class FloatFastPath { Bits, Floats };
bool median3x3_rows_unless(FloatFastPath path, const float* const* rows, int outputs, int step,
                           float* const* out, std::size_t samples, const float* const* ahead,
                           int check_from);
bool median5x5_row_unless_nan(const float* const* rows, int step, float* out, std::size_t samples,
                              int check_from);

}  // namespace tessera::ops::simd
