#pragma once
// Decoded frames to Images, and Images to an encoder's frames.
//
// Gray from video is its luma plane, as JPEG's luma-only decode: the plane itself when the
// stream is full range (no copy: the Image keeps a reference to the frame), else expanded from
// the limited range (16..235) to 0..255 through a table. Everything else goes through
// libswscale with the frame's colour matrix and range. Writing, gray rows become the luma of a
// YUV frame (mapped to the limited range) with neutral chroma, which is what converting the
// gray to RGB and then to YUV gives, without making the colour rows.
//
// Thread safety: each converter is used by one thread at a time (a libswscale context is
// stateful); converters of one stream on different threads are independent.

#include <string>

#include "tessera/image.h"
#include "video/libav.h"

namespace tessera::video::detail {

class FrameToImage {
 public:
  // `format`: gray8, rgb8, gray16 or rgb16. `path` names the file in errors.
  FrameToImage(PixelFormat format, std::string path);
  // `frame` as an Image of the format asked, charged to `options`' budget. Throws Error.
  Image convert(const AVFrame& frame, AllocationOptions options);

 private:
  PixelFormat format_;
  std::string path_;
  ScaleContext scale_;
};

// Whether a frame of `format` has a plane of 8-bit luma that can be read as gray directly.
bool has_luma_plane(AVPixelFormat format);

class ImageToFrame {
 public:
  // Frames of `target` (the encoder's pixel format) from images of `source`.
  ImageToFrame(PixelFormat source, AVPixelFormat target, std::string path);
  // Writes `rows`, the frame's rows [first, first + rows.height()), into `frame`, whose planes
  // are allocated. Bands come in order, top to bottom, starting at 0. Throws Error.
  void convert_rows(const ImageView& rows, int first, AVFrame& frame);

 private:
  PixelFormat source_;
  AVPixelFormat target_;
  std::string path_;
  ScaleContext scale_;
};

}  // namespace tessera::video::detail
