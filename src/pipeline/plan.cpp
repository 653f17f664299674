// Planning: shapes, segments and the memory estimate (see tessera/pipeline/plan.h).

#include "tessera/pipeline/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

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

// Mirrors the executor (stream.cpp): a strip segment holds its window of input rows and two
// stage results at a time; a whole stage holds its input, its result and scratch; between segments
// the executor holds the image a whole stage made or a strip segment gathered for one.
std::size_t estimate_peak(const Plan& plan) {
  std::size_t peak = 0;
  std::size_t held = 0;  // the image between segments, when there is one
  for (std::size_t s = 0; s < plan.segments.size(); ++s) {
    const Segment& segment = plan.segments[s];
    const Shape& in = plan.stages[segment.first].input;
    const Shape& out = plan.stages[segment.first + segment.count - 1].output;
    const bool last = s + 1 == plan.segments.size();
    const bool next_whole = !last && plan.segments[s + 1].whole;
    if (segment.whole) {
      const std::size_t input = held != 0 ? held : image_bytes(in);
      // The result, and as much again for the op's own work (Canny's edge map, which has a
      // one-pixel frame).
      const std::size_t output = image_bytes(out);
      const std::size_t scratch = image_bytes({out.width + 2, out.height + 2, out.format});
      peak = std::max(peak, input + output + scratch);
      held = output;
      continue;
    }
    const int rows = std::min(in.height, plan.strip_rows + 2 * segment.rows_around);
    std::size_t strips = image_bytes({in.width, rows, in.format});
    std::size_t largest = 0;
    for (std::size_t i = segment.first; i < segment.first + segment.count; ++i) {
      largest = std::max(
          largest, image_bytes({plan.stages[i].output.width, rows, plan.stages[i].output.format}));
    }
    strips += 2 * largest;
    const std::size_t gathered = next_whole ? image_bytes(out) : 0;
    peak = std::max(peak, held + strips + gathered);
    held = gathered;
  }
  return peak;
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
    StagePlan step{stage, shape, shape, ops::rows_around(*stage.op, stage.arguments)};
    try {
      if (stage.op->output_size) {
        const auto [width, height] =
            stage.op->output_size(shape.width, shape.height, stage.arguments);
        step.output = {width, height, shape.format};
      } else {
        step.output.format = probe_format(stage, shape);
      }
    } catch (const Error& error) {
      refuse(stage, i, error);
    }
    // A stage runs on strips only if it keeps the size; the rest take the image whole.
    if (step.output.width != shape.width || step.output.height != shape.height) {
      step.rows_around.reset();
    }
    if (!step.rows_around) {
      result.segments.push_back({i, 1, 0, true});
    } else {
      if (result.segments.empty() || result.segments.back().whole) {
        result.segments.push_back({i, 0, 0, false});
      }
      result.segments.back().count += 1;
      result.segments.back().rows_around += *step.rows_around;
    }
    shape = step.output;
    result.stages.push_back(step);
  }
  result.output = shape;
  result.peak_bytes = estimate_peak(result);
  return result;
}

std::string Plan::describe() const {
  std::string text =
      fmt::format("input     {}x{} {}\n", input.width, input.height, input.format.name());
  for (const StagePlan& step : stages) {
    const std::string how = step.rows_around ? fmt::format("strips of {} rows, {} around",
                                                           strip_rows, *step.rows_around)
                                             : std::string("whole image");
    text += fmt::format("{:<40} -> {}x{} {}  ({})\n", step.stage.text, step.output.width,
                        step.output.height, step.output.format.name(), how);
  }
  text += fmt::format("peak memory of the stages: about {}\n", memory::format_bytes(peak_bytes));
  return text;
}

}  // namespace tessera::pipeline
