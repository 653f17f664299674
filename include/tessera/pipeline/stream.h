#pragma once
// Streaming execution: a pipeline run band by band, from a row source to a row sink, as the
// plan (plan.h) says:
// - stages that read a few rows around each output row (point and neighbourhood ops, see
//   rows_around in src/ops/streaming.h) run on bands read with as many extra rows above and below
//   as they need, and only the band's own rows are kept, so results equal whole-image runs;
// - resize and crop make bands of output from windows of the input rows they read;
// - Canny takes its input band by band into its edge map;
// - a stage that needs the whole image (equalize, rotate, ...) gets its input gathered into one
//   image, charged to the memory budget like any other.
// docs/how-it-works.md walks through it.
//
// Sources and sinks speak the row protocol (rows.h): a decoder, an encoder, an image in memory.
//
//   auto decoder = tessera::open_decoder("photo.jpg");
//   auto plan = tessera::pipeline::plan(pipeline, {decoder->width(), decoder->height(),
//                                                  decoder->format()});
//   auto encoder = tessera::open_encoder("edges.png", plan.output.width, plan.output.height,
//                                        plan.output.format);
//   tessera::pipeline::run_streaming(plan, *decoder, *encoder);

#include <optional>

#include "tessera/codec.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/pipeline/plan.h"
#include "tessera/rows.h"

namespace tessera::pipeline {

// The row protocol's names, where the pipeline's code and its callers have always found them.
using tessera::ImageSink;
using tessera::ImageSource;
using tessera::RowSink;
using tessera::RowSource;

// How the source and the sink run. With io_threads, the source is read on a thread of its own
// a few bands ahead, and the sink written on another a few bands behind, so that decoding and
// encoding (one core each, inside the codec libraries) overlap with the ops; both threads
// charge the caller's memory budget. Without, all runs on the caller's thread, band by band:
// better when other files keep the cores busy (a batch with a file per core), where the two
// threads only add handovers (8% slower on the batch benchmark).
enum class IoThreads { Own, Caller };

struct StreamOptions {
  // Output rows per strip. Unset: 64 for a source read band by band (a decoder), so that the
  // queues and windows stay a few MiB; 128 for an image already in memory, whose bands are
  // small next to it (where its bands run as tasks on all cores, the tasks running at once
  // share a band's rows, at least 32 each).
  std::optional<int> strip_rows{};
  IoThreads io = IoThreads::Own;
};

// Runs every stage of `pipeline` on the rows of `source` and writes the result to `sink`.
// Plans first (see plan.h), so a chain an op cannot take is refused before any row is read.
void run_streaming(const Pipeline& pipeline, RowSource& source, RowSink& sink,
                   const StreamOptions& options = {});

// The same with a plan made for this source's size and format.
void run_streaming(const Plan& plan, RowSource& source, RowSink& sink,
                   IoThreads io = IoThreads::Own);

}  // namespace tessera::pipeline
