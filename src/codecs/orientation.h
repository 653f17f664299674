#pragma once
// Turning decoded pixels upright, as EXIF orientation 1..8 says.

#include "tessera/image.h"

namespace tessera::codecs {

// Orientations 5..8 swap width and height.
constexpr bool orientation_transposes(int orientation) { return orientation >= 5; }

// The upright image: `image` itself for orientation 1, otherwise a new image.
Image apply_orientation(const Image& image, int orientation, AllocationOptions options);

}  // namespace tessera::codecs
