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
  // What the 3x3 fast path looks for in the rows it loads (see FloatBitsKeys): for floats
  // compared as floats, NaNs; integers need no look.
  template <class D>
  static HWY_INLINE auto LookStart(D d) {
    return hn::FirstN(d, 0);  // none seen
  }
  template <class D, class V, class Seen>
  static HWY_INLINE Seen Look(D /*d*/, V keys, Seen seen) {
    if constexpr (std::is_same_v<Sample, float>) return hn::Or(seen, hn::IsNaN(keys));
    (void)keys;
    return seen;
  }
  template <class D, class Seen>
  static HWY_INLINE bool AnySeen(D d, Seen seen) {
    return !hn::AllFalse(d, seen);
  }
  static bool SeenScalar(Sample sample) {
    if constexpr (std::is_same_v<Sample, float>) return std::isnan(sample);
    (void)sample;
    return false;
  }
};

// Keys that order every sample, so the 3x3 kernel has nothing to look for (see SampleKeys).
struct LooksForNothing {
  template <class D>
  static HWY_INLINE auto LookStart(D d) {
    return hn::FirstN(d, 0);
  }
  template <class D, class V, class Seen>
  static HWY_INLINE Seen Look(D /*d*/, V /*keys*/, Seen seen) {
    return seen;
  }
  template <class D, class Seen>
  static HWY_INLINE bool AnySeen(D /*d*/, Seen /*seen*/) {
    return false;
  }
  template <typename Sample>
  static bool SeenScalar(Sample /*sample*/) {
    return false;
  }
};

struct NanLastKeys : LooksForNothing {
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

// Floats compared as their bits, as int32: the order of non-negative numbers and +infinity
// (not of negative ones, -0 included, nor of NaNs). Integer Min and Max run at twice the rate
// of float ones on a Zen 3, which made a 3x3 f32 median 0.85x the time; the look is for any
// sample outside that range (its bits, unsigned, above +infinity's), one Max a vector.
struct FloatBitsKeys {
  using Key = std::int32_t;
  static constexpr std::uint32_t kInfinityBits = 0x7F800000u;
  template <class D>
  static HWY_INLINE auto Load(D d, const float* at) {
    const hn::Rebind<float, D> df;
    return hn::BitCast(d, hn::LoadU(df, at));
  }
  template <class D, class V>
  static HWY_INLINE void Store(D /*d*/, V keys, float* at) {
    const hn::Rebind<float, D> df;
    hn::StoreU(hn::BitCast(df, keys), df, at);
  }
  static Key ToKey(float sample) {
    Key key;
    std::memcpy(&key, &sample, sizeof key);
    return key;
  }
  static float FromKey(Key key) {
    float sample;
    std::memcpy(&sample, &key, sizeof sample);
    return sample;
  }
  template <class D>
  static HWY_INLINE auto LookStart(D /*d*/) {  // the largest bits seen, unsigned
    return hn::Zero(hn::RebindToUnsigned<D>());
  }
  template <class D, class V, class Seen>
  static HWY_INLINE Seen Look(D /*d*/, V keys, Seen largest) {
    return hn::Max(largest, hn::BitCast(hn::RebindToUnsigned<D>(), keys));
  }
  template <class D, class Seen>
  static HWY_INLINE bool AnySeen(D /*d*/, Seen largest) {
    const hn::RebindToUnsigned<D> du;
    return !hn::AllFalse(du, hn::Gt(largest, hn::Set(du, kInfinityBits)));
  }
  static bool SeenScalar(float sample) {
    std::uint32_t bits;
    std::memcpy(&bits, &sample, sizeof bits);
    return bits > kInfinityBits;
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
// in their middle column (the other columns are other calls' middle ones: see
// median5x5_row_unless_nan); the result says whether one was seen.
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

// One vector of 3x3 medians for each of kOutputs (1 or 2) rows, by Paeth's scheme: sort each
// column of three, then the median is the median of (the largest column minimum, the median of
// the column medians, the smallest column maximum). rows[k] + at is sample `at` of window row
// k; the columns are at - step, at and at + step. Two rows' windows share the pair of rows
// between them, which is sorted once. Everything stays in registers: a version that sorted
// each column once into scratch for the three outputs that use it did 18 Min/Max per vector
// where this does 27 for one output of two, but its 12 loads and 4 stores made it slower than
// OpenCV's single pass (33 Min/Max, 9 loads) on a Zen 3; this takes 6 loads and 1 store.
// Rows [kCheckFrom, kOutputs + 2) are looked at in their middle column for what the fast path
// Keys cannot take (see SampleKeys::Look).
template <typename Keys, int kOutputs, int kCheckFrom, class D, typename Sample, class M>
HWY_INLINE M Median3x3Vector(D d, const Sample* const* rows, std::size_t at, std::size_t step,
                             Sample* const* out, std::size_t out_at, M found) {
  constexpr int kRows = kOutputs + 2;
  using V = hn::Vec<D>;
  V lows[kOutputs][3], middles[kOutputs][3], highs[kOutputs][3];  // output, column
  for (int column = 0; column < 3; ++column) {
    const std::size_t from = at + column * step - step;
    V v[kRows];
    for (int k = 0; k < kRows; ++k) {
      v[k] = Keys::Load(d, rows[k] + from);
      if (column == 1 && k >= kCheckFrom) found = Keys::Look(d, v[k], found);
    }
    // Rows 1 and 2 are in every window; row 0 joins them for output 0, row 3 for output 1.
    const V pair_low = hn::Min(v[1], v[2]);
    const V pair_high = hn::Max(v[1], v[2]);
    for (int o = 0; o < kOutputs; ++o) {
      const V other = v[o == 0 ? 0 : 3];
      lows[o][column] = hn::Min(pair_low, other);
      middles[o][column] = hn::Max(pair_low, hn::Min(pair_high, other));
      highs[o][column] = hn::Max(pair_high, other);
    }
  }
  for (int o = 0; o < kOutputs; ++o) {
    const V largest_low = hn::Max(hn::Max(lows[o][0], lows[o][1]), lows[o][2]);
    const V middle_middle = Median3(middles[o][0], middles[o][1], middles[o][2]);
    const V smallest_high = hn::Min(hn::Min(highs[o][0], highs[o][1]), highs[o][2]);
    Keys::Store(d, Median3(largest_low, middle_middle, smallest_high), out[o] + out_at);
  }
  return found;
}

// A vector of outputs from copies of the samples their windows reach, the end pixel repeated
// past the row, for the vectors at the row's ends: outputs [first, first + lanes), moved back
// to end at the row's end if they would pass it (outputs made twice come out the same).
template <typename Keys, int kOutputs, int kCheckFrom, class D, typename Sample, class M>
HWY_NOINLINE M Median3x3FromCopies(D d, const Sample* const* rows, std::size_t step,
                                   std::size_t samples, std::size_t first, Sample* const* out,
                                   M found) {
  constexpr int kRows = kOutputs + 2;
  constexpr std::size_t kMaxStep = 4;  // channels
  constexpr std::size_t kMaxLanes = HWY_MAX_BYTES / sizeof(hn::TFromD<D>);
  const std::size_t lanes = hn::Lanes(d);
  first = std::min(first, samples - lanes);
  // copies[k][j] is sample first - step + j of row k, with the pixels outside the row (one at
  // most at each end) the end one.
  Sample copies[kRows][kMaxLanes + 2 * kMaxStep];
  const auto signed_step = static_cast<std::ptrdiff_t>(step);
  const auto signed_samples = static_cast<std::ptrdiff_t>(samples);
  for (std::size_t j = 0; j < lanes + 2 * step; ++j) {
    const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(first + j) - signed_step;
    const std::ptrdiff_t inside = at < 0                 ? at + signed_step
                                  : at >= signed_samples ? at - signed_step
                                                         : at;
    for (int k = 0; k < kRows; ++k) copies[k][j] = rows[k][inside];
  }
  const Sample* copy_rows[kRows];
  for (int k = 0; k < kRows; ++k) copy_rows[k] = copies[k];
  return Median3x3Vector<Keys, kOutputs, kCheckFrom>(d, copy_rows, step, step, out, first, found);
}

// 3x3 medians of whole rows, the border replicated: kOutputs (1 or 2) rows from kOutputs + 2.
// The vectors whose columns are all inside the row read it in place; the first and last vector
// of the row read small copies of its ends with the end pixel repeated (a copy of lanes + 2
// steps samples per row and end). Rows [kCheckFrom, kOutputs + 2) are looked at (every
// sample of them); the result says whether one was seen.
template <typename Keys, int kOutputs, int kCheckFrom = kOutputs + 2, typename Sample>
bool Median3x3Rows(const Sample* const* rows, std::size_t step, Sample* const* out,
                   std::size_t samples, const Sample* const* ahead) {
  static_assert(kOutputs == 1 || kOutputs == 2);
  constexpr int kRows = kOutputs + 2;
  using Key = typename Keys::Key;
  const hn::ScalableTag<Key> d;
  const std::size_t lanes = hn::Lanes(d);
  if (samples < lanes) {  // a row shorter than a vector, one sample at a time
    for (int row = 0; row < kOutputs; ++row) {
      for (std::size_t i = 0; i < samples; ++i) {
        const std::size_t left = i >= step ? i - step : i;
        const std::size_t right = i + step < samples ? i + step : i;
        Key v[9];
        for (int k = 0; k < 3; ++k) {
          v[3 * k] = Keys::ToKey(rows[row + k][left]);
          v[3 * k + 1] = Keys::ToKey(rows[row + k][i]);
          v[3 * k + 2] = Keys::ToKey(rows[row + k][right]);
        }
        RunNetwork<9>(v);
        out[row][i] = Keys::FromKey(v[4]);
      }
    }
    for (int k = kCheckFrom; k < kRows; ++k) {
      for (std::size_t i = 0; i < samples; ++i) {
        if (Keys::SeenScalar(rows[k][i])) return true;
      }
    }
    return false;
  }
  auto found = Keys::LookStart(d);
  // The rows the next call takes are fetched while these are worked on: the hardware's own
  // prefetch restarts at every row, and waiting for a new row's first lines cost a third of an
  // f32 median's time. Without one, the newest row is "fetched" again, which costs nothing.
  const Sample* fetch[kOutputs];
  for (int k = 0; k < kOutputs; ++k) {
    fetch[k] = ahead != nullptr && ahead[k] != nullptr ? ahead[k] : rows[kRows - 1];
  }
  // Local copies: stores through out[o] would otherwise make the compiler load the pointers
  // again for every vector.
  const Sample* in[kRows];
  for (int k = 0; k < kRows; ++k) in[k] = rows[k];
  Sample* to[kOutputs];
  for (int o = 0; o < kOutputs; ++o) to[o] = out[o];
  // Inside: vectors at [step, samples - step - lanes], the last one moved back to end there.
  const bool has_inside = samples >= lanes + 2 * step;
  if (has_inside) {
    const std::size_t last = samples - step - lanes;
    for (std::size_t at = step;; at = std::min(at + lanes, last)) {
      for (int k = 0; k < kOutputs; ++k) hwy::Prefetch(fetch[k] + at);
      found = Median3x3Vector<Keys, kOutputs, kCheckFrom>(d, in, at, step, to, at, found);
      if (at == last) break;
    }
  }
  // With an inside, the outputs whose windows reach past the row: `step` at each end (several
  // vectors on targets with fewer lanes than channels); without one, all.
  if (has_inside) {
    for (std::size_t first = 0; first < step; first += lanes) {
      found =
          Median3x3FromCopies<Keys, kOutputs, kCheckFrom>(d, in, step, samples, first, to, found);
    }
    for (std::size_t first = samples - step; first < samples; first += lanes) {
      found =
          Median3x3FromCopies<Keys, kOutputs, kCheckFrom>(d, in, step, samples, first, to, found);
    }
  } else {
    for (std::size_t first = 0; first < samples; first += lanes) {
      found =
          Median3x3FromCopies<Keys, kOutputs, kCheckFrom>(d, in, step, samples, first, to, found);
    }
  }
  return Keys::AnySeen(d, found);
}

// The kernel for `outputs` rows, looking for NaNs in window rows [kCheckFrom, outputs + 2)
// (none with the default).
template <typename Keys, int kCheckFrom = 4, typename Sample>
bool Median3x3RowsOf(int outputs, const Sample* const* rows, int step, Sample* const* out,
                     std::size_t samples, const Sample* const* ahead) {
  const auto at = static_cast<std::size_t>(step);
  if (outputs == 2) return Median3x3Rows<Keys, 2, kCheckFrom>(rows, at, out, samples, ahead);
  return Median3x3Rows<Keys, 1, std::min(kCheckFrom, 3)>(rows, at, out, samples, ahead);
}

void Median3x3Rows8(const std::uint8_t* const* rows, int outputs, int step,
                    std::uint8_t* const* out, std::size_t samples,
                    const std::uint8_t* const* ahead) {
  Median3x3RowsOf<SampleKeys<std::uint8_t>>(outputs, rows, step, out, samples, ahead);
}
void Median3x3Rows16(const std::uint16_t* const* rows, int outputs, int step,
                     std::uint16_t* const* out, std::size_t samples,
                     const std::uint16_t* const* ahead) {
  Median3x3RowsOf<SampleKeys<std::uint16_t>>(outputs, rows, step, out, samples, ahead);
}
void Median3x3RowsFloat(const float* const* rows, int outputs, int step, float* const* out,
                        std::size_t samples, const float* const* ahead) {
  Median3x3RowsOf<NanLastKeys>(outputs, rows, step, out, samples, ahead);
}
// Floats on a fast path, looking on the way for what it cannot take in rows [check_from,
// outputs + 2) (0: all, 2: the newest two, more: none): converting every load to a NaN-last key
// made f32 medians 1.3x OpenCV's time.
template <typename Keys>
bool Median3x3RowsFloatOn(const float* const* rows, int outputs, int step, float* const* out,
                          std::size_t samples, const float* const* ahead, int check_from) {
  if (check_from >= outputs + 2) {
    return Median3x3RowsOf<Keys, 4>(outputs, rows, step, out, samples, ahead);
  }
  if (check_from >= 2) return Median3x3RowsOf<Keys, 2>(outputs, rows, step, out, samples, ahead);
  // All: more than asked is safe.
  return Median3x3RowsOf<Keys, 0>(outputs, rows, step, out, samples, ahead);
}
bool Median3x3RowsFloatUnless(FloatFastPath path, const float* const* rows, int outputs, int step,
                              float* const* out, std::size_t samples, const float* const* ahead,
                              int check_from) {
  if (path == FloatFastPath::Bits) {
    return Median3x3RowsFloatOn<FloatBitsKeys>(rows, outputs, step, out, samples, ahead,
                                               check_from);
  }
  return Median3x3RowsFloatOn<SampleKeys<float>>(rows, outputs, step, out, samples, ahead,
                                                 check_from);
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
HWY_EXPORT(Median3x3Rows8);
HWY_EXPORT(Median3x3Rows16);
HWY_EXPORT(Median3x3RowsFloat);
HWY_EXPORT(Median3x3RowsFloatUnless);
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

void median3x3_rows(const std::uint8_t* const* rows, int outputs, int step,
                    std::uint8_t* const* out, std::size_t samples,
                    const std::uint8_t* const* ahead) {
  HWY_DYNAMIC_DISPATCH(Median3x3Rows8)(rows, outputs, step, out, samples, ahead);
}
void median3x3_rows(const std::uint16_t* const* rows, int outputs, int step,
                    std::uint16_t* const* out, std::size_t samples,
                    const std::uint16_t* const* ahead) {
  HWY_DYNAMIC_DISPATCH(Median3x3Rows16)(rows, outputs, step, out, samples, ahead);
}
void median3x3_rows(const float* const* rows, int outputs, int step, float* const* out,
                    std::size_t samples, const float* const* ahead) {
  HWY_DYNAMIC_DISPATCH(Median3x3RowsFloat)(rows, outputs, step, out, samples, ahead);
}
bool median3x3_rows_unless(FloatFastPath path, const float* const* rows, int outputs, int step,
                           float* const* out, std::size_t samples, const float* const* ahead,
                           int check_from) {
  return HWY_DYNAMIC_DISPATCH(Median3x3RowsFloatUnless)(path, rows, outputs, step, out, samples,
                                                        ahead, check_from);
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
