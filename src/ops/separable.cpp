#include "ops/separable.h"

#include <cstring>

namespace tessera::ops::detail {

void pad_row(ImageView src, int y, int radius_x, Border border, std::uint8_t* padded) {
  const int width = src.width();
  const int channels = src.format().channels();
  const std::uint8_t* row = src.row<std::uint8_t>(y);
  std::memcpy(padded + radius_x * channels, row, src.row_bytes());
  for (int i = 1; i <= radius_x; ++i) {
    const int left = border_index(border, -i, width);
    const int right = border_index(border, width - 1 + i, width);
    std::memcpy(padded + (radius_x - i) * channels, row + left * channels, channels);
    std::memcpy(padded + (radius_x + width - 1 + i) * channels, row + right * channels, channels);
  }
}

}  // namespace tessera::ops::detail
