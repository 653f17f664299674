#pragma once
// The format table: every file format tessera knows, what it is called, the extensions that
// name it, whether it is written, and the options its encoder reads, as the same ParamSpecs
// the ops declare. Each codec declares its entry once; sniffing, naming, the CLI's options,
// `tessera info --formats`, the help texts and (later) Python's keyword arguments all read
// this table, so none of it is written twice.
//
//   for (const auto& format : tessera::all_formats()) fmt::print("{}\n", format.title);
//   tessera::EncodeOptions options;
//   tessera::set_encode_option(options, "quality", "80");        // options.quality == 80
//   tessera::set_encode_option(options, "quality", "101");       // Error: quality 101 is not ...
//   tessera::uses_encode_option(FileFormat::Png, "quality", options);   // false

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/codec.h"
#include "tessera/param_spec.h"

namespace tessera {

// One option a format's encoder reads.
struct EncodeOptionSpec {
  ParamSpec param;  // its name is the option's: "quality", "tiff_compression"
  // Read only when another option has a given value, as "name=value" (TIFF reads quality only
  // with "tiff_compression=jpeg"); empty: always.
  std::string_view only_with;
  // The format's name in a list of those that read the option when only_with holds
  // ("JPEG-in-TIFF"); empty: the format's title.
  std::string_view applies_as;
  // Given with another value than its default to a format that does not read it: an error
  // rather than the warning other options get, because it says what the file is, not how it
  // is compressed (palette: a .jpg cannot be a palette image).
  bool refused_elsewhere = false;
  // Titles of formats that do not read it but take it, without a warning, because it is what
  // they always do ("GIF" for palette).
  std::string_view accepted_by;
};

struct FormatDescription {
  FileFormat format = FileFormat::Jpeg;
  std::string_view name;   // to_string(format): "jpeg"
  std::string_view title;  // in sentences: "JPEG", "HEIC/AVIF", "Netpbm"
  // Lower case with the dot, the usual one first: an output path ending in one of them is
  // written in this format (when it is written).
  std::vector<std::string_view> extensions;
  bool written = false;
  // For a format tessera reads but does not write: what to write instead.
  std::string_view write_instead;
  std::vector<EncodeOptionSpec> encode_options;
  // The longest side the format can hold (JPEG 65500, WebP 16383); 0: no limit of its own.
  int largest_side = 0;
};

// Every format, in the order sniffing tries them and listings show them.
const std::vector<FormatDescription>& all_formats();
const FormatDescription& describe_format(FileFormat format);

// Every encode option of every format, once each (the first format's declaration), in table
// order: what the CLI offers as --quality, --progressive, ...
std::vector<EncodeOptionSpec> all_encode_options();

// Sets the option called `name` from text, as a command line or a keyword argument gives it,
// checked against its ParamSpec. Throws Error(InvalidArgument): "quality 101 is not allowed:
// integer in 1..100", or an unknown name with the list.
void set_encode_option(EncodeOptions& options, std::string_view name, std::string_view value);
// The option's value as text ("90", "true", "deflate"): what set_encode_option reads back.
std::string encode_option_value(const EncodeOptions& options, std::string_view name);

// Whether writing `format` with these options reads the option called `name` (TIFF reads
// quality only with tiff_compression=jpeg). The encoders' range check and the CLI's "ignored"
// warning both ask this one question.
bool uses_encode_option(FileFormat format, std::string_view name, const EncodeOptions& options);

// Throws Error(InvalidArgument) unless `options` suit `format`: each option the format reads
// within its range ("GIF colors 300 is outside 2..256"), and no option that changes what the
// file is (palette) asked of a format that cannot do it ("palette applies to PNG and GIF
// only"). open_encoder asks it before any file is made; the CLI before the input is opened.
void check_encode_options(FileFormat format, const EncodeOptions& options,
                          const std::filesystem::path& path);

// The formats that read `name`, in a sentence: "JPEG, WebP, HEIC/AVIF and JPEG-in-TIFF".
std::string formats_reading(std::string_view name);

}  // namespace tessera
