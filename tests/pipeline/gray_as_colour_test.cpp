// A last `rgb` of gray rows to a JPEG is left to the encoder (EncodeOptions::gray_as_colour),
// which must write the very file the colour rows would have given: same bytes, ICC profile
// included, at every size, subsampling and quality; the pipeline takes that road only there.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support/corpora.h"
#include "tessera/codec.h"
#include "tessera/ops/color.h"
#include "tessera/ops/geometry.h"
#include "tessera/pipeline/job.h"
#include "tessera/pipeline/pipeline.h"

namespace tessera {
namespace {

std::vector<char> bytes_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class GrayAsColour : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("tessera-gray-as-colour-" + std::to_string(::getpid()));
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  // The file written from gray with the flag, against the one written from rgb(gray).
  void expect_same_file(const Image& gray, EncodeOptions options, const std::string& name) {
    SCOPED_TRACE(name);
    const std::filesystem::path colour = folder_ / (name + "-rgb.jpg");
    const std::filesystem::path direct = folder_ / (name + "-gray.jpg");
    write(ops::rgb(gray.view()), colour, options);
    options.gray_as_colour = true;
    write(gray, direct, options);
    const std::vector<char> expected = bytes_of(colour);
    ASSERT_GT(expected.size(), 100u);
    EXPECT_TRUE(bytes_of(direct) == expected)
        << "sizes " << bytes_of(direct).size() << " and " << expected.size();
    // And it is a colour file.
    EXPECT_EQ(probe(direct).pixel_format, PixelFormat::rgb8());
  }

  std::filesystem::path folder_;
};

Image photo_gray() {
  return ops::gray(read(testing::corpora() / "vips/test/test-suite/images/sample.jpg").view());
}

TEST_F(GrayAsColour, the_encoder_writes_the_file_the_colour_rows_give_at_every_size) {
  TESSERA_REQUIRE_CORPORA();
  const Image gray = photo_gray();
  // Identity, 1xN, Nx1, sides that are and are not whole blocks or MCUs, a large crop.
  const std::vector<std::pair<int, int>> sizes = {{1, 1},   {1, 37},  {37, 1},   {8, 8},
                                                  {16, 16}, {17, 9},  {33, 31},  {63, 65},
                                                  {127, 1}, {1, 129}, {280, 430}};
  for (const auto& [width, height] : sizes) {
    const Image part = ops::crop(gray.view(), {3, 5, width, height});
    for (const ChromaSubsampling subsampling :
         {ChromaSubsampling::S420, ChromaSubsampling::S422, ChromaSubsampling::S444}) {
      expect_same_file(part, {.quality = 90, .subsampling = subsampling},
                       std::to_string(width) + "x" + std::to_string(height) + "-" +
                           std::to_string(static_cast<int>(subsampling)));
    }
  }
}

TEST_F(GrayAsColour, quality_progressive_and_the_icc_profile_are_kept) {
  TESSERA_REQUIRE_CORPORA();
  const Image gray = ops::crop(photo_gray().view(), {0, 0, 201, 143});
  expect_same_file(gray, {.quality = 40}, "q40");
  expect_same_file(gray, {.quality = 100, .progressive = true}, "q100-progressive");
  // An RGB profile stays on a file that is RGB, as it does when the colour rows are written.
  const std::vector<std::byte> icc =
      open_decoder(testing::corpora() / "vips/test/test-suite/images/sample.jpg")->icc_profile();
  ASSERT_FALSE(icc.empty());
  expect_same_file(gray, {.quality = 90, .icc_profile = icc}, "icc");
}

TEST_F(GrayAsColour, a_pipeline_ending_in_rgb_to_jpeg_writes_what_running_it_whole_writes) {
  TESSERA_REQUIRE_CORPORA();
  const std::filesystem::path input = testing::corpora() / "vips/test/test-suite/images/sample.jpg";
  for (const std::string text :
       {"gray | rgb", "gray | blur 5 | canny 50 150 | rgb", "gray | resize 50% | rgb", "rgb"}) {
    SCOPED_TRACE(text);
    const pipeline::Pipeline stages = pipeline::parse(text);
    const std::filesystem::path streamed = folder_ / "streamed.jpg";
    // The profile only: the job would carry the input's EXIF and DPI too, which the reference
    // written from an Image has not.
    pipeline::Job job = pipeline::Job::prepare(
        input, streamed,
        {.encode = {.keep_metadata = MetadataKinds::parse("icc")}, .pipeline = &stages});
    // `rgb` of colour is a copy, and `gray | rgb` is `rgb` of a luma decode: a plan needs a
    // stage, so the whole job would be the encoder's.
    const bool left_to_encoder = text != "rgb" && text != "gray | rgb";
    EXPECT_EQ(job.describe().find("left to the JPEG encoder") != std::string::npos,
              left_to_encoder);
    job.run();
    // The reference: the same luma (the pipeline decodes Y alone) through the ops, in memory,
    // then the colour image written.
    const Image luma = read(input, {.luma_only = true});
    const std::string rest = text.starts_with("gray | ") ? text.substr(7) : text;
    const Image expected =
        pipeline::run_whole(pipeline::parse(rest), (text == "rgb" ? read(input) : luma).view());
    const std::filesystem::path whole = folder_ / "whole.jpg";
    write(expected, whole, {.icc_profile = open_decoder(input)->icc_profile()});
    EXPECT_TRUE(bytes_of(streamed) == bytes_of(whole));
  }
  // Not to other formats: a PNG of `gray | rgb` is a colour PNG made from colour rows.
  const pipeline::Pipeline stages = pipeline::parse("gray | rgb");
  pipeline::Job png = pipeline::Job::prepare(input, folder_ / "out.png", {.pipeline = &stages});
  EXPECT_EQ(png.describe().find("left to the JPEG encoder"), std::string::npos);
  png.run();
  EXPECT_EQ(probe(folder_ / "out.png").pixel_format, PixelFormat::rgb8());
}

}  // namespace
}  // namespace tessera
