#pragma once
// Encoding to a stream (stdout, a pipe) through a private temporary file; see
// tessera::open_encoder(std::FILE*, ...).

#include <cstdio>
#include <memory>
#include <string_view>

#include "tessera/codec.h"

namespace tessera::codecs {

// An encoder for `stream` in the format `extension` names (".png", "avif"). Closes the stream
// when done if `owns_stream`.
std::unique_ptr<Encoder> open_stream_encoder(std::FILE* stream, bool owns_stream,
                                             std::string_view extension, std::string_view name,
                                             int width, int height, PixelFormat format,
                                             const EncodeOptions& options);

}  // namespace tessera::codecs
