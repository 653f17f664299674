#include "video/frame_conversion.h"

extern "C" {
#include <libavutil/pixdesc.h>
}

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>

#include "ops/lookup_table.h"
#include "tessera/error.h"

namespace tessera::video::detail {
namespace {

using Table = ops::detail::LookupTable;

// Limited-range luma (16..235) to 0..255, rounded and clamped, as libswscale expands it.
const Table& expand_limited_range() {
  static const Table table = [] {
    Table values{};
    for (int y = 0; y < 256; ++y) {
      const double full = std::round((y - 16) * 255.0 / 219.0);
      values[y] = static_cast<std::uint8_t>(std::clamp(full, 0.0, 255.0));
    }
    return values;
  }();
  return table;
}

// 0..255 to limited-range luma: the Y of a gray pixel in BT.601/709 video.
const Table& compress_to_limited_range() {
  static const Table table = [] {
    Table values{};
    for (int g = 0; g < 256; ++g)
      values[g] = static_cast<std::uint8_t>(16 + std::lround(g * 219.0 / 255.0));
    return values;
  }();
  return table;
}

// `table` over a plane of 8-bit samples, with the ops' SIMD lookup.
void map_rows(const std::uint8_t* src, std::ptrdiff_t src_stride, std::uint8_t* dst,
              std::ptrdiff_t dst_stride, int width, int height, const Table& table) {
  const ImageView from(reinterpret_cast<const std::byte*>(src), width, height, src_stride,
                       PixelFormat::gray8());
  const MutableImageView to(reinterpret_cast<std::byte*>(dst), width, height, dst_stride,
                            PixelFormat::gray8());
  ops::detail::apply_lookup_table(from, to, table);
}

bool full_range(const AVFrame& frame) {
  const auto format = static_cast<AVPixelFormat>(frame.format);
  return frame.color_range == AVCOL_RANGE_JPEG || format == AV_PIX_FMT_YUVJ420P ||
         format == AV_PIX_FMT_YUVJ422P || format == AV_PIX_FMT_YUVJ444P ||
         format == AV_PIX_FMT_YUVJ440P || format == AV_PIX_FMT_YUVJ411P ||
         format == AV_PIX_FMT_GRAY8;
}

AVPixelFormat libav_format(PixelFormat format) {
  if (format == PixelFormat::gray8()) return AV_PIX_FMT_GRAY8;
  if (format == PixelFormat::rgb8()) return AV_PIX_FMT_RGB24;
  if (format == PixelFormat{ChannelLayout::Gray, SampleType::U16}) return AV_PIX_FMT_GRAY16;
  if (format == PixelFormat{ChannelLayout::Rgb, SampleType::U16}) return AV_PIX_FMT_RGB48;
  if (format == PixelFormat::rgba8()) return AV_PIX_FMT_RGBA;
  throw Error(
      ErrorCode::InvalidArgument,
      fmt::format("video frames are gray8, rgb8, rgba8, gray16 or rgb16, not {}", format.name()));
}

// The colour matrix libswscale should use for a frame's YUV: BT.709 for HD video that says
// so, BT.601 otherwise (libswscale's default, and what most SD video is).
const int* coefficients_for(AVColorSpace space) {
  switch (space) {
    case AVCOL_SPC_BT709:
      return sws_getCoefficients(SWS_CS_ITU709);
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
      return sws_getCoefficients(SWS_CS_BT2020);
    case AVCOL_SPC_FCC:
      return sws_getCoefficients(SWS_CS_FCC);
    case AVCOL_SPC_SMPTE240M:
      return sws_getCoefficients(SWS_CS_SMPTE240M);
    default:
      return sws_getCoefficients(SWS_CS_DEFAULT);
  }
}

bool is_yuv(AVPixelFormat format) {
  const AVPixFmtDescriptor* description = av_pix_fmt_desc_get(format);
  return description != nullptr && (description->flags & AV_PIX_FMT_FLAG_RGB) == 0 &&
         description->nb_components >= 3;
}

}  // namespace

bool has_luma_plane(AVPixelFormat format) {
  const AVPixFmtDescriptor* description = av_pix_fmt_desc_get(format);
  if (description == nullptr) return false;
  constexpr auto kNotPlainSamples = AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL |
                                    AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_BITSTREAM |
                                    AV_PIX_FMT_FLAG_BE;
  const AVComponentDescriptor& luma = description->comp[0];
  return (description->flags & kNotPlainSamples) == 0 && luma.plane == 0 && luma.step == 1 &&
         luma.depth == 8 && luma.shift == 0 && luma.offset == 0;
}

FrameToImage::FrameToImage(PixelFormat format, std::string path)
    : format_(format), path_(std::move(path)) {
  (void)libav_format(format);  // refuses a format frames cannot be read as, before any work
}

Image FrameToImage::convert(const AVFrame& frame, AllocationOptions options) {
  const auto source = static_cast<AVPixelFormat>(frame.format);
  if (format_ == PixelFormat::gray8() && has_luma_plane(source)) {
    if (full_range(frame)) {
      // The luma plane as it is: the Image holds a reference to the frame's buffers, which go
      // back to the decoder's pool when the Image does.
      AVFrame* held = av_frame_clone(&frame);
      if (held == nullptr)
        throw Error(ErrorCode::OutOfMemory, "libav could not reference a frame", {.path = path_});
      try {
        return Image::wrap(
            held->data[0], frame.width, frame.height, held->linesize[0], format_,
            [held]() mutable { av_frame_free(&held); }, "video frame luma");
      } catch (...) {
        av_frame_free(&held);
        throw;
      }
    }
    Image gray = Image::create(frame.width, frame.height, format_, options);
    map_rows(frame.data[0], frame.linesize[0], reinterpret_cast<std::uint8_t*>(gray.data()),
             gray.stride(), frame.width, frame.height, expand_limited_range());
    return gray;
  }

  // libswscale's SIMD writers store whole vectors: up to 16 bytes past a row's last pixel
  // (yuv420p to rgb24 at widths 33 to 47, modulo 64, on FFmpeg 5.1). Inside the image that is
  // stride padding or the next row's start, written again after; past the last row it is past
  // the buffer. So widths that are not a multiple of 32 are converted into an image wide
  // enough to take it and copied (a 1920-wide frame goes straight in).
  constexpr int kVectorPixels = 32;
  const bool padded = frame.width % kVectorPixels != 0;
  Image image = Image::create(frame.width, frame.height, format_, options);
  Image target = padded ? Image::create((frame.width / kVectorPixels + 1) * kVectorPixels,
                                        frame.height, format_, options)
                        : image;
  scale_.reset(sws_getCachedContext(scale_.release(), frame.width, frame.height, source,
                                    frame.width, frame.height, libav_format(format_), SWS_BILINEAR,
                                    nullptr, nullptr, nullptr));
  if (!scale_) {
    throw Error(ErrorCode::UnsupportedFormat,
                fmt::format("libswscale cannot convert {} frames to {}",
                            av_get_pix_fmt_name(source) ? av_get_pix_fmt_name(source) : "unknown",
                            format_.name()),
                {.path = path_, .operation = "decode"});
  }
  if (is_yuv(source)) {
    const int* matrix = coefficients_for(frame.colorspace);
    sws_setColorspaceDetails(scale_.get(), matrix, full_range(frame) ? 1 : 0, matrix, 1, 0, 1 << 16,
                             1 << 16);
  }
  std::uint8_t* planes[4] = {reinterpret_cast<std::uint8_t*>(target.data())};
  const int strides[4] = {static_cast<int>(target.stride())};
  sws_scale(scale_.get(), frame.data, frame.linesize, 0, frame.height, planes, strides);
  if (padded) {
    const std::size_t row_bytes = static_cast<std::size_t>(frame.width) * format_.bytes_per_pixel();
    for (int y = 0; y < frame.height; ++y) {
      std::memcpy(image.mutable_view().row<std::uint8_t>(y), target.view().row<std::uint8_t>(y),
                  row_bytes);
    }
  }
  return image;
}

ImageToFrame::ImageToFrame(PixelFormat source, AVPixelFormat target, std::string path)
    : source_(source), target_(target), path_(std::move(path)) {
  (void)libav_format(source);
}

void ImageToFrame::convert_rows(const ImageView& rows, int first, AVFrame& frame) {
  const auto* samples = reinterpret_cast<const std::uint8_t*>(rows.data());
  const int width = rows.width();
  const int height = rows.height();
  if (libav_format(source_) == target_ && av_pix_fmt_count_planes(target_) == 1) {
    // The same layout (gray, gray16, rgb): the rows as they are.
    const std::size_t row_bytes = width * source_.bytes_per_pixel();
    for (int y = 0; y < height; ++y) {
      std::memcpy(frame.data[0] + (first + y) * frame.linesize[0], samples + y * rows.stride(),
                  row_bytes);
    }
    return;
  }
  if (source_ == PixelFormat::gray8() && has_luma_plane(target_) && is_yuv(target_)) {
    // Gray as YUV: luma in the limited range, neutral chroma for the chroma rows these rows
    // cover.
    map_rows(samples, rows.stride(), frame.data[0] + first * frame.linesize[0], frame.linesize[0],
             width, height, compress_to_limited_range());
    const AVPixFmtDescriptor* description = av_pix_fmt_desc_get(target_);
    const int shift = description->log2_chroma_h;
    const int chroma_width = AV_CEIL_RSHIFT(width, description->log2_chroma_w);
    const int chroma_first = AV_CEIL_RSHIFT(first, shift);
    const int chroma_end =
        std::min(AV_CEIL_RSHIFT(frame.height, shift), AV_CEIL_RSHIFT(first + height, shift));
    for (int plane = 1; plane <= 2; ++plane) {
      for (int y = chroma_first; y < chroma_end; ++y) {
        std::memset(frame.data[plane] + y * frame.linesize[plane], 128, chroma_width);
      }
    }
    return;
  }
  if (first == 0) {
    scale_.reset(sws_getCachedContext(scale_.release(), width, frame.height, libav_format(source_),
                                      width, frame.height, target_, SWS_BILINEAR, nullptr, nullptr,
                                      nullptr));
    if (!scale_) {
      throw Error(
          ErrorCode::UnsupportedFormat,
          fmt::format("libswscale cannot convert {} images to {} frames", source_.name(),
                      av_get_pix_fmt_name(target_) ? av_get_pix_fmt_name(target_) : "unknown"),
          {.path = path_, .operation = "encode"});
    }
    if (is_yuv(target_)) {
      const int* matrix = sws_getCoefficients(SWS_CS_DEFAULT);
      sws_setColorspaceDetails(scale_.get(), matrix, 1, matrix, 0, 0, 1 << 16, 1 << 16);
    }
  }
  // Slices in order, top to bottom: libswscale keeps what it needs between them.
  const std::uint8_t* planes[4] = {samples};
  const int strides[4] = {static_cast<int>(rows.stride())};
  sws_scale(scale_.get(), planes, strides, first, height, frame.data, frame.linesize);
}

}  // namespace tessera::video::detail
