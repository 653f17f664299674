#include "tessera/pipeline/load_plan.h"

#include <fmt/format.h>

#include <string>
#include <vector>

namespace tessera::pipeline {

LoadPlan plan_load(const Pipeline& pipeline, const ImageInfo& info, const DecodeOptions& base) {
  LoadPlan load{base, pipeline};
  std::vector<Stage>& stages = load.pipeline.stages;
  if (info.format == FileFormat::Jpeg && info.pixel_format.channels() >= 3 && stages.size() > 1 &&
      stages.front().op->name == "gray") {
    load.options.luma_only = true;
    stages.erase(stages.begin());
    load.luma = true;
  }
  if (stages.empty() || stages.front().op->name != "resize") return load;
  if (info.format != FileFormat::Jpeg && info.format != FileFormat::Webp) return load;
  const Stage& resize = stages.front();
  // Only kernels that average over what they shrink (as the DCT-domain shrink does) give the
  // same picture either way; linear, cubic and nearest sample, so a smaller decode would change
  // their result (less aliasing, but not what was asked for).
  const std::string& kernel = resize.arguments.text("kernel");
  if (kernel != "lanczos3" && kernel != "area") return load;
  // The decoders take the minimum for the upright image and turn it themselves.
  const bool sideways = base.apply_orientation && info.orientation >= 5;
  const int width = sideways ? info.height : info.width;
  const int height = sideways ? info.width : info.height;
  const auto [out_width, out_height] = resize.op->output_size(width, height, resize.arguments);
  // Worth it only when the decoder can skip at least half of each side.
  if (2 * out_width > width || 2 * out_height > height) return load;
  // JPEG's DCT scaling averages like the resize; libwebp's rescaler to the exact size smooths
  // away detail lanczos keeps, so WebP is decoded at twice the output size at least and the
  // resize still makes the last halving.
  const int margin = info.format == FileFormat::Webp ? 2 : 1;
  if (2 * margin * out_width > width || 2 * margin * out_height > height) return load;
  load.options.min_width = margin * out_width;
  load.options.min_height = margin * out_height;
  const std::vector<std::string> pinned = {fmt::format("{}x{}", out_width, out_height),
                                           "kernel=" + resize.arguments.text("kernel"), "fit=fill"};
  stages.front().arguments = ops::bind_arguments(*resize.op, pinned);
  load.shrinks = true;
  return load;
}

}  // namespace tessera::pipeline
