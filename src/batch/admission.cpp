#include "batch/admission.h"

namespace tessera::batch::detail {

void Admission::reserve(std::size_t bytes) {
  if (cap_ == 0) return;
  std::unique_lock lock(mutex_);
  released_.wait(lock, [&] { return reserved_ + bytes <= cap_; });
  reserved_ += bytes;
}

void Admission::release(std::size_t bytes) {
  if (cap_ == 0) return;
  {
    const std::lock_guard lock(mutex_);
    reserved_ -= bytes;
  }
  released_.notify_all();
}

}  // namespace tessera::batch::detail
