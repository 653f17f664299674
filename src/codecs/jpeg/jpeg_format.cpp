// JPEG's entry in the format table.

#include <string>

#include "codecs/format_entry.h"
#include "codecs/jpeg/jpeg_codec.h"

namespace tessera::codecs {

FormatEntry jpeg_format() {
  return {
      .description = {.format = FileFormat::Jpeg,
                      .name = "jpeg",
                      .title = "JPEG",
                      .extensions = {".jpg", ".jpeg", ".jpe"},
                      .largest_side = 65500},
      // SOI alone, as libjpeg checks it: it skips junk before the next marker with a warning,
      // and real files (and the github_197 regression) have such junk.
      .sniff = [](std::span<const std::byte> head) { return starts_with(head, "\xFF\xD8"); },
      .open_decoder = open_jpeg_decoder,
      .open_encoder = open_jpeg_encoder,
      .encode_options = {quality_option(),
                         {.spec = {.param = {.name = "progressive",
                                             .kind = ParamKind::Flag,
                                             .default_value = "false",
                                             .doc = "Progressive scans"}},
                          .set =
                              [](EncodeOptions& options, std::string_view value) {
                                options.progressive = value == "true";
                              },
                          .get = [](const EncodeOptions& options) -> std::string {
                            return options.progressive ? "true" : "false";
                          }},
                         {.spec = {.param = {.name = "subsampling",
                                             .kind = ParamKind::Choice,
                                             .default_value = "420",
                                             .choices = "444|422|420",
                                             .doc = "Chroma subsampling"}},
                          .set =
                              [](EncodeOptions& options, std::string_view value) {
                                options.subsampling = value == "444"   ? ChromaSubsampling::S444
                                                      : value == "422" ? ChromaSubsampling::S422
                                                                       : ChromaSubsampling::S420;
                              },
                          .get = [](const EncodeOptions& options) -> std::string {
                            return options.subsampling == ChromaSubsampling::S444   ? "444"
                                   : options.subsampling == ChromaSubsampling::S422 ? "422"
                                                                                    : "420";
                          }}},
  };
}

}  // namespace tessera::codecs
