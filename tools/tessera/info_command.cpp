#include "info_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <optional>

#include "tessera/error.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/pipeline/stream.h"
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
  if (!stages) {
    write(
        read(*decoder, {.limits = options.limits, .apply_orientation = options.apply_orientation}),
        options.output, encode);
    return 0;
  }
  // Streamed: rows go from the decoder through the stages to the encoder in strips. An image
  // stored sideways or upside down is turned upright first, which needs it whole.
  pipeline::EncoderSink sink(options.output, encode);
  if (decoder->info().orientation == 1 || !options.apply_orientation) {
    pipeline::DecoderSource source(*decoder);
    pipeline::run_streaming(*stages, source, sink);
  } else {
    const Image upright = read(*decoder, {.limits = options.limits, .apply_orientation = true});
    pipeline::ImageSource source(upright.view());
    pipeline::run_streaming(*stages, source, sink);
  }
  return 0;
}

}  // namespace tessera::cli
