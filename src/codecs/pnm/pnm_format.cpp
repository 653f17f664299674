// Netpbm's entry in the format table: PBM, PGM, PPM and PAM.

#include <cctype>

#include "codecs/format_entry.h"
#include "codecs/pnm/pnm_codec.h"

namespace tessera::codecs {

FormatEntry pnm_format() {
  return {
      .description = {.format = FileFormat::Pnm,
                      .name = "pnm",
                      .title = "Netpbm",
                      // What each writes: pnm_encoder.cpp.
                      .extensions = {".pgm", ".ppm", ".pnm", ".pam"}},
      // "P1" to "P7" then whitespace.
      .sniff =
          [](std::span<const std::byte> head) {
            return head.size() >= 3 && head[0] == std::byte{'P'} && head[1] >= std::byte{'1'} &&
                   head[1] <= std::byte{'7'} &&
                   std::isspace(std::to_integer<unsigned char>(head[2])) != 0;
          },
      .open_decoder = open_pnm_decoder,
      .open_encoder = open_pnm_encoder,
  };
}

}  // namespace tessera::codecs
