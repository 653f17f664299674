#pragma once
// Turning decoded pixels upright, as EXIF orientation 1..8 says.

#include "tessera/image.h"

namespace tessera::codecs {

// Orientations 5..8 swap width and height.
constexpr bool orientation_transposes(int orientation) { return orientation >= 5; }

// The stored pixel that upright pixel (x, y) shows, for a stored image of width x height. EXIF's
// tag describes the stored image: 6 means "rotate 90 degrees clockwise to display".
struct Pixel {
  int x = 0;
  int y = 0;
};
constexpr Pixel stored_pixel(int orientation, int width, int height, int x, int y) {
  switch (orientation) {
    case 2:  // mirrored
      return {width - 1 - x, y};
    case 3:  // turned 180
      return {width - 1 - x, height - 1 - y};
    case 4:  // flipped
      return {x, height - 1 - y};
    case 5:  // transposed
      return {y, x};
    case 6:  // turned 90 clockwise
      return {y, height - 1 - x};
    case 7:  // transversed
      return {width - 1 - y, height - 1 - x};
    case 8:  // turned 90 anticlockwise
      return {width - 1 - y, x};
    default:
      return {x, y};
  }
}

// The stored rectangle that an upright one shows (orientations only flip and transpose, so
// its corners map to the stored one's).
Rect stored_rect(int orientation, int width, int height, Rect upright);

// The upright image: `image` itself for orientation 1, otherwise a new image.
Image apply_orientation(const Image& image, int orientation, AllocationOptions options);

}  // namespace tessera::codecs
