#include "ops/op_support.h"

#include <fmt/format.h>

namespace tessera::ops::detail {

void fail(std::string_view op, std::string message) {
  throw Error(ErrorCode::InvalidArgument, fmt::format("{}: {}", op, message),
              {.operation = std::string(op)});
}

void require_u8(std::string_view op, ImageView src) {
  if (src.empty()) fail(op, "the input image is empty");
  if (src.format().sample != SampleType::U8) {
    fail(op, fmt::format("needs 8-bit samples, got {} (convert with depth u8 first)",
                         src.format().name()));
  }
}

void require_gray(std::string_view op, ImageView src) {
  require_u8(op, src);
  if (src.format().channels() != 1) {
    fail(op, fmt::format("needs a one-channel (gray) image, got {} (add `gray` before it)",
                         src.format().name()));
  }
}

void require_destination(std::string_view op, MutableImageView dst, int width, int height,
                         PixelFormat format) {
  if (dst.empty() || dst.width() != width || dst.height() != height || dst.format() != format) {
    fail(op, fmt::format("the destination must be {}x{} {}, got {}x{} {}", width, height,
                         format.name(), dst.width(), dst.height(), dst.format().name()));
  }
}

void require_no_overlap(std::string_view op, ImageView src, MutableImageView dst) {
  const auto* src_begin = src.data();
  const auto* src_end = src.row(src.height() - 1) + src.row_bytes();
  const auto* dst_begin = dst.data();
  const auto* dst_end = dst.row(dst.height() - 1) + dst.row_bytes();
  if (src_begin < dst_end && dst_begin < src_end) {
    fail(op,
         "cannot run in place: the destination overlaps the source (use the form that "
         "returns a new image)");
  }
}

void require_filter_arguments(std::string_view op, ImageView src, MutableImageView dst) {
  require_u8(op, src);
  require_destination(op, dst, src.width(), src.height(), src.format());
  require_no_overlap(op, src, dst);
}

Image new_output(std::string_view op, int width, int height, PixelFormat format,
                 AllocationOptions options, const std::source_location& site) {
  if (options.label == AllocationOptions{}.label) options.label = op;
  return Image::create(width, height, format, options, site);
}

}  // namespace tessera::ops::detail
