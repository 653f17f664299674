#include "pipeline/band_queue.h"

namespace tessera::pipeline::detail {

BandQueue::BandQueue(int width, int rows, PixelFormat format, int slots) : rows_(rows) {
  for (int i = 0; i < slots; ++i) {
    slots_.push_back({Image::create(width, rows, format, {.label = "pipeline band queue"})});
  }
}

std::optional<MutableImageView> BandQueue::acquire_free() {
  std::unique_lock lock(mutex_);
  Slot& slot = slots_[next_free_];
  changed_.wait(lock, [&] { return stopped_ || !slot.full; });
  if (stopped_) return std::nullopt;
  return slot.image.mutable_view();
}

void BandQueue::publish(int rows) {
  {
    const std::lock_guard lock(mutex_);
    Slot& slot = slots_[next_free_];
    slot.rows = rows;
    slot.full = true;
    next_free_ = (next_free_ + 1) % slots_.size();
  }
  changed_.notify_all();
}

void BandQueue::finish() {
  {
    const std::lock_guard lock(mutex_);
    finished_ = true;
  }
  changed_.notify_all();
}

void BandQueue::fail(std::exception_ptr error) {
  {
    const std::lock_guard lock(mutex_);
    error_ = std::move(error);
    finished_ = true;
  }
  changed_.notify_all();
}

std::optional<ImageView> BandQueue::acquire_full() {
  std::unique_lock lock(mutex_);
  Slot& slot = slots_[next_full_];
  changed_.wait(lock, [&] { return slot.full || finished_; });
  if (!slot.full) {  // finished, and every band published before that is consumed
    if (error_) std::rethrow_exception(error_);
    return std::nullopt;
  }
  return slot.image.view().subview({0, 0, slot.image.width(), slot.rows});
}

void BandQueue::release() {
  {
    const std::lock_guard lock(mutex_);
    slots_[next_full_].full = false;
    next_full_ = (next_full_ + 1) % slots_.size();
  }
  changed_.notify_all();
}

void BandQueue::stop(std::exception_ptr error) {
  {
    const std::lock_guard lock(mutex_);
    stopped_ = true;
    if (error) consumer_error_ = std::move(error);
  }
  changed_.notify_all();
}

std::exception_ptr BandQueue::consumer_error() {
  const std::lock_guard lock(mutex_);
  return consumer_error_;
}

}  // namespace tessera::pipeline::detail
