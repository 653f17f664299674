// The strip executor (see tessera/pipeline/stream.h).

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "tessera/error.h"
#include "tessera/pipeline/stream.h"

namespace tessera::pipeline {
namespace {

// Runs a segment's stages on one strip (rows of the segment's input).
Image run_stages(const Plan& plan, const Segment& segment, ImageView strip) {
  Image current;
  ImageView view = strip;
  for (std::size_t i = segment.first; i < segment.first + segment.count; ++i) {
    const Stage* stage = &plan.stages[i].stage;
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
void stream_local(const Plan& plan, const Segment& segment, RowSource& source, RowSink& sink) {
  const int strip_rows = plan.strip_rows;
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
    const Image result =
        run_stages(plan, segment, window.view().subview({0, 0, width, end - first}));
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
  run_streaming(
      plan(pipeline, {source.width(), source.height(), source.format()}, options.strip_rows),
      source, sink);
}

void run_streaming(const Plan& plan, RowSource& source, RowSink& sink) {
  // The image between segments, when a segment needs it whole or leaves it whole.
  Image held;
  std::optional<ImageSource> held_source;
  RowSource* input = &source;
  for (std::size_t i = 0; i < plan.segments.size(); ++i) {
    const Segment& segment = plan.segments[i];
    const bool last = i + 1 == plan.segments.size();
    if (segment.whole) {
      if (!held_source) {  // gather the input: this stage needs all of it
        Image gathered = Image::create(input->width(), input->height(), input->format(),
                                       {.label = "pipeline whole image"});
        input->read(gathered.mutable_view());
        held = std::move(gathered);
      }
      const Stage& stage = plan.stages[segment.first].stage;
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
      stream_local(plan, segment, *input, sink);
      continue;
    }
    // A strip segment before a whole stage: its rows are gathered for that stage.
    ImageSink gathered;
    stream_local(plan, segment, *input, gathered);
    held = std::move(gathered.image());
    held_source.emplace(held.view());
    input = &*held_source;
  }
  sink.finish();
}

}  // namespace tessera::pipeline
