#pragma once
// A bounded queue of row bands between two threads: a few band images, filled by one thread
// and drained by the other in order. The pipeline uses it to decode ahead of the ops and to
// encode behind them, so that the codec libraries (one core each) overlap with the ops.
//
// Memory is fixed: `slots` images of `rows` rows, allocated by the thread that makes the queue
// (so they are charged to its budget). Either side may stop early: the producer by fail()
// (the consumer then rethrows its error), the consumer by stop() (the producer's next
// acquire_free() returns nothing).

#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <vector>

#include "tessera/image.h"

namespace tessera::pipeline::detail {

class BandQueue {
 public:
  BandQueue(int width, int rows, PixelFormat format, int slots);

  // Producer: a free band to fill (rows() rows), or nullopt once the consumer has stopped.
  std::optional<MutableImageView> acquire_free();
  // Producer: the band acquired last holds `rows` rows, ready for the consumer.
  void publish(int rows);
  // Producer: no more bands; or an error the consumer is to rethrow.
  void finish();
  void fail(std::exception_ptr error);

  // Consumer: the next band, or nullopt after the last; rethrows the producer's error.
  std::optional<ImageView> acquire_full();
  // Consumer: done with the band acquired last.
  void release();
  // Consumer: wants no more bands (after an error of its own, if `error` is set).
  void stop(std::exception_ptr error = nullptr);
  // Producer: the consumer's error, once acquire_free() has returned nothing.
  std::exception_ptr consumer_error();

  int rows() const { return rows_; }

 private:
  struct Slot {
    Image image;
    int rows = 0;
    bool full = false;
  };
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Slot> slots_;
  int rows_;
  std::size_t next_free_ = 0;  // the producer's next slot
  std::size_t next_full_ = 0;  // the consumer's next slot
  bool finished_ = false;
  bool stopped_ = false;
  std::exception_ptr error_;           // the producer's
  std::exception_ptr consumer_error_;  // the consumer's
};

}  // namespace tessera::pipeline::detail
