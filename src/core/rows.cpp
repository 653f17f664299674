// Images in memory as row sources and sinks, and the simplest pump between any two.

#include "tessera/rows.h"

#include <algorithm>
#include <cstring>

#include "tessera/error.h"

namespace tessera {

void ImageSource::read(const MutableImageView& rows) {
  if (next_ + rows.height() > image_.height()) {
    throw Error(ErrorCode::Internal, "rows: read past the end of an image source");
  }
  for (int y = 0; y < rows.height(); ++y) {
    std::memcpy(rows.row(y), image_.row(next_ + y), image_.row_bytes());
  }
  next_ += rows.height();
}

void ImageSink::begin(int width, int height, PixelFormat format) {
  image_ = Image::create(width, height, format, {.label = "pipeline result"});
  next_ = 0;
}

void ImageSink::write(const ImageView& rows) {
  write_at(rows, next_);
  next_ += rows.height();
}

void ImageSink::write_at(const ImageView& rows, int first) {
  if (first < 0 || first + rows.height() > image_.height()) {
    throw Error(ErrorCode::Internal, "rows: wrote past the end of an image sink");
  }
  const MutableImageView out = image_.mutable_view();
  if (rows.height() == 0 || rows.row(0) == out.row(first)) return;
  for (int y = 0; y < rows.height(); ++y) {
    std::memcpy(out.row(first + y), rows.row(y), rows.row_bytes());
  }
}

void copy_rows(RowSource& source, RowSink& sink, int band_rows) {
  if (band_rows < 1) throw Error(ErrorCode::InvalidArgument, "copy_rows: band_rows must be >= 1");
  source.begin();
  sink.begin(source.width(), source.height(), source.format());
  if (const auto* image = dynamic_cast<const ImageSource*>(&source)) {
    sink.write(image->view());  // already in memory: one write, no copy into bands
  } else if (source.height() > 0) {
    Image band = Image::create(source.width(), std::min(band_rows, source.height()),
                               source.format(), {.label = "copy_rows band"});
    for (int y = 0; y < source.height(); y += band.height()) {
      const MutableImageView rows = band.mutable_view().subview(
          {0, 0, source.width(), std::min(band.height(), source.height() - y)});
      source.read(rows);
      sink.write(rows);
    }
  }
  sink.finish();
}

}  // namespace tessera
