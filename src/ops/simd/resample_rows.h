#pragma once
// Resampling a row across, vectorised (see resample_rows.cpp): with fixed-point weights, the
// horizontal pass of lanczos3 on u8, whose taps (13 at half size) make the per-sample scalar
// loop the costliest part of a resize; with float weights, that of every kernel on u16 and f32.

#include <cstddef>
#include <cstdint>

namespace tessera::ops::simd {

// How far a row and the weights must be readable past their ends, in pixels and in weights.
inline constexpr int kResamplePadding = 16;

// For x < out_width and c < channels:
//   out[x * channels + c] = clamp((sum over t < taps of weights[x * stride + t] *
//                                  in[(first[x] + t) * step + c] + 2^(bits - 1)) >> bits, 0, 255)
// `in` holds pixels of `step` samples (1, 2 or 4; RGB is widened to 4 so that a pixel is a
// group of lanes) and is readable, zero or not, for kResamplePadding pixels past
// first[x] + taps. `weights` has `stride` entries per output (a multiple of kResamplePadding,
// zeros past the taps) and kResamplePadding more readable at the end.
void resample_row(const std::uint8_t* in, int step, int channels, const std::int32_t* weights,
                  int taps, int stride, const int* first, int out_width, int bits,
                  std::uint8_t* out);

// Float rows: for x < out_width and c < channels,
//   out[x * channels + c] = sum over t < taps of weights[x * taps + t] * in[(first[x] + t) *
//                           channels + c], summed from t = 0 in float (the same on every target).
// `in` holds in_width pixels; with 3 channels `out` must be writable one float past its end.
void resample_row(const float* in, int in_width, int channels, const float* weights, int taps,
                  const int* first, int out_width, float* out);

}  // namespace tessera::ops::simd
