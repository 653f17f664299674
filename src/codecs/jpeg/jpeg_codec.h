#pragma once
// The JPEG decoder and encoder factories, for the format table's entry (jpeg_format.cpp).

#include <filesystem>
#include <memory>

#include "codecs/file_io.h"
#include "tessera/codec.h"

namespace tessera::codecs {

std::unique_ptr<Decoder> open_jpeg_decoder(std::unique_ptr<InputFile> file,
                                           const std::filesystem::path& path,
                                           const DecodeOptions& options);
std::unique_ptr<Encoder> open_jpeg_encoder(const std::filesystem::path& path, int width, int height,
                                           PixelFormat format, const EncodeOptions& options);

}  // namespace tessera::codecs
