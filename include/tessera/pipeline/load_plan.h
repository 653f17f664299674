#pragma once
// Decoding only what a pipeline needs, as libvips and Pillow's draft() do:
//
// - Luma only: a pipeline that starts with `gray` (and goes on) lets a JPEG decoder deliver its
//   Y channel directly, skipping chroma upsampling and colour conversion; the `gray` stage is
//   dropped. That is what OpenCV's IMREAD_GRAYSCALE gives, and can differ by one level from
//   converting decoded RGB.
// - Shrink-on-load: a pipeline whose first stage (after that) shrinks by half or more with
//   `resize` (lanczos3 or area, the kernels that average like the decoder's shrink does) lets
//   the JPEG or WebP decoder deliver a smaller image (JPEG at 1/2, 1/4 or 1/8 in the DCT
//   domain, no smaller than the resize's output; WebP at no less than twice it, since libwebp's
//   rescaler smooths more than lanczos3), so the resize still makes the final pixels.
//   The resize is pinned to its absolute size, since "50%" of a smaller decode would be
//   another size.

#include "tessera/codec.h"
#include "tessera/pipeline/pipeline.h"

namespace tessera::pipeline {

struct LoadPlan {
  DecodeOptions options;  // `base`, with luma_only and min_width/min_height set where useful
  Pipeline pipeline;      // the pipeline to run on what that decoder delivers
  bool luma = false;      // the decoder delivers luma and `gray` was dropped
  bool shrinks = false;   // the decoder may shrink
  bool changed() const { return luma || shrinks; }
};

// For an image whose header is `info` (sizes as stored), read with `base`.
LoadPlan plan_load(const Pipeline& pipeline, const ImageInfo& info, const DecodeOptions& base);

}  // namespace tessera::pipeline
