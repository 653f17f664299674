// BMP's entry in the format table.

#include "codecs/bmp/bmp_codec.h"
#include "codecs/format_entry.h"

namespace tessera::codecs {

FormatEntry bmp_format() {
  return {
      .description = {.format = FileFormat::Bmp,
                      .name = "bmp",
                      .title = "BMP",
                      .extensions = {".bmp"}},
      // "BM" and a whole file header.
      .sniff =
          [](std::span<const std::byte> head) {
            return starts_with(head, "BM") && head.size() >= 14;
          },
      .open_decoder = open_bmp_decoder,
      .open_encoder = open_bmp_encoder,
      .encoder_working_bytes =
          [](int width, int height, const EncodeOptions&) {
            return bmp_encoder_working_bytes(width, height);
          },
  };
}

}  // namespace tessera::codecs
