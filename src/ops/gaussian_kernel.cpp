#include "ops/gaussian_kernel.h"

#include <cmath>

namespace tessera::ops::detail {

int gaussian_size_for_sigma(double sigma) {
  return static_cast<int>(std::nearbyint(sigma * 6 + 1)) | 1;
}

std::vector<double> gaussian_kernel(int ksize, double sigma) {
  if (sigma <= 0) {
    // OpenCV's small-kernel tables (binomial-like), used when no sigma is given.
    switch (ksize) {
      case 1:
        return {1.0};
      case 3:
        return {0.25, 0.5, 0.25};
      case 5:
        return {0.0625, 0.25, 0.375, 0.25, 0.0625};
      case 7:
        return {0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125};
      case 9:
        return {4 / 256.0,  13 / 256.0, 30 / 256.0, 51 / 256.0, 60 / 256.0,
                51 / 256.0, 30 / 256.0, 13 / 256.0, 4 / 256.0};
      default:
        break;
    }
  }
  // sigma = 0.3 * ((ksize - 1) / 2 - 1) + 0.8, written as OpenCV evaluates it.
  const double s = sigma > 0 ? sigma : std::fma(static_cast<double>(ksize), 0.15, 0.35);
  const double scale = -0.125 / (s * s);  // -0.5 / sigma^2 with x measured in half steps
  const int half = (ksize - 1) / 2;
  std::vector<double> values(half);
  double sum = 0;
  for (int i = 0, x = 1 - ksize; i < half; ++i, x += 2) {
    values[i] = std::exp(static_cast<double>(x * x) * scale);
    sum += values[i];
  }
  sum = sum * 2 + 1;
  const double normalise = 1.0 / sum;
  std::vector<double> kernel(ksize);
  for (int i = 0; i < half; ++i) kernel[i] = kernel[ksize - 1 - i] = values[i] * normalise;
  kernel[half] = normalise;
  return kernel;
}

std::vector<int> gaussian_kernel_fixed(int ksize, double sigma, int bits) {
  const std::vector<double> kernel = gaussian_kernel(ksize, sigma);
  const int kOne = 1 << bits;
  std::vector<int> fixed(ksize);
  const int half = ksize / 2;
  double error = 0;
  int sum = 0;
  for (int i = 0; i < half; ++i) {
    const double adjusted = kernel[i] * kOne + error;
    const int value = static_cast<int>(std::nearbyint(adjusted));
    error = adjusted - value;
    fixed[i] = fixed[ksize - 1 - i] = value;
    sum += value;
  }
  fixed[half] = kOne - 2 * sum;
  return fixed;
}

}  // namespace tessera::ops::detail
