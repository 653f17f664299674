#pragma once
// Frame buffers from tessera's allocator, for libav: a decoder's get_buffer2 and an encoder's
// input frames. Each buffer is one memory::allocate (accounted to frame_buffers.cpp under the
// label given, charged to the budget given, visible to the profiler), kept for reuse in an
// AVBufferPool while frames of one size keep coming, and freed when the pool is gone and the
// last frame or Image referring to it has let go.
//
// Thread safety: a decoder with frame threads calls get_buffer2 from its threads at once;
// fill() and failure() are safe to call concurrently.

#include <cstddef>
#include <exception>
#include <mutex>
#include <string>

#include "tessera/budget.h"
#include "video/libav.h"

namespace tessera::video::detail {

class FrameBuffers {
 public:
  // `budget` may be null (nothing charged); it is held by pointer and must outlive this.
  FrameBuffers(MemoryBudget* budget, std::string label);
  ~FrameBuffers();
  FrameBuffers(const FrameBuffers&) = delete;
  FrameBuffers& operator=(const FrameBuffers&) = delete;

  // Gives `frame` (format, width and height set) planes in one tracked buffer: frame->buf[0],
  // data[] and linesize[]. Rows are 64-byte aligned; planes are sized for
  // padded_width x padded_height (a decoder's aligned dimensions) with 16 bytes to spare, as
  // libav's own buffers. Returns 0, or AVERROR(ENOMEM) after keeping the allocation's Error for
  // failure() (an OutOfBudget stays an OutOfBudget).
  int fill(AVFrame* frame, int padded_width, int padded_height) noexcept;

  // Makes `decoder` take its frames from here (get_buffer2, opaque). Decoders that cannot take
  // caller buffers (no AV_CODEC_CAP_DR1) keep libav's own, untracked.
  void attach(AVCodecContext* decoder);

  // The first allocation that failed since the last call, to throw in place of libav's
  // "Cannot allocate memory"; null when none did.
  std::exception_ptr take_failure();

 private:
  AVBufferPool* pool_for(std::size_t bytes);  // under mutex_
  // The pool's allocator: one tracked buffer, or null after keeping the Error for failure().
  static AVBufferRef* allocate(void* self, std::size_t bytes) noexcept;
  void keep_failure(std::exception_ptr failure) noexcept;  // under mutex_

  MemoryBudget* budget_;
  std::string label_;
  std::mutex mutex_;
  AVBufferPool* pool_ = nullptr;
  std::size_t pool_bytes_ = 0;
  std::exception_ptr failure_;
};

}  // namespace tessera::video::detail
