#pragma once
// Shrink-on-load: a pipeline that starts by shrinking by half or more with `resize` (lanczos3 or
// area, the kernels that average like the decoder's shrink does) lets the decoder deliver a
// smaller image in the first place (JPEG decodes at 1/2, 1/4 or 1/8 in the DCT domain, WebP
// to the size asked), as libvips and Pillow's draft() do. The decoder is asked for no less
// than the resize's output, so the resize still makes the final pixels (and still smooths);
// the resize is pinned to its absolute output size, since "50%" of a smaller decode would be
// another size.

#include "tessera/codec.h"
#include "tessera/pipeline/pipeline.h"

namespace tessera::pipeline {

struct LoadPlan {
  DecodeOptions options;  // `base` with min_width/min_height set when the decoder may shrink
  Pipeline pipeline;      // the pipeline to run on what that decoder delivers
  bool shrinks = false;
};

// For an image whose header is `info` (sizes as stored), read with `base`.
LoadPlan shrink_on_load(const Pipeline& pipeline, const ImageInfo& info, const DecodeOptions& base);

}  // namespace tessera::pipeline
