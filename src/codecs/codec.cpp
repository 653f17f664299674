// The front door of the codecs: which format a file is, and read/write/probe on top of the
// per-format decoders and encoders.

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>

#include <cerrno>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <utility>

#include "codecs/colour_management.h"
#include "codecs/extension.h"
#include "codecs/file_io.h"
#include "codecs/format_entry.h"
#include "codecs/limits.h"
#include "codecs/metadata/exif_edit.h"
#include "codecs/metadata/metadata_kinds.h"
#include "codecs/orientation.h"
#include "codecs/stream_output.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/formats.h"

namespace tessera {
namespace codecs {

// The one place that sets a decoder's policy, whatever its format.
struct DecoderAccess {
  static std::unique_ptr<Decoder> with_policy(std::unique_ptr<Decoder> decoder,
                                              const DecodeOptions& options) {
    decoder->fail_on_ = options.fail_on;
    decoder->print_warnings_ = options.print_warnings;
    // EXIF is checked once, here, whatever the format: what goes on to an encoder is what
    // libexif could read, and a blob it cannot is dropped with a warning.
    if (!decoder->metadata_.exif.empty()) {
      CheckedExif checked = checked_exif(decoder->metadata_.exif);
      decoder->metadata_.exif = std::move(checked.exif);
      if (!checked.problem.empty()) decoder->warn(std::move(checked.problem));
    }
    return decoder;
  }
};

}  // namespace codecs
namespace {

ChannelLayout without_alpha_layout(ChannelLayout layout) {
  return layout == ChannelLayout::Rgba        ? ChannelLayout::Rgb
         : layout == ChannelLayout::GrayAlpha ? ChannelLayout::Gray
                                              : layout;
}

// Formats tessera recognises but does not read, so the error can name them.
std::string_view recognised_elsewhere(const std::byte* bytes, std::size_t size) {
  static constexpr std::pair<std::string_view, std::string_view> kSignatures[] = {
      {{"\0\0\0\x0CjP  ", 8}, "JPEG 2000"},
      {"\xFF\x4F\xFF\x51", "JPEG 2000"},
      {{"\0\0\0\x0CJXL ", 8}, "JPEG XL"},
      {"\xFF\x0A", "JPEG XL"},
      {{"\0\0\1\0", 4}, "ICO"},
      {"8BPS", "Photoshop (PSD)"},
      {"%PDF", "PDF"},
      {"<?xml", "XML or SVG"},
      {"<svg", "SVG"},
      {"\x76\x2F\x31\x01", "OpenEXR"},
      {"SIMPLE  =", "FITS"},
      {"#?RADIANCE", "Radiance HDR"},
      {"II\xBC", "JPEG XR"},
      {"qoif", "QOI"},
  };
  const std::span<const std::byte> head(bytes, size);
  for (const auto& [signature, name] : kSignatures) {
    if (codecs::starts_with(head, signature)) return name;
  }
  if (codecs::starts_with(head, "ftyp", 4)) return "MP4/QuickTime";
  return {};
}

// "JPEG, PNG, WebP, TIFF, GIF, HEIC/AVIF, BMP and Netpbm"
std::string readable_formats() {
  std::vector<std::string> titles;
  for (const FormatDescription& format : all_formats()) titles.emplace_back(format.title);
  return codecs::as_sentence(titles);
}

std::string describe_bytes(const std::byte* bytes, std::size_t size) {
  std::string hex;
  std::string text;
  for (std::size_t i = 0; i < std::min<std::size_t>(size, 8); ++i) {
    const auto value = std::to_integer<unsigned char>(bytes[i]);
    hex += fmt::format("{}{:02x}", i == 0 ? "" : " ", value);
    text += std::isprint(value) != 0 ? static_cast<char>(value) : '.';
  }
  return fmt::format("{} ('{}')", hex, text);
}

// A PNG signature with one or two bytes wrong is a damaged PNG, not some other format.
bool damaged_png_signature(const std::byte* bytes, std::size_t size) {
  constexpr std::string_view kSignature = "\x89PNG\r\n\x1A\n";
  if (size < kSignature.size()) return false;
  int matching = 0;
  for (std::size_t i = 0; i < kSignature.size(); ++i) {
    matching += bytes[i] == static_cast<std::byte>(kSignature[i]) ? 1 : 0;
  }
  return matching >= 6;
}

}  // namespace

std::optional<FileFormat> sniff_format(const std::byte* bytes, std::size_t size) {
  for (const codecs::FormatEntry& entry : codecs::format_table()) {
    if (entry.sniff({bytes, size})) return entry.description.format;
  }
  return std::nullopt;
}

bool starts_as_a_read_format(const std::filesystem::path& path) {
  std::FILE* stream = std::fopen(path.c_str(), "rb");
  if (stream == nullptr) return false;
  std::array<std::byte, 64> head{};
  const std::size_t size = std::fread(head.data(), 1, head.size(), stream);
  std::fclose(stream);
  return sniff_format(head.data(), size).has_value();
}

FileFormat format_for_option(std::string_view name) {
  try {
    return format_for_extension("output." + std::string(name));
  } catch (const Error& error) {
    throw Error(error.code(), fmt::format("--format {}: {}", name, error.message()),
                {.operation = error.operation()});
  }
}

FileFormat format_for_extension(const std::filesystem::path& path) {
  const std::string extension = codecs::lowercase_extension(path);
  const ErrorContext context{.path = path.string(), .operation = "encode"};
  std::vector<std::string> written;
  for (const FormatDescription& format : all_formats()) {
    for (const std::string_view known : format.extensions) {
      if (format.written) written.emplace_back(known);
      if (extension != known) continue;
      if (format.written) return format.format;
      throw Error(ErrorCode::UnsupportedFormat,
                  fmt::format("tessera reads {} but does not write it; {}", format.title,
                              format.write_instead),
                  context);
    }
  }
  throw Error(ErrorCode::UnsupportedFormat,
              fmt::format("cannot write '{}' files; the output name must end in {} or {}",
                          extension.empty() ? "(no extension)" : extension,
                          fmt::join(written.begin(), written.end() - 1, ", "), written.back()),
              context);
}

namespace {

// Sniffs the opened input and hands it to its format's decoder.
std::unique_ptr<Decoder> open_format(std::unique_ptr<codecs::InputFile> file,
                                     const std::filesystem::path& path,
                                     const DecodeOptions& options) {
  std::array<std::byte, 16> head{};
  const std::size_t size = file->peek(head.data(), head.size());
  const ErrorContext context{.path = path.string(), .operation = "open"};
  if (size == 0) throw Error(ErrorCode::CorruptData, "the file is empty", context);
  if (const auto format = sniff_format(head.data(), size)) {
    if (options.page && *options.page < 0) {
      throw Error(ErrorCode::InvalidArgument,
                  fmt::format("page {} does not exist: pages count from 0", *options.page),
                  {.path = path.string(), .operation = "page"});
    }
    // Formats of one image refuse another page before their decoder reads anything.
    const bool several = *format == FileFormat::Tiff || *format == FileFormat::Heif ||
                         *format == FileFormat::Gif || *format == FileFormat::Webp;
    if (!several && options.page.value_or(0) > 0) {
      codecs::throw_missing_page(*options.page, 1, "page", path);
    }
    return codecs::format_entry(*format).open_decoder(std::move(file), path, options);
  }
  if (damaged_png_signature(head.data(), size)) {
    throw Error(ErrorCode::CorruptData,
                fmt::format("a PNG whose signature is damaged: it starts with {}",
                            describe_bytes(head.data(), size)),
                context);
  }
  const std::string_view other = recognised_elsewhere(head.data(), size);
  throw Error(ErrorCode::UnsupportedFormat,
              other.empty() ? fmt::format("not an image format tessera knows; it starts with {}",
                                          describe_bytes(head.data(), size))
                            : fmt::format("{} files are not supported (tessera reads {})", other,
                                          readable_formats()),
              context);
}

std::unique_ptr<Decoder> open_input(std::unique_ptr<codecs::InputFile> file,
                                    const std::filesystem::path& path,
                                    const DecodeOptions& options) {
  return codecs::DecoderAccess::with_policy(open_format(std::move(file), path, options), options);
}

// The most bytes a piped input may hold: a compressed file is never much larger than its
// pixels at 16-bit RGBA (8 bytes each), whatever the format; 1 MiB of room for metadata.
std::uint64_t max_stream_bytes(const Limits& limits) {
  constexpr std::uint64_t kMetadata = std::uint64_t{1} << 20;
  if (limits.max_pixels > (UINT64_MAX - kMetadata) / 8) return UINT64_MAX;
  return limits.max_pixels * 8 + kMetadata;
}

}  // namespace

std::unique_ptr<Decoder> open_decoder(const std::filesystem::path& path,
                                      const DecodeOptions& options) {
  return open_input(std::make_unique<codecs::InputFile>(path, codecs::budget_of(options.limits),
                                                        max_stream_bytes(options.limits)),
                    path, options);
}

std::unique_ptr<Decoder> open_decoder(std::FILE* stream, std::string_view name,
                                      const DecodeOptions& options) {
  const std::filesystem::path path(name);
  return open_input(
      std::make_unique<codecs::InputFile>(stream, path, codecs::budget_of(options.limits),
                                          max_stream_bytes(options.limits)),
      path, options);
}

bool is_read_once_input(const std::filesystem::path& path) {
  if (path == "-") return true;
  struct stat status {};
  // A path that cannot be looked at is left to open_decoder, which names the reason.
  if (::stat(path.c_str(), &status) != 0) return false;
  return !S_ISREG(status.st_mode) && !S_ISBLK(status.st_mode) && !S_ISDIR(status.st_mode);
}

InputBytes read_once_input(const std::filesystem::path& path, const Limits& limits) {
  if (path == "-") {
    return codecs::read_to_end(stdin, "stdin", codecs::budget_of(limits), max_stream_bytes(limits));
  }
  std::FILE* stream = std::fopen(path.c_str(), "rb");
  if (stream == nullptr) {
    const int error = errno;
    throw Error(ErrorCode::Io, fmt::format("cannot open for reading: {}", std::strerror(error)),
                {.path = path.string(), .operation = "open", .os_error = error});
  }
  try {
    InputBytes bytes =
        codecs::read_to_end(stream, path, codecs::budget_of(limits), max_stream_bytes(limits));
    std::fclose(stream);
    return bytes;
  } catch (...) {
    std::fclose(stream);
    throw;
  }
}

std::unique_ptr<Decoder> open_decoder(std::span<const std::byte> bytes, std::string_view name,
                                      const DecodeOptions& options) {
  const std::filesystem::path path(name);
  return open_input(std::make_unique<codecs::InputFile>(bytes.data(), bytes.size(), path), path,
                    options);
}

bool is_unsupported_image(const std::filesystem::path& path) {
  const std::string extension = codecs::lowercase_extension(path);
  static constexpr std::string_view kImageExtensions[] = {
      ".jp2",  ".j2k", ".j2c",  ".jpx", ".jpf", ".jxl", ".ico", ".cur", ".psd", ".psb", ".svg",
      ".svgz", ".exr", ".fits", ".fit", ".fts", ".hdr", ".jxr", ".wdp", ".hdp", ".qoi", ".tga",
      ".dds",  ".xcf", ".pcx",  ".dng", ".cr2", ".cr3", ".nef", ".arw", ".orf", ".rw2", ".raf"};
  for (const std::string_view known : kImageExtensions) {
    if (extension == known) return true;
  }
  std::FILE* stream = std::fopen(path.c_str(), "rb");
  if (stream == nullptr) return false;
  std::array<std::byte, 16> head{};
  const std::size_t size = std::fread(head.data(), 1, head.size(), stream);
  std::fclose(stream);
  const std::string_view other = recognised_elsewhere(head.data(), size);
  return !other.empty() && other != "PDF" && other != "MP4/QuickTime" && other != "XML or SVG";
}

ImageInfo probe(const std::filesystem::path& path) {
  return open_decoder(path, {.limits = Limits::unlimited()})->info();
}

Image read(const std::filesystem::path& path, const DecodeOptions& options,
           std::source_location site) {
  const auto decoder = open_decoder(path, options);
  return read(*decoder, options, site);
}

Image read(Decoder& decoder, const DecodeOptions& options, std::source_location site) {
  decoder.begin();  // errors found before the first row come before the pixels are allocated
  const bool whole_image = decoder.rows_read() == 0;
  const AllocationOptions allocation{.label = "decoded",
                                     .budget = codecs::budget_of(options.limits)};
  Image image = Image::create(decoder.width(), decoder.height() - decoder.rows_read(),
                              decoder.format(), allocation, site);
  decoder.read(image.mutable_view());
  if (options.apply_orientation && whole_image) {  // turning a remainder alone means nothing
    image = codecs::apply_orientation(image, decoder.info().orientation, allocation);
  }
  return image;
}

// The options the chosen format reads, checked before any file is created.
void check_encode_options(FileFormat format, const EncodeOptions& options,
                          const std::filesystem::path& path) {
  const ErrorContext context{.path = path.string(), .operation = "encode"};
  for (const EncodeOptionSpec& option : describe_format(format).encode_options) {
    const ParamSpec& param = option.param;
    const bool ranged = param.kind == ParamKind::Integer || param.kind == ParamKind::Number;
    if (!ranged || !uses_encode_option(format, param.name, options)) continue;
    const std::string text = encode_option_value(options, param.name);
    const double value = std::stod(text);
    if (!(value >= param.min && value <= param.max)) {
      throw Error(ErrorCode::InvalidArgument,
                  fmt::format("{} {} {} is outside {}..{}", describe_format(format).title,
                              param.name, text, param.min, param.max),
                  context);
    }
  }
  // What the file is cannot be ignored as a compression setting would be: a .jpg asked to be
  // a palette image is refused.
  const std::string_view title = describe_format(format).title;
  for (const EncodeOptionSpec& option : all_encode_options()) {
    if (!option.refused_elsewhere || uses_encode_option(format, option.param.name, options) ||
        option.accepted_by == title ||
        encode_option_value(options, option.param.name) == option.param.default_value) {
      continue;
    }
    std::string readers = formats_reading(option.param.name);
    if (!option.accepted_by.empty())
      readers = fmt::format("{} and {}", readers, option.accepted_by);
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("{} applies to {} only, not to {}: write one of those, or leave {} "
                            "out",
                            option.param.name, readers, title, option.param.name),
                context);
  }
}

void check_encodable(FileFormat format, int width, int height, const std::filesystem::path& path) {
  const ErrorContext context{.path = path.string(), .operation = "encode"};
  if (width <= 0 || height <= 0) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("cannot encode an empty {}x{} image", width, height), context);
  }
  // The formats' own limits on a side, so that an image too large for its format is refused
  // before anything is decoded rather than by the library after the work.
  const int largest = describe_format(format).largest_side;
  if (largest > 0 && (width > largest || height > largest)) {
    throw Error(ErrorCode::ImageTooLarge,
                fmt::format("a {}x{} image is too large for {}, whose sides are at most {} "
                            "pixels: write .png or .tif, or make it smaller",
                            width, height, to_string(format), largest),
                context);
  }
}

std::unique_ptr<Encoder> open_encoder(const std::filesystem::path& path, int width, int height,
                                      PixelFormat format, const EncodeOptions& options) {
  codecs::refuse_folder_output(path);
  const FileFormat format_of_output = format_for_extension(path);
  check_encodable(format_of_output, width, height, path);
  check_encode_options(format_of_output, options, path);
  if (!(options.keep_metadata == MetadataKinds{})) {
    return open_encoder(path, width, height, format, codecs::kept_metadata(options));
  }
  // The file's colour space: gray written as colour is RGB.
  const bool gray_as_colour = options.gray_as_colour && format_of_output == FileFormat::Jpeg &&
                              format == PixelFormat::gray8();
  const ChannelLayout stored =
      gray_as_colour ? ChannelLayout::Rgb : without_alpha_layout(format.layout);
  if (!options.icc_profile.empty() && !codecs::icc_profile_fits(options.icc_profile, stored)) {
    // A profile of another colour space (a CMYK one beside RGB pixels) would make every viewer
    // misread the pixels: the output goes untagged (sRGB) instead.
    EncodeOptions untagged = options;
    untagged.icc_profile.clear();
    return open_encoder(path, width, height, format, untagged);
  }
  // A pipe or a device (/dev/stdout, >(...)) can neither hold a temporary beside it nor seek.
  struct stat status {};
  if (::stat(path.c_str(), &status) == 0 && !S_ISREG(status.st_mode) && !S_ISDIR(status.st_mode)) {
    std::FILE* stream = std::fopen(path.c_str(), "wb");
    if (stream == nullptr) throw codecs::output_error(path, errno);
    return codecs::open_stream_encoder(stream, true, path.extension().string(), path.string(),
                                       width, height, format, options);
  }
  return codecs::format_entry(format_of_output).open_encoder(path, width, height, format, options);
}

void write(const Image& image, const std::filesystem::path& path, const EncodeOptions& options) {
  const auto encoder = open_encoder(path, image.width(), image.height(), image.format(), options);
  encoder->write(image.view());
  encoder->finish();
}

std::unique_ptr<Encoder> open_encoder(std::FILE* stream, std::string_view extension,
                                      std::string_view name, int width, int height,
                                      PixelFormat format, const EncodeOptions& options) {
  return codecs::open_stream_encoder(stream, false, extension, name, width, height, format,
                                     codecs::kept_metadata(options));
}

void check_output_is_not_input(const std::filesystem::path& input,
                               const std::filesystem::path& output, std::string_view instead) {
  std::error_code missing;  // either side missing (or unreadable): not the same file
  if (!std::filesystem::equivalent(input, output, missing)) return;
  throw Error(ErrorCode::InvalidArgument,
              fmt::format("'{}' is the input itself: writing it would replace the original; "
                          "choose another output{}",
                          output.string(), instead));
}

void write(const Image& image, std::FILE* stream, std::string_view extension, std::string_view name,
           const EncodeOptions& options) {
  const auto encoder =
      open_encoder(stream, extension, name, image.width(), image.height(), image.format(), options);
  encoder->write(image.view());
  encoder->finish();
}

}  // namespace tessera
