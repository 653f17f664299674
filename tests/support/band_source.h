#pragma once
// An image read band by band, as a decoder is: unlike pipeline::ImageSource it does not offer
// its rows in memory, so every band goes through the executor's reads and windows.

#include <cstring>

#include "tessera/pipeline/stream.h"

namespace tessera::testing {

class BandSource final : public pipeline::RowSource {
 public:
  explicit BandSource(ImageView image) : image_(image) {}
  int width() const override { return image_.width(); }
  int height() const override { return image_.height(); }
  PixelFormat format() const override { return image_.format(); }
  void read(const MutableImageView& rows) override {
    for (int y = 0; y < rows.height(); ++y)
      std::memcpy(rows.row(y), image_.row(next_ + y), image_.row_bytes());
    next_ += rows.height();
  }

 private:
  ImageView image_;
  int next_ = 0;
};

}  // namespace tessera::testing
