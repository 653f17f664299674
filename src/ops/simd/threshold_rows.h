#pragma once
// Thresholds by comparison, vectorised (see threshold_rows.cpp): cheaper than a table lookup,
// and the same results.

#include <cstddef>
#include <cstdint>

#include "tessera/ops/tone.h"

namespace tessera::ops::simd {

// cv::threshold's `type` of one sample, as OpenCV's vector lanes compute it: a sample is above
// `level` when x > level and at or below it when x <= level. NaN is neither (every type makes
// it 0, but trunc makes it `level`); on integers one of the two always holds.
template <typename Sample>
constexpr Sample threshold_sample(Sample x, ThresholdType type, Sample level, Sample max) {
  const bool above = x > level;
  const bool at_or_below = x <= level;
  switch (type) {
    case ThresholdType::Binary:
      return above ? max : Sample{0};
    case ThresholdType::BinaryInverse:
      return at_or_below ? max : Sample{0};
    case ThresholdType::Truncate:
      return at_or_below ? x : level;
    case ThresholdType::ToZero:
      return above ? x : Sample{0};
    case ThresholdType::ToZeroInverse:
      return at_or_below ? x : Sample{0};
  }
  return x;
}

// out[i] = threshold_sample(in[i], type, level, max) for i < samples. in == out is allowed.
void threshold_row(const std::uint8_t* in, std::uint8_t* out, std::size_t samples,
                   ThresholdType type, std::uint8_t level, std::uint8_t max);
void threshold_row(const std::uint16_t* in, std::uint16_t* out, std::size_t samples,
                   ThresholdType type, std::uint16_t level, std::uint16_t max);
void threshold_row(const float* in, float* out, std::size_t samples, ThresholdType type,
                   float level, float max);

}  // namespace tessera::ops::simd
