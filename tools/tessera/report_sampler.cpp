#include "report_sampler.h"

#include <chrono>
#include <utility>

namespace tessera::cli {

void ReportSampler::start(std::function<void()> take) {
  // Every millisecond: a job of a few milliseconds still has a few points, one of minutes is
  // thinned to the timeline's bound.
  thread_ = std::jthread([take = std::move(take)](const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      take();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
}

void ReportSampler::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

}  // namespace tessera::cli
