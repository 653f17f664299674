#include "video/libav.h"

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
}

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <mutex>

#include "core/fault_injection.h"

namespace tessera::video::detail {

FramePtr make_frame() {
  FramePtr frame(av_frame_alloc());
  if (!frame || tessera::detail::inject_fault()) {
    throw Error(ErrorCode::OutOfMemory, "libav could not make a frame");
  }
  return frame;
}

PacketPtr make_packet() {
  PacketPtr packet(av_packet_alloc());
  if (!packet || tessera::detail::inject_fault()) {
    throw Error(ErrorCode::OutOfMemory, "libav could not make a packet");
  }
  return packet;
}

std::string libav_message(int status) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(status, text, sizeof text);
  return text;
}

Error libav_error(int status, std::string_view what, const std::string& path) {
  const std::string message = fmt::format("{}: {}", what, libav_message(status));
  if (status == AVERROR(ENOMEM)) return Error(ErrorCode::OutOfMemory, message, {.path = path});
  if (status == AVERROR_DECODER_NOT_FOUND || status == AVERROR_DEMUXER_NOT_FOUND ||
      status == AVERROR_ENCODER_NOT_FOUND || status == AVERROR_MUXER_NOT_FOUND ||
      status == AVERROR_PATCHWELCOME || status == AVERROR(ENOSYS)) {
    return Error(ErrorCode::UnsupportedFormat, message, {.path = path});
  }
  // A negative errno (a file that cannot be opened or written) is the system's word.
  if (status < 0 && -status < 4096 && status != AVERROR(EINVAL)) {
    return Error(ErrorCode::Io, message, {.path = path, .os_error = -status});
  }
  return Error(ErrorCode::CorruptData, message, {.path = path});
}

int check(int status, std::string_view what, const std::string& path) {
  // A fault point after each call that can fail, so that tests reach every error path with
  // the objects the call made alive (tests/video/video_fault_test.cpp).
  if (status >= 0 && tessera::detail::inject_fault()) status = AVERROR(ENOMEM);
  if (status < 0) throw libav_error(status, what, path);
  return status;
}

void quiet_libav_log() {
  static std::once_flag once;
  std::call_once(once, [] {
    av_log_set_level(std::getenv("TESSERA_LIBAV_LOG") != nullptr ? AV_LOG_WARNING : AV_LOG_QUIET);
  });
}

}  // namespace tessera::video::detail
