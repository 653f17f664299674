#pragma once
// tessera images as OpenCV sees them, for tests that compare with OpenCV (the reference, never
// a dependency of tessera itself). A cv::Mat made here borrows the image's pixels.

#include <opencv2/core.hpp>

#include "tessera/image.h"

namespace tessera::testing {

inline int cv_type(PixelFormat format) {
  const int depth = format.sample == SampleType::U8    ? CV_8U
                    : format.sample == SampleType::U16 ? CV_16U
                                                       : CV_32F;
  return CV_MAKETYPE(depth, format.channels());
}

// A Mat header over the view's pixels (no copy; the view's owner must outlive it).
inline cv::Mat as_mat(ImageView view) {
  return cv::Mat(view.height(), view.width(), cv_type(view.format()),
                 const_cast<std::byte*>(view.data()), static_cast<std::size_t>(view.stride()));
}

// A copy of a Mat as an Image of `format` (channels and depth must agree).
inline Image from_mat(const cv::Mat& mat, PixelFormat format) {
  Image image = Image::create(mat.cols, mat.rows, format);
  for (int y = 0; y < mat.rows; ++y) {
    std::memcpy(image.row(y), mat.ptr(y), image.view().row_bytes());
  }
  return image;
}

// Number of samples that differ, and the largest difference, between an image and a Mat.
struct Difference {
  long differing = 0;
  int largest = 0;
  long total = 0;
  double fraction() const { return total ? static_cast<double>(differing) / total : 0; }
};

inline Difference difference(ImageView ours, const cv::Mat& theirs) {
  Difference result;
  const int samples = ours.width() * ours.format().channels();
  for (int y = 0; y < ours.height(); ++y) {
    const auto* a = ours.row<std::uint8_t>(y);
    const auto* b = theirs.ptr<std::uint8_t>(y);
    for (int i = 0; i < samples; ++i) {
      const int d = std::abs(a[i] - b[i]);
      if (d > 0) ++result.differing;
      result.largest = std::max(result.largest, d);
    }
    result.total += samples;
  }
  return result;
}

}  // namespace tessera::testing
