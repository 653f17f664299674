// One image through a pipeline to a file (see tessera/pipeline/job.h).

#include "tessera/pipeline/job.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "codecs/file_io.h"
#include "codecs/metadata/exif_edit.h"
#include "tessera/budget.h"
#include "tessera/error.h"
#include "tessera/pipeline/load_plan.h"
#include "tessera/pipeline/stream.h"
#include "tessera/profiler.h"

namespace tessera::pipeline {
namespace {

// Rows per band from the decoder to the encoder when there are no stages: the pipeline's strip.
constexpr int kCopyBandRows = 64;

}  // namespace

Job::Job(Job&&) noexcept = default;
Job& Job::operator=(Job&&) noexcept = default;
Job::~Job() = default;

Job Job::prepare(const std::filesystem::path& input, const std::filesystem::path& output,
                 const JobOptions& options) {
  Job job;
  job.input_ = input;
  job.output_ = output;
  job.options_ = options;
  // The output format first: a wrong name should not cost a decode.
  if (output != "-") codecs::refuse_folder_output(output);
  if (output == "-" && options.output_format.empty()) {
    throw Error(ErrorCode::InvalidArgument,
                "standard output has no name to take the format from: give it (--format png)",
                {.path = "-", .operation = "prepare"});
  }
  const FileFormat written_format = format_for_extension(
      options.output_format.empty() ? output
                                    : std::filesystem::path("output." + options.output_format));
  DecodeOptions decode{.limits = options.limits,
                       .apply_orientation = options.apply_orientation,
                       .shrink_on_load = options.shrink_on_load,
                       .fail_on = options.fail_on,
                       .print_warnings = options.print_warnings,
                       .page = options.page};
  // The job's own estimate, not a whole decode's, is what must fit in the budget it runs under
  // (run() checks it): most jobs stream, in a fraction of the image.
  decode.limits.whole_decode_within_budget = false;
  // A read-once input (stdin, a pipe) is read once, so that it can be opened twice.
  const bool read_once = is_read_once_input(input);
  const std::string input_name = input == "-" ? "stdin" : input.string();
  if (read_once) job.input_bytes_ = read_once_input(input, options.limits);
  const auto open = [&](const DecodeOptions& how) {
    return read_once ? open_decoder(job.input_bytes_.bytes(), input_name, how)
                     : open_decoder(input, how);
  };
  job.decoder_ = open(decode);
  if (const ImageInfo& info = job.decoder_->info(); info.animated && !options.page) {
    // Written as one image, which is not what a viewer of the file sees: said, not silent.
    job.decoder_->warn(fmt::format(
        "animated{}: only frame 0 is written (--page N writes another; tessera writes no "
        "animation)",
        info.frames > 1 ? fmt::format(", {} frames", info.frames) : std::string()));
  }
  // Decode only what the pipeline needs (luma, fewer pixels): a decoder opened for that.
  std::optional<Pipeline> stages;
  if (options.pipeline != nullptr) {
    LoadPlan load = plan_load(*options.pipeline, job.decoder_->info(), decode);
    if (load.changed()) job.decoder_ = open(load.options);
    job.shrunk_ = load.shrinks;
    stages = std::move(load.pipeline);
  }
  job.encode_ = options.encode;
  if (job.encode_.icc_profile.empty()) job.encode_.icc_profile = job.decoder_->icc_profile();
  // An image stored sideways or upside down is decoded whole to turn it upright; otherwise
  // rows stream from the decoder.
  const Decoder& decoder = *job.decoder_;
  job.turn_ = decoder.info().orientation != 1 && options.apply_orientation;
  const bool sideways = job.turn_ && decoder.info().orientation >= 5;
  job.upright_ = {sideways ? decoder.height() : decoder.width(),
                  sideways ? decoder.width() : decoder.height(), decoder.format()};
  if (stages) {
    // A last `rgb` of gray rows to a JPEG is left to the encoder, which writes the same file
    // without making the colour rows (EncodeOptions::gray_as_colour): a seventh of the seed
    // pipeline's time.
    if (written_format == FileFormat::Jpeg && stages->stages.size() > 1 &&
        stages->stages.back().op->name == "rgb") {
      Pipeline before_rgb = *stages;
      before_rgb.stages.pop_back();
      Plan gray_plan = plan(before_rgb, job.upright_);
      if (gray_plan.output.format == PixelFormat::gray8()) {
        job.plan_ = std::move(gray_plan);
        job.encode_.gray_as_colour = true;
      }
    }
    if (!job.plan_) job.plan_ = plan(*stages, job.upright_);
  }
  const std::size_t whole_decode = image_bytes(job.upright_);
  // Without stages the rows go from the decoder to the encoder a band at a time.
  const std::size_t band = image_bytes(
      {job.upright_.width, std::min(kCopyBandRows, job.upright_.height), job.upright_.format});
  job.estimate_ = (job.plan_   ? job.plan_->peak_bytes
                   : job.turn_ ? 0
                               : band) +
                  (job.turn_ ? whole_decode : 0);
  // The codec libraries' own memory, outside tessera's accounting, counts too.
  job.written_ = job.plan_ ? job.plan_->output : job.upright_;
  if (job.encode_.gray_as_colour) job.written_.format = PixelFormat::rgb8();
  // The input's metadata goes to the output (unless the caller gave its own), its EXIF saying
  // what the output is: Orientation 1 once the pixels are turned upright (as they are unless
  // --no-rotate), the pixel dimensions of the written image.
  if (job.encode_.metadata.empty()) job.encode_.metadata = decoder.metadata();
  if (!job.encode_.metadata.exif.empty() && job.encode_.keep_metadata.exif) {
    job.encode_.metadata.exif = codecs::edited_exif(job.encode_.metadata.exif, job.turn_ ? 1 : 0,
                                                    job.written_.width, job.written_.height);
  }
  // An image the pipeline would make past the pixel limit (a typo such as `resize 100000x`), or
  // one the output format cannot hold, is refused now rather than after hours of work.
  if (job.plan_) check_pixel_limit(*job.plan_, options.limits.max_pixels, input_name);
  check_encodable(written_format, job.written_.width, job.written_.height,
                  output == "-" ? std::filesystem::path("stdout") : output);
  job.estimate_ +=
      decoder.working_bytes() +
      encoder_working_bytes(written_format, job.written_.width, job.written_.height, job.encode_);
  return job;
}

std::array<int, 2> Job::input_size() const {
  const ImageInfo& info = decoder_->info();
  if (turn_ && info.orientation >= 5) return {info.height, info.width};
  return {info.width, info.height};
}

std::string Job::describe() const {
  const ImageInfo& info = decoder_->info();
  return fmt::format(
      "{}{}{}: {}x{} {}, peak memory about {}{}\n", plan_ ? plan_->describe() : "",
      encode_.gray_as_colour ? "rgb: left to the JPEG encoder, which writes gray as colour\n" : "",
      input_.string(), upright_.width, upright_.height, upright_.format.name(),
      memory::format_bytes(estimate_),
      turn_     ? " (decoded whole to turn it upright)"
      : shrunk_ ? fmt::format(" (shrunk on load from {}x{})", info.width, info.height)
                : "");
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The decoder's rows: asks the job's check_interrupt before each band, and adds the time spent
// reading to `seconds` (read on one thread at a time, whichever it is).
class InterruptibleSource final : public RowSource {
 public:
  InterruptibleSource(RowSource& source, const std::function<void()>& check, double& seconds)
      : source_(source), check_(check), seconds_(seconds) {}
  int width() const override { return source_.width(); }
  int height() const override { return source_.height(); }
  PixelFormat format() const override { return source_.format(); }
  void begin() override {
    const auto start = Clock::now();
    source_.begin();
    seconds_ += seconds_since(start);
  }
  void read(const MutableImageView& rows) override {
    if (check_) check_();
    const auto start = Clock::now();
    source_.read(rows);
    seconds_ += seconds_since(start);
  }

 private:
  RowSource& source_;
  const std::function<void()>& check_;
  double& seconds_;
};

// The encoder, adding the time spent in it to `seconds`.
class TimedSink final : public RowSink {
 public:
  TimedSink(RowSink& sink, double& seconds) : sink_(sink), seconds_(seconds) {}
  void begin(int width, int height, PixelFormat format) override {
    const auto start = Clock::now();
    sink_.begin(width, height, format);
    seconds_ += seconds_since(start);
  }
  void write(const ImageView& rows) override {
    const auto start = Clock::now();
    sink_.write(rows);
    seconds_ += seconds_since(start);
  }
  void finish() override {
    const auto start = Clock::now();
    sink_.finish();
    seconds_ += seconds_since(start);
  }

 private:
  RowSink& sink_;
  double& seconds_;
};

}  // namespace

std::unique_ptr<Encoder> Job::open_output(const Shape& shape) const {
  std::unique_ptr<Encoder> encoder =
      output_ == "-" ? open_encoder(stdout, options_.output_format, "stdout", shape.width,
                                    shape.height, shape.format, encode_)
                     : open_encoder(output_, shape.width, shape.height, shape.format, encode_);
  // Checked before each band is written and just before the file is renamed into place: whole
  // stages (equalize, rotate) and the encoding after the last read take time too.
  encoder->set_interrupt_check(options_.check_interrupt);
  return encoder;
}

void Job::refuse_over(const MemoryBudget& budget) const {
  const std::size_t available = budget.cap() - std::min(budget.used(), budget.cap());
  if (estimate_ <= available) return;
  throw Error(ErrorCode::OutOfBudget,
              fmt::format("the job needs about {}, but budget '{}' has {} left of its {} cap: "
                          "raise the budget, or shrink early in the pipeline (e.g. resize first)",
                          memory::format_bytes(estimate_), budget.name(),
                          memory::format_bytes(available), memory::format_bytes(budget.cap())),
              {.path = input_.string(), .operation = "plan"});
}

void Job::run() {
  const MemoryBudget* budget =
      options_.limits.budget != nullptr ? options_.limits.budget : current_budget();
  if (budget != nullptr) refuse_over(*budget);
  const auto check_interrupt = [this] {
    if (options_.check_interrupt) options_.check_interrupt();
  };
  const DecodeOptions whole{.limits = options_.limits,
                            .apply_orientation = options_.apply_orientation,
                            .shrink_on_load = options_.shrink_on_load,
                            .fail_on = options_.fail_on,
                            .page = options_.page};
  // Streamed: rows go from the decoder through the stages, if any, to the encoder in bands. The
  // output's size is known from the headers, so the encoder is opened before any row is read.
  const auto run_start = Clock::now();
  stage_seconds_ = {};
  const std::unique_ptr<Encoder> encoder = open_output(plan_ ? plan_->output : upright_);
  TimedSink sink(*encoder, stage_seconds_.encode);
  const auto pump = [&](RowSource& source) {
    if (plan_) {
      run_streaming(*plan_, source, sink, options_.io);
    } else {
      copy_rows(source, sink, kCopyBandRows);
    }
  };
  if (turn_) {
    // Stored sideways or upside down: decoded whole and turned upright first.
    check_interrupt();
    const auto decode_start = Clock::now();
    const Image pixels = read(*decoder_, whole);
    stage_seconds_.decode = seconds_since(decode_start);
    ImageSource source(pixels.view());
    pump(source);
  } else {
    InterruptibleSource source(*decoder_, options_.check_interrupt, stage_seconds_.decode);
    pump(source);
  }
  stage_seconds_.pipeline =
      std::max(0.0, seconds_since(run_start) - stage_seconds_.decode - stage_seconds_.encode);
}

void Job::run_within(std::size_t cap, std::string_view cap_name) {
  if (cap == 0) {
    run();
    return;
  }
  if (estimate_ > cap) {
    // "--memory 8.0 MiB" for a command line, "memory=8.0 MiB" for a keyword argument.
    throw Error(ErrorCode::OutOfBudget,
                fmt::format("the job needs about {}, more than {}{}{}: raise the limit, or shrink "
                            "early in the pipeline (e.g. resize first)",
                            memory::format_bytes(estimate_), cap_name,
                            cap_name.ends_with('=') ? "" : " ", memory::format_bytes(cap)),
                {.path = input_.string(), .operation = "plan"});
  }
  // The cap lies inside the budget current here, if any: the job must fit in what that has left.
  if (const MemoryBudget* enclosing = current_budget()) refuse_over(*enclosing);
  MemoryBudget budget(cap, std::string(cap_name));
  const BudgetScope scope(budget);
  run();
}

}  // namespace tessera::pipeline
