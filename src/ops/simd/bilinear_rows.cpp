// Bilinear warp rows with Highway, compiled for every SIMD target and picked at run time.
// Each lane is an output pixel: its four source neighbours are gathered as 32-bit words (one
// word holds a whole pixel of up to 4 channels, or both neighbours of a gray pixel) and every
// channel is weighted in 32-bit lanes with the same integer arithmetic as the scalar path, so
// results do not depend on the target.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/bilinear_rows.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ops/simd/bilinear_rows.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#if HWY_TARGET != HWY_SCALAR
template <int kChannels>
int BilinearRowImpl(const BilinearSource& src, std::int32_t row_x, std::int32_t row_y,
                    const std::int32_t* across_x, const std::int32_t* across_y, int x, int end,
                    std::uint8_t* out) {
  const hn::ScalableTag<std::int32_t> d;
  const hn::Rebind<std::uint8_t, decltype(d)> d8;
  const int lanes = static_cast<int>(hn::Lanes(d));
  const auto* base = reinterpret_cast<const std::int32_t*>(src.data);
  const auto stride = hn::Set(d, static_cast<std::int32_t>(src.stride));
  const auto channels = hn::Set(d, kChannels);
  const auto low5 = hn::Set(d, 31);
  const auto thirty_two = hn::Set(d, 32);
  const auto byte = hn::Set(d, 0xFF);
  const auto half = hn::Set(d, 1 << 9);
  const auto minus_one = hn::Set(d, -1);
  // Gathers read 4 bytes from each left neighbour's first byte (and, for 3 or 4 channels, from
  // the right neighbour's): in the last row that may run past the image, so there the pixel
  // must lie further in. kReach is how many pixels from ix the reads touch.
  constexpr int kReach = kChannels == 1 ? 4 : (kChannels == 3 ? 3 : 2);
  const auto width_limit = hn::Set(d, src.width - 1);    // ix + 1 < width
  const auto height_limit = hn::Set(d, src.height - 1);  // iy + 1 < height
  const auto last_top = hn::Set(d, src.height - 2);
  const auto last_row_width = hn::Set(d, src.width - kReach + 1);
  for (; x + lanes <= end; x += lanes) {
    const auto fx = hn::ShiftRight<5>(hn::Add(hn::Set(d, row_x), hn::LoadU(d, across_x + x)));
    const auto fy = hn::ShiftRight<5>(hn::Add(hn::Set(d, row_y), hn::LoadU(d, across_y + x)));
    const auto ix = hn::ShiftRight<5>(fx);
    const auto iy = hn::ShiftRight<5>(fy);
    auto inside = hn::And(hn::And(hn::Gt(ix, minus_one), hn::Gt(iy, minus_one)),
                          hn::And(hn::Lt(ix, width_limit), hn::Lt(iy, height_limit)));
    inside = hn::And(inside, hn::Or(hn::Lt(iy, last_top), hn::Lt(ix, last_row_width)));
    if (!hn::AllTrue(d, inside)) {
      // No neighbour of any pixel inside: the fill, as the scalar sum of four fills gives.
      const auto beyond = hn::Or(hn::Or(hn::Lt(ix, minus_one), hn::Gt(ix, width_limit)),
                                 hn::Or(hn::Lt(iy, minus_one), hn::Gt(iy, height_limit)));
      if (!hn::AllTrue(d, beyond)) return x;
      std::uint8_t* pixel = out + static_cast<std::ptrdiff_t>(x) * kChannels;
      for (int i = 0; i < lanes * kChannels; i += kChannels) {
        for (int c = 0; c < kChannels; ++c) pixel[i + c] = src.fill[c];
      }
      continue;
    }
    const auto wx = hn::And(fx, low5);
    const auto wy = hn::And(fy, low5);
    const auto left = hn::Sub(thirty_two, wx);
    const auto up = hn::Sub(thirty_two, wy);
    const auto w_top_left = hn::Mul(left, up);
    const auto w_top_right = hn::Mul(wx, up);
    const auto w_bottom_left = hn::Mul(left, wy);
    const auto w_bottom_right = hn::Mul(wx, wy);
    const auto top = hn::Add(hn::Mul(iy, stride), hn::Mul(ix, channels));
    const auto bottom = hn::Add(top, stride);
    const auto top_left = hn::GatherOffset(d, base, top);
    const auto bottom_left = hn::GatherOffset(d, base, bottom);
    // With 1 or 2 channels one word holds both neighbours; with 3 or 4 the right neighbour is a
    // word of its own.
    constexpr int kRightShift = 8 * kChannels;
    const auto top_right = kChannels <= 2 ? hn::ShiftRight<kRightShift % 32>(top_left)
                                          : hn::GatherOffset(d, base, hn::Add(top, channels));
    const auto bottom_right = kChannels <= 2 ? hn::ShiftRight<kRightShift % 32>(bottom_left)
                                             : hn::GatherOffset(d, base, hn::Add(bottom, channels));
    hn::Vec<decltype(d8)> planes[4];
    for (int c = 0; c < kChannels; ++c) {
      const int shift = 8 * c;
      const auto sample = [&](auto word)
                              HWY_ATTR { return hn::And(hn::ShiftRightSame(word, shift), byte); };
      auto sum = hn::Add(half, hn::Mul(w_top_left, sample(top_left)));
      sum = hn::Add(sum, hn::Mul(w_top_right, sample(top_right)));
      sum = hn::Add(sum, hn::Mul(w_bottom_left, sample(bottom_left)));
      sum = hn::Add(sum, hn::Mul(w_bottom_right, sample(bottom_right)));
      planes[c] = hn::DemoteTo(d8, hn::ShiftRight<10>(sum));
    }
    std::uint8_t* pixel = out + static_cast<std::ptrdiff_t>(x) * kChannels;
    if constexpr (kChannels == 1) {
      hn::StoreU(planes[0], d8, pixel);
    } else if constexpr (kChannels == 2) {
      hn::StoreInterleaved2(planes[0], planes[1], d8, pixel);
    } else if constexpr (kChannels == 3) {
      hn::StoreInterleaved3(planes[0], planes[1], planes[2], d8, pixel);
    } else {
      hn::StoreInterleaved4(planes[0], planes[1], planes[2], planes[3], d8, pixel);
    }
  }
  return x;
}
#endif

int BilinearRow(const BilinearSource& src, std::int32_t row_x, std::int32_t row_y,
                const std::int32_t* across_x, const std::int32_t* across_y, int x, int end,
                std::uint8_t* out) {
#if HWY_TARGET == HWY_SCALAR
  (void)src, (void)row_x, (void)row_y, (void)across_x, (void)across_y, (void)end, (void)out;
  return x;  // the caller's scalar loop does it all
#else
  switch (src.channels) {
    case 1:
      return BilinearRowImpl<1>(src, row_x, row_y, across_x, across_y, x, end, out);
    case 2:
      return BilinearRowImpl<2>(src, row_x, row_y, across_x, across_y, x, end, out);
    case 3:
      return BilinearRowImpl<3>(src, row_x, row_y, across_x, across_y, x, end, out);
    default:
      return BilinearRowImpl<4>(src, row_x, row_y, across_x, across_y, x, end, out);
  }
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {
HWY_EXPORT(BilinearRow);
int bilinear_row(const BilinearSource& src, std::int32_t row_x, std::int32_t row_y,
                 const std::int32_t* across_x, const std::int32_t* across_y, int x, int end,
                 std::uint8_t* out) {
  return HWY_DYNAMIC_DISPATCH(BilinearRow)(src, row_x, row_y, across_x, across_y, x, end, out);
}
}  // namespace tessera::ops::simd
#endif
