// GIF's entry in the format table: read (the first frame), written as one image through a
// palette that libimagequant quantises (quantise.h).

#include "codecs/format_entry.h"
#include "codecs/gif/gif_codec.h"
#include "codecs/quantise.h"

namespace tessera::codecs {

FormatEntry gif_format() {
  return {
      .description = {.format = FileFormat::Gif,
                      .name = "gif",
                      .title = "GIF",
                      .extensions = {".gif"},
                      .largest_side = 65535},
      .sniff =
          [](std::span<const std::byte> head) {
            return starts_with(head, "GIF87a") || starts_with(head, "GIF89a");
          },
      .open_decoder = open_gif_decoder,
      .open_encoder = open_gif_encoder,
      // A GIF is always a palette image: PNG's palette option is taken without a word (its
      // accepted_by), not declared here, where it would change nothing.
      .encode_options = {colors_option(), dither_option()},
      .encoder_working_bytes =
          [](int width, int height, const EncodeOptions&) {
            return quantise_working_bytes(width, height);
          },
  };
}

}  // namespace tessera::codecs
