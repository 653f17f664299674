#pragma once
// The row protocol: how pixels pass from where they come from to where they go, top to bottom,
// in bands of any height. Decoders are row sources and encoders row sinks (codec.h), an image in
// memory is either (below), and the pipeline's steps are sinks that pass rows on to the next
// (pipeline/stream.h); a numpy array or a video frame is one more of the same. Nothing else is
// needed to take part: the executor's fast paths for rows already in memory are its own affair.
//
//   auto decoder = tessera::open_decoder("photo.jpg");       // a RowSource
//   tessera::ImageSink sink;                                  // a RowSink
//   tessera::copy_rows(*decoder, sink);                       // sink.image() holds the pixels

#include "tessera/image.h"
#include "tessera/image_view.h"
#include "tessera/pixel_format.h"

namespace tessera {

// Rows top to bottom: begin() once, then read() until height() rows have come.
class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual int width() const = 0;
  virtual int height() const = 0;
  virtual PixelFormat format() const = 0;
  // Work before the first row (a decoder reads a progressive JPEG's scans here), so that errors
  // found there come before the caller allocates rows; read() begins by itself when needed. The
  // pipeline calls it on the thread that runs it, so what it allocates is charged to that
  // thread's budget.
  virtual void begin() {}
  // The next rows.height() rows, into `rows` (width() wide, in format()).
  virtual void read(const MutableImageView& rows) = 0;
};

// Takes rows top to bottom: begin() says what they will be, write() brings them in bands of any
// height, finish() says that all came (an encoder completes its file there).
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual void begin(int width, int height, PixelFormat format) = 0;
  virtual void write(const ImageView& rows) = 0;
  virtual void finish() = 0;
};

// The rows of an image in memory.
class ImageSource final : public RowSource {
 public:
  explicit ImageSource(ImageView image) : image_(image) {}
  int width() const override { return image_.width(); }
  int height() const override { return image_.height(); }
  PixelFormat format() const override { return image_.format(); }
  void read(const MutableImageView& rows) override;
  // All the rows: the pipeline passes them on without reading them in bands.
  const ImageView& view() const { return image_; }

 private:
  ImageView image_;
  int next_ = 0;
};

// Gathers the rows into one image, made on begin() and charged to the thread's budget.
class ImageSink final : public RowSink {
 public:
  void begin(int width, int height, PixelFormat format) override;
  void write(const ImageView& rows) override;
  void finish() override {}
  Image& image() { return image_; }
  // Rows [first, first + rows.height()) in any order, from any thread: how the pipeline fills
  // the image in parallel bands. Rows already in place (made in image() itself) are not copied.
  void write_at(const ImageView& rows, int first);

 private:
  Image image_;
  int next_ = 0;
};

// Every row of `source` to `sink`, `band_rows` at a time: begin, read and write, finish.
void copy_rows(RowSource& source, RowSink& sink, int band_rows = 64);

}  // namespace tessera
