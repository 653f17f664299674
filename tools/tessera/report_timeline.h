#pragma once
// A report's memory timeline, kept to a bounded size whatever the run's length (a batch of a
// million files, a video of hours, a job sampled every millisecond for an hour): at most
// kSamples points spanning the whole run. Every sample taken is offered; when the points are
// full, neighbours are merged in pairs and from then on each point stands for twice as many
// samples. A point is the highest of the samples it stands for (most tracked bytes, then most
// RSS), never an arbitrary one, so a peak is always drawn however the run is thinned; the last
// sample offered is kept as well, so the timeline ends where the run did. Shared by the batch,
// video and convert reports.
//
// `Sample` has `tracked_bytes` and `rss` members. Not thread safe: a report that samples from a
// thread of its own (report_sampler.h) guards it.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tessera::cli {

template <class Sample>
class ReportTimeline {
 public:
  static constexpr std::size_t kSamples = 1024;

  ReportTimeline() { kept_.reserve(kKept); }

  void add(const Sample& sample) {
    if (pending_ == 0 && kept_.size() == kKept) {  // a new span, and no room for it
      for (std::size_t i = 0; i < kKept / 2; ++i) {
        kept_[i] = higher(kept_[2 * i + 1], kept_[2 * i]) ? kept_[2 * i + 1] : kept_[2 * i];
      }
      kept_.resize(kKept / 2);
      span_ *= 2;
    }
    const bool replaces = pending_ == 0 || higher(sample, highest_);
    if (replaces) highest_ = sample;
    highest_is_last_ = replaces;
    last_ = sample;
    if (++pending_ < span_) return;
    kept_.push_back(highest_);  // the span is complete
    pending_ = 0;
  }

  // In time order: the kept points, the highest of the span under way, and the last sample
  // offered when it is not that one.
  std::vector<Sample> samples() const {
    std::vector<Sample> out = kept_;
    if (pending_ > 0) out.push_back(highest_);
    if (!highest_is_last_) out.push_back(last_);
    return out;
  }

 private:
  // Room for the span under way and the last sample beside the kept points.
  static constexpr std::size_t kKept = kSamples - 2;

  static bool higher(const Sample& a, const Sample& b) {
    return a.tracked_bytes != b.tracked_bytes ? a.tracked_bytes > b.tracked_bytes : a.rss > b.rss;
  }

  std::vector<Sample> kept_;
  Sample highest_{}, last_{};
  bool highest_is_last_ = true;  // also when nothing was offered yet
  std::uint64_t pending_ = 0;    // samples in the span under way
  std::uint64_t span_ = 1;       // samples each kept point stands for
};

}  // namespace tessera::cli
