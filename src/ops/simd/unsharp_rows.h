#pragma once
// Unsharp masking's combine step, vectorised (see unsharp_rows.cpp): the sample pushed away
// from its blur, where the two differ by more than a threshold.

#include <cstddef>
#include <cstdint>

namespace tessera::ops::simd {

// out[i] = in[i] + gain * (in[i] - blurred[i]) where |in[i] - blurred[i]| > limit, else in[i],
// for i < samples, computed in float; u8 and u16 are clamped to their range and rounded to
// nearest (ties to even, as lrint), float is not clamped. `out` may be `blurred`.
void unsharp_row(const std::uint8_t* in, const std::uint8_t* blurred, float gain, float limit,
                 std::uint8_t* out, std::size_t samples);
void unsharp_row(const std::uint16_t* in, const std::uint16_t* blurred, float gain, float limit,
                 std::uint16_t* out, std::size_t samples);
void unsharp_row(const float* in, const float* blurred, float gain, float limit, float* out,
                 std::size_t samples);

}  // namespace tessera::ops::simd
