#include "video/frame_buffers.h"

extern "C" {
#include <libavutil/imgutils.h>
}

#include <cstdint>
#include <utility>

#include "tessera/memory.h"

namespace tessera::video::detail {
namespace {

constexpr std::size_t kRowAlignment = kAlignment;  // 64: every SIMD width libav uses
constexpr std::size_t kPlanePadding = 16;  // libav's decoders may read this far past a plane

std::size_t round_up(std::size_t value, std::size_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

// libav's frame threads and the Images made from frames drop buffers from any thread; the
// tracked bytes go back to tessera's allocator with the last reference.
void release_buffer(void* opaque, std::uint8_t*) { delete static_cast<memory::Buffer*>(opaque); }

int take_frame_buffer(AVCodecContext* decoder, AVFrame* frame, int flags) {
  int width = frame->width;
  int height = frame->height;
  int linesize_align[AV_NUM_DATA_POINTERS] = {};
  avcodec_align_dimensions2(decoder, &width, &height, linesize_align);
  for (const int align : linesize_align) {
    // Rows are aligned to 64, which every alignment libav asks for divides; a codec that ever
    // asked for more would get libav's own buffer rather than a wrong one.
    if (align > 0 && kRowAlignment % static_cast<std::size_t>(align) != 0) {
      return avcodec_default_get_buffer2(decoder, frame, flags);
    }
  }
  return static_cast<FrameBuffers*>(decoder->opaque)->fill(frame, width, height);
}

}  // namespace

FrameBuffers::FrameBuffers(MemoryBudget* budget, std::string label)
    : budget_(budget), label_(std::move(label)) {}

FrameBuffers::~FrameBuffers() {
  // Buffers still referenced (frames in flight, Images) stay valid; the pool goes with the last.
  av_buffer_pool_uninit(&pool_);
}

void FrameBuffers::attach(AVCodecContext* decoder) {
  if ((decoder->codec->capabilities & AV_CODEC_CAP_DR1) == 0) return;
  decoder->opaque = this;
  decoder->get_buffer2 = take_frame_buffer;
}

int FrameBuffers::fill(AVFrame* frame, int padded_width, int padded_height) noexcept {
  const auto format = static_cast<AVPixelFormat>(frame->format);
  int linesizes[4] = {};
  if (av_image_fill_linesizes(linesizes, format, padded_width) < 0) return AVERROR(EINVAL);
  std::ptrdiff_t strides[4] = {};
  for (int plane = 0; plane < 4; ++plane) {
    strides[plane] = static_cast<std::ptrdiff_t>(
        round_up(static_cast<std::size_t>(linesizes[plane]), kRowAlignment));
  }
  std::size_t plane_bytes[4] = {};
  if (av_image_fill_plane_sizes(plane_bytes, format, padded_height, strides) < 0) {
    return AVERROR(EINVAL);
  }
  std::size_t offsets[4] = {};
  std::size_t total = 0;
  for (int plane = 0; plane < 4; ++plane) {
    offsets[plane] = total;
    if (plane_bytes[plane] != 0)
      total += round_up(plane_bytes[plane] + kPlanePadding, kRowAlignment);
  }
  if (total == 0) return AVERROR(EINVAL);

  AVBufferRef* buffer = nullptr;
  {
    const std::lock_guard lock(mutex_);
    AVBufferPool* pool = pool_for(total);
    if (pool != nullptr) buffer = av_buffer_pool_get(pool);
  }
  if (buffer == nullptr) return AVERROR(ENOMEM);
  frame->buf[0] = buffer;
  for (int plane = 0; plane < 4; ++plane) {
    if (plane_bytes[plane] == 0) continue;
    frame->data[plane] = buffer->data + offsets[plane];
    frame->linesize[plane] = static_cast<int>(strides[plane]);
  }
  frame->extended_data = frame->data;
  return 0;
}

std::exception_ptr FrameBuffers::take_failure() {
  const std::lock_guard lock(mutex_);
  return std::exchange(failure_, nullptr);
}

AVBufferPool* FrameBuffers::pool_for(std::size_t bytes) {
  if (pool_ != nullptr && pool_bytes_ == bytes) return pool_;
  // A new frame size (a stream that changes resolution): the old buffers go as their frames do.
  av_buffer_pool_uninit(&pool_);
  pool_ = av_buffer_pool_init2(bytes, this, allocate, nullptr);
  pool_bytes_ = pool_ == nullptr ? 0 : bytes;
  return pool_;
}

AVBufferRef* FrameBuffers::allocate(void* opaque, std::size_t bytes) noexcept {
  // Called by av_buffer_pool_get, inside fill()'s lock.
  auto& self = *static_cast<FrameBuffers*>(opaque);
  try {
    auto* held =
        new memory::Buffer(memory::allocate(bytes, {.label = self.label_, .budget = self.budget_}));
    AVBufferRef* buffer = av_buffer_create(reinterpret_cast<std::uint8_t*>(held->data()), bytes,
                                           release_buffer, held, 0);
    if (buffer == nullptr) delete held;
    return buffer;
  } catch (...) {
    self.keep_failure(std::current_exception());
    return nullptr;
  }
}

void FrameBuffers::keep_failure(std::exception_ptr failure) noexcept {
  if (!failure_) failure_ = std::move(failure);
}

}  // namespace tessera::video::detail
