// Minimum, maximum and median filters with Highway, compiled for every SIMD target and picked
// at run time. Medians run a selection network (median_network.h) on whole vectors: each
// compare-exchange is one Min and one Max over a vector of neighbouring pixels; u8, u16 and
// float (as ordered int32 keys, NaN last) share the kernels.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/rank_rows.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <utility>

#include "ops/median_network.h"
#include "ops/simd/for_each_vector-inl.h"
#include "ops/simd/rank_rows.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class V>
V Pick(Extreme extreme, V a, V b) {
  return extreme == Extreme::Minimum ? hn::Min(a, b) : hn::Max(a, b);
}

std::uint8_t PickScalar(Extreme extreme, std::uint8_t a, std::uint8_t b) {
  return extreme == Extreme::Minimum ? std::min(a, b) : std::max(a, b);
}

void ExtremeRow(const std::uint8_t* in, int step, int taps, Extreme extreme, std::uint8_t* out,
                std::size_t samples) {
  const hn::ScalableTag<std::uint8_t> d;
  const std::size_t lanes = hn::Lanes(d);
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) {
    auto result = hn::LoadU(d, in + i);
    for (int t = 1; t < taps; ++t) {
      result = Pick(extreme, result, hn::LoadU(d, in + static_cast<std::ptrdiff_t>(t) * step + i));
    }
    hn::StoreU(result, d, out + i);
  }
  for (; i < samples; ++i) {
    std::uint8_t result = in[i];
    for (int t = 1; t < taps; ++t) result = PickScalar(extreme, result, in[t * step + i]);
    out[i] = result;
  }
}

void ExtremeColumn(const std::uint8_t* const* rows, int taps, Extreme extreme, std::uint8_t* out,
                   std::size_t samples) {
  const hn::ScalableTag<std::uint8_t> d;
  const std::size_t lanes = hn::Lanes(d);
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) {
    auto result = hn::LoadU(d, rows[0] + i);
    for (int k = 1; k < taps; ++k) result = Pick(extreme, result, hn::LoadU(d, rows[k] + i));
    hn::StoreU(result, d, out + i);
  }
  for (; i < samples; ++i) {
    std::uint8_t result = rows[0][i];
    for (int k = 1; k < taps; ++k) result = PickScalar(extreme, result, rows[k][i]);
    out[i] = result;
  }
}

// Min and Max for the scalar tail; vectors find Highway's through argument-dependent lookup.
template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T>>>
HWY_INLINE T Min(T a, T b) {
  return std::min(a, b);
}
template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T>>>
HWY_INLINE T Max(T a, T b) {
  return std::max(a, b);
}

// Runs the whole network on `values`, unrolled: with every index a constant, the values stay in
// registers (25 vectors fit AVX-512's 32).
template <int kCount, class T, std::size_t... kExchange>
HWY_INLINE void RunNetwork(T* values, std::index_sequence<kExchange...>) {
  constexpr auto& network = detail::kMedianNetwork<kCount>;
  const auto exchange = [values](std::size_t a, std::size_t b) HWY_ATTR {
    const T low = Min(values[a], values[b]);
    values[b] = Max(values[a], values[b]);
    values[a] = low;
  };
  (exchange(network[kExchange].first, network[kExchange].second), ...);
}

template <int kCount, class T>
HWY_INLINE void RunNetwork(T* values) {
  RunNetwork<kCount>(values, std::make_index_sequence<detail::kMedianNetwork<kCount>.size()>());
}

// How the networks order a sample type: as the samples themselves (integers, and floats when
// the window holds no NaN, where Min and Max are exact), or, for floats with NaNs, as int32 keys
// whose signed order is the floats' order with every NaN above +infinity (the magnitude bits of
// negative numbers flipped, NaNs made one quiet NaN first; the map is its own inverse on
// everything but NaN payloads). Min and Max alone have no order once a NaN is compared.
template <typename Sample>
struct SampleKeys {
  using Key = Sample;
  template <class D>
  static HWY_INLINE auto Load(D d, const Sample* at) {
    return hn::LoadU(d, at);
  }
  template <class D, class V>
  static HWY_INLINE void Store(D d, V keys, Sample* at) {
    hn::StoreU(keys, d, at);
  }
  static Key ToKey(Sample sample) { return sample; }
  static Sample FromKey(Key key) { return key; }
};

struct NanLastKeys {
  using Key = std::int32_t;
  static constexpr std::int32_t kQuietNaN = 0x7FC00000;
  template <class D>
  static HWY_INLINE auto Load(D d, const float* at) {
    const hn::Rebind<float, D> df;
    const auto samples = hn::LoadU(df, at);
    const auto bits = hn::IfThenElse(hn::RebindMask(d, hn::IsNaN(samples)), hn::Set(d, kQuietNaN),
                                     hn::BitCast(d, samples));
    return Flip(d, bits);
  }
  template <class D, class V>
  static HWY_INLINE void Store(D d, V keys, float* at) {
    const hn::Rebind<float, D> df;
    hn::StoreU(hn::BitCast(df, Flip(d, keys)), df, at);
  }
  template <class D, class V>
  static HWY_INLINE V Flip(D d, V bits) {
    return hn::Xor(bits, hn::And(hn::BroadcastSignBit(bits), hn::Set(d, 0x7FFFFFFF)));
  }
  static Key ToKey(float sample) {
    std::int32_t bits = kQuietNaN;
    if (!std::isnan(sample)) std::memcpy(&bits, &sample, sizeof bits);
    return bits < 0 ? bits ^ 0x7FFFFFFF : bits;
  }
  static float FromKey(Key key) {
    const std::int32_t bits = key < 0 ? key ^ 0x7FFFFFFF : key;
    float sample;
    std::memcpy(&sample, &bits, sizeof sample);
    return sample;
  }
};

// Whether any of the `samples` floats at `at` is a NaN.
bool AnyNaN(const float* at, std::size_t samples) {
  const hn::ScalableTag<float> d;
  const std::size_t lanes = hn::Lanes(d);
  std::size_t i = 0;
  auto found = hn::FirstN(d, 0);  // none
  for (; i + lanes <= samples; i += lanes) found = hn::Or(found, hn::IsNaN(hn::LoadU(d, at + i)));
  if (!hn::AllFalse(d, found)) return true;
  for (; i < samples; ++i) {
    if (std::isnan(at[i])) return true;
  }
  return false;
}

template <int kSize, typename Keys, typename Sample>
void MedianRowImpl(const Sample* const* rows, int step, Sample* out, std::size_t samples) {
  constexpr int kCount = kSize * kSize;
  using Key = typename Keys::Key;
  const hn::ScalableTag<Key> d;
  ForEachVector(
      samples, hn::Lanes(d),
      [&](std::size_t i) HWY_ATTR {
        hn::Vec<decltype(d)> v[kCount];
        for (int ky = 0; ky < kSize; ++ky) {
          for (int kx = 0; kx < kSize; ++kx)
            v[ky * kSize + kx] = Keys::Load(d, rows[ky] + kx * step + i);
        }
        RunNetwork<kCount>(v);
        Keys::Store(d, v[kCount / 2], out + i);
      },
      [&](std::size_t i) {
        Key s[kCount];
        for (int ky = 0; ky < kSize; ++ky) {
          for (int kx = 0; kx < kSize; ++kx)
            s[ky * kSize + kx] = Keys::ToKey(rows[ky][kx * step + i]);
        }
        RunNetwork<kCount>(s);
        out[i] = Keys::FromKey(s[kCount / 2]);
      });
}

// The median of 3 values: max(min(a, b), min(max(a, b), c)).
template <class V>
V Median3(V a, V b, V c) {
  return hn::Max(hn::Min(a, b), hn::Min(hn::Max(a, b), c));
}

// 3x3 medians by Paeth's scheme, which needs 19 exchanges where a general network needs more:
// sort each column of three, then the median is the median of (the largest column minimum,
// the median of the column medians, the smallest column maximum).
template <typename Keys, typename Sample>
void Median3x3Row(const Sample* const* rows, int step, Sample* out, std::size_t samples) {
  const hn::ScalableTag<typename Keys::Key> d;
  if (samples < hn::Lanes(d)) {
    MedianRowImpl<3, Keys>(rows, step, out, samples);
    return;
  }
  ForEachVector(
      samples, hn::Lanes(d),
      [&](std::size_t i) {
        hn::Vec<decltype(d)> low[3], middle[3], high[3];
        for (int kx = 0; kx < 3; ++kx) {
          const std::size_t at = i + static_cast<std::size_t>(kx * step);
          const auto a = Keys::Load(d, rows[0] + at);
          const auto b = Keys::Load(d, rows[1] + at);
          const auto c = Keys::Load(d, rows[2] + at);
          const auto ab_low = hn::Min(a, b);
          const auto ab_high = hn::Max(a, b);
          low[kx] = hn::Min(ab_low, c);
          high[kx] = hn::Max(ab_high, c);
          middle[kx] = hn::Max(ab_low, hn::Min(ab_high, c));
        }
        const auto largest_low = hn::Max(hn::Max(low[0], low[1]), low[2]);
        const auto smallest_high = hn::Min(hn::Min(high[0], high[1]), high[2]);
        const auto middle_middle = Median3(middle[0], middle[1], middle[2]);
        Keys::Store(d, Median3(largest_low, middle_middle, smallest_high), out + i);
      },
      [](std::size_t) {});
}

template <typename Keys, typename Sample>
void MedianRowOf(const Sample* const* rows, int ksize, int step, Sample* out, std::size_t samples) {
  if (ksize == 3) {
    Median3x3Row<Keys>(rows, step, out, samples);
  } else {
    MedianRowImpl<5, Keys>(rows, step, out, samples);
  }
}

void MedianRow(const std::uint8_t* const* rows, int ksize, int step, std::uint8_t* out,
               std::size_t samples) {
  MedianRowOf<SampleKeys<std::uint8_t>>(rows, ksize, step, out, samples);
}
void MedianRow16(const std::uint16_t* const* rows, int ksize, int step, std::uint16_t* out,
                 std::size_t samples) {
  MedianRowOf<SampleKeys<std::uint16_t>>(rows, ksize, step, out, samples);
}
// Floats as they are unless the window holds a NaN: converting every load to a key made f32
// medians 1.3x OpenCV's time, and one scan of each row for NaNs (by the caller) costs far less.
void MedianRowFloat(const float* const* rows, int ksize, int step, float* out, std::size_t samples,
                    bool any_nan) {
  if (any_nan) return MedianRowOf<NanLastKeys>(rows, ksize, step, out, samples);
  MedianRowOf<SampleKeys<float>>(rows, ksize, step, out, samples);
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {

HWY_EXPORT(ExtremeRow);
HWY_EXPORT(ExtremeColumn);
HWY_EXPORT(MedianRow);
HWY_EXPORT(MedianRow16);
HWY_EXPORT(MedianRowFloat);
HWY_EXPORT(AnyNaN);

void extreme_row(const std::uint8_t* in, int step, int taps, Extreme extreme, std::uint8_t* out,
                 std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(ExtremeRow)(in, step, taps, extreme, out, samples);
}

void extreme_column(const std::uint8_t* const* rows, int taps, Extreme extreme, std::uint8_t* out,
                    std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(ExtremeColumn)(rows, taps, extreme, out, samples);
}

void median_row(const std::uint8_t* const* rows, int ksize, int step, std::uint8_t* out,
                std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(MedianRow)(rows, ksize, step, out, samples);
}
void median_row(const std::uint16_t* const* rows, int ksize, int step, std::uint16_t* out,
                std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(MedianRow16)(rows, ksize, step, out, samples);
}
void median_row(const float* const* rows, int ksize, int step, float* out, std::size_t samples,
                bool any_nan) {
  HWY_DYNAMIC_DISPATCH(MedianRowFloat)(rows, ksize, step, out, samples, any_nan);
}

bool any_nan(const float* samples, std::size_t count) {
  return HWY_DYNAMIC_DISPATCH(AnyNaN)(samples, count);
}

}  // namespace tessera::ops::simd
#endif
