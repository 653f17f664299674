#include "ops/resample_weights.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace tessera::ops::detail {
namespace {

double sinc(double x) {
  if (x == 0) return 1;
  x *= std::numbers::pi;
  return std::sin(x) / x;
}

double lanczos3(double x) { return (x > -3 && x < 3) ? sinc(x) * sinc(x / 3) : 0; }

// Keys' cubic with a = -0.75, as cv::resize's INTER_CUBIC.
double cubic(double x) {
  constexpr double a = -0.75;
  x = std::fabs(x);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

// Weights over taps starting at `first` (clamped indices folded onto the edge samples), so
// that every output keeps the same tap count.
void add_clamped(AxisWeights& axis, int in, int start, const std::vector<double>& raw) {
  // Fold taps that fall outside 0..in-1 onto the nearest edge sample.
  std::vector<double> folded(axis.taps, 0.0);
  const int first = std::clamp(start, 0, std::max(in - axis.taps, 0));
  for (int t = 0; t < static_cast<int>(raw.size()); ++t) {
    const int index = std::clamp(start + t, 0, in - 1);
    const int slot = std::clamp(index - first, 0, axis.taps - 1);
    folded[slot] += raw[t];
  }
  axis.first.push_back(first);
  axis.weights.insert(axis.weights.end(), folded.begin(), folded.end());
}

}  // namespace

AxisWeights area_interpolating_weights(int in, int out) {
  AxisWeights axis;
  if (in == out) return axis_weights(ResizeKernel::Area, in, out);
  const double scale = 1.0 / (static_cast<double>(out) / in);
  axis.taps = std::min(2, in);
  const double inverse = static_cast<double>(out) / in;
  for (int x = 0; x < out; ++x) {
    const int start = static_cast<int>(std::floor(x * scale));
    double fraction = (x + 1) - (start + 1) * inverse;
    fraction = fraction <= 0 ? 0 : fraction - std::floor(fraction);
    add_clamped(axis, in, start, {1 - fraction, fraction});
  }
  return axis;
}

AxisWeights axis_weights(ResizeKernel kernel, int in, int out) {
  AxisWeights axis;
  // An axis that keeps its size is copied: Pillow skips that pass, and cv::resize's weights
  // are one tap of weight 1 there too. Every kernel's formula gives that weight, but at some
  // tap of a wider window (lanczos3's is the third of five), which a consumer that copies
  // rather than weighs would miss.
  if (in == out) {
    axis.taps = 1;
    for (int x = 0; x < out; ++x) axis.first.push_back(x);
    axis.weights.assign(static_cast<std::size_t>(out), 1.0);
    return axis;
  }
  // As each reference computes it: cv::resize takes the reciprocal of out / in, Pillow divides
  // in by out. The last bit matters where x * scale lands on a whole number.
  const double scale = kernel == ResizeKernel::Lanczos3 ? static_cast<double>(in) / out
                                                        : 1.0 / (static_cast<double>(out) / in);
  switch (kernel) {
    case ResizeKernel::Nearest:
    case ResizeKernel::Linear: {
      axis.taps = std::min(2, in);
      for (int x = 0; x < out; ++x) {
        double position = (x + 0.5) * scale - 0.5;
        int start = static_cast<int>(std::floor(position));
        double fraction = position - start;
        if (start < 0) start = 0, fraction = 0;
        if (start >= in - 1) start = in - 1, fraction = 0;
        add_clamped(axis, in, start, {1 - fraction, fraction});
      }
      return axis;
    }
    case ResizeKernel::Cubic: {
      axis.taps = std::min(4, in);
      for (int x = 0; x < out; ++x) {
        const double position = (x + 0.5) * scale - 0.5;
        const int start = static_cast<int>(std::floor(position));
        const double fraction = position - start;
        add_clamped(
            axis, in, start - 1,
            {cubic(fraction + 1), cubic(fraction), cubic(1 - fraction), cubic(2 - fraction)});
      }
      return axis;
    }
    case ResizeKernel::Area: {
      if (scale <= 1) return area_interpolating_weights(in, out);
      axis.taps = std::min(static_cast<int>(std::ceil(scale)) + 1, in);
      for (int x = 0; x < out; ++x) {
        const double begin = x * scale;
        const double end = std::min((x + 1) * scale, static_cast<double>(in));
        const int start = static_cast<int>(std::floor(begin));
        std::vector<double> raw;
        for (int i = start; i < end; ++i) {
          raw.push_back((std::min<double>(i + 1, end) - std::max<double>(i, begin)) / scale);
        }
        add_clamped(axis, in, start, raw);
      }
      return axis;
    }
    case ResizeKernel::Lanczos3: {
      const double filter_scale = std::max(scale, 1.0);
      const double support = 3.0 * filter_scale;
      axis.taps = std::min(static_cast<int>(std::ceil(support)) * 2 + 1, in);
      for (int x = 0; x < out; ++x) {
        const double centre = (x + 0.5) * scale;
        const int low = std::max(static_cast<int>(centre - support + 0.5), 0);
        const int high = std::min(static_cast<int>(centre + support + 0.5), in);
        std::vector<double> raw;
        double total = 0;
        for (int i = low; i < high; ++i) {
          raw.push_back(lanczos3((i - centre + 0.5) / filter_scale));
          total += raw.back();
        }
        if (total != 0) {
          for (double& w : raw) w /= total;
        }
        // Pillow cuts taps at the edges rather than clamping, so this never folds.
        add_clamped(axis, in, low, raw);
      }
      return axis;
    }
  }
  return axis;
}

}  // namespace tessera::ops::detail
