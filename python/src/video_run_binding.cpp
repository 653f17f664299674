// tessera.video.process(): a whole video through a pipeline, as `tessera video` runs it
// (video::run, in constant memory, the output complete under its name or not there at all).
//
// The run goes on a thread of its own while the calling thread waits with the GIL released,
// waking every 100 ms or at each frame: to hand progress to the Python callback (tessera's
// threads never call into Python) and to let Python's signal handlers run, so that Ctrl-C
// raises KeyboardInterrupt promptly. Then, as the CLI does, the run is stopped between frames:
// the output holds the frames done so far, playable, and no temporary is left.

#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>

#include "bindings.h"
#include "python_call.h"
#include "tessera/error.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/video.h"
#include "video_bindings.h"

namespace nb = nanobind;

namespace tessera::python {
namespace {

nb::dict progress_dict(const video::Progress& progress) {
  nb::dict entry;
  entry["frames"] = progress.frames;
  entry["frames_total"] = progress.frames_total;
  entry["seconds"] = progress.seconds;
  return entry;
}

nb::dict summary_dict(const video::RunSummary& summary, const std::filesystem::path& output) {
  nb::dict entry;
  entry["input"] = info_dict(summary.input);
  entry["output"] = path_str(output);
  entry["frames_read"] = summary.frames_read;
  entry["frames_written"] = summary.frames_written;
  entry["packets_copied"] = summary.packets_copied;
  entry["seconds"] = summary.seconds;
  entry["fps"] =
      summary.seconds > 0 ? static_cast<double>(summary.frames_written) / summary.seconds : 0.0;
  entry["estimate"] = summary.estimate;
  entry["encoder_estimate"] = summary.encoder_estimate;
  entry["peak_tracked_bytes"] = summary.peak_tracked;
  entry["decode_seconds"] = summary.decode_seconds;
  entry["pipeline_seconds"] = summary.pipeline_seconds;
  entry["encode_seconds"] = summary.encode_seconds;
  entry["interrupted"] = summary.interrupted;
  nb::list warnings;
  for (const std::string& warning : summary.warnings) warnings.append(message_str(warning));
  entry["warnings"] = warnings;
  return entry;
}

// video::run on a thread of its own; the destructor stops it (between frames) and joins it, so
// that no way out of the calling function leaves it running.
class BackgroundRun {
 public:
  BackgroundRun(std::filesystem::path input, std::filesystem::path output,
                pipeline::Pipeline stages, video::RunOptions options)
      : input_(std::move(input)),
        output_(std::move(output)),
        stages_(std::move(stages)),
        options_(std::move(options)) {
    options_.stop = stop_.get_token();
    options_.progress = [this](const video::Progress& progress) {
      const std::lock_guard lock(mutex_);
      progress_ = progress;
      changed_.notify_all();
    };
    worker_ = std::thread([this] { work(); });
  }
  ~BackgroundRun() {
    stop_.request_stop();
    const GilReleased unlocked;
    worker_.join();
  }
  BackgroundRun(const BackgroundRun&) = delete;
  BackgroundRun& operator=(const BackgroundRun&) = delete;

  // With the GIL released: waits up to 100 ms for the run to end or to make progress. Returns
  // the progress not yet taken, if any.
  std::optional<video::Progress> wait() {
    const GilReleased unlocked;
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(100),
                      [&] { return finished_ || progress_.has_value(); });
    return std::exchange(progress_, std::nullopt);
  }
  bool finished() {
    const std::lock_guard lock(mutex_);
    return finished_;
  }
  void stop() { stop_.request_stop(); }
  // After finished(): the summary, or the run's error thrown again.
  video::RunSummary result() {
    if (failure_) std::rethrow_exception(failure_);
    return summary_;
  }

 private:
  void work() {
    try {
      summary_ = video::run(input_, output_, stages_, options_);
    } catch (...) {
      failure_ = std::current_exception();
    }
    const std::lock_guard lock(mutex_);
    finished_ = true;
    changed_.notify_all();
  }

  const std::filesystem::path input_;
  const std::filesystem::path output_;
  const pipeline::Pipeline stages_;
  video::RunOptions options_;
  std::stop_source stop_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<video::Progress> progress_;
  bool finished_ = false;
  video::RunSummary summary_;   // written by the worker before finished_, read after
  std::exception_ptr failure_;  // likewise
  std::thread worker_;          // last: started once everything it uses exists
};

}  // namespace

void bind_video_run(nb::module_& module) {
  module.def(
      "process",
      [](const std::filesystem::path& input, const std::filesystem::path& output,
         const std::optional<std::string>& text, const std::string& codec, int crf,
         const std::string& preset, int every, double start, double duration, nb::handle memory,
         int frames_in_flight, bool audio, const std::string& fail_on, nb::handle max_pixels,
         nb::handle progress) {
        // A bad pipeline or option is refused before any file is touched.
        pipeline::Pipeline stages;
        if (text && !text->empty()) stages = pipeline::parse(*text);
        video::RunOptions options{.codec = codec,
                                  .crf = crf,
                                  .preset = preset,
                                  .every = every,
                                  .start = start,
                                  .duration = duration,
                                  .frames_in_flight = frames_in_flight,
                                  .copy_audio = audio,
                                  .fail_on = fail_on_of(fail_on),
                                  .limits = limits_of(max_pixels)};
        if (!memory.is_none()) options.memory = bytes_of(memory, "memory");
        // The run's thread is not this one: an enclosing `with tessera.budget` is handed to it
        // (the frames are charged to it and held to its room), and kept alive while it runs.
        const EnteredBudget ambient = entered_budget();
        options.within = ambient.budget;
        std::optional<video::RunSummary> summary;
        {
          BackgroundRun run(input, output, std::move(stages), std::move(options));
          for (;;) {
            const std::optional<video::Progress> done = run.wait();
            // An exception from the callback or a signal handler (KeyboardInterrupt) leaves
            // through BackgroundRun's destructor, which stops the run and waits for it.
            if (done && !progress.is_none()) progress(progress_dict(*done));
            if (run.finished()) break;
            if (PyErr_CheckSignals() != 0) throw nb::python_error();
          }
          summary = run.result();
        }
        warn_of_damage(input, summary->warnings, 2);  // through tessera.video.process
        return summary_dict(*summary, output);
      },
      nb::arg("input"), nb::arg("output"), nb::arg("pipeline") = nb::none(), nb::kw_only(),
      nb::arg("codec") = "", nb::arg("crf") = -1, nb::arg("preset") = "", nb::arg("every") = 1,
      nb::arg("start") = 0.0, nb::arg("duration") = 0.0, nb::arg("memory") = nb::none(),
      nb::arg("frames_in_flight") = 0, nb::arg("audio") = true, nb::arg("fail_on") = "error",
      nb::arg("max_pixels").none() = nb::none(), nb::arg("progress").none() = nb::none(),
      "A video through a pipeline (see tessera.video.process).");
}

}  // namespace tessera::python
