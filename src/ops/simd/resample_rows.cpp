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

// Float rows (resize of u16 and f32): each output sample summed tap by tap from the first, in
// the order of the scalar loop, so every target gives the same floats. kChannels 1 and 2 run
// that scalar loop; 3 and 4 hold one pixel in a 128-bit vector (lane c is channel c: for RGB
// the fourth lane carries the next pixel's red, weighted but never kept), one multiply and add
// a tap, two pixels at a time so that their sums' additions overlap.
template <int kChannels>
void ResampleFloatScalar(const float* in, const float* weights, int taps, const int* first,
                         int from, int to, float* out) {
  for (int x = from; x < to; ++x) {
    const float* pixels = in + static_cast<std::ptrdiff_t>(first[x]) * kChannels;
    const float* w = weights + static_cast<std::ptrdiff_t>(x) * taps;
    float sums[kChannels] = {};
    for (int t = 0; t < taps; ++t) {
      for (int c = 0; c < kChannels; ++c) sums[c] += w[t] * pixels[t * kChannels + c];
    }
    for (int c = 0; c < kChannels; ++c) out[x * kChannels + c] = sums[c];
  }
}

#if HWY_TARGET != HWY_SCALAR
template <int kChannels>
void ResampleFloatPixels(const float* in, int in_width, const float* weights, int taps,
                         const int* first, int out_width, float* out) {
  const hn::Full128<float> d;
  // An RGB pixel's vector reads the next pixel's red: the last pixels, which may have none,
  // run the scalar loop.
  int vector_end = out_width;
  while (kChannels == 3 && vector_end > 0 && first[vector_end - 1] + taps >= in_width) {
    --vector_end;
  }
  int x = 0;
  // Four pixels at a time: each pixel's sum is a chain of taps adds, and four chains in flight
  // keep the adder busy where two waited on its latency (lanczos3 at 50% has 12 taps).
  for (; x + 4 <= vector_end; x += 4) {
    const float* pixels[4];
    const float* w[4];
    hn::Vec<decltype(d)> sum[4];
    for (int p = 0; p < 4; ++p) {
      pixels[p] = in + static_cast<std::ptrdiff_t>(first[x + p]) * kChannels;
      w[p] = weights + static_cast<std::ptrdiff_t>(x + p) * taps;
      sum[p] = hn::Zero(d);
    }
    for (int t = 0; t < taps; ++t) {
      for (int p = 0; p < 4; ++p) {
        sum[p] =
            hn::Add(sum[p], hn::Mul(hn::Set(d, w[p][t]), hn::LoadU(d, pixels[p] + t * kChannels)));
      }
    }
    // In this order: an RGB pixel's fourth lane lands on the next pixel's red, stored after it.
    for (int p = 0; p < 4; ++p) hn::StoreU(sum[p], d, out + (x + p) * kChannels);
  }
  for (; x + 2 <= vector_end; x += 2) {
    const float* pixels0 = in + static_cast<std::ptrdiff_t>(first[x]) * kChannels;
    const float* pixels1 = in + static_cast<std::ptrdiff_t>(first[x + 1]) * kChannels;
    const float* w0 = weights + static_cast<std::ptrdiff_t>(x) * taps;
    const float* w1 = w0 + taps;
    auto sum0 = hn::Zero(d);
    auto sum1 = hn::Zero(d);
    for (int t = 0; t < taps; ++t) {
      sum0 = hn::Add(sum0, hn::Mul(hn::Set(d, w0[t]), hn::LoadU(d, pixels0 + t * kChannels)));
      sum1 = hn::Add(sum1, hn::Mul(hn::Set(d, w1[t]), hn::LoadU(d, pixels1 + t * kChannels)));
    }
    // In this order: an RGB pixel's fourth lane lands on the next pixel's red, stored after it.
    hn::StoreU(sum0, d, out + x * kChannels);
    hn::StoreU(sum1, d, out + (x + 1) * kChannels);
  }
  ResampleFloatScalar<kChannels>(in, weights, taps, first, x, out_width, out);
}
#endif

void ResampleRowFloat(const float* in, [[maybe_unused]] int in_width, int channels,
                      const float* weights, int taps, const int* first, int out_width, float* out) {
  switch (channels) {
    case 1:
      return ResampleFloatScalar<1>(in, weights, taps, first, 0, out_width, out);
    case 2:
      return ResampleFloatScalar<2>(in, weights, taps, first, 0, out_width, out);
#if HWY_TARGET != HWY_SCALAR
    case 3:
      return ResampleFloatPixels<3>(in, in_width, weights, taps, first, out_width, out);
    default:
      return ResampleFloatPixels<4>(in, in_width, weights, taps, first, out_width, out);
#else
    case 3:
      return ResampleFloatScalar<3>(in, weights, taps, first, 0, out_width, out);
    default:
      return ResampleFloatScalar<4>(in, weights, taps, first, 0, out_width, out);
#endif
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {
HWY_EXPORT(ResampleRow);
HWY_EXPORT(ResampleRowFloat);
void resample_row(const std::uint8_t* in, int step, int channels, const std::int32_t* weights,
                  int taps, int stride, const int* first, int out_width, int bits,
                  std::uint8_t* out) {
  HWY_DYNAMIC_DISPATCH(ResampleRow)
  (in, step, channels, weights, taps, stride, first, out_width, bits, out);
}
void resample_row(const float* in, int in_width, int channels, const float* weights, int taps,
                  const int* first, int out_width, float* out) {
  HWY_DYNAMIC_DISPATCH(ResampleRowFloat)
  (in, in_width, channels, weights, taps, first, out_width, out);
}
}  // namespace tessera::ops::simd
#endif
