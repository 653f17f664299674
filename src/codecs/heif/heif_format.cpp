// HEIF's entry in the format table: HEIC (HEVC) and AVIF (AV1), one container.

#include <string_view>

#include "codecs/format_entry.h"
#include "codecs/heif/heif_codec.h"

namespace tessera::codecs {

FormatEntry heif_format() {
  return {
      .description = {.format = FileFormat::Heif,
                      .name = "heif",
                      .title = "HEIC/AVIF",
                      // .avif is written with AV1, .heic and .heif with HEVC.
                      .extensions = {".heic", ".heif", ".avif"}},
      // An ISO media file ("ftyp" box) whose major brand is an image one.
      .sniff =
          [](std::span<const std::byte> head) {
            if (!starts_with(head, "ftyp", 4) || head.size() < 12) return false;
            const std::string_view brand(reinterpret_cast<const char*>(head.data()) + 8, 4);
            for (const std::string_view image_brand :
                 {"heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "msf1",
                  "mif2", "avif", "avis"}) {
              if (brand == image_brand) return true;
            }
            return false;
          },
      .open_decoder = open_heif_decoder,
      .open_encoder = open_heif_encoder,
      .encode_options = {quality_option()},
      // x265 (HEIC) and libaom (AVIF): 22 and 26 bytes per pixel at 3 megapixels (counting
      // their fixed part), 18 and 23 at 12, and about 14 MiB however small the image (libheif
      // 1.15; peak RSS less tessera's tracked peak, rounded up).
      .encoder_working_bytes =
          [](int width, int height, const EncodeOptions&) {
            return (std::size_t{16} << 20) +
                   22 * static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
          },
  };
}

}  // namespace tessera::codecs
