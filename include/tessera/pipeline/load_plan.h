#pragma once
// Decoding only what a pipeline needs, as libvips and Pillow's draft() do:
//
// - Luma only: a pipeline that starts with `gray` (and goes on) lets a JPEG decoder deliver its
//   Y channel directly, skipping chroma upsampling and colour conversion; the `gray` stage is
//   dropped. That is what OpenCV's IMREAD_GRAYSCALE gives, and can differ by one level from
//   converting decoded RGB.
// - Shrink-on-load: a pipeline whose first stage (after that) shrinks to a quarter or less
//   with `resize` (lanczos3 or area, the kernels that average like the decoder's shrink does)
//   lets the JPEG or WebP decoder deliver a smaller image, but never less than twice the grid
//   the resize scales to (as libvips' thumbnail), so the resize still makes at least the last
//   halving: JPEG at 1/2, 1/4 or 1/8 in the DCT domain, and only by a scale that divides both
//   sides (a partial last block would shift the grid by a fraction of a pixel); WebP at the
//   size asked. The resize is pinned to its absolute size, since "50%" of a smaller decode
//   would be another size; fit=cover becomes the resize to the covering grid and the crop of
//   its centre, as worked out for the whole image.
//   Tolerance (tests/pipeline/shrink_on_load_test.cpp, real JPEGs and WebPs): against decoding
//   whole and running the same pipeline, every sample within 24 levels and the mean within 1.5
//   (measured: at most 20, mean 0.1-0.4 on a 3840x2160 camera JPEG, up to 1.4 for small sharp
//   images with a sharpen after the resize). DecodeOptions::shrink_on_load = false turns it off
//   and gives the whole decode's pixels exactly.

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
