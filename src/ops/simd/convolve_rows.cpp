// Integer-kernel correlation with Highway, compiled for every SIMD target and picked at run
// time. Sums are exact (16-bit lanes when the kernel is small enough, else 32-bit), and the
// division and offset are done in double, as the scalar formula does, so every divisor rounds
// exactly as `nearbyint(sum / divisor + offset)`.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/convolve_rows.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "ops/simd/convolve_rows.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

std::uint8_t FinishScalar(std::int64_t sum, double divisor, double offset) {
  const double value = std::nearbyint(static_cast<double>(sum) / divisor + offset);
  return static_cast<std::uint8_t>(std::clamp(value, 0.0, 255.0));
}

#if HWY_TARGET != HWY_SCALAR && HWY_HAVE_FLOAT64
// How sums become samples. A power-of-two divisor with a whole offset (the common kernels:
// sharpen / 8, 1 / 16 binomials) is an integer shift with half-to-even rounding; anything else
// is divided in double, as the scalar formula does.
struct Scaling {
  double divisor = 1;
  double offset = 0;
  bool shift_only = false;
  int shift = 0;
  std::int32_t whole_offset = 0;
};

Scaling ScalingFor(double divisor, double offset) {
  Scaling scaling{divisor, offset};
  int exponent = 0;
  const bool power_of_two =
      std::frexp(divisor, &exponent) == 0.5 && exponent >= 1 && exponent <= 24;
  if (power_of_two && std::floor(offset) == offset && std::fabs(offset) <= 1024) {
    scaling.shift_only = true;
    scaling.shift = exponent - 1;
    scaling.whole_offset = static_cast<std::int32_t>(offset);
  }
  return scaling;
}

// Lanes(d32) sums to samples: sum / divisor + offset, rounded half to even, saturated.
template <class D32>
HWY_INLINE void Finish(D32 d32, hn::Vec<D32> sum, const Scaling& scaling, std::uint8_t* out) {
  const hn::Rebind<std::uint8_t, D32> d8;
  if (scaling.shift_only) {
    // (s + 2^(k-1) - 1 + ((s >> k) & 1)) >> k rounds s / 2^k half to even, for either sign.
    const int k = scaling.shift;
    const std::int32_t bias = k == 0 ? 0 : (std::int32_t{1} << (k - 1)) - 1;
    const auto odd = hn::And(hn::ShiftRightSame(sum, k), hn::Set(d32, k == 0 ? 0 : 1));
    auto value = hn::ShiftRightSame(hn::Add(hn::Add(sum, hn::Set(d32, bias)), odd), k);
    value = hn::Add(value, hn::Set(d32, scaling.whole_offset));
    hn::StoreU(hn::DemoteTo(d8, value), d8, out);
    return;
  }
  const hn::Half<D32> half32;
  const hn::Repartition<double, D32> d64;  // half as many lanes
  auto scale = [&](hn::Vec<decltype(half32)> part) {
    const auto quotient = hn::Div(hn::PromoteTo(d64, part), hn::Set(d64, scaling.divisor));
    const auto value = hn::Round(hn::Add(quotient, hn::Set(d64, scaling.offset)));
    return hn::DemoteTo(half32, hn::Min(hn::Max(value, hn::Zero(d64)), hn::Set(d64, 255.0)));
  };
  const auto low = scale(hn::LowerHalf(half32, sum));
  const auto high = scale(hn::UpperHalf(half32, sum));
  hn::StoreU(hn::DemoteTo(d8, hn::Combine(d32, high, low)), d8, out);
}

// Sums in 16-bit lanes: exact when the kernel's absolute values times 255 stay below 2^15.
std::size_t ConvolveVectors16(const std::uint8_t* const* rows, int step,
                              const std::int32_t* weights, int width, int height,
                              const Scaling& scaling, std::uint8_t* out, std::size_t samples) {
  const hn::ScalableTag<std::int16_t> d16;
  const hn::Rebind<std::uint8_t, decltype(d16)> d8;
  const hn::Half<decltype(d16)> half16;
  const hn::Repartition<std::int32_t, decltype(d16)> d32;  // half as many lanes
  const std::size_t lanes = hn::Lanes(d16);
  // The non-zero taps, as (first sample, weight) pairs.
  std::vector<const std::uint8_t*> sources;
  std::vector<std::int16_t> tap_weights;
  for (int ky = 0; ky < height; ++ky) {
    for (int kx = 0; kx < width; ++kx) {
      if (weights[ky * width + kx] == 0) continue;
      sources.push_back(rows[ky] + kx * step);
      tap_weights.push_back(static_cast<std::int16_t>(weights[ky * width + kx]));
    }
  }
  const std::size_t taps = sources.size();
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) {
    auto sum = hn::Zero(d16);
    for (std::size_t t = 0; t < taps; ++t) {
      const auto pixels = hn::PromoteTo(d16, hn::LoadU(d8, sources[t] + i));
      sum = hn::Add(sum, hn::Mul(pixels, hn::Set(d16, tap_weights[t])));
    }
    Finish(d32, hn::PromoteTo(d32, hn::LowerHalf(half16, sum)), scaling, out + i);
    Finish(d32, hn::PromoteTo(d32, hn::UpperHalf(half16, sum)), scaling, out + i + lanes / 2);
  }
  return i;
}

// Sums in 32-bit lanes, for larger kernels.
std::size_t ConvolveVectors32(const std::uint8_t* const* rows, int step,
                              const std::int32_t* weights, int width, int height,
                              const Scaling& scaling, std::uint8_t* out, std::size_t samples) {
  const hn::ScalableTag<std::int32_t> d32;
  const hn::Rebind<std::uint8_t, decltype(d32)> d8;
  const std::size_t lanes = hn::Lanes(d32);
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) {
    auto sum = hn::Zero(d32);
    for (int ky = 0; ky < height; ++ky) {
      for (int kx = 0; kx < width; ++kx) {
        const std::int32_t w = weights[ky * width + kx];
        if (w == 0) continue;
        const auto pixels = hn::PromoteTo(d32, hn::LoadU(d8, rows[ky] + kx * step + i));
        sum = hn::Add(sum, hn::Mul(pixels, hn::Set(d32, w)));
      }
    }
    Finish(d32, sum, scaling, out + i);
  }
  return i;
}
#endif

void ConvolveRow(const std::uint8_t* const* rows, int step, const std::int32_t* weights, int width,
                 int height, double divisor, double offset, std::uint8_t* out,
                 std::size_t samples) {
  std::size_t i = 0;
#if HWY_TARGET != HWY_SCALAR && HWY_HAVE_FLOAT64
  std::int64_t magnitude = 0;
  for (int k = 0; k < width * height; ++k) magnitude += std::abs(weights[k]);
  // Huge kernels (sums beyond 32 bits) take the scalar loop, which sums in 64 bits.
  const Scaling scaling = ScalingFor(divisor, offset);
  if (magnitude * 255 < 32768) {
    i = ConvolveVectors16(rows, step, weights, width, height, scaling, out, samples);
  } else if (magnitude * 255 < (std::int64_t{1} << 31)) {
    i = ConvolveVectors32(rows, step, weights, width, height, scaling, out, samples);
  }
#endif
  for (; i < samples; ++i) {
    std::int64_t sum = 0;
    for (int ky = 0; ky < height; ++ky) {
      for (int kx = 0; kx < width; ++kx) {
        sum += std::int64_t{weights[ky * width + kx]} * rows[ky][kx * step + i];
      }
    }
    out[i] = FinishScalar(sum, divisor, offset);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {
HWY_EXPORT(ConvolveRow);
void convolve_row(const std::uint8_t* const* rows, int step, const std::int32_t* weights, int width,
                  int height, double divisor, double offset, std::uint8_t* out,
                  std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(ConvolveRow)
  (rows, step, weights, width, height, divisor, offset, out, samples);
}
}  // namespace tessera::ops::simd
#endif
