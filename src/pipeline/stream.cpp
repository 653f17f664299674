// The strip executor (see tessera/pipeline/stream.h).

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "tessera/error.h"
#include "tessera/pipeline/stream.h"

namespace tessera::pipeline {
namespace {

// Consecutive stages that run on strips, or one stage that needs the whole image.
struct Segment {
  std::vector<const Stage*> stages;
  int rows_around = 0;  // local: the rows each strip needs above and below, for all its stages
  bool whole = false;
};

std::vector<Segment> segments_of(const Pipeline& pipeline) {
  std::vector<Segment> segments;
  for (const Stage& stage : pipeline.stages) {
    const std::optional<int> around = ops::rows_around(*stage.op, stage.arguments);
    if (!around) {
      segments.push_back({{&stage}, 0, true});
      continue;
    }
    if (segments.empty() || segments.back().whole) segments.emplace_back();
    segments.back().stages.push_back(&stage);
    segments.back().rows_around += *around;
  }
  return segments;
}

// Runs a segment's stages on one strip (rows of the segment's input).
Image run_stages(const Segment& segment, ImageView strip) {
  Image current;
  ImageView view = strip;
  for (const Stage* stage : segment.stages) {
    current = stage->op->apply(view, stage->arguments);
    if (current.width() != view.width() || current.height() != view.height()) {
      throw Error(
          ErrorCode::Internal,
          fmt::format("pipeline: '{}' changed the size, so it cannot run on strips", stage->text));
    }
    view = current.view();
  }
  return current;
}

// Streams `source` through a local segment into `sink`, strip_rows output rows at a time.
// The window holds the strip's input rows plus rows_around on each side; rows shared with the
// next strip are moved to its top rather than read again.
void stream_local(const Segment& segment, RowSource& source, RowSink& sink, int strip_rows) {
  const int width = source.width();
  const int height = source.height();
  const int around = segment.rows_around;
  const int capacity = std::min(height, strip_rows + 2 * around);
  Image window = Image::create(width, capacity, source.format(), {.label = "pipeline strip"});
  const MutableImageView rows = window.mutable_view();
  int first = 0;  // input row held in window row 0
  int end = 0;    // input rows first..end-1 are held
  bool begun = false;
  for (int y = 0; y < height; y += strip_rows) {
    const int last = std::min(height, y + strip_rows);
    const int need_first = std::max(0, y - around);
    const int need_end = std::min(height, last + around);
    const int keep = std::max(0, end - need_first);
    for (int r = 0; r < keep; ++r) {
      std::memcpy(rows.row(r), rows.row(need_first - first + r), rows.row_bytes());
    }
    first = need_first;
    end = std::max(end, need_first);
    if (need_end > end) {
      source.read(rows.subview({0, end - first, width, need_end - end}));
      end = need_end;
    }
    const Image result = run_stages(segment, window.view().subview({0, 0, width, end - first}));
    if (!begun) {
      sink.begin(result.width(), height, result.format());
      begun = true;
    }
    sink.write(result.view().subview({0, y - first, result.width(), last - y}));
  }
}

}  // namespace

void run_streaming(const Pipeline& pipeline, RowSource& source, RowSink& sink,
                   const StreamOptions& options) {
  if (pipeline.stages.empty()) {
    throw Error(ErrorCode::InvalidArgument, "pipeline: no stages to run",
                {.operation = "run pipeline"});
  }
  if (options.strip_rows < 1) {
    throw Error(
        ErrorCode::InvalidArgument,
        fmt::format("pipeline: strip_rows {} is not allowed: at least 1", options.strip_rows));
  }
  const std::vector<Segment> segments = segments_of(pipeline);
  // The image between segments, when a segment needs it whole or leaves it whole.
  Image held;
  std::optional<ImageSource> held_source;
  RowSource* input = &source;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& segment = segments[i];
    const bool last = i + 1 == segments.size();
    if (segment.whole) {
      if (!held_source) {  // gather the input: this stage needs all of it
        Image gathered = Image::create(input->width(), input->height(), input->format(),
                                       {.label = "pipeline whole image"});
        input->read(gathered.mutable_view());
        held = std::move(gathered);
      }
      const Stage& stage = *segment.stages.front();
      Image result = stage.op->apply(held.view(), stage.arguments);
      held = std::move(result);
      held_source.emplace(held.view());
      input = &*held_source;
      if (last) {
        sink.begin(held.width(), held.height(), held.format());
        sink.write(held.view());
      }
      continue;
    }
    if (last) {
      stream_local(segment, *input, sink, options.strip_rows);
      continue;
    }
    // A local segment before a whole stage: its rows are gathered for that stage.
    ImageSink gathered;
    stream_local(segment, *input, gathered, options.strip_rows);
    held = std::move(gathered.image());
    held_source.emplace(held.view());
    input = &*held_source;
  }
  sink.finish();
}

}  // namespace tessera::pipeline
