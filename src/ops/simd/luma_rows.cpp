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

template <int kChannels>
void LumaRowImpl(const std::uint8_t* src, std::uint8_t* dst, std::size_t width) {
  const hn::ScalableTag<std::uint32_t> d32;
  const hn::Rebind<std::int32_t, decltype(d32)> di32;
  const hn::Rebind<std::uint8_t, decltype(d32)> d8;
  const std::size_t lanes = hn::Lanes(d32);
  const auto wr = hn::Set(d32, kLumaRed);
  const auto wg = hn::Set(d32, kLumaGreen);
  const auto wb = hn::Set(d32, kLumaBlue);
  const auto half = hn::Set(d32, 1u << (kLumaShift - 1));
  std::size_t x = 0;
  for (; x + lanes <= width; x += lanes) {
    hn::Vec<decltype(d8)> r, g, b;
    if constexpr (kChannels == 3) {
      hn::LoadInterleaved3(d8, src + x * 3, r, g, b);
    } else {
      hn::Vec<decltype(d8)> a;
      hn::LoadInterleaved4(d8, src + x * 4, r, g, b, a);
    }
    // Highway 1.0 has MulAdd for floats only.
    auto sum = hn::Add(hn::Mul(hn::PromoteTo(d32, r), wr), half);
    sum = hn::Add(hn::Mul(hn::PromoteTo(d32, g), wg), sum);
    sum = hn::Add(hn::Mul(hn::PromoteTo(d32, b), wb), sum);
    // Highway 1.0 demotes signed lanes to u8 only; every value here is <= 255.
    const auto luma = hn::BitCast(di32, hn::ShiftRight<kLumaShift>(sum));
    hn::StoreU(hn::DemoteTo(d8, luma), d8, dst + x);
  }
  for (; x < width; ++x) dst[x] = luma(src + x * kChannels);
}

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
