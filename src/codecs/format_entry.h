#pragma once
// The format table's entries: what tessera knows about one file format, declared once by its
// codec folder (src/codecs/jpeg/jpeg_format.cpp, ...), as OpenImageIO's plugins and libvips'
// savers declare theirs. codec.cpp sniffs, names, opens and checks by walking the table, and
// the CLI, `tessera info --formats` and the help texts read its public side (formats.h), so
// that adding a format, or an encoder option, is one place.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codecs/file_io.h"
#include "tessera/codec.h"
#include "tessera/formats.h"

namespace tessera::codecs {

// One encode option of a format: its public side, and how it is set on and read from
// EncodeOptions by name (from the CLI's text, Python's keyword arguments).
struct EncodeOption {
  EncodeOptionSpec spec;
  // `value` has passed the spec's check.
  void (*set)(EncodeOptions& options, std::string_view value) = nullptr;
  std::string (*get)(const EncodeOptions& options) = nullptr;
};

using DecoderFactory = std::unique_ptr<Decoder> (*)(std::unique_ptr<InputFile> file,
                                                    const std::filesystem::path& path,
                                                    const DecodeOptions& options);
using EncoderFactory = std::unique_ptr<Encoder> (*)(const std::filesystem::path& path, int width,
                                                    int height, PixelFormat format,
                                                    const EncodeOptions& options);

struct FormatEntry {
  // What the table shows; its encode_options and `written` are filled from the fields below.
  FormatDescription description;
  // Whether a file's first bytes (at most 16, `head`) are this format's signature.
  bool (*sniff)(std::span<const std::byte> head) = nullptr;
  DecoderFactory open_decoder = nullptr;
  EncoderFactory open_encoder = nullptr;  // null: read only
  std::vector<EncodeOption> encode_options;
  // What the library's encoder allocates outside tessera's accounting for a width x height
  // image with these options (see encoder_working_bytes); null: nothing beyond a row or a strip.
  std::size_t (*encoder_working_bytes)(int width, int height,
                                       const EncodeOptions& options) = nullptr;
};

// Every format, in the order sniffing tries them and listings show them. The one list a new
// format joins.
const std::vector<FormatEntry>& format_table();
const FormatEntry& format_entry(FileFormat format);

// Whether `head` starts with `signature` at `offset`.
bool starts_with(std::span<const std::byte> head, std::string_view signature,
                 std::size_t offset = 0);

// Options more than one format reads, declared once.
EncodeOption quality_option(std::string_view only_with = {}, std::string_view applies_as = {});
// The palette's: whether to write one (PNG; GIF always does), its size and its dithering.
EncodeOption palette_option(std::string_view default_value, std::string_view doc);
EncodeOption colors_option(std::string_view only_with = {}, std::string_view applies_as = {});
EncodeOption dither_option(std::string_view only_with = {}, std::string_view applies_as = {});

// Words in a sentence: "JPEG, WebP and TIFF" (the formats an error or a warning names).
std::string as_sentence(const std::vector<std::string>& words);

// Each codec folder's entry (src/codecs/<format>/<format>_format.cpp).
FormatEntry jpeg_format();
FormatEntry png_format();
FormatEntry webp_format();
FormatEntry tiff_format();
FormatEntry gif_format();
FormatEntry heif_format();
FormatEntry bmp_format();
FormatEntry pnm_format();

}  // namespace tessera::codecs
