// PNG's entry in the format table.

#include <string>

#include "codecs/format_entry.h"
#include "codecs/parallel_deflate.h"
#include "codecs/png/png_codec.h"
#include "codecs/quantise.h"

namespace tessera::codecs {

FormatEntry png_format() {
  return {
      .description = {.format = FileFormat::Png,
                      .name = "png",
                      .title = "PNG",
                      .extensions = {".png"}},
      .sniff =
          [](std::span<const std::byte> head) { return starts_with(head, "\x89PNG\r\n\x1A\n"); },
      .open_decoder = open_png_decoder,
      .open_encoder = open_png_encoder,
      .encode_options = {{.spec = {.param = {.name = "compression",
                                             .kind = ParamKind::Integer,
                                             .default_value = "6",
                                             .min = 0,
                                             .max = 9,
                                             .doc = "zlib level"}},
                          .set =
                              [](EncodeOptions& options, std::string_view value) {
                                options.png_compression = std::stoi(std::string(value));
                              },
                          .get =
                              [](const EncodeOptions& options) {
                                return std::to_string(options.png_compression);
                              }},
                         palette_option("false",
                                        "A palette image: at most --colors colours, quantised and "
                                        "dithered by libimagequant as pngquant does"),
                         colors_option("palette=true", "palette PNG"),
                         dither_option("palette=true", "palette PNG")},
      // The parallel deflate's blocks (its appends are rows, 8 bytes a pixel at most); with a
      // palette, the whole image gathered and quantised too.
      .encoder_working_bytes =
          [](int width, int height, const EncodeOptions& options) {
            return ParallelDeflate::working_bytes(8 * static_cast<std::size_t>(width) + 1) +
                   (options.palette ? quantise_working_bytes(width, height) : 0);
          },
  };
}

}  // namespace tessera::codecs
