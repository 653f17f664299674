// The ends of a streamed pipeline: images and codecs as row sources and sinks.

#include <cstring>
#include <string>
#include <vector>

#include "tessera/error.h"
#include "tessera/pipeline/stream.h"

namespace tessera::pipeline {

void ImageSource::read(const MutableImageView& rows) {
  if (next_ + rows.height() > image_.height()) {
    throw Error(ErrorCode::Internal, "pipeline: read past the end of an image source");
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

void RowSink::write_band(const ImageView&, int, int, int) {
  throw Error(ErrorCode::Internal,
              "pipeline: bands in any order written to a sink that takes rows in order");
}

namespace {

// Copies `rows` to rows `first`.. of `image`, unless they were made there (rows_at).
void put_rows(Image& image, const ImageView& rows, int first) {
  if (first + rows.height() > image.height()) {
    throw Error(ErrorCode::Internal, "pipeline: wrote past the end of an image sink");
  }
  const MutableImageView out = image.mutable_view();
  if (rows.height() == 0 || rows.row(0) == out.row(first)) return;
  for (int y = 0; y < rows.height(); ++y) {
    std::memcpy(out.row(first + y), rows.row(y), rows.row_bytes());
  }
}

}  // namespace

void ImageSink::write(const ImageView& rows) {
  put_rows(image_, rows, next_);
  next_ += rows.height();
}

void ImageSink::write_band(const ImageView& rows, int rows_top, int first, int end) {
  put_rows(image_, rows.subview({0, first - rows_top, rows.width(), end - first}), first);
}

std::optional<MutableImageView> ImageSink::rows_at(int first, int count) {
  if (image_.empty() || first < 0 || first + count > image_.height()) return std::nullopt;
  return image_.mutable_view().subview({0, first, image_.width(), count});
}

namespace {

// Whether an ICC profile describes pixels of `format`: its header names the colour space at
// bytes 16..19 ("RGB " or "GRAY"). A pipeline that turns colour to gray must not carry an RGB
// profile into a gray file.
bool profile_fits(const std::vector<std::byte>& profile, PixelFormat format) {
  if (profile.size() < 20) return false;
  const std::string space(reinterpret_cast<const char*>(profile.data()) + 16, 4);
  return format.channels() >= 3 ? space == "RGB " : space == "GRAY";
}

}  // namespace

void EncoderSink::begin(int width, int height, PixelFormat format) {
  if (!options_.icc_profile.empty() && !profile_fits(options_.icc_profile, format)) {
    options_.icc_profile.clear();
  }
  encoder_ = stream_ != nullptr ? open_encoder(stream_, extension_, path_.string(), width, height,
                                               format, options_)
                                : open_encoder(path_, width, height, format, options_);
}

}  // namespace tessera::pipeline
