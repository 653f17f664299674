// The codec libraries' own memory (outside tessera's accounting) is estimated from the headers
// and counted in a job's estimate, so that a batch's admission keeps the process within its
// budget: libjpeg's coefficients of a progressive file, libheif's decoded frame, the WebP and
// HEIF encoders' copies of the picture.

#include <gtest/gtest.h>

#include "support/corpora.h"
#include "support/images.h"
#include "tessera/codec.h"
#include "tessera/pipeline/job.h"

namespace tessera {
namespace {

using testing::corpora;

class WorkingMemory : public testing::ScratchFolderTest {
 protected:
  void SetUp() override {
    TESSERA_REQUIRE_CORPORA();
    ScratchFolderTest::SetUp();
  }
  // libjpeg-turbo's 227x149 test photograph.
  static Image photo() { return read(corpora() / "jpeg/libjpeg-turbo/testimages/testorig.jpg"); }
};

TEST_F(WorkingMemory, a_progressive_jpeg_counts_libjpegs_coefficients_and_a_baseline_one_none) {
  write(photo(), file("progressive.jpg"), {.progressive = true});
  write(photo(), file("baseline.jpg"), {.progressive = false});
  // 4:2:0 at 227x149: luma 29x19 blocks of 8x8, each chroma plane 15x10; 128 bytes a block.
  const std::size_t coefficients = (29 * 19 + 2 * 15 * 10) * 128;
  EXPECT_EQ(open_decoder(file("progressive.jpg"))->working_bytes(), coefficients);
  EXPECT_EQ(open_decoder(file("baseline.jpg"))->working_bytes(), 0u);

  // A job's estimate adds them to its own rows (the same pipeline, the same output).
  const auto stages = pipeline::parse("blur 3");
  const auto estimate = [&](const char* input) {
    return pipeline::Job::prepare(file(input), file("out.png"), {.pipeline = &stages}).estimate();
  };
  EXPECT_EQ(estimate("progressive.jpg"), estimate("baseline.jpg") + coefficients);
}

TEST_F(WorkingMemory, heif_decodes_count_libheifs_frame_and_encoders_their_copies) {
  write(photo(), file("photo.avif"));
  const auto decoder = open_decoder(file("photo.avif"));
  // libheif's interleaved RGB frame alone is 3 bytes a pixel.
  EXPECT_GE(decoder->working_bytes(), std::size_t{227} * 149 * 3);

  EXPECT_EQ(encoder_working_bytes(FileFormat::Jpeg, 4000, 3000), 0u);
  // PNG: the parallel deflate's blocks, a few hundred KiB a core whatever the size.
  EXPECT_GE(encoder_working_bytes(FileFormat::Png, 4000, 3000), std::size_t{512} * 1024);
  EXPECT_LE(encoder_working_bytes(FileFormat::Png, 4000, 3000), std::size_t{1} << 23);
  EXPECT_GE(encoder_working_bytes(FileFormat::Webp, 4000, 3000), std::size_t{4000} * 3000 * 4);
  EXPECT_GE(encoder_working_bytes(FileFormat::Heif, 4000, 3000), std::size_t{4000} * 3000 * 18);

  // Writing WebP costs more than writing JPEG by the encoder's share, at the output's size.
  const auto stages = pipeline::parse("resize 100x50 fit=fill");
  const auto estimate = [&](const char* output) {
    return pipeline::Job::prepare(file("photo.avif"), file(output), {.pipeline = &stages})
        .estimate();
  };
  EXPECT_EQ(estimate("out.webp"),
            estimate("out.jpg") + encoder_working_bytes(FileFormat::Webp, 100, 50));
  EXPECT_EQ(estimate("out.png"),
            estimate("out.jpg") + encoder_working_bytes(FileFormat::Png, 100, 50));
}

}  // namespace
}  // namespace tessera
