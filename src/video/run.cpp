// A whole video through a pipeline (see tessera/video.h): frames decoded in order on the
// caller's thread, processed on worker threads several at once, written in order.

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

#ifndef TESSERA_PLAIN_THREADS
#include <tbb/task_arena.h>
#endif

#include "tessera/codec.h"
#include "tessera/memory.h"
#include "tessera/pipeline/plan.h"
#include "tessera/pipeline/stream.h"
#include "tessera/profiler.h"
#include "video/ordered_workers.h"
#include "video/reader_impl.h"
#include "video/writer.h"

namespace tessera::video {
namespace {

using Clock = std::chrono::steady_clock;

// The file of frame `number` of an image sequence pattern ("frames/%06d.png").
std::string sequence_file(const std::string& pattern, std::int64_t number) {
  char name[4096];
  std::snprintf(name, sizeof name, pattern.c_str(), static_cast<int>(number));
  return name;
}

// The pipeline over one frame, its rows to `sink` band by band: no output image is made.
void run_rows(const std::optional<pipeline::Plan>& plan, const Image& frame, RowSink& sink) {
  pipeline::ImageSource source(frame.view());
  if (plan) {
    pipeline::run_streaming(*plan, source, sink, pipeline::IoThreads::Caller);
  } else {
    copy_rows(source, sink, frame.height());
  }
}

// Rows that go nowhere: the `null` output.
class DiscardRows final : public RowSink {
 public:
  void begin(int, int, PixelFormat) override {}
  void write(const ImageView&) override {}
  void finish() override {}
};

// Rows into an encoder's frame, converted band by band (the frame's planes are allocated).
class EncoderFrameRows final : public RowSink {
 public:
  EncoderFrameRows(detail::ImageToFrame& converter, AVFrame& frame)
      : converter_(converter), frame_(frame) {}
  void begin(int, int, PixelFormat) override { next_ = 0; }
  void write(const ImageView& rows) override {
    converter_.convert_rows(rows, next_, frame_);
    next_ += rows.height();
  }
  void finish() override {}

 private:
  detail::ImageToFrame& converter_;
  AVFrame& frame_;
  int next_ = 0;
};

// Where processed frames go. process() runs on the workers, several frames at once, and what
// it returns reaches write() in frame order, on the caller's thread.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  // The pipeline over `frame`, the `ordinal`th frame processed (from 0), on worker `worker`.
  virtual detail::FramePtr process(const std::optional<pipeline::Plan>& plan, const Image& frame,
                                   std::int64_t ordinal, int worker) = 0;
  virtual void write(detail::FramePtr, std::int64_t) {}
  virtual void copy(AVPacket& packet) { av_packet_unref(&packet); }
  virtual void finish() {}
  virtual std::int64_t packets_copied() const { return 0; }
  virtual std::vector<std::string> warnings() const { return {}; }
};

class NullSink final : public FrameSink {
 public:
  detail::FramePtr process(const std::optional<pipeline::Plan>& plan, const Image& frame,
                           std::int64_t, int) override {
    DiscardRows nowhere;
    run_rows(plan, frame, nowhere);
    return nullptr;
  }
};

// "frames/%06d.png": one image file per frame, numbered from 1 as ffmpeg numbers them, each
// written by the worker that made it. The pattern's folder is made if missing (as `tessera batch`
// makes its output folder). Destroyed without finish() (an error), it removes the frames this
// run wrote and the folders it made, so that a failed run leaves no output; after finish() (the
// end, or a stop) every frame written is a complete file and stays.
class SequenceSink final : public FrameSink {
 public:
  SequenceSink(std::string pattern, EncodeOptions options)
      : pattern_(std::move(pattern)), options_(std::move(options)) {
    namespace fs = std::filesystem;
    const fs::path folder = fs::path(pattern_).parent_path();
    if (folder.empty()) return;
    for (fs::path missing = folder; !missing.empty() && !fs::exists(missing);
         missing = missing.parent_path()) {
      made_.push_back(missing);  // deepest first
    }
    std::error_code error;
    fs::create_directories(folder, error);
    if (error || !fs::is_directory(folder)) {
      throw Error(ErrorCode::Io, fmt::format("cannot make the output folder: {}", error.message()),
                  {.path = folder.string(), .operation = "video"});
    }
  }
  ~SequenceSink() override {
    if (finished_) return;
    std::error_code ignored;  // best effort: the run's own error is the one to report
    for (const std::string& name : written_) std::filesystem::remove(name, ignored);
    for (const std::filesystem::path& folder : made_) std::filesystem::remove(folder, ignored);
  }
  SequenceSink(const SequenceSink&) = delete;
  SequenceSink& operator=(const SequenceSink&) = delete;

  detail::FramePtr process(const std::optional<pipeline::Plan>& plan, const Image& frame,
                           std::int64_t ordinal, int) override {
    ImageSink image;
    run_rows(plan, frame, image);
    std::string name = sequence_file(pattern_, ordinal + 1);
    tessera::write(image.image(), name, options_);
    const std::lock_guard lock(mutex_);
    written_.push_back(std::move(name));
    return nullptr;
  }
  void finish() override { finished_ = true; }

 private:
  std::string pattern_;
  EncodeOptions options_;
  std::vector<std::filesystem::path> made_;  // folders this run made, deepest first
  std::mutex mutex_;                         // guards written_: workers write frames at once
  std::vector<std::string> written_;         // files this run wrote
  bool finished_ = false;
};

class VideoFileSink final : public FrameSink {
 public:
  VideoFileSink(std::unique_ptr<detail::VideoWriter> writer, int workers)
      : writer_(std::move(writer)) {
    for (int i = 0; i < workers; ++i) converters_.push_back(writer_->make_converter());
  }
  detail::FramePtr process(const std::optional<pipeline::Plan>& plan, const Image& frame,
                           std::int64_t, int worker) override {
    detail::FramePtr encoded = writer_->make_frame();
    EncoderFrameRows rows(*converters_[worker], *encoded);
    run_rows(plan, frame, rows);
    return encoded;
  }
  void write(detail::FramePtr frame, std::int64_t pts) override {
    writer_->write(std::move(frame), pts);
  }
  void copy(AVPacket& packet) override { writer_->copy(packet); }
  void finish() override { writer_->finish(); }
  std::int64_t packets_copied() const override { return writer_->packets_copied(); }
  std::vector<std::string> warnings() const override { return writer_->warnings(); }

 private:
  std::unique_ptr<detail::VideoWriter> writer_;
  std::vector<std::unique_ptr<detail::ImageToFrame>> converters_;
};

bool is_null_output(const std::filesystem::path& output) { return output == "null"; }

}  // namespace

bool is_sequence_pattern(const std::string& output) {
  int conversions = 0;
  for (std::size_t at = 0; at < output.size(); ++at) {
    if (output[at] != '%') continue;
    if (at + 1 < output.size() && output[at + 1] == '%') {  // %%: a percent sign
      ++at;
      continue;
    }
    std::size_t end = at + 1;
    while (end < output.size() && std::isdigit(static_cast<unsigned char>(output[end])) != 0) ++end;
    if (end == output.size() || output[end] != 'd') return false;  // %s, %5x, a lone %
    ++conversions;
    at = end;
  }
  return conversions == 1;
}

namespace {

// What is wrong with the output's name, said before any work: the input itself (the same
// file, or the same frames of a sequence), or a folder where a video file is to go.
void check_output_path(const std::filesystem::path& input, const std::filesystem::path& output,
                       bool sequence) {
  if (sequence) {
    // A sequence's first frame is numbered 0 to 4 (ffmpeg's image2 looks that far); the
    // output's frames from 1 would overwrite the input's frames of the same numbers.
    if (!is_sequence_pattern(input.string())) return;
    for (int number = 1; number <= 5; ++number) {
      check_output_is_not_input(sequence_file(input.string(), number),
                                sequence_file(output.string(), number));
    }
    return;
  }
  check_output_is_not_input(input, output);
  std::error_code error;
  if (std::filesystem::is_directory(output, error)) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("'{}' is a folder: name the video file to write (e.g. '{}')",
                            output.string(), (output / "out.mp4").string()));
  }
}

// What --start and --duration keep of the streams copied beside the frames, as `ffmpeg -ss S
// -t D` keeps them: packets before the start or from the end on are dropped, and every stream,
// the frames too, is shifted back by the start so that the output begins at 0. Times count
// from the video stream's first timestamp, as the reader counts them. Audio packets are copied
// whole, so the audio's edges are within one packet of the range's. Without --start and
// --duration, nothing is dropped or shifted.
class TimeRange {
 public:
  TimeRange(const AVStream& video, double start, double duration)
      : trims_(start > 0 || duration > 0), video_base_(video.time_base) {
    const std::int64_t origin = video.start_time != AV_NOPTS_VALUE
                                    ? av_rescale_q(video.start_time, video.time_base, kMicroseconds)
                                    : 0;
    begin_ = origin + std::llround(start * AV_TIME_BASE);
    end_ = duration > 0 ? begin_ + std::llround(duration * AV_TIME_BASE) : INT64_MAX;
  }
  // A frame's timestamp in the output (the video stream's time base).
  std::int64_t frame_pts(std::int64_t pts) const {
    return trims_ ? pts - av_rescale_q(begin_, kMicroseconds, video_base_) : pts;
  }
  // Whether a copied packet (in time base `base`) is in the range; if so it is shifted.
  bool keep(AVPacket& packet, AVRational base) const {
    if (!trims_) return true;
    const std::int64_t at = microseconds(packet, base);
    if (at == AV_NOPTS_VALUE || at < begin_ || at >= end_) return false;
    const std::int64_t shift = av_rescale_q(begin_, kMicroseconds, base);
    if (packet.pts != AV_NOPTS_VALUE) packet.pts -= shift;
    if (packet.dts != AV_NOPTS_VALUE) packet.dts -= shift;
    return true;
  }
  // Whether a packet is `margin` seconds or more past the range's end (0: its stream needs no
  // more).
  bool past_end(const AVPacket& packet, AVRational base, double margin = 0) const {
    const std::int64_t at = microseconds(packet, base);
    return end_ != INT64_MAX && at != AV_NOPTS_VALUE &&
           at >= end_ + std::llround(margin * AV_TIME_BASE);
  }
  bool ends() const { return end_ != INT64_MAX; }

 private:
  static constexpr AVRational kMicroseconds{1, AV_TIME_BASE};
  static std::int64_t microseconds(const AVPacket& packet, AVRational base) {
    const std::int64_t at = packet.pts != AV_NOPTS_VALUE ? packet.pts : packet.dts;
    return at == AV_NOPTS_VALUE ? AV_NOPTS_VALUE : av_rescale_q(at, base, kMicroseconds);
  }

  bool trims_;
  AVRational video_base_;
  std::int64_t begin_ = 0;  // microseconds, on the file's clock
  std::int64_t end_ = 0;
};

// What the frames are read as, and the stages left to run on them: a pipeline that starts
// with `gray` reads the luma plane and drops the stage (as JPEG's luma-only decode).
struct FramePlan {
  PixelFormat read_as = PixelFormat::rgb8();
  pipeline::Pipeline stages;  // without a last `rgb` of gray left to the output
};

// Whether a last `rgb` of gray frames is left to the output rather than run: an encoder into
// YUV takes the gray as luma with neutral chroma (the same picture, without the RGB frame), and
// `null` writes nothing, so the conversion would only cost time (2% of a 1080p edge run). FFV1
// and image sequences store the RGB the pipeline asks for.
bool output_takes_gray_as_colour(const std::filesystem::path& output, const std::string& codec) {
  if (is_null_output(output)) return true;
  return !is_sequence_pattern(output.string()) && codec != "ffv1";
}

FramePlan plan_frames(const pipeline::Pipeline& pipeline, const VideoInfo& info,
                      bool gray_as_colour) {
  FramePlan plan;
  plan.stages = pipeline;
  const bool deep = info.bit_depth > 8;
  plan.read_as = deep ? PixelFormat{ChannelLayout::Rgb, SampleType::U16} : PixelFormat::rgb8();
  if (!plan.stages.stages.empty() && plan.stages.stages.front().op->name == "gray") {
    plan.read_as = deep ? PixelFormat{ChannelLayout::Gray, SampleType::U16} : PixelFormat::gray8();
    plan.stages.stages.erase(plan.stages.stages.begin());
  }
  if (gray_as_colour && plan.stages.stages.size() > 1 &&
      plan.stages.stages.back().op->name == "rgb") {
    pipeline::Pipeline before_rgb = plan.stages;
    before_rgb.stages.pop_back();
    const pipeline::Plan gray = pipeline::plan(before_rgb, {info.width, info.height, plan.read_as});
    if (gray.output.format == PixelFormat::gray8()) plan.stages = std::move(before_rgb);
  }
  return plan;
}

// The frame as read, as the pipeline leaves it, and the pipeline's working memory.
struct FrameShapes {
  pipeline::Shape read;
  pipeline::Shape written;
  std::size_t working = 0;
};

FrameShapes frame_shapes(const pipeline::Pipeline& pipeline, const VideoInfo& input,
                         bool gray_as_colour) {
  const FramePlan frames = plan_frames(pipeline, input, gray_as_colour);
  FrameShapes shapes;
  shapes.read = {input.width, input.height, frames.read_as};
  shapes.written = shapes.read;
  if (!frames.stages.stages.empty()) {
    const pipeline::Plan plan = pipeline::plan(frames.stages, shapes.read);
    shapes.working = plan.peak_bytes;
    shapes.written = plan.output;
  }
  return shapes;
}

void check_options(const RunOptions& options, const std::filesystem::path& input) {
  const auto refuse = [&](const std::string& message) {
    throw Error(ErrorCode::InvalidArgument, message,
                {.path = input.string(), .operation = "video"});
  };
  if (options.every < 1)
    refuse(
        fmt::format("--every {}: give 1 for every frame, 2 for every other, ...", options.every));
  if (!(options.start >= 0))
    refuse(fmt::format("--start {}: give seconds from the start, 0 or more", options.start));
  if (!(options.duration >= 0))
    refuse(fmt::format("--duration {}: give seconds, more than 0 (or leave it out for all)",
                       options.duration));
  if (options.frames_in_flight < 0 || options.frames_in_flight > 64)
    refuse(fmt::format("--frames-in-flight {}: give 1 to 64, or 0 for one per core and one more",
                       options.frames_in_flight));
  if (options.crf < -1 || options.crf > 63)
    refuse(fmt::format("--crf {}: the encoders take 0 (best) to 51 (x264, x265) or 63 (vp9, av1)",
                       options.crf));
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int cores() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

// Frames between the decoder and the output at once; by default one per core and one more. More
// did not help: on 2 cores, 1080p H.264 through the seed pipeline ran 6.62 s with 3 and 6.51 s
// with 5 (medians of 5), within the noise, and each costs a frame's memory.
int frames_in_flight(const RunOptions& options) {
  return options.frames_in_flight > 0 ? options.frames_in_flight : cores() + 1;
}

// The encoder's settings within `room` bytes (0: no cap) for what it holds itself: x264's
// lookahead shortened, then one thread, until its pictures fit; refused when even that does
// not, and for the other encoders, whose memory no setting of ours shrinks, when over. Records the
// estimate, and a warning when the settings were changed.
detail::EncoderSettings fit_encoder(detail::EncoderSettings settings, const pipeline::Shape& frame,
                                    std::size_t room, RunSummary& summary,
                                    const std::filesystem::path& input) {
  const auto needs = [&] { return detail::encoder_memory(frame, settings.codec, settings); };
  summary.encoder_estimate = needs();
  const bool adjustable = settings.codec == "h264";  // x264's memory follows its lookahead
  if (room == 0 || summary.encoder_estimate <= room || !adjustable) {
    if (room > 0 && summary.encoder_estimate > room) {
      throw Error(ErrorCode::OutOfBudget,
                  fmt::format("the {} encoder needs about {} of its own for {}x{} frames, more "
                              "than the {} --memory leaves it: raise --memory, or make the frames "
                              "smaller (resize)",
                              settings.codec, memory::format_bytes(summary.encoder_estimate),
                              frame.width, frame.height, memory::format_bytes(room)),
                  {.path = input.string(), .operation = "video"});
    }
    return settings;
  }
  const int preset = detail::preset_lookahead(settings.preset);
  settings.lookahead = preset;
  while (needs() > room && settings.lookahead > 0) settings.lookahead /= 2;
  while (needs() > room && settings.threads > 1) settings.threads = 1;
  if (needs() > room) {
    throw Error(ErrorCode::OutOfBudget,
                fmt::format("the {} encoder needs at least {} of its own for {}x{} frames (no "
                            "lookahead, one thread), more than the {} --memory leaves it: raise "
                            "--memory, or make the frames smaller (resize)",
                            settings.codec, memory::format_bytes(needs()), frame.width,
                            frame.height, memory::format_bytes(room)),
                {.path = input.string(), .operation = "video"});
  }
  summary.encoder_estimate = needs();
  summary.warnings.push_back(fmt::format(
      "--memory: the {} encoder's lookahead is {} frames (its preset's: {}) and its threads {}, "
      "so that its own memory (about {}) fits",
      settings.codec, settings.lookahead, preset, settings.threads,
      memory::format_bytes(summary.encoder_estimate)));
  return settings;
}

// The frames a run will write, for progress: the headers' count, narrowed to --start and
// --duration (at the stream's rate) and thinned by --every. An estimate, 0 when unknown.
std::int64_t frames_expected(const VideoInfo& info, const RunOptions& options) {
  double frames = static_cast<double>(info.frame_count);
  if ((options.start > 0 || options.duration > 0) && info.frame_rate > 0) {
    double end = info.duration > 0 ? info.duration : frames / info.frame_rate;
    if (options.duration > 0) end = std::min(end, options.start + options.duration);
    frames = std::max(0.0, end - options.start) * info.frame_rate;
  }
  const auto kept = static_cast<std::int64_t>(std::llround(frames));
  return (kept + options.every - 1) / std::max(1, options.every);
}

}  // namespace

EncoderEstimate estimate_encoder(const VideoInfo& input, const std::filesystem::path& output,
                                 const pipeline::Pipeline& pipeline, const RunOptions& options) {
  const bool null_output = is_null_output(output);
  if (null_output || is_sequence_pattern(output.string())) return {};
  const std::string codec = options.codec.empty() ? detail::default_codec(output) : options.codec;
  const pipeline::Shape written =
      frame_shapes(pipeline, input, output_takes_gray_as_colour(output, codec)).written;
  const std::size_t tracked = estimate(input, output, pipeline, options);
  const std::size_t room =
      options.memory == 0 ? 0 : (options.memory > tracked ? options.memory - tracked : 1);
  RunSummary summary;
  (void)fit_encoder(
      {.codec = codec, .crf = options.crf, .preset = options.preset, .threads = cores()}, written,
      room, summary, output);
  return {.bytes = summary.encoder_estimate,
          .note = summary.warnings.empty() ? "" : summary.warnings.front()};
}

std::size_t estimate(const VideoInfo& input, const std::filesystem::path& output,
                     const pipeline::Pipeline& pipeline, const RunOptions& options) {
  const bool null_output = is_null_output(output);
  const bool sequence = !null_output && is_sequence_pattern(output.string());
  const std::string codec = options.codec.empty() ? detail::default_codec(output) : options.codec;
  const bool yuv_output = !null_output && !sequence && codec != "ffv1";
  const FrameShapes shapes =
      frame_shapes(pipeline, input, output_takes_gray_as_colour(output, codec));
  const pipeline::Shape& shape = shapes.read;
  const pipeline::Shape& written = shapes.written;
  const std::size_t working = shapes.working;
  // Where a frame's rows end up: nowhere, an image to write to a file, or the encoder's frame.
  const bool gray = written.format.layout == ChannelLayout::Gray;
  const bool deep = written.format.sample != SampleType::U8;
  const AVPixelFormat encoded = yuv_output ? (deep ? AV_PIX_FMT_YUV420P10LE : AV_PIX_FMT_YUV420P)
                                : gray     ? (deep ? AV_PIX_FMT_GRAY16LE : AV_PIX_FMT_GRAY8)
                                           : (deep ? AV_PIX_FMT_RGB48LE : AV_PIX_FMT_BGR0);
  const std::size_t output_bytes =
      null_output ? 0
      : sequence  ? pipeline::image_bytes(written)
                  : detail::frame_bytes(written.width, written.height, encoded);
  // A frame in flight holds, at most: its decoded picture (kept by the decoder's pool once
  // converted), the converted image, the pipeline's working memory and the output's rows.
  const std::size_t per_frame = detail::frame_bytes(input.width, input.height, AV_PIX_FMT_YUV420P) +
                                pipeline::image_bytes(shape) + working + output_bytes;
  return input.decode_estimate + static_cast<std::size_t>(frames_in_flight(options)) * per_frame;
}

namespace {

// The run's budget: --memory, and, inside a budget the caller is within (RunOptions::within,
// or the thread's current one: a `with tessera.budget` around tessera.video.process), the room
// that one has when the run begins. The run is held to the smaller, and what it holds is
// charged to both, as budgets nest.
class RunBudget {
 public:
  explicit RunBudget(const RunOptions& options) {
    MemoryBudget* const within = options.within != nullptr ? options.within : current_budget();
    std::size_t cap = options.memory;
    description_ = fmt::format("--memory {}", memory::format_bytes(cap));
    if (within != nullptr) {
      const std::size_t room = within->cap() - std::min(within->used(), within->cap());
      if (cap == 0 || room < cap) {
        cap = std::max<std::size_t>(room, 1);
        description_ = fmt::format("the {} budget '{}' had left when the run began (of its {})",
                                   memory::format_bytes(room), within->name(),
                                   memory::format_bytes(within->cap()));
      }
    }
    if (cap == 0) return;
    // Made inside `within`, so that what the run holds is charged there too.
    std::optional<BudgetScope> inside;
    if (within != nullptr) inside.emplace(*within);
    budget_.emplace(cap, options.memory != 0 ? "--memory" : "video in '" + within->name() + "'");
  }

  MemoryBudget* budget() { return budget_ ? &*budget_ : nullptr; }
  // The cap, as the refusal names it.
  const std::string& describe() const { return description_; }

 private:
  std::optional<MemoryBudget> budget_;
  std::string description_;
};

}  // namespace

RunSummary run(const std::filesystem::path& input, const std::filesystem::path& output,
               const pipeline::Pipeline& pipeline, const RunOptions& options) {
  check_options(options, input);
  const auto started = Clock::now();
  const std::string output_name = output.string();
  const bool null_output = is_null_output(output);
  const bool sequence = !null_output && is_sequence_pattern(output_name);
  const bool video_file = !null_output && !sequence;
  if (video_file) detail::check_container_name(output);
  if (!null_output) check_output_path(input, output, sequence);
  if (sequence) (void)format_for_extension(output);  // a format tessera writes, before decoding
  RunBudget run_budget(options);
  MemoryBudget* charged = run_budget.budget();

  // The headers, the plan and the estimate before any frame is decoded.
  VideoInfo info;
  detail::InputContext demuxer =
      detail::open_demuxer(input, info, detail::decoder_threads(), options.sequence_rate);
  const std::string codec = options.codec.empty() ? detail::default_codec(output) : options.codec;
  const FramePlan frames = plan_frames(pipeline, info, output_takes_gray_as_colour(output, codec));
  if (options.start > 0 && info.duration > 0 && options.start >= info.duration) {
    throw Error(
        ErrorCode::InvalidArgument,
        fmt::format("--start {:g} s is past the end ({:.1f} s)", options.start, info.duration),
        {.path = input.string(), .operation = "video"});
  }
  RunSummary summary;
  summary.estimate = estimate(info, output, pipeline, options);
  if (charged != nullptr && summary.estimate > charged->cap()) {
    throw Error(ErrorCode::OutOfBudget,
                fmt::format("the job needs about {} of tracked memory ({}x{} frames, {} in "
                            "flight), over {}: raise it, or lower --frames-in-flight",
                            memory::format_bytes(summary.estimate), info.width, info.height,
                            frames_in_flight(options), run_budget.describe()),
                {.path = input.string(), .operation = "video"});
  }
  Reader::Impl reader(input,
                      {.format = frames.read_as,
                       .budget = charged,
                       .limits = options.limits,
                       .fail_on = options.fail_on,
                       .threads = detail::decoder_threads(),
                       .every = options.every,
                       .start = options.start,
                       .duration = options.duration,
                       .sequence_rate = options.sequence_rate},
                      std::move(demuxer), info);
  summary.input = reader.info();
  const pipeline::Shape frame_shape{info.width, info.height, frames.read_as};
  std::optional<pipeline::Plan> plan;
  if (!frames.stages.stages.empty()) {
    plan = pipeline::plan(frames.stages, frame_shape);
    pipeline::check_pixel_limit(*plan, options.limits.max_pixels, input.string());
  }
  const pipeline::Shape written = plan ? plan->output : frame_shape;

  // Each worker converts and processes whole frames, its ops on its share of the cores.
  const int workers_count = cores();
  const TimeRange range(reader.stream(), options.start, options.duration);
  std::vector<bool> copy(reader.demuxer().nb_streams, false);
  std::unique_ptr<FrameSink> sink;
  if (null_output) {
    sink = std::make_unique<NullSink>();
  } else if (sequence) {
    sink = std::make_unique<SequenceSink>(output_name, EncodeOptions{});
  } else {
    if (options.copy_audio) {
      for (unsigned i = 0; i < reader.demuxer().nb_streams; ++i) {
        const AVMediaType type = reader.demuxer().streams[i]->codecpar->codec_type;
        copy[i] = type == AVMEDIA_TYPE_AUDIO || type == AVMEDIA_TYPE_SUBTITLE;
      }
    }
    reader.keep_other_streams(copy);
    const detail::EncoderSettings encoder = fit_encoder(
        {.codec = codec, .crf = options.crf, .preset = options.preset, .threads = cores()}, written,
        charged != nullptr ? charged->cap() - summary.estimate : 0, summary, input);
    sink = std::make_unique<VideoFileSink>(
        std::make_unique<detail::VideoWriter>(output, written.width, written.height, written.format,
                                              encoder, reader.demuxer(), reader.stream(), copy,
                                              charged),
        workers_count);
  }

  const int in_flight = frames_in_flight(options);
  std::vector<std::unique_ptr<detail::FrameToImage>> converters;
  for (int i = 0; i < workers_count; ++i) {
    converters.push_back(std::make_unique<detail::FrameToImage>(frames.read_as, input.string()));
  }
  const auto wrap = [charged, workers_count](const std::function<void()>& loop) {
    std::optional<BudgetScope> scope;
    if (charged != nullptr) scope.emplace(*charged);
#ifdef TESSERA_PLAIN_THREADS
    (void)workers_count;
    loop();
#else
    tbb::task_arena share(std::max(1, cores() / workers_count));
    share.execute(loop);
#endif
  };
  AVFormatContext& input_file = reader.demuxer();
  const auto copy_in_range = [&](AVPacket& packet) {
    if (range.keep(packet, input_file.streams[packet.stream_index]->time_base)) sink->copy(packet);
  };
  struct Pending {
    std::int64_t pts = 0;
    std::vector<detail::PacketPtr> packets;  // of the other streams, read before this frame
  };
  std::deque<Pending> pending;
  const std::int64_t frames_total = frames_expected(info, options);
  std::atomic<std::int64_t> pipeline_nanoseconds{0};
  const std::size_t tracked_before = memory::counters().live_bytes;
  {
    detail::OrderedWorkers<detail::FramePtr> workers(workers_count, wrap);
    bool more = true;
    while (true) {
      while (more && workers.pending() < static_cast<std::size_t>(in_flight)) {
        if (options.stop.stop_requested()) {
          summary.interrupted = true;
          more = false;
          break;
        }
        const auto decode_started = Clock::now();
        std::optional<Reader::Impl::Decoded> decoded = reader.next_decoded();
        summary.decode_seconds += seconds_since(decode_started);
        if (!decoded) {
          more = false;
          break;
        }
        ++summary.frames_read;
        pending.push_back({decoded->pts, reader.take_other_packets()});
        auto shared = std::make_shared<Reader::Impl::Decoded>(std::move(*decoded));
        const std::int64_t ordinal = summary.frames_read - 1;
        workers.submit([&, shared, ordinal](int worker) {
          const auto started = Clock::now();
          detail::FramePtr result;
          {
            const Frame frame = reader.to_frame(std::move(*shared), *converters[worker]);
            result = sink->process(plan, frame.image, ordinal, worker);
          }
          pipeline_nanoseconds +=
              std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started).count();
          return result;
        });
      }
      if (workers.pending() == 0) break;
      detail::FramePtr result = workers.take();
      Pending next = std::move(pending.front());
      pending.pop_front();
      const auto write_started = Clock::now();
      for (detail::PacketPtr& packet : next.packets) copy_in_range(*packet);
      sink->write(std::move(result), range.frame_pts(next.pts));
      summary.encode_seconds += seconds_since(write_started);
      ++summary.frames_written;
      const memory::Counters counters = memory::counters();
      summary.peak_tracked =
          std::max(summary.peak_tracked,
                   counters.live_bytes - std::min(counters.live_bytes, tracked_before));
      if (options.progress) {
        options.progress(
            {.frames = summary.frames_written,
             .frames_total = frames_total,
             .seconds = std::chrono::duration<double>(Clock::now() - started).count()});
      }
    }
  }
  if (options.progress && !summary.interrupted && summary.frames_written != frames_total &&
      summary.frames_written > 0) {
    // The headers' count was off (an estimate, or a last packet the decoder discards): at the
    // end the total is known, and a progress bar reaches its end.
    options.progress({.frames = summary.frames_written,
                      .frames_total = summary.frames_written,
                      .seconds = std::chrono::duration<double>(Clock::now() - started).count()});
  }
  if (summary.frames_read == 0 && !summary.interrupted) {
    // Past the last frame (the headers' duration was unknown or longer than the frames) is a
    // usage matter; no frame at all where the range starts at 0 is a damaged stream.
    if (options.start > 0) {
      throw Error(ErrorCode::InvalidArgument,
                  fmt::format("--start {:g} s is past the last frame", options.start),
                  {.path = input.string(), .operation = "video"});
    }
    throw Error(ErrorCode::CorruptData, "the video stream holds no frames that decode",
                {.path = input.string(), .operation = "video"});
  }
  if (!summary.interrupted) {
    for (detail::PacketPtr& packet : reader.take_other_packets()) copy_in_range(*packet);
    if (range.ends()) {
      // The reader stopped at the first frame past the end; the copied streams' packets up to
      // the end may lie further on in the file: read on until each is past it, or until any
      // stream is well past it (a sparse subtitle stream need not be read to the file's end:
      // muxers interleave streams within a second or so).
      std::vector<bool> open = copy;  // streams not yet past the end
      const detail::PacketPtr packet = detail::make_packet();
      while (std::find(open.begin(), open.end(), true) != open.end() &&
             av_read_frame(&input_file, packet.get()) >= 0) {
        const auto index = static_cast<std::size_t>(packet->stream_index);
        const AVRational base = input_file.streams[index]->time_base;
        if (range.past_end(*packet, base, 5.0)) break;
        if (index < copy.size() && copy[index]) {
          if (range.past_end(*packet, base)) {
            open[index] = false;
          } else {
            copy_in_range(*packet);
          }
        }
        av_packet_unref(packet.get());
      }
    }
  }
  const auto finish_started = Clock::now();
  sink->finish();
  summary.encode_seconds += seconds_since(finish_started);
  summary.pipeline_seconds = static_cast<double>(pipeline_nanoseconds.load()) / 1e9;
  summary.packets_copied = sink->packets_copied();
  summary.frames_decoded = reader.frames_decoded();
  summary.warnings.insert(summary.warnings.end(), reader.warnings().begin(),
                          reader.warnings().end());
  for (std::string& warning : sink->warnings()) summary.warnings.push_back(std::move(warning));
  summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return summary;
}

}  // namespace tessera::video
