// GIF's entry in the format table: read, not written.

#include "codecs/format_entry.h"
#include "codecs/gif/gif_codec.h"

namespace tessera::codecs {

FormatEntry gif_format() {
  return {
      .description = {.format = FileFormat::Gif,
                      .name = "gif",
                      .title = "GIF",
                      .extensions = {".gif"},
                      .write_instead = "write .png (lossless) or .webp instead"},
      .sniff =
          [](std::span<const std::byte> head) {
            return starts_with(head, "GIF87a") || starts_with(head, "GIF89a");
          },
      .open_decoder = open_gif_decoder,
  };
}

}  // namespace tessera::codecs
