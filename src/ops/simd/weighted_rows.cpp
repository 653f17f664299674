// Weighted sums across and down rows with Highway, compiled for every SIMD target and picked
// at run time. Each loop runs whole vectors, then finishes the last few samples in scalar code
// that does the same arithmetic, so results never depend on the width or the target.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/weighted_rows.cpp"
#include <algorithm>
#include <cmath>
#include <type_traits>

#include <hwy/cache_control.h>
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ops/simd/for_each_vector-inl.h"
#include "ops/simd/weighted_rows.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The scalar form of WeightedRowImpl, for samples a vector does not cover: the same sums,
// wrapping the same way.
template <typename T>
T WeightedSample(const std::uint8_t* in, int step, const T* weights, int taps, std::size_t i) {
  int sum = 0;
  for (int t = 0; t < taps; ++t) sum += weights[t] * in[static_cast<std::ptrdiff_t>(t) * step + i];
  return static_cast<T>(sum);
}

// start + the weighted sum of a 3- or 5-tap kernel that is symmetric, or antisymmetric (then
// its centre weight is zero), over the taps load(0..kTaps-1): one multiply per pair of taps,
// on their sum or difference. `weights` holds the first (kTaps + 1) / 2 weights as vectors.
template <int kTaps, bool kSymmetric, class V, class Load>
HWY_INLINE V PairedSum(V start, const V* weights, Load&& load) {
  static_assert(kTaps == 3 || kTaps == 5);
  auto pair = [&](int t) {
    return kSymmetric ? hn::Add(load(t), load(kTaps - 1 - t))
                      : hn::Sub(load(t), load(kTaps - 1 - t));
  };
  V sum = hn::Add(start, hn::Mul(pair(0), weights[0]));
  if constexpr (kTaps == 5) sum = hn::Add(sum, hn::Mul(pair(1), weights[1]));
  if constexpr (kSymmetric) sum = hn::Add(sum, hn::Mul(load(kTaps / 2), weights[kTaps / 2]));
  return sum;
}

// The common kernels (3 and 5 taps, symmetric or antisymmetric) with the number of taps known
// when compiling: the loop over the taps unrolls and the weights stay in registers, where the
// general loop below reloads and tests them for every vector (a quarter slower).
template <int kTaps, bool kSymmetric, typename T>
void PairedRow(const std::uint8_t* in, int step, const T* weights, T* out, std::size_t samples) {
  const hn::ScalableTag<T> d;
  const hn::Rebind<std::uint8_t, decltype(d)> d8;
  using V = decltype(hn::Zero(d));
  V vector_weights[(kTaps + 1) / 2];
  for (int t = 0; t < (kTaps + 1) / 2; ++t) vector_weights[t] = hn::Set(d, weights[t]);
  ForEachVector(
      samples, hn::Lanes(d),
      [&](std::size_t i) HWY_ATTR {
        const V sum = PairedSum<kTaps, kSymmetric>(hn::Zero(d), vector_weights, [&](int t) {
          return hn::PromoteTo(d, hn::LoadU(d8, in + static_cast<std::ptrdiff_t>(t) * step + i));
        });
        hn::StoreU(sum, d, out + i);
      },
      [&](std::size_t i) { out[i] = WeightedSample(in, step, weights, kTaps, i); });
}

// 16-bit sums of u8 taps; T is uint16_t (Gaussian) or int16_t (derivatives). Both wrap modulo
// 2^16, so the scalar tail casts the same way.
template <typename T>
void WeightedRowImpl(const std::uint8_t* in, int step, const T* weights, int taps, T* out,
                     std::size_t samples) {
  const hn::ScalableTag<T> d;
  const hn::Rebind<std::uint8_t, decltype(d)> d8;
  const std::size_t lanes = hn::Lanes(d);
  auto load = [&](int t, std::size_t i) {
    return hn::PromoteTo(d, hn::LoadU(d8, in + static_cast<std::ptrdiff_t>(t) * step + i));
  };
  // Gaussian and Sobel smoothing kernels are symmetric, Sobel's first derivative antisymmetric:
  // both take one multiply per pair of taps, on their sum or difference.
  bool symmetric = true, antisymmetric = true;
  for (int t = 0; t < taps / 2; ++t) {
    symmetric = symmetric && weights[t] == weights[taps - 1 - t];
    antisymmetric = antisymmetric && weights[t] == -weights[taps - 1 - t];
  }
  antisymmetric = antisymmetric && weights[taps / 2] == 0;
  const bool paired = taps > 1 && (symmetric || antisymmetric);
  if (paired && (taps == 3 || taps == 5)) {
    if (taps == 3) {
      symmetric ? PairedRow<3, true>(in, step, weights, out, samples)
                : PairedRow<3, false>(in, step, weights, out, samples);
    } else {
      symmetric ? PairedRow<5, true>(in, step, weights, out, samples)
                : PairedRow<5, false>(in, step, weights, out, samples);
    }
    return;
  }
  const int multiplies = paired ? (taps + 1) / 2 : taps;
  ForEachVector(
      samples, lanes,
      [&](std::size_t i) HWY_ATTR {
        auto sum = hn::Zero(d);
        for (int t = 0; t < multiplies; ++t) {
          if (weights[t] == 0) continue;
          auto pixels = load(t, i);
          if (paired && t != taps - 1 - t) {
            pixels = symmetric ? hn::Add(pixels, load(taps - 1 - t, i))
                               : hn::Sub(pixels, load(taps - 1 - t, i));
          }
          sum = hn::Add(sum, hn::Mul(pixels, hn::Set(d, weights[t])));
        }
        hn::StoreU(sum, d, out + i);
      },
      [&](std::size_t i) { out[i] = WeightedSample(in, step, weights, taps, i); });
}

void WeightedRowU16(const std::uint8_t* in, int step, const std::uint16_t* weights, int taps,
                    std::uint16_t* out, std::size_t samples) {
  WeightedRowImpl(in, step, weights, taps, out, samples);
}

void WeightedRowI16(const std::uint8_t* in, int step, const std::int16_t* weights, int taps,
                    std::int16_t* out, std::size_t samples) {
  WeightedRowImpl(in, step, weights, taps, out, samples);
}

void WeightedColumnU8(const std::uint16_t* const* rows, const std::uint32_t* weights, int taps,
                      std::uint32_t rounding, int shift, std::uint8_t* out, std::size_t samples) {
  const hn::ScalableTag<std::uint32_t> d32;
  const hn::Rebind<std::int32_t, decltype(d32)> di32;
  const hn::Rebind<std::uint16_t, decltype(d32)> d16;
  const hn::Rebind<std::uint8_t, decltype(d32)> d8;
  const std::size_t lanes = hn::Lanes(d32);
  // A symmetric kernel (every Gaussian) adds each pair of rows before the one multiply.
  bool symmetric = true;
  for (int k = 0; k < taps / 2; ++k) symmetric = symmetric && weights[k] == weights[taps - 1 - k];
  const int multiplies = symmetric ? (taps + 1) / 2 : taps;
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) {
    auto sum = hn::Set(d32, rounding);
    for (int k = 0; k < multiplies; ++k) {
      auto values = hn::PromoteTo(d32, hn::LoadU(d16, rows[k] + i));
      if (symmetric && k != taps - 1 - k) {
        values = hn::Add(values, hn::PromoteTo(d32, hn::LoadU(d16, rows[taps - 1 - k] + i)));
      }
      sum = hn::Add(sum, hn::Mul(values, hn::Set(d32, weights[k])));
    }
    // Highway 1.0 demotes signed lanes to u8 only; the sums stay far below 2^31.
    const auto result = hn::BitCast(di32, hn::ShiftRightSame(sum, shift));
    hn::StoreU(hn::DemoteTo(d8, result), d8, out + i);
  }
  for (; i < samples; ++i) {
    std::uint32_t sum = rounding;
    for (int k = 0; k < taps; ++k) sum += weights[k] * rows[k][i];
    sum >>= shift;
    out[i] = static_cast<std::uint8_t>(sum > 255 ? 255 : sum);
  }
}

// The scalar form of the 16-bit column sums, wrapping as the vectors do.
std::uint8_t ColumnSampleU16(const std::uint16_t* const* rows, const std::uint16_t* weights,
                             int taps, std::uint16_t rounding, int shift, std::size_t i) {
  std::uint32_t sum = rounding;
  for (int k = 0; k < taps; ++k) sum += weights[k] * rows[k][i];
  return static_cast<std::uint8_t>(static_cast<std::uint16_t>(sum) >> shift);
}

// Gaussian kernels of 3 and 5 taps, unrolled as PairedRow is.
template <int kTaps>
void SymmetricColumnU16(const std::uint16_t* const* rows, const std::uint16_t* weights,
                        std::uint16_t rounding, int shift, std::uint8_t* out, std::size_t samples) {
  const hn::ScalableTag<std::uint16_t> d16;
  const hn::Rebind<std::int16_t, decltype(d16)> di16;
  const hn::Rebind<std::uint8_t, decltype(d16)> d8;
  using V = decltype(hn::Zero(d16));
  const V start = hn::Set(d16, rounding);
  V vector_weights[(kTaps + 1) / 2];
  for (int k = 0; k < (kTaps + 1) / 2; ++k) vector_weights[k] = hn::Set(d16, weights[k]);
  ForEachVector(
      samples, hn::Lanes(d16),
      [&](std::size_t i) HWY_ATTR {
        const V sum = PairedSum<kTaps, true>(start, vector_weights,
                                             [&](int k) { return hn::LoadU(d16, rows[k] + i); });
        const auto result = hn::BitCast(di16, hn::ShiftRightSame(sum, shift));
        hn::StoreU(hn::DemoteTo(d8, result), d8, out + i);
      },
      [&](std::size_t i) { out[i] = ColumnSampleU16(rows, weights, kTaps, rounding, shift, i); });
}

void WeightedColumnU16(const std::uint16_t* const* rows, const std::uint16_t* weights, int taps,
                       std::uint16_t rounding, int shift, std::uint8_t* out, std::size_t samples) {
  const hn::ScalableTag<std::uint16_t> d16;
  const hn::Rebind<std::int16_t, decltype(d16)> di16;
  const hn::Rebind<std::uint8_t, decltype(d16)> d8;
  bool symmetric = true;
  for (int k = 0; k < taps / 2; ++k) symmetric = symmetric && weights[k] == weights[taps - 1 - k];
  if (symmetric && taps == 3)
    return SymmetricColumnU16<3>(rows, weights, rounding, shift, out, samples);
  if (symmetric && taps == 5)
    return SymmetricColumnU16<5>(rows, weights, rounding, shift, out, samples);
  const int multiplies = symmetric ? (taps + 1) / 2 : taps;
  ForEachVector(
      samples, hn::Lanes(d16),
      [&](std::size_t i) HWY_ATTR {
        auto sum = hn::Set(d16, rounding);
        for (int k = 0; k < multiplies; ++k) {
          auto values = hn::LoadU(d16, rows[k] + i);
          if (symmetric && k != taps - 1 - k) {
            values = hn::Add(values, hn::LoadU(d16, rows[taps - 1 - k] + i));
          }
          sum = hn::Add(sum, hn::Mul(values, hn::Set(d16, weights[k])));
        }
        // Highway 1.0 demotes signed lanes to u8 only; after the shift the sums are below 256.
        const auto result = hn::BitCast(di16, hn::ShiftRightSame(sum, shift));
        hn::StoreU(hn::DemoteTo(d8, result), d8, out + i);
      },
      [&](std::size_t i) { out[i] = ColumnSampleU16(rows, weights, taps, rounding, shift, i); });
}

void WeightedColumnI32(const std::uint8_t* const* rows, const std::int32_t* weights, int taps,
                       std::int32_t* out, std::size_t samples) {
  const hn::ScalableTag<std::int32_t> d32;
  const hn::Rebind<std::uint8_t, decltype(d32)> d8;
  const std::size_t lanes = hn::Lanes(d32);
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) {
    auto sum = hn::Zero(d32);
    for (int k = 0; k < taps; ++k) {
      const auto values = hn::PromoteTo(d32, hn::LoadU(d8, rows[k] + i));
      sum = hn::Add(sum, hn::Mul(values, hn::Set(d32, weights[k])));
    }
    hn::StoreU(sum, d32, out + i);
  }
  for (; i < samples; ++i) {
    std::int32_t sum = 0;
    for (int k = 0; k < taps; ++k) sum += weights[k] * rows[k][i];
    out[i] = sum;
  }
}

void WeightedColumnI32ToU8(const std::uint8_t* const* rows, const std::int32_t* weights, int taps,
                           std::int32_t rounding, int shift, std::uint8_t* out,
                           std::size_t samples) {
  const hn::ScalableTag<std::int32_t> d32;
  const hn::Rebind<std::uint8_t, decltype(d32)> d8;
  const auto zero = hn::Zero(d32);
  ForEachVector(
      samples, hn::Lanes(d32),
      [&](std::size_t i) HWY_ATTR {
        auto sum = hn::Set(d32, rounding);
        for (int k = 0; k < taps; ++k) {
          const auto values = hn::PromoteTo(d32, hn::LoadU(d8, rows[k] + i));
          sum = hn::Add(sum, hn::Mul(values, hn::Set(d32, weights[k])));
        }
        // Negative sums (lanczos lobes) clamp to 0; DemoteTo saturates the top at 255.
        hn::StoreU(hn::DemoteTo(d8, hn::Max(hn::ShiftRightSame(sum, shift), zero)), d8, out + i);
      },
      [&](std::size_t i) {
        std::int32_t sum = rounding;
        for (int k = 0; k < taps; ++k) sum += weights[k] * rows[k][i];
        out[i] = static_cast<std::uint8_t>(std::clamp(sum >> shift, 0, 255));
      });
}

void WeightedColumnI16(const std::int16_t* const* rows, const std::int16_t* weights, int taps,
                       std::int16_t* out, std::size_t samples) {
  const hn::ScalableTag<std::int16_t> d;
  const std::size_t lanes = hn::Lanes(d);
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) {
    auto sum = hn::Zero(d);
    for (int k = 0; k < taps; ++k) {
      if (weights[k] == 0) continue;
      sum = hn::Add(sum, hn::Mul(hn::LoadU(d, rows[k] + i), hn::Set(d, weights[k])));
    }
    hn::StoreU(sum, d, out + i);
  }
  for (; i < samples; ++i) {
    int sum = 0;
    for (int k = 0; k < taps; ++k) sum += weights[k] * rows[k][i];
    out[i] = static_cast<std::int16_t>(sum);
  }
}

// The sum of a box column: rows[0][i] + ... + rows[taps-1][i] as u32 lanes.
template <class D32>
hn::Vec<D32> ColumnSum(D32 d32, const std::uint16_t* const* rows, int taps, std::size_t i) {
  const hn::Rebind<std::uint16_t, D32> d16;
  auto sum = hn::Zero(d32);
  for (int k = 0; k < taps; ++k)
    sum = hn::Add(sum, hn::PromoteTo(d32, hn::LoadU(d16, rows[k] + i)));
  return sum;
}

// ((s * m) >> 23) without 64-bit lanes: with m = 256 mh + ml, it equals
// (s * mh + ((s * ml) >> 8)) >> 15 exactly (the dropped fraction can never carry), and for
// s < 2^17, m < 2^20 every term fits in 32 bits.
std::uint32_t BoxMeanScalar(std::uint32_t s, std::uint32_t multiplier) {
  return (s * (multiplier >> 8) + ((s * (multiplier & 255)) >> 8)) >> 15;
}

void BoxMeanFixed(const std::uint16_t* const* rows, int taps, std::uint32_t bias,
                  std::uint32_t multiplier, std::uint8_t* out, std::size_t samples) {
  const hn::ScalableTag<std::uint32_t> d32;
  const hn::Rebind<std::int32_t, decltype(d32)> di32;
  const hn::Rebind<std::uint8_t, decltype(d32)> d8;
  const std::size_t lanes = hn::Lanes(d32);
  const auto high = hn::Set(d32, multiplier >> 8);
  const auto low = hn::Set(d32, multiplier & 255);
  const auto vbias = hn::Set(d32, bias);
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) {
    const auto s = hn::Add(ColumnSum(d32, rows, taps, i), vbias);
    const auto mean =
        hn::ShiftRight<15>(hn::Add(hn::Mul(s, high), hn::ShiftRight<8>(hn::Mul(s, low))));
    hn::StoreU(hn::DemoteTo(d8, hn::BitCast(di32, mean)), d8, out + i);
  }
  for (; i < samples; ++i) {
    std::uint32_t sum = bias;
    for (int k = 0; k < taps; ++k) sum += rows[k][i];
    out[i] = static_cast<std::uint8_t>(BoxMeanScalar(sum, multiplier));
  }
}

void BoxMeanFloat(const std::uint16_t* const* rows, int taps, float scale, std::uint8_t* out,
                  std::size_t samples) {
  const hn::ScalableTag<std::uint32_t> d32;
  const hn::Rebind<std::int32_t, decltype(d32)> di32;
  const hn::Rebind<float, decltype(d32)> df;
  const hn::Rebind<std::uint8_t, decltype(d32)> d8;
  const std::size_t lanes = hn::Lanes(d32);
  const auto vscale = hn::Set(df, scale);
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) {
    const auto sum = hn::ConvertTo(df, hn::BitCast(di32, ColumnSum(d32, rows, taps, i)));
    hn::StoreU(hn::DemoteTo(d8, hn::NearestInt(hn::Mul(sum, vscale))), d8, out + i);
  }
  for (; i < samples; ++i) {
    std::uint32_t sum = 0;
    for (int k = 0; k < taps; ++k) sum += rows[k][i];
    const float mean = std::nearbyint(static_cast<float>(sum) * scale);
    out[i] = static_cast<std::uint8_t>(mean > 255.0f ? 255.0f : mean);
  }
}

void AbsoluteU8(const std::int16_t* in, std::uint8_t* out, std::size_t samples) {
  const hn::ScalableTag<std::int16_t> d;
  const hn::Rebind<std::uint8_t, decltype(d)> d8;
  const std::size_t lanes = hn::Lanes(d);
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) {
    hn::StoreU(hn::DemoteTo(d8, hn::Abs(hn::LoadU(d, in + i))), d8, out + i);
  }
  for (; i < samples; ++i) {
    const int magnitude = in[i] < 0 ? -in[i] : in[i];
    out[i] = static_cast<std::uint8_t>(magnitude > 255 ? 255 : magnitude);
  }
}

void GradientMagnitude(const std::int16_t* gx, const std::int16_t* gy, bool l2, std::int32_t* out,
                       std::size_t samples) {
  const hn::ScalableTag<std::int32_t> d32;
  const hn::Rebind<std::int16_t, decltype(d32)> d16;
  const std::size_t lanes = hn::Lanes(d32);
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) {
    const auto x = hn::PromoteTo(d32, hn::LoadU(d16, gx + i));
    const auto y = hn::PromoteTo(d32, hn::LoadU(d16, gy + i));
    const auto magnitude =
        l2 ? hn::Add(hn::Mul(x, x), hn::Mul(y, y)) : hn::Add(hn::Abs(x), hn::Abs(y));
    hn::StoreU(magnitude, d32, out + i);
  }
  for (; i < samples; ++i) {
    const int x = gx[i];
    const int y = gy[i];
    out[i] = l2 ? x * x + y * y : (x < 0 ? -x : x) + (y < 0 ? -y : y);
  }
}

// u16 rows, OpenCV's bit-exact CV_16U Gaussian: across, sum(w * x) in 32 bits (exact: the
// weights sum to 2^16); down, sum(w * row sum) in 64 bits, then (sum + 2^31) >> 32, saturated.
// Products of 32-bit lanes into 64 come from MulEven, on the even lanes and on the odd lanes
// shifted down.
void WeightedRowU16ToU32(const std::uint16_t* in, int step, const std::uint32_t* weights, int taps,
                         std::uint32_t* out, std::size_t samples) {
  const hn::ScalableTag<std::uint32_t> d32;
  const hn::Rebind<std::uint16_t, decltype(d32)> d16;
  ForEachVector(
      samples, hn::Lanes(d32),
      [&](std::size_t i) HWY_ATTR {
        auto sum = hn::Zero(d32);
        for (int t = 0; t < taps; ++t) {
          const auto values =
              hn::PromoteTo(d32, hn::LoadU(d16, in + static_cast<std::ptrdiff_t>(t) * step + i));
          sum = hn::Add(sum, hn::Mul(values, hn::Set(d32, weights[t])));
        }
        hn::StoreU(sum, d32, out + i);
      },
      [&](std::size_t i) {
        std::uint32_t sum = 0;
        for (int t = 0; t < taps; ++t)
          sum += weights[t] * in[static_cast<std::ptrdiff_t>(t) * step + i];
        out[i] = sum;
      });
}

// The sum of one sample of WeightedColumnU32ToU16, also its scalar form.
std::uint16_t ColumnSampleU32ToU16(const std::uint32_t* const* rows, const std::uint32_t* weights,
                                   int taps, std::size_t i) {
  std::uint64_t sum = std::uint64_t{1} << 31;
  for (int k = 0; k < taps; ++k) sum += std::uint64_t{weights[k]} * rows[k][i];
  return static_cast<std::uint16_t>(std::min<std::uint64_t>(sum >> 32, 65535));
}

void WeightedColumnU32ToU16(const std::uint32_t* const* rows, const std::uint32_t* weights,
                            int taps, std::uint16_t* out, std::size_t samples) {
#if HWY_TARGET == HWY_SCALAR  // one lane: no 64-bit halves to multiply into
  for (std::size_t i = 0; i < samples; ++i) out[i] = ColumnSampleU32ToU16(rows, weights, taps, i);
#else
  const hn::ScalableTag<std::uint32_t> d32;
  const hn::RepartitionToWide<decltype(d32)> d64;
  const hn::Rebind<std::uint16_t, decltype(d32)> d16;
  const hn::RebindToSigned<decltype(d32)> di32;
  ForEachVector(
      samples, hn::Lanes(d32),
      [&](std::size_t i) HWY_ATTR {
        auto even = hn::Set(d64, std::uint64_t{1} << 31);
        auto odd = even;
        for (int k = 0; k < taps; ++k) {
          const auto sums = hn::LoadU(d32, rows[k] + i);
          const auto weight = hn::Set(d32, weights[k]);
          even = hn::Add(even, hn::MulEven(sums, weight));
          odd = hn::Add(
              odd,
              hn::MulEven(hn::BitCast(d32, hn::ShiftRight<32>(hn::BitCast(d64, sums))), weight));
        }
        const auto largest = hn::Set(d64, 65535);
        const auto low = hn::Min(hn::ShiftRight<32>(even), largest);
        const auto high = hn::Min(hn::ShiftRight<32>(odd), largest);
        const auto joined =
            hn::OddEven(hn::BitCast(d32, hn::ShiftLeft<32>(high)), hn::BitCast(d32, low));
        hn::StoreU(hn::DemoteTo(d16, hn::BitCast(di32, joined)), d16, out + i);
      },
      [&](std::size_t i) { out[i] = ColumnSampleU32ToU16(rows, weights, taps, i); });
#endif
}

// Which zero weights the float sums skip, as OpenCV's filter engine does for Sobel's kernels
// (a NaN or an infinity under a zero weight then stays out of the sum: 0 * NaN would be NaN).
// Its row filters never multiply a zero weight ([1 0 -2 0 1] is summed as S[-2] + S[2] - 2S[0]);
// its column filters sum an antisymmetric kernel (weights[t] == -weights[taps - 1 - t], a
// first derivative's) as weights[t] * (S[t] - S[-t]), never reading the centre, but read the
// zero rows of a symmetric one.
enum class ZeroWeights { Skip, SkipAntisymmetricCentre };

// An antisymmetric kernel's centre, whose weight is 0 (-1 for any other kernel).
inline int AntisymmetricCentre(const float* weights, int taps) {
  if (taps % 2 == 0 || weights[taps / 2] != 0) return -1;
  for (int t = 0; t < taps / 2; ++t) {
    if (weights[t] != -weights[taps - 1 - t]) return -1;
  }
  return taps / 2;
}

// Float sums, tap by tap from the first, as the scalar loops they replace added them (so the
// same values on every width and target; a row narrower than a vector runs the same arithmetic
// in scalar code), but for the zero weights `zeros` skips. tap(t) points at tap t's samples: a
// padded row's t * step, or a window's row t. u16 samples are widened to float first (exact:
// every u16 is a float).
template <typename Sample, class TapAt>
HWY_INLINE void WeightedFloatSums(TapAt&& tap, const float* weights, int taps, float* out,
                                  std::size_t samples, ZeroWeights zeros) {
  const hn::ScalableTag<float> d;
  const hn::RebindToSigned<decltype(d)> di;
  const hn::Rebind<Sample, decltype(d)> ds;
  const int centre = zeros == ZeroWeights::Skip ? -1 : AntisymmetricCentre(weights, taps);
  const auto unread = [&](int t) {
    return weights[t] == 0 && (zeros == ZeroWeights::Skip || t == centre);
  };
  ForEachVector(
      samples, hn::Lanes(d),
      [&](std::size_t i) HWY_ATTR {
        auto sum = hn::Zero(d);
        for (int t = 0; t < taps; ++t) {
          if (unread(t)) continue;
          const auto loaded = hn::LoadU(ds, tap(t) + i);
          hn::Vec<decltype(d)> values;
          if constexpr (std::is_same_v<Sample, float>) {
            values = loaded;
          } else {
            values = hn::ConvertTo(d, hn::PromoteTo(di, loaded));
          }
          sum = hn::Add(sum, hn::Mul(hn::Set(d, weights[t]), values));
        }
        hn::StoreU(sum, d, out + i);
      },
      [&](std::size_t i) {
        float sum = 0;
        for (int t = 0; t < taps; ++t) {
          if (!unread(t)) sum += weights[t] * static_cast<float>(tap(t)[i]);
        }
        out[i] = sum;
      });
}

// Float sums of an odd kernel that is symmetric (weights[t] == weights[taps - 1 - t]), one
// multiply per pair of taps: weights[r] * tap r, then + weights[t] * (tap t + tap taps-1-t) for
// t from 0, the order cv::GaussianBlur's CV_32F vector code adds them in. Fewer operations
// than WeightedFloatSums by a third at 5 taps; the same on every target.
//
// kTaps > 0 fixes the tap count at compile time (3, 5 and 7 are Gaussian blurs' common sizes):
// the taps are unrolled and their weights held in registers, the same sums in the same order,
// which made a 5-tap f32 blur a quarter faster than with the taps in a loop.
//
// `ahead`, if not null, names two rows fetched into cache on the way (see symmetric_column).
template <int kTaps = 0, class TapAt>
HWY_INLINE void SymmetricFloatSums(TapAt&& tap, const float* weights, int taps, float* out,
                                   std::size_t samples, const RowsAhead* ahead) {
  const hn::ScalableTag<float> d;
  if constexpr (kTaps > 0) {
    constexpr int r = kTaps / 2;
    hn::Vec<decltype(d)> w[r + 1];
    const float* at[kTaps];
    for (int t = 0; t <= r; ++t) w[t] = hn::Set(d, weights[t]);
    for (int t = 0; t < kTaps; ++t) at[t] = tap(t);
    ForEachVector(
        samples, hn::Lanes(d),
        [&](std::size_t i) HWY_ATTR {
          if (ahead != nullptr) {
            hwy::Prefetch(ahead->read + i);
            __builtin_prefetch(ahead->write + i, /*for writing*/ 1);
          }
          auto sum = hn::Mul(w[r], hn::LoadU(d, at[r] + i));
          for (int t = 0; t < r; ++t) {
            sum = hn::Add(sum, hn::Mul(w[t], hn::Add(hn::LoadU(d, at[t] + i),
                                                     hn::LoadU(d, at[kTaps - 1 - t] + i))));
          }
          hn::StoreU(sum, d, out + i);
        },
        [&](std::size_t i) {
          float sum = weights[r] * at[r][i];
          for (int t = 0; t < r; ++t) sum += weights[t] * (at[t][i] + at[kTaps - 1 - t][i]);
          out[i] = sum;
        });
    return;
  }
  const int r = taps / 2;
  ForEachVector(
      samples, hn::Lanes(d),
      [&](std::size_t i) HWY_ATTR {
        auto sum = hn::Mul(hn::Set(d, weights[r]), hn::LoadU(d, tap(r) + i));
        for (int t = 0; t < r; ++t) {
          const auto pair = hn::Add(hn::LoadU(d, tap(t) + i), hn::LoadU(d, tap(taps - 1 - t) + i));
          sum = hn::Add(sum, hn::Mul(hn::Set(d, weights[t]), pair));
        }
        hn::StoreU(sum, d, out + i);
      },
      [&](std::size_t i) {
        float sum = weights[r] * tap(r)[i];
        for (int t = 0; t < r; ++t) sum += weights[t] * (tap(t)[i] + tap(taps - 1 - t)[i]);
        out[i] = sum;
      });
}

// Runs SymmetricFloatSums with the tap count fixed when it is 3, 5 or 7.
template <class TapAt>
void SymmetricFloatSumsOf(TapAt&& tap, const float* weights, int taps, float* out,
                          std::size_t samples, const RowsAhead* ahead) {
  switch (taps) {
    case 3:
      return SymmetricFloatSums<3>(tap, weights, taps, out, samples, ahead);
    case 5:
      return SymmetricFloatSums<5>(tap, weights, taps, out, samples, ahead);
    case 7:
      return SymmetricFloatSums<7>(tap, weights, taps, out, samples, ahead);
    default:
      return SymmetricFloatSums(tap, weights, taps, out, samples, ahead);
  }
}

void SymmetricRowF32(const float* in, int step, const float* weights, int taps, float* out,
                     std::size_t samples) {
  SymmetricFloatSumsOf([&](int t) { return in + static_cast<std::ptrdiff_t>(t) * step; }, weights,
                       taps, out, samples, nullptr);
}

void SymmetricColumnF32(const float* const* rows, const float* weights, int taps, float* out,
                        std::size_t samples, const RowsAhead* ahead) {
  SymmetricFloatSumsOf([&](int t) { return rows[t]; }, weights, taps, out, samples, ahead);
}

void WeightedRowF32(const float* in, int step, const float* weights, int taps, float* out,
                    std::size_t samples) {
  WeightedFloatSums<float>([&](int t) { return in + static_cast<std::ptrdiff_t>(t) * step; },
                           weights, taps, out, samples, ZeroWeights::Skip);
}

void WeightedRowU16ToF32(const std::uint16_t* in, int step, const float* weights, int taps,
                         float* out, std::size_t samples) {
  WeightedFloatSums<std::uint16_t>(
      [&](int t) { return in + static_cast<std::ptrdiff_t>(t) * step; }, weights, taps, out,
      samples, ZeroWeights::Skip);
}

void WeightedColumnF32(const float* const* rows, const float* weights, int taps, float* out,
                       std::size_t samples) {
  WeightedFloatSums<float>([&](int t) { return rows[t]; }, weights, taps, out, samples,
                           ZeroWeights::SkipAntisymmetricCentre);
}

// Rounded to nearest, ties to even (cvRound, lrint), then saturated to 0..65535.
void RoundToU16(const float* in, std::uint16_t* out, std::size_t samples) {
  const hn::ScalableTag<float> d;
  const hn::Rebind<std::uint16_t, decltype(d)> d16;
  ForEachVector(
      samples, hn::Lanes(d),
      [&](std::size_t i) HWY_ATTR {
        hn::StoreU(hn::DemoteTo(d16, hn::NearestInt(hn::LoadU(d, in + i))), d16, out + i);
      },
      [&](std::size_t i) {
        out[i] = static_cast<std::uint16_t>(std::clamp(std::lrint(in[i]), 0L, 65535L));
      });
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {

HWY_EXPORT(WeightedRowU16);
HWY_EXPORT(WeightedRowI16);
HWY_EXPORT(WeightedColumnU8);
HWY_EXPORT(WeightedColumnU16);
HWY_EXPORT(WeightedColumnI16);
HWY_EXPORT(WeightedColumnI32);
HWY_EXPORT(WeightedColumnI32ToU8);
HWY_EXPORT(BoxMeanFixed);
HWY_EXPORT(BoxMeanFloat);
HWY_EXPORT(AbsoluteU8);
HWY_EXPORT(GradientMagnitude);
HWY_EXPORT(WeightedRowF32);
HWY_EXPORT(WeightedRowU16ToU32);
HWY_EXPORT(WeightedColumnU32ToU16);
HWY_EXPORT(WeightedColumnF32);
HWY_EXPORT(SymmetricRowF32);
HWY_EXPORT(SymmetricColumnF32);
HWY_EXPORT(WeightedRowU16ToF32);
HWY_EXPORT(RoundToU16);

void weighted_row(const std::uint8_t* in, int step, const std::uint16_t* weights, int taps,
                  std::uint16_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(WeightedRowU16)(in, step, weights, taps, out, samples);
}

void weighted_row(const std::uint8_t* in, int step, const std::int16_t* weights, int taps,
                  std::int16_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(WeightedRowI16)(in, step, weights, taps, out, samples);
}

void weighted_column(const std::uint16_t* const* rows, const std::uint32_t* weights, int taps,
                     std::uint32_t rounding, int shift, std::uint8_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(WeightedColumnU8)(rows, weights, taps, rounding, shift, out, samples);
}

void weighted_column(const std::uint16_t* const* rows, const std::uint16_t* weights, int taps,
                     std::uint16_t rounding, int shift, std::uint8_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(WeightedColumnU16)(rows, weights, taps, rounding, shift, out, samples);
}

void weighted_column(const std::uint8_t* const* rows, const std::int32_t* weights, int taps,
                     std::int32_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(WeightedColumnI32)(rows, weights, taps, out, samples);
}

void weighted_column(const std::uint8_t* const* rows, const std::int32_t* weights, int taps,
                     std::int32_t rounding, int shift, std::uint8_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(WeightedColumnI32ToU8)(rows, weights, taps, rounding, shift, out, samples);
}

void weighted_column(const std::int16_t* const* rows, const std::int16_t* weights, int taps,
                     std::int16_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(WeightedColumnI16)(rows, weights, taps, out, samples);
}

void box_mean_fixed(const std::uint16_t* const* rows, int taps, std::uint32_t bias,
                    std::uint32_t multiplier, std::uint8_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(BoxMeanFixed)(rows, taps, bias, multiplier, out, samples);
}

void box_mean_float(const std::uint16_t* const* rows, int taps, float scale, std::uint8_t* out,
                    std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(BoxMeanFloat)(rows, taps, scale, out, samples);
}

void absolute_u8(const std::int16_t* in, std::uint8_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(AbsoluteU8)(in, out, samples);
}

void gradient_magnitude(const std::int16_t* gx, const std::int16_t* gy, bool l2, std::int32_t* out,
                        std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(GradientMagnitude)(gx, gy, l2, out, samples);
}

void weighted_row(const float* in, int step, const float* weights, int taps, float* out,
                  std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(WeightedRowF32)(in, step, weights, taps, out, samples);
}

void weighted_column(const float* const* rows, const float* weights, int taps, float* out,
                     std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(WeightedColumnF32)(rows, weights, taps, out, samples);
}

void weighted_row(const std::uint16_t* in, int step, const std::uint32_t* weights, int taps,
                  std::uint32_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(WeightedRowU16ToU32)(in, step, weights, taps, out, samples);
}

void weighted_column(const std::uint32_t* const* rows, const std::uint32_t* weights, int taps,
                     std::uint16_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(WeightedColumnU32ToU16)(rows, weights, taps, out, samples);
}

void weighted_row(const std::uint16_t* in, int step, const float* weights, int taps, float* out,
                  std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(WeightedRowU16ToF32)(in, step, weights, taps, out, samples);
}

void symmetric_row(const float* in, int step, const float* weights, int taps, float* out,
                   std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(SymmetricRowF32)(in, step, weights, taps, out, samples);
}

void symmetric_column(const float* const* rows, const float* weights, int taps, float* out,
                      std::size_t samples, const RowsAhead* ahead) {
  HWY_DYNAMIC_DISPATCH(SymmetricColumnF32)(rows, weights, taps, out, samples, ahead);
}

void round_to_u16(const float* in, std::uint16_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(RoundToU16)(in, out, samples);
}

}  // namespace tessera::ops::simd
#endif
