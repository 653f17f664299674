// RGB(A) rows to luma with Highway, compiled for every SIMD target and picked at run time.
// The arithmetic is OpenCV's BT.601 fixed point (weights scaled by 2^15, rounded), so results
// equal cv::cvtColor bit for bit: gray = (9798 r + 19235 g + 3735 b + 2^14) >> 15.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/luma_rows.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ops/simd/luma_rows.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#if HWY_ARCH_X86 && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128
// 16-bit lanes and pairwise multiply-adds (pmaddwd): each pixel's sum is (r, g) . (wr, wg) +
// (b, 1) . (wb, 2^14), exact in 32 bits. The pairs come from interleaving within 128-bit
// blocks, and x86's pack undoes that interleaving block by block, which is why this path is
// for x86 targets only.
template <int kChannels>
void LumaRowImpl(const std::uint8_t* src, std::uint8_t* dst, std::size_t width) {
  const hn::ScalableTag<std::uint8_t> d8;
  const hn::Repartition<std::int16_t, decltype(d8)> d16;
  const hn::Repartition<std::int32_t, decltype(d8)> d32;
  const hn::Half<decltype(d8)> d8_half;
  const std::size_t lanes = hn::Lanes(d8);
  const std::size_t half_lanes = hn::Lanes(d16);
  const auto red_green =
      hn::BitCast(d16, hn::Set(d32, static_cast<std::int32_t>(kLumaRed | (kLumaGreen << 16))));
  const auto blue_rounding = hn::BitCast(
      d16, hn::Set(d32, static_cast<std::int32_t>(kLumaBlue | (1u << (kLumaShift - 1)) << 16)));
  const auto ones = hn::Set(d16, 1);
  // The lumas of half_lanes pixels, in order.
  const auto lumas = [&](auto r, auto g, auto b) HWY_ATTR {
    auto sums = [&](auto rg, auto b1) HWY_ATTR {
      auto unused = hn::Zero(d32);
      auto sum = hn::ReorderWidenMulAccumulate(d32, rg, red_green, hn::Zero(d32), unused);
      sum = hn::ReorderWidenMulAccumulate(d32, b1, blue_rounding, sum, unused);
      return hn::ShiftRight<kLumaShift>(sum);
    };
    const auto low = sums(hn::InterleaveLower(d16, r, g), hn::InterleaveLower(d16, b, ones));
    const auto high = sums(hn::InterleaveUpper(d16, r, g), hn::InterleaveUpper(d16, b, ones));
    return hn::DemoteTo(d8_half, hn::ReorderDemote2To(d16, low, high));
  };
  const hn::Repartition<std::uint16_t, decltype(d8)> du16;
  const auto widen = [&](auto v, bool upper) HWY_ATTR {
    return hn::BitCast(
        d16, hn::PromoteTo(du16, upper ? hn::UpperHalf(d8_half, v) : hn::LowerHalf(d8_half, v)));
  };
  std::size_t x = 0;
  for (; x + lanes <= width; x += lanes) {
    hn::Vec<decltype(d8)> r, g, b;
    if constexpr (kChannels == 3) {
      hn::LoadInterleaved3(d8, src + x * 3, r, g, b);
    } else {
      hn::Vec<decltype(d8)> a;
      hn::LoadInterleaved4(d8, src + x * 4, r, g, b, a);
    }
    hn::StoreU(lumas(widen(r, false), widen(g, false), widen(b, false)), d8_half, dst + x);
    hn::StoreU(lumas(widen(r, true), widen(g, true), widen(b, true)), d8_half,
               dst + x + half_lanes);
  }
  for (; x < width; ++x) dst[x] = luma(src + x * kChannels);
}
#else
template <int kChannels>
void LumaRowImpl(const std::uint8_t* src, std::uint8_t* dst, std::size_t width) {
  for (std::size_t x = 0; x < width; ++x) dst[x] = luma(src + x * kChannels);
}
#endif

void LumaRow(const std::uint8_t* src, std::uint8_t* dst, std::size_t width, int channels) {
  if (channels == 3) {
    LumaRowImpl<3>(src, dst, width);
  } else {
    LumaRowImpl<4>(src, dst, width);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {
HWY_EXPORT(LumaRow);
void luma_row(const std::uint8_t* src, std::uint8_t* dst, std::size_t width, int channels) {
  HWY_DYNAMIC_DISPATCH(LumaRow)(src, dst, width, channels);
}
}  // namespace tessera::ops::simd
#endif
