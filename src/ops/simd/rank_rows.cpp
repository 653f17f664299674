// Minimum, maximum and median filters with Highway, compiled for every SIMD target and picked
// at run time. Medians run a selection network (median_network.h) on whole vectors: each
// compare-exchange is one Min and one Max over a vector of neighbouring pixels.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/rank_rows.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <algorithm>
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
HWY_INLINE std::uint8_t Min(std::uint8_t a, std::uint8_t b) { return std::min(a, b); }
HWY_INLINE std::uint8_t Max(std::uint8_t a, std::uint8_t b) { return std::max(a, b); }

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

template <int kSize>
void MedianRowImpl(const std::uint8_t* const* rows, int step, std::uint8_t* out,
                   std::size_t samples) {
  constexpr int kCount = kSize * kSize;
  const hn::ScalableTag<std::uint8_t> d;
  ForEachVector(
      samples, hn::Lanes(d),
      [&](std::size_t i) HWY_ATTR {
        hn::Vec<decltype(d)> v[kCount];
        for (int ky = 0; ky < kSize; ++ky) {
          for (int kx = 0; kx < kSize; ++kx)
            v[ky * kSize + kx] = hn::LoadU(d, rows[ky] + kx * step + i);
        }
        RunNetwork<kCount>(v);
        hn::StoreU(v[kCount / 2], d, out + i);
      },
      [&](std::size_t i) {
        std::uint8_t s[kCount];
        for (int ky = 0; ky < kSize; ++ky) {
          for (int kx = 0; kx < kSize; ++kx) s[ky * kSize + kx] = rows[ky][kx * step + i];
        }
        RunNetwork<kCount>(s);
        out[i] = s[kCount / 2];
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
void Median3x3Row(const std::uint8_t* const* rows, int step, std::uint8_t* out,
                  std::size_t samples) {
  const hn::ScalableTag<std::uint8_t> d;
  if (samples < hn::Lanes(d)) {
    MedianRowImpl<3>(rows, step, out, samples);
    return;
  }
  ForEachVector(
      samples, hn::Lanes(d),
      [&](std::size_t i) {
        hn::Vec<decltype(d)> low[3], middle[3], high[3];
        for (int kx = 0; kx < 3; ++kx) {
          const std::size_t at = i + static_cast<std::size_t>(kx * step);
          const auto a = hn::LoadU(d, rows[0] + at);
          const auto b = hn::LoadU(d, rows[1] + at);
          const auto c = hn::LoadU(d, rows[2] + at);
          const auto ab_low = hn::Min(a, b);
          const auto ab_high = hn::Max(a, b);
          low[kx] = hn::Min(ab_low, c);
          high[kx] = hn::Max(ab_high, c);
          middle[kx] = hn::Max(ab_low, hn::Min(ab_high, c));
        }
        const auto largest_low = hn::Max(hn::Max(low[0], low[1]), low[2]);
        const auto smallest_high = hn::Min(hn::Min(high[0], high[1]), high[2]);
        const auto middle_middle = Median3(middle[0], middle[1], middle[2]);
        hn::StoreU(Median3(largest_low, middle_middle, smallest_high), d, out + i);
      },
      [](std::size_t) {});
}

void MedianRow(const std::uint8_t* const* rows, int ksize, int step, std::uint8_t* out,
               std::size_t samples) {
  if (ksize == 3) {
    Median3x3Row(rows, step, out, samples);
  } else {
    MedianRowImpl<5>(rows, step, out, samples);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {

HWY_EXPORT(ExtremeRow);
HWY_EXPORT(ExtremeColumn);
HWY_EXPORT(MedianRow);

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

}  // namespace tessera::ops::simd
#endif
