// PNG row filtering with Highway, compiled for every SIMD target and picked at run time. Unlike
// decoding, encoding a row needs only unfiltered bytes (the pixel to the left, above, above
// left), so every byte of every filter is independent: a vector of bytes at a time, all five
// filters scored in one pass, the chosen one written in a second.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "codecs/png/png_row_filter.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <array>
#include <cstdlib>

#include "codecs/png/png_row_filter.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::codecs {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using Tag = hn::ScalableTag<std::uint8_t>;
using Vec = hn::Vec<Tag>;

constexpr int kFilters = 5;  // none, sub, up, average, Paeth

// x >= y for bytes (Highway 1.0 compares unsigned bytes for equality only).
HWY_INLINE auto NotBelow(Vec x, Vec y) { return hn::Eq(hn::Max(x, y), x); }

// The Paeth predictor in bytes: pa = |b - c|, pb = |a - c|, pc = |a + b - 2c|. pc is pa + pb
// when a - c and b - c have one sign, else |pa - pb|; saturating it at 255 changes no
// comparison, since pc >= max(pa, pb) in that case.
HWY_INLINE Vec Paeth(Tag d, Vec a, Vec b, Vec c) {
  const Vec pa = hn::Sub(hn::Max(b, c), hn::Min(b, c));
  const Vec pb = hn::Sub(hn::Max(a, c), hn::Min(a, c));
  const Vec b_not_below = hn::VecFromMask(d, NotBelow(b, c));
  const Vec a_not_below = hn::VecFromMask(d, NotBelow(a, c));
  const Vec pc = hn::IfThenElse(hn::Eq(b_not_below, a_not_below), hn::SaturatedAdd(pa, pb),
                                hn::Sub(hn::Max(pa, pb), hn::Min(pa, pb)));
  return hn::IfThenElse(hn::And(NotBelow(pb, pa), NotBelow(pc, pa)), a,
                        hn::IfThenElse(NotBelow(pc, pb), b, c));
}

// Filter `kFilter`'s output for bytes x with left a, above b and above-left c.
template <int kFilter>
HWY_INLINE Vec Residual(Tag d, Vec x, Vec a, Vec b, Vec c) {
  if constexpr (kFilter == 0) return x;
  if constexpr (kFilter == 1) return hn::Sub(x, a);
  if constexpr (kFilter == 2) return hn::Sub(x, b);
  if constexpr (kFilter == 3) {
    // floor((a + b) / 2): AverageRound rounds up when a + b is odd.
    const Vec odd = hn::And(hn::Xor(a, b), hn::Set(d, 1));
    return hn::Sub(x, hn::Sub(hn::AverageRound(a, b), odd));
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

}  // namespace HWY_NAMESPACE
}  // namespace tessera::codecs
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::codecs {
HWY_EXPORT(FilterPngRow);
void filter_png_row(const std::uint8_t* previous, const std::uint8_t* row, std::size_t row_bytes,
                    std::size_t bytes_per_pixel, std::uint8_t* out) {
  HWY_DYNAMIC_DISPATCH(FilterPngRow)(previous, row, row_bytes, bytes_per_pixel, out);
}
}  // namespace tessera::codecs
#endif
