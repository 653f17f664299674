// What the codec libraries' encoders allocate on their own, for estimates (see codec.h). The
// figures are peak RSS less tessera's tracked peak and the process's baseline, measured with
// `tessera convert` on 0.25, 3 and 12 megapixel photographs (libwebp 1.2, libheif 1.15 with
// libaom and x265, Debian 12), rounded up.

#include "tessera/codec.h"

namespace tessera {

std::size_t encoder_working_bytes(FileFormat format, int width, int height) {
  const auto pixels = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  switch (format) {
    case FileFormat::Webp:
      // An ARGB copy of the picture, its YUV planes and the encoder's analysis: 4.4 bytes per
      // pixel at 3 and 12 megapixels, 7 on a 24-megapixel panorama.
      return 8 * pixels;
    case FileFormat::Heif:
      // x265 (HEIC) and libaom (AVIF): 22 and 26 bytes per pixel at 3 megapixels (counting
      // their fixed part), 18 and 23 at 12, and about 14 MiB however small the image.
      return 16 * kMiB + 22 * pixels;
    default:
      // JPEG, PNG, TIFF, BMP and PNM encoders hold a row or a strip.
      return 0;
  }
}

}  // namespace tessera
