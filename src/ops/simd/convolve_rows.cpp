// Correlation with Highway, compiled for every SIMD target and picked at run time.
//
// Integer kernels on u8 and u16: sums are exact (16-bit lanes when a u8 kernel is small
// enough, else 32-bit), and the division and offset are done in double, as the scalar formula
// does, so every divisor rounds exactly as `nearbyint(sum / divisor + offset)`.
// Float kernels (and every kernel on f32): float sums in cv::filter2D's order, a multiply and
// an add per tap (never fused: -ffp-contract=off and no MulAdd), so every target gives the
// same floats.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/convolve_rows.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <type_traits>
#include <vector>

#include "ops/simd/convolve_rows.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The largest integer sample: 255 or 65535.
template <typename Sample>
constexpr double kMaxSample = std::is_same_v<Sample, std::uint8_t> ? 255.0 : 65535.0;

template <typename Sample>
Sample FinishScalar(std::int64_t sum, double divisor, double offset) {
  const double value = std::nearbyint(static_cast<double>(sum) / divisor + offset);
  return static_cast<Sample>(std::clamp(value, 0.0, kMaxSample<Sample>));
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
  std::int32_t shifted_offset = 0;  // offset * divisor
};

Scaling ScalingFor(double divisor, double offset) {
  Scaling scaling{divisor, offset};
  int exponent = 0;
  const bool power_of_two =
      std::frexp(divisor, &exponent) == 0.5 && exponent >= 1 && exponent <= 24;
  // The offset joins the sum before the shift (an odd offset added after it would round ties
  // to odd); sums stay below 2^30 (ConvolveRowOf), the offset's part below 2^29.
  if (power_of_two && std::floor(offset) == offset && std::fabs(offset) * divisor < 1 << 29) {
    scaling.shift_only = true;
    scaling.shift = exponent - 1;
    scaling.shifted_offset = static_cast<std::int32_t>(offset * divisor);
  }
  return scaling;
}

// Lanes(d32) sums to samples: sum / divisor + offset, rounded half to even, saturated.
template <class D32, typename Sample>
HWY_INLINE void Finish(D32 d32, hn::Vec<D32> sum, const Scaling& scaling, Sample* out) {
  const hn::Rebind<Sample, D32> dout;
  if (scaling.shift_only) {
    // s = sum + offset * 2^k; (s + 2^(k-1) - 1 + ((s >> k) & 1)) >> k rounds s / 2^k half to
    // even, for either sign.
    const int k = scaling.shift;
    const std::int32_t bias = k == 0 ? 0 : (std::int32_t{1} << (k - 1)) - 1;
    const auto s = hn::Add(sum, hn::Set(d32, scaling.shifted_offset));
    const auto odd = hn::And(hn::ShiftRightSame(s, k), hn::Set(d32, k == 0 ? 0 : 1));
    const auto value = hn::ShiftRightSame(hn::Add(hn::Add(s, hn::Set(d32, bias)), odd), k);
    hn::StoreU(hn::DemoteTo(dout, value), dout, out);
    return;
  }
  const hn::Half<D32> half32;
  const hn::Repartition<double, D32> d64;  // half as many lanes
  auto scale = [&](hn::Vec<decltype(half32)> part) {
    const auto quotient = hn::Div(hn::PromoteTo(d64, part), hn::Set(d64, scaling.divisor));
    const auto value = hn::Round(hn::Add(quotient, hn::Set(d64, scaling.offset)));
    return hn::DemoteTo(half32,
                        hn::Min(hn::Max(value, hn::Zero(d64)), hn::Set(d64, kMaxSample<Sample>)));
  };
  const auto low = scale(hn::LowerHalf(half32, sum));
  const auto high = scale(hn::UpperHalf(half32, sum));
  hn::StoreU(hn::DemoteTo(dout, hn::Combine(d32, high, low)), dout, out);
}

// u8 sums in 16-bit lanes: exact when the kernel's absolute values times 255 stay below 2^15.
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

// Sums in 32-bit lanes, for larger kernels and for u16.
template <typename Sample>
std::size_t ConvolveVectors32(const Sample* const* rows, int step, const std::int32_t* weights,
                              int width, int height, const Scaling& scaling, Sample* out,
                              std::size_t samples) {
  const hn::ScalableTag<std::int32_t> d32;
  const hn::Rebind<Sample, decltype(d32)> din;
  const std::size_t lanes = hn::Lanes(d32);
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) {
    auto sum = hn::Zero(d32);
    for (int ky = 0; ky < height; ++ky) {
      for (int kx = 0; kx < width; ++kx) {
        const std::int32_t w = weights[ky * width + kx];
        if (w == 0) continue;
        const auto pixels = hn::PromoteTo(d32, hn::LoadU(din, rows[ky] + kx * step + i));
        sum = hn::Add(sum, hn::Mul(pixels, hn::Set(d32, w)));
      }
    }
    Finish(d32, sum, scaling, out + i);
  }
  return i;
}
#endif

template <typename Sample>
void ConvolveRowOf(const Sample* const* rows, int step, const std::int32_t* weights, int width,
                   int height, double divisor, double offset, Sample* out, std::size_t samples) {
  std::size_t i = 0;
#if HWY_TARGET != HWY_SCALAR && HWY_HAVE_FLOAT64
  std::int64_t magnitude = 0;
  for (int k = 0; k < width * height; ++k) magnitude += std::abs(weights[k]);
  // Huge kernels (sums, with the rounding's bias, beyond 31 bits) take the scalar loop, which
  // sums in 64 bits.
  const Scaling scaling = ScalingFor(divisor, offset);
  const auto largest = static_cast<std::int64_t>(kMaxSample<Sample>);
  bool done = false;
  if constexpr (std::is_same_v<Sample, std::uint8_t>) {
    if (magnitude * largest < 32768) {
      i = ConvolveVectors16(rows, step, weights, width, height, scaling, out, samples);
      done = true;
    }
  }
  if (!done && magnitude * largest < (std::int64_t{1} << 30)) {
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
    out[i] = FinishScalar<Sample>(sum, divisor, offset);
  }
}

void ConvolveRow8(const std::uint8_t* const* rows, int step, const std::int32_t* weights, int width,
                  int height, double divisor, double offset, std::uint8_t* out,
                  std::size_t samples) {
  ConvolveRowOf(rows, step, weights, width, height, divisor, offset, out, samples);
}
void ConvolveRow16(const std::uint16_t* const* rows, int step, const std::int32_t* weights,
                   int width, int height, double divisor, double offset, std::uint16_t* out,
                   std::size_t samples) {
  ConvolveRowOf(rows, step, weights, width, height, divisor, offset, out, samples);
}

// A float sum to a sample: rounded half to even and saturated on integers, kept on f32.
template <typename Sample>
Sample FloatToSample(float sum) {
  if constexpr (std::is_same_v<Sample, float>) {
    return sum;
  } else {
    return static_cast<Sample>(
        std::nearbyint(std::clamp(sum, 0.0f, static_cast<float>(kMaxSample<Sample>))));
  }
}

template <typename Sample>
void ConvolveRowFloatOf(const Sample* const* rows, int step, const float* weights, int width,
                        int height, float offset, Sample* out, std::size_t samples) {
  // The non-zero taps in row-major order, as filter2D lists them (a zero weight never reads
  // its sample, so a NaN or an infinity under it changes nothing).
  std::vector<const Sample*> sources;
  std::vector<float> tap_weights;
  for (int ky = 0; ky < height; ++ky) {
    for (int kx = 0; kx < width; ++kx) {
      if (weights[ky * width + kx] == 0) continue;
      sources.push_back(rows[ky] + kx * step);
      tap_weights.push_back(weights[ky * width + kx]);
    }
  }
  const std::size_t taps = sources.size();
  std::size_t i = 0;
#if HWY_TARGET != HWY_SCALAR
  const hn::ScalableTag<float> df;
  const hn::RebindToSigned<decltype(df)> di;
  const hn::Rebind<Sample, decltype(df)> din;
  const std::size_t lanes = hn::Lanes(df);
  for (; i + lanes <= samples; i += lanes) {
    auto sum = hn::Set(df, offset);
    for (std::size_t t = 0; t < taps; ++t) {
      const auto loaded = hn::LoadU(din, sources[t] + i);
      hn::Vec<decltype(df)> x;
      if constexpr (std::is_same_v<Sample, float>) {
        x = loaded;
      } else {
        x = hn::ConvertTo(df, hn::PromoteTo(di, loaded));
      }
      sum = hn::Add(sum, hn::Mul(hn::Set(df, tap_weights[t]), x));
    }
    if constexpr (std::is_same_v<Sample, float>) {
      hn::StoreU(sum, df, out + i);
    } else {
      const auto clamped =
          hn::Min(hn::Max(sum, hn::Zero(df)), hn::Set(df, static_cast<float>(kMaxSample<Sample>)));
      hn::StoreU(hn::DemoteTo(din, hn::NearestInt(clamped)), din, out + i);
    }
  }
#endif
  for (; i < samples; ++i) {
    float sum = offset;
    for (std::size_t t = 0; t < taps; ++t) {
      sum += tap_weights[t] * static_cast<float>(sources[t][i]);
    }
    out[i] = FloatToSample<Sample>(sum);
  }
}

void ConvolveRowFloat8(const std::uint8_t* const* rows, int step, const float* weights, int width,
                       int height, float offset, std::uint8_t* out, std::size_t samples) {
  ConvolveRowFloatOf(rows, step, weights, width, height, offset, out, samples);
}
void ConvolveRowFloat16(const std::uint16_t* const* rows, int step, const float* weights, int width,
                        int height, float offset, std::uint16_t* out, std::size_t samples) {
  ConvolveRowFloatOf(rows, step, weights, width, height, offset, out, samples);
}
void ConvolveRowFloat32(const float* const* rows, int step, const float* weights, int width,
                        int height, float offset, float* out, std::size_t samples) {
  ConvolveRowFloatOf(rows, step, weights, width, height, offset, out, samples);
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {
HWY_EXPORT(ConvolveRow8);
HWY_EXPORT(ConvolveRow16);
HWY_EXPORT(ConvolveRowFloat8);
HWY_EXPORT(ConvolveRowFloat16);
HWY_EXPORT(ConvolveRowFloat32);
void convolve_row(const std::uint8_t* const* rows, int step, const std::int32_t* weights, int width,
                  int height, double divisor, double offset, std::uint8_t* out,
                  std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(ConvolveRow8)
  (rows, step, weights, width, height, divisor, offset, out, samples);
}
void convolve_row(const std::uint16_t* const* rows, int step, const std::int32_t* weights,
                  int width, int height, double divisor, double offset, std::uint16_t* out,
                  std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(ConvolveRow16)
  (rows, step, weights, width, height, divisor, offset, out, samples);
}
void convolve_row_float(const std::uint8_t* const* rows, int step, const float* weights, int width,
                        int height, float offset, std::uint8_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(ConvolveRowFloat8)
  (rows, step, weights, width, height, offset, out, samples);
}
void convolve_row_float(const std::uint16_t* const* rows, int step, const float* weights, int width,
                        int height, float offset, std::uint16_t* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(ConvolveRowFloat16)
  (rows, step, weights, width, height, offset, out, samples);
}
void convolve_row_float(const float* const* rows, int step, const float* weights, int width,
                        int height, float offset, float* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(ConvolveRowFloat32)
  (rows, step, weights, width, height, offset, out, samples);
}
}  // namespace tessera::ops::simd
#endif
