#pragma once
// Admission control for a batch: each file reserves its estimated peak before it starts, and
// waits while the files in flight have reserved too much for it to fit under the cap. A file
// that alone needs more than the cap is refused rather than waited for. With no cap, every file
// is admitted at once.

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace tessera::batch::detail {

class Admission {
 public:
  explicit Admission(std::size_t cap) : cap_(cap) {}

  // Whether `bytes` could ever be admitted.
  bool fits(std::size_t bytes) const { return cap_ == 0 || bytes <= cap_; }
  // Waits until `bytes` fit beside what is reserved, then reserves them. Needs fits(bytes).
  void reserve(std::size_t bytes);
  void release(std::size_t bytes);

 private:
  std::mutex mutex_;
  std::condition_variable released_;
  std::size_t cap_;
  std::size_t reserved_ = 0;
};

}  // namespace tessera::batch::detail
