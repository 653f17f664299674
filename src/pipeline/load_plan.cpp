#include "tessera/pipeline/load_plan.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "tessera/ops/geometry.h"
#include "tessera/ops/registry.h"

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
  if (!base.shrink_on_load) return load;
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
  ops::ResizeTarget target = ops::parse_resize_target(resize.arguments.text("size"));
  const std::string& fit = resize.arguments.text("fit");
  target.fit = fit == "inside"  ? ops::ResizeFit::Inside
               : fit == "cover" ? ops::ResizeFit::Cover
                                : ops::ResizeFit::Fill;
  const ops::ResizeGeometry geometry = ops::resize_geometry(target, width, height);
  // The decoder must deliver at least twice the grid the resize scales to (for cover, the
  // covering size, of which the centre is kept), as libvips' thumbnail does: then the resize
  // makes at least the last halving from nearly the full image's detail, and the result stays
  // within the resize tolerance of decoding whole (tests/pipeline/shrink_on_load_test.cpp).
  // Decoding right at the output size instead leaves the DCT's box-like shrink (or libwebp's
  // rescaler) to make the picture: 71 levels from decode-then-area at 37% of rocket.jpg.
  constexpr int kMargin = 2;
  int min_width = kMargin * geometry.scaled_width;
  int min_height = kMargin * geometry.scaled_height;
  // Worth it only when the decoder can skip at least half of each side.
  if (2 * min_width > width || 2 * min_height > height) return load;
  if (info.format == FileFormat::Jpeg) {
    // Only a DCT scale 1/d that divides both sides: otherwise the last block is partial and
    // the decoded grid is a fraction of a pixel narrower than the image, a shift the resize
    // cannot undo (4 levels of mean difference on a 227x149 photo at 12.5%, against 0.6 for
    // its 224x144 crop). Camera sizes divide by 8.
    int denominator = 1;
    for (const int d : {8, 4, 2}) {
      if (width % d == 0 && height % d == 0 && width / d >= min_width && height / d >= min_height) {
        denominator = d;
        break;
      }
    }
    if (denominator == 1) return load;
    min_width = width / denominator;  // the decoder then picks exactly that scale
    min_height = height / denominator;
  }
  load.options.min_width = min_width;
  load.options.min_height = min_height;
  // Pinned to the absolute grid, since "50%" of a smaller decode would be another size. Cover
  // becomes the resize to the covering grid and the crop of its centre, as worked out for the
  // whole image: the same cover of the smaller decode could round to a grid a pixel narrower,
  // which shifts the crop by a pixel.
  const std::vector<std::string> pinned = {
      fmt::format("{}x{}", geometry.scaled_width, geometry.scaled_height), "kernel=" + kernel,
      "fit=fill"};
  stages.front().arguments = ops::bind_arguments(*resize.op, pinned);
  if (geometry.width != geometry.scaled_width || geometry.height != geometry.scaled_height) {
    const ops::OpDescriptor& crop = ops::find_op("crop");
    const std::vector<std::string> box = {
        fmt::format("{},{},{},{}", geometry.left, geometry.top, geometry.width, geometry.height)};
    Stage cut{&crop, ops::bind_arguments(crop, box), "crop " + box.front(), stages.front().column};
    stages.insert(stages.begin() + 1, std::move(cut));
  }
  load.shrinks = true;
  return load;
}

}  // namespace tessera::pipeline
