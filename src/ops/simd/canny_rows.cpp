// Non-maximum suppression with Highway, compiled for every SIMD target and picked at run time.
// Every pixel of a vector takes all three sector tests and the one its direction names is
// kept, so there is no branch per pixel; the arithmetic is cv::Canny's, in 32 bits (every term
// stays below 2^31 for apertures 3 and 5).

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/canny_rows.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cstdlib>
#include <cstring>

#include "ops/simd/canny_rows.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// OpenCV's fixed-point tan(22.5 deg), which sorts gradient directions into four sectors.
constexpr int kShift = 15;
constexpr int kTan22 = static_cast<int>(0.4142135623730950488016887242097 * (1 << kShift) + 0.5);

std::uint8_t SuppressScalar(const GradientRow& row, int x) {
  const std::int32_t m = row.here[x];
  if (m <= row.low) return kNotEdge;
  const std::int32_t ax = std::abs(row.gx[x]);
  const std::int32_t ay = std::abs(row.gy[x]) << kShift;
  const std::int32_t tan22x = ax * kTan22;
  bool maximum = false;
  if (ay < tan22x) {
    maximum = m > row.here[x - 1] && m >= row.here[x + 1];
  } else if (ay > tan22x + (ax << (kShift + 1))) {  // beyond tan(67.5 deg)
    maximum = m > row.above[x] && m >= row.below[x];
  } else {
    const int s = (row.gx[x] ^ row.gy[x]) < 0 ? -1 : 1;
    maximum = m > row.above[x - s] && m > row.below[x + s];
  }
  if (!maximum) return kNotEdge;
  return m > row.high ? kEdge : kCandidate;
}

void Sobel3Row(const std::uint8_t* above, const std::uint8_t* here, const std::uint8_t* below,
               std::size_t width, std::int16_t* gx, std::int16_t* gy) {
  std::size_t x = 0;
  const hn::ScalableTag<std::int16_t> d;
  const hn::Rebind<std::uint8_t, decltype(d)> d8;
  const std::size_t lanes = hn::Lanes(d);
  // Every sum is within +-4 * 255: 16-bit lanes hold them.
  const auto load = [&](const std::uint8_t* p) { return hn::PromoteTo(d, hn::LoadU(d8, p)); };
  for (; x + lanes <= width; x += lanes) {
    const auto a0 = load(above + x - 1), a1 = load(above + x), a2 = load(above + x + 1);
    const auto h0 = load(here + x - 1), h2 = load(here + x + 1);
    const auto b0 = load(below + x - 1), b1 = load(below + x), b2 = load(below + x + 1);
    const auto across =
        hn::Add(hn::Add(hn::Sub(a2, a0), hn::Sub(b2, b0)), hn::ShiftLeft<1>(hn::Sub(h2, h0)));
    const auto down_below = hn::Add(hn::Add(b0, b2), hn::ShiftLeft<1>(b1));
    const auto down_above = hn::Add(hn::Add(a0, a2), hn::ShiftLeft<1>(a1));
    hn::StoreU(across, d, gx + x);
    hn::StoreU(hn::Sub(down_below, down_above), d, gy + x);
  }
  for (; x < width; ++x) {
    const int i = static_cast<int>(x);
    gx[x] =
        static_cast<std::int16_t>(above[i + 1] - above[i - 1] + 2 * (here[i + 1] - here[i - 1]) +
                                  below[i + 1] - below[i - 1]);
    gy[x] = static_cast<std::int16_t>(below[i - 1] + 2 * below[i] + below[i + 1] - above[i - 1] -
                                      2 * above[i] - above[i + 1]);
  }
}

void SuppressRow(const GradientRow& row, std::uint8_t* out) {
  std::memset(out - 1, kNotEdge, row.width + 2);
  int x = 0;
#if HWY_TARGET != HWY_SCALAR
  const hn::ScalableTag<std::int32_t> d;
  const hn::Rebind<std::int16_t, decltype(d)> d16;
  const hn::Rebind<std::uint8_t, decltype(d)> d8;
  const int lanes = static_cast<int>(hn::Lanes(d));
  const auto low = hn::Set(d, row.low);
  const auto high = hn::Set(d, row.high);
  const auto tan22 = hn::Set(d, kTan22);
  const auto zero = hn::Zero(d);
  for (; x + lanes <= row.width; x += lanes) {
    const auto m = hn::LoadU(d, row.here + x);
    const auto above_low = hn::Gt(m, low);
    if (hn::AllFalse(d, above_low)) continue;  // most pixels: the row is already kNotEdge
    const auto gx = hn::PromoteTo(d, hn::LoadU(d16, row.gx + x));
    const auto gy = hn::PromoteTo(d, hn::LoadU(d16, row.gy + x));
    const auto ax = hn::Abs(gx);
    const auto ay = hn::ShiftLeft<kShift>(hn::Abs(gy));
    const auto tan22x = hn::Mul(ax, tan22);
    const auto tan67x = hn::Add(tan22x, hn::ShiftLeft<kShift + 1>(ax));
    const auto across = hn::Lt(ay, tan22x);
    const auto down = hn::Gt(ay, tan67x);
    // m > a and m >= b, for each sector's pair of neighbours.
    auto peak = [&](auto a, auto b) { return hn::And(hn::Gt(m, a), hn::Not(hn::Lt(m, b))); };
    const auto across_peak = peak(hn::LoadU(d, row.here + x - 1), hn::LoadU(d, row.here + x + 1));
    const auto down_peak = peak(hn::LoadU(d, row.above + x), hn::LoadU(d, row.below + x));
    // Diagonals: gx and gy of opposite signs lean one way, of the same sign the other.
    const auto opposite = hn::Lt(hn::Xor(gx, gy), zero);
    const auto diagonal_a =
        hn::IfThenElse(opposite, hn::LoadU(d, row.above + x + 1), hn::LoadU(d, row.above + x - 1));
    const auto diagonal_b =
        hn::IfThenElse(opposite, hn::LoadU(d, row.below + x - 1), hn::LoadU(d, row.below + x + 1));
    const auto diagonal_peak = hn::And(hn::Gt(m, diagonal_a), hn::Gt(m, diagonal_b));
    const auto maximum = hn::And(
        above_low,
        hn::Or(hn::And(across, across_peak),
               hn::Or(hn::And(down, down_peak), hn::AndNot(hn::Or(across, down), diagonal_peak))));
    const auto edge = hn::And(maximum, hn::Gt(m, high));
    const auto state =
        hn::IfThenElse(edge, hn::Set(d, kEdge),
                       hn::IfThenElse(maximum, hn::Set(d, kCandidate), hn::Set(d, kNotEdge)));
    hn::StoreU(hn::DemoteTo(d8, state), d8, out + x);
  }
#endif
  for (; x < row.width; ++x) {
    out[x] = SuppressScalar(row, x);
  }
}

std::size_t NextEdge(const std::uint8_t* row, std::size_t from, std::size_t width) {
  std::size_t x = from;
#if HWY_TARGET != HWY_SCALAR
  const hn::ScalableTag<std::uint8_t> d;
  const std::size_t lanes = hn::Lanes(d);
  const auto edge = hn::Set(d, kEdge);
  for (; x + lanes <= width; x += lanes) {
    const auto found = hn::Eq(hn::LoadU(d, row + x), edge);
    if (!hn::AllFalse(d, found)) return x + static_cast<std::size_t>(hn::FindFirstTrue(d, found));
  }
#endif
  for (; x < width; ++x) {
    if (row[x] == kEdge) return x;
  }
  return width;
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {
HWY_EXPORT(Sobel3Row);
HWY_EXPORT(SuppressRow);
HWY_EXPORT(NextEdge);
void sobel3_row(const std::uint8_t* above, const std::uint8_t* here, const std::uint8_t* below,
                std::size_t width, std::int16_t* gx, std::int16_t* gy) {
  HWY_DYNAMIC_DISPATCH(Sobel3Row)(above, here, below, width, gx, gy);
}
std::size_t next_edge(const std::uint8_t* row, std::size_t from, std::size_t width) {
  return HWY_DYNAMIC_DISPATCH(NextEdge)(row, from, width);
}

void suppress_row(const GradientRow& row, std::uint8_t* out) {
  HWY_DYNAMIC_DISPATCH(SuppressRow)(row, out);
}
}  // namespace tessera::ops::simd
#endif
