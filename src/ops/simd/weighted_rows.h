#pragma once
// The inner loops of the separable filters, vectorised (see weighted_rows.cpp): weighted sums
// across a padded row and down a window of rows, in the integer widths OpenCV uses, so the
// results stay bit-identical to its fixed-point kernels.

#include <cstddef>
#include <cstdint>

namespace tessera::ops::simd {

// out[i] = sum over t < taps of weights[t] * in[t * step + i], for i < samples, in 16-bit
// arithmetic (exact whenever the true sum fits, as it does for every kernel tessera builds).
// `in` is a padded row: in[t * step + i] is tap t of sample i.
void weighted_row(const std::uint8_t* in, int step, const std::uint16_t* weights, int taps,
                  std::uint16_t* out, std::size_t samples);
void weighted_row(const std::uint8_t* in, int step, const std::int16_t* weights, int taps,
                  std::int16_t* out, std::size_t samples);

// out[i] = (sum over k < taps of weights[k] * rows[k][i] + rounding) >> shift, for i < samples,
// in 32-bit arithmetic, saturated to 8 bits.
void weighted_column(const std::uint16_t* const* rows, const std::uint32_t* weights, int taps,
                     std::uint32_t rounding, int shift, std::uint8_t* out, std::size_t samples);

// The same in 16-bit arithmetic, twice the lanes: exact while every sum plus rounding is below
// 2^16 (the caller's proof), and the shifted result below 256.
void weighted_column(const std::uint16_t* const* rows, const std::uint16_t* weights, int taps,
                     std::uint16_t rounding, int shift, std::uint8_t* out, std::size_t samples);

// out[i] = sum over k < taps of weights[k] * rows[k][i], in 32-bit arithmetic (resize's
// fixed-point weights; exact while the sums fit).
void weighted_column(const std::uint8_t* const* rows, const std::int32_t* weights, int taps,
                     std::int32_t* out, std::size_t samples);

// out[i] = clamp((sum over k < taps of weights[k] * rows[k][i] + rounding) >> shift, 0, 255) in
// 32-bit arithmetic: lanczos3's vertical pass, rounded as Pillow rounds it.
void weighted_column(const std::uint8_t* const* rows, const std::int32_t* weights, int taps,
                     std::int32_t rounding, int shift, std::uint8_t* out, std::size_t samples);

// out[i] = sum over k < taps of weights[k] * rows[k][i], in 16-bit arithmetic.
void weighted_column(const std::int16_t* const* rows, const std::int16_t* weights, int taps,
                     std::int16_t* out, std::size_t samples);

// u16 rows, as OpenCV's bit-exact CV_16U Gaussian sums them: out[i] = sum over t < taps of
// weights[t] * in[t * step + i] in 32 bits (exact while the weights sum to at most 2^16), and
// out[i] = min((sum over k < taps of weights[k] * rows[k][i] + 2^31) >> 32, 65535) in 64 bits.
void weighted_row(const std::uint16_t* in, int step, const std::uint32_t* weights, int taps,
                  std::uint32_t* out, std::size_t samples);
void weighted_column(const std::uint32_t* const* rows, const std::uint32_t* weights, int taps,
                     std::uint16_t* out, std::size_t samples);

// Float rows: out[i] = sum over t < taps of weights[t] * in[t * step + i] (a padded row), and
// out[i] = sum over k < taps of weights[k] * rows[k][i], summed in float from the first tap.
void weighted_row(const float* in, int step, const float* weights, int taps, float* out,
                  std::size_t samples);
// The same for an odd kernel that is symmetric (a Gaussian), one multiply per pair of taps:
// out[i] = w[r] * tap r + sum over t < r of w[t] * (tap t + tap taps-1-t), r = taps / 2, added
// in that order (cv::GaussianBlur's for CV_32F). `weights` must be symmetric.
void symmetric_row(const float* in, int step, const float* weights, int taps, float* out,
                   std::size_t samples);
// Rows a vertical pass fetches into cache while it works, each at least as long as its output:
// the source row the next horizontal pass reads, and the output row the next vertical pass
// writes (fetched for writing). A separable pass otherwise waits on memory in turns, reading a
// new source row in its horizontal pass and then fetching each output line before writing it
// in its vertical one; fetching both a row ahead made a 5x5 f32 blur of 1080p RGB 0.8x the time.
struct RowsAhead {
  const float* read;
  const float* write;
};
// `ahead`: null, or rows to fetch on the way.
void symmetric_column(const float* const* rows, const float* weights, int taps, float* out,
                      std::size_t samples, const RowsAhead* ahead);
// The same across a padded u16 row, each sample widened to float (exact) before it is weighted.
void weighted_row(const std::uint16_t* in, int step, const float* weights, int taps, float* out,
                  std::size_t samples);
void weighted_column(const float* const* rows, const float* weights, int taps, float* out,
                     std::size_t samples);

// out[i] = in[i] rounded to nearest, ties to even (cvRound), saturated to 0..65535.
void round_to_u16(const float* in, std::uint16_t* out, std::size_t samples);

// The mean of a box from its row sums, with cv::blur's rounding: out[i] =
// ((sum + bias) * multiplier) >> 23 where sum = rows[0][i] + ... + rows[taps-1][i].
// Needs sum + bias < 2^17 and multiplier < 2^20 (boxes of up to 256 pixels).
void box_mean_fixed(const std::uint16_t* const* rows, int taps, std::uint32_t bias,
                    std::uint32_t multiplier, std::uint8_t* out, std::size_t samples);
// The same for larger boxes, in float: out[i] = round-to-even(sum * scale), saturated.
void box_mean_float(const std::uint16_t* const* rows, int taps, float scale, std::uint8_t* out,
                    std::size_t samples);

// out[i] = min(|in[i]|, 255): OpenCV's convertScaleAbs of a CV_16S derivative.
void absolute_u8(const std::int16_t* in, std::uint8_t* out, std::size_t samples);

// out[i] = |gx[i]| + |gy[i]| (l2 false) or gx[i]^2 + gy[i]^2 (l2 true): Canny's magnitude.
void gradient_magnitude(const std::int16_t* gx, const std::int16_t* gy, bool l2, std::int32_t* out,
                        std::size_t samples);

}  // namespace tessera::ops::simd
