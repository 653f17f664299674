// Planning: shapes, segments and the memory estimate (see tessera/pipeline/plan.h).

#include "tessera/pipeline/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "ops/streaming.h"
#include "tessera/error.h"
#include "tessera/image.h"
#include "tessera/profiler.h"

namespace tessera::pipeline {
namespace {

[[noreturn]] void refuse(const Stage& stage, std::size_t index, const Error& error) {
  throw Error(ErrorCode::InvalidArgument,
              fmt::format("pipeline, stage {} '{}' (column {}): {}", index + 1, stage.text,
                          stage.column, error.message()),
              {.operation = "plan pipeline"});
}

// The output format of a size-keeping stage, and whether it takes `input` at all: the op runs
// on a small blank image of the input's format, so it refuses exactly as it would at run time,
// in its own words.
PixelFormat probe_format(const Stage& stage, const Shape& input) {
  Image blank = Image::create(std::min(input.width, 8), std::min(input.height, 8), input.format,
                              {.label = "pipeline plan probe"});
  const MutableImageView pixels = blank.mutable_view();
  for (int y = 0; y < pixels.height(); ++y) std::memset(pixels.row(y), 0, pixels.row_bytes());
  return stage.op->apply(blank.view(), stage.arguments).format();
}

// Mirrors the executor (stream.cpp). The source is read, and the sink written, through queues
// of bands of strip_rows rows. A Strips
// segment holds its window of input rows and two stage results of a band each; a Rows stage
// its window and one band of output; a Whole stage
// its gathered input, its result and scratch as large again (Canny's edge map, with a frame).
// Segments run at the same time, passing bands along, so their holdings add up, except that a
// Whole stage's input is gathered before and its result is handed on after.
std::size_t estimate_peak(const Plan& plan) {
  // The queues the source is read into and the sink written from, three bands each, are held
  // all along; then what the streaming steps hold together.
  constexpr std::size_t kQueuedBands = 3;
  const std::size_t queues =
      kQueuedBands * (image_bytes({plan.input.width, std::min(plan.strip_rows, plan.input.height),
                                   plan.input.format}) +
                      image_bytes({plan.output.width, std::min(plan.strip_rows, plan.output.height),
                                   plan.output.format}));
  std::size_t streaming = queues;
  std::size_t peak = 0;
  for (const Segment& segment : plan.segments) {
    const Shape& in = plan.stages[segment.first].input;
    const Shape& out = plan.stages[segment.first + segment.count - 1].output;
    switch (segment.mode) {
      case RunMode::Strips: {
        std::size_t largest = 0;
        for (std::size_t i = segment.first; i < segment.first + segment.count; ++i) {
          const Shape& result = plan.stages[i].output;
          largest =
              std::max(largest, image_bytes({result.width, segment.window_rows, result.format}));
        }
        streaming += image_bytes({in.width, segment.window_rows, in.format}) + 2 * largest;
        break;
      }
      case RunMode::Rows:
        streaming += image_bytes({in.width, segment.window_rows, in.format}) +
                     image_bytes({out.width, segment.band_rows, out.format});
        break;
      case RunMode::Whole: {
        const std::size_t scratch = image_bytes({out.width + 2, out.height + 2, out.format});
        if (plan.stages[segment.first].consumes_rows) {
          // Band by band into its own buffer (a framed output-sized image, as Canny's map),
          // which then is the result that streams on.
          peak = std::max(
              peak, streaming + image_bytes({in.width, segment.window_rows, in.format}) + scratch);
          streaming = queues + scratch;
          break;
        }
        // Gathering: everything before streams into the input image.
        peak = std::max(peak, streaming + image_bytes(in));
        // Running (the steps before it are done and have let go of their rows): the input,
        // the result and the scratch; then the result streams on.
        peak = std::max(peak, queues + image_bytes(in) + image_bytes(out) + scratch);
        streaming = queues + image_bytes(out);
        break;
      }
    }
    peak = std::max(peak, streaming);
  }
  return peak;
}

// Band and window sizes: strip_rows output rows for strips; for a Rows stage, as many output
// rows as strip_rows input rows make (at least one), so that a resize's window stays near
// strip_rows rows however much it shrinks.
void size_bands(Plan& plan) {
  for (Segment& segment : plan.segments) {
    const StagePlan& first = plan.stages[segment.first];
    const Shape& out = plan.stages[segment.first + segment.count - 1].output;
    if (segment.mode == RunMode::Strips || first.consumes_rows) {
      segment.band_rows = std::min(plan.strip_rows, out.height);
      segment.window_rows = std::min(first.input.height, plan.strip_rows + 2 * segment.rows_around);
    } else if (segment.mode == RunMode::Rows) {
      // (At most strip_rows output rows too: an enlarging resize makes bands of output, not of
      // input, strip_rows tall.)
      segment.band_rows = std::clamp(static_cast<int>(static_cast<std::int64_t>(plan.strip_rows) *
                                                      out.height / first.input.height),
                                     1, std::min(plan.strip_rows, out.height));
      for (int y = 0; y < out.height; y += segment.band_rows) {
        const auto [from, to] =
            first.mapper->input_rows(y, std::min(out.height, y + segment.band_rows));
        segment.window_rows = std::max(segment.window_rows, to - from);
      }
    }
  }
}

}  // namespace

std::size_t image_bytes(const Shape& shape) {
  return static_cast<std::size_t>(shape.height) *
         static_cast<std::size_t>(aligned_stride(shape.width, shape.format));
}

Plan plan(const Pipeline& pipeline, const Shape& input, int strip_rows) {
  if (pipeline.stages.empty()) {
    throw Error(ErrorCode::InvalidArgument, "pipeline: no stages to plan",
                {.operation = "plan pipeline"});
  }
  if (strip_rows < 1) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("pipeline: strip_rows {} is not allowed: at least 1", strip_rows));
  }
  Plan result{input, input, strip_rows, {}, {}, 0};
  Shape shape = input;
  for (std::size_t i = 0; i < pipeline.stages.size(); ++i) {
    const Stage& stage = pipeline.stages[i];
    StagePlan step{stage, shape, shape};
    try {
      // The registry's word on sample types first, so that a chain a type cannot pass is
      // refused here, before decoding, for size-changing ops (which are not probed) too.
      ops::require_samples(*stage.op, stage.arguments, shape.format.sample);
      if (stage.op->output_size) {
        const auto [width, height] =
            stage.op->output_size(shape.width, shape.height, stage.arguments);
        step.output = {width, height, shape.format};
      } else {
        step.output.format = probe_format(stage, shape);
      }
      const ops::detail::StreamingHooks& hooks = ops::detail::hooks_of(*stage.op);
      const std::optional<int> around = ops::detail::rows_around(*stage.op, stage.arguments);
      const bool same_size = step.output.width == shape.width && step.output.height == shape.height;
      if (around && same_size) {
        step.mode = RunMode::Strips;
        step.rows_around = *around;
        step.columns_around = ops::detail::columns_around(*stage.op, stage.arguments);
      } else if (hooks.row_mapper) {
        step.mode = RunMode::Rows;
        step.mapper = hooks.row_mapper(shape.width, shape.height, shape.format, stage.arguments);
      } else if (hooks.row_consumer) {
        // A consumer allocates on first use, so making one to ask it costs nothing.
        step.consumes_rows = true;
        step.rows_around =
            hooks.row_consumer(shape.width, shape.height, shape.format, stage.arguments)
                ->rows_around();
      }
    } catch (const Error& error) {
      refuse(stage, i, error);
    }
    const bool joins_strips = step.mode == RunMode::Strips && !result.segments.empty() &&
                              result.segments.back().mode == RunMode::Strips;
    step.fused = joins_strips && stage.op->per_sample &&
                 result.stages.back().stage.op->per_sample && shape.format.sample == SampleType::U8;
    if (joins_strips) {
      result.segments.back().count += 1;
      result.segments.back().rows_around += step.rows_around;
    } else {
      result.segments.push_back({i, 1, step.mode, step.rows_around, 0, 0});
    }
    shape = step.output;
    result.stages.push_back(std::move(step));
  }
  result.output = shape;
  size_bands(result);
  result.peak_bytes = estimate_peak(result);
  return result;
}

std::string Plan::describe() const {
  std::string text =
      fmt::format("input     {}x{} {}\n", input.width, input.height, input.format.name());
  for (const StagePlan& step : stages) {
    const std::string how =
        step.fused ? std::string("one table with the stage before")
        : step.consumes_rows
            ? fmt::format("whole image, taken in bands, {} around", step.rows_around)
        : step.mode == RunMode::Strips
            ? fmt::format("strips of {} rows, {} around", strip_rows, step.rows_around)
        : step.mode == RunMode::Rows ? std::string("streamed rows")
                                     : std::string("whole image");
    text += fmt::format("{:<40} -> {}x{} {}  ({})\n", step.stage.text, step.output.width,
                        step.output.height, step.output.format.name(), how);
  }
  text += fmt::format("peak memory of the stages: about {}\n", memory::format_bytes(peak_bytes));
  return text;
}

void check_pixel_limit(const Plan& plan, std::uint64_t max_pixels, const std::string& input) {
  for (const StagePlan& step : plan.stages) {
    const auto pixels = static_cast<std::uint64_t>(step.output.width) *
                        static_cast<std::uint64_t>(step.output.height);
    if (pixels > max_pixels) {
      throw Error(
          ErrorCode::InvalidArgument,
          fmt::format("pipeline: '{}' would make a {}x{} image ({} pixels), more than "
                      "the pixel limit {} (--max-pixels or --unlimited; max_pixels= in Python)",
                      step.stage.text, step.output.width, step.output.height, pixels, max_pixels),
          {.path = input, .operation = "plan pipeline"});
    }
  }
}

}  // namespace tessera::pipeline
