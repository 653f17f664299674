#include "codecs/orientation.h"

#include <cstring>

namespace tessera::codecs {

Image apply_orientation(const Image& image, int orientation, AllocationOptions options) {
  if (orientation <= 1 || orientation > 8) return image;
  const int width = image.width();
  const int height = image.height();
  const bool transposes = orientation_transposes(orientation);
  const Image upright = Image::create(transposes ? height : width, transposes ? width : height,
                                      image.format(), options);
  const std::size_t pixel = image.format().bytes_per_pixel();
  // For each output pixel (x, y), the stored pixel it comes from. EXIF's tag describes the
  // stored image: 6 means "rotate 90 degrees clockwise to display".
  for (int y = 0; y < upright.height(); ++y) {
    std::byte* out = upright.row(y);
    for (int x = 0; x < upright.width(); ++x) {
      int sx = x;
      int sy = y;
      switch (orientation) {
        case 2:
          sx = width - 1 - x;
          break;  // mirrored
        case 3:
          sx = width - 1 - x;
          sy = height - 1 - y;
          break;  // turned 180
        case 4:
          sy = height - 1 - y;
          break;  // flipped
        case 5:
          sx = y;
          sy = x;
          break;  // transposed
        case 6:
          sx = y;
          sy = height - 1 - x;
          break;  // turned 90 clockwise
        case 7:
          sx = width - 1 - y;
          sy = height - 1 - x;
          break;  // transversed
        case 8:
          sx = width - 1 - y;
          sy = x;
          break;  // turned 90 anticlockwise
        default:
          break;
      }
      std::memcpy(out + x * pixel, image.row(sy) + sx * pixel, pixel);
    }
  }
  return upright;
}

}  // namespace tessera::codecs
