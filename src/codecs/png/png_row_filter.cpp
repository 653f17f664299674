// PNG row filtering and unfiltering with Highway, compiled for every SIMD target and picked at
// run time. Encoding a row needs only unfiltered bytes (the pixel to the left, above, above
// left), so every byte of every filter is independent: a vector of bytes at a time, all five
// filters scored in one pass, the chosen one written in a second. Decoding needs the pixel to
// the left decoded first: sub, average and Paeth go a pixel at a time, its bytes in one vector
// (as libpng's SSE2 filters do).

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "codecs/png/png_row_filter.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <array>
#include <cstdlib>
#include <cstring>

#include "codecs/png/png_row_filter.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::codecs {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using Tag = hn::ScalableTag<std::uint8_t>;
using Vec = hn::Vec<Tag>;

constexpr int kFilters = 5;  // none, sub, up, average, Paeth

// x >= y for bytes (Highway 1.0 compares unsigned bytes for equality only).
template <class V>
HWY_INLINE auto NotBelow(V x, V y) {
  return hn::Eq(hn::Max(x, y), x);
}

// The Paeth predictor in bytes: pa = |b - c|, pb = |a - c|, pc = |a + b - 2c|. pc is pa + pb
// when a - c and b - c have one sign, else |pa - pb|; saturating it at 255 changes no
// comparison, since pc >= max(pa, pb) in that case.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V Paeth(D d, V a, V b, V c) {
  const V pa = hn::Sub(hn::Max(b, c), hn::Min(b, c));
  const V pb = hn::Sub(hn::Max(a, c), hn::Min(a, c));
  const V b_not_below = hn::VecFromMask(d, NotBelow(b, c));
  const V a_not_below = hn::VecFromMask(d, NotBelow(a, c));
  const V pc = hn::IfThenElse(hn::Eq(b_not_below, a_not_below), hn::SaturatedAdd(pa, pb),
                              hn::Sub(hn::Max(pa, pb), hn::Min(pa, pb)));
  return hn::IfThenElse(hn::And(NotBelow(pb, pa), NotBelow(pc, pa)), a,
                        hn::IfThenElse(NotBelow(pc, pb), b, c));
}

// floor((a + b) / 2): AverageRound rounds up when a + b is odd.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V FloorAverage(D d, V a, V b) {
  return hn::Sub(hn::AverageRound(a, b), hn::And(hn::Xor(a, b), hn::Set(d, 1)));
}

// Filter `kFilter`'s output for bytes x with left a, above b and above-left c.
template <int kFilter>
HWY_INLINE Vec Residual(Tag d, Vec x, Vec a, Vec b, Vec c) {
  if constexpr (kFilter == 0) return x;
  if constexpr (kFilter == 1) return hn::Sub(x, a);
  if constexpr (kFilter == 2) return hn::Sub(x, b);
  if constexpr (kFilter == 3) {
    return hn::Sub(x, FloorAverage(d, a, b));
  }
  return hn::Sub(x, Paeth(d, a, b, c));
}

std::uint8_t PaethByte(int a, int b, int c) {
  const int pa = std::abs(b - c);
  const int pb = std::abs(a - c);
  const int pc = std::abs(a + b - 2 * c);
  if (pa <= pb && pa <= pc) return static_cast<std::uint8_t>(a);
  return static_cast<std::uint8_t>(pb <= pc ? b : c);
}

std::uint8_t ResidualByte(int filter, std::uint8_t x, std::uint8_t a, std::uint8_t b,
                          std::uint8_t c) {
  switch (filter) {
    case 1:
      return static_cast<std::uint8_t>(x - a);
    case 2:
      return static_cast<std::uint8_t>(x - b);
    case 3:
      return static_cast<std::uint8_t>(x - (a + b) / 2);
    case 4:
      return static_cast<std::uint8_t>(x - PaethByte(a, b, c));
    default:
      return x;
  }
}

// A byte's cost: its magnitude read as a signed byte (0..128).
HWY_INLINE Vec Cost(Tag d, Vec residual) {
  return hn::Min(residual, hn::Sub(hn::Zero(d), residual));
}
std::uint64_t CostByte(std::uint8_t residual) {
  return std::min<std::uint64_t>(residual, static_cast<std::uint8_t>(-residual));
}

// Calls body(x, a, b, c) for the bytes from `first` on in whole vectors, and returns where the
// vectors stop; the bytes after are the caller's.
template <typename Body>
HWY_INLINE std::size_t ForEachVector(Tag d, const std::uint8_t* previous, const std::uint8_t* row,
                                     std::size_t first, std::size_t row_bytes,
                                     std::size_t bytes_per_pixel, Body&& body) {
  const std::size_t lanes = hn::Lanes(d);
  std::size_t i = first;
  for (; i + lanes <= row_bytes; i += lanes) {
    body(i, hn::LoadU(d, row + i), hn::LoadU(d, row + i - bytes_per_pixel),
         hn::LoadU(d, previous + i), hn::LoadU(d, previous + i - bytes_per_pixel));
  }
  return i;
}

template <int kFilter>
void WriteResiduals(Tag d, const std::uint8_t* previous, const std::uint8_t* row,
                    std::size_t row_bytes, std::size_t bytes_per_pixel, std::uint8_t* out) {
  const auto byte_at = [&](std::size_t i) {
    const bool first_pixel = i < bytes_per_pixel;
    out[i] = ResidualByte(kFilter, row[i], first_pixel ? 0 : row[i - bytes_per_pixel], previous[i],
                          first_pixel ? 0 : previous[i - bytes_per_pixel]);
  };
  const std::size_t head = std::min(bytes_per_pixel, row_bytes);
  for (std::size_t i = 0; i < head; ++i) byte_at(i);
  const std::size_t tail = ForEachVector(d, previous, row, head, row_bytes, bytes_per_pixel,
                                         [&](std::size_t i, Vec x, Vec a, Vec b, Vec c) {
                                           hn::StoreU(Residual<kFilter>(d, x, a, b, c), d, out + i);
                                         });
  for (std::size_t i = tail; i < row_bytes; ++i) byte_at(i);
}

void FilterPngRow(const std::uint8_t* previous, const std::uint8_t* row, std::size_t row_bytes,
                  std::size_t bytes_per_pixel, std::uint8_t* out) {
  const Tag d;
  const hn::Repartition<std::uint64_t, Tag> d64;
  std::array<std::uint64_t, kFilters> costs{};
  const auto cost_at = [&](std::size_t i) {
    const bool first_pixel = i < bytes_per_pixel;
    const std::uint8_t a = first_pixel ? 0 : row[i - bytes_per_pixel];
    const std::uint8_t c = first_pixel ? 0 : previous[i - bytes_per_pixel];
    for (int filter = 0; filter < kFilters; ++filter) {
      costs[filter] += CostByte(ResidualByte(filter, row[i], a, previous[i], c));
    }
  };
  const std::size_t head = std::min(bytes_per_pixel, row_bytes);
  for (std::size_t i = 0; i < head; ++i) cost_at(i);
  auto none = hn::Zero(d64), sub = none, up = none, average = none, paeth = none;
  const std::size_t tail =
      ForEachVector(d, previous, row, head, row_bytes, bytes_per_pixel,
                    [&](std::size_t, Vec x, Vec a, Vec b, Vec c) {
                      none = hn::Add(none, hn::SumsOf8(Cost(d, Residual<0>(d, x, a, b, c))));
                      sub = hn::Add(sub, hn::SumsOf8(Cost(d, Residual<1>(d, x, a, b, c))));
                      up = hn::Add(up, hn::SumsOf8(Cost(d, Residual<2>(d, x, a, b, c))));
                      average = hn::Add(average, hn::SumsOf8(Cost(d, Residual<3>(d, x, a, b, c))));
                      paeth = hn::Add(paeth, hn::SumsOf8(Cost(d, Residual<4>(d, x, a, b, c))));
                    });
  for (std::size_t i = tail; i < row_bytes; ++i) cost_at(i);
  const std::array sums{none, sub, up, average, paeth};
  int best = 0;
  for (int filter = 0; filter < kFilters; ++filter) {
    costs[filter] += hn::GetLane(hn::SumOfLanes(d64, sums[filter]));
    if (costs[filter] < costs[best]) best = filter;
  }
  out[0] = static_cast<std::uint8_t>(best);
  std::uint8_t* residuals = out + 1;
  switch (best) {
    case 0:
      WriteResiduals<0>(d, previous, row, row_bytes, bytes_per_pixel, residuals);
      break;
    case 1:
      WriteResiduals<1>(d, previous, row, row_bytes, bytes_per_pixel, residuals);
      break;
    case 2:
      WriteResiduals<2>(d, previous, row, row_bytes, bytes_per_pixel, residuals);
      break;
    case 3:
      WriteResiduals<3>(d, previous, row, row_bytes, bytes_per_pixel, residuals);
      break;
    default:
      WriteResiduals<4>(d, previous, row, row_bytes, bytes_per_pixel, residuals);
      break;
  }
}

// Decoding, a pixel at a time: sub in scalar code (its only dependency is the pixel to the
// left), average and Paeth with a vector of the pixel's bytes (lanes past them carry the next
// pixel's bytes, which no lane below reads, and are not stored).
template <std::size_t kPixelBytes, int kFilter>
void UnfilterPixels(const std::uint8_t* previous, std::uint8_t* row, std::size_t row_bytes) {
  if constexpr (kFilter == 3) {
    const hn::CappedTag<std::uint8_t, 8> d;
    auto a = hn::Zero(d);
    for (std::size_t i = 0; i < row_bytes; i += kPixelBytes) {
      const auto x = hn::Add(hn::LoadU(d, row + i), FloorAverage(d, a, hn::LoadU(d, previous + i)));
      alignas(16) std::uint8_t bytes[16];
      hn::StoreU(x, d, bytes);
      std::memcpy(row + i, bytes, kPixelBytes);
      a = x;
    }
  } else {
    // Paeth in 16 bits, where its differences need no tricks: fewer steps depend on the pixel
    // to the left, which is what a row's time is made of.
    const hn::CappedTag<std::int16_t, 8> d;
    const hn::Rebind<std::uint8_t, decltype(d)> bytes_tag;
    auto a = hn::Zero(d);
    auto c = hn::Zero(d);
    for (std::size_t i = 0; i < row_bytes; i += kPixelBytes) {
      const auto b = hn::PromoteTo(d, hn::LoadU(bytes_tag, previous + i));
      const auto filtered = hn::PromoteTo(d, hn::LoadU(bytes_tag, row + i));
      const auto b_minus_c = hn::Sub(b, c);
      const auto pa = hn::Abs(b_minus_c);
      const auto a_minus_c = hn::Sub(a, c);
      const auto pb = hn::Abs(a_minus_c);
      const auto pc = hn::Abs(hn::Add(a_minus_c, b_minus_c));
      const auto take_a = hn::And(hn::Not(hn::Gt(pa, pb)), hn::Not(hn::Gt(pa, pc)));
      const auto take_b = hn::Not(hn::Gt(pb, pc));
      const auto predicted = hn::IfThenElse(take_a, a, hn::IfThenElse(take_b, b, c));
      const auto x = hn::And(hn::Add(filtered, predicted), hn::Set(d, 0xFF));
      alignas(16) std::uint8_t bytes[16];
      hn::StoreU(hn::DemoteTo(bytes_tag, x), bytes_tag, bytes);
      std::memcpy(row + i, bytes, kPixelBytes);
      a = x;
      c = b;
    }
  }
}

template <int kFilter>
void UnfilterBytes(const std::uint8_t* previous, std::uint8_t* row, std::size_t row_bytes,
                   std::size_t pixel_bytes) {
  for (std::size_t i = 0; i < row_bytes; ++i) {
    const std::uint8_t a = i < pixel_bytes ? 0 : row[i - pixel_bytes];
    const std::uint8_t c = i < pixel_bytes ? 0 : previous[i - pixel_bytes];
    const std::uint8_t b = previous[i];
    row[i] = static_cast<std::uint8_t>(row[i] + (kFilter == 3 ? (a + b) / 2 : PaethByte(a, b, c)));
  }
}

template <int kFilter>
void UnfilterBySize(const std::uint8_t* previous, std::uint8_t* row, std::size_t row_bytes,
                    std::size_t pixel_bytes) {
  // Highway's scalar fallback has one-lane vectors: a pixel does not fit.
  if (hn::MaxLanes(hn::CappedTag<std::uint8_t, 8>()) < 8) {
    return UnfilterBytes<kFilter>(previous, row, row_bytes, pixel_bytes);
  }
  switch (pixel_bytes) {
    case 3:
      return UnfilterPixels<3, kFilter>(previous, row, row_bytes);
    case 4:
      return UnfilterPixels<4, kFilter>(previous, row, row_bytes);
    case 6:
      return UnfilterPixels<6, kFilter>(previous, row, row_bytes);
    case 8:
      return UnfilterPixels<8, kFilter>(previous, row, row_bytes);
    default:
      return UnfilterBytes<kFilter>(previous, row, row_bytes, pixel_bytes);
  }
}

void UnfilterPngRow(int filter, const std::uint8_t* previous, std::uint8_t* row,
                    std::size_t row_bytes, std::size_t pixel_bytes) {
  switch (filter) {
    case 1:
      for (std::size_t i = pixel_bytes; i < row_bytes; ++i) {
        row[i] = static_cast<std::uint8_t>(row[i] + row[i - pixel_bytes]);
      }
      return;
    case 2: {
      const Tag d;
      const std::size_t lanes = hn::Lanes(d);
      std::size_t i = 0;
      for (; i + lanes <= row_bytes; i += lanes) {
        hn::StoreU(hn::Add(hn::LoadU(d, row + i), hn::LoadU(d, previous + i)), d, row + i);
      }
      for (; i < row_bytes; ++i) row[i] = static_cast<std::uint8_t>(row[i] + previous[i]);
      return;
    }
    case 3:
      return UnfilterBySize<3>(previous, row, row_bytes, pixel_bytes);
    case 4:
      return UnfilterBySize<4>(previous, row, row_bytes, pixel_bytes);
    default:
      return;
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::codecs
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::codecs {
HWY_EXPORT(FilterPngRow);
HWY_EXPORT(UnfilterPngRow);
void filter_png_row(const std::uint8_t* previous, const std::uint8_t* row, std::size_t row_bytes,
                    std::size_t bytes_per_pixel, std::uint8_t* out) {
  HWY_DYNAMIC_DISPATCH(FilterPngRow)(previous, row, row_bytes, bytes_per_pixel, out);
}
void unfilter_png_row(int filter, const std::uint8_t* previous, std::uint8_t* row,
                      std::size_t row_bytes, std::size_t bytes_per_pixel) {
  HWY_DYNAMIC_DISPATCH(UnfilterPngRow)(filter, previous, row, row_bytes, bytes_per_pixel);
}
}  // namespace tessera::codecs
#endif
