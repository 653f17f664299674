#include "codecs/orientation.h"

#include <algorithm>
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
  for (int y = 0; y < upright.height(); ++y) {
    std::byte* out = upright.row(y);
    for (int x = 0; x < upright.width(); ++x) {
      const Pixel from = stored_pixel(orientation, width, height, x, y);
      std::memcpy(out + x * pixel, image.row(from.y) + from.x * pixel, pixel);
    }
  }
  return upright;
}

Rect stored_rect(int orientation, int width, int height, Rect upright) {
  const Pixel first = stored_pixel(orientation, width, height, upright.x, upright.y);
  const Pixel last = stored_pixel(orientation, width, height, upright.x + upright.width - 1,
                                  upright.y + upright.height - 1);
  const int left = std::min(first.x, last.x), top = std::min(first.y, last.y);
  return {left, top, std::max(first.x, last.x) - left + 1, std::max(first.y, last.y) - top + 1};
}

}  // namespace tessera::codecs
