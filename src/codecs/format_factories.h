#pragma once
// One decoder and one encoder factory per format; codec.cpp dispatches to them.

#include <cstdio>
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

std::unique_ptr<Decoder> open_png_decoder(std::unique_ptr<InputFile> file,
                                          const std::filesystem::path& path,
                                          const DecodeOptions& options);
std::unique_ptr<Encoder> open_png_encoder(const std::filesystem::path& path, int width, int height,
                                          PixelFormat format, const EncodeOptions& options);

std::unique_ptr<Decoder> open_webp_decoder(std::unique_ptr<InputFile> file,
                                           const std::filesystem::path& path,
                                           const DecodeOptions& options);
std::unique_ptr<Encoder> open_webp_encoder(const std::filesystem::path& path, int width, int height,
                                           PixelFormat format, const EncodeOptions& options);

std::unique_ptr<Decoder> open_tiff_decoder(std::unique_ptr<InputFile> file,
                                           const std::filesystem::path& path,
                                           const DecodeOptions& options);
std::unique_ptr<Encoder> open_tiff_encoder(const std::filesystem::path& path, int width, int height,
                                           PixelFormat format, const EncodeOptions& options);

std::unique_ptr<Decoder> open_gif_decoder(std::unique_ptr<InputFile> file,
                                          const std::filesystem::path& path,
                                          const DecodeOptions& options);

std::unique_ptr<Decoder> open_heif_decoder(std::unique_ptr<InputFile> file,
                                           const std::filesystem::path& path,
                                           const DecodeOptions& options);
std::unique_ptr<Encoder> open_heif_encoder(const std::filesystem::path& path, int width, int height,
                                           PixelFormat format, const EncodeOptions& options);

std::unique_ptr<Decoder> open_bmp_decoder(std::unique_ptr<InputFile> file,
                                          const std::filesystem::path& path,
                                          const DecodeOptions& options);
std::unique_ptr<Encoder> open_bmp_encoder(const std::filesystem::path& path, int width, int height,
                                          PixelFormat format, const EncodeOptions& options);

std::unique_ptr<Decoder> open_pnm_decoder(std::unique_ptr<InputFile> file,
                                          const std::filesystem::path& path,
                                          const DecodeOptions& options);
std::unique_ptr<Encoder> open_pnm_encoder(const std::filesystem::path& path, int width, int height,
                                          PixelFormat format, const EncodeOptions& options);

// An encoder for `stream` in the format `extension` names (".png", "avif"); see
// tessera::open_encoder(std::FILE*, ...). Closes the stream when done if `owns_stream`.
std::unique_ptr<Encoder> open_stream_encoder(std::FILE* stream, bool owns_stream,
                                             std::string_view extension, std::string_view name,
                                             int width, int height, PixelFormat format,
                                             const EncodeOptions& options);

}  // namespace tessera::codecs
