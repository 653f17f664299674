#include "info_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <optional>

#include "tessera/error.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/profiler.h"

namespace tessera::cli {

int run_info(const std::vector<std::string>& paths, const Limits& limits) {
  int status = 0;
  for (const std::string& path : paths) {
    try {
      const auto decoder = open_decoder(path, {.limits = limits});
      const ImageInfo& info = decoder->info();
      fmt::print("{}: {} {}x{} {} ({} channel{}, {}-bit){}{}{}, full decode needs {}\n", path,
                 to_string(info.format), info.width, info.height, info.pixel_format.name(),
                 info.pixel_format.channels(), info.pixel_format.channels() == 1 ? "" : "s",
                 info.pixel_format.bytes_per_sample() * 8,
                 info.orientation != 1 ? fmt::format(", orientation {}", info.orientation) : "",
                 info.has_icc_profile ? ", ICC profile" : "",
                 info.progressive
                     ? (info.format == FileFormat::Png ? ", interlaced" : ", progressive")
                     : "",
                 memory::format_bytes(info.decode_bytes()));
    } catch (const Error& error) {
      fmt::print(stderr, "{}: {}\n", path, error.what());
      status = 1;
    }
  }
  return status;
}

int run_convert(const ConvertOptions& options) {
  // The pipeline and the output format are checked first: a mistake should not cost a decode.
  std::optional<pipeline::Pipeline> stages;
  if (!options.pipeline.empty()) stages = pipeline::parse(options.pipeline);
  format_for_extension(options.output);
  const auto decoder = open_decoder(options.input, {.limits = options.limits});
  EncodeOptions encode = options.encode;
  if (encode.icc_profile.empty()) encode.icc_profile = decoder->icc_profile();
  Image image = read(options.input,
                     {.limits = options.limits, .apply_orientation = options.apply_orientation});
  if (stages) {
    const bool was_colour = image.format().channels() >= 3;
    image = pipeline::run_whole(*stages, image.view());
    // A colour profile does not describe gray pixels.
    if (was_colour && image.format().channels() < 3) encode.icc_profile.clear();
  }
  write(image, options.output, encode);
  return 0;
}

}  // namespace tessera::cli
