// Minimum, maximum and median filters with Highway, compiled for every SIMD target and picked
// at run time. Medians run a selection network (median_network.h) on whole vectors: each
// compare-exchange is one Min and one Max over a vector of neighbouring pixels; u8, u16 and
// float (as ordered int32 keys, NaN last) share the kernels.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/rank_rows.cpp"
#include <hwy/cache_control.h>
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

// Whether a float at `at` is a NaN, for rows [kCheckFrom, rows) of a window: the fast float
// path looks for NaNs in the samples it loads anyway, where a separate scan of every row cost a
// quarter of a 3x3 median's time (the rows came from memory twice).
template <int kCheckFrom, class D, class V, class M>
HWY_INLINE M NoteNaN(D d, int row, V values, M found) {
  if constexpr (std::is_same_v<hn::TFromD<D>, float>) {
    if (row >= kCheckFrom) return hn::Or(found, hn::IsNaN(values));
  }
  (void)d;
  (void)row;
  (void)values;
  return found;
}

template <int kCheckFrom, typename Sample>
bool AnyNaNScalar(const Sample* const* rows, int count, std::size_t from, std::size_t end) {
  if constexpr (std::is_same_v<Sample, float>) {
    for (int k = kCheckFrom; k < count; ++k) {
      for (std::size_t i = from; i < end; ++i) {
        if (std::isnan(rows[k][i])) return true;
      }
    }
  }
  (void)rows;
  (void)count;
  (void)from;
  (void)end;
  return false;
}

// kSize x kSize medians by the general network. Rows [kCheckFrom, kSize) are looked at for NaNs
// in their middle column (the other columns are other calls' middle ones: see median_row); the
// result says whether one was seen.
template <int kSize, typename Keys, int kCheckFrom = kSize, typename Sample>
bool MedianRowImpl(const Sample* const* rows, int step, Sample* out, std::size_t samples) {
  constexpr int kCount = kSize * kSize;
  constexpr int kMiddle = kSize / 2;
  using Key = typename Keys::Key;
  const hn::ScalableTag<Key> d;
  auto found = hn::FirstN(d, 0);  // none
  ForEachVector(
      samples, hn::Lanes(d),
      [&](std::size_t i) HWY_ATTR {
        hn::Vec<decltype(d)> v[kCount];
        for (int ky = 0; ky < kSize; ++ky) {
          for (int kx = 0; kx < kSize; ++kx)
            v[ky * kSize + kx] = Keys::Load(d, rows[ky] + kx * step + i);
          found = NoteNaN<kCheckFrom>(d, ky, v[ky * kSize + kMiddle], found);
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
  if (samples < hn::Lanes(d)) {
    const std::size_t middle = static_cast<std::size_t>(kMiddle * step);
    return AnyNaNScalar<kCheckFrom>(rows, kSize, middle, middle + samples);
  }
  return !hn::AllFalse(d, found);
}

// The median of 3 values: max(min(a, b), min(max(a, b), c)).
template <class V>
V Median3(V a, V b, V c) {
  return hn::Max(hn::Min(a, b), hn::Min(hn::Max(a, b), c));
}

// 3x3 medians of whole rows, the border replicated, by Paeth's scheme: sort each column of
// three, then the median is the median of (the largest column minimum, the median of the column
// medians, the smallest column maximum). Each column serves three outputs, so a row is done in
// chunks of two passes: the chunk's columns sorted once into scratch on the stack (with the
// column past each end of the row a copy of the end one), then each output made from three of
// them: 18 Min/Max per vector where sorting each output's own columns took 30. The ends are
// made with the rest: handing them to separate calls on padded copies cost a fifth of a u16
// row's time. Rows [kCheckFrom, 3) are looked at for NaNs as the columns are loaded (every
// sample of them); the result says whether one was seen.
template <typename Keys, int kCheckFrom = 3, typename Sample>
bool Median3x3Row(const Sample* const* rows, std::size_t step, Sample* out, std::size_t samples,
                  const Sample* ahead) {
  using Key = typename Keys::Key;
  const hn::ScalableTag<Key> d;
  const std::size_t lanes = hn::Lanes(d);
  if (samples < lanes) {  // a row shorter than a vector, one sample at a time
    for (std::size_t i = 0; i < samples; ++i) {
      const std::size_t left = i >= step ? i - step : i;
      const std::size_t right = i + step < samples ? i + step : i;
      Key v[9];
      for (int k = 0; k < 3; ++k) {
        v[3 * k] = Keys::ToKey(rows[k][left]);
        v[3 * k + 1] = Keys::ToKey(rows[k][i]);
        v[3 * k + 2] = Keys::ToKey(rows[k][right]);
      }
      RunNetwork<9>(v);
      out[i] = Keys::FromKey(v[4]);
    }
    return AnyNaNScalar<kCheckFrom>(rows, 3, 0, samples);
  }
  constexpr std::size_t kChunk = 256;  // scratch in L1 beside the rows' chunks
  constexpr std::size_t kMaxStep = 4;  // channels
  Key low[kChunk + 2 * kMaxStep];
  Key middle[kChunk + 2 * kMaxStep];
  Key high[kChunk + 2 * kMaxStep];
  // The row after rows[2] is fetched while this one is worked on: the hardware's own prefetch
  // restarts at every row, and waiting for the new row's first lines cost a third of an f32
  // median's time. Without one, rows[2] is "fetched" again, which costs nothing.
  if (ahead == nullptr) ahead = rows[2];
  auto found = hn::FirstN(d, 0);  // none
  for (std::size_t from = 0; from < samples; from += kChunk) {
    // A last chunk shorter than a vector is moved back to end at the row's end instead: the
    // outputs it makes again come out the same.
    std::size_t count = std::min(kChunk, samples - from);
    if (count < lanes) {
      from = samples - lanes;
      count = lanes;
    }
    // Scratch index j holds the column at sample from - step + j; the columns inside the row
    // are sorted, the ones outside copied from the end columns.
    const std::size_t first = from >= step ? from - step : 0;
    const std::size_t end = std::min(from + count + step, samples);
    const std::size_t offset = first + step - from;  // scratch index of sample `first`
    ForEachVector(
        end - first, lanes,
        [&](std::size_t i) HWY_ATTR {
          const auto a = Keys::Load(d, rows[0] + first + i);
          const auto b = Keys::Load(d, rows[1] + first + i);
          const auto c = Keys::Load(d, rows[2] + first + i);
          hwy::Prefetch(ahead + first + i);
          found = NoteNaN<kCheckFrom>(d, 0, a, found);
          found = NoteNaN<kCheckFrom>(d, 1, b, found);
          found = NoteNaN<kCheckFrom>(d, 2, c, found);
          const auto ab_low = hn::Min(a, b);
          const auto ab_high = hn::Max(a, b);
          hn::StoreU(hn::Min(ab_low, c), d, low + offset + i);
          hn::StoreU(hn::Max(ab_high, c), d, high + offset + i);
          hn::StoreU(hn::Max(ab_low, hn::Min(ab_high, c)), d, middle + offset + i);
        },
        [](std::size_t) {});
    // A column left of the row is the first pixel's, one right of it the last pixel's.
    const auto copy_column = [&](std::size_t to, std::size_t source) {
      low[to] = low[source];
      middle[to] = middle[source];
      high[to] = high[source];
    };
    for (std::size_t j = 0; j + from < step; ++j) copy_column(j, j + step);
    for (std::size_t at = samples; at < from + count + step; ++at) {
      copy_column(at - from + step, at - from);
    }
    ForEachVector(
        count, lanes,
        [&](std::size_t i) HWY_ATTR {
          const std::size_t j = i + step, k = j + step;
          const auto largest_low =
              hn::Max(hn::Max(hn::LoadU(d, low + i), hn::LoadU(d, low + j)), hn::LoadU(d, low + k));
          const auto smallest_high = hn::Min(
              hn::Min(hn::LoadU(d, high + i), hn::LoadU(d, high + j)), hn::LoadU(d, high + k));
          const auto middle_middle =
              Median3(hn::LoadU(d, middle + i), hn::LoadU(d, middle + j), hn::LoadU(d, middle + k));
          Keys::Store(d, Median3(largest_low, middle_middle, smallest_high), out + from + i);
        },
        [](std::size_t) {});
  }
  return !hn::AllFalse(d, found);
}

void Median3x3Row8(const std::uint8_t* const* rows, int step, std::uint8_t* out,
                   std::size_t samples, const std::uint8_t* ahead) {
  Median3x3Row<SampleKeys<std::uint8_t>>(rows, static_cast<std::size_t>(step), out, samples, ahead);
}
void Median3x3Row16(const std::uint16_t* const* rows, int step, std::uint16_t* out,
                    std::size_t samples, const std::uint16_t* ahead) {
  Median3x3Row<SampleKeys<std::uint16_t>>(rows, static_cast<std::size_t>(step), out, samples,
                                          ahead);
}
void Median3x3RowFloat(const float* const* rows, int step, float* out, std::size_t samples,
                       const float* ahead) {
  Median3x3Row<NanLastKeys>(rows, static_cast<std::size_t>(step), out, samples, ahead);
}
// Floats as they are, looking for NaNs in rows [check_from, 3) on the way (0, 2 or 3: all, the
// newest, none): converting every load to a key made f32 medians 1.3x OpenCV's time.
bool Median3x3RowFloatUnlessNaN(const float* const* rows, int step, float* out, std::size_t samples,
                                const float* ahead, int check_from) {
  using Keys = SampleKeys<float>;
  const auto at = static_cast<std::size_t>(step);
  if (check_from >= 3) return Median3x3Row<Keys, 3>(rows, at, out, samples, ahead);
  if (check_from == 2) return Median3x3Row<Keys, 2>(rows, at, out, samples, ahead);
  return Median3x3Row<Keys, 0>(rows, at, out, samples, ahead);  // all: more than asked is safe
}

void Median5x5Row8(const std::uint8_t* const* rows, int step, std::uint8_t* out,
                   std::size_t samples) {
  MedianRowImpl<5, SampleKeys<std::uint8_t>>(rows, step, out, samples);
}
void Median5x5Row16(const std::uint16_t* const* rows, int step, std::uint16_t* out,
                    std::size_t samples) {
  MedianRowImpl<5, SampleKeys<std::uint16_t>>(rows, step, out, samples);
}
void Median5x5RowFloat(const float* const* rows, int step, float* out, std::size_t samples) {
  MedianRowImpl<5, NanLastKeys>(rows, step, out, samples);
}
bool Median5x5RowFloatUnlessNaN(const float* const* rows, int step, float* out, std::size_t samples,
                                int check_from) {
  using Keys = SampleKeys<float>;
  if (check_from >= 5) return MedianRowImpl<5, Keys, 5>(rows, step, out, samples);
  if (check_from == 4) return MedianRowImpl<5, Keys, 4>(rows, step, out, samples);
  return MedianRowImpl<5, Keys, 0>(rows, step, out, samples);
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {

HWY_EXPORT(ExtremeRow);
HWY_EXPORT(ExtremeColumn);
HWY_EXPORT(Median3x3Row8);
HWY_EXPORT(Median3x3Row16);
HWY_EXPORT(Median3x3RowFloat);
HWY_EXPORT(Median3x3RowFloatUnlessNaN);
HWY_EXPORT(Median5x5Row8);
HWY_EXPORT(Median5x5Row16);
HWY_EXPORT(Median5x5RowFloat);
HWY_EXPORT(Median5x5RowFloatUnlessNaN);

void extreme_row(const std::uint8_t* in, int step, int taps, Extreme extreme, std::uint8_t* out,
                 std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(ExtremeRow)(in, step, taps, extreme, out, samples);
}

void extreme_column(const std::uint8_t* const* rows, int taps, Extreme extreme, std::uint8_t* out,
                    std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(ExtremeColumn)(rows, taps, extreme, out, samples);
}

void median3x3_row(const std::uint8_t* const* rows, int step, std::uint8_t* out,
                   std::size_t samples, const std::uint8_t* ahead) {
  HWY_DYNAMIC_DISPATCH(Median3x3Row8)(rows, step, out, samples, ahead);
}
void median3x3_row(const std::uint16_t* const* rows, int step, std::uint16_t* out,
                   std::size_t samples, const std::uint16_t* ahead) {
  HWY_DYNAMIC_DISPATCH(Median3x3Row16)(rows, step, out, samples, ahead);
}
void median3x3_row(const float* const* rows, int step, float* out, std::size_t samples,
                   const float* ahead) {
  HWY_DYNAMIC_DISPATCH(Median3x3RowFloat)(rows, step, out, samples, ahead);
}
bool median3x3_row_unless_nan(const float* const* rows, int step, float* out, std::size_t samples,
                              const float* ahead, int check_from) {
  return HWY_DYNAMIC_DISPATCH(Median3x3RowFloatUnlessNaN)(rows, step, out, samples, ahead,
                                                          check_from);
}

void median5x5_row(const std::uint8_t* const* rows, int step, std::uint8_t* out,
                   std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(Median5x5Row8)(rows, step, out, samples);
}
void median5x5_row(const std::uint16_t* const* rows, int step, std::uint16_t* out,
                   std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(Median5x5Row16)(rows, step, out, samples);
}
void median5x5_row(const float* const* rows, int step, float* out, std::size_t samples) {
  HWY_DYNAMIC_DISPATCH(Median5x5RowFloat)(rows, step, out, samples);
}
bool median5x5_row_unless_nan(const float* const* rows, int step, float* out, std::size_t samples,
                              int check_from) {
  return HWY_DYNAMIC_DISPATCH(Median5x5RowFloatUnlessNaN)(rows, step, out, samples, check_from);
}

}  // namespace tessera::ops::simd
#endif
