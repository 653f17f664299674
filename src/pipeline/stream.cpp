// The executor (see tessera/pipeline/stream.h): one step per segment of the plan, chained so
// that each passes the rows it makes to the next as soon as they are done. Rows are pushed
// from the source through the chain in bands; only a Whole step waits for all of its input.
// An image in memory (the source's, or a Whole step's result) runs its bands as tasks on all
// cores, in any order, where the step after takes them so (StripStep::run_all_bands).

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "ops/lookup_table.h"
#include "ops/parallel.h"
#include "ops/streaming.h"
#include "pipeline/band_queue.h"
#include "pipeline/band_sink.h"
#include "tessera/budget.h"
#include "tessera/error.h"
#include "tessera/pipeline/stream.h"

namespace tessera::pipeline {
namespace {

// Input rows first .. end-1 of a step, in an image of `capacity` rows; row first at the top.
class RowWindow {
 public:
  RowWindow(int width, int capacity, PixelFormat format)
      : rows_(Image::create(width, std::max(capacity, 1), format, {.label = "pipeline window"})) {}

  int first() const { return first_; }
  int end() const { return end_; }
  // Appends input row `end()`.
  void append(const std::byte* row) {
    if (end_ - first_ >= rows_.height()) {
      throw Error(ErrorCode::Internal, "pipeline: a window overflowed its planned rows");
    }
    const MutableImageView view = rows_.mutable_view();
    std::memcpy(view.row(end_ - first_), row, view.row_bytes());
    ++end_;
  }
  // Forgets the rows before `row`, moving the rest to the top; past the end, the window
  // empties and starts again at `row`.
  void drop_before(int row) {
    if (row <= first_) return;
    const MutableImageView view = rows_.mutable_view();
    const int keep = std::max(0, end_ - row);
    for (int r = 0; r < keep; ++r) {
      std::memcpy(view.row(r), view.row(row - first_ + r), view.row_bytes());
    }
    first_ = row;
    end_ = std::max(end_, row);
  }
  // Input rows [from, to), which the window must hold.
  ImageView rows(int from, int to) const {
    return rows_.view().subview({0, from - first_, rows_.width(), to - from});
  }

 private:
  Image rows_;
  int first_ = 0;
  int end_ = 0;
};

// The table of a per-sample op: the op run on one row holding every level 0..255.
ops::detail::LookupTable table_of(const Stage& stage) {
  Image levels = Image::create(256, 1, PixelFormat::gray8(), {.label = "pipeline table"});
  for (int level = 0; level < 256; ++level) {
    levels.mutable_view().row<std::uint8_t>(0)[level] = static_cast<std::uint8_t>(level);
  }
  const Image mapped = stage.op->apply(levels.view(), stage.arguments);
  ops::detail::LookupTable table;
  std::memcpy(table.data(), mapped.view().row(0), table.size());
  return table;
}

// A whole-image stage's result, passed on in one write (the steps after it run it in bands, as
// an image in memory) and let go before the steps after it finish.
void finish_with(Image result, RowSink& next) {
  next.write(result.view());
  result = Image();
  next.finish();
}

// Takes input rows as they come into a window and, for each band of band_rows rows, calls
// run_band() once the window holds the band and rows_around rows beyond it on each side (as far
// as the image goes): at the image's edges the window's edge is the image's edge, so the ops'
// own border rules apply there.
class BandedStep : public RowSink {
 public:
  BandedStep(const Segment& segment, RowSink& next) : next_(next), segment_(segment) {}

  void begin(int width, int height, PixelFormat format) override {
    width_ = width;
    height_ = height;
    format_ = format;
  }
  void write(const ImageView& rows) override {
    // Made on the first rows, not in begin(): while a Whole step before this one gathers and
    // runs, this step holds nothing.
    if (!window_) window_.emplace(width_, segment_.window_rows, format_);
    // A band whose rows all arrive in this call runs on them where they are; only rows that a
    // later band needs are copied into the window. A point op fed whole bands, or a step fed a
    // whole image in memory, copies nothing.
    const int top = window_->end();  // the index of rows.row(0)
    const int arrived_end = top + rows.height();
    bool ran_in_place = false;
    while (band_ < height_ && needed_first() >= top && needed_end() <= arrived_end) {
      const int from = needed_first();
      run_band(rows.subview({0, from - top, rows.width(), needed_end() - from}), from, band_,
               band_end());
      band_ = band_end();
      ran_in_place = true;
    }
    int next = top;
    if (ran_in_place) {  // the window holds no row a band still needs: it starts again
      next = band_ < height_ ? std::min(needed_first(), arrived_end) : arrived_end;
      window_->drop_before(next);
    }
    for (; next < arrived_end; ++next) {
      window_->append(rows.row(next - top));
      while (band_ < height_ && window_->end() >= needed_end()) next_band();
    }
  }
  void finish() override {
    while (band_ < height_) next_band();
    window_.reset();  // before the steps after this one finish (a Whole step runs then)
    finish_bands();
  }

 protected:
  int height() const { return height_; }
  const Segment& segment() const { return segment_; }
  // Every band was run some other way (all at once, in any order): none is left for finish().
  void bands_done() { band_ = height_; }

  // Input rows [from, to) hold the band [first, end) and the rows around it.
  virtual void run_band(ImageView rows, int from, int first, int end) = 0;
  // After the last band.
  virtual void finish_bands() = 0;

  RowSink& next_;

 private:
  int band_end() const { return std::min(height_, band_ + segment_.band_rows); }
  int needed_first() const { return std::max(0, band_ - segment_.rows_around); }
  int needed_end() const { return std::min(height_, band_end() + segment_.rows_around); }

  void next_band() {
    const int from = needed_first();
    run_band(window_->rows(from, needed_end()), from, band_, band_end());
    band_ = band_end();
    window_->drop_before(needed_first());
  }

  const Segment& segment_;
  std::optional<RowWindow> window_;
  int width_ = 0;
  int height_ = 0;
  PixelFormat format_;
  int band_ = 0;  // the first row of the next band
};

// Consecutive size-keeping stages on bands of rows: every stage runs on the band and the rows
// around it, and only the band's own rows are passed on, so results equal whole-image runs.
class StripStep final : public BandedStep {
 public:
  StripStep(const Plan& plan, const Segment& segment, RowSink& next)
      : BandedStep(segment, next),
        bands_(dynamic_cast<detail::BandSink*>(&next)),
        plan_(plan),
        out_(plan.stages[segment.first + segment.count - 1].output) {
    // Each stage runs by itself, except that fused ones join the run before them as one table.
    for (std::size_t i = segment.first; i < segment.first + segment.count; ++i) {
      if (!plan.stages[i].fused) {
        const Stage& stage = plan.stages[i].stage;
        runs_.push_back(
            {i, std::nullopt, ops::detail::rows_around(*stage.op, stage.arguments) == 0});
        continue;
      }
      Run& run = runs_.back();
      if (!run.table) run.table = table_of(plan.stages[run.stage].stage);
      const ops::detail::LookupTable after = table_of(plan.stages[i].stage);
      for (auto& level : *run.table) level = after[level];
    }
  }

  void begin(int width, int height, PixelFormat format) override {
    BandedStep::begin(width, height, format);
    next_.begin(out_.width, out_.height, out_.format);
  }
  void write(const ImageView& rows) override {
    // The whole image at once (it is in memory), for a sink that takes bands in any order:
    // the bands run as tasks of their own on all cores, not one after another.
    if (rows.height() == height() && bands_ != nullptr) {
      run_all_bands(rows, bands_->open_bands());
      return;
    }
    BandedStep::write(rows);
  }

 private:
  void run_band(ImageView rows, int from, int first, int end) override {
    Image keep;
    next_.write(run_stages(rows, from, first, end, rows_at(first, end - first), keep));
  }
  void finish_bands() override { next_.finish(); }

  // Each task makes a band and the `around` rows on each side of it that the sink needs, from
  // the input rows those read. The tasks running at once share one band's rows, so that they
  // hold about what one band would (the plan's estimate); but each has at least kLeastTaskRows,
  // since it computes its rows around again.
  void run_all_bands(const ImageView& image, int around) {
    constexpr int kLeastTaskRows = 32;
    const int band_rows = segment().band_rows;
    const int at_once = std::clamp(band_rows / kLeastTaskRows, 1, ops::detail::usable_cores());
    const int task_rows = (band_rows + at_once - 1) / at_once;
    const int height = image.height();
    MemoryBudget* const budget = current_budget();
    ops::detail::parallel_tasks((height + task_rows - 1) / task_rows, at_once, [&](int task) {
      std::optional<BudgetScope> scope;  // the caller's budget, on whichever thread this runs
      if (budget != nullptr) scope.emplace(*budget);
      const int first = task * task_rows;
      const int end = std::min(height, first + task_rows);
      const int out_first = std::max(0, first - around);
      const int out_end = std::min(height, end + around);
      const int from = std::max(0, out_first - segment().rows_around);
      const int to = std::min(height, out_end + segment().rows_around);
      Image keep;
      const ImageView out =
          run_stages(image.subview({0, from, image.width(), to - from}), from, out_first, out_end,
                     around == 0 ? rows_at(first, end - first) : std::nullopt, keep);
      bands_->write_band(out, out_first, first, end);
    });
    bands_done();
  }

  // Where the sink will keep rows [first, first + count), if it keeps them in memory.
  std::optional<MutableImageView> rows_at(int first, int count) const {
    return bands_ != nullptr ? bands_->rows_at(first, count) : std::nullopt;
  }

  // Runs the stages on `rows` (input rows from ..) and returns rows [first, end) of the last
  // one's result. The last stage makes them in `into` if it reads only its own rows and can
  // write into given memory (no band image, no copy); else they are in `keep`.
  ImageView run_stages(ImageView rows, int from, int first, int end,
                       const std::optional<MutableImageView>& into, Image& keep) const {
    ImageView view = rows;
    for (const Run& run : runs_) {
      if (&run == &runs_.back() && run.point && into &&
          run_into(run, view.subview({0, first - from, view.width(), end - first}), *into)) {
        return *into;
      }
      if (run.table) {
        Image next = Image::create(view.width(), view.height(), view.format(),
                                   {.label = "pipeline fused table"});
        ops::detail::apply_lookup_table(view, next.mutable_view(), *run.table);
        keep = std::move(next);
      } else {
        const Stage& stage = plan_.stages[run.stage].stage;
        keep = stage.op->apply(view, stage.arguments);
      }
      view = keep.view();
    }
    return view.subview({0, first - from, view.width(), end - first});
  }

  // A stage, or several per-sample stages composed into one table.
  struct Run {
    std::size_t stage;
    std::optional<ops::detail::LookupTable> table;
    bool point = true;  // each output row reads the same input row alone
  };

  // Runs `run` on `band` into `out`, if it has a form that writes into a given image.
  bool run_into(const Run& run, ImageView band, const MutableImageView& out) const {
    if (run.table) {
      ops::detail::apply_lookup_table(band, out, *run.table);
      return true;
    }
    const Stage& stage = plan_.stages[run.stage].stage;
    const auto& apply_into = ops::detail::hooks_of(*stage.op).apply_into;
    if (!apply_into) return false;
    apply_into(band, out, stage.arguments);
    return true;
  }

  detail::BandSink* bands_;  // the next step's, if it keeps its rows in memory
  const Plan& plan_;
  Shape out_;
  std::vector<Run> runs_;
};

// A whole-image stage that takes its input band by band (ops::detail::RowConsumer: Canny), so the
// input is never gathered; its result is passed on, whole, at the end.
class ConsumeStep final : public BandedStep, public detail::BandSink {
 public:
  ConsumeStep(const Plan& plan, const Segment& segment, RowSink& next)
      : BandedStep(segment, next), stage_(plan.stages[segment.first]) {}

  void begin(int width, int height, PixelFormat format) override {
    BandedStep::begin(width, height, format);
    consumer_ = ops::detail::hooks_of(*stage_.stage.op)
                    .row_consumer(width, height, format, stage_.stage.arguments);
    next_.begin(stage_.output.width, stage_.output.height, stage_.output.format);
  }
  // The consumer takes bands in any order (see RowConsumer::consume). They all come through
  // write_band(), so none is left for finish() to run.
  int open_bands() override {
    open();
    bands_done();
    return segment().rows_around;
  }
  void write_band(const ImageView& rows, int rows_top, int first, int end) override {
    consumer_->consume(rows, rows_top, first, end);
  }

 private:
  // On the first rows, not in begin(): while a Whole step before this one gathers and runs,
  // this step holds nothing.
  void open() {
    if (open_) return;
    consumer_->open();
    open_ = true;
  }
  void run_band(ImageView rows, int from, int first, int end) override {
    open();
    consumer_->consume(rows, from, first, end);
  }
  void finish_bands() override {
    Image result = consumer_->finish();
    consumer_.reset();
    finish_with(std::move(result), next_);
  }

  const StagePlan& stage_;
  std::unique_ptr<ops::detail::RowConsumer> consumer_;
  bool open_ = false;
};

// A size-changing stage that streams (resize, crop): bands of output rows from windows of the
// input rows they read.
class RowsStep final : public RowSink {
 public:
  RowsStep(const Plan& plan, const Segment& segment, RowSink& next)
      : stage_(plan.stages[segment.first]), segment_(segment), next_(next) {}

  void begin(int width, int, PixelFormat format) override {
    width_ = width;
    format_ = format;
    next_.begin(stage_.output.width, stage_.output.height, stage_.output.format);
  }
  void write(const ImageView& rows) override {
    if (!window_) {  // on the first rows, as StripStep
      window_.emplace(width_, segment_.window_rows, format_);
      band_image_ = Image::create(stage_.output.width, segment_.band_rows, stage_.output.format,
                                  {.label = "pipeline band"});
    }
    for (int y = 0; y < rows.height(); ++y) {
      const int row = next_row_++;
      // Rows no band reads (above a crop, below the last band) are not kept.
      if (band_ >= stage_.output.height || row < needed()[0]) continue;
      if (window_->end() < row) window_->drop_before(row);
      window_->append(rows.row(y));
      while (band_ < stage_.output.height && window_->end() >= needed()[1]) run_band();
    }
  }
  void finish() override {
    if (band_ < stage_.output.height) {
      throw Error(ErrorCode::Internal, "pipeline: the input ended before a streamed stage's rows");
    }
    window_.reset();  // before the steps after this one finish (a Whole step runs then)
    band_image_ = Image();
    next_.finish();
  }

 private:
  int band_end() const { return std::min(stage_.output.height, band_ + segment_.band_rows); }
  std::array<int, 2> needed() const { return stage_.mapper->input_rows(band_, band_end()); }

  void run_band() {
    const auto [from, to] = needed();
    const MutableImageView out =
        band_image_.mutable_view().subview({0, 0, band_image_.width(), band_end() - band_});
    stage_.mapper->run(window_->rows(from, to), from, out, band_);
    next_.write(out);
    band_ = band_end();
    if (band_ < stage_.output.height) window_->drop_before(needed()[0]);
  }

  const StagePlan& stage_;
  const Segment& segment_;
  RowSink& next_;
  std::optional<RowWindow> window_;
  Image band_image_;
  int width_ = 0;
  PixelFormat format_;
  int band_ = 0;      // the first output row not yet passed on
  int next_row_ = 0;  // the index of the next input row to arrive
};

// A stage that needs the whole image: its input is gathered, it runs once all rows are in, and
// its result is passed on in bands (so the steps after it stream again).
class WholeStep final : public RowSink {
 public:
  WholeStep(const Plan& plan, const Segment& segment, RowSink& next)
      : stage_(plan.stages[segment.first]), next_(next) {}

  void begin(int width, int height, PixelFormat format) override {
    input_ = Image::create(width, height, format, {.label = "pipeline whole image"});
    next_.begin(stage_.output.width, stage_.output.height, stage_.output.format);
  }
  void write(const ImageView& rows) override {
    const MutableImageView view = input_.mutable_view();
    for (int y = 0; y < rows.height(); ++y) {
      std::memcpy(view.row(received_ + y), rows.row(y), rows.row_bytes());
    }
    received_ += rows.height();
  }
  void finish() override {
    Image result = stage_.stage.op->apply(input_.view(), stage_.stage.arguments);
    input_ = Image();  // the input goes before the bands flow on
    finish_with(std::move(result), next_);
  }

 private:
  const StagePlan& stage_;
  RowSink& next_;
  Image input_;
  int received_ = 0;
};

// Runs `body` on a thread of its own under the caller's memory budget, and joins it when it
// goes out of scope (after `on_exit`, which tells it to stop early if it is still running).
class BudgetedThread {
 public:
  template <typename Body, typename OnExit>
  BudgetedThread(Body&& body, OnExit&& on_exit)
      : on_exit_(std::forward<OnExit>(on_exit)),
        thread_([budget = current_budget(), body = std::forward<Body>(body)]() mutable {
          std::optional<BudgetScope> scope;
          if (budget != nullptr) scope.emplace(*budget);
          body();
        }) {}
  ~BudgetedThread() { join(); }
  BudgetedThread(const BudgetedThread&) = delete;
  BudgetedThread& operator=(const BudgetedThread&) = delete;
  void join() {
    if (!thread_.joinable()) return;
    on_exit_();
    thread_.join();
  }

 private:
  std::function<void()> on_exit_;
  std::thread thread_;
};

// The last sink, written by a thread of its own from a queue of bands (encoding overlaps with
// the ops). begin() runs on the caller's thread, so the encoder's file is made there.
class WriteBehind final : public RowSink {
 public:
  WriteBehind(RowSink& sink, int band_rows) : sink_(sink), band_rows_(band_rows) {}

  void begin(int width, int height, PixelFormat format) override {
    sink_.begin(width, height, format);
    queue_.emplace(width, std::min(band_rows_, height), format, 3);
    writer_.emplace(
        [this] {
          try {
            while (const auto band = queue_->acquire_full()) {
              sink_.write(*band);
              queue_->release();
            }
          } catch (...) {
            queue_->stop(std::current_exception());
          }
        },
        [this] { queue_->finish(); });
  }
  void write(const ImageView& rows) override {
    for (int y = 0; y < rows.height(); y += queue_->rows()) {
      const int count = std::min(queue_->rows(), rows.height() - y);
      const auto band = queue_->acquire_free();
      if (!band) std::rethrow_exception(queue_->consumer_error());
      for (int r = 0; r < count; ++r) {
        std::memcpy(band->row(r), rows.row(y + r), rows.row_bytes());
      }
      queue_->publish(count);
    }
  }
  void finish() override {
    writer_->join();
    if (const auto error = queue_->consumer_error()) std::rethrow_exception(error);
    sink_.finish();
  }

 private:
  RowSink& sink_;
  int band_rows_;
  std::optional<detail::BandQueue> queue_;
  std::optional<BudgetedThread> writer_;  // after queue_: joined before the queue goes
};

}  // namespace

void run_streaming(const Pipeline& pipeline, RowSource& source, RowSink& sink,
                   const StreamOptions& options) {
  const bool in_memory = dynamic_cast<const ImageSource*>(&source) != nullptr;
  const int strip_rows = options.strip_rows.value_or(in_memory ? 128 : 64);
  run_streaming(plan(pipeline, {source.width(), source.height(), source.format()}, strip_rows),
                source, sink, options.io);
}

void run_streaming(const Plan& plan, RowSource& source, RowSink& sink, IoThreads io) {
  if (source.width() != plan.input.width || source.height() != plan.input.height ||
      source.format() != plan.input.format) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("pipeline: the plan is for {}x{} {}, the source is {}x{} {}",
                            plan.input.width, plan.input.height, plan.input.format.name(),
                            source.width(), source.height(), source.format().name()));
  }
  // Built back to front, each step handing its rows to the one after it. An image in memory
  // takes bands in any order; there is no encoding to overlap, so its rows are written on the
  // calling thread whatever `io` says.
  auto* const image_sink = dynamic_cast<ImageSink*>(&sink);
  std::optional<detail::ImageBands> image_bands;
  if (image_sink != nullptr) image_bands.emplace(*image_sink);
  std::optional<WriteBehind> behind;
  if (io == IoThreads::Own && image_sink == nullptr) behind.emplace(sink, plan.strip_rows);
  std::vector<std::unique_ptr<RowSink>> steps;
  RowSink* next = image_bands ? static_cast<RowSink*>(&*image_bands)
                  : behind    ? static_cast<RowSink*>(&*behind)
                              : &sink;
  for (auto segment = plan.segments.rbegin(); segment != plan.segments.rend(); ++segment) {
    switch (segment->mode) {
      case RunMode::Strips:
        steps.push_back(std::make_unique<StripStep>(plan, *segment, *next));
        break;
      case RunMode::Rows:
        steps.push_back(std::make_unique<RowsStep>(plan, *segment, *next));
        break;
      case RunMode::Whole:
        if (plan.stages[segment->first].consumes_rows) {
          steps.push_back(std::make_unique<ConsumeStep>(plan, *segment, *next));
        } else {
          steps.push_back(std::make_unique<WholeStep>(plan, *segment, *next));
        }
        break;
    }
    next = steps.back().get();
  }
  // The source's rows go in bands of strip_rows, read a few bands ahead on a thread of their
  // own, or one band at a time on this one.
  RowSink& first = *next;
  source.begin();
  first.begin(source.width(), source.height(), source.format());
  const int band_rows = std::min(plan.strip_rows, source.height());
  if (const auto* image = dynamic_cast<const ImageSource*>(&source)) {
    first.write(image->view());
    first.finish();
    return;
  }
  if (io == IoThreads::Caller) {
    Image band =
        Image::create(source.width(), band_rows, source.format(), {.label = "pipeline input band"});
    for (int y = 0; y < source.height(); y += band_rows) {
      const int rows = std::min(band_rows, source.height() - y);
      const MutableImageView view = band.mutable_view().subview({0, 0, source.width(), rows});
      source.read(view);
      first.write(view);
    }
    first.finish();
    return;
  }
  detail::BandQueue input(source.width(), band_rows, source.format(), 3);
  {
    BudgetedThread reader(
        [&] {
          try {
            for (int y = 0; y < source.height(); y += band_rows) {
              const auto band = input.acquire_free();
              if (!band) return;  // the steps failed and stopped
              const int rows = std::min(band_rows, source.height() - y);
              source.read(band->subview({0, 0, band->width(), rows}));
              input.publish(rows);
            }
            input.finish();
          } catch (...) {
            input.fail(std::current_exception());
          }
        },
        [&] { input.stop(); });
    while (const auto band = input.acquire_full()) {
      first.write(*band);
      input.release();
    }
  }
  first.finish();
}

}  // namespace tessera::pipeline
