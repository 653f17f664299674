#pragma once
// Encode options given on the command line that the output's format does not use are said once
// rather than ignored in silence (`--lossless` on a .jpg, `-q` on a .png), by convert and batch.
//
//   for (const auto& line : ignored_encode_options(FileFormat::Png, {.quality = true}, encode))
//     fmt::print(stderr, "tessera: warning: {}; ignored for '{}'\n", line, output);

#include <string>
#include <vector>

#include "tessera/codec.h"

namespace tessera::cli {

// Which encode options the user gave (rather than left at their defaults).
struct GivenEncodeOptions {
  bool quality = false;
  bool progressive = false;
  bool subsampling = false;
  bool compression = false;
  bool lossless = false;
  bool tiff_compression = false;
  bool tiled = false;
};

// One phrase per given option that `format` ignores with these settings, e.g. "-q applies to
// JPEG, WebP, HEIC/AVIF and JPEG-in-TIFF".
std::vector<std::string> ignored_encode_options(FileFormat format, const GivenEncodeOptions& given,
                                                const EncodeOptions& encode);

}  // namespace tessera::cli
