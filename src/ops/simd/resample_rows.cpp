// Fixed-point resampling across a row with Highway, compiled for every SIMD target and picked
// at run time. One output pixel at a time, a vector holds several consecutive input pixels
// (all their channels): the products of a tap-group are one multiply, and the groups are summed
// per channel at the end. Integer arithmetic, so results never depend on the target.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/resample_rows.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <algorithm>
#include <cstring>

#include "ops/simd/resample_rows.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

std::uint8_t Clamp8(std::int32_t sum, int bits) {
  return static_cast<std::uint8_t>(std::clamp(sum >> bits, 0, 255));
}

void ResampleRowScalar(const std::uint8_t* in, int step, int channels, const std::int32_t* weights,
                       int taps, int stride, const int* first, int out_width, int bits,
                       std::uint8_t* out) {
  const std::int32_t half = std::int32_t{1} << (bits - 1);
  for (int x = 0; x < out_width; ++x) {
    const std::uint8_t* pixels = in + static_cast<std::ptrdiff_t>(first[x]) * step;
    const std::int32_t* w = weights + static_cast<std::ptrdiff_t>(x) * stride;
    for (int c = 0; c < channels; ++c) {
      std::int32_t sum = half;
      for (int t = 0; t < taps; ++t) sum += w[t] * pixels[t * step + c];
      out[x * channels + c] = Clamp8(sum, bits);
    }
  }
}

#if HWY_TARGET != HWY_SCALAR
// Sums the halves of v until 128 bits (4 lanes) remain: lane i then holds the sum of every
// lane congruent to i modulo 4.
template <class D, class V>
HWY_INLINE auto FoldTo128(D d, V v) {
  if constexpr (hn::MaxLanes(d) > 4) {
    const hn::Half<D> half;
    return FoldTo128(half, hn::Add(hn::LowerHalf(half, v), hn::UpperHalf(half, v)));
  } else {
    return v;
  }
}
#endif

#if HWY_TARGET != HWY_SCALAR
template <int kChannels>
void ResampleRowVector(const std::uint8_t* in, int step, const std::int32_t* weights, int taps,
                       int stride, const int* first, int out_width, int bits, std::uint8_t* out) {
  constexpr int channels = kChannels;
  const hn::ScalableTag<std::int32_t> d32;
  const hn::Rebind<std::uint8_t, decltype(d32)> d8;
  const hn::Full128<std::int32_t> d128;
  const hn::Rebind<std::uint8_t, decltype(d128)> d8x4;
  const hn::Repartition<std::uint32_t, decltype(d8x4)> d32x1;
  const int lanes = static_cast<int>(hn::Lanes(d32));
  const int pixels_per_vector = lanes / step;

  // Lane i holds channel i % step of pixel t + i / step, so it takes weight t + i / step.
  alignas(64) std::int32_t spread[kResamplePadding];
  for (int i = 0; i < lanes; ++i) spread[i] = i / step;
  const auto spread_weights = hn::SetTableIndices(d32, spread);
  const auto half = hn::Set(d128, std::int32_t{1} << (bits - 1));
  const auto zero = hn::Zero(d128);
  const auto most = hn::Set(d128, 255);
  for (int x = 0; x < out_width; ++x) {
    const std::uint8_t* pixels = in + static_cast<std::ptrdiff_t>(first[x]) * step;
    const std::int32_t* w = weights + static_cast<std::ptrdiff_t>(x) * stride;
    auto sum = hn::Zero(d32);
    for (int t = 0; t < taps; t += pixels_per_vector) {
      const auto samples = hn::PromoteTo(d32, hn::LoadU(d8, pixels + t * step));
      auto tap_weights = hn::LoadU(d32, w + t);
      if (step > 1) tap_weights = hn::TableLookupLanes(tap_weights, spread_weights);
      sum = hn::Add(sum, hn::Mul(samples, tap_weights));
    }
    // Four lanes, each a sum over lanes i, i + 4, ...: for 4 samples a pixel, one per channel.
    auto folded = FoldTo128(d32, sum);
    if (step == 2) {  // channel c of lanes c and c + 2
      folded = hn::Add(folded, hn::Shuffle1032(folded));
    } else if (step == 1) {
      folded = hn::SumOfLanes(d128, folded);
    }
    auto result = hn::ShiftRightSame(hn::Add(folded, half), bits);
    result = hn::Min(hn::Max(result, zero), most);
    const std::uint32_t packed = hn::GetLane(hn::BitCast(d32x1, hn::DemoteTo(d8x4, result)));
    std::memcpy(out + x * channels, &packed, channels);  // little-endian: channel 0 first
  }
}
#endif

void ResampleRow(const std::uint8_t* in, int step, int channels, const std::int32_t* weights,
                 int taps, int stride, const int* first, int out_width, int bits,
                 std::uint8_t* out) {
#if HWY_TARGET != HWY_SCALAR
  const std::size_t lanes = hn::Lanes(hn::ScalableTag<std::int32_t>());
  if (lanes >= 4 && lanes % step == 0 && lanes <= kResamplePadding) {
    switch (channels) {
      case 1:
        return ResampleRowVector<1>(in, step, weights, taps, stride, first, out_width, bits, out);
      case 2:
        return ResampleRowVector<2>(in, step, weights, taps, stride, first, out_width, bits, out);
      case 3:
        return ResampleRowVector<3>(in, step, weights, taps, stride, first, out_width, bits, out);
      default:
        return ResampleRowVector<4>(in, step, weights, taps, stride, first, out_width, bits, out);
    }
  }
#endif
  ResampleRowScalar(in, step, channels, weights, taps, stride, first, out_width, bits, out);
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {
HWY_EXPORT(ResampleRow);
void resample_row(const std::uint8_t* in, int step, int channels, const std::int32_t* weights,
                  int taps, int stride, const int* first, int out_width, int bits,
                  std::uint8_t* out) {
  HWY_DYNAMIC_DISPATCH(ResampleRow)
  (in, step, channels, weights, taps, stride, first, out_width, bits, out);
}
}  // namespace tessera::ops::simd
#endif
