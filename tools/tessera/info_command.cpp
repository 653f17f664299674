#include "info_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <optional>

#include "tessera/budget.h"
#include "tessera/error.h"
#include "tessera/pipeline/load_plan.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/pipeline/plan.h"
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
  const DecodeOptions decode{.limits = options.limits,
                             .apply_orientation = options.apply_orientation};
  auto decoder = open_decoder(options.input, decode);
  // A pipeline that starts by shrinking lets the decoder deliver fewer pixels.
  bool shrunk = false;
  if (stages) {
    pipeline::LoadPlan load = pipeline::plan_load(*stages, decoder->info(), decode);
    if (load.changed()) {
      decoder = open_decoder(options.input, load.options);
      stages = std::move(load.pipeline);
      shrunk = load.shrinks;
    }
  }
  EncodeOptions encode = options.encode;
  if (encode.icc_profile.empty()) encode.icc_profile = decoder->icc_profile();

  // The peak, from the headers: an image stored sideways or upside down is decoded whole to
  // turn it upright; otherwise rows stream from the decoder.
  const ImageInfo& info = decoder->info();
  const bool turn = info.orientation != 1 && options.apply_orientation;
  const bool sideways = turn && info.orientation >= 5;
  const pipeline::Shape upright{sideways ? decoder->height() : decoder->width(),
                                sideways ? decoder->width() : decoder->height(), decoder->format()};
  std::optional<pipeline::Plan> plan;
  if (stages) plan = pipeline::plan(*stages, upright);
  const std::size_t whole_decode = pipeline::image_bytes(upright);
  const std::size_t estimate = plan ? plan->peak_bytes + (turn ? whole_decode : 0) : whole_decode;
  if (options.estimate) {
    if (plan) fmt::print("{}", plan->describe());
    fmt::print("{}: {}x{} {}, peak memory about {}{}\n", options.input, upright.width,
               upright.height, upright.format.name(), memory::format_bytes(estimate),
               turn     ? " (decoded whole to turn it upright)"
               : shrunk ? fmt::format(" (shrunk on load from {}x{})", info.width, info.height)
                        : "");
    return 0;
  }
  std::optional<MemoryBudget> budget;
  std::optional<BudgetScope> scope;
  if (options.memory != 0) {
    if (estimate > options.memory) {
      throw Error(ErrorCode::OutOfBudget,
                  fmt::format("the job needs about {}, more than --memory {}: raise the limit, "
                              "or shrink early in the pipeline (e.g. resize first)",
                              memory::format_bytes(estimate), memory::format_bytes(options.memory)),
                  {.path = options.input, .operation = "plan"});
    }
    budget.emplace(options.memory, "--memory");
    scope.emplace(*budget);
  }
  if (!stages) {
    write(
        read(*decoder, {.limits = options.limits, .apply_orientation = options.apply_orientation}),
        options.output, encode);
    return 0;
  }
  // Streamed: rows go from the decoder through the stages to the encoder in strips. An image
  // stored sideways or upside down is turned upright first, which needs it whole.
  pipeline::EncoderSink sink(options.output, encode);
  if (!turn) {
    pipeline::DecoderSource source(*decoder);
    pipeline::run_streaming(*plan, source, sink);
  } else {
    const Image pixels = read(*decoder, {.limits = options.limits, .apply_orientation = true});
    pipeline::ImageSource source(pixels.view());
    pipeline::run_streaming(*plan, source, sink);
  }
  return 0;
}

}  // namespace tessera::cli
