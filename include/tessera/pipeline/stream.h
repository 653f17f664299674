#pragma once
// Streaming execution: a pipeline run band by band, from a row source to a row sink, as the
// plan (plan.h) says:
// - stages that read a few rows around each output row (point and neighbourhood ops, see
//   rows_around in src/ops/streaming.h) run on bands read with as many extra rows above and below
//   as they need, and only the band's own rows are kept, so results equal whole-image runs;
// - resize and crop make bands of output from windows of the input rows they read;
// - Canny takes its input band by band into its edge map;
// - a stage that needs the whole image (equalize, rotate, ...) gets its input gathered into one
//   image, charged to the memory budget like any other.
// docs/how-it-works.md walks through it.
//
//   auto decoder = tessera::open_decoder("photo.jpg");
//   tessera::pipeline::DecoderSource source(*decoder);
//   tessera::pipeline::EncoderSink sink("edges.png", encode_options);
//   tessera::pipeline::run_streaming(pipeline, source, sink);

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "tessera/codec.h"
#include "tessera/image.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/pipeline/plan.h"

namespace tessera::pipeline {

// Rows top to bottom.
class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual int width() const = 0;
  virtual int height() const = 0;
  virtual PixelFormat format() const = 0;
  // Work before the first row (a decoder's start()): called on the thread that runs the
  // pipeline, so that what it allocates is charged to that thread's budget.
  virtual void start() {}
  // The next rows.height() rows.
  virtual void read(const MutableImageView& rows) = 0;
  // All the rows, when they are already in memory (then read() is not called): the executor
  // passes them on without copying them into bands.
  virtual const ImageView* rows_in_memory() const { return nullptr; }
};

// Receives rows top to bottom, after one begin() that says what they will be.
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual void begin(int width, int height, PixelFormat format) = 0;
  virtual void write(const ImageView& rows) = 0;
  virtual void finish() = 0;
  // Where rows [first, first + count) will end up, when the sink keeps them in memory: a step
  // may make them there and then write() that same view, which the sink takes without a copy.
  // Empty: the sink has no such memory (an encoder).
  virtual std::optional<MutableImageView> rows_at(int first, int count) {
    (void)first;
    (void)count;
    return std::nullopt;
  }
  // Bands in any order. A sink that can take its rows so (an image in memory, Canny's edge
  // map) says how many rows it needs beyond each band on each side. The step before it may
  // then, instead of write(), call write_band() for disjoint bands covering every row, in any
  // order and from several threads at once, and then finish(). Empty: rows in order only.
  virtual std::optional<int> open_bands() { return std::nullopt; }
  // Rows [first, end), in `rows` with open_bands() rows beyond them on each side as far as the
  // image goes; rows.row(0) is row rows_top.
  virtual void write_band(const ImageView& rows, int rows_top, int first, int end);
  // Whether the rows only go to memory: then there is no encoding to overlap, and the executor
  // writes them on the calling thread whatever IoThreads says.
  virtual bool in_memory() const { return false; }
};

// The rows of an image in memory.
class ImageSource final : public RowSource {
 public:
  explicit ImageSource(ImageView image) : image_(image) {}
  int width() const override { return image_.width(); }
  int height() const override { return image_.height(); }
  PixelFormat format() const override { return image_.format(); }
  void read(const MutableImageView& rows) override;
  const ImageView* rows_in_memory() const override { return &image_; }

 private:
  ImageView image_;
  int next_ = 0;
};

// Gathers the rows into one image.
class ImageSink final : public RowSink {
 public:
  void begin(int width, int height, PixelFormat format) override;
  void write(const ImageView& rows) override;
  void finish() override {}
  std::optional<MutableImageView> rows_at(int first, int count) override;
  std::optional<int> open_bands() override { return 0; }
  void write_band(const ImageView& rows, int rows_top, int first, int end) override;
  bool in_memory() const override { return true; }
  Image& image() { return image_; }

 private:
  Image image_;
  int next_ = 0;
};

// The rows of a decoder, as stored.
class DecoderSource final : public RowSource {
 public:
  explicit DecoderSource(Decoder& decoder) : decoder_(decoder) {}
  int width() const override { return decoder_.width(); }
  int height() const override { return decoder_.height(); }
  PixelFormat format() const override { return decoder_.format(); }
  void start() override { decoder_.start(); }
  void read(const MutableImageView& rows) override { decoder_.read_rows(rows); }

 private:
  Decoder& decoder_;
};

// Encodes the rows to `path` (format from its extension); the file appears on finish() only.
class EncoderSink final : public RowSink {
 public:
  EncoderSink(std::filesystem::path path, EncodeOptions options)
      : path_(std::move(path)), options_(std::move(options)) {}
  // To `stream` (not closed; stdout for a command line's "-") in the format `extension` names,
  // as open_encoder(std::FILE*, ...) writes it; `name` stands for the path in errors.
  EncoderSink(std::FILE* stream, std::string extension, std::filesystem::path name,
              EncodeOptions options)
      : path_(std::move(name)),
        options_(std::move(options)),
        stream_(stream),
        extension_(std::move(extension)) {}
  void begin(int width, int height, PixelFormat format) override;
  void write(const ImageView& rows) override { encoder_->write_rows(rows); }
  void finish() override { encoder_->finish(); }

 private:
  std::filesystem::path path_;
  EncodeOptions options_;
  std::FILE* stream_ = nullptr;  // set: write there, in extension_'s format
  std::string extension_;
  std::unique_ptr<Encoder> encoder_;
};

// How the source and the sink run. With io_threads, the source is read on a thread of its own
// a few bands ahead, and the sink written on another a few bands behind, so that decoding and
// encoding (one core each, inside the codec libraries) overlap with the ops; both threads
// charge the caller's memory budget. Without, all runs on the caller's thread, band by band:
// better when other files keep the cores busy (a batch with a file per core), where the two
// threads only add handovers (8% slower on the batch benchmark).
enum class IoThreads { Own, Caller };

struct StreamOptions {
  // Output rows per strip. Unset: 64 for a source read band by band (a decoder), so that the
  // queues and windows stay a few MiB; 128 for an image already in memory, whose bands are
  // small next to it (where its bands run as tasks on all cores, the tasks running at once
  // share a band's rows, at least 32 each).
  std::optional<int> strip_rows;
  IoThreads io = IoThreads::Own;
};

// Runs every stage of `pipeline` on the rows of `source` and writes the result to `sink`.
// Plans first (see plan.h), so a chain an op cannot take is refused before any row is read.
void run_streaming(const Pipeline& pipeline, RowSource& source, RowSink& sink,
                   const StreamOptions& options = {});

// The same with a plan made for this source's size and format.
void run_streaming(const Plan& plan, RowSource& source, RowSink& sink,
                   IoThreads io = IoThreads::Own);

}  // namespace tessera::pipeline
