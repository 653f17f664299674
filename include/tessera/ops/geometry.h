#pragma once
// Geometry: crop, flip, rotate, resize, pad. Exact ops (crop, flip, rotate by multiples of 90,
// pad) work on every pixel format; interpolating ones (resize, rotation by any angle) on u8.
// The two forms and the error rules are those of tessera/ops/color.h.
//
// Angles: positive turns clockwise, as in libvips and ImageMagick (OpenCV's
// getRotationMatrix2D turns counter-clockwise for positive angles).
//
//   auto thumb = tessera::ops::resize(photo.view(), tessera::ops::parse_resize_target("500x"));
//   auto upright = tessera::ops::rotate(scan.view(), 90);

#include <array>
#include <memory>
#include <source_location>
#include <string_view>

#include "tessera/image.h"

namespace tessera::ops {

// A copy of `rect` of src. For a view without a copy, use Image::region().
Image crop(ImageView src, const Rect& rect, AllocationOptions options = {},
           std::source_location site = std::source_location::current());

enum class FlipAxis { Horizontal, Vertical, Both };
// Mirrors left-right (Horizontal), top-bottom (Vertical) or both: cv::flip(1 / 0 / -1).
Image flip(ImageView src, FlipAxis axis, AllocationOptions options = {},
           std::source_location site = std::source_location::current());
void flip(ImageView src, MutableImageView dst, FlipAxis axis);

// A colour for new pixels (rotation corners, padding), in 0..255 per channel: gray uses the
// first value, alpha the fourth.
using Background = std::array<double, 4>;
inline constexpr Background kBlack = {0, 0, 0, 255};

struct RotateOptions {
  Background background = kBlack;
  // True: the output grows to hold the whole turned image. False: same size as the input.
  bool expand = true;
};
// Turns by `degrees` clockwise. Multiples of 90 are exact and work on every format (like
// cv::rotate); other angles use bilinear interpolation about the centre, like cv::warpAffine.
Image rotate(ImageView src, double degrees, const RotateOptions& rotation = {},
             AllocationOptions options = {},
             std::source_location site = std::source_location::current());

enum class ResizeKernel { Nearest, Linear, Area, Cubic, Lanczos3 };
enum class ResizeFit {
  Fill,    // exactly width x height (when both are given)
  Inside,  // as large as fits inside width x height, keeping the aspect ratio
  Cover,   // exactly width x height: scaled (aspect kept) to cover it, then centre-cropped, as
           // sharp's `cover` and libvips' `crop`
};
// What the user asked for: a factor ("50%", "0.5") or a size ("800x600", "500x", "x300").
struct ResizeTarget {
  double scale = 0;  // > 0 for a factor
  int width = 0;     // 0: derived from height and the aspect ratio
  int height = 0;    // 0: derived from width and the aspect ratio
  ResizeFit fit = ResizeFit::Fill;
};
// Parses "50%", "0.5", "800x600", "500x", "x300"; Error(InvalidArgument) naming the text and
// the accepted forms otherwise.
ResizeTarget parse_resize_target(std::string_view text);
// The output size `target` gives for a width x height input (at least 1x1).
std::array<int, 2> resize_output_size(const ResizeTarget& target, int width, int height);

// Where the output lies on the grid the input is scaled to. Fit::Cover scales to
// scaled_width x scaled_height (covering the target) and keeps the width x height window whose
// top-left corner is (left, top): centred, rounded down, as libvips' crop=centre. Every other
// fit scales to the output size itself (left = top = 0).
struct ResizeGeometry {
  int width = 0, height = 0;                // the output
  int scaled_width = 0, scaled_height = 0;  // the grid it is cut from
  int left = 0, top = 0;
};
ResizeGeometry resize_geometry(const ResizeTarget& target, int width, int height);

// Resamples u8 images (nearest: any format). The resize tolerance, which the tests hold every
// target form and fit to: Linear, Area and Cubic match cv::resize (INTER_LINEAR, INTER_AREA,
// INTER_CUBIC) within one level on every sample, Nearest is INTER_NEAREST exactly, Lanczos3
// (the default, as in libvips and sharp) matches Pillow's LANCZOS within one level,
// antialiasing when it shrinks. An axis that keeps its size is copied unchanged. Area averages
// when neither axis grows; when one does, both interpolate, as cv::resize's INTER_AREA. fit=cover
// is the resize to the covering size, then the centred crop (see ResizeGeometry).
Image resize(ImageView src, const ResizeTarget& target,
             ResizeKernel kernel = ResizeKernel::Lanczos3, AllocationOptions options = {},
             std::source_location site = std::source_location::current());
void resize(ImageView src, MutableImageView dst, ResizeKernel kernel = ResizeKernel::Lanczos3);

// Resize in row ranges, for streaming: made once for the two sizes, then any band of output
// rows is computed from a window holding just the source rows it reads. resize() is this with
// the whole image as the window.
//
//   ops::RowResizer resizer(40000, 30000, 4000, 3000, PixelFormat::rgb8(), ResizeKernel::Area);
//   auto [first, end] = resizer.source_rows(0, 8);   // source rows output rows 0..7 read
//   resizer.run(window, first, out_rows, 0);          // window holds rows first..end-1
class RowResizer {
 public:
  RowResizer(int src_width, int src_height, int dst_width, int dst_height, PixelFormat format,
             ResizeKernel kernel);
  // Only the window of the scaled grid that `geometry` names (fit=cover's crop), in the same
  // single pass: the output is geometry.width x geometry.height.
  RowResizer(int src_width, int src_height, const ResizeGeometry& geometry, PixelFormat format,
             ResizeKernel kernel);

  // The source rows [first, end) that output rows [out_first, out_end) read.
  std::array<int, 2> source_rows(int out_first, int out_end) const;
  // Output rows out_top .. out_top + out.height() - 1, from `window`, which holds source rows
  // window_top .. window_top + window.height() - 1 (at least those source_rows() names).
  void run(ImageView window, int window_top, MutableImageView out, int out_top) const;

 private:
  struct Weights;
  int src_width_, src_height_;
  ResizeGeometry geometry_;
  PixelFormat format_;
  ResizeKernel kernel_;
  bool halve_ = false;
  std::shared_ptr<Weights> weights_;  // shared: copies of a resizer are cheap
};

struct Padding {
  int top = 0, right = 0, bottom = 0, left = 0;

  friend bool operator==(const Padding&, const Padding&) = default;
};
// Adds borders of `background` around src.
Image pad(ImageView src, const Padding& padding, const Background& background = kBlack,
          AllocationOptions options = {},
          std::source_location site = std::source_location::current());

}  // namespace tessera::ops
