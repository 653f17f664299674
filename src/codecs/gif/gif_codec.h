#pragma once
// The GIF decoder and encoder factories, for the format table's entry (gif_format.cpp).

#include <filesystem>
#include <memory>

#include "codecs/file_io.h"
#include "tessera/codec.h"

namespace tessera::codecs {

std::unique_ptr<Decoder> open_gif_decoder(std::unique_ptr<InputFile> file,
                                          const std::filesystem::path& path,
                                          const DecodeOptions& options);
std::unique_ptr<Encoder> open_gif_encoder(const std::filesystem::path& path, int width, int height,
                                          PixelFormat format, const EncodeOptions& options);

}  // namespace tessera::codecs
