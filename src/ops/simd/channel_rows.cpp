// 8-bit channel shuffles with Highway, compiled for every SIMD target and picked at run time:
// one interleaved load and one interleaved store per vector of pixels.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/channel_rows.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ops/simd/channel_rows.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using Tag = hn::ScalableTag<std::uint8_t>;
using Vec = hn::Vec<Tag>;

// Loads `lanes` pixels of kChannels interleaved samples as planes; a missing alpha is opaque.
template <int kChannels>
void LoadPixels(Tag d, const std::uint8_t* src, Vec& c0, Vec& c1, Vec& c2, Vec& alpha) {
  alpha = hn::Set(d, 255);
  if constexpr (kChannels == 1) {
    c0 = hn::LoadU(d, src);
    c1 = c0;
    c2 = c0;
  } else if constexpr (kChannels == 2) {
    hn::LoadInterleaved2(d, src, c0, alpha);
    c1 = c0;
    c2 = c0;
  } else if constexpr (kChannels == 3) {
    hn::LoadInterleaved3(d, src, c0, c1, c2);
  } else {
    hn::LoadInterleaved4(d, src, c0, c1, c2, alpha);
  }
}

template <int kIn, int kOut>
void ShuffleRow(const std::uint8_t* src, std::uint8_t* dst, std::size_t width) {
  const Tag d;
  const std::size_t lanes = hn::Lanes(d);
  std::size_t x = 0;
  for (; x + lanes <= width; x += lanes) {
    Vec c0, c1, c2, alpha;
    LoadPixels<kIn>(d, src + x * kIn, c0, c1, c2, alpha);
    if constexpr (kOut == 3) {
      hn::StoreInterleaved3(c0, c1, c2, d, dst + x * 3);
    } else {
      hn::StoreInterleaved4(c0, c1, c2, alpha, d, dst + x * 4);
    }
  }
  for (; x < width; ++x) {
    const std::uint8_t* in = src + x * kIn;
    std::uint8_t* out = dst + x * kOut;
    const bool gray = kIn <= 2;
    out[0] = in[0];
    out[1] = gray ? in[0] : in[1];
    out[2] = gray ? in[0] : in[2];
    if constexpr (kOut == 4) out[3] = kIn == 2 ? in[1] : kIn == 4 ? in[3] : 255;
  }
}

void GrayToColorRow(const std::uint8_t* src, std::uint8_t* dst, std::size_t width, int src_channels,
                    int dst_channels) {
  if (src_channels == 1) {
    dst_channels == 3 ? ShuffleRow<1, 3>(src, dst, width) : ShuffleRow<1, 4>(src, dst, width);
  } else {
    dst_channels == 3 ? ShuffleRow<2, 3>(src, dst, width) : ShuffleRow<2, 4>(src, dst, width);
  }
}

void ColorToColorRow(const std::uint8_t* src, std::uint8_t* dst, std::size_t width,
                     int src_channels, int dst_channels) {
  if (src_channels == 3 && dst_channels == 4) {
    ShuffleRow<3, 4>(src, dst, width);
  } else {
    ShuffleRow<4, 3>(src, dst, width);
  }
}

template <int kChannels>
void SwapRedBlue(const std::uint8_t* src, std::uint8_t* dst, std::size_t width) {
  const Tag d;
  const std::size_t lanes = hn::Lanes(d);
  std::size_t x = 0;
  for (; x + lanes <= width; x += lanes) {
    Vec c0, c1, c2, alpha;
    LoadPixels<kChannels>(d, src + x * kChannels, c0, c1, c2, alpha);  // whole, then stored
    if constexpr (kChannels == 3) {
      hn::StoreInterleaved3(c2, c1, c0, d, dst + x * 3);
    } else {
      hn::StoreInterleaved4(c2, c1, c0, alpha, d, dst + x * 4);
    }
  }
  for (; x < width; ++x) {
    const std::uint8_t* in = src + x * kChannels;
    std::uint8_t* out = dst + x * kChannels;
    const std::uint8_t red = in[0];
    out[0] = in[2];
    out[1] = in[1];
    out[2] = red;
    if constexpr (kChannels == 4) out[3] = in[3];
  }
}

void SwapRedBlueRow(const std::uint8_t* src, std::uint8_t* dst, std::size_t width, int channels) {
  channels == 3 ? SwapRedBlue<3>(src, dst, width) : SwapRedBlue<4>(src, dst, width);
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {
HWY_EXPORT(GrayToColorRow);
HWY_EXPORT(ColorToColorRow);
void gray_to_color_row(const std::uint8_t* src, std::uint8_t* dst, std::size_t width,
                       int src_channels, int dst_channels) {
  HWY_DYNAMIC_DISPATCH(GrayToColorRow)(src, dst, width, src_channels, dst_channels);
}
void color_to_color_row(const std::uint8_t* src, std::uint8_t* dst, std::size_t width,
                        int src_channels, int dst_channels) {
  HWY_DYNAMIC_DISPATCH(ColorToColorRow)(src, dst, width, src_channels, dst_channels);
}
HWY_EXPORT(SwapRedBlueRow);
void swap_red_blue_row(const std::uint8_t* src, std::uint8_t* dst, std::size_t width,
                       int channels) {
  HWY_DYNAMIC_DISPATCH(SwapRedBlueRow)(src, dst, width, channels);
}
}  // namespace tessera::ops::simd
#endif
