#pragma once
// A report's clock for its memory timeline: calls `take` every millisecond on a thread of its
// own, from start() until stop() (or destruction, which stops it). A report sampled only as
// work finishes misses what happens inside one long piece of work (a 36 s decode); sampled on
// time it draws it, thinned by report_timeline.h to a bounded size. `take` runs on the
// sampler's thread: what it reads and writes is the caller's to guard. Used by the convert and
// batch reports.
//
//   ReportSampler sampler;
//   sampler.start([&] { const std::lock_guard lock(mutex); timeline.add(read_sample()); });
//   ...the work...
//   sampler.stop();  // returns once the last `take` has returned

#include <functional>
#include <thread>

namespace tessera::cli {

class ReportSampler {
 public:
  ReportSampler() = default;
  ~ReportSampler() { stop(); }
  ReportSampler(const ReportSampler&) = delete;
  ReportSampler& operator=(const ReportSampler&) = delete;

  // Takes a first sample at once, then one every millisecond. Called at most once.
  void start(std::function<void()> take);
  void stop();
  bool running() const { return thread_.joinable(); }

 private:
  std::jthread thread_;
};

}  // namespace tessera::cli
