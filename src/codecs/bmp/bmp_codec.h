#pragma once
// The BMP decoder and encoder factories, for the format table's entry (bmp_format.cpp).

#include <filesystem>
#include <memory>

#include "codecs/file_io.h"
#include "tessera/codec.h"

namespace tessera::codecs {

std::unique_ptr<Decoder> open_bmp_decoder(std::unique_ptr<InputFile> file,
                                          const std::filesystem::path& path,
                                          const DecodeOptions& options);
std::unique_ptr<Encoder> open_bmp_encoder(const std::filesystem::path& path, int width, int height,
                                          PixelFormat format, const EncodeOptions& options);
// The rows the encoder gathers for one write (at 4 bytes a pixel, the most it stores).
std::size_t bmp_encoder_working_bytes(int width, int height);

}  // namespace tessera::codecs
