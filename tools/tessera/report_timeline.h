#pragma once
// A report's memory timeline, sampled as work finishes and kept to a bounded size: when full,
// every other sample is dropped and only every other event is sampled from then on, so the
// timeline spans the whole run at any length (a batch of a million files, a video of hours)
// in at most kSamples points. Shared by the batch and video reports.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tessera::cli {

template <class Sample>
class ReportTimeline {
 public:
  static constexpr std::size_t kSamples = 1024;

  ReportTimeline() { samples_.reserve(kSamples); }

  // Whether this event (a file done, a frame written) is one to sample; call once per event.
  bool due() { return events_++ % every_ == 0; }
  void add(const Sample& sample) {
    if (samples_.size() == kSamples) {
      for (std::size_t i = 0; i < kSamples / 2; ++i) samples_[i] = samples_[2 * i];
      samples_.resize(kSamples / 2);
      every_ *= 2;
    }
    samples_.push_back(sample);
  }
  const std::vector<Sample>& samples() const { return samples_; }

 private:
  std::vector<Sample> samples_;
  std::uint64_t events_ = 0;
  std::uint64_t every_ = 1;  // events between samples
};

}  // namespace tessera::cli
