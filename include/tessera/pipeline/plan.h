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
#include <optional>
#include <string>
#include <vector>

#include "tessera/pipeline/pipeline.h"
#include "tessera/pixel_format.h"

namespace tessera::pipeline {

struct Shape {
  int width = 0;
  int height = 0;
  PixelFormat format;
};

// A plan owns copies of its stages, so it outlives the Pipeline it was made from.
struct StagePlan {
  Stage stage;
  Shape input;
  Shape output;
  std::optional<int> rows_around;  // on strips with this many rows around; nullopt: whole image
};

// Consecutive stages that run on strips, or one stage that needs the whole image.
struct Segment {
  std::size_t first = 0;  // index of its first stage
  std::size_t count = 0;
  int rows_around = 0;  // strips: the rows each strip reads above and below, for all its stages
  bool whole = false;
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

// Bytes of an image of this shape as tessera allocates it (rows padded to 64 bytes).
std::size_t image_bytes(const Shape& shape);

}  // namespace tessera::pipeline
