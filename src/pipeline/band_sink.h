#pragma once
// The executor's fast paths for rows that stay in memory, known only to the executor's steps:
// a sink in the row protocol (rows.h) needs none of this to take part.
//
// The sinks that keep rows in memory (the caller's ImageSink, Canny's edge map) offer them, so
// that the step before may make rows where they will end up (no copy), and make bands in any
// order on all cores when the whole image is in memory.

#include <optional>

#include "tessera/image.h"
#include "tessera/rows.h"

namespace tessera::pipeline::detail {

// Implemented beside RowSink by the sinks that have the memory.
class BandSink {
 public:
  virtual ~BandSink() = default;
  // Where rows [first, first + count) will end up: a step may make them there and then write()
  // that same view, which the sink takes without a copy. Empty: not here.
  virtual std::optional<MutableImageView> rows_at(int first, int count) {
    (void)first;
    (void)count;
    return std::nullopt;
  }
  // Bands in any order: how many rows the sink needs beyond each band on each side. The step
  // before it may then, instead of write(), call write_band() for disjoint bands covering every
  // row, in any order and from several threads at once, and then finish().
  virtual int open_bands() = 0;
  // Rows [first, end), in `rows` with open_bands() rows beyond them on each side as far as the
  // image goes; rows.row(0) is row rows_top.
  virtual void write_band(const ImageView& rows, int rows_top, int first, int end) = 0;
};

// The caller's ImageSink as a BandSink: the executor puts this in its place.
class ImageBands final : public RowSink, public BandSink {
 public:
  explicit ImageBands(ImageSink& sink) : sink_(sink) {}
  void begin(int width, int height, PixelFormat format) override {
    sink_.begin(width, height, format);
  }
  void write(const ImageView& rows) override { sink_.write(rows); }
  void finish() override { sink_.finish(); }
  std::optional<MutableImageView> rows_at(int first, int count) override {
    Image& image = sink_.image();
    if (image.empty() || first < 0 || first + count > image.height()) return std::nullopt;
    return image.mutable_view().subview({0, first, image.width(), count});
  }
  int open_bands() override { return 0; }
  void write_band(const ImageView& rows, int rows_top, int first, int end) override {
    sink_.write_at(rows.subview({0, first - rows_top, rows.width(), end - first}), first);
  }

 private:
  ImageSink& sink_;
};

}  // namespace tessera::pipeline::detail
