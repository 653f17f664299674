#pragma once
// Per-axis resampling weights: for each output position, the first input index and the
// weights of consecutive input samples from there.

#include <vector>

#include "tessera/ops/geometry.h"

namespace tessera::ops::detail {

struct AxisWeights {
  int taps = 0;                 // weights per output position
  std::vector<int> first;       // first input index, per output position
  std::vector<double> weights;  // taps per output position, summing to 1
};

// Weights mapping `in` samples to `out` along one axis. When in == out, every kernel gives
// the identity: one tap, first = x, weight 1.
// Linear, Cubic: cv::resize's half-pixel mapping, indices clamped at the edges (a = -0.75).
// Area: the fraction of each input sample an output sample covers (cv::resize INTER_AREA when
// shrinking; bilinear-like weights as OpenCV's when enlarging).
// Lanczos3: Pillow's, with the support widened by the shrink factor (antialiasing) and taps
// cut at the edges and renormalised.
AxisWeights axis_weights(ResizeKernel kernel, int in, int out);

// cv::resize's INTER_AREA weights for an axis that enlarges: two taps, as linear but with the
// area's phase. OpenCV takes them for BOTH axes when either one enlarges (it averages only
// when neither does), so a resize that shrinks one axis and enlarges the other uses them on
// the shrinking axis too.
AxisWeights area_interpolating_weights(int in, int out);

}  // namespace tessera::ops::detail
