#pragma once
// One image through a pipeline to a file: what `tessera convert` runs, and each file of
// `tessera batch`. Prepared from the headers (the pipeline checked, the decoder opened with
// what the pipeline needs, the plan and its peak made), then run.
//
//   auto job = tessera::pipeline::Job::prepare("in.jpg", "out.jpg", {.pipeline = &stages});
//   if (job.estimate() > cap) ...;   // before a pixel is decoded
//   job.run();                        // under the caller's BudgetScope, if any

#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/codec.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/pipeline/plan.h"
#include "tessera/pipeline/stream.h"

namespace tessera::pipeline {

struct JobOptions {
  Limits limits{};
  bool apply_orientation = true;
  bool shrink_on_load = true;      // DecodeOptions::shrink_on_load (`--no-shrink-on-load`)
  FailOn fail_on = FailOn::Error;  // DecodeOptions::fail_on (`--fail-on`)
  bool print_warnings = true;      // DecodeOptions::print_warnings; warnings() has them either way
  // DecodeOptions::page (`--page`): which page or frame of a multi-page input; nullopt: the
  // default one.
  std::optional<int> page{};
  EncodeOptions encode{};
  const Pipeline* pipeline = nullptr;  // nullptr: convert only
  IoThreads io = IoThreads::Own;       // see stream.h
  // The output format's extension ("png"): needed when the output is "-" (standard output),
  // which has no name to read it from; empty: from the output's name.
  std::string output_format{};
  // Called before each band is read and before each is written (on the threads that read and
  // write, so possibly on two threads at once: it must be thread-safe), and last when the output is
  // encoded, just before it is renamed into place: an exception it throws abandons the job as an
  // error does, leaving no output. So a stop asked for at any moment before the output is complete
  // is never followed by a complete output. How a caller stops a long job (the Python module's
  // Ctrl-C).
  std::function<void()> check_interrupt;
};

class Job {
 public:
  // Opens the input's decoder and plans. Throws Error for an output format tessera cannot
  // write, an input it cannot read, or a pipeline the image cannot take. An input of "-" is
  // standard input and an output of "-" standard output (with options.output_format); an
  // input that can be read only once (stdin, a pipe) is read whole into tracked memory first,
  // charged to the current budget.
  static Job prepare(const std::filesystem::path& input, const std::filesystem::path& output,
                     const JobOptions& options);
  Job(Job&&) noexcept;
  Job& operator=(Job&&) noexcept;
  ~Job();

  // The peak tracked memory the job takes, from the headers.
  std::size_t estimate() const { return estimate_; }
  // The plan, one line per stage, and a line with the size and the estimate.
  std::string describe() const;
  // The input's full size as the job sees it (upright when orientation is applied; before any
  // shrink on load), and the output's size and format.
  std::array<int, 2> input_size() const;
  Shape output_shape() const { return written_; }
  // What the decoder accepted with a warning (a damaged file under FailOn::None), so far.
  const std::vector<std::string>& warnings() const { return decoder_->warnings(); }
  // Decodes, runs the pipeline and writes the output (to a temporary name, renamed when
  // complete). Throws Error; no output is left then. Under a budget (Limits::budget, else the
  // thread's BudgetScope) the estimate must fit in what it has left, or Error(OutOfBudget) comes
  // before any work: the job's estimate, not a whole decode's, since the rows stream.
  void run();
  // The same within a memory cap of `cap` bytes (0: none): refused with Error(OutOfBudget)
  // before any work when the estimate exceeds it (or what the thread's current budget has
  // left), else run under a budget of that size, inside the current one.
  // `cap_name` is how the caller spells the cap in the refusal: "--memory", "memory=".
  void run_within(std::size_t cap, std::string_view cap_name);

  // Where the last run()'s time went: seconds inside the decoder's calls, inside the encoder's,
  // and the rest (the pipeline's stages; with IoThreads::Own, where the decoder and encoder
  // run on threads of their own, the rest also holds waiting for them, and decode and encode
  // may overlap it).
  struct StageSeconds {
    double decode = 0, pipeline = 0, encode = 0;
  };
  StageSeconds stage_seconds() const { return stage_seconds_; }

 private:
  Job() = default;
  // The output's encoder for rows of `shape`, checking options_.check_interrupt.
  std::unique_ptr<Encoder> open_output(const Shape& shape) const;
  // Throws Error(OutOfBudget) when the estimate does not fit in what `budget` has left.
  void refuse_over(const MemoryBudget& budget) const;

  std::filesystem::path input_, output_;
  JobOptions options_;
  InputBytes input_bytes_;  // a read-once input's bytes: declared before decoder_, which reads them
  std::unique_ptr<Decoder> decoder_;
  std::optional<Plan> plan_;
  EncodeOptions encode_;
  bool turn_ = false;    // EXIF orientation: decoded whole to turn it upright
  bool shrunk_ = false;  // the decoder shrinks on load
  Shape upright_;        // the rows decoded, turned upright
  Shape written_;
  std::size_t estimate_ = 0;
  StageSeconds stage_seconds_;
};

}  // namespace tessera::pipeline
