// WebP's entry in the format table.

#include <string>

#include "codecs/format_entry.h"
#include "codecs/webp/webp_codec.h"

namespace tessera::codecs {

FormatEntry webp_format() {
  return {
      .description = {.format = FileFormat::Webp,
                      .name = "webp",
                      .title = "WebP",
                      .extensions = {".webp"},
                      .largest_side = 16383},
      .sniff =
          [](std::span<const std::byte> head) {
            return starts_with(head, "RIFF") && starts_with(head, "WEBP", 8);
          },
      .open_decoder = open_webp_decoder,
      .open_encoder = open_webp_encoder,
      // Lossless WebP reads no quality: libwebp would take it as effort, which is not what -q
      // says (the encoder keeps libwebp's default effort).
      .encode_options = {quality_option("lossless=false", "lossy WebP"),
                         {.spec = {.param = {.name = "lossless",
                                             .kind = ParamKind::Flag,
                                             .default_value = "false",
                                             .doc = "Lossless compression"}},
                          .set = [](EncodeOptions& options,
                                    std::string_view value) { options.lossless = value == "true"; },
                          .get = [](const EncodeOptions& options) -> std::string {
                            return options.lossless ? "true" : "false";
                          }}},
      // An ARGB copy of the picture, its YUV planes and the encoder's analysis: 4.4 bytes per
      // pixel at 3 and 12 megapixels, 7 on a 24-megapixel panorama (libwebp 1.2; peak RSS less
      // tessera's tracked peak, rounded up).
      .encoder_working_bytes =
          [](int width, int height, const EncodeOptions&) {
            return 8 * static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
          },
  };
}

}  // namespace tessera::codecs
