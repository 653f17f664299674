// 2x2 means with Highway, compiled for every SIMD target and picked at run time. Pixels are
// split into channel planes (LoadInterleaved), each plane's even and odd pixels are added in
// 16 bits, and the planes are interleaved again on the way out.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/halve.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ops/simd/halve.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The one-lane fallback target lacks half vectors; it takes the scalar loop below.
#if HWY_TARGET != HWY_SCALAR
// Means of neighbouring pixel pairs of one plane from two rows: 2N u8 pixels in, N out.
template <class D8, class D16>
hn::Vec<hn::Rebind<std::uint8_t, D16>> PairMeans(D8 d8, D16 d16, hn::Vec<D8> top,
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
                  std::size_t out_width) {
  std::size_t x = 0;
#if HWY_TARGET != HWY_SCALAR
  const hn::ScalableTag<std::uint8_t> d8;              // 2N input pixels per plane
  const hn::RepartitionToWide<decltype(d8)> d16;       // N sums
  const hn::Rebind<std::uint8_t, decltype(d16)> dout;  // N output pixels per plane
  const std::size_t lanes = hn::Lanes(d16);
  for (; x + lanes <= out_width; x += lanes) {
    const std::uint8_t* a = top + 2 * x * kChannels;
    const std::uint8_t* b = bottom + 2 * x * kChannels;
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
  for (; x < out_width; ++x) {
    for (int c = 0; c < kChannels; ++c) {
      const std::size_t i = 2 * x * kChannels + c;
      out[x * kChannels + c] = static_cast<std::uint8_t>(
          (top[i] + top[i + kChannels] + bottom[i] + bottom[i + kChannels] + 2) >> 2);
    }
  }
}

void HalveRow(const std::uint8_t* top, const std::uint8_t* bottom, std::uint8_t* out,
              std::size_t out_width, int channels) {
  switch (channels) {
    case 1:
      return HalveRowImpl<1>(top, bottom, out, out_width);
    case 3:
      return HalveRowImpl<3>(top, bottom, out, out_width);
    case 4:
      return HalveRowImpl<4>(top, bottom, out, out_width);
    default:  // two channels: gray + alpha is rare enough for scalar code
      for (std::size_t i = 0; i < out_width * 2; ++i) {
        const std::size_t x = i / 2, c = i % 2, s = 4 * x + c;
        out[i] =
            static_cast<std::uint8_t>((top[s] + top[s + 2] + bottom[s] + bottom[s + 2] + 2) >> 2);
      }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {
HWY_EXPORT(HalveRow);
void halve_row(const std::uint8_t* top, const std::uint8_t* bottom, std::uint8_t* out,
               std::size_t out_width, int channels) {
  HWY_DYNAMIC_DISPATCH(HalveRow)(top, bottom, out, out_width, channels);
}
}  // namespace tessera::ops::simd
#endif
