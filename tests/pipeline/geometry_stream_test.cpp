// The streamed form of every geometry op equals its whole-image form, sample for sample: resize
// with every kernel, target form and fit (fit=cover's crop is made inside the streamed resize),
// keeping one axis or both, on odd, 1xN and Nx1 images, in bands of 1, 7 and 64 rows, read band
// by band as from a decoder and from an image in memory; crop, pad, rotate and flip too.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "support/band_source.h"
#include "support/images.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/pipeline/stream.h"

namespace tessera {
namespace {

void expect_same_pixels(const Image& a, const Image& b) {
  ASSERT_EQ(a.width(), b.width());
  ASSERT_EQ(a.height(), b.height());
  ASSERT_EQ(a.format(), b.format());
  for (int y = 0; y < a.height(); ++y)
    ASSERT_EQ(std::memcmp(a.row(y), b.row(y), a.view().row_bytes()), 0) << "row " << y;
}

// The resize stages for a width x height input: every target form, keeping the width, the
// height or both, each fit for the WxH forms.
std::vector<std::string> resize_stages(int width, int height) {
  const std::string sizes[] = {
      fmt::format("{}x{}", width, height),
      fmt::format("{}x{}", width, height * 2 + 1),
      fmt::format("{}x{}", width * 3 / 2 + 1, height),
      fmt::format("{}x{}", std::max(1, width / 3), height * 2),
      "20x20",
  };
  std::vector<std::string> stages;
  for (const auto& size : sizes) {
    for (const char* fit : {"fill", "inside", "cover"})
      stages.push_back(fmt::format("resize {} fit={}", size, fit));
  }
  for (const std::string& size :
       {fmt::format("{}x", width), fmt::format("x{}", height + 3), std::string("37%"),
        std::string("100%"), std::string("0.5"), std::string("2")}) {
    stages.push_back("resize " + size);
  }
  return stages;
}

TEST(GeometryStream, every_resize_form_streamed_in_bands_equals_the_whole_image_resize) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  std::mt19937 random(seed);
  const int shapes[][2] = {{37, 23}, {1, 9}, {9, 1}, {13, 150}};
  for (const auto format : {PixelFormat::gray8(), PixelFormat::rgb8()}) {
    for (const auto& [width, height] : shapes) {
      const Image image = testing::noise(width, height, format, random);
      for (const std::string& stage : resize_stages(width, height)) {
        for (const char* kernel : {"nearest", "linear", "area", "cubic", "lanczos3"}) {
          const std::string text = fmt::format("{} kernel={}", stage, kernel);
          SCOPED_TRACE(fmt::format("'{}' on {}x{} {}", text, width, height, format.name()));
          const auto stages = pipeline::parse(text);
          const Image whole = pipeline::run_whole(stages, image.view());
          for (int strip_rows : {1, 7}) {
            SCOPED_TRACE(fmt::format("{}-row bands", strip_rows));
            testing::BandSource source(image.view());
            pipeline::ImageSink sink;
            pipeline::run_streaming(stages, source, sink, {.strip_rows = strip_rows});
            expect_same_pixels(sink.image(), whole);
          }
          pipeline::ImageSource in_memory(image.view());
          pipeline::ImageSink sink;
          pipeline::run_streaming(stages, in_memory, sink, {.strip_rows = 5});
          expect_same_pixels(sink.image(), whole);
        }
      }
    }
  }
}

TEST(GeometryStream, crop_pad_rotate_and_flip_streamed_equal_their_whole_image_forms) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  std::mt19937 random(seed);
  const char* pipelines[] = {
      "crop 0,0,37,23",
      "crop 36,22,1,1",
      "crop 5,3,17,19 | resize 9x9 fit=cover",
      "pad 3",
      "pad 1,2,3,4 10,20,30",
      "rotate 90",
      "rotate 180 | crop 1,1,20,20",
      "rotate 270",
      "rotate 33 expand=no",
      "rotate 12",
      "flip",
      "flip v",
      "flip both | resize 200x100 linear fit=cover",
  };
  const Image image = testing::noise(37, 23, PixelFormat::rgb8(), random);
  for (const char* text : pipelines) {
    SCOPED_TRACE(text);
    const auto stages = pipeline::parse(text);
    const Image whole = pipeline::run_whole(stages, image.view());
    for (int strip_rows : {1, 7, 64}) {
      testing::BandSource source(image.view());
      pipeline::ImageSink sink;
      pipeline::run_streaming(stages, source, sink, {.strip_rows = strip_rows});
      expect_same_pixels(sink.image(), whole);
    }
  }
}

}  // namespace
}  // namespace tessera
