#pragma once
// The encode options on the command line: one per option in the format table (formats.h),
// --quality (-q), --progressive, --subsampling, ..., offered by convert and batch alike, so that
// an option a codec declares reaches both without a line here. Options the output's format
// does not read are said once rather than ignored in silence (`--lossless` on a .jpg).
//
//   EncodeOptionFlags flags(convert_command);        // before parsing
//   flags.apply(options.encode);                      // after: the given ones, checked
//   for (const auto& line : ignored_encode_options(FileFormat::Png, flags.given(), encode))
//     fmt::print(stderr, "tessera: warning: {}; ignored for '{}'\n", line, output);

#include <CLI/CLI.hpp>

#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tessera/codec.h"
#include "tessera/formats.h"

namespace tessera::cli {

class EncodeOptionFlags {
 public:
  // Adds every encode option to `command`; CLI11 checks each value as its ParamSpec says.
  explicit EncodeOptionFlags(CLI::App* command);

  // Sets every option given on the command line on `encode`.
  void apply(EncodeOptions& encode) const;
  // The names of the options given ("quality", "tiled").
  std::vector<std::string> given() const;

 private:
  struct Flag {
    EncodeOptionSpec spec;
    std::string text;  // Integer and Choice options
    bool on = false;   // Flag options
    CLI::Option* option = nullptr;
  };
  std::deque<Flag> flags_;  // CLI11 writes into them: their addresses must not move
  // --strip and --keep, which every written format reads (EncodeOptions::keep_metadata).
  struct MetadataFlags {
    bool strip = false;
    std::string keep;
    CLI::Option* keep_option = nullptr;
  };
  std::unique_ptr<MetadataFlags> metadata_ = std::make_unique<MetadataFlags>();
};

// How the command line spells an option: "-q" for quality, else "--tiff-compression".
std::string option_flag(std::string_view name);

// An option's condition (EncodeOptionSpec::only_with) as a command line types it: "with
// --tiff-compression jpeg", "without --lossless" (a flag off), "with --lossless".
std::string condition_flags(std::string_view only_with);

// One phrase per given option that `format` does not read with these settings: "-q applies to
// JPEG, lossy WebP, HEIC/AVIF and JPEG-in-TIFF", "-q applies to TIFF only with
// --tiff-compression jpeg", "--tiled applies to TIFF only".
std::vector<std::string> ignored_encode_options(FileFormat format,
                                                std::span<const std::string> given,
                                                const EncodeOptions& encode);

}  // namespace tessera::cli
