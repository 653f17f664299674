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

void ImageSink::write(const ImageView& rows) {
  if (next_ + rows.height() > image_.height()) {
    throw Error(ErrorCode::Internal, "pipeline: wrote past the end of an image sink");
  }
  const MutableImageView out = image_.mutable_view();
  if (rows.height() > 0 && rows.row(0) != out.row(next_)) {  // else made in place (next_rows)
    for (int y = 0; y < rows.height(); ++y) {
      std::memcpy(out.row(next_ + y), rows.row(y), rows.row_bytes());
    }
  }
  next_ += rows.height();
}

std::optional<MutableImageView> ImageSink::next_rows(int rows) {
  if (image_.empty() || next_ + rows > image_.height()) return std::nullopt;
  return image_.mutable_view().subview({0, next_, image_.width(), rows});
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
  encoder_ = open_encoder(path_, width, height, format, options_);
}

}  // namespace tessera::pipeline
