#pragma once
// FFmpeg's handles owned from the line that makes them, and its status codes turned into
// tessera::Error at the boundary. Every libav object in src/video/ lives in one of these.

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

#include <memory>
#include <string>
#include <string_view>

#include "tessera/error.h"

namespace tessera::video::detail {

struct InputContextFree {
  void operator()(AVFormatContext* context) const { avformat_close_input(&context); }
};
using InputContext = std::unique_ptr<AVFormatContext, InputContextFree>;

struct CodecContextFree {
  void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
using CodecContext = std::unique_ptr<AVCodecContext, CodecContextFree>;

struct FrameFree {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;

struct PacketFree {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;

struct ScaleContextFree {
  void operator()(SwsContext* context) const { sws_freeContext(context); }
};
using ScaleContext = std::unique_ptr<SwsContext, ScaleContextFree>;

// A new frame or packet; Error(OutOfMemory) when libav cannot make one.
FramePtr make_frame();
PacketPtr make_packet();

// libav's words for `status` ("Invalid data found when processing input").
std::string libav_message(int status);

// The Error a libav failure is to a user: ENOMEM as OutOfMemory, EIO-like codes as Io,
// AVERROR_INVALIDDATA and the like as CorruptData, a missing decoder or muxer as
// UnsupportedFormat. `what` says what was being done ("decode frame 212 (t=7.07 s)").
Error libav_error(int status, std::string_view what, const std::string& path);

// Throws libav_error when `status` < 0; returns it otherwise.
int check(int status, std::string_view what, const std::string& path);

// libav logs to stderr by default; tessera reports errors itself. Quietened once per process
// (warnings and above stay visible when TESSERA_LIBAV_LOG is set).
void quiet_libav_log();

}  // namespace tessera::video::detail
