// One row protocol (rows.h) for every end of a pipeline: a decoder, an encoder, an image in
// memory and a sink that knows nothing but begin/write/finish (as a numpy array or a video
// writer will) all give the same pixels, through the executor's fast paths or without them.

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "support/corpora.h"
#include "support/images.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/pipeline/stream.h"
#include "tessera/rows.h"

namespace tessera {
namespace {

std::filesystem::path photo() {
  return std::filesystem::path(TESSERA_CORPORA) / "vips/test/test-suite/images/ultra-hdr.jpg";
}

// A sink with nothing but the protocol's three calls, which checks that they come in order and
// gathers the rows into plain memory, as a numpy array would hold them.
class PlainSink final : public RowSink {
 public:
  void begin(int width, int height, PixelFormat format) override {
    ASSERT_EQ(begun_, 0) << "begin() twice";
    ++begun_;
    width_ = width;
    height_ = height;
    format_ = format;
    row_bytes_ = static_cast<std::size_t>(width) * format.bytes_per_pixel();
  }
  void write(const ImageView& rows) override {
    ASSERT_EQ(begun_, 1) << "write() before begin()";
    ASSERT_FALSE(finished_) << "write() after finish()";
    ASSERT_EQ(rows.width(), width_);
    ASSERT_EQ(rows.format(), format_);
    for (int y = 0; y < rows.height(); ++y) {
      const auto* row = reinterpret_cast<const std::byte*>(rows.row(y));
      bytes_.insert(bytes_.end(), row, row + row_bytes_);
    }
  }
  void finish() override {
    ASSERT_FALSE(finished_) << "finish() twice";
    finished_ = true;
  }

  // The rows as an image, once every one came.
  Image image() const {
    EXPECT_TRUE(finished_);
    EXPECT_EQ(bytes_.size(), row_bytes_ * static_cast<std::size_t>(height_));
    Image image = Image::create(width_, height_, format_);
    for (int y = 0; y < height_; ++y) {
      std::memcpy(image.mutable_view().row(y), bytes_.data() + row_bytes_ * y, row_bytes_);
    }
    return image;
  }

 private:
  int begun_ = 0;
  bool finished_ = false;
  int width_ = 0;
  int height_ = 0;
  PixelFormat format_;
  std::size_t row_bytes_ = 0;
  std::vector<std::byte> bytes_;
};

// folder_: a fresh folder for each test.
class RowProtocol : public testing::ScratchFolderTest {};

void expect_same_pixels(ImageView a, ImageView b, const std::string& what) {
  ASSERT_EQ(a.width(), b.width()) << what;
  ASSERT_EQ(a.height(), b.height()) << what;
  ASSERT_EQ(a.format(), b.format()) << what;
  for (int y = 0; y < a.height(); ++y) {
    ASSERT_EQ(std::memcmp(a.row(y), b.row(y), a.row_bytes()), 0) << what << ": row " << y;
  }
}

// Each pipeline takes another of the executor's paths: bands made in the sink's memory (point
// ops), bands in any order on all cores (an image in memory into an ImageSink), Canny's edge
// map taking bands, a whole-image stage, a streamed resize.
TEST_F(RowProtocol, every_source_and_sink_gives_the_whole_image_result) {
  TESSERA_REQUIRE_CORPORA();
  const Image stored = read(photo(), {.apply_orientation = false});
  for (const char* text : {"invert | gamma 1.4", "gray | blur 5 | canny 50 150 | rgb",
                           "gray | equalize | blur 3", "resize 37% area | sharpen"}) {
    SCOPED_TRACE(text);
    const pipeline::Pipeline stages = pipeline::parse(text);
    const Image reference = pipeline::run_whole(stages, stored.view());
    for (const auto io : {pipeline::IoThreads::Own, pipeline::IoThreads::Caller}) {
      const std::string how = io == pipeline::IoThreads::Own ? "own threads" : "caller's thread";
      {
        auto decoder = open_decoder(photo());
        ImageSink sink;
        pipeline::run_streaming(stages, *decoder, sink, {.io = io});
        expect_same_pixels(sink.image().view(), reference.view(), "decoder to image, " + how);
      }
      {
        auto decoder = open_decoder(photo());
        PlainSink sink;
        pipeline::run_streaming(stages, *decoder, sink, {.io = io});
        expect_same_pixels(sink.image().view(), reference.view(), "decoder to plain, " + how);
      }
      {
        ImageSource source(stored.view());
        PlainSink sink;
        pipeline::run_streaming(stages, source, sink, {.io = io});
        expect_same_pixels(sink.image().view(), reference.view(), "image to plain, " + how);
      }
      {
        ImageSource source(stored.view());
        ImageSink sink;
        pipeline::run_streaming(stages, source, sink, {.io = io});
        expect_same_pixels(sink.image().view(), reference.view(), "image to image, " + how);
      }
    }
  }
}

TEST_F(RowProtocol, an_encoder_is_a_sink_and_a_decoder_a_source) {
  const Image image = testing::smooth_rgb(61, 47);
  const std::filesystem::path file = folder_ / "rows.png";
  {
    auto encoder = open_encoder(file, 61, 47, PixelFormat::rgb8());
    ImageSource source(image.view());
    copy_rows(source, *encoder, 5);  // begin, bands of 5 rows, finish
  }
  auto decoder = open_decoder(file);
  ImageSink sink;
  copy_rows(*decoder, sink, 7);
  expect_same_pixels(sink.image().view(), image.view(), "png through copy_rows");
  expect_same_pixels(read(file).view(), image.view(), "png read back");
}

TEST_F(RowProtocol, an_encoder_refuses_rows_of_another_image_by_name) {
  const std::filesystem::path file = folder_ / "other.png";
  auto encoder = open_encoder(file, 40, 30, PixelFormat::rgb8());
  encoder->begin(40, 30, PixelFormat::rgb8());  // what it was opened for: fine
  for (const auto& [width, height, format] :
       {std::tuple{41, 30, PixelFormat::rgb8()}, std::tuple{40, 29, PixelFormat::rgb8()},
        std::tuple{40, 30, PixelFormat::gray8()}}) {
    try {
      encoder->begin(width, height, format);
      ADD_FAILURE() << "begin(" << width << ", " << height << ", " << format.name() << ") passed";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::InvalidArgument);
      EXPECT_NE(std::string(error.what()).find(file.string()), std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find("opened for 40x30"), std::string::npos)
          << error.what();
    }
  }
  // A refused begin() is the caller's mistake, not the encoder's: it still writes its image.
  const Image image = testing::smooth_rgb(40, 30);
  encoder->write(image.view());
  encoder->finish();
  expect_same_pixels(read(file).view(), image.view(), "after refused begin()");
}

TEST_F(RowProtocol, a_decoder_begins_once_and_stops_at_its_last_row) {
  TESSERA_REQUIRE_CORPORA();
  auto decoder = open_decoder(photo());
  decoder->begin();
  decoder->begin();  // a second begin does nothing
  Image rows = Image::create(decoder->width(), decoder->height(), decoder->format());
  decoder->read(rows.mutable_view());
  expect_same_pixels(rows.view(), read(photo(), {.apply_orientation = false}).view(), "decoded");
  Image more = Image::create(decoder->width(), 1, decoder->format());
  EXPECT_THROW(decoder->read(more.mutable_view()), Error);
}

TEST_F(RowProtocol, copy_rows_wants_at_least_one_row_per_band) {
  const Image image = testing::smooth_rgb(8, 4);
  ImageSource source(image.view());
  ImageSink sink;
  EXPECT_THROW(copy_rows(source, sink, 0), Error);
}

}  // namespace
}  // namespace tessera
