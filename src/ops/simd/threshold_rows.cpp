// Thresholds with Highway, compiled for every SIMD target and picked at run time: one compare
// and one select per vector.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/threshold_rows.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <algorithm>

#include "ops/simd/threshold_rows.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

std::uint8_t ThresholdScalar(std::uint8_t x, ThresholdType type, std::uint8_t level,
                             std::uint8_t max) {
  const bool above = x > level;
  switch (type) {
    case ThresholdType::Binary:
      return above ? max : 0;
    case ThresholdType::BinaryInverse:
      return above ? 0 : max;
    case ThresholdType::Truncate:
      return std::min(x, level);
    case ThresholdType::ToZero:
      return above ? x : 0;
    case ThresholdType::ToZeroInverse:
      return above ? 0 : x;
  }
  return x;
}

void ThresholdRow(const std::uint8_t* in, std::uint8_t* out, std::size_t samples,
                  ThresholdType type, std::uint8_t level, std::uint8_t max) {
  const hn::ScalableTag<std::uint8_t> d;
  const std::size_t lanes = hn::Lanes(d);
  const auto vlevel = hn::Set(d, level);
  const auto vmax = hn::Set(d, max);
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) {
    const auto x = hn::LoadU(d, in + i);
    const auto above = hn::Gt(x, vlevel);
    hn::Vec<decltype(d)> result;
    switch (type) {
      case ThresholdType::Binary:
        result = hn::IfThenElseZero(above, vmax);
        break;
      case ThresholdType::BinaryInverse:
        result = hn::IfThenZeroElse(above, vmax);
        break;
      case ThresholdType::Truncate:
        result = hn::Min(x, vlevel);
        break;
      case ThresholdType::ToZero:
        result = hn::IfThenElseZero(above, x);
        break;
      case ThresholdType::ToZeroInverse:
        result = hn::IfThenZeroElse(above, x);
        break;
    }
    hn::StoreU(result, d, out + i);
  }
  for (; i < samples; ++i) out[i] = ThresholdScalar(in[i], type, level, max);
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {
HWY_EXPORT(ThresholdRow);
void threshold_row(const std::uint8_t* in, std::uint8_t* out, std::size_t samples,
                   ThresholdType type, std::uint8_t level, std::uint8_t max) {
  HWY_DYNAMIC_DISPATCH(ThresholdRow)(in, out, samples, type, level, max);
}
}  // namespace tessera::ops::simd
#endif
