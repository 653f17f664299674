#pragma once
// Gaussian kernels as OpenCV computes them, so that blurs are bit-identical to cv::GaussianBlur.

#include <vector>

namespace tessera::ops::detail {

// ksize for a sigma when the user gave none (8-bit images): round(sigma * 6 + 1), made odd.
int gaussian_size_for_sigma(double sigma);

// The normalised kernel in double: OpenCV's tables for ksize 3..9 with sigma <= 0, otherwise
// exp(-x^2 / (2 sigma^2)) with sigma from ksize when sigma <= 0.
std::vector<double> gaussian_kernel(int ksize, double sigma);

// The same kernel in fixed point with `bits` fraction bits (sum exactly 2^bits: 8 bits for u8
// images, 16 for u16), rounded outside-in with the error carried to the next tap, and the
// centre tap taking what remains, as OpenCV's bit-exact paths.
std::vector<int> gaussian_kernel_fixed(int ksize, double sigma, int bits = 8);

}  // namespace tessera::ops::detail
