// Thresholds with Highway, compiled for every SIMD target and picked at run time: one or two
// compares and one select per vector, on u8, u16 and f32 lanes alike.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/threshold_rows.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <type_traits>

#include "ops/simd/threshold_rows.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// x <= level: not above, except for NaN, which is neither (Highway 1.0 compares unsigned lanes
// with Gt only).
template <class V, class M>
HWY_INLINE M AtOrBelow(V x, V level, M above) {
  if constexpr (std::is_floating_point_v<hn::TFromV<V>>) {
    return hn::Le(x, level);
  } else {
    return hn::Not(above);
  }
}

template <typename Sample>
void ThresholdRowOf(const Sample* in, Sample* out, std::size_t samples, ThresholdType type,
                    Sample level, Sample max) {
  const hn::ScalableTag<Sample> d;
  const std::size_t lanes = hn::Lanes(d);
  const auto vlevel = hn::Set(d, level);
  const auto vmax = hn::Set(d, max);
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) {
    const auto x = hn::LoadU(d, in + i);
    const auto above = hn::Gt(x, vlevel);
    const auto at_or_below = AtOrBelow(x, vlevel, above);
    hn::Vec<decltype(d)> result;
    switch (type) {
      case ThresholdType::Binary:
        result = hn::IfThenElseZero(above, vmax);
        break;
      case ThresholdType::BinaryInverse:
        result = hn::IfThenElseZero(at_or_below, vmax);
        break;
      case ThresholdType::Truncate:
        result = hn::IfThenElse(at_or_below, x, vlevel);
        break;
      case ThresholdType::ToZero:
        result = hn::IfThenElseZero(above, x);
        break;
      case ThresholdType::ToZeroInverse:
        result = hn::IfThenElseZero(at_or_below, x);
        break;
    }
    hn::StoreU(result, d, out + i);
  }
  for (; i < samples; ++i) out[i] = threshold_sample(in[i], type, level, max);
}

void ThresholdRow8(const std::uint8_t* in, std::uint8_t* out, std::size_t samples,
                   ThresholdType type, std::uint8_t level, std::uint8_t max) {
  ThresholdRowOf(in, out, samples, type, level, max);
}
void ThresholdRow16(const std::uint16_t* in, std::uint16_t* out, std::size_t samples,
                    ThresholdType type, std::uint16_t level, std::uint16_t max) {
  ThresholdRowOf(in, out, samples, type, level, max);
}
void ThresholdRow32F(const float* in, float* out, std::size_t samples, ThresholdType type,
                     float level, float max) {
  ThresholdRowOf(in, out, samples, type, level, max);
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {
HWY_EXPORT(ThresholdRow8);
HWY_EXPORT(ThresholdRow16);
HWY_EXPORT(ThresholdRow32F);
void threshold_row(const std::uint8_t* in, std::uint8_t* out, std::size_t samples,
                   ThresholdType type, std::uint8_t level, std::uint8_t max) {
  HWY_DYNAMIC_DISPATCH(ThresholdRow8)(in, out, samples, type, level, max);
}
void threshold_row(const std::uint16_t* in, std::uint16_t* out, std::size_t samples,
                   ThresholdType type, std::uint16_t level, std::uint16_t max) {
  HWY_DYNAMIC_DISPATCH(ThresholdRow16)(in, out, samples, type, level, max);
}
void threshold_row(const float* in, float* out, std::size_t samples, ThresholdType type,
                   float level, float max) {
  HWY_DYNAMIC_DISPATCH(ThresholdRow32F)(in, out, samples, type, level, max);
}
}  // namespace tessera::ops::simd
#endif
