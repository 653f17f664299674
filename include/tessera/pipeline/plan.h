#pragma once
// The plan of a pipeline for one input: every stage's output size and format, how it runs
// (on strips or on the whole image), and the peak memory that takes, all from the input's
// header before any pixel is decoded.
//
//   auto plan = tessera::pipeline::plan(pipeline, {4000, 3000, PixelFormat::rgb8()});
//   fmt::print("{}", plan.describe());  // one line per stage, then the estimate
//
// Planning refuses a chain an op cannot take, with the stage and the op's own words:
//   pipeline, stage 1 'canny 50 150' (column 1): canny: needs a gray image (one channel) ...

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tessera/pipeline/pipeline.h"
#include "tessera/pixel_format.h"

namespace tessera::ops::detail {
// Streams a stage that changes the size (src/ops/streaming.h); only the executor calls it.
class RowMapper;
}  // namespace tessera::ops::detail

namespace tessera::pipeline {

struct Shape {
  int width = 0;
  int height = 0;
  PixelFormat format;
};

// A plan owns copies of its stages, so it outlives the Pipeline it was made from.
// How a stage runs.
enum class RunMode {
  Strips,  // size kept: on bands of rows with rows_around extra rows each side
  Rows,    // size changed, streamed by a RowMapper (resize, crop)
  Whole,   // on the whole image (equalize, Canny's hysteresis, rotate, ...)
};

struct StagePlan {
  Stage stage;
  Shape input;
  Shape output;
  RunMode mode = RunMode::Whole;
  int rows_around = 0;                                   // Strips
  int columns_around = 0;                                // Strips: input columns read each side
  std::shared_ptr<const ops::detail::RowMapper> mapper;  // Rows
  // Strips: a per-sample op on 8-bit samples right after another; the executor applies both
  // (and any more that follow) as one 256-entry table, in one pass.
  bool fused = false;
  // Whole: the op takes its input band by band as it arrives (a row consumer, Canny), so the
  // input is never gathered.
  bool consumes_rows = false;
};

// Consecutive Strips stages run together; a Rows or Whole stage is a segment of its own.
struct Segment {
  std::size_t first = 0;  // index of its first stage
  std::size_t count = 0;
  RunMode mode = RunMode::Strips;
  int rows_around = 0;  // Strips (and Whole stages that consume rows): rows a band reads beyond it
  int band_rows = 0;    // output rows per band (Strips, Rows)
  int window_rows = 0;  // input rows the segment holds at most (Strips, Rows)
};

struct Plan {
  Shape input;
  Shape output;
  int strip_rows = 64;
  std::vector<StagePlan> stages;
  std::vector<Segment> segments;
  // What the executor holds at most: strips, and the images whole stages need.
  std::size_t peak_bytes = 0;

  // One line per stage ("blur ksize=5 sigma=0  3000x2000 gray8  strips, 2 rows around") and
  // the estimate.
  std::string describe() const;
};

// Plans `pipeline` for an input of `input`'s size and format. Throws Error(InvalidArgument)
// naming the stage when an op cannot take what the stage before gives it.
Plan plan(const Pipeline& pipeline, const Shape& input, int strip_rows = 64);

// Throws Error(InvalidArgument, operation "plan pipeline") when a stage would make an image of
// more than `max_pixels` (a typo such as `resize 100000x`), naming the stage; `input` names the
// file in the error. Refused when planned rather than after hours of work.
void check_pixel_limit(const Plan& plan, std::uint64_t max_pixels, const std::string& input);

// Bytes of an image of this shape as tessera allocates it (rows padded to 64 bytes).
std::size_t image_bytes(const Shape& shape);

}  // namespace tessera::pipeline
