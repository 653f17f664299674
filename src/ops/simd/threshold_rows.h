#pragma once
// Thresholds over u8 samples by comparison, vectorised (see threshold_rows.cpp): cheaper than
// a table lookup, and the same results.

#include <cstddef>
#include <cstdint>

#include "tessera/ops/tone.h"

namespace tessera::ops::simd {

// out[i] = cv::threshold's `type` of in[i] with threshold `level` (0..254: samples above it
// count as above) and maximum `max`, for i < samples. in == out is allowed.
void threshold_row(const std::uint8_t* in, std::uint8_t* out, std::size_t samples,
                   ThresholdType type, std::uint8_t level, std::uint8_t max);

}  // namespace tessera::ops::simd
