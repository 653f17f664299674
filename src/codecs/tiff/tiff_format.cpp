// TIFF's entry in the format table.

#include <string>

#include "codecs/format_entry.h"
#include "codecs/tiff/tiff_codec.h"

namespace tessera::codecs {

FormatEntry tiff_format() {
  return {
      .description = {.format = FileFormat::Tiff,
                      .name = "tiff",
                      .title = "TIFF",
                      .extensions = {".tif", ".tiff"}},
      // Classic TIFF (42) and BigTIFF (43), in either byte order.
      .sniff =
          [](std::span<const std::byte> head) {
            return starts_with(head, {"II*\0", 4}) || starts_with(head, {"MM\0*", 4}) ||
                   starts_with(head, {"II+\0", 4}) || starts_with(head, {"MM\0+", 4});
          },
      .open_decoder = open_tiff_decoder,
      .open_encoder = open_tiff_encoder,
      .encode_options = {quality_option("tiff_compression=jpeg", "JPEG-in-TIFF"),
                         {.spec = {.param = {.name = "tiff_compression",
                                             .kind = ParamKind::Choice,
                                             .default_value = "deflate",
                                             .choices = "none|deflate|lzw|jpeg",
                                             .doc = "Compression"}},
                          .set =
                              [](EncodeOptions& options, std::string_view value) {
                                options.tiff_compression = value == "none"  ? TiffCompression::None
                                                           : value == "lzw" ? TiffCompression::Lzw
                                                           : value == "jpeg"
                                                               ? TiffCompression::Jpeg
                                                               : TiffCompression::Deflate;
                              },
                          .get = [](const EncodeOptions& options) -> std::string {
                            switch (options.tiff_compression) {
                              case TiffCompression::None:
                                return "none";
                              case TiffCompression::Lzw:
                                return "lzw";
                              case TiffCompression::Jpeg:
                                return "jpeg";
                              case TiffCompression::Deflate:
                                break;
                            }
                            return "deflate";
                          }},
                         {.spec = {.param = {.name = "tiled",
                                             .kind = ParamKind::Flag,
                                             .default_value = "false",
                                             .doc = "256x256 tiles instead of strips"}},
                          .set = [](EncodeOptions& options,
                                    std::string_view value) { options.tiled = value == "true"; },
                          .get = [](const EncodeOptions& options) -> std::string {
                            return options.tiled ? "true" : "false";
                          }}},
  };
}

}  // namespace tessera::codecs
