#include "ops/op_support.h"

#include <fmt/format.h>

namespace tessera::ops::detail {

void fail(std::string_view op, std::string message) {
  throw Error(ErrorCode::InvalidArgument, fmt::format("{}: {}", op, message),
              {.operation = std::string(op)});
}

namespace {

std::string_view sample_name(SampleType type) {
  switch (type) {
    case SampleType::U8:
      return "u8";
    case SampleType::U16:
      return "u16";
    case SampleType::F32:
      return "f32";
  }
  return "";
}

}  // namespace

void refuse_samples(std::string_view op, SampleTypes accepted, SampleType got,
                    std::string_view note) {
  // The conversion that loses least: to u16 where the op takes it (f32 into a u16 op), else u8.
  const std::string_view to = accepted.u16 && got == SampleType::F32 ? "u16"
                              : accepted.u8                          ? "u8"
                              : accepted.u16                         ? "u16"
                                                                     : "f32";
  // Not through fail(): the message starts with the op's name already.
  throw Error(ErrorCode::InvalidArgument,
              fmt::format("{} takes {}{}, got {}: put `depth {}` before it", op, accepted.text(),
                          note.empty() ? "" : fmt::format(" ({})", note), sample_name(got), to),
              {.operation = std::string(op)});
}

void require_samples(std::string_view op, ImageView src, SampleTypes accepted,
                     std::string_view note) {
  if (src.empty()) fail(op, "the input image is empty");
  if (!accepted.has(src.format().sample)) refuse_samples(op, accepted, src.format().sample, note);
}

void require_samples(std::string_view op, ImageView src) {
  require_samples(op, src, find_op(op).samples);
}

void require_gray(std::string_view op, ImageView src) {
  require_samples(op, src);
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
  require_samples(op, src);
  require_destination(op, dst, src.width(), src.height(), src.format());
  require_no_overlap(op, src, dst);
}

Image new_output(std::string_view op, int width, int height, PixelFormat format,
                 AllocationOptions options, const std::source_location& site) {
  if (options.label == AllocationOptions{}.label) options.label = op;
  return Image::create(width, height, format, options, site);
}

}  // namespace tessera::ops::detail
