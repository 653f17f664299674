// 2x2 means with Highway, compiled for every SIMD target and picked at run time. Pixels are
// split into channel planes (LoadInterleaved), each plane's even and odd pixels are added in
// 16 bits, and the planes are interleaved again on the way out.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/halve.cpp"
#include <hwy/cache_control.h>
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <type_traits>

#include "ops/simd/halve.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// One 2x2 mean in scalar code: integers (a + b + c + d + 2) >> 2, floats summed in that order
// and scaled by 0.25, as cv::resize's fast area path computes them.
template <typename T>
T MeanOf(T a, T b, T c, T d) {
  if constexpr (std::is_same_v<T, float>) {
    return (a + b + c + d) * 0.25f;
  } else {
    return static_cast<T>((a + b + c + d + 2) >> 2);
  }
}

// Fetches `bytes` bytes from `at` into cache: the next pair of rows, a step ahead of the pair
// being read. Halving reads two rows for each row it writes, and the hardware's prefetch, which
// starts again at every row, left a u16 halving waiting on memory (1.1x OpenCV's time).
template <std::size_t kBytes, typename T>
HWY_INLINE void FetchAhead(const T* at) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(at);
  for (std::size_t b = 0; b < kBytes; b += 64) hwy::Prefetch(bytes + b);
}

// Pixels [from, out_width) of a row, one mean at a time: what whole vectors leave.
template <int kChannels, typename T>
void HalveTail(const T* top, const T* bottom, T* out, std::size_t from, std::size_t out_width) {
  for (std::size_t x = from; x < out_width; ++x) {
    for (int c = 0; c < kChannels; ++c) {
      const std::size_t i = 2 * x * kChannels + c;
      out[x * kChannels + c] = MeanOf(top[i], top[i + kChannels], bottom[i], bottom[i + kChannels]);
    }
  }
}

// The one-lane fallback target lacks half vectors; it takes the scalar loop below.
#if HWY_TARGET != HWY_SCALAR
// Means of neighbouring pixel pairs of one plane from two rows: 2N u8 pixels in, N out.
template <class D8, class D16>
HWY_INLINE hn::Vec<hn::Rebind<std::uint8_t, D16>> PairMeans(D8 d8, D16 d16, hn::Vec<D8> top,
                                                            hn::Vec<D8> bottom) {
  const hn::Half<D8> half8;
  const auto low = hn::Add(hn::PromoteTo(d16, hn::LowerHalf(half8, top)),
                           hn::PromoteTo(d16, hn::LowerHalf(half8, bottom)));
  const auto high = hn::Add(hn::PromoteTo(d16, hn::UpperHalf(half8, top)),
                            hn::PromoteTo(d16, hn::UpperHalf(half8, bottom)));
  const auto sums = hn::Add(hn::ConcatEven(d16, high, low), hn::ConcatOdd(d16, high, low));
  const auto means = hn::ShiftRight<2>(hn::Add(sums, hn::Set(d16, 2)));
  (void)d8;
  return hn::DemoteTo(hn::Rebind<std::uint8_t, D16>(),
                      hn::BitCast(hn::RebindToSigned<D16>(), means));
}

#endif

template <int kChannels>
void HalveRowImpl(const std::uint8_t* top, const std::uint8_t* bottom, std::uint8_t* out,
                  std::size_t out_width, [[maybe_unused]] const std::uint8_t* next_top,
                  [[maybe_unused]] const std::uint8_t* next_bottom) {
  std::size_t x = 0;
#if HWY_TARGET != HWY_SCALAR
  const hn::ScalableTag<std::uint8_t> d8;              // 2N input pixels per plane
  const hn::RepartitionToWide<decltype(d8)> d16;       // N sums
  const hn::Rebind<std::uint8_t, decltype(d16)> dout;  // N output pixels per plane
  const std::size_t lanes = hn::Lanes(d16);
  constexpr std::size_t kRead = HWY_MAX_BYTES * kChannels;  // bytes of a row per step, at most
  for (; x + lanes <= out_width; x += lanes) {
    const std::uint8_t* a = top + 2 * x * kChannels;
    const std::uint8_t* b = bottom + 2 * x * kChannels;
    FetchAhead<kRead>(next_top + 2 * x * kChannels);
    FetchAhead<kRead>(next_bottom + 2 * x * kChannels);
    std::uint8_t* o = out + x * kChannels;
    if constexpr (kChannels == 1) {
      hn::StoreU(PairMeans(d8, d16, hn::LoadU(d8, a), hn::LoadU(d8, b)), dout, o);
    } else if constexpr (kChannels == 3) {
      hn::Vec<decltype(d8)> a0, a1, a2, b0, b1, b2;
      hn::LoadInterleaved3(d8, a, a0, a1, a2);
      hn::LoadInterleaved3(d8, b, b0, b1, b2);
      hn::StoreInterleaved3(PairMeans(d8, d16, a0, b0), PairMeans(d8, d16, a1, b1),
                            PairMeans(d8, d16, a2, b2), dout, o);
    } else {
      hn::Vec<decltype(d8)> a0, a1, a2, a3, b0, b1, b2, b3;
      hn::LoadInterleaved4(d8, a, a0, a1, a2, a3);
      hn::LoadInterleaved4(d8, b, b0, b1, b2, b3);
      hn::StoreInterleaved4(PairMeans(d8, d16, a0, b0), PairMeans(d8, d16, a1, b1),
                            PairMeans(d8, d16, a2, b2), PairMeans(d8, d16, a3, b3), dout, o);
    }
  }
#endif
  HalveTail<kChannels>(top, bottom, out, x, out_width);
}

// u16 and f32: the same means in the sample's own width, two vectors of pixels per plane.
#if HWY_TARGET != HWY_SCALAR
template <class D>
HWY_INLINE hn::Vec<D> WideMeans(D d, hn::Vec<D> top_first, hn::Vec<D> top_second,
                                hn::Vec<D> bottom_first, hn::Vec<D> bottom_second) {
  if constexpr (std::is_same_v<hn::TFromD<D>, float>) {
    const auto a = hn::ConcatEven(d, top_second, top_first);
    const auto b = hn::ConcatOdd(d, top_second, top_first);
    const auto c = hn::ConcatEven(d, bottom_second, bottom_first);
    const auto e = hn::ConcatOdd(d, bottom_second, bottom_first);
    return hn::Mul(hn::Add(hn::Add(hn::Add(a, b), c), e), hn::Set(d, 0.25f));
  } else {
    // u16: each 32-bit lane of a plane holds a pair of neighbouring pixels, which its low and
    // high halves sum in 32 bits, in order; no even/odd shuffles and no widening (the shuffles
    // made u16 halving 1.2x OpenCV's time where memory was fast).
    const hn::Repartition<std::uint32_t, D> d32;
    const auto low_half = hn::Set(d32, 0xFFFFu);
    const auto pair_sums = [&](hn::Vec<D> pixels) HWY_ATTR {
      const auto pairs = hn::BitCast(d32, pixels);
      return hn::Add(hn::And(pairs, low_half), hn::ShiftRight<16>(pairs));
    };
    const auto two = hn::Set(d32, 2u);
    const auto first =
        hn::ShiftRight<2>(hn::Add(hn::Add(pair_sums(top_first), pair_sums(bottom_first)), two));
    const auto second =
        hn::ShiftRight<2>(hn::Add(hn::Add(pair_sums(top_second), pair_sums(bottom_second)), two));
    // Means fit 16 bits: narrowed from signed 32 (the demotion every target has) and joined.
    const hn::Half<D> half;
    const hn::RebindToSigned<decltype(d32)> di32;
    return hn::Combine(d, hn::DemoteTo(half, hn::BitCast(di32, second)),
                       hn::DemoteTo(half, hn::BitCast(di32, first)));
  }
}
#endif

template <int kChannels, typename T>
void HalveRowWide(const T* top, const T* bottom, T* out, std::size_t out_width,
                  [[maybe_unused]] const T* next_top, [[maybe_unused]] const T* next_bottom) {
  std::size_t x = 0;
#if HWY_TARGET != HWY_SCALAR
  const hn::ScalableTag<T> d;
  const std::size_t lanes = hn::Lanes(d);
  constexpr std::size_t kRead = 2 * HWY_MAX_BYTES * kChannels;  // bytes of a row per step
  for (; x + lanes <= out_width; x += lanes) {
    const T* a = top + 2 * x * kChannels;
    const T* b = bottom + 2 * x * kChannels;
    FetchAhead<kRead>(next_top + 2 * x * kChannels);
    FetchAhead<kRead>(next_bottom + 2 * x * kChannels);
    T* o = out + x * kChannels;
    const std::size_t next = lanes * kChannels;  // the second vector's pixels
    if constexpr (kChannels == 1) {
      hn::StoreU(WideMeans(d, hn::LoadU(d, a), hn::LoadU(d, a + next), hn::LoadU(d, b),
                           hn::LoadU(d, b + next)),
                 d, o);
    } else if constexpr (kChannels == 3) {
      hn::Vec<decltype(d)> a0, a1, a2, p0, p1, p2, b0, b1, b2, q0, q1, q2;
      hn::LoadInterleaved3(d, a, a0, a1, a2);
      hn::LoadInterleaved3(d, a + next, p0, p1, p2);
      hn::LoadInterleaved3(d, b, b0, b1, b2);
      hn::LoadInterleaved3(d, b + next, q0, q1, q2);
      hn::StoreInterleaved3(WideMeans(d, a0, p0, b0, q0), WideMeans(d, a1, p1, b1, q1),
                            WideMeans(d, a2, p2, b2, q2), d, o);
    } else {
      hn::Vec<decltype(d)> a0, a1, a2, a3, p0, p1, p2, p3, b0, b1, b2, b3, q0, q1, q2, q3;
      hn::LoadInterleaved4(d, a, a0, a1, a2, a3);
      hn::LoadInterleaved4(d, a + next, p0, p1, p2, p3);
      hn::LoadInterleaved4(d, b, b0, b1, b2, b3);
      hn::LoadInterleaved4(d, b + next, q0, q1, q2, q3);
      hn::StoreInterleaved4(WideMeans(d, a0, p0, b0, q0), WideMeans(d, a1, p1, b1, q1),
                            WideMeans(d, a2, p2, b2, q2), WideMeans(d, a3, p3, b3, q3), d, o);
    }
  }
#endif
  HalveTail<kChannels>(top, bottom, out, x, out_width);
}

// One row at a constant channel count: u8 through 16-bit sums, the others in their own width.
template <int kChannels, typename T>
void HalveRowWith(const T* top, const T* bottom, T* out, std::size_t out_width, const T* next_top,
                  const T* next_bottom) {
  if constexpr (std::is_same_v<T, std::uint8_t>) {
    HalveRowImpl<kChannels>(top, bottom, out, out_width, next_top, next_bottom);
  } else {
    HalveRowWide<kChannels>(top, bottom, out, out_width, next_top, next_bottom);
  }
}

template <typename T>
void HalveRowOf(const T* top, const T* bottom, T* out, std::size_t out_width, int channels,
                const T* next_top, const T* next_bottom) {
  if (next_top == nullptr) next_top = top;  // nothing to fetch: the rows at hand, which cost
  if (next_bottom == nullptr) next_bottom = bottom;  // nothing
  switch (channels) {
    case 1:
      return HalveRowWith<1>(top, bottom, out, out_width, next_top, next_bottom);
    case 3:
      return HalveRowWith<3>(top, bottom, out, out_width, next_top, next_bottom);
    case 4:
      return HalveRowWith<4>(top, bottom, out, out_width, next_top, next_bottom);
    default:  // two channels: gray + alpha is rare enough for scalar code
      for (std::size_t i = 0; i < out_width * 2; ++i) {
        const std::size_t x = i / 2, c = i % 2, s = 4 * x + c;
        out[i] = MeanOf(top[s], top[s + 2], bottom[s], bottom[s + 2]);
      }
  }
}

void HalveRow(const std::uint8_t* top, const std::uint8_t* bottom, std::uint8_t* out,
              std::size_t out_width, int channels, const std::uint8_t* next_top,
              const std::uint8_t* next_bottom) {
  HalveRowOf(top, bottom, out, out_width, channels, next_top, next_bottom);
}
void HalveRow16(const std::uint16_t* top, const std::uint16_t* bottom, std::uint16_t* out,
                std::size_t out_width, int channels, const std::uint16_t* next_top,
                const std::uint16_t* next_bottom) {
  HalveRowOf(top, bottom, out, out_width, channels, next_top, next_bottom);
}
void HalveRowFloat(const float* top, const float* bottom, float* out, std::size_t out_width,
                   int channels, const float* next_top, const float* next_bottom) {
  HalveRowOf(top, bottom, out, out_width, channels, next_top, next_bottom);
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {
HWY_EXPORT(HalveRow);
HWY_EXPORT(HalveRow16);
HWY_EXPORT(HalveRowFloat);
void halve_row(const std::uint8_t* top, const std::uint8_t* bottom, std::uint8_t* out,
               std::size_t out_width, int channels, const std::uint8_t* next_top,
               const std::uint8_t* next_bottom) {
  HWY_DYNAMIC_DISPATCH(HalveRow)(top, bottom, out, out_width, channels, next_top, next_bottom);
}
void halve_row(const std::uint16_t* top, const std::uint16_t* bottom, std::uint16_t* out,
               std::size_t out_width, int channels, const std::uint16_t* next_top,
               const std::uint16_t* next_bottom) {
  HWY_DYNAMIC_DISPATCH(HalveRow16)(top, bottom, out, out_width, channels, next_top, next_bottom);
}
void halve_row(const float* top, const float* bottom, float* out, std::size_t out_width,
               int channels, const float* next_top, const float* next_bottom) {
  HWY_DYNAMIC_DISPATCH(HalveRowFloat)(top, bottom, out, out_width, channels, next_top, next_bottom);
}
}  // namespace tessera::ops::simd
#endif
