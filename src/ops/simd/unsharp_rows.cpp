// Unsharp masking's combine step with Highway, compiled for every SIMD target and picked at run
// time: samples widened to float lanes, combined, and narrowed back with saturation. The last
// few samples of a row run the same arithmetic in scalar code (not an overlapping vector: `out`
// may be `blurred`, already overwritten there).

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/unsharp_rows.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "ops/simd/unsharp_rows.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <typename Sample>
constexpr float kLargest = std::is_same_v<Sample, std::uint16_t> ? 65535.0f : 255.0f;

template <typename Sample>
Sample UnsharpSample(Sample in, Sample blurred, float gain, float limit) {
  const float value = static_cast<float>(in);
  const float difference = value - static_cast<float>(blurred);
  // A NaN difference is over any threshold: its NaN spreads, as through OpenCV's blur and
  // addWeighted (a test `> limit` left the NaN's whole window unsharpened).
  if (std::fabs(difference) <= limit) return in;
  const float sharpened = value + gain * difference;
  if constexpr (std::is_same_v<Sample, float>) {
    return sharpened;
  } else {
    return static_cast<Sample>(std::lrint(std::clamp(sharpened, 0.0f, kLargest<Sample>)));
  }
}

template <typename Sample>
void UnsharpRowOf(const Sample* in, const Sample* blurred, float gain, float limit, Sample* out,
                  std::size_t samples) {
  const hn::ScalableTag<float> d;
  const hn::Rebind<Sample, decltype(d)> ds;
  const hn::Rebind<std::int32_t, decltype(d)> di;
  const std::size_t lanes = hn::Lanes(d);
  const auto load = [&](const Sample* at) HWY_ATTR {
    if constexpr (std::is_same_v<Sample, float>) {
      return hn::LoadU(d, at);
    } else {
      return hn::ConvertTo(d, hn::PromoteTo(di, hn::LoadU(ds, at)));
    }
  };
  const auto gains = hn::Set(d, gain);
  const auto limits = hn::Set(d, limit);
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) {
    const auto value = load(in + i);
    const auto difference = hn::Sub(value, load(blurred + i));
    const auto sharpened = hn::Add(value, hn::Mul(gains, difference));
    const auto result = hn::IfThenElse(hn::Le(hn::Abs(difference), limits), value, sharpened);
    if constexpr (std::is_same_v<Sample, float>) {
      hn::StoreU(result, d, out + i);
    } else {
      const auto clamped = hn::Min(hn::Max(result, hn::Zero(d)), hn::Set(d, kLargest<Sample>));
      hn::StoreU(hn::DemoteTo(ds, hn::NearestInt(clamped)), ds, out + i);
    }
  }
  for (; i < samples; ++i) out[i] = UnsharpSample(in[i], blurred[i], gain, limit);
}

void UnsharpRowU8(const std::uint8_t* in, const std::uint8_t* blurred, float gain, float limit,
                  std::uint8_t* out, std::size_t samples) {
  UnsharpRowOf(in, blurred, gain, limit, out, samples);
}
void UnsharpRowU16(const std::uint16_t* in, const std::uint16_t* blurred, float gain, float limit,
                   std::uint16_t* out, std::size_t samples) {
  UnsharpRowOf(in, blurred, gain, limit, out, samples);
}
void UnsharpRowF32(const float* in, const float* blurred, float gain, float limit, float* out,
                   std::size_t samples) {
  UnsharpRowOf(in, blurred, gain, limit, out, samples);
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {

HWY_EXPORT(UnsharpRowU8);
HWY_EXPORT(UnsharpRowU16);
HWY_EXPORT(UnsharpRowF32);

void unsharp_row(const std::uint8_t* in, const std::uint8_t* blurred, float gain, float limit,
                 std::uint8_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(UnsharpRowU8)(in, blurred, gain, limit, out, samples);
}
void unsharp_row(const std::uint16_t* in, const std::uint16_t* blurred, float gain, float limit,
                 std::uint16_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(UnsharpRowU16)(in, blurred, gain, limit, out, samples);
}
void unsharp_row(const float* in, const float* blurred, float gain, float limit, float* out,
                 std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(UnsharpRowF32)(in, blurred, gain, limit, out, samples);
}

}  // namespace tessera::ops::simd
#endif
